"""A pack's reference.docx is a zip of XML from a stranger: parse it, check it, carry over only what is safe.

Every build and ``outlookgen templates check`` call :func:`check_reference`,
so both refuse the same files with the same lines. Nothing is grepped: the
zip is read entry by entry within limits, every XML part is parsed (lxml,
entities off, no network, no DTD loaded; a DOCTYPE is refused outright), and
the package is judged as Word reads it — content types from
``[Content_Types].xml``, links from the ``.rels`` parts, fields from the
instruction text as Word joins it — not by file names or byte patterns.

Two allow-lists, kept in :mod:`.reference_rules`, decide what passes (docs/security.md,
"reference.docx rules"):

* what the file may *contain*: parts of the content types below, relationships
  of the types below, external relationships only for http, https and mailto
  hyperlinks, fields of the inert kinds below. Anything that loads, fetches or
  runs something — macros, ActiveX, OLE, altChunk, attached templates, remote
  pictures, INCLUDEPICTURE and friends — is refused with a located line, and so
  is anything unknown: a part we cannot name is a part we cannot vouch for;
* what the Word writer *carries over* (:data:`KEEP`): the main document, its
  styles, numbering, settings, font table (and embedded fonts), theme,
  headers, footers, foot- and endnotes, internal pictures, hyperlinks and the
  core and app properties. Known but unneeded parts (:data:`DROP`: glossary,
  custom XML, comments, web settings, printer settings…) are checked like the
  rest, then left out of the package the Word writer opens.

The Word writer never sees the pack's file: it opens :attr:`Reference.package`,
rebuilt from the bytes that were checked (no second read of the file), with a
Word template (.dotx) turned into a document on the way.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outlookgen.errors import Diagnostic
from outlookgen.packs.reference_rules import (
    ACTIVEX,
    CT_DOCUMENT,
    CT_NS,
    CT_RELS,
    DROP,
    EMBEDDED,
    HYPERLINK,
    KEEP,
    KNOWN_FOLDED,
    MACROS,
    OFFICE_DOCUMENT,
    ONE_PER_SOURCE,
    PR_NS,
    R_NAMESPACES,
    REFUSED_ELEMENTS,
    REFUSED_RELATIONSHIPS,
    ROOTS_FOLDED,
    SAFE_SCHEMES,
    W_NAMESPACES,
    R,
    field_problem,
    quote,
    refused_content_type,
    url_scheme,
)
from outlookgen.packs.reference_store import MAX_FILE_BYTES
from outlookgen.untrusted_xml import RefusedXml, parse_untrusted

if TYPE_CHECKING:
    pass


# -- limits (docs/security.md, "Limits") -----------------------------------------------------------
MAX_UNZIPPED = 100 * 1024 * 1024  # all its entries, uncompressed
MAX_ENTRIES = 1000  # Word's richest templates hold a few hundred parts
MAX_RATIO = 100  # as Apache POI's ZipSecureFile: deflate reaches ~1000:1 on zeros, real parts stay far below
RATIO_FROM = 1024 * 1024  # small entries may compress as they like
MAX_PROBLEMS_PER_PART = 20  # a part with 100 000 bad fields gets 20 lines and a count, not 100 000
# Page geometry the writer computes with (twips: 1/1440 inch). Word itself takes 0.1 to 22 inches.
MIN_PAGE, MAX_PAGE = 1440, 31680
MIN_TEXT_WIDTH = 1440  # an inch of text between the margins, in either orientation


@dataclass(frozen=True)
class Reference:
    """What :func:`check_reference` found.

    ``problems`` are the located error lines (empty: the file may be used);
    ``package`` is the zip the Word writer may open (None when refused);
    ``styles`` the parsed ``w:styles`` element of the main document, if any.
    """

    problems: tuple[Diagnostic, ...]
    package: bytes | None = None
    styles: Any = None
    # What was changed on the way, for ``templates check`` to say (severity "note"): a link to
    # the Word template the file was based on, left out.
    notes: tuple[Diagnostic, ...] = ()


_CACHE: dict[tuple[bytes, str], Reference] = {}


def check_reference(path: Path, shown: str) -> Reference:
    """Check a reference document; ``shown`` is how error lines name the file.

    Reads the file once, within :data:`MAX_FILE_BYTES`, through the one reader
    of pack files (a regular file only, never opened blocking); what the writer
    gets is built from these very bytes, so the file cannot change between the
    check and its use. The result is kept per content (a watch loop or a
    multi-spec build checks an unchanged file once).
    """
    from outlookgen.packs.files import PackFileError, read_regular

    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except PackFileError as exc:
        return Reference((Diagnostic(shown, 1, 1, "$", f"refused: it {exc}"),))
    key = (hashlib.sha256(data).digest(), shown)
    if key not in _CACHE:
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = check_reference_bytes(data, shown)
    return _CACHE[key]


def check_reference_bytes(data: bytes, shown: str) -> Reference:
    checker = _Checker(shown)
    with contextlib.suppress(_Stop):  # the problems that stopped it are in checker.problems
        checker.run(data)
    if checker.problems:
        return Reference(tuple(sorted(checker.problems)))
    return Reference((), checker.safe_package(), checker.styles_root(), tuple(checker.notes))


# --------------------------------------------------------------------------------------------------


class _Stop(Exception):
    """Nothing further can be checked (not a zip, too big, no content types…)."""


@dataclass
class _Xml:
    """A parsed part, and where its elements start (Word writes a whole part on one line: columns matter)."""

    name: str
    raw: bytes
    root: Any
    encoding: str
    text: str = ""
    _starts: list[int] | None = None  # character offset of each start tag, in document order
    _lines: list[int] = field(default_factory=list)  # character offset of each line's start

    def position(self, node) -> tuple[int, int]:
        """1-based line and column of ``node``'s ``<`` (lxml knows only the line its start tag ends on)."""
        self._index()
        if self._starts:
            for i, element in enumerate(self.root.iter(tag=_element())):
                if element is node:
                    return self.offset_position(self._starts[i])
        return node.sourceline or 1, 1

    def offset_position(self, offset: int) -> tuple[int, int]:
        self._index()
        row = bisect_right(self._lines, offset)
        return row, offset - self._lines[row - 1] + 1

    def _index(self) -> None:
        if self._starts is not None:
            return
        self._starts, self._lines = [], [0]
        try:
            codec = codecs.lookup(self.encoding or "utf-8").name
            self.text = self.raw.decode("utf-8-sig" if codec == "utf-8" else codec)
        except (LookupError, UnicodeDecodeError):
            return
        self._lines += [m.end() for m in re.finditer("\n", self.text)]
        starts = [m.start() for m in _MARKUP.finditer(self.text) if m.group(1) is not None]
        if len(starts) == sum(1 for _ in self.root.iter(tag=_element())):
            self._starts = starts  # else our tokenizer and libxml2 disagree: lines only


