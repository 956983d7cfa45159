"""Where the plan stands on a given day: progress per phase, late tasks, KPIs on or off track.

Computed from tasks' ``status``/``progress`` and KPIs' ``actuals``; the as-of
day defaults to ``meta.date`` (the version's date), so the same spec always
gives the same status — never the clock's today.

Rules (documented in docs/spec-format.md):
- a task's progress is 100 when ``done``, else its ``progress`` (kept within
  0–100), else 0; cancelled tasks count for nothing;
- a phase's progress is its tasks' progress weighted by duration (a
  0-duration task weighs as one unit);
- a task is *late* when its last day is before the as-of day and it is not
  done or cancelled ("overdue"), or its first day is before the as-of day and
  it is still ``planned`` ("not started"); ``blocked`` tasks are always listed;
- lateness needs calendar dates (``roadmap.start``); without them only
  blocked tasks are listed;
- before the plan's first day nothing has started: progress is 0 % (whatever
  the tasks report) and nothing is late. A day outside the plan's span
  (:func:`plan_span`: ``roadmap.start`` to the end of the buffer) is
  :func:`outside_plan`, which the build reports as a warning naming the span.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from outlookgen.fields_repr import fields_repr
from outlookgen.model.outlook import Kpi, Outlook, Phase, Task

_CLOSED = ("done", "cancelled")


@dataclass(frozen=True, repr=False)
class PhaseProgress:
    """One phase's progress on the as-of day."""

    phase: Phase
    percent: float  # 0–100, weighted by duration
    done: int  # tasks done
    total: int  # tasks that count (not cancelled)

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class LateTask:
    """A task behind plan on the as-of day, and why."""

    task: Task
    reason: str  # overdue | not_started | blocked
    days: int  # days past its end (overdue) or start (not started); 0 for blocked

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class StatusView:
    """Where the plan stands on the as-of day: overall and per phase, the late tasks, the KPIs."""

    as_of: date
    unit: int | None  # the planning unit the as-of day falls in (None without roadmap.start)
    overall: float
    phases: tuple[PhaseProgress, ...]
    late: tuple[LateTask, ...]
    kpis: tuple[Kpi, ...]
    # The spec reports progress (tasks done or under way, late or blocked tasks, KPI
    # actuals): decided on the plan as reported, so a day before the start shows 0 %
    # rather than no status view at all.
    reported: bool = False

    @property
    def has_progress(self) -> bool:
        """True when the spec reports any progress at all (else a status view says nothing)."""
        return self.reported

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class PlanSpan:
    """The plan's calendar span: its first day and the last day of its buffer."""

    start: date
    end: date

    __repr__ = fields_repr


def plan_span(outlook: Outlook) -> PlanSpan | None:
    """From ``roadmap.start`` to the plan's last day (buffer included); None without calendar dates."""
    road = outlook.roadmap
    if road.start is None or road.total_end_date is None:
        return None
    return PlanSpan(road.start, road.total_end_date)


def outside_plan(outlook: Outlook, day: date) -> str | None:
    """``"before"`` or ``"after"`` when ``day`` is outside the plan's span, else None (also without dates)."""
    span = plan_span(outlook)
    if span is None:
        return None
    if day < span.start:
        return "before"
    if day > span.end:
        return "after"
    return None


def task_progress(task: Task) -> float:
    """How far a task is, 0–100: done is 100, else its ``progress``, else 0 (the one rule every view uses)."""
    if task.status == "done":
        return 100.0
    if task.progress is None:
        return 0.0
    return max(0.0, min(100.0, float(task.progress)))


def as_of_day(outlook: Outlook, as_of: date | None = None) -> date:
    """The day a status view is for: ``as_of`` when given, else the version's date (never the clock's today)."""
    return as_of or outlook.meta.date


def _weight(task: Task) -> int:
    return max(task.duration, 1)


def _percent(tasks: list[Task]) -> float:
    counted = [t for t in tasks if t.status != "cancelled"]
    total = sum(_weight(t) for t in counted)
    if not total:
        return 0.0
    return sum(_weight(t) * task_progress(t) for t in counted) / total


def status_view(outlook: Outlook, as_of: date | None = None) -> StatusView:
    road = outlook.roadmap
    day = as_of_day(outlook, as_of)
    unit = None
    if road.start is not None:
        days = 7 if road.unit == "week" else 1
        unit = (day - road.start).days // days + 1
    phases = tuple(
        PhaseProgress(
            phase=p,
            percent=_percent(list(p.tasks)),
            done=sum(1 for t in p.tasks if t.status == "done"),
            total=sum(1 for t in p.tasks if t.status != "cancelled"),
        )
        for p in road.phases
    )
    late: list[LateTask] = []
    for task in road.tasks:
        if task.status == "blocked":
            late.append(LateTask(task, "blocked", 0))
        elif task.status in _CLOSED or task.start_date is None or task.end_date is None:
            continue
        elif task.end_date < day:
            late.append(LateTask(task, "overdue", (day - task.end_date).days))
        elif task.status == "planned" and task.start_date < day:
            late.append(LateTask(task, "not_started", (day - task.start_date).days))
    late.sort(key=lambda x: (-x.days, x.task.start))
    overall = _percent(list(road.tasks))
    reported = any(p.percent for p in phases) or bool(late) or any(k.actuals for k in outlook.evaluation.kpis)
    if outside_plan(outlook, day) == "before":
        # Nothing has started before the first day: whatever the tasks report is later news.
        phases = tuple(PhaseProgress(phase=p.phase, percent=0.0, done=0, total=p.total) for p in phases)
        overall, late = 0.0, []
    return StatusView(
        as_of=day,
        unit=unit,
        overall=overall,
        phases=phases,
        late=tuple(late),
        kpis=outlook.evaluation.kpis,
        reported=reported,
    )
