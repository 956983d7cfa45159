"""Accessible Word output (issue 21): alt text, data tables with captions, layout tables, readable header rows.

Checked on the XML of both samples in the built-in packs and the Acme sample
pack, as Word's accessibility checker and a screen reader see it; the interop
test reads the tagged PDF LibreOffice makes of a document.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from conftest import ROOT, SAMPLE_FILES, require_tool
from lxml import etree

from outlookgen.packs import contrast
from outlookgen.project.build import BuildOptions, build

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
ACME = ROOT / "samples" / "packs" / "acme"
PACKS = ("default", "executive", str(ACME))


def _build(out, pack: str, specs=SAMPLE_FILES) -> dict[str, bytes]:
    result = build(list(specs), BuildOptions(formats=("docx",), output_dir=out, pack=pack))
    return {p.name.removesuffix(".docx"): p.read_bytes() for p in result.written}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[tuple[str, str], bytes]:
    """(pack, sample stem) -> the .docx bytes."""
    found = {}
    for pack in PACKS:
        name = pack.rsplit("/", 1)[-1]
        for stem, data in _build(tmp_path_factory.mktemp(f"a11y-{name}"), pack).items():
            found[(name, stem)] = data
    return found


def _part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def _parts(data: bytes, prefix: str) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [etree.fromstring(archive.read(n)) for n in archive.namelist() if re.fullmatch(prefix, n)]


def _tables(data: bytes):
    return list(_part(data, "word/document.xml").iter(W + "tbl"))


def _is_data_table(tbl) -> bool:
    return any(tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in tbl.findall(W + "tr"))


CASES = [(pack.rsplit("/", 1)[-1], spec.name.removesuffix(".yaml")) for pack in PACKS for spec in SAMPLE_FILES]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_every_picture_has_alt_text(documents, case):
    data = documents[case]
    pictures = [
        pr for root in _parts(data, r"word/(document|header\d*|footer\d*)\.xml") for pr in root.iter(WP + "docPr")
    ]
    if case[0] == "acme":
        assert pictures, "the Acme pack's logo is on the cover"
    assert all((pr.get("descr") or "").strip() for pr in pictures), [etree.tostring(p) for p in pictures]


def test_logo_alt_text_comes_from_the_pack_in_each_language(documents):
    alts = {
        stem: [pr.get("descr") for pr in _part(documents[("acme", stem)], "word/document.xml").iter(WP + "docPr")]
        for _, stem in CASES
        if _ == "acme"
    }
    assert alts == {"bi-platform.en": ["Acme Consulting logo"], "erp-manufacturing.zh-CN": ["艾克米咨询标志"]}


def test_logo_alt_text_falls_back_to_the_organization_label(tmp_path):
    pack = tmp_path / "plain-logo"
    (pack / "images").mkdir(parents=True)
    (pack / "images" / "logo.png").write_bytes((ACME / "images" / "logo.png").read_bytes())
    (pack / "pack.yaml").write_text(
        "name: plain-logo\nversion: '1'\nextends: default\nbrand:\n  logo: images/logo.png\n", encoding="utf-8"
    )
    built = _build(tmp_path / "out", str(pack))
    alts = {
        stem: [pr.get("descr") for pr in _part(d, "word/document.xml").iter(WP + "docPr")] for stem, d in built.items()
    }
    assert alts == {
        "bi-platform.en": ["Northwind Retail Group logo"],
        "erp-manufacturing.zh-CN": ["华东精工机械有限公司标志"],
    }


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_every_data_table_has_a_caption(documents, case):
    data_tables = [t for t in _tables(documents[case]) if _is_data_table(t)]
    assert len(data_tables) > 20
    captions = [t.find(f"{W}tblPr/{W}tblCaption") for t in data_tables]
    assert all(c is not None and c.get(W + "val", "").strip() for c in captions)
    named = {c.get(W + "val") for c in captions}
    if case[1].endswith(".en"):  # the heading the table stands under, or the template's caption=
        assert {"Risk register", "3.2 Timeline", "By category", "By phase"} <= named


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_layout_tables_are_marked_as_layout(documents, case):
    layout = [t for t in _tables(documents[case]) if not _is_data_table(t)]
    assert layout, "the budget bars (and the default cover) are layout tables"
    for tbl in layout:
        props = tbl.find(W + "tblPr")
        # No style is Word's "Table Normal", the one its checker asks no header row of.
        assert props.find(W + "tblStyle") is None
        assert props.find(W + "tblCaption") is None and props.find(W + "tblDescription") is None
        look = props.find(W + "tblLook")
        assert look.get(W + "firstRow") == "0" and look.get(W + "firstColumn") == "0"


def test_the_cover_layout_table_keeps_its_look(documents):
    data = documents[("default", "bi-platform.en")]
    cover = _tables(data)[0]
    assert cover.find(f"{W}tblPr/{W}tblBorders/{W}insideH") is not None  # the rules between the lines
    label = cover.find(f"{W}tr/{W}tc")
    runs = label.findall(f".//{W}r")
    assert runs and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)
    assert {r.find(f"{W}rPr/{W}color").get(W + "val") for r in runs} == {"5B6770"}  # the secondary colour


def _header_pairs(data: bytes) -> list[tuple[str, str, str]]:
    """(text colour, fill, text) of every run in a header row, as Word resolves them."""
    styles = _part(data, "word/styles.xml")
    by_id = {s.get(W + "styleId"): s for s in styles.iter(W + "style")}
    default_colour = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}color")
    base_text = default_colour.get(W + "val") if default_colour is not None else "000000"
    pairs = []
    for tbl in _tables(data):
        style_el = tbl.find(f"{W}tblPr/{W}tblStyle")
        style = by_id.get(style_el.get(W + "val")) if style_el is not None else None
        style_fill = style_text = None
        for conditional in style.iterfind(W + "tblStylePr") if style is not None else ():
            if conditional.get(W + "type") == "firstRow":
                shd = conditional.find(f"{W}tcPr/{W}shd")
                colour = conditional.find(f"{W}rPr/{W}color")
                style_fill = shd.get(W + "fill") if shd is not None else None
                style_text = colour.get(W + "val") if colour is not None else None
        for tr in tbl.findall(W + "tr"):
            if tr.find(f"{W}trPr/{W}tblHeader") is None:
                continue
            for tc in tr.findall(W + "tc"):
                shd = tc.find(f"{W}tcPr/{W}shd")
                fill = (shd.get(W + "fill") if shd is not None else None) or style_fill or "FFFFFF"
                for run in tc.iter(W + "r"):
                    text = "".join(t.text or "" for t in run.iter(W + "t"))
                    if not text.strip():
                        continue
                    colour = run.find(f"{W}rPr/{W}color")
                    pairs.append(
                        ((colour.get(W + "val") if colour is not None else style_text) or base_text, fill, text)
                    )
    return pairs


def _fill_pairs(data: bytes) -> list[tuple[str, str, str]]:
    """(text colour, fill, text) of every run in a body cell with a fill of its own."""
    styles = _part(data, "word/styles.xml")
    default_colour = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}color")
    base_text = default_colour.get(W + "val") if default_colour is not None else "000000"
    pairs = []
    for tbl in _tables(data):
        for tr in tbl.findall(W + "tr"):
            if tr.find(f"{W}trPr/{W}tblHeader") is not None:
                continue
            for tc in tr.findall(W + "tc"):
                shd = tc.find(f"{W}tcPr/{W}shd")
                if shd is None or shd.get(W + "val") != "clear":
                    continue
                for run in tc.iter(W + "r"):
                    text = "".join(t.text or "" for t in run.iter(W + "t"))
                    colour = run.find(f"{W}rPr/{W}color")
                    if text.strip():
                        pairs.append(
                            ((colour.get(W + "val") if colour is not None else base_text), shd.get(W + "fill"), text)
                        )
    return pairs


def _failing(pairs):
    return [
        (t, f, text, round(contrast.ratio(f"#{t}", f"#{f}"), 2))
        for t, f, text in pairs
        if contrast.ratio(f"#{t}", f"#{f}") < contrast.AA_TEXT
    ]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_text_on_fills_passes_contrast(documents, case):
    pairs = _header_pairs(documents[case])
    assert len(pairs) > 100
    assert not _failing(pairs)
    assert not _failing(_fill_pairs(documents[case]))


def test_a_gold_pack_gets_black_header_text(tmp_path):
    """Gold (#c9a227) with white text is 2.42:1: the header rows, today's and the buffer's Gantt heads turn black.

    And body text on a dark fill (a risk colour) turns white.
    """
    pack = tmp_path / "gold"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "name: gold\nversion: '1'\nextends: default\n"
        "brand:\n  color:\n    primary: '#c9a227'\n    accent: '#c9a227'\n    secondary: '#c9a227'\n"
        "    risk_high: '#5c0a0a'\n",
        encoding="utf-8",
    )
    for stem, data in _build(tmp_path / "out", str(pack)).items():
        pairs = _header_pairs(data)
        assert not _failing(pairs), stem
        assert {t for t, f, _ in pairs if f == "C9A227"} == {"000000"}, stem
        # Body text on a dark risk colour turns white; on the light fills it keeps its colour.
        shaded = _fill_pairs(data)
        assert not _failing(shaded), stem
        assert {t for t, f, _ in shaded if f == "5C0A0A"} == {"FFFFFF"}, stem


@pytest.mark.interop
def test_libreoffice_pdf_carries_the_logo_alt_text(documents, tmp_path):
    """LibreOffice's tagged PDF gives the logo's Figure the alt text, said once."""
    soffice = require_tool("soffice")
    source = tmp_path / "acme.docx"
    source.write_bytes(documents[("acme", "bi-platform.en")])
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = (tmp_path / "acme.pdf").read_bytes()
    pdfinfo = require_tool("pdfinfo")
    info = subprocess.run([pdfinfo, str(tmp_path / "acme.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    # LibreOffice writes the structure tree uncompressed; /Alt is a UTF-16 hex string.
    alts = [bytes.fromhex(h.decode()).decode("utf-16") for h in re.findall(rb"/Alt\s*<([0-9A-Fa-f]+)>", pdf)]
    assert alts == ["Acme Consulting logo"]


@pytest.mark.parametrize("pack", [str(ACME), "executive"], ids=["acme", "executive"])
def test_the_logo_is_described_alike_in_word_and_html(tmp_path, pack):
    """One alt text, worded once: the Word picture's description is the HTML cover image's alt."""
    logo_pack = pack
    if pack == "executive":  # a logo without brand.logo.alt: the label, worded with the organization
        logo_pack = tmp_path / "exec-logo"
        (logo_pack / "images").mkdir(parents=True)
        (logo_pack / "images" / "logo.png").write_bytes((ACME / "images" / "logo.png").read_bytes())
        (logo_pack / "pack.yaml").write_text(
            "name: exec-logo\nversion: '1'\nextends: executive\nbrand:\n  logo: images/logo.png\n", encoding="utf-8"
        )
    result = build(
        list(SAMPLE_FILES), BuildOptions(formats=("docx", "html"), output_dir=tmp_path / "out", pack=str(logo_pack))
    )
    for spec in SAMPLE_FILES:
        stem = spec.name.removesuffix(".yaml")
        docx = next(p for p in result.written if p.name == f"{stem}.docx").read_bytes()
        html = next(p for p in result.written if p.name == f"{stem}.html").read_text(encoding="utf-8")
        (descr,) = [pr.get("descr") for pr in _part(docx, "word/document.xml").iter(WP + "docPr")]
        (alt,) = re.findall(r'<img class="(?:exec-)?cover-logo" src="[^"]*" alt="([^"]*)"', html)
        assert descr and alt == descr, (stem, descr, alt)
