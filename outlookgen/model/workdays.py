"""Which day a milestone falls on: the last working day of the planning unit it closes.

A milestone marks the end of a unit (schedule: time ``t`` is the end of unit
``t``). On the plain calendar the last day of a week is a Sunday — seven days
after a Monday start — and no go-live or steering meeting happens then, so
the milestone's *day* (shown in every format and written to the calendar
file) is the last working day of that unit: the Friday of a Monday-to-Sunday
plan week. Durations and the chart's unit columns do not change.

Working days are Monday to Friday here (a spec without ``roadmap.calendar``,
whose plain calendar counts every day); a declared working calendar says
which days it works through ``is_working`` (any ``date -> bool``). A unit
with no working day at all (a day-unit plan's Saturday) keeps its last day.
:meth:`outlookgen.model.timeline.Timeline.point_date` is where every
milestone's day is decided, for every format.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

__all__ = ["is_weekday", "last_working_day"]


def is_weekday(day: date) -> bool:
    """Monday to Friday: the working days until a spec says otherwise."""
    return day.weekday() < 5


def last_working_day(first: date, last: date, is_working: Callable[[date], bool] = is_weekday) -> date:
    """The latest day from ``last`` back to ``first`` that is worked; ``last`` when none of them is."""
    day = last
    while day >= first:
        if is_working(day):
            return day
        day -= timedelta(days=1)
    return last
