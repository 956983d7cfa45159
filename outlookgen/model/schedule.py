"""The roadmap's clock: task times, critical path, milestone times, phase spans and calendar dates.

Pure functions over small inputs, so each rule is testable without a spec.

Time
    Time is counted in planning units (weeks or days) from the plan start;
    time ``t = 0`` is the beginning of unit 1, time ``t`` the end of unit
    ``t``. A task with ``start: S`` (a 1-based unit number) and ``duration:
    D`` begins at time ``S - 1`` and finishes at time ``S - 1 + D``: it
    occupies units ``S .. S + D - 1`` (start 3, duration 4 → "W3–W6"). A
    0-duration task is a point at the beginning of unit ``S`` (start =
    finish = ``S - 1``).

Dependencies
    ``after`` is finish-to-start: a task begins no earlier than the latest
    finish of the tasks it names. With both ``start`` and ``after``,
    ``start`` is a lower bound. ``after: []`` is no ``after``; ``after`` may
    point into other phases. Tasks are scheduled in dependency (topological)
    order whatever their file order; the validator guarantees there is no
    cycle, and :func:`schedule_tasks` raises ``ValueError`` if there is one
    anyway. A task with neither ``start`` nor ``after`` (the validator
    refuses it) begins at time 0.

Cancelled tasks
    keep their place on the chart and still constrain their dependants, in
    both passes: a task that feeds a live task *through* a cancelled one has
    no more slack than the cancelled task leaves it. They are never critical.
    A cancelled task that feeds no live task constrains nothing backwards;
    its latest finish is ``max(end, its finish)``, so its slack is never
    negative.

Critical path
    The usual CPM over the live (non-cancelled) tasks. ``end`` is the latest
    finish of the live tasks (0 when there is none). Backward pass: a task's
    latest finish is the minimum latest start of its successors (cancelled
    successors count only when they feed a live task), or ``end`` when there
    is none; ``slack = latest start - start``; a live task is critical when
    its slack is 0. The critical path lists the critical tasks by (start,
    finish, input order).

Milestones
    ``at: N`` falls at time ``N`` (the end of unit N); ``after: [...]`` at
    the latest finish of those tasks. A milestone marks the end of unit
    ``max(time, 1)``. It is critical when there is a critical path and it
    falls at ``end``, or after a critical task that finishes at its time.

Phases
    A phase spans from the earliest start to the latest finish of its tasks
    (cancelled ones included: they keep their place) and milestone times. A
    phase with no tasks and no milestones spans nothing: ``(0, 0)``.

Calendar
    When the roadmap has a start date, a unit is 7 days (week) or 1 day
    (day) of plain calendar time (no working-day calendar, no holidays).
    Time ``t`` *begins* on ``origin + t * unit_days`` and the unit ending at
    time ``t`` has its last day on ``origin + t * unit_days - 1`` (time 0
    has no unit before it, so it maps to ``origin``). A task runs from the
    start date of its start time to the last day of its finish time; a
    0-duration task's end date is its start date. Dates past 9999-12-31 are
    None rather than an ``OverflowError``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = [
    "UNIT_DAYS",
    "Schedule",
    "TaskPlan",
    "TaskTiming",
    "milestone_is_critical",
    "milestone_time",
    "milestone_unit",
    "schedule_tasks",
    "span",
    "task_end_date",
    "time_end_date",
    "time_start_date",
    "unit_days",
]

UNIT_DAYS: Mapping[str, int] = {"week": 7, "day": 1}


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """What scheduling needs to know about one task, as written in the spec."""

    id: str
    duration: int
    start: int | None = None  # 1-based unit number; a lower bound when ``after`` is given
    after: tuple[str, ...] = ()
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class TaskTiming:
    """One task's computed times (in units from the plan start)."""

    start: int
    finish: int
    latest_finish: int
    slack: int
    critical: bool


@dataclass(frozen=True, slots=True)
class Schedule:
    """Timings of every task (input order), the live end and the critical path."""

    timings: Mapping[str, TaskTiming]
    order: tuple[str, ...]  # a dependency (topological) order of the task ids
    end: int  # latest finish of the live (non-cancelled) tasks; 0 when none
    critical_path: tuple[str, ...]


