"""What the reviewer changed, in spec terms: text edits, removed and added list items, comments.

Each ``og_`` bookmark names a spec string (``/risks/1/mitigation/0``) or,
after ``=``, the fields a computed text comes from. Editors do not keep a
bookmark's exact range (LibreOffice ends a replaced paragraph's bookmark
before the inserted text; 7.4 ends one a character early before a section
break), so an edit is read from the paragraph or cell that holds the
bookmark when the bookmark is its only spec text, and from the bookmark's
range widened over the tracked changes touching it otherwise. The text as
reviewed is compared with what the spec string displays, so edits made
without tracking are found the same way as tracked ones.

Rows of tables whose cells name items of one spec list (``/risks/3/…``)
stand for those items: a deleted row removes the item, an inserted row is
a new item whose columns are mapped by the rows around it, and rows put in
another order reorder the list. Whatever cannot be mapped is reported.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from outlookgen.review.patch import Char, displayed, patch_source, tracked_edits
from outlookgen.review.text import Document, Marker, Paragraph, Row, Segment
from outlookgen.spec.pointers import MISSING, parse_pointer, resolve

__all__ = ["Comment", "ItemInsertion", "Review", "TextChange", "Unmapped", "find_changes", "parse_pointer"]

PREFIX = "og_"
_SUFFIX = re.compile(r"_\d+$")
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")


@dataclass(frozen=True)
class TextChange:
    pointer: str
    old: Any
    new: str | None  # None: the list item is removed (its text was deleted)
    line: int  # where in word/document.xml
    extra: tuple[str, ...] = ()  # paragraphs the reviewer added after a list item: new items after it


@dataclass(frozen=True)
class ComputedEdit:
    sources: tuple[str, ...]
    before: str
    after: str
    line: int


@dataclass(frozen=True)
class Unmapped:
    line: int
    before: str
    after: str
    what: str


@dataclass(frozen=True)
class ItemInsertion:
    list_pointer: str
    after_index: int  # the new item goes after this item of the list as built (-1: first)
    fields: dict
    line: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comment:
    path: str
    author: str
    date: str
    text: str
    resolved: bool
    replies: tuple[dict, ...] = ()
    anchor: str = ""


@dataclass
class Review:
    changes: list[TextChange] = field(default_factory=list)
    removals: dict[str, int] = field(default_factory=dict)  # item pointer → line of its deleted row
    insertions: list[ItemInsertion] = field(default_factory=list)
    reorders: dict[str, list[int]] = field(default_factory=dict)  # list pointer → new order of old indices
    computed: list[ComputedEdit] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # what the custom properties and bookmarks themselves get wrong: (part, line, message)
    problems: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.removals or self.insertions or self.reorders or self.comments)


# -- pointers -------------------------------------------------------------------------------------


def _item_prefixes(pointer: str) -> list[str]:
    """The list items a pointer lies in, outermost first: ``/a/1/b/2/c`` → ``/a/1``, ``/a/1/b/2``."""
    tokens = pointer.split("/")[1:]
    return ["/" + "/".join(tokens[: i + 1]) for i, t in enumerate(tokens) if _INDEX.match(t)]


# -- regions --------------------------------------------------------------------------------------


@dataclass
class _Region:
    value: str  # a pointer, or "=" + the computed text's sources
    paragraphs: list[Paragraph]
    chars: list[tuple[str, str, bool, bool, str | None]]  # char, state, bold, italic, href
    # the whole paragraph, when the bookmark is its only spec text: which of the two the spec
    # string was is decided against the spec (an editor may move a bookmark's start past typed text)
    whole: _Region | None = None

    @property
    def row(self) -> Row | None:
        return self.paragraphs[0].row

    def text(self, view: str) -> str:
        return "".join(c[0] for c in self.chars if c[1] in ("=", view))

    def after(self) -> list[Char]:
        return [(c[0], c[2], c[3], c[4]) for c in self.chars if c[1] != "-"]

    def base(self) -> tuple[bool, bool]:
        kept = [c for c in self.chars if c[1] == "=" and not c[0].isspace()]
        if not kept:
            return (False, False)
        return (sum(c[2] for c in kept) * 2 > len(kept), sum(c[3] for c in kept) * 2 > len(kept))

    @property
    def tracked(self) -> bool:
        return any(c[1] != "=" for c in self.chars)


def _chars(items) -> list:
    out = []
    for item in items:
        if isinstance(item, Segment):
            out.extend((ch, item.state, item.bold, item.italic, item.href) for ch in item.text)
    return out


@dataclass
class _Bookmarks:
    """What the document's ``og_`` bookmarks say beside their regions."""

    found: set[str] = field(default_factory=set)  # base names met in the document
    occurrences: dict[str, set[int]] = field(default_factory=dict)  # base name → occurrences met (1, 2…)
    unknown: list[tuple[str, int]] = field(default_factory=list)  # names with no (valid) pointer, and where
    endless: list[tuple[str, str, int]] = field(default_factory=list)  # (name, pointer, line): no end


