"""Baselines: the planned dates a plan was once agreed on, and how far the current plan slipped from them.

A baseline is plain data — per task id its planned first and last day, per
milestone id its planned day — plus where it came from. It is read from a
baseline file (``outlookgen baseline`` writes ``<spec>.baseline.yaml``) or
taken from an older version of the spec (a file, or ``git:REF:path``); the
project layer reads those, this module only turns them into a
:class:`Baseline` and writes the file's data.

Slip is counted in calendar days, current minus baseline: positive is late,
negative early, None where the item is new since the baseline (or either
side has no dates).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from outlookgen.fields_repr import fields_repr
from outlookgen.spec.timing import parse_day

__all__ = [
    "BASELINE_FORMAT",
    "DEFAULT_TOLERANCE",
    "Baseline",
    "baseline_data",
    "baseline_from_data",
    "baseline_from_outlook",
    "problems",
    "slip",
]

BASELINE_FORMAT = 1
DEFAULT_TOLERANCE = 5  # days a milestone may slip before the linter says so

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, repr=False)
class Baseline:
    """Planned dates by id, where they came from, and how much slip is tolerated (days)."""

    source: str
    version: str | None = None
    date: date | None = None  # the day the baseline was set (the version's meta.date)
    tasks: Mapping[str, tuple[date, date]] = field(default_factory=lambda: _EMPTY)
    milestones: Mapping[str, date] = field(default_factory=lambda: _EMPTY)
    tolerance: int = DEFAULT_TOLERANCE

    __repr__ = fields_repr


def slip(current: date | None, planned: date | None) -> int | None:
    """Calendar days ``current`` is past ``planned`` (negative: early); None when either is missing."""
    if current is None or planned is None:
        return None
    return (current - planned).days


def baseline_from_outlook(outlook: Any, source: str, tolerance: int = DEFAULT_TOLERANCE) -> Baseline:
    """The planned dates of a modelled (older) version of the plan."""
    road = outlook.roadmap
    tasks = {
        task.id: (task.start_date, task.end_date)
        for task in road.tasks
        if task.start_date is not None and task.end_date is not None
    }
    milestones = {m.id: m.date for m in road.milestones if m.date is not None}
    return Baseline(
        source=source,
        version=outlook.meta.version,
        date=outlook.meta.date,
        tasks=MappingProxyType(tasks),
        milestones=MappingProxyType(milestones),
        tolerance=tolerance,
    )


def baseline_data(outlook: Any, spec_name: str) -> dict[str, Any]:
    """What a baseline file holds (plain data, in plan order), for ``outlookgen baseline``."""
    road = outlook.roadmap
    return {
        "outlook-baseline": BASELINE_FORMAT,
        "spec": spec_name,
        "version": outlook.meta.version,
        "date": outlook.meta.date,
        "tasks": {
            task.id: {"start": task.start_date, "finish": task.end_date}
            for task in road.tasks
            if task.start_date is not None and task.end_date is not None
        },
        "milestones": {m.id: m.date for m in road.milestones if m.date is not None},
    }


def baseline_from_data(data: Mapping[str, Any], source: str, tolerance: int = DEFAULT_TOLERANCE) -> Baseline:
    """A baseline file's data (checked by the reader: see ``problems``) as a :class:`Baseline`."""
    tasks: dict[str, tuple[date, date]] = {}
    for task_id, dates in (data.get("tasks") or {}).items():
        if isinstance(dates, Mapping):
            first, last = parse_day(dates.get("start")), parse_day(dates.get("finish"))
            if first is not None and last is not None:
                tasks[str(task_id)] = (first, last)
    milestones: dict[str, date] = {}
    for milestone_id, day in (data.get("milestones") or {}).items():
        parsed = parse_day(day)
        if parsed is not None:
            milestones[str(milestone_id)] = parsed
    version = data.get("version")
    return Baseline(
        source=source,
        version=None if version is None else str(getattr(version, "source", version)),
        date=parse_day(data.get("date")),
        tasks=MappingProxyType(tasks),
        milestones=MappingProxyType(milestones),
        tolerance=tolerance,
    )


def problems(data: Any) -> list[tuple[tuple, str]]:
    """What is wrong with a baseline file's data, as (path, message) pairs (empty when it can be read)."""
    if not isinstance(data, Mapping):
        return [((), "a baseline file is a mapping with 'outlook-baseline: 1', 'tasks' and 'milestones'")]
    found: list[tuple[tuple, str]] = []
    if data.get("outlook-baseline") != BASELINE_FORMAT:
        found.append(((), f"not a baseline file: it needs 'outlook-baseline: {BASELINE_FORMAT}' at the top"))
    tasks = data.get("tasks", {})
    if not isinstance(tasks, Mapping):
        found.append((("tasks",), "expected a mapping of task id → {start, finish}"))
        tasks = {}
    for task_id, dates in tasks.items():
        if not isinstance(dates, Mapping):
            found.append((("tasks", task_id), "expected {start: YYYY-MM-DD, finish: YYYY-MM-DD}"))
            continue
        for key in ("start", "finish"):
            if parse_day(dates.get(key)) is None:
                found.append((("tasks", task_id, key), f"'{key}' must be a date written YYYY-MM-DD"))
    milestones = data.get("milestones", {})
    if not isinstance(milestones, Mapping):
        found.append((("milestones",), "expected a mapping of milestone id → date"))
        milestones = {}
    for milestone_id, day in milestones.items():
        if parse_day(day) is None:
            found.append((("milestones", milestone_id), "must be a date written YYYY-MM-DD"))
    return found