def schedule_tasks(tasks: Sequence[TaskPlan]) -> Schedule:
    """Forward and backward pass over the tasks (see the module docstring)."""
    by_id = {task.id: task for task in tasks}
    predecessors: dict[str, tuple[str, ...]] = {}
    successors: dict[str, list[str]] = {task.id: [] for task in tasks}
    pending: dict[str, int] = {}
    for task in tasks:
        preds = tuple(dict.fromkeys(task.after))  # a repeated id is one dependency
        for pred in preds:
            if pred not in by_id:
                raise ValueError(f"task {task.id!r} is after unknown task {pred!r}")
            successors[pred].append(task.id)
        predecessors[task.id] = preds
        pending[task.id] = len(preds)

    # Kahn's algorithm: iterative, so a 10 000-task chain needs no recursion.
    ready = deque(task.id for task in tasks if not pending[task.id])
    order: list[str] = []
    while ready:
        task_id = ready.popleft()
        order.append(task_id)
        for succ in successors[task_id]:
            pending[succ] -= 1
            if not pending[succ]:
                ready.append(succ)
    if len(order) != len(by_id):
        stuck = [task.id for task in tasks if pending[task.id]]
        raise ValueError(f"dependency cycle among tasks: {', '.join(stuck)}")

    start: dict[str, int] = {}
    finish: dict[str, int] = {}
    for task_id in order:
        task = by_id[task_id]
        earliest = task.start - 1 if task.start is not None else 0
        for pred in predecessors[task_id]:
            earliest = max(earliest, finish[pred])
        start[task_id] = earliest
        finish[task_id] = earliest + task.duration

    end = max((finish[task.id] for task in tasks if not task.cancelled), default=0)
    latest_start: dict[str, int] = {}
    latest_finish: dict[str, int] = {}
    feeds_live: dict[str, bool] = {}
    for task_id in reversed(order):
        task = by_id[task_id]
        bounds = [latest_start[succ] for succ in successors[task_id] if feeds_live[succ]]
        feeds_live[task_id] = not task.cancelled or bool(bounds)
        if not task.cancelled:
            bounds.append(end)
        latest = min(bounds) if bounds else max(end, finish[task_id])
        latest_finish[task_id] = latest
        latest_start[task_id] = latest - task.duration

    timings: dict[str, TaskTiming] = {}
    for task in tasks:
        slack = latest_start[task.id] - start[task.id]
        timings[task.id] = TaskTiming(
            start=start[task.id],
            finish=finish[task.id],
            latest_finish=latest_finish[task.id],
            slack=slack,
            critical=not task.cancelled and slack == 0,
        )
    position = {task.id: index for index, task in enumerate(tasks)}
    critical = sorted(
        (task.id for task in tasks if timings[task.id].critical),
        key=lambda task_id: (start[task_id], finish[task_id], position[task_id]),
    )
    return Schedule(timings=timings, order=tuple(order), end=end, critical_path=tuple(critical))


def milestone_time(at: int | None, after: Iterable[str], timings: Mapping[str, TaskTiming]) -> int:
    """When a milestone falls: ``at`` itself, else the latest finish of its ``after`` tasks."""
    if at is not None:
        return at
    return max((timings[task_id].finish for task_id in after), default=0)


def milestone_unit(time: int) -> int:
    """The unit whose end a milestone marks (time 0 still shows as unit 1)."""
    return max(time, 1)


def milestone_is_critical(time: int, after: Iterable[str], schedule: Schedule) -> bool:
    """At the live end of the plan, or right after a critical task finishing at ``time``."""
    if not schedule.critical_path:
        return False
    if time == schedule.end:
        return True
    for task_id in after:
        timing = schedule.timings[task_id]
        if timing.critical and timing.finish == time:
            return True
    return False


def span(intervals: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Earliest start and latest finish of ``(start, finish)`` pairs; ``(0, 0)`` for none."""
    first: int | None = None
    last = 0
    for begin, finish in intervals:
        first = begin if first is None else min(first, begin)
        last = max(last, finish)
    return (0, 0) if first is None else (first, last)


def unit_days(unit: str) -> int:
    """Calendar days per planning unit (``week`` → 7, ``day`` → 1)."""
    return UNIT_DAYS[unit]


def time_start_date(origin: date | None, time: int, unit: str) -> date | None:
    """The first day of the unit that begins at ``time``; None without a start or past year 9999."""
    return _shift(origin, time * unit_days(unit))


def time_end_date(origin: date | None, time: int, unit: str) -> date | None:
    """The last day of the unit that ends at ``time`` (``origin`` itself for time 0)."""
    if time <= 0:
        return origin
    return _shift(origin, time * unit_days(unit) - 1)


def task_end_date(origin: date | None, start: int, finish: int, unit: str) -> date | None:
    """A task's inclusive last day; a 0-duration task ends on the day it starts."""
    if finish <= start:
        return time_start_date(origin, start, unit)
    return time_end_date(origin, finish, unit)


def _shift(origin: date | None, days: int) -> date | None:
    if origin is None:
        return None
    try:
        return origin + timedelta(days=days)
    except OverflowError:  # past date.max (or beyond what timedelta holds)
        return None
