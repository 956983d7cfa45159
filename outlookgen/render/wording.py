"""Locale-aware wording of values: dates, unit spans, money, percentages, enum labels.

Every pattern comes from the pack's labels, so a pack (or a new locale) changes
wording without code; patterns are filled by :func:`outlookgen.packs.labels.fill`
(plain ``{name}`` placeholders only). Outputs are plain strings; escaping is
the writers' job. The one exception: the label of an enum value the spec
wrote (:meth:`Wording.value` of a spec text) names that field as its source
(:class:`outlookgen.model.trace.Derived`), still a ``str`` to every writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from outlookgen.model.trace import derived, pointer_of
from outlookgen.packs.labels import fill


class Wording:
    """Formats values with one locale's labels."""

    def __init__(self, labels: Mapping[str, Any], unit: str = "week") -> None:
        self.labels = labels
        self.unit_name = unit
        self.has_baseline = False  # a slip of None reads "new" only when the plan has a baseline
        self._fmt = labels["format"]
        self._units = labels["units"][unit]
        # A plan's thousands of tasks share a few hundred date ranges and unit spans (2,000
        # generated tasks: 270 ranges): each is worded once and kept.
        self._ranges: dict[tuple[date | None, date | None], str] = {}
        self._spans: dict[tuple[int, int], str] = {}

    # -- dates -----------------------------------------------------------
    def date(self, value: date | None, *, short: bool = False) -> str:
        if value is None:
            return ""
        pattern = self._fmt["date_short" if short else "date"]
        return fill(
            pattern,
            day=value.day,
            month=self._fmt["months"][value.month - 1],
            month_short=self._fmt["months_short"][value.month - 1],
            month_number=value.month,
            year=value.year,
        )

    def date_range(self, start: date | None, end: date | None) -> str:
        text = self._ranges.get((start, end))
        if text is None:
            text = self._ranges[start, end] = self._date_range(start, end)
        return text

    def _date_range(self, start: date | None, end: date | None) -> str:
        if start is None or end is None:
            return ""
        if start == end:
            return self.date(start, short=True)
        return fill(self._fmt["range"], start=self.date(start, short=True), end=self.date(end, short=True))

    # -- planning units --------------------------------------------------
    def unit(self, n: int) -> str:
        return fill(self._units["one"], n=n)

    def span(self, first: int, last: int) -> str:
        """W3–W6 / 第3-6周; a single unit reads W3 / 第3周."""
        text = self._spans.get((first, last))
        if text is None:
            text = self._spans[first, last] = self.unit(first) if last <= first else self._span(first, last)
        return text

    def _span(self, first: int, last: int) -> str:
        return fill(self._units["span"], start=first, end=last)

    def count(self, n: int) -> str:
        return self._units["count_one"] if n == 1 else fill(self._units["count"], n=n)

    # -- numbers ----------------------------------------------------------
    def number(self, value: float | int | None) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return f"{value:,}"
        # Decimal avoids 0.1 + 0.2 artefacts and keeps the author's precision.
        text = format(Decimal(repr(value)).normalize(), "f")
        whole, _, frac = text.partition(".")
        return f"{int(whole):,}" + (f".{frac}" if frac else "") if whole.lstrip("-").isdigit() else text

    def money(self, amount: float | int | None, currency: str) -> str:
        if amount is None:
            return ""
        if isinstance(amount, float) and not amount.is_integer():
            shown = f"{amount:,.2f}"
        else:
            shown = f"{round(amount):,}"
        return fill(self._fmt["money"], amount=shown, currency=currency)

    def percent(self, share: float | int | None, *, digits: int = 1) -> str:
        """A percentage given as 0–100."""
        if share is None:
            return ""
        rounded = round(float(share), digits)
        shown = str(int(rounded)) if rounded.is_integer() else f"{rounded:.{digits}f}"
        return fill(self._fmt["percent"], n=shown)

    # -- words -------------------------------------------------------------
    def value(self, kind: str, key: str | None) -> str:
        """The label of an enum value (``stage`` ``pilot`` → "Pilot" / "试点"), computed from the field ``key`` is."""
        if key is None:
            return ""
        return derived(self.labels["value"].get(kind, {}).get(key, key), pointer_of(key))

    def with_note(self, text: str, note: str | None) -> str:
        """``Done (60%)`` / ``已完成（60%）``: a value with a parenthesised note, if any."""
        return fill(self._fmt["with_note"], text=text, note=note) if note else text

    def join(self, items: Iterable[str]) -> str:
        return self._fmt["list_separator"].join(i for i in items if i)

    @property
    def none(self) -> str:
        return self._fmt["none"]
