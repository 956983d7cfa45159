"""Where each text of the outlook came from in the spec: a JSON pointer carried by the string itself.

A reviewed Word file is mapped back onto the spec (issue 20) through these
pointers: the docx writer bookmarks every paragraph or cell whose text is
one spec string. The pointer is attached once, when the outlook is built
(:func:`traced`), and rides along with the value: :class:`SpecText` is a
``str``, so every format, comparison and dict key sees the plain text, and
any text computed from it (``strip()``, a join, a date) is a plain ``str``
again — computed text is never taken for a spec value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["SpecText", "pointer_of", "traced"]


class SpecText(str):
    """A text exactly as the spec holds it, with its JSON pointer (``/drivers/1/impact``)."""

    __slots__ = ("pointer",)
    pointer: str

    def __new__(cls, value: str, pointer: str) -> SpecText:
        obj = super().__new__(cls, value)
        obj.pointer = pointer
        return obj

    def __reduce__(self):  # keep the pointer through pickling (process pools, forked renders)
        return (SpecText, (str(self), self.pointer))


def pointer_of(value: Any) -> str | None:
    """The spec location of ``value`` when it is a spec text as written, else None (computed text)."""
    return value.pointer if isinstance(value, SpecText) else None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def traced(data: Any, pointer: str = "") -> Any:
    """A copy of the loaded spec data whose strings are :class:`SpecText` with their JSON pointers (RFC 6901)."""
    if isinstance(data, str):
        return data if isinstance(data, SpecText) else SpecText(data, pointer)
    if isinstance(data, Mapping):
        return {key: traced(value, f"{pointer}/{_escape(str(key))}") for key, value in data.items()}
    if isinstance(data, list):
        return [traced(value, f"{pointer}/{index}") for index, value in enumerate(data)]
    return data