def _regions(doc: Document, names: dict[str, str], marks: _Bookmarks) -> tuple[list[_Region], set[int]]:
    """Every bookmarked region and the paragraphs they cover."""
    starts: dict[str, tuple[str, str, int, int]] = {}
    ends: dict[str, tuple[int, int]] = {}
    per_paragraph: dict[int, list[str]] = {}
    for para in doc.paragraphs:
        for at, item in enumerate(para.items):
            if not isinstance(item, Marker):
                continue
            if item.kind == "bs" and item.name.startswith(PREFIX):
                base = _SUFFIX.sub("", item.name) if item.name not in names else item.name
                if base not in names:
                    marks.unknown.append((item.name, para.line))
                elif item.id not in starts:
                    marks.found.add(base)
                    tail = item.name[len(base) + 1 :]
                    marks.occurrences.setdefault(base, set()).add(int(tail) if tail.isdigit() else 1)
                    starts[item.id] = (item.name, names[base], para.index, at)
                    per_paragraph.setdefault(para.index, []).append(item.id)
            elif item.kind == "be" and item.id not in ends:
                ends[item.id] = (para.index, at)
    regions: list[_Region] = []
    covered: set[int] = set()
    for bid, (name, value, p1, i1) in starts.items():
        if bid not in ends or ends[bid][0] < p1:
            # without its end a bookmark's text cannot be told from what follows: not read, said
            marks.endless.append((name, value, doc.paragraphs[p1].line))
            continue
        p2, i2 = ends[bid]
        if p1 == p2:
            region = _one_paragraph(doc.paragraphs[p1], value, i1, i2, len(per_paragraph.get(p1, ())) == 1)
        else:
            paragraphs = doc.paragraphs[p1 : p2 + 1]
            region = _Region(value, paragraphs, _joined(paragraphs))
        regions.append(region)
        covered.update(p.index for p in region.paragraphs)
    _adopt_added_paragraphs(doc, regions, covered)
    return regions, covered


def _joined(paragraphs: list[Paragraph]) -> list:
    chars: list = []
    for k, para in enumerate(paragraphs):
        if k:
            previous = paragraphs[k - 1]
            state = "-" if previous.mark == "-" else ("+" if para.mark == "+" and _all_added(para) else "=")
            chars.append(("\n", state, False, False, None))
        chars.extend(_chars(para.items))
    return chars


def _all_added(para: Paragraph) -> bool:
    segs = [s for s in para.items if isinstance(s, Segment)]
    return bool(segs) and all(s.state == "+" for s in segs)


def _one_paragraph(para: Paragraph, value: str, i1: int, i2: int, alone: bool) -> _Region:
    items = para.items
    lo, hi = i1, i2
    # widen over the tracked changes touching the range (an editor may leave them just outside it)
    while hi < len(items) and (isinstance(items[hi], Marker) or items[hi].state != "="):
        if isinstance(items[hi], Marker) and items[hi].kind == "bs" and items[hi].name.startswith(PREFIX):
            break
        hi += 1
    while lo > 0 and (isinstance(items[lo - 1], Marker) or items[lo - 1].state != "="):
        if isinstance(items[lo - 1], Marker) and items[lo - 1].kind == "be":
            break
        lo -= 1
    exact = _Region(value, [para], _chars(items[lo:hi]))
    if alone:
        exact.whole = _Region(value, [para], _chars(items))
    return exact


def _adopt_added_paragraphs(doc: Document, regions: list[_Region], covered: set[int]) -> None:
    """Paragraphs the reviewer added right after a region (a new bullet, a new paragraph) join it."""
    by_last = {r.paragraphs[-1].index: r for r in regions if not r.value.startswith("=")}
    for para in doc.paragraphs:
        if para.index in covered or not _all_added(para):
            continue
        owner = by_last.get(para.index - 1)
        if owner is None or owner.paragraphs[-1].row is not para.row or owner.paragraphs[-1].cell != para.cell:
            continue
        owner.chars.append(("\n", "+", False, False, None))
        owner.chars.extend(_chars(para.items))
        owner.paragraphs.append(para)
        covered.add(para.index)
        by_last[para.index] = owner
        del by_last[para.index - 1]


