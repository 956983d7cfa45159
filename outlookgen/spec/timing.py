"""How a spec writes time: durations (``4``, ``3d``, ``2w``), lags (``2d``, ``-1w``), dependency entries and dates.

Shared by the reference checks (which must not import the model) and by the
model, so both read the same text the same way. Values here come from a
spec that may be invalid: every parser returns None for what it cannot
read, and the schema check has already said why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from outlookgen.fields_repr import fields_repr

__all__ = [
    "LINK_TYPES",
    "Amount",
    "DependencyEntry",
    "dependency_entries",
    "parse_amount",
    "parse_day",
]

# Finish-to-start is what a plain id means; the other three are MS Project's.
LINK_TYPES = ("FS", "SS", "FF", "SF")

_AMOUNT = re.compile(r"^\s*([+-]?)\s*([0-9]{1,5})\s*([dw]?)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True, repr=False)
class Amount:
    """A length of time as written: ``value`` in ``unit`` (``""`` the roadmap's unit, ``d`` days, ``w`` weeks)."""

    value: int
    unit: str = ""

    @property
    def text(self) -> str:
        """As a person writes it: ``2d``, ``-1w``, ``3`` (planning units)."""
        return f"{self.value}{self.unit}"

    __repr__ = fields_repr


def parse_amount(value: Any, *, signed: bool = False) -> Amount | None:
    """``4`` (planning units), ``"3d"`` or ``"2w"``; with ``signed`` also ``-2d`` (a lead). None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value < 0 and not signed:
            return None
        return Amount(int(value))
    if not isinstance(value, str):
        return None
    match = _AMOUNT.match(value)
    if match is None:
        return None
    sign, number, unit = match.groups()
    if sign and not signed:
        return None
    amount = int(number)
    return Amount(-amount if sign == "-" else amount, unit)


def parse_day(value: Any) -> date | None:
    """An ISO date written in a spec (the loader gives dates as text); None for anything else."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True, repr=False)
class DependencyEntry:
    """One entry of an ``after`` list: the task it names, the link type, and the lag (None: no lag)."""

    index: int
    id: str
    type: str = "FS"
    lag: Amount | None = None
    typed: bool = False  # written as a mapping (``{id: T1, type: SS}``), not a plain id

    __repr__ = fields_repr


def dependency_entries(after: Any) -> list[DependencyEntry]:
    """The readable entries of an ``after`` list, plain ids and ``{id, type, lag}`` mappings alike."""
    if not isinstance(after, list):
        return []
    entries = []
    for index, item in enumerate(after):
        if isinstance(item, str):
            entries.append(DependencyEntry(index, item))
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            kind = item.get("type", "FS")
            lag = parse_amount(item["lag"], signed=True) if "lag" in item else None
            entries.append(
                DependencyEntry(
                    index,
                    item["id"],
                    kind if kind in LINK_TYPES else "FS",
                    lag if lag is not None and lag.value else None,
                    typed=True,
                )
            )
    return entries
