"""The roadmap's clock: task times, critical path, milestone times, phase spans and calendar dates.

Pure functions over small inputs, so each rule is testable without a spec.

Time
    The passes below count time in whole *working days* of the plan's
    calendar (:mod:`outlookgen.model.calendar`) from the plan start; time
    ``t = 0`` is the beginning of the first working day, time ``t`` the end
    of working day ``t``. A spec's planning units are converted before
    scheduling: a unit is 1 working day (day plans) or a week's worth of
    them (7 on the plain calendar of format 1 specs, 5 on a Monday–Friday
    calendar). On the plain calendar with whole units this is exactly the
    unit arithmetic of format 1: a task with ``start: S`` and ``duration:
    D`` begins at time ``S - 1`` units and finishes at ``S - 1 + D``: it
    occupies units ``S .. S + D - 1`` (start 3, duration 4 → "W3–W6"). A
    0-duration task is a point at the beginning of its start (start =
    finish).

Dependencies
    ``after`` lists links to other tasks. A plain id is finish-to-start: a
    task begins no earlier than the finish of the task it names. A
    :class:`Link` also says the type and a lag (negative: a lead), as MS
    Project has them, where ``s``/``f`` are start and finish and ``d`` the
    dependant's duration:

    - FS: ``s ≥ f(pred) + lag``        - SS: ``s ≥ s(pred) + lag``
    - FF: ``f ≥ f(pred) + lag``        - SF: ``f ≥ s(pred) + lag``

    With both ``start`` and ``after``, ``start`` is a lower bound; nothing
    starts before time 0 (the plan's first day), whatever a lead says.
    ``after: []`` is no ``after``; ``after`` may point into other phases.
    Tasks are scheduled in dependency (topological) order whatever their
    file order; the validator guarantees there is no cycle, and
    :func:`schedule_tasks` raises ``ValueError`` if there is one anyway. A
    task with neither ``start`` nor ``after`` (the validator refuses it)
    begins at time 0. A task that has *actually* started (``actual_start``)
    begins then, links or not; one that has actually finished
    (``actual_finish``) ends then, whatever its duration said.

Cancelled tasks
    keep their place on the chart and still constrain their dependants, in
    both passes: a task that feeds a live task *through* a cancelled one has
    no more slack than the cancelled task leaves it. They are never critical.
    A cancelled task that feeds no live task constrains nothing backwards;
    its latest finish is ``max(end, its finish)``, so its slack is never
    negative.

Critical path
    CPM over the live (non-cancelled) tasks with the link types. ``end`` is
    the latest finish of the live tasks (0 when there is none). Backward
    pass: each link to a live successor bounds a task's latest finish —
    FS by the successor's latest start − lag, FF by its latest finish −
    lag, SS and SF the same bounds on the task's latest *start* (so its
    duration is added) — and a live task's latest finish is at most
    ``end``. Total float (``slack``) is latest start − start; a live task
    is critical when its float is 0 or less (less only when an actual date
    overrides a link). The critical path lists the critical tasks by
    (start, finish, input order).

Milestones
    ``at: N`` falls at time ``N`` (the end of unit N); ``after: [...]`` at
    the latest of its links' bounds (FS and FF: the task's finish + lag; SS
    and SF: its start + lag). A milestone marks the end of unit
    ``max(time, 1)``. It is critical when there is a critical path and it
    falls at ``end``, or right after a critical task whose link puts it at
    its time.

Phases
    A phase spans from the earliest start to the latest finish of its tasks
    (cancelled ones included: they keep their place) and milestone times. A
    phase with no tasks and no milestones spans nothing: ``(0, 0)``.

Calendar
    The unit helpers at the end (``time_start_date`` …) are the plain
    calendar of format 1: a unit is 7 days (week) or 1 day (day). Time
    ``t`` *begins* on ``origin + t * unit_days`` and the unit ending at time
    ``t`` has its last day on ``origin + t * unit_days - 1`` (time 0 has no
    unit before it, so it maps to ``origin``). A task runs from the start
    date of its start time to the last day of its finish time; a 0-duration
    task's end date is its start date. Dates past 9999-12-31 are None
    rather than an ``OverflowError``. Working-day calendars map times to
    dates through :class:`~outlookgen.model.calendar.WorkCalendar`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from outlookgen.fields_repr import fields_repr

__all__ = [
    "UNIT_DAYS",
    "Link",
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


@dataclass(frozen=True, slots=True, repr=False)
class Link:
    """A dependency on task ``id``: FS, SS, FF or SF, with a lag in working days (negative: a lead)."""

    id: str
    type: str = "FS"
    lag: int = 0

    __repr__ = fields_repr


def _link(item: str | Link) -> Link:
    return item if isinstance(item, Link) else Link(item)


@dataclass(frozen=True, slots=True, repr=False)
class TaskPlan:
    """What scheduling needs to know about one task, as written in the spec (times in working days)."""

    id: str
    duration: int
    start: int | None = None  # 1-based: begins no earlier than time start - 1 (a lower bound)
    after: tuple[str | Link, ...] = ()
    cancelled: bool = False
    actual_start: int | None = None  # the time it actually began: links no longer move it
    actual_finish: int | None = None  # the time it actually ended (the end of its last day worked)

    @property
    def links(self) -> tuple[Link, ...]:
        """The dependencies, a link written twice counted once."""
        return tuple(dict.fromkeys(_link(item) for item in self.after))

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, repr=False)
class TaskTiming:
    """One task's computed times (in working days from the plan start)."""

    start: int
    finish: int
    latest_finish: int
    slack: int  # total float
    critical: bool

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, repr=False)
class Schedule:
    """Timings of every task (input order), the live end and the critical path."""

    timings: Mapping[str, TaskTiming]
    order: tuple[str, ...]  # a dependency (topological) order of the task ids
    end: int  # latest finish of the live (non-cancelled) tasks; 0 when none
    critical_path: tuple[str, ...]

    __repr__ = fields_repr


