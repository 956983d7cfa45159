"""Budget arithmetic: totals by category and by phase, the reserve share, percent-of-total amounts.

Amounts keep Python's int/float: a budget written in whole numbers sums to
an int (120000, not 120000.0), and a computed share that comes out whole is
an int too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

__all__ = [
    "CATEGORY_ORDER",
    "RESERVE_CATEGORIES",
    "amount_by",
    "default_currency",
    "percent_of",
    "reserve_share",
    "tidy_number",
]

Number = int | float
K = TypeVar("K", bound=Hashable)

# The spec's enum order, which is also the order the documents list them in.
CATEGORY_ORDER: tuple[str, ...] = (
    "software",
    "hardware",
    "services",
    "people",
    "training",
    "contingency",
    "reserve",
    "other",
)
# Money held back for the unknown: the "share held in contingency/reserve".
RESERVE_CATEGORIES: frozenset[str] = frozenset({"contingency", "reserve"})


def default_currency(locale: str | None) -> str:
    """``CNY`` for a zh-CN outlook, ``USD`` otherwise."""
    return "CNY" if locale == "zh-CN" else "USD"


def tidy_number(value: Number) -> Number:
    """A plain int or float (no YAML scalar subclass); a whole computed float becomes an int."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return int(value)
    number = float(value)
    return int(number) if number.is_integer() else number


def amount_by(pairs: Iterable[tuple[K, Number]], order: Sequence[K]) -> tuple[tuple[K, Number], ...]:
    """Sum amounts per key; keys in ``order`` first (in that order), then the rest as first seen.

    Only keys that occur are listed.
    """
    sums: dict[K, Number] = {}
    for key, amount in pairs:
        sums[key] = sums.get(key, 0) + amount
    rank = {key: index for index, key in enumerate(order)}
    ordered = sorted(sums, key=lambda key: rank.get(key, len(rank)))  # stable: ties keep first-seen order
    return tuple((key, sums[key]) for key in ordered)


def reserve_share(reserve: Number, total: Number) -> float:
    """``reserve / total``, 0 for an empty budget."""
    return reserve / total if total else 0.0


def percent_of(total: Number, percent: Number) -> Number:
    """``percent`` % of ``total``, an int when it comes out whole from whole inputs."""
    share = total * percent / 100
    if isinstance(total, int) and isinstance(percent, int) and float(share).is_integer():
        return int(share)
    return share
