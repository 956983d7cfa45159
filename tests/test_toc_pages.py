"""``build --toc-pages``: page numbers in the Word contents from LibreOffice's layout, or a clear refusal without it."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from conftest import SAMPLE_FILES, require_tool
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
BI = next(p for p in SAMPLE_FILES if p.name == "bi-platform.en.yaml")


def test_without_libreoffice_the_option_is_refused_with_how_to_install(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # neither soffice nor pdfinfo to be found
    code, _, err = cli("build", BI, "-f", "docx", "--toc-pages", "-o", tmp_path / "out", "-q")
    assert code == 1
    assert "Traceback" not in err
    assert "soffice and pdfinfo not found: --toc-pages needs LibreOffice" in err
    assert "apt-get install libreoffice-writer poppler-utils" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.interop
def test_contents_get_the_pages_libreoffice_prints_the_headings_on(tmp_path):
    soffice = require_tool("soffice")
    pdftotext = require_tool("pdftotext")
    require_tool("pdfinfo")
    from outlookgen.project.build import BuildOptions, build

    plain = build([BI], BuildOptions(formats=("docx",), output_dir=tmp_path / "plain")).written[0].read_bytes()
    numbered = build([BI], BuildOptions(formats=("docx",), output_dir=tmp_path / "toc", toc_pages=True)).written[0]
    data = numbered.read_bytes()
    with zipfile.ZipFile(io.BytesIO(plain)) as a, zipfile.ZipFile(io.BytesIO(data)) as b:
        assert a.namelist() == b.namelist()
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        assert changed == ["word/document.xml"]  # nothing else is touched
        doc = etree.fromstring(b.read("word/document.xml"))
    entries = []
    for link in doc.iter(W + "hyperlink"):
        if not re.fullmatch(r"_Toc\d{8}", link.get(W + "anchor") or ""):
            continue
        instr = "".join(t.text or "" for t in link.iter(W + "instrText"))
        assert instr.strip() == f"PAGEREF {link.get(W + 'anchor')} \\h"
        texts = [t.text or "" for t in link.iter(W + "t")]
        entries.append((texts[0], int(texts[-1])))
    assert len(entries) > 25
    pages = [page for _, page in entries]
    assert pages == sorted(pages) and pages[0] > 1

    # The numbers are where LibreOffice prints each heading (the contents are read off the page).
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(numbered)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    text = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "bi-platform.en.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = text.split("\f")
    for title, page in entries[:: max(1, len(entries) // 8)]:  # a sample across the document
        # A line that is the heading itself, not a contents line ("… 7" ends in a page number).
        lines = {re.sub(r"\s+", "", line) for line in printed[page - 1].splitlines()}
        assert re.sub(r"\s+", "", title) in lines, f"{title!r} is not on page {page}"
