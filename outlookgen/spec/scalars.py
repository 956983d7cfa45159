"""Numbers that remember how they were written, so text fields keep the author's spelling."""

from __future__ import annotations

from typing import Any


class ScalarInt(int):
    """An int read from YAML that keeps its source text (``0755`` stays ``0755`` in text)."""

    source: str

    def __new__(cls, value: int, source: str) -> ScalarInt:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj

    def __reduce__(self):  # keep the source through pickling (process pools)
        return (ScalarInt, (int(self), self.source))


class ScalarFloat(float):
    """A float read from YAML that keeps its source text (``version: 1.10`` stays ``1.10``).

    The same idea as ruamel.yaml's ScalarFloat: YAML 1.1 turns ``1.10`` into
    1.1, but the spec format promises that a number in a text field is used
    as written.
    """

    source: str

    def __new__(cls, value: float, source: str) -> ScalarFloat:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj

    def __reduce__(self):
        return (ScalarFloat, (float(self), self.source))


def as_text(value: Any) -> str:
    """A text field's value as the author wrote it (numbers keep their spelling)."""
    if isinstance(value, str):
        return value
    source = getattr(value, "source", None)
    if source is not None:
        return source
    return str(value)
