"""README's "What Word shows" says what the default pack's .docx really holds: its fonts, its contents on first open."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import ROOT
from lxml import etree

from outlookgen.project.build import BuildOptions, build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
# How README names each font it promises (the Chinese one under both names).
SHOWN = {"Calibri": "**Calibri**", "微软雅黑": "**Microsoft YaHei (微软雅黑)**", "Consolas": "**Consolas**"}


@pytest.fixture(scope="module")
def docx(tmp_path_factory):
    out = tmp_path_factory.mktemp("word")
    build([MINIMAL], BuildOptions(formats=("docx",), output_dir=out))
    return zipfile.ZipFile(out / "minimal.docx")


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## What Word shows", 1)[1].split("\n## ", 1)[0]


def test_readme_names_the_fonts_the_document_asks_for(docx):
    styles = etree.fromstring(docx.read("word/styles.xml"))
    body = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    fonts = {body.get(W + "ascii"), body.get(W + "eastAsia")}
    fonts |= {f.get(W + "ascii") for f in styles.iter(W + "rFonts")}
    fonts.discard(None)
    assert fonts == set(SHOWN), fonts
    section = _section()
    for font in fonts:
        assert SHOWN[font] in section, font
    # the substitutes README names are the ones a reader gets only when told the script
    table = etree.fromstring(docx.read("word/fontTable.xml"))
    charsets = {f.get(W + "name"): f.find(W + "charset").get(W + "val") for f in table.iter(W + "font")}
    assert charsets["微软雅黑"] == "86" and "GB2312" in section


def test_readme_says_the_contents_are_there_on_first_open_without_a_prompt(docx):
    document = etree.fromstring(docx.read("word/document.xml"))
    instructions = "".join(t.text or "" for t in document.iter(W + "instrText"))
    assert "TOC" in instructions
    entries = [p for p in document.iter(W + "p") if p.find(f"{W}pPr/{W}pStyle[@{W}val='TOC1']") is not None]
    assert entries, "no cached contents entries"
    settings = docx.read("word/settings.xml").decode("utf-8")
    assert "updateFields" not in settings  # Word does not ask to update fields on open
    assert re.search(r"table of contents is already there", _section())