def _earliest_start(link: Link, start: int, finish: int, duration: int) -> int:
    """The earliest start a link to a task scheduled at (start, finish) allows a dependant of ``duration``."""
    if link.type == "SS":
        return start + link.lag
    if link.type == "FF":
        return finish + link.lag - duration
    if link.type == "SF":
        return start + link.lag - duration
    return finish + link.lag


def _latest_finish(link: Link, duration: int, succ_start: int, succ_finish: int) -> int:
    """The latest finish a link to a successor due at (latest start, latest finish) leaves a task of ``duration``."""
    if link.type == "SS":
        return succ_start - link.lag + duration
    if link.type == "FF":
        return succ_finish - link.lag
    if link.type == "SF":
        return succ_finish - link.lag + duration
    return succ_start - link.lag


def schedule_tasks(tasks: Sequence[TaskPlan]) -> Schedule:
    """Forward and backward pass over the tasks (see the module docstring)."""
    by_id = {task.id: task for task in tasks}
    links: dict[str, tuple[Link, ...]] = {}
    successors: dict[str, list[tuple[str, Link]]] = {task.id: [] for task in tasks}
    pending: dict[str, int] = {}
    for task in tasks:
        task_links = task.links
        for link in task_links:
            if link.id not in by_id:
                raise ValueError(f"task {task.id!r} is after unknown task {link.id!r}")
            successors[link.id].append((task.id, link))
        links[task.id] = task_links
        pending[task.id] = len(task_links)

    # Kahn's algorithm: iterative, so a 10 000-task chain needs no recursion.
    ready = deque(task.id for task in tasks if not pending[task.id])
    order: list[str] = []
    while ready:
        task_id = ready.popleft()
        order.append(task_id)
        for succ, _link in successors[task_id]:
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
        if task.actual_start is not None:
            earliest = task.actual_start
        else:
            earliest = task.start - 1 if task.start is not None else 0
            for link in links[task_id]:
                earliest = max(earliest, _earliest_start(link, start[link.id], finish[link.id], task.duration))
        start[task_id] = max(earliest, 0)
        finish[task_id] = (
            max(task.actual_finish, start[task_id])
            if task.actual_finish is not None
            else start[task_id] + task.duration
        )

    end = max((finish[task.id] for task in tasks if not task.cancelled), default=0)
    latest_start: dict[str, int] = {}
    latest_finish: dict[str, int] = {}
    feeds_live: dict[str, bool] = {}
    for task_id in reversed(order):
        task = by_id[task_id]
        length = finish[task_id] - start[task_id]
        bounds = [
            _latest_finish(link, length, latest_start[succ], latest_finish[succ])
            for succ, link in successors[task_id]
            if feeds_live[succ]
        ]
        feeds_live[task_id] = not task.cancelled or bool(bounds)
        if not task.cancelled:
            bounds.append(end)
        latest = min(bounds) if bounds else max(end, finish[task_id])
        latest_finish[task_id] = latest
        latest_start[task_id] = latest - length

    timings: dict[str, TaskTiming] = {}
    for task in tasks:
        slack = latest_start[task.id] - start[task.id]
        timings[task.id] = TaskTiming(
            start=start[task.id],
            finish=finish[task.id],
            latest_finish=latest_finish[task.id],
            slack=slack,
            critical=not task.cancelled and slack <= 0,
        )
    position = {task.id: index for index, task in enumerate(tasks)}
    critical = sorted(
        (task.id for task in tasks if timings[task.id].critical),
        key=lambda task_id: (start[task_id], finish[task_id], position[task_id]),
    )
    return Schedule(timings=timings, order=tuple(order), end=end, critical_path=tuple(critical))


def _milestone_bound(link: Link, timings: Mapping[str, TaskTiming]) -> int:
    timing = timings[link.id]
    base = timing.start if link.type in ("SS", "SF") else timing.finish
    return base + link.lag


def milestone_time(at: int | None, after: Iterable[str | Link], timings: Mapping[str, TaskTiming]) -> int:
    """When a milestone falls: ``at`` itself, else the latest bound of its links (never before time 0)."""
    if at is not None:
        return at
    return max(0, max((_milestone_bound(_link(item), timings) for item in after), default=0))


def milestone_unit(time: int) -> int:
    """The unit whose end a milestone marks (time 0 still shows as unit 1)."""
    return max(time, 1)


def milestone_is_critical(time: int, after: Iterable[str | Link], schedule: Schedule) -> bool:
    """At the live end of the plan, or right after a critical task whose link puts it at ``time``."""
    if not schedule.critical_path:
        return False
    if time == schedule.end:
        return True
    for item in after:
        link = _link(item)
        if schedule.timings[link.id].critical and _milestone_bound(link, schedule.timings) == time:
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
