"""A firm's Word: its brand colours in the styles, its own Word file as the base, a cover laid out in Word.

The firm's file is the sample one (``tools/make_word_template.py``, the source of
``samples/packs/northstar``): a Word template with Normal and Heading 1–3 only,
a header with the firm's name, a footer without a page number, a local
``attachedTemplate`` link, and a cover and boilerplate around the
``{{ outlook.body }}`` paragraph, one placeholder split over two runs.
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import zipfile

import pytest
from conftest import ROOT, SAMPLE_FILES
from lxml import etree

from outlookgen.project.build import BuildOptions, build
from tools import make_word_template

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
BI = next(p for p in SAMPLE_FILES if p.name == "bi-platform.en.yaml")
ERP = next(p for p in SAMPLE_FILES if p.name == "erp-manufacturing.zh-CN.yaml")


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xml(data: bytes, name: str):
    return etree.fromstring(parts(data)[name])


def style(styles, kind: str, name: str):
    found = [
        s
        for s in styles.iterfind("w:style", NS)
        if s.get(W + "type") == kind and s.find("w:name", NS).get(W + "val").lower() == name.lower()
    ]
    assert len(found) == 1, f"{len(found)} {kind} styles named {name!r}"
    return found[0]


def text(root) -> str:
    return "".join(t.text or "" for t in root.iter(W + "t"))


def rezip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info)))
    return out.getvalue()


@pytest.fixture(scope="module")
def firm_file() -> bytes:
    return make_word_template.as_firm_template(make_word_template.pages())


def test_the_sample_pack_holds_the_file_the_tool_makes(firm_file):
    assert (ROOT / "samples/packs/northstar/docx/reference.dotx").read_bytes() == firm_file


# -- brand colours ---------------------------------------------------------------------


def test_a_red_primary_gives_red_headings_title_and_table_headers_in_word(tmp_path, cli):
    pack = tmp_path / "red"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        'name: red\nextends: default\nbrand:\n  color:\n    primary: "#b22222"\n    accent: "#8b0000"\n',
        encoding="utf-8",
    )
    code, _, err = cli("build", BI, "-t", pack, "-f", "docx", "-o", tmp_path / "out", "-q")
    assert code == 0, err
    styles = xml((tmp_path / "out" / "bi-platform.en.docx").read_bytes(), "word/styles.xml")
    for name in ("heading 1", "heading 2", "Title"):
        assert style(styles, "paragraph", name).find("w:rPr/w:color", NS).get(W + "val") == "B22222", name
    assert style(styles, "paragraph", "heading 3").find("w:rPr/w:color", NS).get(W + "val") == "8B0000"
    for table in ("Outlook Table", "Gantt Table"):
        header = style(styles, "table", table).find("w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd", NS)
        assert header.get(W + "fill") == "B22222", table
    assert "1F3A5F" not in etree.tostring(styles).decode()  # the default navy is gone everywhere


# -- a firm's own Word file ----------------------------------------------------------------


@pytest.fixture(scope="module")
def firm_build(tmp_path_factory, firm_file):
    """``templates new --from-word`` on the firm's .dotx, ``templates check`` and a Word build of it."""
    from click.testing import CliRunner

    from outlookgen.cli import main

    root = tmp_path_factory.mktemp("firm")
    source = root / "Northstar Proposal.dotx"
    source.write_bytes(firm_file)
    runner = CliRunner()
    new = runner.invoke(main, ["templates", "new", str(root / "firm"), "--from-word", str(source)])
    assert new.exit_code == 0, new.output
    check = runner.invoke(main, ["templates", "check", str(root / "firm")])
    built = runner.invoke(main, ["build", str(BI), "-t", str(root / "firm"), "-f", "docx", "-o", str(root / "out")])
    assert built.exit_code == 0, built.output
    return root / "firm", check, (root / "out" / "bi-platform.en.docx").read_bytes()