# -- changes --------------------------------------------------------------------------------------


def find_changes(
    doc: Document, names: dict[str, str], data: Any, comments: list[dict], vocabulary: dict[str, str] | None = None
) -> Review:
    """The reviewer's changes to ``data`` (the spec as loaded), read from ``doc``.

    ``vocabulary`` maps the words the packs show for choice values
    (casefolded: "vendor", "供应商") to the values; the document's own rows
    come first, it is the fallback for a value no row shows.
    """
    vocabulary = vocabulary or {}
    review = Review()
    marks = _Bookmarks()
    regions, covered = _regions(doc, names, marks)
    _bookmark_problems(names, marks, data, review)
    in_deleted_row = {id(r) for r in regions if r.row is not None and r.row.state == "-"}
    seen: dict[str, TextChange] = {}
    words = _choice_words(regions, data)
    for region in regions:
        if id(region) in in_deleted_row or (region.row is not None and region.row.state == "+"):
            continue
        if region.value.startswith("="):
            if region.tracked and region.text("-").strip() != region.text("+").strip():
                sources = tuple(s for s in region.value[1:].split(" ") if s)
                line = region.paragraphs[0].line
                chosen = _chosen(sources, region.text("+").strip(), words, data, line, vocabulary)
                if chosen is not None and chosen.pointer not in seen:
                    seen[chosen.pointer] = chosen
                    review.changes.append(chosen)
                elif chosen is None:
                    review.computed.append(ComputedEdit(sources, region.text("-"), region.text("+"), line))
            continue
        change = _text_change(region, data)
        if change is None:
            continue
        if isinstance(change, Unmapped):
            review.unmapped.append(change)
            continue
        if change.pointer in seen:
            continue  # the same text shown twice and edited in both places: the first place wins
        seen[change.pointer] = change
        review.changes.append(change)
    _rows(doc, regions, data, review, vocabulary)
    _untraced_edits(doc, covered, review)
    review.comments = _comments(doc, regions, comments)
    return review


def _trim(region: _Region) -> None:
    """Line breaks at the edges are the paragraphs around the text (an end moved past a section break)."""
    chars = region.chars
    while chars and chars[-1][0] == "\n":
        chars.pop()
    while chars and chars[0][0] == "\n":
        chars.pop(0)


def _field_kind(pointer: str) -> str:
    """``/risks/3/likelihood`` → ``/risks/*/likelihood``: the same field of every item of a list."""
    return "/".join("*" if _INDEX.match(t) else t for t in pointer.split("/"))


def _choice_words(regions: list[_Region], data: Any) -> dict[str, dict[str, Any]]:
    """For fields shown as a word ("High" for ``likelihood: high``): every word the document shows → value."""
    words: dict[str, dict[str, Any]] = {}
    for region in regions:
        if not region.value.startswith("=") or " " in region.value:
            continue
        source = region.value[1:]
        value = resolve(data, parse_pointer(source) or ())
        if isinstance(value, str) and value:
            words.setdefault(_field_kind(source), {})[region.text("-").strip()] = value
    return words


def _chosen(sources, text: str, words, data: Any, line: int, vocabulary: dict[str, str]) -> TextChange | None:
    """A word changed to another word of the same field (the document's rows, else the packs'): its value."""
    if len(sources) != 1:
        return None
    shown = words.get(_field_kind(sources[0]), {})
    if not shown or len(shown) != len(set(shown.values())):
        return None  # not a field shown as a word, or two words for one value: not a choice
    value = shown.get(text) or {k.casefold(): v for k, v in shown.items()}.get(text.casefold())
    if value is None and set(shown) - set(shown.values()):  # words differ from values: a choice field
        value = vocabulary.get(text.casefold())
    old = resolve(data, parse_pointer(sources[0]) or ())
    if value is None or old is MISSING:
        return None
    return TextChange(sources[0], old, value, line)


