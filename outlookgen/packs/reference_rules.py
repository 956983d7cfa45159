"""What a reference.docx may hold, and what the Word writer carries over: the allow-lists, in one place.

:mod:`.reference_safety` reads and parses the file; this module only says
what passes. Everything here is an allow-list: a relationship type, content
type or field that is not listed is refused (or, for the :data:`DROP` kinds,
checked and then left out). The refused kinds are listed too, only so that
the error line can say what the thing does ("runs a macro") instead of
"unknown".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# -- namespaces ----------------------------------------------------------------------------------
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # Strict: Word reads it, so we look there too
)
R_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
O_NS = "urn:schemas-microsoft-com:office:office"
XINCLUDE_NS = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")

# -- content types -------------------------------------------------------------------------------
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_DOCUMENT = WML + "document.main+xml"
CT_TEMPLATE = WML + "template.main+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
IMAGE_TYPES = frozenset(
    ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf", "image/x-wmf", "image/svg+xml")
)

# -- relationship types --------------------------------------------------------------------------
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_P = "http://schemas.openxmlformats.org/package/2006/relationships/"
_MS = "http://schemas.microsoft.com/office/"
HYPERLINK = R + "hyperlink"
OFFICE_DOCUMENT = R + "officeDocument"

#: Relationships the Word writer carries over, with the content types their target may have.
KEEP: dict[str, frozenset[str]] = {
    OFFICE_DOCUMENT: frozenset((CT_DOCUMENT, CT_TEMPLATE)),
    _P + "metadata/core-properties": frozenset(("application/vnd.openxmlformats-package.core-properties+xml",)),
    R + "extended-properties": frozenset(("application/vnd.openxmlformats-officedocument.extended-properties+xml",)),
    R + "styles": frozenset((WML + "styles+xml",)),
    R + "numbering": frozenset((WML + "numbering+xml",)),
    R + "settings": frozenset((WML + "settings+xml",)),
    R + "fontTable": frozenset((WML + "fontTable+xml",)),
    R + "theme": frozenset(("application/vnd.openxmlformats-officedocument.theme+xml",)),
    R + "header": frozenset((WML + "header+xml",)),
    R + "footer": frozenset((WML + "footer+xml",)),
    R + "footnotes": frozenset((WML + "footnotes+xml",)),
    R + "endnotes": frozenset((WML + "endnotes+xml",)),
    R + "image": IMAGE_TYPES,
    R + "font": frozenset(("application/vnd.openxmlformats-officedocument.obfuscatedFont",)),
    HYPERLINK: frozenset(),  # external only
}

#: Relationships a part (or the package) holds at most once: Word keeps one styles part, one settings
#: part… per document, and the writer edits "the" one (render/docx/opc.py); a second is refused.
ONE_PER_SOURCE = frozenset(
    {
        _P + "metadata/core-properties",
        R + "extended-properties",
        R + "styles",
        R + "numbering",
        R + "settings",
        R + "fontTable",
        R + "theme",
        R + "footnotes",
        R + "endnotes",
    }
)

#: Relationships Word writes that are harmless but not needed: checked, then left out of the output.
DROP: dict[str, frozenset[str]] = {
    R + "custom-properties": frozenset(("application/vnd.openxmlformats-officedocument.custom-properties+xml",)),
    _P + "metadata/thumbnail": IMAGE_TYPES,
    R + "customXml": frozenset(("application/xml", "text/xml")),
    R + "customXmlProps": frozenset(("application/vnd.openxmlformats-officedocument.customXmlProperties+xml",)),
    R + "glossaryDocument": frozenset((WML + "document.glossary+xml",)),
    R + "comments": frozenset((WML + "comments+xml",)),
    R + "webSettings": frozenset((WML + "webSettings+xml",)),
    R + "printerSettings": frozenset((WML + "printerSettings",)),
    _MS + "2007/relationships/stylesWithEffects": frozenset(("application/vnd.ms-word.stylesWithEffects+xml",)),
    _MS + "2011/relationships/people": frozenset((WML + "people+xml",)),
    _MS + "2011/relationships/commentsExtended": frozenset((WML + "commentsExtended+xml",)),
    _MS + "2016/09/relationships/commentsIds": frozenset((WML + "commentsIds+xml",)),
    _MS + "2018/08/relationships/commentsExtensible": frozenset((WML + "commentsExtensible+xml",)),
    _MS + "2020/02/relationships/classificationlabels": frozenset(
        ("application/vnd.ms-office.classificationlabels+xml",)
    ),
    _P + "digital-signature/origin": frozenset(("application/vnd.openxmlformats-package.digital-signature-origin",)),
    _P + "digital-signature/signature": frozenset(
        ("application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml",)
    ),
}

#: The root element each carried-over XML part must have: the writer reads and edits these parts as
#: the elements named here (render/docx/opc.py: a core.xml whose root is anything else would take
#: properties it cannot hold).
_W, _A = W_NAMESPACES[0], "http://schemas.openxmlformats.org/drawingml/2006/main"
ROOTS: dict[str, str] = {
    CT_DOCUMENT: f"{{{_W}}}document",
    CT_TEMPLATE: f"{{{_W}}}document",
    WML + "styles+xml": f"{{{_W}}}styles",
    WML + "numbering+xml": f"{{{_W}}}numbering",
    WML + "settings+xml": f"{{{_W}}}settings",
    WML + "fontTable+xml": f"{{{_W}}}fonts",
    WML + "header+xml": f"{{{_W}}}hdr",
    WML + "footer+xml": f"{{{_W}}}ftr",
    WML + "footnotes+xml": f"{{{_W}}}footnotes",
    WML + "endnotes+xml": f"{{{_W}}}endnotes",
    "application/vnd.openxmlformats-officedocument.theme+xml": f"{{{_A}}}theme",
    "application/vnd.openxmlformats-package.core-properties+xml": (
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties"
    ),
    "application/vnd.openxmlformats-officedocument.extended-properties+xml": (
        "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Properties"
    ),
}

#: Every content type a part may have: what the relationships above point at, plus the .rels parts.
KNOWN_TYPES = frozenset().union(*KEEP.values(), *DROP.values(), (CT_RELS,))
KNOWN_FOLDED = frozenset(t.lower() for t in KNOWN_TYPES)
ROOTS_FOLDED = {k.lower(): v for k, v in ROOTS.items()}

MACROS = "a VBA macro project (macros run when the document opens)"
ACTIVEX = "an ActiveX control (a program Word loads)"
OLE = "an OLE object (another program's file, embedded or linked, that Word can run)"
EMBEDDED = "an embedded file"
ALTCHUNK = "an altChunk (another document, HTML or RTF that Word imports when it opens the file)"
ATTACHED = (
    "an attached template (Word loads it, and its macros, with the document; "
    "detach it under Developer › Document Template and save again)"
)
MAIL_MERGE = "a mail merge (Word queries its data source when it opens the document)"
FRAME = "a frame (Word loads another document into it)"
SUBDOC = "a subdocument (Word loads it from another file)"

#: Relationship types refused with a reason, by the last segment of the type URI (lower case), so the
#: Transitional, Strict and Microsoft spellings of one kind are all caught.
REFUSED_RELATIONSHIPS = {
    "vbaproject": MACROS,
    "vbaprojectsignature": MACROS,
    "vbaprojectsignatureagile": MACROS,
    "vbaprojectsignaturev3": MACROS,
    "wordvbadata": MACROS,
    "keymapcustomizations": "macro key bindings",
    "attachedtoolbars": "macro toolbars",
    "extensibility": "a ribbon customisation (customUI), whose buttons call macros",
    "control": ACTIVEX,
    "activexcontrol": ACTIVEX,
    "activexcontrolbinary": ACTIVEX,
    "oleobject": OLE,
    "package": EMBEDDED,
    "afchunk": ALTCHUNK,
    "attachedtemplate": ATTACHED,
    "subdocument": SUBDOC,
    "frame": FRAME,
    "mailmergesource": MAIL_MERGE,
    "mailmergeheadersource": MAIL_MERGE,
    "mailmergerecipientdata": MAIL_MERGE,
    "recipientdata": MAIL_MERGE,
    "webextensiontaskpanes": "an Office add-in, which Word loads from the web",
    "webextension": "an Office add-in, which Word loads from the web",
    "video": "a video, which Word plays from a file or address",
    "audio": "a sound, which Word plays from a file or address",
    "media": "a video or sound, which Word plays from a file or address",
    "transform": "an XSLT transform Word runs when saving",
    "externallinkpath": "a link to another file",
}

#: Elements refused wherever they appear, by (namespace, local name).
REFUSED_ELEMENTS = {
    **{(ns, "object"): OLE for ns in W_NAMESPACES},
    **{(ns, "control"): ACTIVEX for ns in W_NAMESPACES},
    **{(ns, "altChunk"): ALTCHUNK for ns in W_NAMESPACES},
    **{(ns, "subDoc"): SUBDOC for ns in W_NAMESPACES},
    **{(ns, "attachedTemplate"): ATTACHED for ns in W_NAMESPACES},
    **{(ns, "mailMerge"): MAIL_MERGE for ns in W_NAMESPACES},
    **{(ns, "frameset"): FRAME for ns in W_NAMESPACES},
    **{(ns, "frame"): FRAME for ns in W_NAMESPACES},
    (O_NS, "OLEObject"): OLE,
    **{(ns, "include"): "an XInclude (it pulls in another file)" for ns in XINCLUDE_NS},
}

# -- fields --------------------------------------------------------------------------------------
#: Fields that only show, compute or format what is in the document or its properties.
SAFE_FIELDS = frozenset(
    (
        "ADDRESSBLOCK", "ADVANCE", "ASK", "AUTHOR", "AUTONUM", "AUTONUMLGL", "AUTONUMOUT", "AUTOTEXT",
        "AUTOTEXTLIST", "BARCODE", "BIBLIOGRAPHY", "BIDIOUTLINE", "CITATION", "COMMENTS", "COMPARE",
        "CREATEDATE", "DATE", "DISPLAYBARCODE", "DOCPROPERTY", "DOCVARIABLE", "EDITTIME", "EQ", "FILENAME",
        "FILESIZE", "FILLIN", "FORMCHECKBOX", "FORMDROPDOWN", "FORMTEXT", "GOTOBUTTON", "GREETINGLINE",
        "HYPERLINK", "IF", "INDEX", "INFO", "KEYWORDS", "LASTSAVEDBY", "LISTNUM", "MERGEFIELD", "MERGEREC",
        "MERGESEQ", "NEXT", "NEXTIF", "NOTEREF", "NUMCHARS", "NUMPAGES", "NUMWORDS", "PAGE", "PAGEREF",
        "PRINTDATE", "PRIVATE", "QUOTE", "REF", "REVNUM", "SAVEDATE", "SECTION", "SECTIONPAGES", "SEQ", "SET",
        "SHAPE", "SKIPIF", "STYLEREF", "SUBJECT", "SYMBOL", "TA", "TC", "TEMPLATE", "TIME", "TITLE", "TOA",
        "TOC", "USERADDRESS", "USERINITIALS", "USERNAME", "XE",
    )
)  # fmt: skip
#: Fields that fetch or run something, with what they do.
REFUSED_FIELDS = {
    "INCLUDEPICTURE": "fetches a picture from a file or address",
    "INCLUDETEXT": "pulls in text from another file",
    "INCLUDE": "pulls in text from another file",
    "IMPORT": "imports a picture from a file",
    "DDE": "asks another program for data (DDE), which can start it",
    "DDEAUTO": "asks another program for data (DDE) as the document opens, which can start it",
    "LINK": "links to another program's file (OLE), which can start that program",
    "EMBED": "embeds another program's object (OLE)",
    "DATABASE": "runs a query against an external database",
    "RD": "reads another file into the table of contents or index",
    "MACROBUTTON": "runs a macro",
    "PRINT": "sends commands to the printer",
    "ADDIN": "holds data for an add-in",
}
_FIELD_WORD = re.compile(r"[A-Za-z]+")
_REFUSED_WORD = re.compile(
    r"(?<![A-Za-z])(" + "|".join(sorted(REFUSED_FIELDS, key=len, reverse=True)) + r")(?![A-Za-z])", re.I
)
_FIELD_TOKEN = re.compile(r'"[^"]*"?|\S+')
SAFE_SCHEMES = ("http", "https", "mailto")


def field_problem(instruction: str) -> str | None:
    """Why a field instruction may not pass (None: it may).

    Word reads the first word of the instruction as the field's kind, in any
    case, after any spaces; an instruction that does not start with a word
    (a backslash switch, a quote) is not one Word would run as a known field,
    and is refused too, naming any dangerous word in it.
    """
    text = instruction.strip()
    if not text:
        return None
    if text.startswith("="):
        return None  # a formula: arithmetic on numbers and bookmarks
    word = _FIELD_WORD.match(text)
    name = word.group(0).upper() if word else ""
    shown = quote(" ".join(text.split()), 120)
    if name in REFUSED_FIELDS:
        return f"the field {shown} {REFUSED_FIELDS[name]} (field codes that fetch or run anything are refused)"
    if name in SAFE_FIELDS:
        if name == "HYPERLINK":
            address = _hyperlink_address(text[word.end() :])
            if address is not None and url_scheme(address) not in SAFE_SCHEMES:
                return f"the field {shown} links to {quote(address)}; only http, https and mailto links may"
        return None
    hidden = _REFUSED_WORD.search(text)
    if hidden:
        what = REFUSED_FIELDS[hidden.group(1).upper()]
        return f"the field {shown} {what} (field codes that fetch or run anything are refused)"
    return f"the field {shown} is not one outlookgen knows to be safe"


def _hyperlink_address(arguments: str) -> str | None:
    """The address a HYPERLINK field opens (None: a link to a bookmark only)."""
    tokens = _FIELD_TOKEN.findall(arguments)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("\\"):
            i += 2 if token[1:2].lower() in ("l", "o", "t") else 1  # switches that take an argument
            continue
        return token.strip('"')
    return None


_ALTCHUNK_TYPES = ("application/xhtml+xml", "text/html", "application/rtf", "text/rtf", "message/rfc822", "text/plain")
# Other files inside the file: a document, workbook or program, or a generic "package".
_EMBEDDED_TYPES = (
    WML + "document",
    WML + "template",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.openxmlformats-officedocument.package",
)
_EMBEDDED_PREFIXES = (  # and every variant of these (application/vnd.ms-excel.sheet.binary…)
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/octet-stream",
    "application/x-msdownload",
    "application/pdf",
)


def refused_content_type(content_type: str) -> str | None:
    """Why a declared content type is refused outright (None: decided by the allow-list)."""
    folded = content_type.strip().lower()
    if "vbaproject" in folded or "vbadata" in folded or "macroenabled" in folded:
        return MACROS
    if "activex" in folded:
        return ACTIVEX
    if "oleobject" in folded:
        return OLE
    if "keymapcustomizations" in folded or "attachedtoolbars" in folded:
        return "macro key bindings or toolbars"
    if folded in _ALTCHUNK_TYPES:
        return ALTCHUNK
    if folded.split(";")[0].strip() in _EMBEDDED_TYPES or folded.startswith(_EMBEDDED_PREFIXES):
        return EMBEDDED
    return None


def url_scheme(target: str) -> str:
    """The scheme of a link target, lower case ('' for none); Word and browsers ignore leading spaces and
    control characters, and urlsplit drops tabs and newlines inside, so the check sees what they see."""
    cleaned = target.strip(" \t\r\n\x00\x0b\x0c")
    try:
        return urlsplit(cleaned).scheme.lower()
    except ValueError:
        return ""


def quote(text: str, limit: int = 200) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{text}'"


#: Styles the Word writer and the built-in templates use. A reference document that lacks some
#: gets them added, derived from its own Normal and Heading styles (render/docx/derived.py, from
#: the built-in reference's style of the same name); ``templates check`` names them. Templates
#: may name any other style the reference has.
WRITER_STYLES = {
    "paragraph": (
        "Normal",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Heading 4",
        "Title",
        "Subtitle",
        "TOC Heading",
        "toc 1",
        "toc 2",
        "toc 3",
        "List Bullet",
        "List Continue",
        "Table Text",
        "Table Heading",
        "Table Bullet",
        "Gantt Text",
        "Caption",
        "Cover Text",
    ),
    "character": ("Hyperlink", "Inline Code"),
    "table": ("Outlook Table", "Gantt Table", "Bar Table", "Cover Table"),
}