_DOCTYPE = (
    "the XML declares a DOCTYPE (Word never writes one; entities and external DTDs are how XXE and "
    "entity-expansion attacks start)"
)
# What may come before a DOCTYPE: a byte-order mark, white space, the XML declaration, comments, PIs.
_PROLOG = re.compile(r"\ufeff?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


def _prolog_text(raw: bytes) -> str:
    """The part's first few KB as text, enough to see whether a DOCTYPE comes before the root."""
    head = raw[:65536]
    if head.startswith((b"\xff\xfe", b"<\0?\0")):
        return head.decode("utf-16-le", "replace")
    if head.startswith((b"\xfe\xff", b"\0<\0?")):
        return head.decode("utf-16-be", "replace")
    return head.decode("utf-8", "replace")  # ASCII-compatible encodings agree on '<!DOCTYPE'


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


# Start tags (group 1) and the markup whose '<' does not start an element.
# (A DOCTYPE never gets this far: it is refused before parsing.)
_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(?=[^/!?])()", re.S)


def _element():
    from lxml import etree

    return etree.Element


@dataclass
class _Rel:
    id: str
    type: str
    target: str
    external: bool
    node: Any
    part: str  # the resolved target part (internal relationships)


@dataclass
class _Checker:
    shown: str
    problems: list[Diagnostic] = field(default_factory=list)
    entries: dict[str, bytes] = field(default_factory=dict)
    xml: dict[str, _Xml] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # part name -> content type
    rels: dict[str, list[_Rel]] = field(default_factory=dict)  # source part ('' = package) -> relationships
    main: str = ""
    notes: list[Diagnostic] = field(default_factory=list)
    # w:attachedTemplate elements met while parsing: (part, node, relationship id), judged once the
    # relationships are known (a local template is left out with a note, a remote one refused).
    attached: list[tuple[str, Any, str]] = field(default_factory=list)
    local_templates: dict[str, str] = field(default_factory=dict)  # "<source part>#<rId>" -> target
    _counts: dict[str, int] = field(default_factory=dict)
    _more: dict[str, tuple[int, int]] = field(default_factory=dict)

    # -- reporting ----------------------------------------------------------------------------
    def refuse(self, part: str, message: str, node=None, line: int = 1, column: int = 1) -> None:
        count = self._counts[part] = self._counts.get(part, 0) + 1
        if count > MAX_PROBLEMS_PER_PART + 1:
            return
        if node is not None and part in self.xml:
            line, column = self.xml[part].position(node)
        if count == MAX_PROBLEMS_PER_PART + 1:  # where the unreported ones start; the count comes at the end
            self._more[part] = (line, column)
            return
        self.problems.append(Diagnostic(self.shown, line, column, part or "$", f"refused: {message}"))

    def _close_counts(self) -> None:
        for part, (line, column) in self._more.items():
            more = self._counts[part] - MAX_PROBLEMS_PER_PART
            self.problems.append(
                Diagnostic(self.shown, line, column, part or "$", f"refused: and {more} more problems from here on")
            )

    # -- the whole check ----------------------------------------------------------------------
    def run(self, data: bytes) -> None:
        try:
            self._read_zip(data)
            self._content_types()
            self._word_at_all()
            for name in sorted(self.entries):
                self._part(name)
            for name in sorted(self.entries):
                if _is_rels(name):
                    self._relationships(name)
            self._attached_templates()
            self._package_shape()
        finally:
            self._close_counts()

    def _whole(self, message: str) -> None:
        self.problems.append(Diagnostic(self.shown, 1, 1, "$", f"refused: {message}"))
        raise _Stop

    # -- the zip ------------------------------------------------------------------------------
    def _read_zip(self, data: bytes) -> None:
        mb = 1024 * 1024
        if len(data) > MAX_FILE_BYTES:
            self._whole(
                f"it is over {MAX_FILE_BYTES // mb} MB; a reference document is at most {MAX_FILE_BYTES // mb} MB"
            )
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            self._whole("it is not a Word document (.docx is a zip file; this is not one)")
        if len(infos) > MAX_ENTRIES:
            self._whole(f"it holds {len(infos)} zip entries; the limit is {MAX_ENTRIES}")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNZIPPED:
            self._whole(f"it unpacks to {total // mb} MB; the limit is {MAX_UNZIPPED // mb} MB")
        seen: dict[str, str] = {}
        for info in infos:
            name = info.filename
            problem = _bad_entry_name(name)
            if problem:
                self.refuse(name, problem)
                continue
            if name.endswith("/"):
                continue  # a folder entry: nothing to read
            if name.lower() in seen:
                self.refuse(name, f"the zip holds '{seen[name.lower()]}' twice (part names ignore case)")
                continue
            seen[name.lower()] = name
            if info.flag_bits & 0x1:
                self.refuse(name, "the entry is encrypted")
                continue
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.refuse(name, f"the entry uses compression method {info.compress_type}; Word writes only deflate")
                continue
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                self.refuse(
                    name,
                    f"the entry unpacks {info.file_size // max(info.compress_size, 1)} times its size "
                    f"(a zip bomb's trick; the limit is {MAX_RATIO} to 1)",
                )
                continue
            try:
                with archive.open(info) as stream:
                    # zipfile stops at the declared size and checks the CRC: a lying header cannot grow it
                    self.entries[name] = stream.read()
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                self.refuse(name, f"the entry is damaged ({exc})")
                continue
            if len(self.entries[name]) != info.file_size:
                self.refuse(name, "the entry is not the size the zip says it is")
        if self.problems:
            raise _Stop

    # -- XML ----------------------------------------------------------------------------------
    def _parse(self, name: str) -> _Xml | None:
        """The part parsed safely, or None (refused: not well-formed, or a DOCTYPE)."""
        if name in self.xml:
            return self.xml[name]

        raw = self.entries[name]
        # A DOCTYPE is refused before the parser sees the part: Word never writes one, and it is where
        # XXE and entity expansion (billion laughs) start. The prolog is all that is read to find it.
        prolog = _prolog_text(raw)
        doctype = _PROLOG.match(prolog).end()
        if prolog[doctype : doctype + 9].upper() == "<!DOCTYPE":
            line, column = _line_col(prolog, doctype)
            self.refuse(name, _DOCTYPE, line=line, column=column)
            return None
        # Then no entity is expanded, nothing is fetched, no DTD is read: the same settings the writer
        # parses with (it will parse only parts that passed here), plus the ones it leaves to defaults.
        try:
            root = parse_untrusted(raw, "Word")
        except RefusedXml as exc:
            message = _DOCTYPE if "DOCTYPE" in str(exc) else str(exc)  # an encoding the scan above could not read
            self.refuse(name, message, line=exc.line, column=exc.column)
            return None
        tree = root.getroottree()
        parsed = _Xml(name, raw, root, tree.docinfo.encoding or "utf-8")
        self.xml[name] = parsed
        return parsed

    # -- [Content_Types].xml ------------------------------------------------------------------
    def _content_types(self) -> None:
        name = "[Content_Types].xml"
        if name not in self.entries:
            self._whole("it is not a Word document (it has no [Content_Types].xml)")
        parsed = self._parse(name)
        if parsed is None:
            raise _Stop
        root = parsed.root
        if root.tag != f"{{{CT_NS}}}Types":
            self.refuse(name, f"the root element is {_local(root.tag)}, not Types", root)
            raise _Stop
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for node in root:
            if not isinstance(node.tag, str):
                continue  # a comment or processing instruction
            kind = node.tag
            if kind == f"{{{CT_NS}}}Default":
                key, table, what = node.get("Extension"), defaults, "Extension"
            elif kind == f"{{{CT_NS}}}Override":
                key, table, what = node.get("PartName"), overrides, "PartName"
            else:
                self.refuse(name, f"unexpected element {_local(kind)} (only Default and Override belong here)", node)
                continue
            content_type = (node.get("ContentType") or "").strip()
            if not key or not content_type:
                self.refuse(name, f"{_local(kind)} lacks {what} or ContentType", node)
                continue
            folded = key.lower().lstrip("/") if what == "PartName" else key.lower()
            if folded in table:
                self.refuse(name, f"{what} '{key}' is given two content types", node)
                continue
            table[folded] = content_type
            reason = refused_content_type(content_type)
            if reason:
                subject = f"part {key}" if what == "PartName" else f"every .{key} part"
                lead = "it holds macros: " if reason == MACROS else ""
                self.refuse(name, f"{lead}{subject} is declared {reason} (content type {content_type})", node)
        for entry in self.entries:
            if entry == name:
                continue
            content_type = overrides.get(entry.lower())
            if content_type is None:
                base = entry.rsplit("/", 1)[-1]
                content_type = defaults.get(base.rpartition(".")[2].lower() if "." in base else "")
            if content_type is not None:
                self.types[entry] = content_type

    def _word_at_all(self) -> None:
        """A spreadsheet or a Strict-format file saved as reference.docx gets one line, not one per part."""
        rels = "_rels/.rels"
        if rels not in self.entries:
            self._whole("it is not a Word document (it has no _rels/.rels)")
        parsed = self._parse(rels)
        if parsed is None:
            raise _Stop
        for node in parsed.root:
            kind = _kind(node.get("Type", "") if isinstance(node.tag, str) else "")
            if kind != "officeDocument" or node.get("TargetMode", "Internal") != "Internal":
                continue
            if node.get("Type", "").startswith("http://purl.oclc.org/"):
                self._whole(
                    "it is saved as Strict Open XML; save it as a Word Document (.docx) or Word Template (.dotx)"
                )
            part, problem = _resolve("", node.get("Target") or "")
            content_type = (self.types.get(part) or "").lower() if not problem else ""
            if content_type and "wordprocessingml" not in content_type and "ms-word" not in content_type:
                self._whole(f"it is not a Word document (its main part is {content_type})")

    # -- every part -----------------------------------------------------------------------------
    def _part(self, name: str) -> None:
        """One zip entry: its kind must be known and harmless; XML is parsed and its elements judged."""
        if name == "[Content_Types].xml":
            return
        lower = name.lower()
        if "vbaproject" in lower or "vbadata" in lower:  # whatever [Content_Types].xml claims it is
            self.refuse(name, f"it holds macros: {name} is {MACROS}; save it as a Word Document (.docx)")
            return
        if lower.startswith("word/activex/"):
            self.refuse(name, f"it holds {ACTIVEX}")
            return
        if lower.startswith("word/embeddings/"):
            self.refuse(name, f"it holds {EMBEDDED}")
            return
        content_type = self.types.get(name)
        if content_type is None:
            self.refuse(name, "the part has no content type in [Content_Types].xml")
            return
        folded = content_type.lower()
        if refused_content_type(folded):
            return  # reported where [Content_Types].xml declares it
        if folded not in KNOWN_FOLDED:
            self.refuse(name, f"a kind of part outlookgen does not carry into Word documents ({content_type})")
            return
        if _is_rels(name):
            self._parse(name)  # judged in _relationships, once every part's content type is known
        elif folded.endswith("+xml") or folded in ("application/xml", "text/xml"):
            parsed = self._parse(name)
            if parsed is None:
                return
            wanted = ROOTS_FOLDED.get(folded)
            if wanted is not None and parsed.root.tag != wanted:
                self.refuse(
                    name, f"the part's root element is {_qname(parsed.root.tag)}, not {_qname(wanted)}", parsed.root
                )
                return
            self._elements(parsed)
            if folded == "image/svg+xml":
                self._svg(parsed)

    def _elements(self, part: _Xml) -> None:
        """Refused elements and fields, in document order (complex fields span runs and paragraphs)."""
        from lxml import etree

        open_fields: list[_Field] = []
        for node in part.root.iter(tag=etree.Element):
            qname = etree.QName(node)
            namespace, local = qname.namespace, qname.localname
            reason = REFUSED_ELEMENTS.get((namespace, local))
            if reason and local == "attachedTemplate" and namespace in W_NAMESPACES:
                rid = next((node.get(f"{{{ns}}}id") for ns in R_NAMESPACES if node.get(f"{{{ns}}}id")), "")
                self.attached.append((part.name, node, rid))  # judged with its relationship
                continue
            if reason:
                self.refuse(part.name, f"it holds {reason} ({local})", node)
                continue
            if namespace not in W_NAMESPACES:
                continue
            if local == "fldSimple":
                self._field(part, _w_attr(node, "instr") or "", node)
            elif local == "fldChar":
                kind = _w_attr(node, "fldCharType")
                if kind == "begin":
                    open_fields.append(_Field(node))
                elif kind == "separate" and open_fields:
                    open_fields[-1].collecting = False
                elif kind == "end" and open_fields:
                    done = open_fields.pop()
                    self._field(part, "".join(done.text), done.start)
            elif local in ("instrText", "delInstrText"):
                text = "".join(node.itertext())
                if open_fields and open_fields[-1].collecting:
                    open_fields[-1].text.append(text)
                else:  # instruction text outside a field's code: judged on its own
                    self._field(part, text, node)
        for unfinished in open_fields:
            self._field(part, "".join(unfinished.text), unfinished.start)

    def _field(self, part: _Xml, instruction: str, node) -> None:
        reason = field_problem(instruction)
        if reason:
            self.refuse(part.name, reason, node)

    def _svg(self, part: _Xml) -> None:
        """An SVG picture may draw, not script or fetch (Word renders SVG pictures itself)."""
        from lxml import etree

        for node in part.root.iter(tag=etree.Element):
            local = etree.QName(node).localname
            if local.lower() in ("script", "foreignobject", "iframe", "embed", "object", "handler", "listener"):
                self.refuse(part.name, f"the SVG picture holds a {local} element", node)
                continue
            texts = [node.text or ""] if local == "style" else []
            for attribute, value in node.attrib.items():
                name = etree.QName(attribute).localname.lower()
                if name.startswith("on"):
                    self.refuse(part.name, f"the SVG picture has an event handler ({name})", node)
                elif name in ("href", "src") and not _local_reference(value):
                    self.refuse(part.name, f"the SVG picture refers to {value.strip()[:200]!r}, outside itself", node)
                else:
                    texts.append(value)
            for text in texts:
                targets = re.findall(r"""url\(\s*['"]?\s*([^'")\s]*)""", text, re.I)
                if "@import" in text.lower() or not all(_local_reference(t) for t in targets):
                    self.refuse(part.name, "the SVG picture loads a style or resource from outside itself", node)
                    break

    # -- relationships --------------------------------------------------------------------------
    def _relationships(self, name: str) -> None:
        parsed = self.xml.get(name)
        if parsed is None:
            return  # refused already (no content type, not well-formed…)
        source = _source_of(name)
        base = posixpath.dirname(source) if source else ""
        root = parsed.root
        if root.tag != f"{{{PR_NS}}}Relationships":
            self.refuse(name, f"the root element is {_local(root.tag)}, not Relationships", root)
            return
        ids: set[str] = set()
        found: list[_Rel] = []
        for node in root:
            if not isinstance(node.tag, str):
                continue
            if node.tag != f"{{{PR_NS}}}Relationship":
                self.refuse(name, f"unexpected element {_local(node.tag)} (only Relationship belongs here)", node)
                continue
            extra = sorted(set(node.attrib) - {"Id", "Type", "Target", "TargetMode"})
            if extra:
                self.refuse(name, f"the relationship has attributes OPC does not define: {', '.join(extra)}", node)
                continue
            rid, rtype, target = node.get("Id", ""), node.get("Type", "").strip(), node.get("Target")
            mode = node.get("TargetMode", "Internal")
            if not rid or not rtype or target is None:
                self.refuse(name, "a relationship lacks Id, Type or Target", node)
                continue
            if rid in ids:
                self.refuse(name, f"relationship id {rid} is used twice", node)
                continue
            ids.add(rid)
            if mode not in ("Internal", "External"):
                self.refuse(name, f"relationship {rid} has TargetMode '{mode}'; it must be Internal or External", node)
                continue
            kind = _kind(rtype)
            reason = REFUSED_RELATIONSHIPS.get(kind.lower())
            if kind.lower() == "attachedtemplate" and mode == "External" and local_template(target):
                # A document made from a firm's template names that template on the firm's disk or
                # share: harmless to leave out (the output stands alone), so it is, with a note.
                self.local_templates[f"{source}#{rid}"] = target
                found.append(_Rel(rid, rtype, target, True, node, ""))
                continue
            if mode == "External":
                if rtype == HYPERLINK:
                    scheme = url_scheme(target)
                    if scheme not in SAFE_SCHEMES:
                        self.refuse(
                            name,
                            f"hyperlink {rid} leads to {quote(target)}; only http, https and mailto links may",
                            node,
                        )
                    else:
                        found.append(_Rel(rid, rtype, target, True, node, ""))
                    continue
                what = reason or f"a {kind} relationship"
                self.refuse(
                    name,
                    f'relationship {rid} is {what}, and points outside the document (TargetMode="External") '
                    f"at {quote(target)}; only hyperlinks to http, https and mailto addresses may",
                    node,
                )
                continue
            if reason:
                self.refuse(name, f"relationship {rid} is {reason}: {quote(target)}", node)
                continue
            if rtype not in KEEP and rtype not in DROP:
                self.refuse(
                    name,
                    f"relationship {rid} is of a kind outlookgen does not carry into Word documents ({rtype})",
                    node,
                )
                continue
            if rtype == HYPERLINK:
                self.refuse(
                    name, f'hyperlink {rid} is not external (Word writes hyperlinks as TargetMode="External")', node
                )
                continue
            part, problem = _resolve(base, target)
            if problem:
                self.refuse(name, f"relationship {rid}: {problem}", node)
                continue
            if part not in self.entries:
                self.refuse(name, f"relationship {rid} points at {part}, which the file does not hold", node)
                continue
            allowed = KEEP.get(rtype) or DROP.get(rtype) or frozenset()
            actual = self.types.get(part, "")
            if actual.lower() not in {t.lower() for t in allowed}:
                self.refuse(
                    name,
                    f"relationship {rid} ({kind}) points at {part}, whose content type is "
                    f"{actual or 'missing'}, not one a {kind} part has",
                    node,
                )
                continue
            if rtype in ONE_PER_SOURCE and any(r.type == rtype for r in found):
                self.refuse(name, f"relationship {rid} is a second {kind} relationship; a Word file has one", node)
                continue
            found.append(_Rel(rid, rtype, target, False, node, part))
        self.rels[source] = found

    def _attached_templates(self) -> None:
        """Each w:attachedTemplate: a note when it names a local template (left out), refused otherwise."""
        for part, node, rid in self.attached:
            target = self.local_templates.get(f"{part}#{rid}")
            if target is None:  # a remote template (its relationship is refused too), or none at all
                self.refuse(part, f"it holds {REFUSED_ELEMENTS[(W_NAMESPACES[0], 'attachedTemplate')]}", node)
                continue
            line, column = self.xml[part].position(node) if part in self.xml else (1, 1)
            self.notes.append(
                Diagnostic(
                    self.shown,
                    line,
                    column,
                    part,
                    f"the file is based on the Word template {quote(target)}; the link is left out "
                    "(documents outlookgen writes stand alone and never load a template)",
                    severity="note",
                )
            )

    # -- the package as a whole ------------------------------------------------------------------
    def _package_shape(self) -> None:
        """One main part, and in it what the writer reads: the body's section properties."""
        package = self.rels.get("")
        if package is None:
            return  # _rels/.rels was refused: said already
        mains = [r for r in package if r.type == OFFICE_DOCUMENT]
        if len(mains) != 1:
            if not self._counts.get("_rels/.rels"):
                self.refuse("_rels/.rels", f"a Word document has one main part; this file names {len(mains)}")
            return
        self.main = mains[0].part
        parsed = self.xml.get(self.main)
        if parsed is not None:
            self._page(parsed)

    def _page(self, part: _Xml) -> None:
        """The page size and margins the writer computes column widths from, and the header and footer links."""
        from lxml import etree

        w = W_NAMESPACES[0]
        root = part.root  # a w:document: _part refused any other root
        body = root.find(f"{{{w}}}body")
        if body is None:
            self.refuse(part.name, "the document has no w:body", root)
            return
        sect = body.find(f"{{{w}}}sectPr")
        if sect is None:
            self.refuse(part.name, "the body ends without section properties (w:sectPr); save it again in Word", body)
            return
        size, margins = sect.find(f"{{{w}}}pgSz"), sect.find(f"{{{w}}}pgMar")
        # The writer's defaults (A4, 2 cm margins) stand in for what the file leaves out.
        page = {"w": 11906, "h": 16838, "left": 1134, "right": 1134}
        sound = True
        for node, attribute, low, what in (
            (size, "w", MIN_PAGE, "page width"),
            (size, "h", MIN_PAGE, "page height"),
            (margins, "left", 0, "left margin"),
            (margins, "right", 0, "right margin"),
            (margins, "header", 0, "header distance"),
            (margins, "footer", 0, "footer distance"),
            (margins, "gutter", 0, "gutter"),
            (margins, "top", -MAX_PAGE, "top margin"),  # negative: "exactly this far down", which Word allows
            (margins, "bottom", -MAX_PAGE, "bottom margin"),
        ):
            if node is None or _w_attr(node, attribute) is None:
                continue
            value = self._twips(part, node, attribute, low, MAX_PAGE, what)
            if value is None:
                sound = False
            elif attribute in page:
                page[attribute] = value
        orient = _w_attr(size, "orient") if size is not None else None
        if orient is not None and orient not in ("portrait", "landscape"):
            self.refuse(part.name, f'w:pgSz w:orient="{orient[:40]}": it must be portrait or landscape', size)
        text = min(page["w"], page["h"]) - page["left"] - page["right"]
        if sound and text < MIN_TEXT_WIDTH:  # the writer lays tables out in portrait and landscape sections
            self.refuse(
                part.name,
                f"the margins leave {text} twips of text width on a {page['w']} × {page['h']} page "
                f"(turned landscape too); at least {MIN_TEXT_WIDTH} (one inch) is needed",
                margins if margins is not None else sect,
            )
        if self._counts.get(_rels_name(self.main)):
            return  # some of the main part's relationships were refused: said already
        rels = {r.id: r for r in self.rels.get(self.main, [])}
        for reference in sect.iterchildren(f"{{{w}}}headerReference", f"{{{w}}}footerReference"):
            kind = etree.QName(reference).localname[: -len("Reference")]
            rid = next((reference.get(f"{{{ns}}}id") for ns in R_NAMESPACES if reference.get(f"{{{ns}}}id")), None)
            if rid is None or rid not in rels or rels[rid].type != R + kind:
                self.refuse(
                    part.name,
                    f"w:{kind}Reference names relationship {rid}, which is not a {kind} of {self.main}",
                    reference,
                )

    def _twips(self, part: _Xml, node, attribute: str, low: int, high: int, what: str) -> int | None:
        """A whole number of twips in [low, high], or None (refused, or absent: the writer's default)."""
        value = _w_attr(node, attribute)
        if value is None:
            return None
        text = value.strip()
        if not re.fullmatch(r"-?[0-9]{1,9}", text):
            self.refuse(
                part.name,
                f'w:{_local(node.tag)} w:{attribute}="{value[:40]}": the {what} must be a whole number of twips '
                "(1/1440 inch; A4 is 11906 × 16838)",
                node,
            )
            return None
        number = int(text)
        if not low <= number <= high:
            self.refuse(
                part.name,
                f'w:{_local(node.tag)} w:{attribute}="{value}": the {what} must be between {low} and {high} twips',
                node,
            )
            return None
        return number

    # -- what the writer gets ---------------------------------------------------------------------
    def styles_root(self):
        for rel in self.rels.get(self.main, []):
            if rel.type == R + "styles" and rel.part in self.xml:
                return self.xml[rel.part].root
        return None

    def safe_package(self) -> bytes:
        """The parts reachable from the package through :data:`KEEP` relationships, as a fresh zip.

        Parts and relationships are kept byte for byte where nothing was left
        out (so the built-in reference gives exactly the output it always
        did); the main part's content type is always the document's, which
        turns a .dotx into a .docx.
        """
        from lxml import etree

        kept: dict[str, bytes] = {}
        queue = [""]
        visited = {""}
        while queue:
            source = queue.pop(0)
            rels = self.rels.get(source)
            if rels is None:
                continue
            keep = [r for r in rels if (r.external and r.type == HYPERLINK) or r.type in KEEP]
            dropped = {r.id for r in rels} - {r.id for r in keep}
            for rel in keep:
                if not rel.external and rel.part not in visited:
                    visited.add(rel.part)
                    queue.append(rel.part)
            rels_name = _rels_name(source)
            if not dropped:
                kept[rels_name] = self.entries[rels_name]
            else:
                root = etree.Element(f"{{{PR_NS}}}Relationships", nsmap={None: PR_NS})
                for rel in keep:
                    root.append(_copy(rel.node))
                kept[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                if source in self.xml:
                    kept[source] = _without_references(self.xml[source].root, dropped)
        for part in visited - {""}:
            kept.setdefault(part, self.entries[part])
        types = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
        etree.SubElement(types, f"{{{CT_NS}}}Default", Extension="rels", ContentType=CT_RELS)
        etree.SubElement(types, f"{{{CT_NS}}}Default", Extension="xml", ContentType="application/xml")
        for part in sorted(visited - {""}):
            content_type = CT_DOCUMENT if part == self.main else self.types[part]
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=content_type)
        kept["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for name in sorted(kept):
                archive.writestr(name, kept[name])
        return out.getvalue()


@dataclass
class _Field:
    start: Any
    text: list[str] = field(default_factory=list)
    collecting: bool = True


# -- helpers --------------------------------------------------------------------------------------


def _bad_entry_name(name: str) -> str | None:
    if not name or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "an absolute path in the zip (parts are named from the package root)"
    if "\\" in name:
        return "a backslash in a zip entry name (part names use /)"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "a control character in a zip entry name"
    segments = name.rstrip("/").split("/")
    if any(s in ("..", ".") for s in segments):
        return "a zip entry name with '..' or '.' (it would leave the package when unpacked)"
    if any(s == "" for s in segments):
        return "an empty segment in a zip entry name"
    return None


def local_template(target: str) -> bool:
    """Whether an attached template's target is a file on the user's machine (not a server or address).

    Word writes ``file:///C:/Users/…/Firm.dotx``, ``C:\\…\\Firm.dotx`` or a bare
    ``Firm.dotx``; a UNC path (``\\\\server\\share``), ``file://server/…`` or any
    other scheme reaches out to another machine and stays refused.
    """
    value = target.strip()
    if value.startswith(("\\\\", "//")):
        return False
    if re.match(r"[A-Za-z]:[\\/]", value):
        return True  # a Windows drive path
    scheme = url_scheme(value)
    if scheme == "file":
        rest = value.split(":", 1)[1]
        return rest.startswith("///") or not rest.startswith("//")
    return scheme == ""


def _is_rels(name: str) -> bool:
    return name.lower().endswith(".rels")


def _source_of(rels_name: str) -> str:
    """The part a .rels part describes: ``word/_rels/document.xml.rels`` → ``word/document.xml``; '' for the package."""
    folder, _, file = rels_name.rpartition("/")
    parent, _, last = folder.rpartition("/")
    if last != "_rels":
        return rels_name  # not in a _rels folder: describes no part; checked all the same
    stem = file[: -len(".rels")]
    return posixpath.join(parent, stem) if stem else ""


def _rels_name(source: str) -> str:
    if not source:
        return "_rels/.rels"
    folder, _, file = source.rpartition("/")
    return posixpath.join(folder, "_rels", file + ".rels")


def _resolve(base: str, target: str) -> tuple[str, str | None]:
    """The part an internal target names, relative to ``base``; or a problem."""
    if not target.strip():
        return "", "its target is empty"
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith("//") or "\\" in target:
        return "", f"the internal target {quote(target)} is an address, not a part of the file"
    path = target[1:] if target.startswith("/") else posixpath.join(base, target)
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                return "", f"the target {quote(target)} leaves the package"
            segments.pop()
        else:
            segments.append(segment)
    return "/".join(segments), None


def _local_reference(value: str) -> bool:
    value = value.strip()
    return value == "" or value.startswith("#") or value.lower().startswith("data:")


def _kind(rtype: str) -> str:
    return rtype.rstrip("/").rsplit("/", 1)[-1]


def _qname(tag: str) -> str:
    """``{namespace}local`` as a reader knows it: ``w:document`` for WordprocessingML, else the full name."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return f"w:{local}" if namespace == W_NAMESPACES[0] else (f"{{{namespace}}}{local}" if namespace else local)


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else str(tag)


def _w_attr(node, name: str) -> str | None:
    for ns in W_NAMESPACES:
        value = node.get(f"{{{ns}}}{name}")
        if value is not None:
            return value
    return node.get(name)  # unqualified: not valid WordprocessingML, but judged all the same


def _copy(node):
    from lxml import etree

    out = etree.Element(f"{{{PR_NS}}}Relationship")
    for key, value in node.attrib.items():
        out.set(key, value)
    return out


def _without_references(root, dropped: set[str]) -> bytes:
    """The part without the elements that point at relationships left out (a sectPr's printer settings…)."""
    from copy import deepcopy

    from lxml import etree

    root = deepcopy(root)
    doomed = [
        node
        for node in root.iter(tag=etree.Element)
        if any(etree.QName(k).namespace in R_NAMESPACES and v in dropped for k, v in node.attrib.items())
    ]
    for node in doomed:
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
