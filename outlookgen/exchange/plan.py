"""A plan as another tool holds it (MS Project, a PMO workbook, a CSV): what the readers give the importer.

Only what outlookgen can use is kept: tasks in outline order with their
phase, dates, working-day durations, links, owner, progress and actual
dates; milestones; the working calendar; and, when the file was exported by
outlookgen, the rest of the outlook it carried along (``carried``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from outlookgen.model import PlanCalendar

__all__ = ["ForeignCalendar", "ForeignLink", "ForeignPlan", "ForeignTask", "working_day"]


@dataclass
class ForeignLink:
    """A dependency as the file has it: the predecessor's key, the type, and a lag in working days."""

    key: str
    type: str = "FS"
    lag_days: int = 0
    lag_unit: str = "d"  # how the file shows the lag: d or w


@dataclass
class ForeignTask:
    """One task (or milestone) of the file, in outline order; ``key`` is how links name it in the file."""

    key: str
    name: str
    id: str | None = None  # the outlookgen id the file carries (exported by outlookgen), if any
    phase: str | None = None  # the key of its phase (a summary task) or its phase name
    milestone: bool = False
    start: date | None = None
    finish: date | None = None
    work_days: int | None = None
    duration_unit: str = "d"  # d or w: how the file shows the duration
    links: list[ForeignLink] = field(default_factory=list)
    owner: str | None = None  # the key of its resource
    progress: float | None = None
    status: str | None = None
    actual_start: date | None = None
    actual_finish: date | None = None
    fixed_start: date | None = None  # a start the file pins (a constraint, manual scheduling)
    notes: list[str] = field(default_factory=list)  # what the import had to approximate
    line: int = 0  # where it is in the file (a row, an XML line), for messages


@dataclass
class ForeignCalendar:
    """Working weekdays (0 Monday … 6 Sunday), days off and extra working days, as (first, last, name)."""

    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: list[tuple[date, date, str | None]] = field(default_factory=list)
    workdays: list[tuple[date, date, str | None]] = field(default_factory=list)
    name: str | None = None

    @property
    def plain(self) -> bool:
        """Every day worked and no exceptions: the plain calendar of a spec without ``roadmap.calendar``."""
        return self.weekdays == tuple(range(7)) and not self.holidays and not self.workdays


@dataclass
class ForeignPlan:
    """A whole plan read from a file."""

    source: str
    title: str | None = None
    organization: str | None = None
    author: str | None = None
    start: date | None = None
    status_date: date | None = None
    phases: list[tuple[str, str, str | None]] = field(default_factory=list)  # (key, name, outlookgen id)
    tasks: list[ForeignTask] = field(default_factory=list)
    resources: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # key → (name, outlookgen id)
    calendar: ForeignCalendar = field(default_factory=ForeignCalendar)
    carried: str | None = None  # the rest of the outlook as text, when an outlookgen export carried it
    notes: list[str] = field(default_factory=list)


def working_day(calendar: PlanCalendar) -> Callable[[date], bool]:
    """Whether a day is worked on an exported plan's calendar (plain: every day)."""
    if calendar.plain:
        return lambda _day: True
    listed: dict[date, bool] = {}
    for item in calendar.exceptions:
        day = item.first
        while day <= item.last:
            listed[day] = item.working
            day = date.fromordinal(day.toordinal() + 1)
    weekdays = frozenset(calendar.weekdays)

    def working(day: date) -> bool:
        said = listed.get(day)
        return said if said is not None else day.weekday() in weekdays

    return working
