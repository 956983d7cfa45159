"""PyYAML's event stream into plain data and a source map, refusing hostile or broken input.

Specs come from untrusted people, so this module drives the YAML parser's
*event stream* and builds the data itself instead of using PyYAML's composer
and constructor:

* the C composer recurses, so deep nesting can crash the process; here the
  nesting depth is counted and refused at ``Limits.max_depth``;
* expanding aliases into plain data lets a 400-byte "billion laughs" file
  hang everything after it; here every alias is seen with its position and
  the nodes it adds are counted against ``Limits.max_alias_nodes`` *before*
  anything is copied;
* only the YAML core types are ever built (no tag can import or run code).

The result is plain data (``dict``/``list``/``str``/``ScalarInt``/
``ScalarFloat``/``bool``/``None``; dates become ISO strings), a
:class:`~.source.SourceMap` (path -> line/column of every node and mapping
key, plus the source text of plain non-string scalars) and the non-fatal
problems met on the way. Anything that makes the file unusable raises
:class:`SpecError` with a located :class:`Diagnostic`. :mod:`.loader` reads
the file and calls :func:`parse`.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import math
import re
import sys
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from outlookgen.errors import Diagnostic, SpecError, format_path
from outlookgen.spec.scalars import ScalarFloat, ScalarInt
from outlookgen.spec.source import Limits, LoadedSpec, Mark, SourceMap, file_error, non_printable, position

__all__ = ["loader_class", "parse", "peek"]


_CORE = "tag:yaml.org,2002:"
_STR = _CORE + "str"
_INT = _CORE + "int"
_FLOAT = _CORE + "float"
_BOOL = _CORE + "bool"
_NULL = _CORE + "null"
_TIMESTAMP = _CORE + "timestamp"
_MERGE = _CORE + "merge"
_MAP = _CORE + "map"
_SEQ = _CORE + "seq"
_SCALAR_TAGS = frozenset({_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP})
_MAP_TAGS = frozenset({None, "!", _MAP})
_SEQ_TAGS = frozenset({None, "!", _SEQ})

# Characters a str may hold only through double-quoted escapes, that Word and HTML cannot hold.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Python refuses int(str) past this many digits (4300 by default, configurable); longer
# ints are refused before converting, which also keeps base-60 ints ("1:2:3:...") from
# quadratic work.
_MAX_INT_CHARS = min(4300, getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300)

# How a mapping value being read is used.
_ATTACH, _DISCARD, _MERGE_VALUE = 0, 1, 2


def loader_class(pure: bool = False) -> type:
    """The YAML loader class used: libyaml's when available (about 12x faster) unless ``pure``."""
    if not pure and getattr(yaml, "__with_libyaml__", False):
        return yaml.CSafeLoader
    return yaml.SafeLoader


# --------------------------------------------------------------------------- helpers


def _describe_char(ch: str) -> str:
    cp = ord(ch)
    if 0xD800 <= cp <= 0xDFFF:
        kind = "a lone surrogate"
    elif cp in (0xFFFE, 0xFFFF):
        kind = "a noncharacter"
    else:
        kind = "a control character"
    return f"U+{cp:04X} ({kind} Word and HTML cannot hold)"


