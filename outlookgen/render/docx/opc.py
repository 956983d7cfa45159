"""Word's package on the build path: parts, relationships and content types, without python-docx.

The writer makes the document body as text (:mod:`.writer`); what is left is
the package around it — the reference document opened, a few of its parts
edited as XML, a footer, numbering, properties or a picture added, and its
zip entries listed. python-docx did that, and importing it was about 45 ms
of every small build (docs/architecture.md). This module does the same
with lxml alone and writes the same bytes python-docx's ``save`` writes:

* the parts python-docx parses (:data:`XML_PARTS`) are parsed with its
  parser's options and written back serialised, the others byte for byte;
* relationships keep their file order, new ones take the lowest free
  ``rIdN``, internal targets are written relative to their source;
* ``[Content_Types].xml`` has a Default for an extension whose content type
  is the usual one (:data:`DEFAULT_TYPES`) and an Override for every other part.

``tests/test_word_package.py`` holds these rules to python-docx's own
output. The package opened here is the one :mod:`outlookgen.packs.reference_docx`
vouched for, never a stranger's file as it came.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

# -- names ----------------------------------------------------------------------------------------

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _R + "officeDocument"
RT_STYLES = _R + "styles"
RT_SETTINGS = _R + "settings"
RT_NUMBERING = _R + "numbering"
RT_FONT_TABLE = _R + "fontTable"
RT_HEADER = _R + "header"
RT_FOOTER = _R + "footer"
RT_HYPERLINK = _R + "hyperlink"
RT_IMAGE = _R + "image"
RT_CUSTOM_PROPERTIES = _R + "custom-properties"
RT_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_DOCUMENT = _WML + "document.main+xml"
CT_STYLES = _WML + "styles+xml"
CT_SETTINGS = _WML + "settings+xml"
CT_NUMBERING = _WML + "numbering+xml"
CT_HEADER = _WML + "header+xml"
CT_FOOTER = _WML + "footer+xml"
CT_COMMENTS = _WML + "comments+xml"
CT_CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"
CT_CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_XML = "application/xml"

#: The parts python-docx reads into XML and serialises again on saving (its part classes).
XML_PARTS = frozenset(
    (CT_DOCUMENT, CT_STYLES, CT_SETTINGS, CT_NUMBERING, CT_HEADER, CT_FOOTER, CT_COMMENTS, CT_CORE_PROPERTIES)
)

#: (extension, content type) pairs written as a Default in [Content_Types].xml (ECMA-376 Part 2's usual ones).
DEFAULT_TYPES = frozenset(
    {
        ("bin", "application/vnd.openxmlformats-officedocument.presentationml.printerSettings"),
        ("bin", "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"),
        ("bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings"),
        ("bmp", "image/bmp"),
        ("emf", "image/x-emf"),
        ("fntdata", "application/x-fontdata"),
        ("gif", "image/gif"),
        ("jpe", "image/jpeg"),
        ("jpeg", "image/jpeg"),
        ("jpg", "image/jpeg"),
        ("png", "image/png"),
        ("rels", CT_RELS),
        ("tif", "image/tiff"),
        ("tiff", "image/tiff"),
        ("wdp", "image/vnd.ms-photo"),
        ("wmf", "image/x-wmf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("xml", CT_XML),
    }
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"

# The children of w:sectPr after the header and footer references, in schema order.
_AFTER_REFERENCES = (
    "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType",
    "cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
    "printerSettings", "sectPrChange",
)  # fmt: skip

# What a new footer holds before the page number goes in: one empty paragraph in style Footer, with
# the namespaces python-docx's template declares (a document it made before keeps its bytes).
_EMPTY_FOOTER = (
    "<w:ftr"
    ' xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:mo="http://schemas.microsoft.com/office/mac/office/2008/main"'
    ' xmlns:mv="urn:schemas-microsoft-com:mac:vml"'
    ' xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    ' xmlns:v="urn:schemas-microsoft-com:vml"'
    ' xmlns:w10="urn:schemas-microsoft-com:office:word"'
    ' xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
    ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"'
    ' xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing"'
    ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    ' xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas"'
    ' xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"'
    ' xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk"'
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' mc:Ignorable="w14 wp14">'
    '<w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr></w:p></w:ftr>'
)
_EMPTY_CORE = "<cp:coreProperties " + " ".join(f'xmlns:{k}="{v}"' for k, v in _CORE_NS.items()) + "/>"
_INDEXED = re.compile(r"[a-zA-Z]+([1-9][0-9]*)?$")


def _parser():
    from lxml import etree

    # python-docx's options: blank text between elements is dropped, entities are not resolved.
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


def _serialise(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, encoding="UTF-8", standalone=True)


# -- parts and relationships ----------------------------------------------------------------------


class Part:
    """One part: its name (``/word/document.xml``), content type, bytes or XML tree, relationships."""

    __slots__ = ("_blob", "_element", "content_type", "name", "rels")

    def __init__(self, name: str, content_type: str, blob: bytes | None = None, element: Any = None) -> None:
        self.name = name
        self.content_type = content_type
        self._blob = blob
        self._element = element
        self.rels = Relationships(posixpath.dirname(name))

    @property
    def is_xml(self) -> bool:
        return self.content_type in XML_PARTS

    @property
    def element(self):
        """The part's root element, parsed on first use (XML parts only)."""
        if self._element is None:
            from lxml import etree

            self._element = etree.fromstring(self._blob, _parser())
        return self._element

    @property
    def blob(self) -> bytes:
        """The part's bytes as they are saved: an XML part serialised, any other as it is."""
        if self.is_xml:
            return _serialise(self.element)
        return self._blob

    @blob.setter
    def blob(self, data: bytes) -> None:
        self._blob = data
        self._element = None

    @property
    def member(self) -> str:
        return self.name[1:]

    @property
    def rels_member(self) -> str:
        folder, base = posixpath.split(self.name)
        return posixpath.join(folder, "_rels", base + ".rels")[1:]

    def related(self, reltype: str) -> Part | None:
        return self.rels.part_of_type(reltype)

    def __repr__(self) -> str:
        return f"Part({self.name!r})"