def test_from_word_scaffolds_a_pack_around_the_file(firm_build, firm_file):
    pack, _, _ = firm_build
    assert (pack / "docx" / "reference.dotx").read_bytes() == firm_file
    template = (pack / "docx" / "outlook.docx.j2").read_text(encoding="utf-8")
    assert "{% block cover %}{% endblock %}" in template  # the Word file draws the cover
    assert "extends: default" in (pack / "pack.yaml").read_text(encoding="utf-8")


def test_check_says_which_styles_are_derived_and_that_the_template_link_is_left_out(firm_build):
    _, check, _ = firm_build
    assert check.exit_code == 0, check.output
    assert "the Word writer adds paragraph style 'Heading 4'" in check.output
    assert "table style 'Outlook Table'" in check.output and "derived from the file's own" in check.output
    assert "based on the Word template 'file:///C:/Users/mreid/" in check.output and "left out" in check.output
    assert "a layout designed in Word: the outlook goes here" in check.output


def test_the_firm_file_keeps_its_fonts_and_colours_and_lends_them_to_derived_styles(firm_build):
    _, _, data = firm_build
    styles = xml(data, "word/styles.xml")
    heading = style(styles, "paragraph", "heading 1")  # the firm's own, never a second one
    assert heading.find("w:rPr/w:rFonts", NS).get(W + "ascii") == "Georgia"
    assert heading.find("w:rPr/w:color", NS).get(W + "val") == "0B5563"
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(W + "ascii") == "Arial"  # not the default pack's Calibri
    header = style(styles, "table", "Outlook Table").find("w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd", NS)
    assert header.get(W + "fill") == "0B5563"  # the firm's heading colour, not the default navy
    toc1 = style(styles, "paragraph", "toc 1")
    assert toc1.find("w:basedOn", NS).get(W + "val") == style(styles, "paragraph", "Normal").get(W + "styleId")
    assert toc1.find("w:pPr/w:tabs/w:tab", NS).get(W + "pos") == str(11906 - 2 * 1247)  # the firm's text width
    assert "1F3A5F" not in etree.tostring(styles).decode()
    # Every style the writer uses is there (none refused, none missing).
    from outlookgen.render.docx.derived import missing

    assert missing(styles) == []


def test_the_cover_and_boilerplate_laid_out_in_word_surround_the_outlook(firm_build):
    _, _, data = firm_build
    body = text(xml(data, "word/document.xml"))
    assert "{{" not in body and "}}" not in body
    cover = body.index("Northwind Retail BI Platform — Implementation Work Outlook")
    assert body.index("NORTHSTAR ADVISORY") < cover
    assert "Prepared for Northwind Retail Group" in body  # a placeholder Word split over two runs
    assert "Version 2.0 · Approved · 15 July 2026" in body
    first_step = body.index("Step 1")
    assert cover < body.index("Revision history") < first_step < body.index("About Northstar Advisory")
    assert body.index("About Northstar Advisory") < body.index("For Northwind Retail Group")  # signature block
    assert "Name: Dana Whitfield" in body  # {{ meta.prepared_by[0].name }} in a table cell


def test_header_footer_and_page_numbers_stay_off_the_cover(firm_build):
    _, _, data = firm_build
    files = parts(data)
    doc = etree.fromstring(files["word/document.xml"])
    sections = list(doc.iter(W + "sectPr"))
    assert sections[0].find("w:titlePg", NS) is not None  # the cover is a distinct first page
    assert all(s.find("w:titlePg", NS) is None for s in sections[1:])
    headers = [n for n in files if re.fullmatch(r"word/header\d+\.xml", n)]
    footers = [n for n in files if re.fullmatch(r"word/footer\d+\.xml", n)]
    header = "".join(text(etree.fromstring(files[n])) for n in headers)
    assert "NORTHSTAR ADVISORY" in header and "Northwind Retail BI Platform" in header  # filled
    footer = b"".join(files[n] for n in footers).decode()
    assert "Northstar Advisory Ltd" in footer
    assert re.search(r'w:instr=" PAGE "', footer)  # the firm's footer had none: one is added