def _closer(region: _Region, shown: tuple[str, str]) -> _Region:
    """The bookmark's own range or its whole paragraph: whichever shows the spec string as built."""
    whole = region.whole
    if whole is None:
        return region
    for candidate in (region, whole):
        if candidate.text("-").strip() in shown:
            return candidate

    def likeness(candidate: _Region) -> float:
        return max(SequenceMatcher(None, candidate.text("-").strip(), s, autojunk=False).ratio() for s in shown)

    return whole if likeness(whole) > likeness(region) else region


def _text_change(region: _Region, data: Any) -> TextChange | Unmapped | None:
    path = parse_pointer(region.value)
    value = resolve(data, path) if path is not None else MISSING
    line = region.paragraphs[0].line
    if value is MISSING or isinstance(value, (dict, list, bool)) or value is None:
        return Unmapped(
            line, region.text("-"), region.text("+"), f"the document names {region.value[:80]}, not a text of the spec"
        )
    source = str(value)
    shown_inline, shown_block = displayed(source, block=False), displayed(source, block=True)
    region = _closer(region, (shown_inline, shown_block))
    _trim(region)
    original = region.text("-")
    block = len(region.paragraphs) > 1 or (original != shown_inline and original == shown_block)
    before = shown_block if block else shown_inline
    reviewed = region.text("+")
    if reviewed == before:
        return None
    if region.tracked and original != before and SequenceMatcher(None, original, before).ratio() < 0.5:
        # tracked changes keep what the document showed: not this spec text, so not its place
        return Unmapped(line, original, reviewed, f"the document showed other text than {region.value[:80]} holds")
    list_item = isinstance(resolve(data, path[:-1]), list) and path and isinstance(path[-1], int)
    if list_item and not reviewed.strip():
        return TextChange(region.value, value, None, line)
    after = region.after()
    extra: tuple[str, ...] = ()
    if list_item and "\n" in reviewed and "\n" not in before:
        cut = reviewed.index("\n")
        extra = tuple(t.strip() for t in reviewed[cut + 1 :].split("\n") if t.strip())
        after = after[:cut]
        reviewed = reviewed[:cut]
        if reviewed == before:
            return TextChange(region.value, value, source, line, extra)
    edits = tracked_edits(region.chars) if region.tracked and original == before and not extra else None
    new = patch_source(source, before, after, block=block, base=region.base(), edits=edits)
    if new is None:
        return Unmapped(line, before, reviewed, f"the edit to {region.value} could not be carried into the spec")
    return TextChange(region.value, value, new, line, extra)


def _bookmark_problems(names: dict[str, str], marks: _Bookmarks, data: Any, review: Review) -> None:
    """Bookmarks the properties do not explain, bookmarks without an end, and spec texts gone from the document.

    A list item whose every bookmark is gone was deleted without track
    changes (a row, a bullet): it is removed, as a tracked deletion would be.
    Any other spec text gone from the document is said, and the spec keeps it.
    """
    for name, line in marks.unknown[:20]:
        message = f"bookmark {name[:40]} has no JSON pointer in docProps/custom.xml; its text is not read"
        review.problems.append(("word/document.xml", line, message))
    for name, pointer, line in marks.endless[:20]:
        review.problems.append(
            ("word/document.xml", line, f"bookmark {name[:40]} ({pointer[:80]}) has no end; not read")
        )
    for base, seen in marks.occurrences.items():
        lost = sorted(set(range(1, max(seen) + 1)) - seen)
        if lost and not names[base].startswith("="):
            message = (
                f"{names[base][:80]} is shown in {max(seen)} places; place {', '.join(map(str, lost[:5]))} "
                "lost its bookmark (deleted without track changes, or the bookmark removed) and is not read"
            )
            review.problems.append(("word/document.xml", 1, message))
    gone = [v for k, v in names.items() if k not in marks.found and not v.startswith("=")]
    if not gone:
        return
    present = {v for k, v in names.items() if k in marks.found and not v.startswith("=")}
    items: dict[str, list[str]] = {}
    for pointer in gone:
        for prefix in _item_prefixes(pointer):
            items.setdefault(prefix, []).append(pointer)
    removed: set[str] = set()
    for prefix in sorted(items, key=len):
        if any(prefix.startswith(r + "/") for r in removed):
            continue
        if not any(p == prefix or p.startswith(prefix + "/") for p in present):
            removed.add(prefix)  # every text of this item is gone: the item was deleted
    for prefix in sorted(removed):
        review.removals.setdefault(prefix, 0)
        review.problems.append(("word/document.xml", 1, f"every text of {prefix} is gone from the document: removed"))
    for pointer in gone:
        if not any(pointer == r or pointer.startswith(r + "/") for r in removed):
            review.problems.append(
                ("word/document.xml", 1, f"the text of {pointer[:80]} is gone from the document; the spec keeps it")
            )


