"""PDF output through WeasyPrint (the optional extra): the same page on paper, Chinese included, or a clear refusal."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE_FILES

ZH = ROOT / "samples" / "erp-manufacturing.zh-CN.yaml"


def test_without_weasyprint_pdf_is_refused_with_the_install_hint(tmp_path, cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint now raises ImportError
    spec = tmp_path / "plan.yaml"
    shutil.copy(ZH, spec)
    code, _, err = cli("build", spec, "-f", "md,pdf")
    assert code == 1
    # these tests run from a source checkout: the hint says how to add the extra there
    assert f"pip install -e '.[pdf]' in {ROOT}" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"], "a refused build writes nothing"


def test_the_install_hint_follows_how_outlookgen_was_installed(tmp_path):
    from outlookgen.render.pdf import install_hint

    site = tmp_path / "site-packages" / "outlookgen"
    site.mkdir(parents=True)
    clone = tmp_path / "my clone"
    url = json.dumps({"url": clone.as_uri(), "dir_info": {}})
    assert f"pip install '.[pdf]' in {clone} " in install_hint(site, url)  # pip install . from a clone
    wheel = '{"url": "file:///dist/outlookgen-1.0-py3-none-any.whl", "archive_info": {}}'
    assert "pip install 'outlookgen[pdf]' " in install_hint(site, wheel)
    assert "pip install 'outlookgen[pdf]' " in install_hint(site, "")  # from the package index
    assert f"pip install -e '.[pdf]' in {ROOT} " in install_hint(ROOT / "outlookgen", "")  # running in the checkout


def test_pdf_is_not_a_default_format(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    shutil.copy(ZH, spec)
    code, _, err = cli("build", spec, "-f", "md", "-q")
    assert code == 0, err
    from outlookgen.project.build import check_formats
    from outlookgen.render.registry import FORMATS

    assert FORMATS["pdf"].opt_in and "pdf" not in check_formats(())


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    pytest.importorskip("weasyprint", reason="the pdf extra is not installed (the test extra installs it)")
    from outlookgen.project.build import BuildOptions, build

    out = tmp_path_factory.mktemp("pdf")
    build(SAMPLE_FILES, BuildOptions(formats=("pdf",), output_dir=out, jobs=1))
    return {s: out / (s.stem + ".pdf") for s in SAMPLE_FILES}


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_pdf_is_a4_with_text_and_the_same_bytes_every_time(pdfs, sample, tmp_path):
    data = pdfs[sample].read_bytes()
    assert data.startswith(b"%PDF-")
    from outlookgen.model import build_outlook
    from outlookgen.packs import resolve_pack
    from outlookgen.render import pdf
    from outlookgen.render.context import prepare
    from outlookgen.spec.validate import load_valid

    outlook = build_outlook(load_valid(sample).data)
    assert pdf.render(prepare(outlook, resolve_pack(), outlook.meta.locale)) == data, "PDF bytes differ between runs"


def test_chinese_text_is_in_the_pdf(pdfs):
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext is not installed (.ci/run installs poppler-utils)")
    text = subprocess.run([tool, "-layout", str(pdfs[ZH]), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("华东精工机械ERP实施工作展望", "第三步 详细实施计划", "内部资料", "需求调研与BOM现状诊断"):
        assert words in text.replace("\u3000", " "), words
    # The Gantt chart sits on a landscape page.
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "40", str(pdfs[ZH])], capture_output=True, text=True).stdout
    assert re.search(r"size:\s+841\.\d+ x 595", info), info


def test_nothing_is_fetched(monkeypatch):
    pytest.importorskip("weasyprint")
    from outlookgen.render.pdf import html_to_pdf

    page = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><img src="http://127.0.0.1:9/x.png" alt="x"></body></html>'
    assert html_to_pdf(page).startswith(b"%PDF-")  # the image is refused, the page still prints
