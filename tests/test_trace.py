"""The fast paths of model/trace.py give exactly what the general definitions give."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from outlookgen.model.trace import (
    SpecText,
    pointer_of,
    traced,
)
from outlookgen.spec.loader import load_text
from outlookgen.spec.pointers import escape_token
from outlookgen.spec.scalars import ScalarFloat, ScalarInt


def _reference(data: Any, pointer: str = "") -> Any:
    """traced() as first written: one call per value, every kind told apart by isinstance."""
    if isinstance(data, str):
        return data if isinstance(data, SpecText) else SpecText(data, pointer)
    if isinstance(data, MappingProxyType | dict):
        return {key: _reference(value, f"{pointer}/{escape_token(str(key))}") for key, value in data.items()}
    if isinstance(data, list):
        return [_reference(value, f"{pointer}/{index}") for index, value in enumerate(data)]
    return data


def _shape(value: Any) -> Any:
    """Everything about a traced value that a writer can see: types, texts, pointers, spellings."""
    if isinstance(value, dict):
        return ("dict", [(type(k).__name__, k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_shape(v) for v in value])
    return (type(value).__name__, value, pointer_of(value), getattr(value, "source", None))


class _Text(str):
    pass


class _Items(list):
    pass


MIXED = {
    "plain": "a",
    "x-a/b~c": ["one", {"k": "two", "n": None}],
    3: "an int key",
    "numbers": [ScalarInt(7, "07"), ScalarFloat(1.1, "1.10"), True, 2, 2.5, None],
    "proxy": MappingProxyType({"inner": ["deep", {"~": "tilde"}]}),
    "subclass": _Text("kept as SpecText"),
    "already": SpecText("keeps its pointer", "/elsewhere"),
    "items": _Items(["x", {"y": "z"}]),
    "tuple": ("left", "as is"),
    "empty": {"list": [], "map": {}},
}


def test_traced_is_the_general_definition_for_every_kind_of_value():
    assert _shape(traced(MIXED)) == _shape(_reference(MIXED))
    assert _shape(traced(MIXED, "/base")) == _shape(_reference(MIXED, "/base"))
    for top in ("text", ["a", ["b"]], None, 3):
        assert _shape(traced(top, "/p")) == _shape(_reference(top, "/p"))


def test_traced_loaded_spec_matches_the_general_definition():
    spec = load_text(
        "outlook: 1\nmeta: {title: T, date: 2026-01-05, version: 1.10}\n"
        "a/b: [x, 0755, {c~d: y, e: [1, 2.0, yes, ~]}]\n",
        "s.yaml",
    )
    assert _shape(traced(spec.data)) == _shape(_reference(spec.data))
