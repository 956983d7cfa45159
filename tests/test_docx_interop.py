"""The Word output as other programs read it: LibreOffice (to PDF), pandoc and openxml-audit.

These tests need the tools .ci/run installs; locally they skip when a tool is missing.
"""

from __future__ import annotations

import html
import json
import re
import subprocess

import pytest
from conftest import ROOT, SAMPLE_FILES, require_tool

from outlookgen.model import build_outlook
from outlookgen.project.build import BuildOptions, build
from outlookgen.render.markup import parse_inline, plain_text
from outlookgen.spec.validate import load_valid

pytestmark = pytest.mark.interop

SPECS = [*SAMPLE_FILES, ROOT / "tests" / "specs" / "valid" / "every-key.yaml"]

# openxml-audit findings accepted on purpose: (part, message prefix) -> why.
# Empty today: both samples and every-key.yaml validate cleanly. Add an entry
# only with a reason a reviewer can check, e.g. a Word 2010+ element the
# validator's schema set does not know.
AUDIT_ALLOWED: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx-interop")
    build(SPECS, BuildOptions(formats=("docx",), output_dir=out))
    return {spec: out / (spec.stem + ".docx") for spec in SPECS}


def _names(spec) -> list[str]:
    """Every task, milestone, risk and KPI name, as a reader sees it (inline markup dropped)."""
    o = build_outlook(load_valid(spec).data)
    road = o.roadmap
    raw = [t.name for t in road.tasks] + [r.title for r in o.risks] + [k.name for k in o.evaluation.kpis]
    return [plain_text(parse_inline(n)) for n in raw]


def _squeeze(text: str) -> str:
    # Table cells wrap names over several lines (sometimes inside a word):
    # compare without any whitespace.
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory):
    soffice = require_tool("soffice")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, built.values()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return {spec: out / (spec.stem + ".pdf") for spec in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_libreoffice_pdf_holds_every_task_risk_and_kpi(pdfs, spec):
    pdftotext = require_tool("pdftotext")
    pdf = pdfs[spec]
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {spec.name}"  # soffice exits 0 even on garbage
    # -raw keeps each table cell's text together (the layout mode reads rows across columns).
    text = subprocess.run(
        [pdftotext, "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = _squeeze(text)
    missing = [n for n in _names(spec) if _squeeze(n) not in squeezed]
    assert not missing, f"not in the PDF LibreOffice made of {spec.stem}.docx: {missing}"


def test_libreoffice_renders_chinese_with_a_cjk_font(pdfs):
    pdffonts = require_tool("pdffonts")
    zh = next(s for s in SPECS if "zh-CN" in s.name)
    fonts = subprocess.run([pdffonts, str(pdfs[zh])], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CJK|YaHei|DengXian|SimSun|WenQuanYi|Droid Sans Fallback", fonts), fonts


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_pandoc_reads_every_task_risk_and_kpi(built, spec):
    pandoc = require_tool("pandoc")
    # Plain text first (the README's reading); pandoc's plain writer prints a
    # table whose cells hold lists as "[TABLE]", so those come from its HTML.
    plain = subprocess.run(
        [pandoc, "-f", "docx", "-t", "plain", "--wrap=none", str(built[spec])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    markup = subprocess.run(
        [pandoc, "-f", "docx", "-t", "html", str(built[spec])], capture_output=True, text=True, check=True
    ).stdout
    squeezed = _squeeze(plain) + _squeeze(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
    missing = [n for n in _names(spec) if _squeeze(n) not in squeezed]
    assert not missing, f"not in pandoc's reading of {spec.stem}.docx: {missing}"


def test_pandoc_sees_headings_and_real_links(built):
    pandoc = require_tool("pandoc")
    sample = next(s for s in SPECS if s.name == "bi-platform.en.yaml")
    doc = json.loads(
        subprocess.run(
            [pandoc, "-f", "docx", "-t", "json", str(built[sample])], capture_output=True, text=True, check=True
        ).stdout
    )
    found = {"Header": [], "Link": [], "Table": 0}

    def walk(node):
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Header":
                found["Header"].append(node["c"][0])
            elif kind == "Link":
                found["Link"].append(node["c"][2][0])
            elif kind == "Table":
                found["Table"] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc["blocks"])
    assert set(found["Header"]) >= {1, 2, 3}
    assert "https://example.com/northwind/bi-quick-start" in found["Link"]
    assert found["Table"] > 15


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_openxml_audit_finds_no_schema_errors(built, spec):
    audit = require_tool("openxml-audit")
    proc = subprocess.run([audit, "-m", "0", "-o", "json", str(built[spec])], capture_output=True, text=True)
    report = json.loads(proc.stdout)[0]
    unexpected = [
        f"{e.get('part_uri')}: {e.get('path', '')}: {e['description']}"
        for e in report.get("errors", [])
        if not any(e.get("part_uri") == part and e["description"].startswith(msg) for part, msg in AUDIT_ALLOWED)
    ]
    assert not unexpected, "\n".join(unexpected[:20])