def test_every_style_the_output_names_is_defined(firm_build):
    """The firm's header paragraphs name "Header", its headings link "Heading 1 Char": none left dangling."""
    _, _, data = firm_build
    files = parts(data)
    styles = etree.fromstring(files["word/styles.xml"])
    ids = {s.get(W + "styleId") for s in styles.iterfind("w:style", NS)}
    named = set()
    for name, content in files.items():
        if re.fullmatch(r"word/(document|header\d+|footer\d+)\.xml", name):
            root = etree.fromstring(content)
            named |= {n.get(W + "val") for t in ("pStyle", "rStyle", "tblStyle") for n in root.iter(W + t)}
    for ref in ("basedOn", "link", "next"):
        named |= {n.get(W + "val") for n in styles.iter(W + ref)}
    assert "Header" in named and named <= ids, sorted(named - ids)


def test_the_output_is_a_document_that_stands_alone(firm_build):
    _, _, data = firm_build
    files = parts(data)
    assert b"attachedTemplate" not in files["word/settings.xml"]
    assert not any(b"attachedTemplate" in v for n, v in files.items() if n.endswith(".rels"))
    assert b"wordprocessingml.document.main+xml" in files["[Content_Types].xml"]
    assert b"template.main+xml" not in files["[Content_Types].xml"]


# -- placeholders are names, not code -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("{{ meta.subtitle | upper }}", "is not a placeholder: write a name from the template context"),
        ("{% if meta.subtitle %}x{% endif %}", "is a template tag; a Word layout holds no code"),
        ("{{ meta.titel }}", "meta has no 'titel' (did you mean 'meta.title'?)"),
        ("{{ meta.prepared_by[7].name }}", "meta.prepared_by has 2 item(s); there is no [7]"),
        ("{{ meta.prepared_by }}", "is a list, not a text"),
    ],
)
def test_a_placeholder_that_is_not_a_name_of_the_context_is_a_located_error(tmp_path, cli, firm_file, typed, message):
    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            return data.replace(b"{{ meta.subtitle }}", typed.encode())
        return data

    pack = tmp_path / "firm"
    (pack / "docx").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: firm\nextends: default\n", encoding="utf-8")
    (pack / "docx" / "reference.dotx").write_bytes(rezip(firm_file, change))
    code, _, err = cli("build", BI, "-t", pack, "-f", "docx", "-o", tmp_path / "out", "-q")
    assert code == 1
    assert "Traceback" not in err
    assert re.search(r"reference\.dotx:1:1: error: word/document\.xml: paragraph \d+ \(", err), err
    assert message in err
    assert not (tmp_path / "out").exists()


def test_from_word_refuses_a_file_that_is_not_word(tmp_path, cli):
    sheet = tmp_path / "budget.xlsx"
    sheet.write_bytes(b"PK")
    code, _, err = cli("templates", "new", tmp_path / "firm", "--from-word", sheet)
    assert code == 1
    assert "give a Word document (.docx) or Word template (.dotx)" in err
    assert not (tmp_path / "firm").exists()


# -- zh-CN: Latin words are English ------------------------------------------------------


def test_latin_runs_in_a_chinese_document_are_tagged_english(tmp_path):
    from outlookgen.project.build import BuildOptions, build

    data = build([ERP], BuildOptions(formats=("docx",), output_dir=tmp_path)).written[0].read_bytes()
    doc = xml(data, "word/document.xml")
    latin = [r for r in doc.iter(W + "r") if re.search(r"[A-Za-z0-9]", "".join(t.text or "" for t in r.iter(W + "t")))]
    assert len(latin) > 100
    for run in latin:
        lang = run.find("w:rPr/w:lang", NS)
        assert lang is not None, text(run)
        assert (lang.get(W + "val"), lang.get(W + "eastAsia")) == ("en-US", "zh-CN")
    chinese_only = [r for r in doc.iter(W + "r") if text(r) and not re.search(r"[A-Za-z0-9]", text(r))]
    assert chinese_only and all(r.find("w:rPr/w:lang", NS) is None for r in chinese_only[:50])


# -- section breaks where the outlook meets a layout designed in Word ----------------------


