"""Make the sample firm's Word template (samples/packs/northstar's) the way a firm's file looks.

``python -m tools.make_word_template [OUT.dotx]`` writes a Word template as a
firm keeps one (docs/packs.md, "A layout designed in Word"): python-docx lays
out the pages, then the styles are cut down to what many real templates hold —
Normal and Heading 1–3 in the firm's own fonts and colours, nothing else —
and the file gets what Word leaves in a document made from a template: a
local ``attachedTemplate`` link. On the pages: a cover with placeholders
(one of them split over two runs, as Word splits what a user types), the
``{{ outlook.body }}`` paragraph, "About us" boilerplate and a signature
block; a header with the firm's name in place of a logo, and a footer
*without* a page number (outlookgen adds one). ``samples/packs/northstar``
is the pack made from it::

    python -m tools.make_word_template build/northstar.dotx
    outlookgen templates new samples/packs/northstar --from-word build/northstar.dotx
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
TEAL, TERRACOTTA, INK = "0B5563", "BF4E36", "2F3437"
KEEP_STYLES = ("Normal", "heading 1", "heading 2", "heading 3", "Default Paragraph Font", "Normal Table", "No List")
LOCAL_TEMPLATE = "file:///C:/Users/mreid/AppData/Roaming/Microsoft/Templates/Northstar%20Proposal.dotx"
TEMPLATE_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def pages():
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    d = docx.Document()
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)

    def para(text="", *, size=None, bold=False, colour=None, space_after=None, style=None):
        p = d.add_paragraph(style=style)
        if text:
            run = p.add_run(text)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)
        if space_after is not None:
            p.paragraph_format.space_after = Pt(space_after)
        return p

    # -- the cover -------------------------------------------------------------------------
    para("NORTHSTAR ADVISORY", size=11, bold=True, colour=TEAL, space_after=120)
    para("Implementation outlook", size=12, colour=TERRACOTTA, space_after=6)
    para("{{ meta.title }}", size=26, bold=True, colour=INK, space_after=12)
    para("{{ meta.subtitle }}", size=13, colour=TEAL, space_after=36)
    prepared = d.add_paragraph("Prepared for ")
    prepared.add_run("{{ meta.").bold = True  # Word splits a placeholder when a run changes
    prepared.add_run("organization }}").bold = True
    para("Version {{ meta.version }} · {{ meta.status_text }} · {{ meta.date_text }}")
    para("{{ meta.confidentiality }}", colour=TERRACOTTA)
    d.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    # -- where the outlook goes ---------------------------------------------------------------
    para("{{ outlook.body }}")

    # -- boilerplate ---------------------------------------------------------------------------
    about = d.add_paragraph("About Northstar Advisory", style="Heading 1")
    about.paragraph_format.page_break_before = True
    para(
        "Northstar Advisory plans, implements and supports ERP, MES and analytics platforms for "
        "manufacturers and retailers in Europe and Asia. Our consultants have led more than 120 "
        "rollouts since 2009."
    )
    d.add_paragraph("How we work", style="Heading 2")
    for line in (
        "– A pilot first: one site, one business line, measured against the objectives in this outlook.",
        "– People before systems: champions, training and support are planned like any other task.",
        "– Data you can trust: cleansing and master-data ownership start before configuration.",
    ):
        para(line, space_after=2)
    d.add_paragraph("Acceptance", style="Heading 1")
    para("By signing, both parties accept this outlook as the basis of the implementation plan.")
    table = d.add_table(rows=4, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = (
        ("For Northstar Advisory", "For {{ meta.organization }}"),
        ("Name: {{ meta.prepared_by[0].name }}", "Name:"),
        ("Signature:", "Signature:"),
        ("Date:", "Date:"),
    )
    for row, texts in zip(table.rows, cells, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
            cell.paragraphs[0].paragraph_format.space_after = Pt(14)
    for cell in table.rows[0].cells:
        cell.paragraphs[0].runs[0].bold = True

    # -- header and footer (the firm's name stands in for a logo) ---------------------------------
    header = section.header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(Cm(16.6), WD_TAB_ALIGNMENT.RIGHT)
    name = header.add_run("NORTHSTAR ADVISORY")
    name.bold, name.font.size, name.font.color.rgb = True, Pt(8), RGBColor.from_string(TEAL)
    title = header.add_run("\t{{ meta.title }}")
    title.font.size, title.font.color.rgb = Pt(8), RGBColor.from_string(INK)
    footer = section.footer.paragraphs[0]
    small = footer.add_run("Northstar Advisory Ltd · 12 Harbour Street, Leith · Confidential")
    small.font.size, small.font.color.rgb = Pt(7.5), RGBColor.from_string(INK)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def firm_styles(styles_xml: bytes) -> bytes:
    """Only Normal and Heading 1–3 (and Word's three built-in defaults), in the firm's fonts and colours."""
    root = etree.fromstring(styles_xml)
    for style in list(root.iterchildren(W + "style")):
        if style.find(W + "name").get(W + "val") not in KEEP_STYLES:
            root.remove(style)
    latent = root.find(W + "latentStyles")
    if latent is not None:
        root.remove(latent)
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    for child in list(defaults):
        defaults.remove(child)
    defaults.append(_el("rFonts", ascii="Arial", hAnsi="Arial", cs="Arial", eastAsia="DengXian"))
    defaults.append(_el("color", val=INK))
    defaults.append(_el("sz", val="20"))
    defaults.append(_el("szCs", val="20"))
    defaults.append(_el("lang", val="en-GB", eastAsia="zh-CN", bidi="ar-SA"))
    for style in root.iterchildren(W + "style"):
        name = style.find(W + "name").get(W + "val")
        if name.startswith("heading"):
            level = int(name[-1])
            _restyle_heading(style, level)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _restyle_heading(style, level: int) -> None:
    rpr = style.find(W + "rPr")
    for child in list(rpr):
        rpr.remove(child)
    font = "Georgia" if level < 3 else "Arial"
    rpr.append(_el("rFonts", ascii=font, hAnsi=font, cs=font))
    rpr.append(_el("b"))
    rpr.append(_el("color", val=TEAL if level < 3 else TERRACOTTA))
    size = {1: "36", 2: "28", 3: "22"}[level]
    rpr.append(_el("sz", val=size))
    rpr.append(_el("szCs", val=size))


def _el(tag: str, **attributes: str):
    node = etree.Element(W + tag)
    for key, value in attributes.items():
        node.set(W + key, value)
    return node


def as_firm_template(data: bytes) -> bytes:
    """The package with the firm's styles, a local attachedTemplate link, saved as a Word template."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts["word/styles.xml"] = firm_styles(parts["word/styles.xml"])
    # python-docx's template carries Word 2010's copy of every built-in style; a firm's file
    # that defines only its own styles does not.
    del parts["word/stylesWithEffects.xml"]
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    for rel in list(rels):
        if rel.get("Target") == "stylesWithEffects.xml":
            rels.remove(rel)
    parts["word/_rels/document.xml.rels"] = etree.tostring(
        rels, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in list(types):
        if override.get("PartName") == "/word/stylesWithEffects.xml":
            types.remove(override)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    settings = parts["word/settings.xml"].decode("utf-8")
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    if r_ns not in settings:
        settings = settings.replace("<w:settings ", f"<w:settings {r_ns} ", 1)
    settings = settings.replace("<w:defaultTabStop", '<w:attachedTemplate r:id="rId1"/><w:defaultTabStop', 1)
    parts["word/settings.xml"] = settings.encode("utf-8")
    parts["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'attachedTemplate" Target="{LOCAL_TEMPLATE}" TargetMode="External"/></Relationships>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(DOCUMENT_CT.encode(), TEMPLATE_CT.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 6, 9, 30, 0))  # fixed: the file does not change per run
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, parts[name])
    return out.getvalue()


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("build/northstar.dotx")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(as_firm_template(pages()))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
