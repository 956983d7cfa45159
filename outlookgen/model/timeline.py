"""One plan's three clocks: the spec's planning units, working days (what the scheduler counts) and calendar days.

The scheduler (:mod:`outlookgen.model.schedule`) counts whole working days
of the plan's :class:`~outlookgen.model.calendar.WorkCalendar`. A spec
writes planning units (``start: 3``, ``duration: 4``), days or weeks of
work (``3d``, ``2w``) and dates; documents place bars by calendar day and
name spans by unit ("W3–W5"). This module converts between them, so the
rules live in one place:

- a planning unit of work is ``calendar.unit_length(unit)`` working days
  (a week: 7 on the plain calendar, 5 on a Monday–Friday one);
- ``start: S`` is a place on the calendar, the beginning of unit ``S``
  (``origin + (S-1) × 7`` days for weeks): the task starts on the first
  working day from there; ``start: 2026-03-09`` names the day itself;
- a milestone ``at: N`` falls at the end of unit ``N``, on its last working day;
- a task's bar runs from the calendar day it starts to the end of the day
  it ends (``begin_day``/``end_day``, the end exclusive); its units are the
  ones that bar touches.

On the plain calendar with whole units every conversion is the identity
times the unit length, which keeps format 1 specs' outputs to the byte.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from outlookgen.model.calendar import WorkCalendar
from outlookgen.model.schedule import UNIT_DAYS
from outlookgen.model.workdays import last_working_day
from outlookgen.spec.timing import Amount, parse_day

__all__ = ["Timeline"]


class Timeline:
    """Conversions for one plan: its calendar and its planning unit."""

    def __init__(self, calendar: WorkCalendar, unit: str) -> None:
        self.calendar = calendar
        self.unit = unit
        self.unit_ticks = calendar.unit_length(unit)  # working days per unit
        self.unit_days = UNIT_DAYS[unit]  # calendar days per unit

    @property
    def origin(self) -> date | None:
        return self.calendar.origin

    # -- spec values → working days -------------------------------------------

    def work(self, amount: Amount) -> int:
        """Working days in a duration or lag as written (``4`` units, ``3d``, ``2w``)."""
        if amount.unit == "d":
            return amount.value
        if amount.unit == "w":
            return amount.value * self.calendar.unit_length("week")
        return amount.value * self.unit_ticks

    def unit_begin(self, unit_number: int) -> int:
        """The working day a task given ``start: unit_number`` starts on (0-based)."""
        if self.calendar.plain or self.origin is None:
            return (unit_number - 1) * self.unit_ticks
        return self.calendar.tick_at(self.origin + timedelta(days=(unit_number - 1) * self.unit_days))

    def start_tick(self, value: object) -> int | None:
        """A task's ``start`` (a unit number or a date) as the working day it may begin on; None for none."""
        if value is None or isinstance(value, bool):
            return None
        day = parse_day(value)
        if day is not None:
            return self.calendar.tick_at(day) if self.origin is not None else None
        return self.unit_begin(int(value))  # type: ignore[call-overload]

    def at_tick(self, value: object) -> tuple[int, date | None]:
        """A milestone's ``at`` (the end of a unit, or a date) as a time, and the date it was given as."""
        day = parse_day(value)
        if day is not None:
            return self.after_day(day), day
        number = int(value)  # type: ignore[call-overload]
        if self.calendar.plain or self.origin is None:
            return number * self.unit_ticks, None
        return self.calendar.tick_at(self.origin + timedelta(days=number * self.unit_days)), None

    def day_tick(self, day: date) -> int:
        """The working day a task that starts on ``day`` begins on."""
        return self.calendar.tick_at(day)

    def after_day(self, day: date) -> int:
        """The time at the end of ``day``: the first working day after it."""
        return self.calendar.tick_at(day + timedelta(days=1))

    # -- working days → dates and calendar days ---------------------------------

    def start_date(self, tick: int) -> date | None:
        return self.calendar.tick_date(tick)

    def end_date(self, start: int, finish: int) -> date | None:
        """A task's last day (inclusive); a 0-duration task ends the day it starts."""
        if finish <= start:
            return self.calendar.tick_date(start)
        return self.calendar.tick_date(finish - 1)

    def point_date(self, tick: int) -> date | None:
        """The day a milestone at ``tick`` marks: the last working day before it (the first day for 0)."""
        if tick <= 0:
            return self.origin
        day = self.calendar.tick_date(tick - 1)
        if self.calendar.plain and day is not None and self.origin is not None:
            # Issue 15: the plain calendar works every day, but no go-live falls on the
            # Sunday that ends a plan week: the day is the unit's last weekday.
            unit_first = self.origin + timedelta(days=(tick - 1) // self.unit_days * self.unit_days)
            return last_working_day(unit_first, day)
        return day

    def bar(self, start: int, finish: int, first: date | None, last: date | None) -> tuple[int, int]:
        """A task's place in calendar days from the first day: (begin, end), the end exclusive."""
        if self.calendar.plain or self.origin is None or first is None or last is None:
            return start, finish
        begin = (first - self.origin).days
        return begin, ((last - self.origin).days + 1 if finish > start else begin)

    def point_day(self, tick: int, day: date | None) -> int:
        """A milestone's place in calendar days: the end of the day it marks."""
        if self.calendar.plain or self.origin is None or day is None:
            return tick
        return (day - self.origin).days + 1 if tick > 0 or day > self.origin else 0

    # -- calendar days → units --------------------------------------------------

    def units(self, begin_day: int, end_day: int) -> tuple[int, int]:
        """The units a bar touches, as times: (first unit − 1, last unit); a point gives (t, t)."""
        first = begin_day // self.unit_days
        if end_day <= begin_day:
            return first, first
        return first, math.ceil(end_day / self.unit_days)

    def point_units(self, day: int) -> int:
        """The time (unit end) a milestone at calendar day ``day`` shows at."""
        return math.ceil(day / self.unit_days)

    def day_date(self, day: int) -> date | None:
        """The date ``day`` calendar days after the first day (None without one, or past year 9999)."""
        if self.origin is None:
            return None
        try:
            return self.origin + timedelta(days=day)
        except OverflowError:
            return None

    def last_day(self, end_day: int) -> date | None:
        """The last day before calendar position ``end_day`` (the first day itself for 0)."""
        return self.day_date(end_day - 1) if end_day > 0 else self.origin