def test_section_breaks_at_the_seams_with_the_layout_join_the_paragraph_before_them(firm_build, tmp_path):
    """The outlook starts with a landscape section and the firm's back matter starts a section of its own.

    Word shows a paragraph that holds only a section break as an empty line at
    the end of a page; each break must join the paragraph before it, on the
    layout's side of the seam as on the outlook's.
    """
    firm, _, _ = firm_build
    pack = tmp_path / "seams"
    shutil.copytree(firm, pack)
    (pack / "pack.yaml").write_text("name: seams\nextends: default\n", encoding="utf-8")
    (pack / "docx" / "outlook.docx.j2").write_text(
        "<landscape><p>Wide opening</p></landscape><p>Closing words</p>", encoding="utf-8"
    )

    def back_matter_in_its_own_section(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        doc = etree.fromstring(data)
        body = doc.find("w:body", NS)
        marker = next(p for p in body.iter(W + "p") if "outlook.body" in text(p))
        brk = etree.SubElement(etree.SubElement(etree.Element(W + "p"), W + "pPr"), W + "sectPr")
        brk.extend(copy.deepcopy(list(body.find("w:sectPr", NS))))
        marker.addnext(brk.getparent().getparent())
        return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)

    reference = pack / "docx" / "reference.dotx"
    reference.write_bytes(rezip(reference.read_bytes(), back_matter_in_its_own_section))
    out = tmp_path / "out"
    result = build([BI], BuildOptions(formats=("docx",), output_dir=out, pack=str(pack)))
    doc = xml(result.written[0].read_bytes(), "word/document.xml")
    body = doc.find("w:body", NS)
    alone = [p for p in body.findall("w:p", NS) if p.find("w:pPr/w:sectPr", NS) is not None and len(p) == 1]
    assert alone == [], [etree.tostring(p)[:200] for p in alone]
    holders = {
        text(p): p.find("w:pPr/w:sectPr", NS)
        for p in body.findall("w:p", NS)
        if p.find("w:pPr/w:sectPr", NS) is not None
    }
    wide, closing = holders["Wide opening"], holders["Closing words"]
    assert wide.find("w:pgSz", NS).get(W + "orient") == "landscape"
    assert closing.find("w:pgSz", NS).get(W + "orient") is None
    sections = list(body.iter(W + "sectPr"))
    assert len(sections) == len(holders) + 1
    assert sections[0].find("w:titlePg", NS) is not None  # the cover, in the layout's first section
    assert all(s.find("w:titlePg", NS) is None for s in sections[1:])
    texts = [text(p) for p in body.findall("w:p", NS)]
    assert texts.index("Wide opening") < texts.index("Closing words") < texts.index("About Northstar Advisory")


def test_latin_text_in_runs_the_writer_made_is_tagged_by_its_letters_not_its_escapes():
    from outlookgen.render.docx.writer import tag_latin_runs

    lang = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
    runs = (
        '<w:r><w:t xml:space="preserve">计划 &amp; 范围</w:t></w:r>'  # only an escaped "&": Chinese
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">第 3 周</w:t></w:r>'
        '<w:r><w:rPr><w:b/><w:eastAsianLayout w:vert="1"/></w:rPr><w:t>BOM</w:t></w:r>'
        '<w:r><w:rPr><w:lang w:val="de-DE"/></w:rPr><w:t>SAP</w:t></w:r>'
        "<w:r><w:br/></w:r>"
    )
    tagged = tag_latin_runs(runs, lang)
    assert tagged == (
        '<w:r><w:t xml:space="preserve">计划 &amp; 范围</w:t></w:r>'
        f'<w:r><w:rPr><w:b/>{lang}</w:rPr><w:t xml:space="preserve">第 3 周</w:t></w:r>'
        f'<w:r><w:rPr><w:b/>{lang}<w:eastAsianLayout w:vert="1"/></w:rPr><w:t>BOM</w:t></w:r>'
        '<w:r><w:rPr><w:lang w:val="de-DE"/></w:rPr><w:t>SAP</w:t></w:r>'
        "<w:r><w:br/></w:r>"
    )
