"""The fast paths of model/trace.py give exactly what the general definitions give."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from outlookgen.model.trace import (
    Derived,
    SpecText,
    derived,
    derived_beside,
    field_beside,
    pointer_of,
    sources_of,
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


@pytest.mark.parametrize(
    "value",
    [
        "R1",  # no pointer: plain text
        SpecText("R1", "/risks/0/id"),
        SpecText("R1", "/risks/0/x-a~1b"),
        SpecText("top", "no-slash"),
        SpecText("root", ""),
        Derived("worded", ("/a/b",)),
    ],
)
@pytest.mark.parametrize(
    "names",
    [(), ("owner",), ("start", "after", "duration"), ("status", "status"), ("a/b", "c~d"), ("x-1",)],
)
def test_derived_beside_is_derived_of_field_beside(value, names):
    text = SpecText("High", "/risks/0/likelihood")
    made = derived_beside(value, text, *names)
    expected = derived(text, *(field_beside(value, name) for name in names))
    assert (type(made), made, sources_of(made)) == (type(expected), expected, sources_of(expected))
    assert pointer_of(made) is None  # worded text is never the spec's own


def test_derived_beside_refuses_a_space_as_derived_does():
    with pytest.raises(ValueError, match="holds a space"):
        derived_beside(SpecText("R1", "/risks/0/id"), "x", "two words")
    with pytest.raises(ValueError, match="holds a space"):
        derived_beside(SpecText("R1", "/x-a b/0/id"), "x", "owner")
