"""Word output: golden text, determinism, Chinese fonts, TOC, tables, sections, escaping and the block markup."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT, SAMPLE_FILES, build_loading
from lxml import etree

from outlookgen.errors import OutlookgenError
from outlookgen.project.build import BuildOptions, build
from outlookgen.render.docx import blocks, gantt, writer
from tools.docx_dump import dump

GOLDEN = ROOT / "tests" / "golden"
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = f"{{{W_NS}}}"
NS = {"w": W_NS, "r": R_NS}


def build_docx(spec, out, *extra_options, **options) -> bytes:
    result = build([spec], BuildOptions(formats=("docx",), output_dir=out, **options))
    return result.written[0].read_bytes()


def part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    result = build(SAMPLE_FILES, BuildOptions(formats=("docx",), output_dir=out))
    return {p.name.removesuffix(".docx"): p.read_bytes() for p in result.written}


# -- golden ------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_docx_text_matches_golden(samples, sample):
    stem = sample.name.removesuffix(".yaml")
    expected = (GOLDEN / f"{stem}.docx.txt").read_text(encoding="utf-8")
    assert dump(samples[stem]) == expected, (
        f"{stem}.docx differs from tests/golden/{stem}.docx.txt; run python tests/regen_golden.py and review the diff"
    )


# -- determinism ---------------------------------------------------------------------


def _build_in_subprocess(out, tz: str, seed: str, extra_env=None) -> dict[str, bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TZ=tz, PYTHONHASHSEED=seed)
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update(extra_env or {})
    subprocess.run(
        [sys.executable, "-m", "outlookgen", "build", "-q", "-f", "docx", "-o", str(out), *map(str, SAMPLE_FILES)],
        check=True,
        env=env,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_bytes_identical_across_runs_time_zones_and_hash_seeds(tmp_path):
    first = _build_in_subprocess(tmp_path / "a", "UTC", "0")
    second = _build_in_subprocess(tmp_path / "b", "Asia/Shanghai", "4242")
    assert first.keys() == second.keys() and len(first) == len(SAMPLE_FILES)
    assert first == second


def test_zip_entries_have_fixed_times_and_order(samples):
    data = samples["bi-platform.en"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    assert {i.date_time for i in infos} == {(2026, 7, 15, 0, 0, 0)}  # meta.date


def test_core_properties_from_meta_and_source_date_epoch(tmp_path, monkeypatch):
    sample = SAMPLE_FILES[0]
    core = part(build_docx(sample, tmp_path / "a"), "docProps/core.xml")
    text = {etree.QName(el).localname: el.text for el in core}
    assert text["title"] == "Northwind Retail BI Platform — Implementation Work Outlook"
    assert text["creator"] == "Dana Whitfield; Marcus Lee"
    assert text["subject"] == "From month-old spreadsheets to same-day decisions"
    assert "Northwind Retail Group" in text["keywords"]
    assert text["created"] == text["modified"] == "2026-07-15T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    core = part(build_docx(sample, tmp_path / "b"), "docProps/core.xml")
    text = {etree.QName(el).localname: el.text for el in core}
    assert text["created"] == text["modified"] == "2026-01-01T00:00:00Z"


# -- Chinese -------------------------------------------------------------------------


def test_zh_cn_fonts_and_language_in_styles(samples):
    data = samples["erp-manufacturing.zh-CN"]
    styles = part(data, "word/styles.xml")
    fonts = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert fonts.get(W + "eastAsia") == "微软雅黑"
    assert fonts.get(W + "ascii") == "Calibri"
    assert not any(k.endswith("Theme") or k.endswith("theme") for k in fonts.attrib)
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    # Latin letters are English, CJK characters Chinese (Word picks the attribute by character class).
    assert lang.get(W + "val") == "en-US"
    assert lang.get(W + "eastAsia") == "zh-CN"
    code = styles.find("w:style[@w:styleId='InlineCode']/w:rPr/w:rFonts", NS)
    assert code.get(W + "ascii") == "Consolas" and code.get(W + "eastAsia") == "微软雅黑"
    table = part(data, "word/fontTable.xml")
    assert any(f.get(W + "name") == "微软雅黑" for f in table)
    english = part(samples["bi-platform.en"], "word/styles.xml")
    assert english.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(W + "val") == "en-US"


def test_pack_fonts_override_the_reference(tmp_path):
    pack = tmp_path / "firm"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "name: firm\nextends: default\nbrand:\n  typography:\n    base: {east_asian: 等线}\n"
        "    headings: {family: Cambria, east_asian: 黑体}\n",
        encoding="utf-8",
    )
    data = build_docx(SAMPLE_FILES[1], tmp_path / "out", pack=str(pack))
    styles = part(data, "word/styles.xml")
    fonts = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert fonts.get(W + "eastAsia") == "等线"
    assert fonts.get(W + "ascii") == "Calibri"  # inherited from the default pack's base family
    heading = styles.find("w:style[@w:styleId='Heading1']/w:rPr/w:rFonts", NS)
    assert (heading.get(W + "ascii"), heading.get(W + "eastAsia")) == ("Cambria", "黑体")


# -- structure ---------------------------------------------------------------------------


def test_toc_is_a_prefilled_field_linking_every_heading(samples):
    doc = part(samples["bi-platform.en"], "word/document.xml")
    instr = [t.text for t in doc.iter(W + "instrText")]
    # Steps and their sections, as the HTML contents list them.
    assert ' TOC \\o "1-2" \\h \\z \\u ' in instr
    kinds = [f.get(W + "fldCharType") for f in doc.iter(W + "fldChar")]
    assert kinds[:2] == ["begin", "separate"] and "end" in kinds
    anchors = [h.get(W + "anchor") for h in doc.iter(W + "hyperlink") if h.get(W + "anchor")]
    # og_ bookmarks trace spec text (test_docx_trace.py); the contents link the rest.
    bookmarks = {b.get(W + "name") for b in doc.iter(W + "bookmarkStart")} - {
        b.get(W + "name") for b in doc.iter(W + "bookmarkStart") if b.get(W + "name").startswith("og_")
    }
    headings = [
        p
        for p in doc.iter(W + "p")
        if (s := p.find("w:pPr/w:pStyle", NS)) is not None
        and s.get(W + "val") in ("Heading1", "Heading2")
        and p.find("w:pPr/w:outlineLvl", NS) is None  # the revision history, before the contents, is not listed
    ]
    assert len(anchors) == len(headings) > 25
    assert set(anchors) == bookmarks
    toc_styles = {
        p.find("w:pPr/w:pStyle", NS).get(W + "val")
        for p in doc.iter(W + "p")
        if p.find("w:hyperlink[@w:anchor]", NS) is not None
    }
    assert toc_styles == {"TOC1", "TOC2"}


def test_steps_are_heading_1_and_numbered(samples):
    lines = dump(samples["erp-manufacturing.zh-CN"]).splitlines()
    steps = [line.split("] ", 1)[1] for line in lines if line.startswith("[heading 1 page-break-before]")]
    assert [s.split(" ", 1)[1][:3] for s in steps[2:7]] == ["第一步", "第二步", "第三步", "第四步", "第五步"]
    # Their sections are numbered "N.M" as on the HTML page (CSS counters there).
    sections = [line.split(" ", 3)[3] for line in lines if line.startswith("[heading 2] #_Toc")]
    assert "1.1 业务现状" in sections and "4.1 关键绩效指标（KPI）" in sections
    assert not any(s[0].isdigit() for s in sections[:2])  # the status view's sections are not a step's


def test_every_table_is_styled_with_repeating_header_and_rows_that_do_not_split(samples):
    for data in samples.values():
        doc = part(data, "word/document.xml")
        # Layout tables (the cover's lines, the budget bars) carry no style: test_docx_accessibility.py.
        tables = [t for t in doc.iter(W + "tbl") if t.find("w:tblPr/w:tblStyle", NS) is not None]
        assert len(tables) > 15
        for tbl in tables:
            assert tbl.find("w:tblPr/w:tblLayout", NS).get(W + "type") == "fixed"
            rows = tbl.findall("w:tr", NS)
            assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
            assert rows[0].find("w:trPr/w:tblHeader", NS) is not None


def test_gantt_sits_in_a_landscape_section_with_headers_and_footers(samples):
    doc = part(samples["bi-platform.en"], "word/document.xml")
    body = doc.find("w:body", NS)
    sections = [p.find("w:pPr/w:sectPr", NS) for p in body.findall("w:p", NS)]
    sections = [s for s in sections if s is not None] + [body.find("w:sectPr", NS)]
    orients = [s.find("w:pgSz", NS).get(W + "orient", "portrait") for s in sections]
    assert orients == ["portrait", "landscape", "portrait", "landscape", "portrait"]
    for sect in sections:
        assert sect.find("w:headerReference", NS) is not None
        assert sect.find("w:footerReference", NS) is not None
    assert sections[0].find("w:titlePg", NS) is not None  # the cover page has no header
    assert all(s.find("w:titlePg", NS) is None for s in sections[1:])
    # the Gantt table lies between the first and the second section break
    children = list(body)
    first_break = next(i for i, el in enumerate(children) if el.find("w:pPr/w:sectPr", NS) is not None)
    gantt_index = next(
        i
        for i, el in enumerate(children)
        if el.tag == W + "tbl" and el.find("w:tblPr/w:tblStyle[@w:val='GanttTable']", NS) is not None
    )
    assert gantt_index > first_break
    landscape = children[first_break + 1 : gantt_index]
    assert all(el.find("w:pPr/w:sectPr", NS) is None for el in landscape)


def test_gantt_marks_milestones_critical_path_progress_and_legend(samples):
    text = dump(samples["bi-platform.en"])
    gantt_rows = text.split("TABLE Gantt Table", 1)[1].split("Tasks\n", 1)[0]
    assert "Retire manual Excel reports / 75% | ....................###+" in gantt_rows
    assert "**★** Data catalogue and certified datasets" in gantt_rows and "======" in gantt_rows
    assert "Pilot go-live (finance and sales) /  | .......◆" in gantt_rows
    assert "*Buffer (2 weeks)*" in gantt_rows
    legend = text.split(" Timeline\n", 1)[1].splitlines()[0]
    for word in ("One column = 1 week", "done", "planned", "critical path", "milestone", "Buffer"):
        assert word in legend


def test_inline_markdown_becomes_runs_and_real_hyperlinks(samples):
    data = samples["bi-platform.en"]
    text = dump(data)
    assert "in **Excel**, pulling" in text
    assert "*six working days*" in text
    assert "`finance_sales_v1`" in text
    assert "[quick-start guide](https://example.com/northwind/bi-quick-start)" in text
    rels = part(data, "word/_rels/document.xml.rels")
    links = [r for r in rels if r.get("Type").endswith("/hyperlink")]
    assert {r.get("TargetMode") for r in links} == {"External"}
    assert "https://example.com/northwind/bi-quick-start" in {r.get("Target") for r in links}
    code = part(data, "word/document.xml").xpath("//w:r[w:rPr/w:rStyle/@w:val='InlineCode']/w:t/text()", namespaces=NS)
    assert "finance_sales_v1" in code


def test_risk_matrix_budget_and_kpi_status_are_shaded(samples):
    text = dump(samples["bi-platform.en"])
    assert "{F6C4BD}R-resistance" in text  # high × high
    assert "{D7EEDB}R-refresh" in text  # low × medium
    assert "bar " in text and "| Software | USD 118,000 | 23.6% | bar 24% |" in text
    kpis = text.split(" Key performance indicators\n", 1)[1].split("[heading 2]", 1)[0]
    assert "On track" in kpis and "Off track" in kpis
    assert "{" in kpis  # status cells carry a fill


def test_reference_docx_matches_its_xml():
    from tools.reference_docx import build_bytes

    docx_dir = ROOT / "templates" / "default" / "docx"
    assert (docx_dir / "reference.docx").read_bytes() == build_bytes(docx_dir / "reference"), (
        "run: python -m tools.reference_docx build"
    )


# -- safety ---------------------------------------------------------------------------------

HOSTILE = [
    '</md><h level="1">INJECTED</h><md>',
    "<w:p><w:r><w:t>raw</w:t></w:r></w:p>",
    "{{ 7 * 7 }} {% raw %} &amp; &lt;",
    "]]><!-- --><?pi?>",
    "[click](javascript:alert(1)) <b>not bold</b>",
]


def test_hostile_strings_survive_as_literal_text(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    for i, field in enumerate(("title: Minimal outlook", "name: Requirements", "title: Users resist the new screens")):
        key = field.split(":")[0]
        replacement = f"{key}: {HOSTILE[i]!r}".replace("'", '"') if '"' not in HOSTILE[i] else f"{key}: '{HOSTILE[i]}'"
        text = text.replace(field, replacement)
    text = text.replace(
        "current_state: Orders are tracked in spreadsheets.", f"current_state: '{HOSTILE[3]} {HOSTILE[4]}'"
    )
    spec = tmp_path / "hostile.yaml"
    spec.write_text(text, encoding="utf-8")
    data = build_docx(spec, tmp_path / "out")
    doc = part(data, "word/document.xml")
    visible = "".join(doc.itertext())
    for hostile in HOSTILE:
        assert hostile in visible, hostile
    assert "INJECTED" not in [
        "".join(p.itertext()) for p in doc.iter(W + "p") if p.find("w:pPr/w:pStyle[@w:val='Heading1']", NS) is not None
    ]
    assert not [h for h in doc.iter(W + "hyperlink") if h.get(f"{{{R_NS}}}id")]  # javascript: is never a link
    header = part(data, "word/header1.xml")
    assert HOSTILE[0] in "".join(header.itertext())


def test_characters_word_cannot_store_are_dropped():
    bad = "a\x00b\x0bc\ud800d\ufffee\uffff\x1ff"
    assert blocks.clean(bad) == "abcdef"
    root = blocks.parse(f"<p>{blocks.finalize(bad)}</p>")
    assert root.find("p/md").text == "abcdef"
    assert "\x00" not in blocks.escape_attr(bad)


def test_filters_only_emit_markup_they_own():
    assert str(blocks.finalize("<x>&")) == "<md>&lt;x&gt;&amp;</md>"
    assert str(blocks.attr('a"b<')) == "a&quot;b&lt;"
    assert str(blocks.email("dana@example.com")).startswith('<link href="mailto:dana@example.com">')
    assert str(blocks.email("javascript:alert(1)@x")) == "<md>javascript:alert(1)@x</md>"
    assert blocks.finalize(None) == ""


# -- the block markup as a pack uses it -------------------------------------------------------


def _pack(tmp_path, template: str):
    pack = tmp_path / "firm"
    (pack / "docx").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: firm\nextends: default\n", encoding="utf-8")
    (pack / "docx" / "outlook.docx.j2").write_text(template, encoding="utf-8")
    return pack


def test_a_pack_reorders_and_adds_sections_by_overriding_blocks(tmp_path):
    # The loader searches the pack chain by file name, so a pack extends the
    # default layout through a copy under another name.
    pack = _pack(
        tmp_path,
        '{% extends "base.docx.j2" %}\n'
        "{% block step5 %}{% endblock %}\n"
        '{% block step2 %}<h level="1">Our approach</h><p>We <b>always</b> pilot first.</p>{{ super() }}{% endblock %}\n',
    )
    shutil.copy(ROOT / "templates" / "default" / "docx" / "outlook.docx.j2", pack / "docx" / "base.docx.j2")
    text = dump(build_docx(SAMPLE_FILES[0], tmp_path / "out", pack=str(pack)))
    assert re.search(r"^\[heading 1\] #_Toc\d+ Our approach$", text, re.M)
    assert "We **always** pilot first." in text
    assert text.index("Our approach") < text.index("Step 2 · Scope")
    assert "Step 5 · Long-term evolution" not in text


def test_malformed_markup_is_a_located_template_error(tmp_path, cli):
    pack = _pack(tmp_path, "<p>unclosed\n<table>\n")
    code, _, err = cli("build", MINIMAL, "-f", "docx", "-t", pack, "-o", tmp_path / "out")
    assert code == 1
    assert "firm/docx/outlook.docx.j2" in err and "block markup" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unknown_style_and_element_are_template_errors(tmp_path):
    pack = _pack(tmp_path, '<p style="No Such Style">x</p>')
    with pytest.raises(OutlookgenError, match="No Such Style"):
        build_docx(MINIMAL, tmp_path / "o1", pack=str(pack))
    (pack / "docx" / "outlook.docx.j2").write_text("<frame>x</frame>", encoding="utf-8")
    with pytest.raises(OutlookgenError, match="unknown element <frame>"):
        build_docx(MINIMAL, tmp_path / "o2", pack=str(pack))


def test_validate_does_not_import_python_docx_or_lxml():
    code = (
        "import sys; from outlookgen.cli import main\n"
        "try:\n    main(['validate', '-q', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('docx', 'lxml') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(MINIMAL)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
    )
    assert proc.stdout.strip() == "[]"


def test_a_word_build_imports_python_docx_only_for_a_logo(tmp_path):
    # The package is opened and saved by render/docx/opc.py; python-docx (~45 ms to import) reads
    # a logo's size and resolution, so only a pack with a logo loads it. -j 1: all in this process.
    loaded = {}
    for name, pack in (("plain", []), ("logo", ["-t", ROOT / "samples" / "packs" / "acme"])):
        modules, outputs = build_loading(
            [MINIMAL, "-f", "docx", *pack], tmp_path / name, tmp_path / "cache", ("docx", "lxml")
        )
        assert [n for n in outputs if n.endswith(".docx")]
        loaded[name] = modules
    assert loaded == {"plain": ["lxml"], "logo": ["docx", "lxml"]}


# -- layout rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "unit", "columns", "size"),
    [(30, "week", 40, 1), (40, "week", 40, 1), (41, "week", 40, 4), (200, "week", 40, 13), (900, "week", 20, 52),
     (2000, "week", 10, 208), (40, "day", 40, 1), (100, "day", 40, 7), (300, "day", 40, 28)],
)  # fmt: skip
def test_gantt_column_rule(total, unit, columns, size):
    assert gantt.bucket_size(total, unit, columns) == size


def test_auto_widths_keep_words_whole_when_they_can():
    # (longest word, longest line) per column, in twips
    measures = [(900, 900), (1500, 9000), (700, 2000)]
    widths = writer.auto_widths(measures, 6000)
    assert sum(widths) == 6000
    assert widths[0] >= 900 and widths[1] >= 1500 and widths[2] >= 700
    assert widths[1] > widths[2]  # the long text gets the spare room
    # words that cannot all fit: only the longest give way
    squeezed = writer.auto_widths([(500, 500), (3000, 3000), (3000, 3000)], 5000)
    assert squeezed[0] == 500 and sum(squeezed) == 5000


def test_large_plan_compresses_gantt_columns(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    from genspec import generate

    spec = tmp_path / "big.yaml"
    spec.write_text(generate(300), encoding="utf-8")
    text = dump(build_docx(spec, tmp_path / "out"))
    header = text.split("TABLE Gantt Table", 1)[1].splitlines()[1]
    assert "1–4 · " in header  # four weeks a column


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_cells_of_one_text_are_made_as_the_flow_makes_them(sample, tmp_path, monkeypatch):
    # Most table cells take a short way to their paragraph; every cell of both samples (fills,
    # alignment, bookmarks, first-column looks, Chinese) must come out as the general flow makes it.
    quick = build_docx(sample, tmp_path / "quick")
    monkeypatch.setattr(writer, "_lone_text", lambda cell: False)
    assert build_docx(sample, tmp_path / "flow") == quick