def _display_tag(tag: str) -> str:
    if tag.startswith(_CORE):
        return "!!" + tag[len(_CORE) :]
    return tag


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _copy(value: Any) -> Any:
    """Deep copy of plain data (scalars are immutable and shared)."""
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    return value


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[Any, str]:
    """The mark and the plain-words message of a YAML syntax error."""
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    ch = ""
    if mark is not None and 0 <= mark.index < len(text):
        ch = text[mark.index]
    if "cannot start any token" in problem:
        if ch == "\t":
            return mark, "YAML syntax: a tab cannot indent YAML; use spaces"
        shown = f"'{ch}' " if ch and ch.isprintable() else ""
        return mark, f"YAML syntax: the character {shown}cannot start a value here; put the value in quotes"
    if problem.startswith("mapping values are not allowed"):
        return (
            mark,
            "YAML syntax: a ': ' is not allowed here (bad indentation, or a value holding ': ' that needs quotes)",
        )
    if problem in ("did not find expected key", "expected <block end>, but found '<block mapping start>'"):
        return mark, "YAML syntax: bad indentation; this line does not line up with the keys above it"
    if problem == "found unexpected end of stream" and "quoted scalar" in context and exc.context_mark:
        cm = exc.context_mark
        return mark, f"YAML syntax: the quote opened at line {cm.line + 1}, column {cm.column + 1} is never closed"
    message = f"YAML syntax: {problem or context or 'the file cannot be read as YAML'}"
    if context and problem:
        where = ""
        cm = exc.context_mark
        if cm is not None and (mark is None or (cm.line, cm.column) != (mark.line, mark.column)):
            where = f" at line {cm.line + 1}, column {cm.column + 1}"
        message += f" ({context}{where})"
    return mark, message


# --------------------------------------------------------------------------- the builder


class _Frame:
    """An open mapping or sequence (or the document, a one-entry mapping)."""

    __slots__ = (
        "acap",
        "anchor",
        "cap",
        "data",
        "height",
        "is_map",
        "key",
        "kmode",
        "kpath",
        "merges",
        "path",
        "seen",
    )

    def __init__(self, data: Any, path: tuple, is_map: bool) -> None:
        self.data = data
        self.path = path
        self.is_map = is_map
        self.key: Any = None  # the key whose value is being read (maps)
        self.kpath: tuple = ()
        self.kmode = _ATTACH
        self.seen: dict | None = {} if is_map else None  # key -> Mark of its first occurrence
        self.cap: tuple | None = None  # where a discarded/merge value's entries start
        self.merges: list | None = None  # (value, (vals, keys, raws), mark) of '<<'
        self.height = 1
        self.anchor: str | None = None
        self.acap: tuple | None = None


class _Anchor:
    """An anchored node: its value and where its source-map entries live."""

    __slots__ = ("base", "height", "ke", "kl", "ks", "re", "rl", "rs", "text", "value", "ve", "vl", "vs")

    def __init__(self, value: Any, height: int, text: str | None, base: int) -> None:
        self.value = value
        self.height = height  # 0 for a scalar
        self.text = text  # the source text of a scalar (for use as a key)
        self.base = base  # length of the anchored node's path


