"""Pages a firm signs off: both samples in Word (laid out by LibreOffice) and PDF, with every built-in pack and the sample firm packs.

The facts are measured on the printed pages with poppler (tools/page_facts.py;
``python -m tools.render_pages`` draws the same pages as PNG to look at):
no page holding a single line, no nearly empty page that no section break
explains, no text outside the text area (a table wider than the page), no
heading as the last line of a page, and — read back from LibreOffice's PDF of
the .docx — no Latin word or number of the spec broken across lines
("BO|M", "14|0", "availabilit|y").
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_FILES, require_tool

from tools import page_facts as pf
from tools import render_pages as rp

pytestmark = pytest.mark.interop

PACKS = (
    "default",
    "executive",
    str(ROOT / "samples" / "packs" / "acme"),
    str(ROOT / "samples" / "packs" / "northstar"),
)
CASES = [(pack, spec, kind) for pack in PACKS for spec in SAMPLE_FILES for kind in ("docx", "pdf")]


def _id(case) -> str:
    pack, spec, kind = case
    return f"{Path(pack).name}-{spec.stem}-{kind}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[tuple[str, Path, str], tuple[list, str, object, tuple]]:
    """Per case: the PDF's pages, its text (pdftotext -raw), the text area's margins and the outline."""
    soffice = require_tool("soffice")
    pdftotext = require_tool("pdftotext")
    pytest.importorskip("weasyprint", reason="PDF output needs the [pdf] extra (.ci/run installs it)")
    from outlookgen.project.build import BuildOptions, build

    root = tmp_path_factory.mktemp("pages")
    word = root / "word"
    word.mkdir()
    for pack in PACKS:
        folder = root / Path(pack).name
        build(SAMPLE_FILES, BuildOptions(formats=("docx", "pdf", "html"), output_dir=folder, pack=pack, force=True))
        for spec in SAMPLE_FILES:
            shutil.copy(folder / f"{spec.stem}.docx", word / f"{Path(pack).name}--{spec.stem}.docx")
    rp.word_to_pdf(sorted(word.glob("*.docx")), word, soffice)
    out = {}
    for pack, spec, kind in CASES:
        folder = root / Path(pack).name
        if kind == "docx":
            pdf = word / f"{Path(pack).name}--{spec.stem}.pdf"
            margins = rp.docx_margins(folder / f"{spec.stem}.docx")
            outline = rp.docx_headings(folder / f"{spec.stem}.docx")
        else:
            pdf = folder / f"{spec.stem}.pdf"
            margins, outline = rp.PDF_MARGINS, rp.html_headings(folder / f"{spec.stem}.html")
        assert pdf.is_file(), f"no PDF for {_id((pack, spec, kind))}"  # soffice exits 0 even when it fails
        text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        out[(pack, spec, kind)] = (pf.read_pages(pdf, pdftotext), text, margins, outline)
    return out


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_page_holds_a_single_line(printed, case):
    pages = printed[case][0]
    assert not pf.one_line_pages(pages), [
        " ".join(ln.text for ln in pages[n - 1].lines) for n in pf.one_line_pages(pages)
    ]


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_nearly_empty_page_unless_a_section_starts_next(printed, case):
    pages, _, _, (openers, _, _) = printed[case]
    assert not pf.near_empty_pages(pages, openers)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_nothing_stands_outside_the_text_area(printed, case):
    pages, _, margins, _ = printed[case]
    assert not pf.outside_text_area(pages, margins)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_heading_ends_a_page(printed, case):
    pages, _, _, (_, headings, contents) = printed[case]
    assert not pf.headings_last_on_page(pages, headings, contents)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_latin_words_and_numbers_are_never_broken(printed, case):
    _pack, spec, _kind = case
    words = pf.spec_words(spec)
    assert len(words) > 30  # the check has something to check (the Chinese sample has 40)
    assert not pf.broken_words(printed[case][1], words)


def test_the_checks_catch_what_they_look_for():
    """Each measure fails on the page it exists to catch (so a passing run means something)."""
    one = pf.Page(1, 595, 842, [pf.Line("Header", 57, 100, 300, 112)])
    two = pf.Page(2, 595, 842, [pf.Line("Step 2 · Scope", 57, 100, 300, 112), pf.Line("text", 57, 130, 200, 142)])
    wide = pf.Page(3, 595, 842, words=[pf.Line("overflowing", 500, 300, 590, 312)])
    assert pf.one_line_pages([one, two]) == [1]

    def short(number: int, first: str = "text") -> pf.Page:  # two lines at the top: filled under 30 %
        return pf.Page(number, 595, 842, [pf.Line(first, 57, 100, 300, 112), pf.Line("more", 57, 130, 200, 142)])

    assert pf.near_empty_pages([short(1), short(2), short(3, "Step 2 · Scope")], ["Step 2 · Scope"]) == []
    # Not the first page (the cover), not the last: the short pages in between that no section explains.
    assert pf.near_empty_pages([short(1), short(2), short(3), short(4)], ["Step 2 · Scope"]) == [2, 3]
    full = pf.Page(2, 595, 842, [pf.Line("text", 57, 100 + 30 * k, 300, 112 + 30 * k) for k in range(20)])
    assert pf.near_empty_pages([short(1), full, short(3)], []) == []
    assert pf.outside_text_area([wide], {False: (57, 57), True: (40, 40)})
    assert pf.headings_last_on_page([one, two], ["Header"]) == ["p.1: Header"]
    text = "近一年因 BO\nM 版本错误，返工约 14\n0 起\nSystem availabilit\ny\n"
    assert pf.broken_words(text, {"BOM", "140", "availability", "System"}) == ["14|0", "BO|M", "availabilit|y"]
