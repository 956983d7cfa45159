"""Words for the plan's timing facts: dependency links with types and lags, baseline slips, the working calendar.

Worded once here for every format (the template context, the Gantt
tooltips, the exports); the facts themselves come from the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from outlookgen.model import BaselineInfo, PlanCalendar, TaskLink
from outlookgen.model.calendar import DayRange
from outlookgen.packs.labels import fill
from outlookgen.render.wording import Wording

__all__ = ["baseline_note", "calendar_text", "lag_text", "link_text", "links_text", "slip_text"]


def lag_text(link: TaskLink, labels: Mapping[str, Any], unit: str) -> str:
    """``+2d`` / ``-1w`` / ``+2周``: a link's lag as written, with its sign (empty for none)."""
    if not link.lag_days:
        return ""
    raw = link.lag.strip().replace(" ", "")
    sign = "-" if raw.startswith("-") else "+"
    number = raw.lstrip("+-")
    kind = number[-1] if number[-1:] in ("d", "w") else ("w" if unit == "week" else "d")
    amount = number.rstrip("dw")
    words = labels["links"]
    return sign + fill(words["days" if kind == "d" else "weeks"], n=amount)


def link_text(link: TaskLink, labels: Mapping[str, Any], unit: str) -> str:
    """``T1`` for finish-to-start without lag, else ``T1 (SS +2d)`` / ``T1（SS +2天）``."""
    if link.plain:
        return link.task.id
    lag = lag_text(link, labels, unit)
    words = labels["links"]
    if lag:
        return fill(words["typed_lag"], id=link.task.id, type=link.type, lag=lag)
    return fill(words["typed"], id=link.task.id, type=link.type)


def links_text(links: Iterable[TaskLink], w: Wording, unit: str) -> str:
    return w.join(link_text(link, w.labels, unit) for link in links)


def slip_text(days: int | None, labels: Mapping[str, Any], *, has_baseline: bool) -> str:
    """``+5 d`` late, ``−3 d`` early, ``on time``; ``new`` for an item the baseline does not have."""
    words = labels["baseline"]
    if days is None:
        return words["new"] if has_baseline else ""
    if days > 0:
        return fill(words["late"], n=days)
    if days < 0:
        return fill(words["early"], n=-days)
    return words["on_time"]


def baseline_note(info: BaselineInfo | None, w: Wording) -> str:
    """The line under the tables that says what the slips are measured against."""
    if info is None:
        return ""
    words = w.labels["baseline"]
    version = fill(words["version"], version=info.version) if info.version else ""
    return fill(
        words["note"],
        version=version,
        date=w.date(info.date, short=True) if info.date else "",
        source=info.source,
    )


def calendar_text(calendar: PlanCalendar, w: Wording, first: date | None = None, last: date | None = None) -> str:
    """What the dates are counted on: weekdays, the country preset, the named days between ``first`` and ``last``.

    Empty for the plain calendar. The days off and extra working days listed
    are those in the plan's span (spec and preset together), so a reader sees
    why a date moved.
    """
    if calendar.plain:
        return ""
    words = w.labels["calendar"]
    names = words["weekdays"]
    days = list(calendar.weekdays)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        weekdays = fill(w.labels["format"]["range"], start=names[days[0]], end=names[days[-1]])
    else:
        weekdays = w.join(names[d] for d in days)
    preset = fill(words["preset"], code=calendar.preset) if calendar.preset else ""
    text = fill(words["summary"], weekdays=weekdays, preset=preset, week=calendar.week_days)
    if calendar.name:
        text = fill(words["name"], name=calendar.name) + text
    if first is not None and last is not None:
        shown = [day for day in calendar.exceptions if day.last >= first and day.first <= last]
        for working, key in ((False, "days_off"), (True, "extra_workdays")):
            days = [_named_days(day, w) for day in shown if day.working == working]
            if days:
                text += fill(words[key], days=w.join(days))
    years = [str(note.year) for note in calendar.notes]
    if years:
        text += fill(words["estimated"], years=w.join(years))
    return text


def _named_days(day: DayRange, w: Wording) -> str:
    """``Labour Day (1 May – 5 May)``: one listed day or range, with its name when it has one."""
    dates = w.date_range(day.first, day.last)
    if not day.name:
        return dates
    return fill(w.labels["calendar"]["named"], name=day.name, dates=dates)
