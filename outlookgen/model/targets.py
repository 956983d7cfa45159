"""Targets and measured values: parsing "≤ 2%", "不低于85%" or 85 into comparator, number and unit.

A target is what an objective or KPI must reach. It is written for people,
so the parser is lenient: the first number in the text is the value, what
stands before it may carry a comparator (a symbol such as ``≤`` or ``>=``,
or a word such as 不低于 / "at least"), what follows it is the unit, except
for a trailing comparator word (以内, 以下, 以上, "or less"...).

Comparators are normalised to ``<=``, ``<``, ``>=``, ``>`` or ``=`` (``≈``
and ``~`` count as ``=``). A target without a number (``"提高效率"``) parses
with ``value`` None: it is legal, the linter flags it as not measurable.

``direction`` says which way is better: ``"down"`` for ``<``/``<=``,
``"up"`` for ``>``/``>=``; for ``=`` or no comparator it comes from the
baseline when both have a number (baseline above target → down, else up),
otherwise it is None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from outlookgen.fields_repr import fields_repr
from outlookgen.spec.scalars import as_text

__all__ = ["Target", "parse_number", "parse_target"]

# Tolerance for "=" targets (and nothing else): measured values are floats.
EQUAL_TOLERANCE = 1e-9

# Thousands groups ("1,200") before plain digits, so "1,200" is one number.
_NUMBER = re.compile(r"[-+\u2212]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)")

_SYMBOLS: dict[str, str] = {
    "<=": "<=", "=<": "<=", "≤": "<=", "≦": "<=", "⩽": "<=",
    ">=": ">=", "=>": ">=", "≥": ">=", "≧": ">=", "⩾": ">=",
    "<": "<", "＜": "<",
    ">": ">", "＞": ">",
    "==": "=", "=": "=", "＝": "=", "≈": "=", "~": "=", "～": "=",
}  # fmt: skip

# Words before the number. Longest first, so 不低于 wins over 低于.
_PREFIX_WORDS: dict[str, str] = {
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=", "最少": ">=",
    "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=", "至多": "<=", "最多": "<=",
    "低于": "<", "少于": "<", "小于": "<",
    "高于": ">", "超过": ">", "多于": ">", "大于": ">",
    "at least": ">=", "no less than": ">=", "not less than": ">=", "minimum": ">=", "min": ">=",
    "at most": "<=", "no more than": "<=", "not more than": "<=", "up to": "<=", "within": "<=",
    "maximum": "<=", "max": "<=",
    "less than": "<", "fewer than": "<", "under": "<", "below": "<",
    "more than": ">", "greater than": ">", "over": ">", "above": ">",
}  # fmt: skip

# Words after the number (and its unit).
_SUFFIX_WORDS: dict[str, str] = {
    "及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=",
    "or more": ">=", "or higher": ">=", "or above": ">=", "or greater": ">=",
    "or less": "<=", "or fewer": "<=", "or lower": "<=", "or below": "<=",
}  # fmt: skip


def _longest_first(table: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(table.items(), key=lambda item: -len(item[0])))


_SYMBOLS_ORDERED = _longest_first(_SYMBOLS)
_PREFIX_ORDERED = _longest_first(_PREFIX_WORDS)
_SUFFIX_ORDERED = _longest_first(_SUFFIX_WORDS)


@dataclass(frozen=True, slots=True, repr=False)
class Target:
    """A parsed target; ``raw`` is the text as written and what documents print."""

    raw: str
    comparator: str | None = None
    value: float | None = None
    unit: str | None = None
    direction: str | None = None

    @property
    def measurable(self) -> bool:
        """True when the target has a number to measure against."""
        return self.value is not None

    def met_by(self, actual: float | None) -> bool | None:
        """Whether a measured value reaches the target; None when that cannot be judged.

        The comparator decides (``=`` within 1e-9). Without one, the direction
        does (down → ``<=``, up → ``>=``). Otherwise, or without numbers: None.
        """
        if self.value is None or actual is None:
            return None
        comparator = self.comparator
        if comparator is None:
            comparator = {"down": "<=", "up": ">="}.get(self.direction or "")
        if comparator == "<=":
            return actual <= self.value
        if comparator == "<":
            return actual < self.value
        if comparator == ">=":
            return actual >= self.value
        if comparator == ">":
            return actual > self.value
        if comparator == "=":
            return abs(actual - self.value) <= EQUAL_TOLERANCE
        return None

    def __str__(self) -> str:
        return self.raw

    __repr__ = fields_repr


def parse_number(value: Any) -> float | None:
    """The number in a measured value: ``98`` → 98.0, ``"97.5%"`` → 97.5, ``"1,200"`` → 1200.0.

    The first number in a string counts; booleans, non-finite numbers and
    text without a number give None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    match = _NUMBER.search(value)
    return _to_float(match.group()) if match else None


def parse_target(value: Any, baseline: Any = None) -> Target:
    """Parse a target as written in the spec; ``baseline`` only settles the direction.

    >>> parse_target("≤ 2%")
    Target(raw='≤ 2%', comparator='<=', value=2.0, unit='%', direction='down')
    >>> parse_target("不低于85%").comparator
    '>='
    """
    raw = as_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = parse_number(value)
        return Target(raw=raw, value=number, direction=_direction(None, number, baseline))

    text = raw.strip()
    match = _NUMBER.search(text)
    if match is None:
        return Target(raw=raw)
    number = _to_float(match.group())
    comparator = _comparator_before(text[: match.start()].strip())
    rest = text[match.end() :].strip()
    rest, after = _comparator_after(rest)
    comparator = comparator or after
    unit = rest or None
    return Target(
        raw=raw,
        comparator=comparator,
        value=number,
        unit=unit,
        direction=_direction(comparator, number, baseline),
    )


def _to_float(text: str) -> float:
    return float(text.replace(",", "").replace("\u2212", "-"))


def _comparator_before(prefix: str) -> str | None:
    if not prefix:
        return None
    for symbol, comparator in _SYMBOLS_ORDERED:
        if prefix.endswith(symbol):
            return comparator
    lowered = prefix.lower()
    for word, comparator in _PREFIX_ORDERED:
        if _ends_with_word(lowered, word):
            return comparator
    return None


def _comparator_after(rest: str) -> tuple[str, str | None]:
    lowered = rest.lower()
    for word, comparator in _SUFFIX_ORDERED:
        if _ends_with_word(lowered, word):
            return rest[: len(rest) - len(word)].strip(), comparator
    return rest, None


def _ends_with_word(text: str, word: str) -> bool:
    """``text`` ends with ``word``; an English word must not be the tail of a longer word."""
    if not text.endswith(word):
        return False
    if not word.isascii() or len(text) == len(word):
        return True
    before = text[-len(word) - 1]
    return not (before.isascii() and before.isalnum())


def _direction(comparator: str | None, number: float | None, baseline: Any) -> str | None:
    if comparator in ("<", "<="):
        return "down"
    if comparator in (">", ">="):
        return "up"
    base = parse_number(baseline)
    if number is None or base is None:
        return None
    return "down" if base > number else "up"