def _untraced_edits(doc: Document, covered: set[int], review: Review) -> None:
    """Tracked edits outside every bookmark and outside rows: listed, never dropped."""
    for para in doc.paragraphs:
        if para.index in covered or (para.row is not None and para.row.state != "="):
            continue
        before, after = para.text("-"), para.text("+")
        if before != after:
            review.unmapped.append(Unmapped(para.line, before, after, "this text is not from the spec"))


# -- rows -----------------------------------------------------------------------------------------


def _row_item(regions_in_row: list[_Region]) -> str | None:
    """The spec list item a row stands for: the deepest item most of its bookmarked cells lie in."""
    cells: dict[int, set[str]] = {}
    for region in regions_in_row:
        pointers = [region.value] if not region.value.startswith("=") else region.value[1:].split(" ")
        for pointer in pointers:
            cells.setdefault(region.paragraphs[0].cell, set()).update(_item_prefixes(pointer))
    if not cells:
        return None
    counts = Counter(p for prefixes in cells.values() for p in prefixes)
    half = len(cells) / 2
    best = [p for p, n in counts.items() if n > half]
    return max(best, key=lambda p: p.count("/")) if best else None


def _rows(doc: Document, regions: list[_Region], data: Any, review: Review, vocabulary: dict[str, str]) -> None:
    by_row: dict[int, list[_Region]] = {}
    for region in regions:
        if region.row is not None:
            by_row.setdefault(id(region.row), []).append(region)
    for table in doc.tables:
        items: list[tuple[Row, str | None]] = [(row, _row_item(by_row.get(id(row), []))) for row in table.rows]
        for row, item in items:
            if row.state == "-" and item is not None:
                review.removals.setdefault(item, row.line)
        known = [(row, item) for row, item in items if item is not None and row.state != "+"]
        lists = Counter(item.rsplit("/", 1)[0] for _, item in known)
        if not lists:
            continue
        list_pointer = lists.most_common(1)[0][0]
        columns = _columns(known, by_row, list_pointer, data)
        previous = -1
        for row, item in items:
            if item is not None and item.rsplit("/", 1)[0] == list_pointer and row.state != "+":
                previous = int(item.rsplit("/", 1)[1])
            elif row.state == "+" and item is None:
                insertion = _new_item(row, columns, list_pointer, previous, vocabulary)
                if insertion is not None:
                    review.insertions.append(insertion)
        _reorder(known, list_pointer, data, review)


def _reorder(known, list_pointer: str, data: Any, review: Review) -> None:
    whole = resolve(data, parse_pointer(list_pointer) or ())
    if not isinstance(whole, list):
        return
    order = [int(item.rsplit("/", 1)[1]) for row, item in known if item.rsplit("/", 1)[0] == list_pointer]
    if sorted(order) == list(range(len(whole))) and order != sorted(order):
        review.reorders.setdefault(list_pointer, order)


@dataclass
class _Column:
    key: str  # the item's field this column shows
    kind: str  # "text", "list", "choice" (a word per value), "computed" or "derived" (from other columns)
    words: dict[str, Any] = field(default_factory=dict)  # computed: displayed text → spec value
    title: str = ""


def _columns(known, by_row, list_pointer: str, data: Any) -> dict[int, _Column]:
    votes: dict[int, Counter] = {}
    words: dict[tuple[int, str], dict[str, Any]] = {}
    for row, item in known:
        if item.rsplit("/", 1)[0] != list_pointer:
            continue
        for region in by_row.get(id(row), []):
            cell = region.paragraphs[0].cell
            if region.value.startswith("="):
                sources = [s for s in region.value[1:].split(" ") if s.startswith(item + "/")]
                if len(sources) != 1:
                    votes.setdefault(cell, Counter())[("", "derived")] += 1  # from other columns: nothing to set
                    continue
                rel = sources[0][len(item) + 1 :]
                if "/" in rel:
                    continue
                votes.setdefault(cell, Counter())[(rel, "computed")] += 1
                value = resolve(data, parse_pointer(sources[0]) or ())
                if isinstance(value, str):
                    shown = region.text("-").strip()
                    words.setdefault((cell, rel), {})[shown] = value
                    if shown != value:
                        votes[cell][(rel, "choice")] += 1
            elif region.value.startswith(item + "/"):
                rel = region.value[len(item) + 1 :].split("/")
                if len(rel) == 1:
                    votes.setdefault(cell, Counter())[(rel[0], "text")] += 1
                elif len(rel) == 2 and _INDEX.match(rel[1]):
                    votes.setdefault(cell, Counter())[(rel[0], "list")] += 1
    columns: dict[int, _Column] = {}
    for cell, counter in votes.items():
        (key, kind), _ = counter.most_common(1)[0]
        if kind == "computed" and counter[(key, "choice")]:
            kind = "choice"  # some rows show this field as a word ("High" for high)
        columns[cell] = _Column(key, kind, words.get((cell, key), {}))
    return columns


