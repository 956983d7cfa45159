"""The PDF as a screen reader meets it: tagged (PDF/UA-1), titled, in the plan's language, with bookmarks.

Read with poppler (``pdfinfo -struct`` walks the structure tree, ``pdftohtml
-xml`` lists the bookmarks), which .ci/run installs; WeasyPrint comes with the
test extra.
"""

from __future__ import annotations

import collections
import re
import subprocess
import zlib

import pytest
from conftest import SAMPLE_FILES, require_tool

pytestmark = pytest.mark.interop

TITLES = {
    "bi-platform.en": ("Northwind Retail BI Platform — Implementation Work Outlook", "en"),
    "erp-manufacturing.zh-CN": ("华东精工机械ERP实施工作展望", "zh-CN"),
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    pytest.importorskip("weasyprint", reason="the pdf extra is not installed (the test extra installs it)")
    from outlookgen.project.build import BuildOptions, build

    out = tmp_path_factory.mktemp("pdf-a11y")
    build(SAMPLE_FILES, BuildOptions(formats=("pdf",), output_dir=out, jobs=1))
    return {spec.stem: out / (spec.stem + ".pdf") for spec in SAMPLE_FILES}


def _run(tool: str, *args) -> str:
    return subprocess.run([require_tool(tool), *map(str, args)], capture_output=True, text=True, check=True).stdout


def _structure(pdf) -> collections.Counter:
    """How many structure elements of each type the tagged PDF's tree holds (H1, Table, TH, Figure…)."""
    lines = _run("pdfinfo", "-struct", pdf).splitlines()
    return collections.Counter(line.split()[0].rstrip(":") for line in lines if line.strip() and line[0] == " ")


def _pdf_objects(pdf) -> bytes:
    """The file's bytes with its compressed streams inflated (object streams hold the catalog and the tree)."""
    data = pdf.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.mark.parametrize("name", sorted(TITLES))
def test_pdf_is_tagged_titled_and_in_the_plans_language(pdfs, name):
    title, lang = TITLES[name]
    info = _run("pdfinfo", pdfs[name])
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(rf"^Title:\s+{re.escape(title)}$", info, re.M), info
    assert 'pdfuaid:part="1"' in _run("pdfinfo", "-meta", pdfs[name])  # declared PDF/UA-1
    objects = _pdf_objects(pdfs[name])
    assert f"/Lang ({lang})".encode() in objects
    assert b"/DisplayDocTitle true" in objects  # viewers show the title, not the file name


@pytest.mark.parametrize("name", sorted(TITLES))
def test_headings_lists_and_table_headers_are_in_the_structure_tree(pdfs, name):
    tree = _structure(pdfs[name])
    assert tree["H1"] == 1 and tree["H2"] >= 8 and tree["H3"] >= 15, tree
    assert tree["L"] >= 10 and tree["LI"] >= 50, tree
    assert tree["Table"] >= 10 and tree["THead"] >= 10, tree
    assert tree["TH"] >= 100 and tree["TD"] >= 300, tree


@pytest.mark.parametrize("name", sorted(TITLES))
def test_every_figure_has_alternative_text(pdfs, name):
    # The Gantt chart's <title> is its Figure's /Alt; budget bars and legend swatches are CSS boxes, so
    # drawn but left out of the tree (a Figure without /Alt is what PDF/UA checkers fail first).
    # WeasyPrint before 70 (65.1 is the lowest setup.cfg allows) tags an SVG as NonStruct, so no Figure at all.
    import weasyprint

    objects = _pdf_objects(pdfs[name])
    figures = re.findall(rb"/S /Figure[^\n]*", objects)
    if int(weasyprint.__version__.split(".")[0]) >= 70:
        assert figures, "the Gantt chart is a Figure"
    assert all(b"/Alt " in f for f in figures), figures


@pytest.mark.parametrize("name", sorted(TITLES))
def test_bookmarks_follow_the_headings(pdfs, name):
    xml = _run("pdftohtml", "-xml", "-i", "-stdout", "-f", "1", "-l", "1", pdfs[name])
    items = re.findall(r"<item page=\"\d+\">([^<]*)</item>", xml)
    title, _ = TITLES[name]
    assert items[0] == title
    tree = _structure(pdfs[name])
    assert len(items) == sum(tree[h] for h in ("H1", "H2", "H3", "H4", "H5", "H6")), items
