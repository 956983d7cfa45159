"""Working time: which days are worked, and how a plan's working days map to calendar dates.

Two kinds of calendar:

``plain`` (a spec without ``roadmap.calendar``, as in format 1)
    Every calendar day counts: a week is 7 days, working day ``n`` is the
    day ``origin + n``. Specs written before calendars existed keep their
    dates to the day.

declared (``roadmap.calendar``)
    Working weekdays (Monday to Friday unless ``weekdays`` says otherwise),
    minus holidays, plus extra working days (China's 调休 make-up days). A
    week of work is as many working days as the week has working weekdays
    (5 by default), as MS Project counts it. Whether a day is worked is
    decided in this order: a date listed in ``workdays`` works; a date
    listed in ``holidays`` does not; else the country preset's entry for it
    (a holiday, or a make-up workday); else its weekday.

Country presets come from well-kept libraries, imported only when a spec
asks for one (``pip install 'outlookgen[calendars]'``): ``CN`` from
chinesecalendar (exact, 调休 included) for the years it knows, and from
``holidays`` (statutory holidays estimated by rule, no make-up days) for the
years it does not — such a year is recorded as a :class:`CalendarNote` so
the linter and the document can say so. Every other code goes to
``holidays`` (``DE``, ``US-CA``: a country and an optional subdivision).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from outlookgen.fields_repr import fields_repr
from outlookgen.spec.timing import parse_day

__all__ = [
    "WEEKDAYS",
    "CalendarNote",
    "DayRange",
    "PlanProblem",
    "WorkCalendar",
    "calendar_from_spec",
    "describe_note",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MON_TO_FRI = frozenset(range(5))
# Beyond this many days without a working day the calendar is taken to have
# none (a holiday range over years, or no working weekday): a located error,
# never an endless search.
_LONGEST_BREAK = 732
_CALENDARS_EXTRA = "pip install 'outlookgen[calendars]'"


class PlanProblem(ValueError):
    """A valid spec whose plan cannot be made (a calendar with no working day, a preset that is missing).

    ``path`` is where in the spec it comes from; the pipeline turns it into a
    located error line.
    """

    def __init__(self, path: tuple, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True, repr=False)
class DayRange:
    """Consecutive days that are all worked or all off, with the name they were given (None: unnamed)."""

    first: date
    last: date
    working: bool
    name: str | None = None

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, repr=False)
class CalendarNote:
    """A year the country preset could not give exactly: ``estimated`` (statutory holidays by rule, no
    make-up days) or ``weekdays`` (no holidays at all: only the weekly pattern)."""

    year: int
    kind: str
    preset: str
    source: str  # the library and version that knew the other years

    __repr__ = fields_repr


Status = tuple[bool, str | None]  # (working, name)


def describe_note(note: CalendarNote) -> str:
    """The warning a :class:`CalendarNote` gives (build, lint and documents say the same)."""
    if note.kind == "estimated":
        return (
            f"{note.source} has no {note.preset} holidays for {note.year} yet: dates in {note.year} use the holidays "
            "library's estimate of the statutory holidays, without 调休 make-up days; list that year's days under "
            "roadmap.calendar.holidays and workdays once they are published, or upgrade the library"
        )
    return (
        f"{note.source} has no {note.preset} holidays for {note.year}: dates in {note.year} count the working "
        "weekdays only; list that year's holidays under roadmap.calendar.holidays, or install the holidays library"
    )


class WorkCalendar:
    """Maps working days (counted from the plan's first day, 0-based) to dates and back.

    ``plain`` calendars count every day; declared ones follow the rules in the
    module docstring. ``origin`` is the plan's first day (``roadmap.start``);
    a plain calendar may have none (then there are no dates, only counts).
    """

    def __init__(
        self,
        origin: date | None,
        *,
        plain: bool = True,
        weekdays: Iterable[int] = _MON_TO_FRI,
        holidays: Iterable[DayRange] = (),
        workdays: Iterable[DayRange] = (),
        preset: _Preset | None = None,
        name: str | None = None,
    ) -> None:
        self.origin = origin
        self.plain = plain
        self.weekdays = frozenset(range(7)) if plain else frozenset(weekdays)
        self.name = name
        self.preset = preset
        self._listed: dict[date, Status] = {}
        for item in holidays:
            for day in _days(item.first, item.last):
                self._listed[day] = (False, item.name)
        for item in workdays:  # a listed working day wins over a listed holiday
            for day in _days(item.first, item.last):
                self._listed[day] = (True, item.name)
        self._working: list[date] = []  # working days from origin, found so far
        self._scanned: date | None = origin  # the first day not yet looked at

    # -- facts about one day ------------------------------------------------

    def explicit(self, day: date) -> Status | None:
        """What the spec or the preset says about ``day`` (None: nothing; its weekday decides)."""
        listed = self._listed.get(day)
        if listed is not None:
            return listed
        if self.preset is not None:
            return self.preset.status(day)
        return None

    def is_working(self, day: date) -> bool:
        if self.plain:
            return True
        said = self.explicit(day)
        return said[0] if said is not None else day.weekday() in self.weekdays

    # -- counting -----------------------------------------------------------

    def unit_length(self, unit: str) -> int:
        """Working days in one planning unit: a day is 1, a week 7 (plain) or its working weekdays."""
        if unit == "week":
            return 7 if self.plain else len(self.weekdays)
        return 1

    def tick_date(self, tick: int) -> date | None:
        """The date of working day ``tick`` (0 is the first working day on or after the origin)."""
        if self.origin is None:
            return None
        tick = max(tick, 0)  # nothing is scheduled before the plan's first day
        if self.plain:
            return _shift(self.origin, tick)
        self._extend(lambda: len(self._working) > tick)
        return self._working[tick] if tick < len(self._working) else None

    def tick_at(self, day: date) -> int:
        """How many working days come before ``day`` (from the origin): the working day a start on ``day`` gets."""
        if self.origin is None:
            raise ValueError("a calendar without a first day has no dates")
        if day <= self.origin:
            return 0
        if self.plain:
            return (day - self.origin).days
        self._extend(lambda: self._scanned is None or self._scanned > day)
        return bisect.bisect_left(self._working, day)

    def day_offset(self, day: date | None) -> int | None:
        """Calendar days from the origin to ``day``."""
        if day is None or self.origin is None:
            return None
        return (day - self.origin).days

    def _extend(self, done: Callable[[], bool]) -> None:
        idle = 0
        while not done():
            day = self._scanned
            if day is None:
                return  # past date.max: there are no later days
            if self.is_working(day):
                self._working.append(day)
                idle = 0
            else:
                idle += 1
                if idle > _LONGEST_BREAK:
                    raise PlanProblem(
                        ("roadmap", "calendar"),
                        f"no working day in the {_LONGEST_BREAK} days after {day - timedelta(days=idle - 1)}: "
                        "check the holidays and weekdays",
                    )
            self._scanned = _shift(day, 1)

    # -- what exports need --------------------------------------------------

    def exceptions(self, first: date, last: date) -> list[DayRange]:
        """The named days off and extra working days between two dates, consecutive equal days joined.

        Only what the spec lists or the preset knows: the weekly pattern is
        not repeated (MS Project and a reader both know it already).
        """
        out: list[DayRange] = []
        if self.plain:
            return out
        for day in _days(first, last):
            said = self.explicit(day)
            if said is None:
                continue
            working, name = said
            previous = out[-1] if out else None
            if (
                previous is not None
                and previous.last == day - timedelta(days=1)
                and (previous.working, previous.name) == (working, name)
            ):
                out[-1] = DayRange(previous.first, day, working, name)
            else:
                out.append(DayRange(day, day, working, name))
        return out

    @property
    def notes(self) -> tuple[CalendarNote, ...]:
        """The years the preset could not give exactly (asked so far, in year order)."""
        return self.preset.notes if self.preset is not None else ()


def _days(first: date, last: date) -> Iterable[date]:
    day: date | None = first
    while day is not None and day <= last:
        yield day
        day = _shift(day, 1)


def _shift(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


# --------------------------------------------------------------------------- presets


@dataclass(repr=False)
class _Preset:
    """A country's holidays and make-up days, loaded year by year as the plan asks for them."""

    code: str
    language: str | None
    load_year: Callable[[int], tuple[dict[date, Status], CalendarNote | None]]
    years: dict[int, dict[date, Status]] = field(default_factory=dict)
    noted: list[CalendarNote] = field(default_factory=list)

    def status(self, day: date) -> Status | None:
        year = self.years.get(day.year)
        if year is None:
            year, note = self.load_year(day.year)
            self.years[day.year] = year
            if note is not None:
                self.noted.append(note)
        return year.get(day)

    @property
    def notes(self) -> tuple[CalendarNote, ...]:
        return tuple(sorted(self.noted, key=lambda n: n.year))

    __repr__ = fields_repr


def _library(name: str, path: tuple, preset: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise PlanProblem(path, f"the calendar preset {preset} needs the calendars extra: {_CALENDARS_EXTRA}") from None


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{distribution} {version(distribution)}"
    except PackageNotFoundError:
        return distribution


def _holidays_year(library: Any, country: str, subdivision: str | None, language: str | None, year: int):
    """One year of the ``holidays`` library: days off by rule, and the weekend days it says are worked."""
    try:
        table = library.country_holidays(country, subdiv=subdivision, years=year, language=language)
    except NotImplementedError:
        table = library.country_holidays(country, subdiv=subdivision, years=year)
    out: dict[date, Status] = {day: (False, str(name)) for day, name in table.items() if day.year == year}
    for day in getattr(table, "weekend_workdays", ()) or ():
        if day.year == year:
            out[day] = (True, out.get(day, (True, None))[1])
    return out


def _holidays_preset(code: str, path: tuple, language: str | None) -> _Preset:
    library = _library("holidays", path, code)
    country, _, subdivision = code.partition("-")
    try:
        library.country_holidays(country, subdiv=subdivision or None, years=2000)
    except (NotImplementedError, KeyError, ValueError) as exc:
        raise PlanProblem(
            path,
            f"'{code}' is not a country (or subdivision) the holidays library knows: {exc}; "
            "use an ISO 3166 code such as CN, DE or US-CA",
        ) from None
    zh = language if language and language.startswith("zh") else None

    def load(year: int):
        return _holidays_year(library, country, subdivision or None, zh, year), None

    return _Preset(code, language, load)


def _china_preset(path: tuple, language: str | None) -> _Preset:
    """chinesecalendar for the years it knows (holidays and 调休 exactly); ``holidays`` estimates the rest."""
    try:
        import chinese_calendar as cc
    except ImportError:
        cc = None
    zh = bool(language and language.startswith("zh"))
    fallback: list[Any] = []

    def name_of(english: str) -> str:
        if not zh or cc is None:
            return english
        for holiday in cc.Holiday:
            if holiday.value == english:
                return holiday.chinese
        return english

    def known(year: int) -> bool:
        if cc is None:
            return False
        try:
            cc.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def load(year: int):
        if known(year):
            days: dict[date, Status] = {}
            for day, name in cc.holidays.items():
                if day.year == year:
                    days[day] = (False, name_of(name))
            for day, name in cc.workdays.items():
                if day.year == year and day.weekday() >= 5:  # a weekend day that is worked: 调休上班
                    days[day] = (True, name_of(name))
            return days, None
        if not fallback:
            fallback.append(_library("holidays", path, "CN") if cc is None else _optional_holidays())
        library = fallback[0]
        source = _version("chinesecalendar") if cc is not None else _version("holidays")
        if library is None:
            return {}, CalendarNote(year, "weekdays", "CN", source)
        days = _holidays_year(library, "CN", None, "zh_CN" if zh else None, year)
        return days, CalendarNote(year, "estimated", "CN", source)

    if cc is None:
        _library("holidays", path, "CN")  # neither library: say which extra to install
    return _Preset("CN", language, load)


def _optional_holidays() -> Any:
    try:
        import holidays
    except ImportError:
        return None
    return holidays


# --------------------------------------------------------------------------- from the spec


def calendar_from_spec(roadmap: Mapping[str, Any], origin: date | None, locale: str | None) -> WorkCalendar:
    """The calendar a (validated) roadmap asks for: plain without ``calendar``, declared with it."""
    raw = roadmap.get("calendar")
    if not isinstance(raw, Mapping):
        return WorkCalendar(origin)
    path = ("roadmap", "calendar")
    weekdays = raw.get("weekdays")
    chosen = _MON_TO_FRI if weekdays is None else frozenset(WEEKDAYS.index(str(d)) for d in weekdays)
    preset = None
    code = raw.get("preset")
    if isinstance(code, str) and code.strip():
        code = code.strip().upper()
        where = (*path, "preset")
        preset = _china_preset(where, locale) if code == "CN" else _holidays_preset(code, where, locale)
    return WorkCalendar(
        origin,
        plain=False,
        weekdays=chosen,
        holidays=_ranges(raw.get("holidays"), working=False),
        workdays=_ranges(raw.get("workdays"), working=True),
        preset=preset,
        name=raw.get("name") if isinstance(raw.get("name"), str) else None,
    )


def _ranges(items: Any, *, working: bool) -> list[DayRange]:
    """``2026-05-01``, ``{date: 2026-05-01, name: …}`` or ``{from: …, to: …, name: …}`` as day ranges."""
    out = []
    for item in items or ():
        if isinstance(item, Mapping):
            first = parse_day(item.get("from", item.get("date")))
            last = parse_day(item.get("to", item.get("date"))) or first
            name = item.get("name")
            name = None if name is None else str(name)
        else:
            first = last = parse_day(item)
            name = None
        if first is not None and last is not None and first <= last:
            out.append(DayRange(first, last, working, name))
    return out
