"""Where loaded spec data came from: limits, positions, the source map, the loaded spec, located file errors.

Shared by the reader (:mod:`.loader`) and the YAML event builder
(:mod:`.yaml_events`); nothing here needs PyYAML, so a build whose texts
were all read before (:mod:`.parsed`) never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from outlookgen.errors import Diagnostic, SpecError
from outlookgen.fields_repr import fields_repr

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_MB = 1024 * 1024


@dataclass(frozen=True, repr=False)
class Limits:
    """Input limits; a spec past any of them is refused with a clear, located error."""

    max_bytes: int = 5 * 1024 * 1024  # file size
    max_depth: int = 64  # nesting of mappings/sequences
    max_alias_nodes: int = 10_000  # total nodes that alias expansion may add
    # A realistic 5 MB spec has ~200k nodes; a file of bare one-character
    # items could have millions and take gigabytes to hold.
    max_nodes: int = 500_000

    __repr__ = fields_repr


class SourceMap:
    """Where each node of the loaded data was written (1-based line and column)."""

    __slots__ = ("_keys", "_pending", "_raws", "_values")

    def __init__(self, values: Iterable, keys: Iterable, raws: Iterable) -> None:
        # Mappings, or the (path, …) pairs in the order the loader met them (a later
        # one wins). Most builds never ask where a node is (only problems and
        # findings do), so the pairs become dicts on the first question: 41,000
        # entries at 2,000 tasks, some 5 ms before any document could start.
        self._pending: tuple | None = (values, keys, raws)

    def _index(self) -> None:
        values, keys, raws = self._pending
        self._values = dict(values)  # path -> Mark of the node
        self._keys = dict(keys)  # path -> Mark of the mapping key of that entry
        self._raws = dict(raws)  # path -> source text of a plain scalar that did not become str
        self._pending = None

    def value(self, path: tuple) -> tuple[int, int]:
        """Position of the node at ``path``; the nearest existing ancestor if absent; root -> (1, 1)."""
        if self._pending is not None:
            self._index()
        path = tuple(path)
        values = self._values
        while path:
            mark = values.get(path)
            if mark is not None:
                return (mark.line + 1, mark.column + 1)
            path = path[:-1]
        return (1, 1)

    def key(self, path: tuple) -> tuple[int, int]:
        """Position of the mapping key of the entry at ``path``; falls back to :meth:`value`."""
        if self._pending is not None:
            self._index()
        path = tuple(path)
        mark = self._keys.get(path)
        if mark is not None:
            return (mark.line + 1, mark.column + 1)
        return self.value(path)

    def raw(self, path: tuple) -> str | None:
        """Source text of a plain (unquoted) scalar that did not become a str, else None."""
        if self._pending is not None:
            self._index()
        return self._raws.get(tuple(path))

    def pairs(self) -> tuple[Iterable, Iterable, Iterable]:
        """(path, mark) of every node, of every mapping key, and (path, text) of raw scalars, as recorded."""
        if self._pending is not None:
            return self._pending
        return self._values.items(), self._keys.items(), self._raws.items()

    def __contains__(self, path: object) -> bool:
        if self._pending is not None:
            self._index()
        return path in self._values


@dataclass(frozen=True, repr=False)
class LoadedSpec:
    """A spec file read into plain data, with positions and the non-fatal problems found."""

    file: str  # the display name used in error lines
    data: dict  # plain data: dict / list / str / ScalarInt / ScalarFloat / bool / None
    source: SourceMap
    problems: tuple[Diagnostic, ...]  # non-fatal located problems found while loading
    reported: frozenset  # paths (tuples) already reported in `problems`
    includes: tuple[str, ...] = ()  # files merged in through `include:` (set by spec.includes)
    # sha256 of the text read (with its fragments'): what a verdict on this spec may be remembered by
    digest: str = ""

    def locate(self, path: tuple, *, key: bool = False) -> tuple[str, int, int]:
        """(file, line, column) of the node at ``path``, or of its mapping key.

        The file is this spec's, unless the node came from an included
        fragment (then the source map knows which file it is in).
        """
        locate = getattr(self.source, "locate", None)
        if locate is not None:
            return locate(path, key=key)
        line, column = self.source.key(path) if key else self.source.value(path)
        return self.file, line, column

    __repr__ = fields_repr


@cache
def non_printable() -> re.Pattern[str]:
    """Characters the YAML reader refuses in the raw stream (the same set as PyYAML's Reader).

    Compiled on first use: its astral range takes ~4 ms to compile, and a
    text read before is not scanned again.
    """
    return re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Mark:
    """A 0-based position, shaped like the parser's marks."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def position(text: str, index: int) -> Mark:
    """0-based line/column of ``text[index]``, counting line breaks the way YAML does."""
    line = 0
    start = 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line += 1
        start = match.end()
    return Mark(line, index - start)


def _size_text(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < _MB:
        value, unit = n / 1024, "KB"
    else:
        value, unit = n / _MB, "MB"
    shown = f"{value:.1f}".removesuffix(".0")
    return f"{shown} {unit}"


def too_big(file: str, size: int, limit: int) -> SpecError:
    size_s, limit_s = _size_text(size), _size_text(limit)
    if size_s == limit_s:  # 5 MB + 1 byte must not read "5 MB; the limit is 5 MB"
        size_s, limit_s = f"{size:,} bytes", f"{limit_s} ({limit:,} bytes)"
    return file_error(file, f"the file is {size_s}; the limit is {limit_s}")


def file_error(file: str, message: str, line: int = 1, column: int = 1) -> SpecError:
    return SpecError(diagnostics=[Diagnostic(file, line, column, "$", message)])
