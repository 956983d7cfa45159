"""The text of a reviewed document as absorb needs it: paragraphs of runs, each run before or after review.

Word and LibreOffice keep a tracked edit as ``w:ins``/``w:del`` (and
``w:moveTo``/``w:moveFrom`` for moved text) around the runs, and a tracked
row as ``w:trPr/w:ins|w:del``. This module flattens ``word/document.xml``
into paragraphs whose items are text segments — each ``=`` (as built), ``+``
(inserted) or ``-`` (deleted), with the bold, italic and link they show —
and the markers absorb maps by: ``og_`` bookmarks and comment anchors.
Markers are kept where they sit, whatever revision wraps them: editors move
bookmark ends into and out of ``w:ins``/``w:del`` (LibreOffice puts a
replaced paragraph's bookmark end just before the inserted text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from outlookgen.errors import Diagnostic, OutlookgenError

__all__ = ["MAX_REVISIONS", "Document", "Marker", "Paragraph", "Row", "Segment", "Table", "read_document"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAX_REVISIONS = 20_000  # a client's review is hundreds; more is a machine's, and refused with its place
_INSERTED = {W + "ins": "+", W + "moveTo": "+"}
_DELETED = {W + "del": "-", W + "moveFrom": "-"}
_CONTAINERS = {W + "smartTag", W + "customXml", W + "fldSimple", W + "sdtContent", W + "dir", W + "bdo"}
_MARKERS = {
    W + "bookmarkStart": "bs",
    W + "bookmarkEnd": "be",
    W + "commentRangeStart": "cs",
    W + "commentRangeEnd": "ce",
}


@dataclass(frozen=True)
class Segment:
    text: str
    state: str  # "=" as built, "+" inserted, "-" deleted
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Marker:
    kind: str  # bs, be (bookmark start/end), cs, ce (comment range), cr (comment reference)
    id: str
    name: str = ""


@dataclass
class Paragraph:
    index: int
    line: int
    items: list[Segment | Marker] = field(default_factory=list)
    mark: str = "="  # the paragraph mark: "+" a paragraph the reviewer added, "-" one merged away
    row: Row | None = None
    cell: int = -1

    def text(self, view: str) -> str:
        """The paragraph's text as built (``view="-"``: kept and deleted) or as reviewed (``"+"``)."""
        return "".join(s.text for s in self.items if isinstance(s, Segment) and s.state in ("=", view))


@dataclass
class Row:
    table: Table
    index: int
    state: str  # "=", "+" (a row the reviewer inserted) or "-" (deleted)
    line: int
    cells: list[list[Paragraph]] = field(default_factory=list)


@dataclass
class Table:
    index: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class Document:
    paragraphs: list[Paragraph]
    tables: list[Table]
    revisions: int


def read_document(root, links: dict[str, str], shown: str) -> Document:
    """``word/document.xml`` (``root``) as paragraphs and tables; ``links``: relationship id → URL."""
    reader = _Reader(links, shown)
    body = root.find(W + "body")
    if body is not None:
        reader.block(body, None, -1)
    return Document(reader.paragraphs, reader.tables, reader.revisions)


def _on(rpr, tag: str) -> bool:
    if rpr is None:
        return False
    node = rpr.find(W + tag)
    return node is not None and node.get(W + "val", "true").lower() not in ("0", "false", "off")


