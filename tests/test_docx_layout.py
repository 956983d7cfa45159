"""Word pages that look right: column widths from content, nothing stranded, upright Chinese in the Gantt header.

The printed pages themselves are checked by tests/test_pages_interop.py (LibreOffice);
these are the writer's decisions behind them, checked without it.
"""

from __future__ import annotations

import io
import random
import zipfile

import pytest
from conftest import SAMPLE_FILES
from lxml import etree

from outlookgen.render.docx import ooxml as x
from outlookgen.render.docx.writer import auto_widths

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}


def measures(column_texts: list[list[str]]):
    """What the writer measures for table columns of 9-pt text (Calibri), in twips."""
    from outlookgen.render.docx.writer import _CELL_MARGINS, _EM_TWIPS_TABLE, _SAFETY, Measure

    out = []
    for texts in column_texts:
        word = max(x.text_measure(t)[0] for t in texts)
        line = max(x.text_measure(t)[1] for t in texts)
        piece = max(x.text_measure(t)[2] for t in texts)
        k = _EM_TWIPS_TABLE * _SAFETY
        out.append(Measure(word * k + _CELL_MARGINS, line * k + _CELL_MARGINS, piece * k + _CELL_MARGINS))
    return out


def test_ids_dates_and_numbers_get_little_and_sentences_the_rest():
    columns = [
        ["ID", "K-availability", "K-latency"],
        ["KPI", "System availability", "Working days from close to management pack"],
        ["Baseline", "43%", "6 days"],
        ["Target", ">= 99%", "≤ 1 day"],
        ["Frequency", "Monthly", "Quarterly"],
        ["Owner", "IT service desk lead — Aisha Rahman", "Finance key user (FP&A manager) — Laura Chen"],
        ["Tracks", "O-service", "O-automation"],
        ["Latest", "99.6 (2026-06)", "2 (2026-06)"],
        ["Status", "On track", "Off track"],
    ]
    m = measures(columns)
    widths = auto_widths(m, 9638)
    assert sum(widths) == 9638
    for i, (width, need) in enumerate(zip(widths, m, strict=True)):
        assert width >= need.word - 1, f"column {i} breaks its longest word: {columns[i]}"  # rounding
    assert widths[0] >= m[0].word - 1  # "K-availability" whole, not "availabilit|y"
    assert max(widths) in (widths[1], widths[5])  # the sentences get the room
    assert widths[2] < widths[1] and widths[3] < widths[1]


def test_when_words_cannot_all_fit_they_break_after_a_hyphen_first():
    m = measures([["K-availability-and-latency"], ["O-service-level-agreement"], ["x"]])
    width = int(m[0].piece + m[1].piece + m[2].word) + 200  # room for the pieces, not the whole words
    widths = auto_widths(m, width)
    assert widths[0] >= m[0].piece and widths[1] >= m[1].piece


def test_short_figures_stay_whole_and_cjk_breaks_anywhere():
    word, line, _ = x.text_measure("2026年2月10日")
    assert word == pytest.approx(line)  # a date is kept on one line
    word, line, _ = x.text_measure("建立统一的物料主数据并完成历史数据清洗与迁移工作")
    assert word < line / 5  # a Chinese sentence never forces a wide column


def _doc(tmp_path, spec):
    from outlookgen.project.build import BuildOptions, build

    data = build([spec], BuildOptions(formats=("docx",), output_dir=tmp_path)).written[0].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def test_headings_keep_with_next_and_tables_never_strand_a_row(tmp_path):
    doc = _doc(tmp_path, SAMPLE_FILES[0])
    headings = [
        p
        for p in doc.iter(W + "p")
        if (s := p.find("w:pPr/w:pStyle", NS)) is not None and s.get(W + "val").startswith("Heading")
    ]
    assert headings and all(p.find("w:pPr/w:keepNext", NS) is not None for p in headings)
    for table in doc.iter(W + "tbl"):
        rows = table.findall("w:tr", NS)
        if len(rows) < 4 or table.find("w:tblPr/w:tblStyle[@w:val='OutlookTable']", NS) is None:
            continue

        def keeps(row) -> bool:
            paragraphs = row.findall(".//w:p", NS)
            return bool(paragraphs) and all(p.find("w:pPr/w:keepNext", NS) is not None for p in paragraphs)

        assert keeps(rows[0]) and keeps(rows[1])  # the header with the first rows
        assert keeps(rows[-3]) and keeps(rows[-2])  # the last three rows together (a total with its rows)
        assert not keeps(rows[-1])  # the table's end lets what follows go to the next page


def test_chinese_gantt_heads_are_never_turned_on_their_side(tmp_path):
    from outlookgen.render.docx import gantt

    heads = ["第1周 · 3月2日", "第2周 · 3月9日"]
    cell = gantt._head_cell("GanttText", heads[0], rotate=False, fill=None, stack=True)
    assert "textDirection" not in cell and "<w:br/>" in cell  # wrapped: the week above its date
    doc = _doc(tmp_path, SAMPLE_FILES[1])
    for direction in doc.iter(W + "textDirection"):
        cell_text = "".join(t.text or "" for t in direction.getparent().getparent().iter(W + "t"))
        assert not any(x.is_wide(ch) for ch in cell_text), cell_text


@pytest.mark.parametrize("factors", [(1.0, 1.0, 1.0), (1.07, 0.93, 1.11)])
def test_text_without_cjk_is_measured_as_the_general_loop_measures_it(factors):
    # Table cells without CJK are measured by a fast path; a column's width must not change with it, so
    # its figures are the general loop's to the last bit, for words, slashes, hyphens, tabs, figures,
    # dashes, accents and spaces outside ASCII (no-break, ideographic-free).
    rng = random.Random(7)
    alphabet = "abcXYZ019 -/  .,:;()\tKé–·\u00a0\u2009Ωж€"
    lines = ["", " ", "K-availability", "USD 96,000", "W1-W12", "a/b/c", "2026-02-10", "--", "x  y"]
    lines += ["W1–W12", "Über · Straße", "12\u00a0000 €", "Ω-ratio/β"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    for line in lines:
        assert x.measure_narrow_line(line, factors) == x.measure_line(line, factors), repr(line)


def test_the_fast_path_takes_no_line_with_a_wide_character():
    wide = [chr(lo) for lo, _ in x.WIDE_RANGES] + [chr(hi) for _, hi in x.WIDE_RANGES]
    for ch in wide:
        assert x.is_wide(ch)
        line = f"W1{ch}W2 a-b"
        assert x.text_measure(line) == x.measure_line(line, (1.0, 1.0, 1.0)), repr(line)
    sentence = "实施计划与范围说明"  # may break between any two characters: its longest word is one character
    assert x.text_measure(sentence)[0] == 1.0 != x.measure_narrow_line(sentence, (1.0, 1.0, 1.0))[0]