def _new_item(
    row: Row, columns: dict[int, _Column], list_pointer: str, previous: int, vocabulary: dict[str, str]
) -> ItemInsertion:
    fields: dict[str, Any] = {}
    notes: list[str] = []
    for cell, paragraphs in enumerate(row.cells):
        lines = [p.text("+").strip() for p in paragraphs]
        lines = [t for t in lines if t]
        if not lines:
            continue
        column = columns.get(cell)
        if column is not None and column.kind == "derived":
            continue  # a level or a total: worked out from the other columns when the spec is built
        if column is None:
            notes.append(f"column {cell + 1} ({' / '.join(lines)}) maps to no field of {list_pointer} items")
            continue
        if column.kind == "list":
            fields[column.key] = lines
        elif column.kind == "text":
            fields[column.key] = "\n\n".join(lines) if len(lines) > 1 else lines[0]
        else:
            text = " ".join(lines)
            value = column.words.get(text)
            if value is None:
                lowered = {k.casefold(): v for k, v in column.words.items()}
                value = lowered.get(text.casefold())
            if value is None and column.kind == "choice":
                value = vocabulary.get(text.casefold())
            if value is None:
                notes.append(f"{column.key}: '{text}' is not a value the spec's rows show; set it by hand")
            else:
                fields[column.key] = value
    return ItemInsertion(list_pointer, previous, fields, row.line, tuple(notes))


# -- comments -------------------------------------------------------------------------------------


def _comments(doc: Document, regions: list[_Region], comments: list[dict]) -> list[Comment]:
    if not comments:
        return []
    anchors: dict[str, tuple[Paragraph, int]] = {}
    for para in doc.paragraphs:
        for at, item in enumerate(para.items):
            if isinstance(item, Marker) and item.kind in ("cs", "cr") and item.id not in anchors:
                anchors[item.id] = (para, at)
    by_paragraph: dict[int, list[_Region]] = {}
    for region in regions:
        for para in region.paragraphs:
            by_paragraph.setdefault(para.index, []).append(region)
    threads: dict[str, dict] = {}
    top: list[dict] = []
    for comment in comments:
        parent = comment.get("parent")
        if parent and parent in threads:
            threads[parent]["replies"].append(
                {"author": comment["author"], "date": comment["date"], "text": comment["text"]}
            )
            continue
        entry = dict(comment, replies=[])
        if comment.get("para_id"):
            threads[comment["para_id"]] = entry
        top.append(entry)
    out: list[tuple[tuple[int, int], Comment]] = []
    nowhere = (len(doc.paragraphs), 0)  # a comment with no anchor in the body (a header's) comes last
    for entry in top:
        path, anchor = "", ""
        where = anchors.get(entry["id"])
        if where is not None:
            para, _ = where
            candidates = by_paragraph.get(para.index, [])
            if candidates:
                value = candidates[0].value
                path = value[1:].split(" ")[0] if value.startswith("=") else value
                if value.startswith("=") and para.row is not None:
                    item = _row_item([r for r in regions if r.row is para.row])
                    path = path or (item or "")
            elif para.row is not None:
                item = _row_item([r for r in regions if r.row is para.row])
                path = item or ""
            anchor = para.text("+").strip()
        comment = Comment(
            path,
            entry["author"],
            entry["date"],
            entry["text"],
            bool(entry.get("done")),
            tuple(entry["replies"]),
            anchor[:80],
        )
        out.append(((where[0].index, where[1]) if where is not None else nowhere, comment))
    out.sort(key=lambda pair: pair[0])  # in reading order, as the client left them
    return [comment for _, comment in out]