class Relationship:
    __slots__ = ("external", "reltype", "rid", "target")

    def __init__(self, rid: str, reltype: str, target: Part | str, external: bool) -> None:
        self.rid = rid
        self.reltype = reltype
        self.target = target  # a Part, or the URL of an external target
        self.external = external


class Relationships(dict):
    """A source's relationships by rId, in file order, then in the order they were added."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base  # the source's folder: targets are written relative to it

    def add_relationship(self, reltype: str, target: Part | str, rid: str, is_external: bool = False) -> Relationship:
        rel = self[rid] = Relationship(rid, reltype, target, is_external)
        return rel

    def relate(self, part: Part, reltype: str) -> str:
        """The rId of a relationship of ``reltype`` to ``part``, added with the lowest free rId if there is none."""
        for rel in self.values():
            if rel.reltype == reltype and not rel.external and rel.target is part:
                return rel.rid
        return self.add_relationship(reltype, part, self.free_rid()).rid

    def free_rid(self) -> str:
        """The lowest ``rIdN`` not in use (a gap is filled first)."""
        n = 1
        while f"rId{n}" in self:
            n += 1
        return f"rId{n}"

    def part_of_type(self, reltype: str) -> Part | None:
        """The one part related by ``reltype`` (None: none; two or more is a malformed package)."""
        found = [r.target for r in self.values() if r.reltype == reltype and not r.external]
        if len(found) > 1:
            raise ValueError(
                f"the package relates {len(found)} parts of type {reltype.rsplit('/', 1)[-1]}; one is allowed"
            )
        return found[0] if found else None

    def parts(self, *reltypes: str) -> list[Part]:
        """The distinct parts related by any of ``reltypes``, in relationship order."""
        out: list[Part] = []
        for rel in self.values():
            if rel.reltype in reltypes and not rel.external and rel.target not in out:
                out.append(rel.target)
        return out

    @property
    def xml(self) -> bytes:
        from lxml import etree

        root = etree.Element(f"{{{_PR_NS}}}Relationships", nsmap={None: _PR_NS})
        for rel in self.values():
            node = etree.SubElement(root, f"{{{_PR_NS}}}Relationship")
            node.set("Id", rel.rid)
            node.set("Type", rel.reltype)
            node.set("Target", rel.target if rel.external else _relative(rel.target.name, self.base))
            if rel.external:
                node.set("TargetMode", "External")
        return _serialise(root)


def _relative(name: str, base: str) -> str:
    return name[1:] if base == "/" else posixpath.relpath(name, base)


# -- the package ----------------------------------------------------------------------------------


class Package:
    """A Word package: the parts reachable from ``_rels/.rels`` and the relationships between them."""

    def __init__(self) -> None:
        self.rels = Relationships("/")

    @classmethod
    def open(cls, data: bytes) -> Package:
        """The package in the zip ``data`` (a package :mod:`outlookgen.packs.reference_docx` has checked)."""
        from lxml import etree

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for node in etree.fromstring(entries["[Content_Types].xml"], _parser()):
            if node.tag == f"{{{_CT_NS}}}Default":
                defaults[node.get("Extension", "").lower()] = node.get("ContentType")
            elif node.tag == f"{{{_CT_NS}}}Override":
                overrides[node.get("PartName", "").lower()] = node.get("ContentType")

        package = cls()
        parts: dict[str, Part] = {}

        def load(source: Part | Package, member: str) -> None:
            raw = entries.get(member)
            if raw is None:
                return
            for node in etree.fromstring(raw, _parser()):
                if not isinstance(node.tag, str):
                    continue
                rid, reltype, target = node.get("Id"), node.get("Type"), node.get("Target")
                if node.get("TargetMode") == "External":
                    source.rels.add_relationship(reltype, target, rid, is_external=True)
                    continue
                name = posixpath.normpath(posixpath.join(source.rels.base, target))
                part = parts.get(name)
                if part is None:
                    ext = posixpath.splitext(name)[1][1:].lower()
                    content_type = overrides.get(name.lower()) or defaults[ext]
                    part = parts[name] = Part(name, content_type, entries[name[1:]])
                    load(part, part.rels_member)
                source.rels.add_relationship(reltype, part, rid)

        load(package, "_rels/.rels")
        return package

    # -- what the writer reads and edits --------------------------------------------------------
    @property
    def document(self) -> Part:
        """The main document part."""
        return self.rels.part_of_type(RT_OFFICE_DOCUMENT)

    @property
    def element(self):
        """The main document's root, ``w:document``."""
        return self.document.element

    @property
    def body(self):
        return self.document.element.find(W + "body")

    def styles(self) -> Part:
        return self._document_part(RT_STYLES, "/word/styles.xml", CT_STYLES, "styles")

    def settings(self) -> Part:
        return self._document_part(RT_SETTINGS, "/word/settings.xml", CT_SETTINGS, "settings")

    def numbering(self) -> Part:
        return self._document_part(RT_NUMBERING, "/word/numbering.xml", CT_NUMBERING, "numbering")

    def _document_part(self, reltype: str, name: str, content_type: str, root: str) -> Part:
        """The document's part of ``reltype``; an empty one is added when the file has none."""
        from lxml import etree

        document = self.document
        part = document.related(reltype)
        if part is None:
            element = etree.Element(W + root, nsmap={"w": W_NS})
            part = Part(self._free_name(name), content_type, element=element)
            document.rels.relate(part, reltype)
        return part

    def headers_and_footers(self) -> list[Part]:
        return self.document.rels.parts(RT_HEADER, RT_FOOTER)

    def default_footer(self) -> Part:
        """The last section's own default footer, added (one empty Footer paragraph) when it has none.

        A section without its own footer shows the previous section's; the
        last section gets one of its own, as Word does on "Link to Previous" off.
        """
        from lxml import etree

        document = self.document
        sections = document.element.xpath("./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr", namespaces={"w": W_NS})
        section = sections[-1]
        for reference in section.iterchildren(W + "footerReference"):
            if reference.get(W + "type") == "default":
                return document.rels[reference.get(f"{{{_R[:-1]}}}id")].target
        footer = Part(
            self._numbered_name("/word/footer%d.xml"), CT_FOOTER, element=etree.fromstring(_EMPTY_FOOTER, _parser())
        )
        rid = document.rels.relate(footer, RT_FOOTER)
        reference = etree.Element(W + "footerReference", nsmap={"w": W_NS})
        reference.set(W + "type", "default")
        reference.set(f"{{{_R[:-1]}}}id", rid)
        successor = next((s for tag in _AFTER_REFERENCES if (s := section.find(W + tag)) is not None), None)
        if successor is not None:
            successor.addprevious(reference)
        else:
            section.append(reference)
        return footer

    def font_table(self) -> Part | None:
        return self.document.related(RT_FONT_TABLE)

    def set_core_properties(self, values: Mapping[str, str | int | datetime]) -> None:
        """Dublin Core properties (``docProps/core.xml``): ``{"dc:title": ..., "dcterms:created": datetime}``.

        An element the file has is changed in place, a new one is appended;
        a file without the part gets one, started as python-docx starts it.
        """
        part = self.rels.part_of_type(RT_CORE_PROPERTIES)
        if part is None:
            from lxml import etree

            element = etree.fromstring(_EMPTY_CORE, _parser())
            part = Part("/docProps/core.xml", CT_CORE_PROPERTIES, element=element)
            self.rels.relate(part, RT_CORE_PROPERTIES)
            starting = {"dc:title": "Word Document", "cp:lastModifiedBy": "python-docx", "cp:revision": 1}
            for name, value in {**starting, "dcterms:modified": datetime(1970, 1, 1)}.items():
                _set_core(element, name, value)
        for name, value in values.items():
            _set_core(part.element, name, value)

    def set_custom_properties(self, xml: bytes) -> None:
        """``docProps/custom.xml``, related from the package; a reference document's own is replaced."""
        for rel in [r for r in self.rels.values() if r.reltype == RT_CUSTOM_PROPERTIES]:
            del self.rels[rel.rid]
        self.rels.relate(Part("/docProps/custom.xml", CT_CUSTOM_PROPERTIES, xml), RT_CUSTOM_PROPERTIES)

    def add_image(self, blob: bytes, extension: str, content_type: str) -> str:
        """The rId of an image part holding ``blob`` (one already in the package is reused), related from the document."""
        images = [r.target for r in self.iter_rels() if r.reltype == RT_IMAGE and not r.external]
        images = list(dict.fromkeys(images))
        digest = hashlib.sha1(blob).digest()
        part = next((p for p in images if hashlib.sha1(p.blob).digest() == digest), None)
        if part is None:
            used = {_index(p.name) for p in images}
            n = next((n for n in range(1, len(images) + 1) if n not in used), len(images) + 1)
            part = Part(f"/word/media/image{n}.{extension}", content_type, blob)
        return self.document.rels.relate(part, RT_IMAGE)

    # -- walking and saving ---------------------------------------------------------------------
    def iter_rels(self) -> Iterator[Relationship]:
        """Every relationship once, depth first from the package's."""
        visited: set[int] = set()

        def walk(source) -> Iterator[Relationship]:
            for rel in source.rels.values():
                yield rel
                if rel.external or id(rel.target) in visited:
                    continue
                visited.add(id(rel.target))
                yield from walk(rel.target)

        return walk(self)

    def iter_parts(self) -> Iterator[Part]:
        """Every part once, depth first along the relationships (the order python-docx saves them in)."""
        visited: set[int] = set()

        def walk(source) -> Iterator[Part]:
            for rel in source.rels.values():
                if rel.external or id(rel.target) in visited:
                    continue
                visited.add(id(rel.target))
                yield rel.target
                yield from walk(rel.target)

        return walk(self)

    def _free_name(self, name: str) -> str:
        taken = {p.name for p in self.iter_parts()}
        if name not in taken:
            return name
        stem, ext = posixpath.splitext(name)
        return self._numbered_name(stem + "%d" + ext)

    def _numbered_name(self, template: str) -> str:
        """``template % n`` for the lowest n no part has."""
        taken = {p.name for p in self.iter_parts()}
        n = 1
        while template % n in taken:
            n += 1
        return template % n

    def entries(self, written: Mapping[Part, bytes] | None = None) -> dict[str, bytes]:
        """The zip entries of the package: parts, relationships and ``[Content_Types].xml``.

        ``written`` maps parts to bytes already made for them (the document
        part, which the writer puts together as text).
        """
        from lxml import etree

        defaults = {"rels": CT_RELS, "xml": CT_XML}
        overrides: dict[str, str] = {}
        entries: dict[str, bytes] = {"_rels/.rels": self.rels.xml}
        for part in self.iter_parts():
            extension = posixpath.splitext(part.name)[1][1:].lower()
            if (extension, part.content_type) in DEFAULT_TYPES:
                defaults[extension] = part.content_type
            else:
                overrides[part.name] = part.content_type
            entries[part.member] = written[part] if written and part in written else part.blob
            if part.rels:
                entries[part.rels_member] = part.rels.xml
        types = etree.Element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})
        for extension in sorted(defaults):
            etree.SubElement(types, f"{{{_CT_NS}}}Default", Extension=extension, ContentType=defaults[extension])
        for name in sorted(overrides):
            etree.SubElement(types, f"{{{_CT_NS}}}Override", PartName=name, ContentType=overrides[name])
        entries["[Content_Types].xml"] = _serialise(types)
        return entries


def _index(name: str) -> int | None:
    found = _INDEXED.match(posixpath.splitext(posixpath.basename(name))[0])
    return int(found.group(1)) if found and found.group(1) else None


def _set_core(root, name: str, value: str | int | datetime) -> None:
    """One core property: the element found or appended, its text set (a date as W3CDTF, typed for created/modified)."""
    from lxml import etree

    prefix, local = name.split(":")
    tag = f"{{{_CORE_NS[prefix]}}}{local}"
    element = root.find(tag)
    if element is None:
        element = etree.Element(tag, nsmap={prefix: _CORE_NS[prefix]})
        root.append(element)
    if isinstance(value, datetime):
        element.text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
        if local in ("created", "modified"):
            # Declared on the root, not on each element: set there first, then taken off.
            root.set(_XSI + "foo", "bar")
            element.set(_XSI + "type", "dcterms:W3CDTF")
            del root.attrib[_XSI + "foo"]
    else:
        element.text = str(value)