class _Reader:
    def __init__(self, links: dict[str, str], shown: str) -> None:
        self.links = links
        self.shown = shown
        self.paragraphs: list[Paragraph] = []
        self.tables: list[Table] = []
        self.revisions = 0
        self.pending: list[Marker] = []  # block-level markers before the next paragraph

    def count(self, node) -> None:
        self.revisions += 1
        if self.revisions > MAX_REVISIONS:
            raise OutlookgenError(
                diagnostics=[
                    Diagnostic(
                        self.shown,
                        node.sourceline or 1,
                        1,
                        "word/document.xml",
                        f"refused: more than {MAX_REVISIONS:,} tracked changes; accept or reject some in Word first",
                    )
                ]
            )

    # -- blocks -------------------------------------------------------------------------------
    def block(self, parent, row: Row | None, cell: int) -> None:
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child, row, cell)
            elif tag == W + "tbl":
                self.table(child)
            elif tag in _MARKERS:
                marker = Marker(_MARKERS[tag], child.get(W + "id", ""), child.get(W + "name", ""))
                if marker.kind in ("be", "ce") and self.paragraphs:
                    self.paragraphs[-1].items.append(marker)
                else:
                    self.pending.append(marker)
            elif tag in (W + "sdt",):
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.block(content, row, cell)
            elif tag in _CONTAINERS or tag in _INSERTED or tag in _DELETED:
                if tag in _INSERTED or tag in _DELETED:
                    self.count(child)
                self.block(child, row, cell)

    def table(self, tbl) -> None:
        table = Table(len(self.tables))
        self.tables.append(table)
        for tr in tbl.iter(W + "tr"):
            if _nearest_table(tr) is not tbl:
                continue  # a nested table's row: read when its own table is
            state = "="
            trpr = tr.find(W + "trPr")
            if trpr is not None:
                if trpr.find(W + "ins") is not None:
                    state = "+"
                    self.count(trpr)
                elif trpr.find(W + "del") is not None:
                    state = "-"
                    self.count(trpr)
            row = Row(table, len(table.rows), state, tr.sourceline or 1)
            table.rows.append(row)
            for tc in tr.iter(W + "tc"):
                if tc.getparent() is not tr and _nearest_row(tc) is not tr:
                    continue
                row.cells.append([])
                self.block(tc, row, len(row.cells) - 1)

    def paragraph(self, p, row: Row | None, cell: int) -> None:
        if not self.pending and all(child.tag == W + "pPr" for child in p):
            return  # an empty paragraph (most Gantt cells): no text, no marker, nothing to map
        para = Paragraph(len(self.paragraphs), p.sourceline or 1, row=row, cell=cell)
        para.items.extend(self.pending)
        self.pending = []
        ppr = p.find(W + "pPr")
        if ppr is not None:
            rpr = ppr.find(W + "rPr")
            if rpr is not None:
                if rpr.find(W + "ins") is not None or rpr.find(W + "moveTo") is not None:
                    para.mark = "+"
                elif rpr.find(W + "del") is not None or rpr.find(W + "moveFrom") is not None:
                    para.mark = "-"
        self.paragraphs.append(para)
        if row is not None:
            row.cells[cell].append(para)
        self.inline(p, para, "=", None)

    # -- inline -------------------------------------------------------------------------------
    def inline(self, parent, para: Paragraph, state: str, href: str | None) -> None:
        for child in parent:
            tag = child.tag
            if tag == W + "r":
                self.run(child, para, state, href)
            elif tag in _MARKERS:
                para.items.append(Marker(_MARKERS[tag], child.get(W + "id", ""), child.get(W + "name", "")))
            elif tag in _INSERTED:  # text one reviewer inserted and another deleted was never there: "x"
                self.count(child)
                self.inline(child, para, "x" if state in ("-", "x") else "+", href)
            elif tag in _DELETED:
                self.count(child)
                self.inline(child, para, "x" if state in ("+", "x") else "-", href)
            elif tag == W + "hyperlink":
                target = self.links.get(child.get(R_ID, ""), None)
                self.inline(child, para, state, target or href)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self.inline(content, para, state, href)
            elif tag in _CONTAINERS:
                self.inline(child, para, state, href)

    def run(self, r, para: Paragraph, state: str, href: str | None) -> None:
        rpr = r.find(W + "rPr")
        bold, italic = _on(rpr, "b"), _on(rpr, "i")
        parts: list[str] = []
        for child in r:
            tag = child.tag
            if tag in (W + "t", W + "delText"):
                parts.append(child.text or "")
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "commentReference":
                para.items.append(Marker("cr", child.get(W + "id", "")))
        if parts and state != "x":
            para.items.append(Segment("".join(parts), state, bold, italic, href))


def _nearest_table(node):
    parent = node.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def _nearest_row(node):
    parent = node.getparent()
    while parent is not None and parent.tag != W + "tr":
        parent = parent.getparent()
    return parent


def relationship_targets(root: Any) -> dict[str, str]:
    """``word/_rels/document.xml.rels``: id → target of the external (hyperlink) relationships."""
    out: dict[str, str] = {}
    if root is None:
        return out
    for rel in root:
        if rel.get("TargetMode") == "External" and rel.get("Id") and rel.get("Target"):
            out[rel.get("Id")] = rel.get("Target")
    return out
