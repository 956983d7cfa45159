"""Where each text of the outlook came from in the spec: a JSON pointer carried by the string itself.

A reviewed Word file is mapped back onto the spec (issue 20) through these
pointers: the docx writer bookmarks every paragraph or cell whose text is
one spec string. The pointer is attached once, when the outlook is built
(:func:`traced`), and rides along with the value: :class:`SpecText` is a
``str``, so every format, comparison and dict key sees the plain text, and
any text computed from it (``strip()``, a join, a date) is a plain ``str``
again — computed text is never taken for a spec value.

Text the outlook words itself from spec fields (a task's dates, a risk's
likelihood "High", an owner's "title — name") is :class:`Derived`: a
``str`` that names the fields it is computed from (``.sources``), so a
reviewer's edit of it can be pointed at the field to change instead. It is
worded once in the template context (``render/context.py``); like
:class:`SpecText` it is the plain text to every format, and any text made
from it is a plain ``str``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from outlookgen.spec.pointers import escape_token
from outlookgen.spec.scalars import ScalarFloat, ScalarInt

__all__ = ["Derived", "SpecText", "derived", "derived_beside", "field_beside", "pointer_of", "sources_of", "traced"]


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


class Derived(str):
    """A text computed from spec fields, with the JSON pointers of those fields (``.sources``)."""

    __slots__ = ("sources",)
    sources: tuple[str, ...]

    def __new__(cls, value: str, sources: tuple[str, ...]) -> Derived:
        obj = super().__new__(cls, value)
        obj.sources = sources
        return obj

    def __reduce__(self):  # keep the sources through pickling, as SpecText does
        return (Derived, (str(self), self.sources))


# SpecText and Derived made in bulk are made as their __new__ makes them, minus a Python frame each.
_new_str = str.__new__


def derived(text: str, *sources: str | None) -> str:
    """``text`` as :class:`Derived` from the fields ``sources`` (None and empty ones dropped, each once).

    With no source left it is a plain ``str``: text that comes from no spec
    field (a label, a default the plan does not name) is not marked.
    """
    kept = tuple(dict.fromkeys(s for s in sources if s))
    if any(" " in s for s in kept):  # the Word marker lists sources separated by spaces (render/docx/trace.py)
        raise ValueError(f"a source pointer holds a space: {kept!r}")
    return Derived(text, kept) if kept else str(text)


def pointer_of(value: Any) -> str | None:
    """The spec location of ``value`` when it is a spec text as written, else None (computed text)."""
    return value.pointer if isinstance(value, SpecText) else None


def sources_of(value: Any) -> tuple[str, ...]:
    """The spec fields a computed text comes from (:class:`Derived`), else ``()``."""
    return value.sources if isinstance(value, Derived) else ()


def field_beside(value: Any, name: str) -> str | None:
    """The pointer of field ``name`` of the object holding spec text ``value``, None when ``value`` has no pointer.

    ``/risks/1/id`` and ``owner`` give ``/risks/1/owner``: an item's id
    locates its other fields, whether the spec writes them or leaves them
    to their default.
    """
    pointer = pointer_of(value)
    if pointer is None:
        return None
    return pointer.rsplit("/", 1)[0] + "/" + escape_token(name)


def derived_beside(value: Any, text: str, *names: str) -> str:
    """``text`` worded from the fields ``names`` beside spec text ``value``: ``derived(text, *(field_beside(value,
    name) for name in names))`` in one step.

    The template context words some 18,000 texts of a 2,000-task plan this
    way: the item's pointer is split once, and the fields' tokens are
    escaped once per set of names.
    """
    pointer = value.pointer if isinstance(value, SpecText) else None
    if pointer is None or not names:
        return str(text)
    cut = pointer.rfind("/")
    base = pointer[:cut] if cut >= 0 else pointer
    suffixes, spaced = _suffixes(names)
    kept = tuple(map(base.__add__, suffixes))
    if spaced or " " in base:  # as derived() refuses them
        raise ValueError(f"a source pointer holds a space: {kept!r}")
    made = _new_str(Derived, text)
    made.sources = kept
    return made


@lru_cache(maxsize=256)  # the sets of names are the context's own: a few dozen
def _suffixes(names: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """``/`` and each field's token (each once), and whether one holds a space."""
    suffixes = tuple(dict.fromkeys("/" + _token(name) for name in names))
    return suffixes, any(" " in suffix for suffix in suffixes)


def traced(data: Any, pointer: str = "") -> Any:
    """A copy of the loaded spec data whose strings are :class:`SpecText` with their JSON pointers (RFC 6901)."""
    kind = type(data)
    if kind is dict:
        return _traced_dict(data, pointer)
    if kind is list:
        return _traced_list(data, pointer)
    if kind is str:
        return SpecText(data, pointer)
    # What a loaded spec never holds (other mappings, str subclasses) goes the general way.
    if isinstance(data, str):
        return data if isinstance(data, SpecText) else SpecText(data, pointer)
    if isinstance(data, Mapping):
        return {key: traced(value, f"{pointer}/{escape_token(str(key))}") for key, value in data.items()}
    if isinstance(data, list):
        return [traced(value, f"{pointer}/{index}") for index, value in enumerate(data)]
    return data


# A spec of 2,000 tasks holds some 26,000 values: the plain dicts, lists and
# strings it is made of are copied below without a call per value, and a
# number, a boolean or None (kept as it is) is never given a pointer.


def _traced_dict(data: dict, pointer: str) -> dict:
    out = {}
    for key, value in data.items():
        kind = type(value)
        if kind is str:
            text = out[key] = _new_str(SpecText, value)
            text.pointer = pointer + "/" + _token(key)
        elif kind is dict:
            out[key] = _traced_dict(value, pointer + "/" + _token(key))
        elif kind is list:
            out[key] = _traced_list(value, pointer + "/" + _token(key))
        elif value is None or kind is bool or kind is int or kind is float or kind is ScalarInt or kind is ScalarFloat:
            out[key] = value
        else:
            out[key] = traced(value, pointer + "/" + _token(key))
    return out


def _traced_list(data: list, pointer: str) -> list:
    out = []
    append = out.append
    for index, value in enumerate(data):
        kind = type(value)
        if kind is str:
            text = _new_str(SpecText, value)
            text.pointer = f"{pointer}/{index}"
            append(text)
        elif kind is dict:
            append(_traced_dict(value, f"{pointer}/{index}"))
        elif kind is list:
            append(_traced_list(value, f"{pointer}/{index}"))
        elif value is None or kind is bool or kind is int or kind is float or kind is ScalarInt or kind is ScalarFloat:
            append(value)
        else:
            append(traced(value, f"{pointer}/{index}"))
    return out


def _token(key: Any) -> str:
    """``escape_token(str(key))``; a plain key (nearly all of them) is its own token."""
    if type(key) is str and "~" not in key and "/" not in key:
        return key
    return escape_token(str(key))