class _Fatal(Exception):
    def __init__(self, mark: Any, path: tuple, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.path = path
        self.message = message


class _Builder:
    def __init__(self, loader: Any, file: str, limits: Limits) -> None:
        self.loader = loader
        self.file = file
        self.limits = limits
        self.problems: list[Diagnostic] = []
        self.reported: set = set()
        self.quiet = 0  # >0 while reading a value that is thrown away (duplicate key)
        self.vals: list = []  # (path, mark) of every node
        self.keys: list = []  # (path, mark) of every mapping key
        self.raws: list = []  # (path, text) of plain scalars that did not become str
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: dict[str, int] = {}
        self.main_anchors: list[_Anchor] = []  # anchors whose entries live in the main lists
        self.alias_total = 0
        self.tags: dict[str, str] = {}  # plain scalar text -> resolved tag

    # -- problems

    def problem(self, mark: Any, path: tuple, message: str, report: bool = True) -> None:
        self.problems.append(Diagnostic(self.file, mark.line + 1, mark.column + 1, format_path(path), message))
        if report and not self.quiet:
            self.reported.add(path)

    # -- source-map regions

    def capture(self) -> tuple:
        return (len(self.vals), len(self.keys), len(self.raws), len(self.main_anchors))

    def cut(self, cap: tuple) -> tuple:
        """Remove the entries recorded since ``cap`` and return them (anchors inside follow them)."""
        vs, ks, rs, na = cap
        gv, gk, gr = self.vals[vs:], self.keys[ks:], self.raws[rs:]
        del self.vals[vs:], self.keys[ks:], self.raws[rs:]
        for rec in self.main_anchors[na:]:
            rec.vl, rec.vs, rec.ve = gv, rec.vs - vs, rec.ve - vs
            rec.kl, rec.ks, rec.ke = gk, rec.ks - ks, rec.ke - ks
            rec.rl, rec.rs, rec.re = gr, rec.rs - rs, rec.re - rs
        del self.main_anchors[na:]
        return gv, gk, gr

    def define_anchor(self, name: str, value: Any, height: int, text: str | None, path: tuple, cap: tuple) -> None:
        rec = _Anchor(value, height, text, len(path))
        rec.vl, rec.vs, rec.ve = self.vals, cap[0], len(self.vals)
        rec.kl, rec.ks, rec.ke = self.keys, cap[1], len(self.keys)
        rec.rl, rec.rs, rec.re = self.raws, cap[2], len(self.raws)
        self.main_anchors.append(rec)
        self.anchors[name] = rec  # a later anchor of the same name replaces it (YAML 1.2)

    # -- the event loop

    def build(self) -> dict:
        get_event = self.loader.get_event
        limits = self.limits
        max_depth = limits.max_depth
        max_nodes = limits.max_nodes
        vals_append = self.vals.append
        keys_append = self.keys.append

        get_event()  # StreamStartEvent
        if type(get_event()) is StreamEndEvent:
            raise _Fatal(Mark(0, 0), (), "the file is empty; a spec starts with 'outlook: 1'")
        self.check_root(self.loader.peek_event())  # the root node

        doc = _Frame({}, (), True)
        doc.key, doc.kpath = "root", ()
        stack = [doc]
        parent = doc
        scalar = self.scalar

        while True:
            event = get_event()
            kind = type(event)

            if parent.is_map and parent.key is None:
                # ---- a mapping key, or the end of the mapping
                if kind is ScalarEvent:
                    key = event.value
                    seen = parent.seen
                    if (
                        event.tag is None
                        and event.anchor is None
                        and event.style != '"'
                        and key != "<<"
                        and key not in seen
                    ):  # the common case, inline: a new plain key
                        mark = event.start_mark
                        seen[key] = mark
                        kpath = parent.path + (key,)
                        keys_append((kpath, mark))
                        parent.kmode = _ATTACH
                        parent.key = key
                        parent.kpath = kpath
                    else:
                        self.key_scalar(parent, event)
                    continue
                if kind is MappingEndEvent:
                    frame = stack.pop()
                    if frame.merges:
                        self.apply_merges(frame)
                    parent = stack[-1]
                    self.close(frame, parent)
                    continue
                if kind is AliasEvent:
                    self.key_alias(parent, event)
                    continue
                if kind is MappingStartEvent or kind is SequenceStartEvent:
                    raise _Fatal(event.start_mark, parent.path, "a key must be plain text, not a mapping or a list")
                if kind is DocumentEndEvent and parent is doc:
                    break
                raise _Fatal(event.start_mark, parent.path, f"unexpected YAML event {kind.__name__}")

            if kind is SequenceEndEvent:
                frame = stack.pop()
                parent = stack[-1]
                self.close(frame, parent)
                continue

            # ---- a node: the value of parent.key, or the next item of a sequence
            if parent.is_map:
                path = parent.kpath
            else:
                path = parent.path + (len(parent.data),)

            if kind is ScalarEvent:
                anchor = event.anchor
                if anchor is not None:
                    cap = self.capture()
                vals_append((path, event.start_mark))
                if len(self.vals) > max_nodes:
                    raise _Fatal(event.start_mark, path, f"the file holds more than {max_nodes} values (limit)")
                value = scalar(event, path)
                if anchor is not None:
                    self.define_anchor(anchor, value, 0, event.value, path, cap)
                if not parent.is_map:
                    parent.data.append(value)
                elif parent.kmode == _ATTACH:
                    parent.data[parent.key] = value
                    parent.key = None
                else:
                    self.attach(parent, value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if len(stack) > max_depth:
                    raise _Fatal(event.start_mark, path, f"nesting deeper than {max_depth} levels")
                is_map = kind is MappingStartEvent
                tag = event.tag
                if tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
                    self.bad_tag(event, path, "a mapping" if is_map else "a list")
                frame = _Frame({} if is_map else [], path, is_map)
                if event.anchor is not None:
                    frame.anchor = event.anchor
                    frame.acap = self.capture()
                    self.open_anchors[event.anchor] = self.open_anchors.get(event.anchor, 0) + 1
                vals_append((path, event.start_mark))
                stack.append(frame)
                parent = frame
            elif kind is AliasEvent:
                value, height = self.expand(event, path, len(stack) - 1)
                if height and parent.height <= height:
                    parent.height = height + 1
                self.attach(parent, value)
            else:
                raise _Fatal(event.start_mark, path, f"unexpected YAML event {kind.__name__}")

        # the document is complete: there must be nothing after it
        event = get_event()
        if type(event) is DocumentStartEvent:
            raise _Fatal(event.start_mark, (), "the file holds several YAML documents; a spec is one document")
        return doc.data["root"]

    def check_root(self, event: Any) -> None:
        kind = type(event)
        if kind is MappingStartEvent:
            return
        if kind is SequenceStartEvent:
            found = "a list"
        elif kind is ScalarEvent:
            plain = not event.style
            if plain and event.value == "" and event.tag is None:
                raise _Fatal(Mark(0, 0), (), "the file is empty; a spec starts with 'outlook: 1'")
            found = "text"
            if plain and event.tag is None:
                tag = self.loader.resolve(ScalarNode, event.value, (True, False))
                found = {
                    _INT: "a number",
                    _FLOAT: "a number",
                    _BOOL: "true/false",
                    _NULL: "nothing",
                    _TIMESTAMP: "a date",
                }.get(tag, "text")
        else:
            found = "an alias"
        raise _Fatal(event.start_mark, (), f"the top level must be a mapping (outlook:, meta:, …), found {found}")

    def bad_tag(self, event: Any, path: tuple, what: str) -> None:
        tag = event.tag
        shown = _display_tag(tag)
        if tag in _SCALAR_TAGS or tag in (_MAP, _SEQ, _MERGE):
            raise _Fatal(event.start_mark, path, f"tag '{shown}' does not fit {what}")
        raise _Fatal(event.start_mark, path, f"tag '{shown}' is not allowed: a spec holds plain data")

    # -- mapping keys

    def key_scalar(self, frame: _Frame, event: Any) -> None:
        key = event.value
        tag = event.tag
        is_merge = False
        if tag is None:
            is_merge = key == "<<" and not event.style
        elif tag == _MERGE:
            is_merge = True
        elif tag != "!" and tag not in _SCALAR_TAGS:
            self.bad_tag(event, frame.path + (key,), "a key")
        if event.style == '"':
            bad = _BAD_TEXT.search(key)
            if bad is not None:
                self.problem(
                    event.start_mark, frame.path + (key,), "key contains " + _describe_char(bad.group()) + "; remove it"
                )
        if event.anchor is not None:
            self.define_anchor(event.anchor, key, 0, key, (), self.capture())
        self.start_value(frame, key, event.start_mark, is_merge)

    def key_alias(self, frame: _Frame, event: Any) -> None:
        rec = self.lookup(event, frame.path)
        if rec.height or rec.text is None:
            raise _Fatal(event.start_mark, frame.path, "a key must be plain text, not a mapping or a list")
        key = rec.value if isinstance(rec.value, str) else rec.text
        self.start_value(frame, key, event.start_mark, False)

    def start_value(self, frame: _Frame, key: str, mark: Any, is_merge: bool) -> None:
        seen = frame.seen
        if is_merge:
            key = "<<"
        kpath = frame.path + (key,)
        first = seen.get(key)
        if first is not None:
            self.problem(mark, kpath, f"duplicate key '{key}' (first at line {first.line + 1})", report=False)
            frame.kmode = _DISCARD
            frame.cap = self.capture()
            self.quiet += 1
        else:
            seen[key] = mark
            if is_merge:
                frame.kmode = _MERGE_VALUE
                frame.cap = self.capture()
            else:
                frame.kmode = _ATTACH
                self.keys.append((kpath, mark))
        frame.key = key
        frame.kpath = kpath

    # -- values

    def attach(self, parent: _Frame, value: Any) -> None:
        if not parent.is_map:
            parent.data.append(value)
            return
        mode = parent.kmode
        if mode == _ATTACH:
            parent.data[parent.key] = value
        elif mode == _MERGE_VALUE:
            entries = self.cut(parent.cap)
            mark = entries[0][0][1] if entries[0] else Mark(0, 0)
            if parent.merges is None:
                parent.merges = []
            parent.merges.append((value, entries, mark))
        else:
            self.cut(parent.cap)
            self.quiet -= 1
        parent.key = None

    def close(self, frame: _Frame, parent: _Frame) -> None:
        if frame.anchor is not None:
            name = frame.anchor
            self.define_anchor(name, frame.data, frame.height, None, frame.path, frame.acap)
            left = self.open_anchors[name] - 1
            if left:
                self.open_anchors[name] = left
            else:
                del self.open_anchors[name]
        if parent.height <= frame.height:
            parent.height = frame.height + 1
        self.attach(parent, frame.data)

    def lookup(self, event: Any, path: tuple) -> _Anchor:
        name = event.anchor
        if name in self.open_anchors:
            raise _Fatal(
                event.start_mark,
                path,
                f"alias '*{name}' is inside its own anchor '&{name}'; a spec cannot contain itself",
            )
        rec = self.anchors.get(name)
        if rec is None:
            raise _Fatal(event.start_mark, path, f"alias '*{name}' has no anchor '&{name}' before it")
        return rec

    def expand(self, event: Any, path: tuple, depth: int) -> tuple[Any, int]:
        """The value of an alias: a fresh copy of the anchored node, its entries re-rooted at ``path``."""
        rec = self.lookup(event, path)
        limits = self.limits
        added = max(rec.ve - rec.vs, 1)
        if self.alias_total + added > limits.max_alias_nodes:
            raise _Fatal(
                event.start_mark,
                path,
                f"aliases expand past {limits.max_alias_nodes} nodes (limit); "
                "a spec this repetitive is refused to protect the build",
            )
        if rec.height and depth + rec.height > limits.max_depth:
            raise _Fatal(event.start_mark, path, f"nesting deeper than {limits.max_depth} levels")
        self.alias_total += added
        base = rec.base
        self.vals.append((path, event.start_mark))
        if rec.ve - rec.vs > 1:
            self.vals.extend([(path + p[base:], m) for p, m in rec.vl[rec.vs + 1 : rec.ve]])
        if rec.ke > rec.ks:
            self.keys.extend([(path + p[base:], m) for p, m in rec.kl[rec.ks : rec.ke]])
        if rec.re > rec.rs:
            self.raws.extend([(path + p[base:], t) for p, t in rec.rl[rec.rs : rec.re]])
        value = _copy(rec.value) if rec.height else rec.value
        return value, rec.height

    def apply_merges(self, frame: _Frame) -> None:
        """Resolve ``<<``: keys of the merged mappings that the mapping does not set itself."""
        data = frame.data
        path = frame.path
        n = len(path) + 1
        for value, (gv, gk, gr), mark in frame.merges:
            if type(value) is dict:
                taken: set = set()
                for k, v in value.items():
                    if k not in data:
                        data[k] = v
                        taken.add(k)
                for src, dst in ((gv, self.vals), (gk, self.keys), (gr, self.raws)):
                    dst.extend([(path + p[n:], m) for p, m in src if len(p) > n and p[n] in taken])
            elif type(value) is list and all(type(v) is dict for v in value):
                taken = set()
                for i, item in enumerate(value):
                    for k, v in item.items():
                        if k not in data:
                            data[k] = v
                            taken.add((i, k))
                for src, dst in ((gv, self.vals), (gk, self.keys), (gr, self.raws)):
                    dst.extend([(path + p[n + 1 :], m) for p, m in src if len(p) > n + 1 and (p[n], p[n + 1]) in taken])
            else:
                raise _Fatal(mark, path + ("<<",), "'<<' merges a mapping or a list of mappings into this one")

    def scalar(self, event: Any, path: tuple) -> Any:
        value = event.value
        tag = event.tag
        plain = not event.style
        if tag is None or tag == "!":
            if tag is None and event.implicit[0]:
                tag = self.tags.get(value)
                if tag is None:
                    tag = self.tags[value] = self.loader.resolve(ScalarNode, value, (True, False))
                if tag == _STR:
                    return value
                if tag == _INT and value.isdigit() and (value[0] != "0" or value == "0") and len(value) < 20:
                    self.raws.append((path, value))  # plain decimal: what construct_yaml_int does
                    return ScalarInt(int(value), value)
            else:
                tag = _STR
        if tag == _STR:
            if event.style == '"':
                bad = _BAD_TEXT.search(value)
                if bad is not None:
                    self.problem(event.start_mark, path, "text contains " + _describe_char(bad.group()) + "; remove it")
            return value
        if tag not in _SCALAR_TAGS:
            if tag == _MERGE:
                return value  # a plain '<<' that is not a key is just text
            self.bad_tag(event, path, "a value")
        loader = self.loader
        try:
            if tag == _INT:
                if len(value) > _MAX_INT_CHARS:
                    self.problem(
                        event.start_mark, path, f"the number {_short(value)} is too long ({len(value)} characters)"
                    )
                    return value
                result: Any = ScalarInt(loader.construct_yaml_int(ScalarNode(tag, value)), value)
            elif tag == _FLOAT:
                number = loader.construct_yaml_float(ScalarNode(tag, value))
                if not math.isfinite(number):
                    self.problem(event.start_mark, path, f"'{_short(value)}' is not a usable number")
                    return value
                result = ScalarFloat(number, value)
            elif tag == _BOOL:
                result = loader.construct_yaml_bool(ScalarNode(tag, value))
            elif tag == _NULL:
                result = None
            else:  # timestamp
                result = loader.construct_yaml_timestamp(ScalarNode(tag, value)).isoformat()
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, IndexError) as exc:
            if tag == _TIMESTAMP and isinstance(exc, ValueError):
                self.problem(event.start_mark, path, f"{_short(value)} is not a real date")
            elif tag == _TIMESTAMP:
                self.problem(event.start_mark, path, f"'{_short(value)}' is not a date")
            else:
                self.problem(event.start_mark, path, f"'{_short(value)}' is not a valid {_display_tag(tag)[2:]}")
            return value
        if plain:
            self.raws.append((path, value))
        return result

    def fatal(self, mark: Any, path: tuple, message: str) -> SpecError:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        diag = Diagnostic(self.file, line, column, format_path(path), message)
        return SpecError(diagnostics=[*self.problems, diag])


# --------------------------------------------------------------------------- entry points


def parse(source: str, name: str, limits: Limits, loader: type | None = None) -> LoadedSpec:
    """The spec in ``source`` (already decoded and checked printable); ``loader``: a PyYAML loader class."""
    try:
        return _parse(source, name, limits, loader if loader is not None else loader_class())
    except _Retry:
        # libyaml refuses a lone-surrogate escape ("\\ud800") outright; PyYAML's own
        # parser reads it, so the same non-fatal problem is reported either way.
        return _parse(source, name, limits, yaml.SafeLoader)


class _Retry(Exception):
    """The C parser refused something the pure-Python parser reports better."""


def _bad_escape(source: str, mark: Any) -> tuple[str, int] | None:
    """The escape (such as ``\\U00110000``) whose hex digits start at ``mark``, and its code."""
    index = getattr(mark, "index", -1)
    if not 1 <= index < len(source):
        return None
    width = {"x": 2, "u": 4, "U": 8}.get(source[index - 1])
    digits = source[index : index + width] if width else ""
    if not width or len(digits) != width:
        return None
    try:
        return "\\" + source[index - 1] + digits, int(digits, 16)
    except ValueError:
        return None


def _parse(source: str, name: str, limits: Limits, loader_class: type) -> LoadedSpec:
    builder: _Builder | None = None
    loader = None
    # The data is a tree (no cycles), so the cyclic collector has nothing to find
    # while it is built; pausing it halves the load time of a large spec.
    collecting = gc.isenabled()
    gc.disable()
    try:
        loader = loader_class(source)
        builder = _Builder(loader, name, limits)
        data = builder.build()
    except _Fatal as exc:
        raise builder.fatal(exc.mark, exc.path, exc.message) from None
    except (yaml.YAMLError, ValueError) as exc:
        if loader_class is not yaml.SafeLoader:
            raise _Retry from None
        raise _syntax_error(exc, source, name, builder, loader) from None
    except (RecursionError, MemoryError):
        raise _fatal_or_file(builder, name, None, "the file is too complex to load") from None
    finally:
        if collecting:
            gc.enable()
        if loader is not None:
            with contextlib.suppress(Exception):  # disposing must not hide the real outcome
                loader.dispose()
    sourcemap = SourceMap(builder.vals, builder.keys, builder.raws)
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    return LoadedSpec(name, data, sourcemap, tuple(builder.problems), frozenset(builder.reported), digest=digest)


def _syntax_error(exc: Exception, source: str, name: str, builder: _Builder | None, loader: Any) -> SpecError:
    """The located error for what PyYAML's pure-Python parser refused."""
    if isinstance(exc, yaml.MarkedYAMLError):
        if exc.problem == "found invalid Unicode character escape code":
            escape = _bad_escape(source, exc.problem_mark)
            if escape is not None:
                message = f"YAML syntax: the escape {escape[0]} is not a Unicode character"
                return _fatal_or_file(builder, name, exc.problem_mark, message)
        mark, message = _syntax_message(exc, source)
        return _fatal_or_file(builder, name, mark, message)
    if isinstance(exc, yaml.reader.ReaderError):
        mark = position(source, min(max(exc.position, 0), len(source)))
        message = f"YAML syntax: character U+{exc.character:04X} is not allowed in a YAML file; remove it"
        return _fatal_or_file(builder, name, mark, message)
    if isinstance(exc, yaml.YAMLError):
        return _fatal_or_file(builder, name, None, f"YAML syntax: {exc}")
    # PyYAML's scanner calls chr() on "\\U00110000" and lets the ValueError out.
    mark = loader.get_mark() if loader is not None and hasattr(loader, "get_mark") else None
    escape = _bad_escape(source, mark) if mark is not None else None
    what = f"the escape {escape[0]}" if escape else "an escape code"
    return _fatal_or_file(builder, name, mark, f"YAML syntax: {what} is not a Unicode character")


def _fatal_or_file(builder: _Builder | None, name: str, mark: Any, message: str) -> SpecError:
    if builder is not None:
        return builder.fatal(mark, (), message)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return file_error(name, message, line, column)


def peek(text: str, max_depth: int) -> bool:
    """Whether the top level of ``text`` has an ``outlook`` key, from the first events (a broken rest still counts)."""
    text = non_printable().sub("\ufffd", text)
    loader = loader_class()(text)
    try:
        get_event = loader.get_event
        for expected in (StreamStartEvent, DocumentStartEvent, MappingStartEvent):
            if type(get_event()) is not expected:
                return False
        depth = 1
        key_turn = True
        while True:
            event = get_event()
            kind = type(event)
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                if depth == 1 and key_turn:
                    return False  # a complex key: not a spec
                depth += 1
                if depth > max_depth:
                    return False
                continue
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
                if depth == 0:
                    return False
                if depth == 1:
                    key_turn = not key_turn
                continue
            if kind is ScalarEvent or kind is AliasEvent:
                if depth == 1:
                    if key_turn and kind is ScalarEvent and event.value == "outlook":
                        return True
                    key_turn = not key_turn
                continue
            return False
    finally:
        loader.dispose()
