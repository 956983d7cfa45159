"""The normalised outlook: frozen dataclasses that templates lay out and never compute in.

Built once by :func:`outlookgen.model.assemble.build_outlook`. References are
resolved to the objects they name (``task.owner`` is a :class:`Role`), so
the object graph is shared, not copied; model objects therefore compare and
hash by identity (``eq=False``), except the value-like :class:`Target`.

Conventions:

- text fields are ``str`` as the author wrote them (numbers keep their
  spelling); an absent optional text is None; text lists are tuples of str;
- times are in planning units from the plan start (see
  :mod:`outlookgen.model.schedule`); dates are :class:`datetime.date`;
- ``extra`` holds the ``x-`` keys of the mapping an object came from, as
  plain JSON data (str, int, float, bool, None, list, dict).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as Date
from types import MappingProxyType
from typing import Any

from outlookgen.fields_repr import fields_repr
from outlookgen.model.targets import Target
from outlookgen.spec.review_time import ReviewTime

__all__ = [
    "Actual",
    "Appendix",
    "Background",
    "BaselineInfo",
    "Body",
    "Budget",
    "BudgetItem",
    "ChangeManagement",
    "CommentReply",
    "DataGovernance",
    "Driver",
    "Environment",
    "Evaluation",
    "EvolutionItem",
    "ExcludedItem",
    "Kpi",
    "Meta",
    "Milestone",
    "Objective",
    "Outlook",
    "Person",
    "Phase",
    "PlanCalendar",
    "Resources",
    "Review",
    "ReviewComment",
    "Revision",
    "Risk",
    "Roadmap",
    "Role",
    "ScopeItem",
    "Target",
    "Task",
    "TaskLink",
]

Number = int | float
Extra = Mapping[str, Any]

_NO_EXTRA: Extra = MappingProxyType({})


def _no_extra() -> Extra:
    return _NO_EXTRA


def _entity_repr(self: Any) -> str:
    # Short on purpose: a full dataclass repr would walk the whole graph
    # (task → after → after ...) and overflow the stack on long chains.
    return f"{type(self).__name__}(id={self.id!r})"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Person:
    """An author of the outlook (``meta.prepared_by``)."""

    name: str
    role: str | None = None
    email: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Revision:
    """One row of the revision history."""

    version: str
    date: Date | None
    author: str | None = None
    changes: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Meta:
    """Title block: who wrote what, when, for whom."""

    title: str
    subtitle: str | None = None
    organization: str
    prepared_by: tuple[Person, ...] = ()
    date: Date | None
    version: str = "1.0"
    status: str = "draft"
    locale: str = "en"
    confidentiality: str | None = None
    revisions: tuple[Revision, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Background:
    """Step 1: where the organisation stands and why it moves now."""

    current_state: str
    challenges: tuple[str, ...] = ()
    rationale: str | None = None
    benefits: tuple[str, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Role:
    """A role on the project (``allocation`` is a percent, 0–100)."""

    id: str
    title: str
    name: str | None = None
    side: str | None = None
    allocation: Number | None = None
    responsibilities: tuple[str, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Body:
    """A cross-department working body (联合工作组...)."""

    id: str
    name: str
    chair: Role | None = None
    members: tuple[Role, ...] = ()
    cadence: str | None = None
    decides: tuple[str, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Driver:
    """A business driver: the pain the software answers."""

    id: str
    pain_point: str
    impact: str | None = None
    priority: str = "medium"
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Objective:
    """A SMART objective; ``deadline`` is a date when written as one, else its text."""

    id: str
    statement: str
    metric: str
    baseline: str | None = None
    target: Target
    deadline: Date | str | None = None
    owner: Role | None = None
    drivers: tuple[Driver, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class TaskLink:
    """A dependency on ``task``: ``type`` FS, SS, FF or SF, and a lag (negative: a lead).

    ``lag_days`` is in working days of the plan's calendar; ``lag`` is the lag
    as written (``"2d"``, ``"-1w"``, ``"2"`` planning units; ``""`` for none).
    """

    task: Task
    type: str = "FS"
    lag_days: int = 0
    lag: str = ""

    @property
    def plain(self) -> bool:
        """Finish-to-start without a lag: what a plain id in ``after`` means."""
        return self.type == "FS" and not self.lag_days


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Task:
    """A scheduled task. ``start``/``finish`` are times: it occupies units ``first_unit..last_unit``.

    With a working calendar a task need not start or end on a unit boundary:
    ``start``/``finish`` are then the units it touches, ``begin_day``/
    ``end_day`` (calendar days from the plan's first day; the end exclusive)
    say exactly where its bar goes, and ``work_days`` and ``float_days``
    count working days. ``after`` lists the tasks it depends on and
    ``links`` the same with their types and lags.
    """

    id: str
    name: str
    phase_id: str
    owner: Role | None = None
    start: int
    finish: int
    duration: int
    after: tuple[Task, ...] = ()
    links: tuple[TaskLink, ...] = ()
    deliverables: tuple[str, ...] = ()
    objectives: tuple[Objective, ...] = ()
    status: str = "planned"
    progress: Number | None = None
    slack: int = 0
    critical: bool = False
    start_date: Date | None = None
    end_date: Date | None = None
    begin_day: int = 0
    end_day: int = 0
    work_days: int = 0
    float_days: int = 0
    duration_unit: str = ""  # how the duration was written: "" planning units, "d" days, "w" weeks
    start_bound: Date | None = None  # the spec's ``start`` as a day: it begins no earlier
    actual_start: Date | None = None
    actual_finish: Date | None = None
    baseline_start: Date | None = None
    baseline_end: Date | None = None
    baseline_begin_day: int | None = None
    baseline_end_day: int | None = None
    baseline_units: tuple[int, int] | None = None  # the first and last unit the baseline had it in (1-based)
    slip_days: int | None = None  # end date minus the baseline's, in calendar days
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr

    @property
    def first_unit(self) -> int:
        """The 1-based unit the task starts in ("W3")."""
        return self.start + 1

    @property
    def last_unit(self) -> int:
        """The unit the task ends in; a 0-duration task is a point in its first unit."""
        return self.finish if self.duration > 0 else self.first_unit

    @property
    def is_point(self) -> bool:
        """A 0-duration task: a point at the beginning of its unit."""
        return self.duration == 0


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Milestone:
    """A milestone at ``time`` (the end of unit ``unit``); ``day`` is its place in calendar days."""

    id: str
    name: str
    phase_id: str
    time: int
    unit: int
    date: Date | None = None
    after: tuple[Task, ...] = ()
    links: tuple[TaskLink, ...] = ()
    description: str | None = None
    critical: bool = False
    day: int = 0
    baseline_date: Date | None = None
    baseline_day: int | None = None
    slip_days: int | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Phase:
    """A roadmap phase. ``start``/``finish`` span its tasks and milestones; empty → 0, 0."""

    id: str
    name: str
    stage: str | None = None
    goal: str | None = None
    objectives: tuple[Objective, ...] = ()
    exit_criteria: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    start: int = 0
    finish: int = 0
    start_date: Date | None = None
    end_date: Date | None = None
    begin_day: int = 0
    end_day: int = 0
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ScopeItem:
    """A module or capability in scope, optionally tied to the phase that delivers it."""

    id: str
    name: str
    description: str | None = None
    phase: Phase | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ExcludedItem:
    """Something left out; deferred to a phase (when ``deferred_to`` names one) or to a text."""

    name: str
    reason: str | None = None
    deferred_to_phase: Phase | None = None
    deferred_to_text: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class BudgetItem:
    """One budget line."""

    name: str
    category: str = "other"
    amount: Number
    phase: Phase | None = None
    note: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Budget:
    """Budget lines with their totals.

    ``by_category`` follows the spec's category order, ``by_phase`` the phase
    order with None (not assigned to a phase) last; both list only what
    occurs. ``reserve_amount`` is contingency + reserve, ``reserve_share``
    its fraction of ``total`` (0 for an empty budget).
    """

    currency: str
    items: tuple[BudgetItem, ...] = ()
    total: Number = 0
    by_category: tuple[tuple[str, Number], ...] = ()
    by_phase: tuple[tuple[Phase | None, Number], ...] = ()
    reserve_amount: Number = 0
    reserve_share: float = 0.0
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Environment:
    """A system environment (dev, test, prod...)."""

    name: str
    purpose: str | None = None
    spec: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Resources:
    """Element 4: people, bodies, money and environments."""

    roles: tuple[Role, ...] = ()
    bodies: tuple[Body, ...] = ()
    budget: Budget | None = None
    environments: tuple[Environment, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Risk:
    """A risk; ``score`` = likelihood × impact (low 1, medium 2, high 3), None when either is missing.

    ``level``: high for a score ≥ 6, medium for 3–4, low for ≤ 2.
    """

    id: str
    title: str
    category: str | None = None
    likelihood: str | None = None
    impact: str | None = None
    owner: Role | None = None
    trigger: str | None = None
    mitigation: tuple[str, ...] = ()
    contingency: tuple[str, ...] = ()
    score: int | None = None
    level: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Actual:
    """A measured KPI value: ``value`` as written (number or text), ``number`` parsed from it."""

    period: str
    value: Number | str
    number: float | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Kpi:
    """A KPI; ``status`` is on_track, off_track, no_data or unmeasurable.

    ``latest`` is the last actual in file order. ``unmeasurable`` covers
    every case where the latest actual cannot be judged against the target:
    no number in the target or the value, or a target with neither a
    comparator nor a direction.
    """

    id: str
    name: str
    target: Target
    baseline: str | None = None
    frequency: str | None = None
    owner: Role | None = None
    objectives: tuple[Objective, ...] = ()
    actuals: tuple[Actual, ...] = ()
    latest: Actual | None = None
    status: str = "no_data"
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = _entity_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Review:
    """The review loop (PDCA); participants are roles and bodies in the order written."""

    cadence: str | None = None
    method: str = "PDCA"
    participants: tuple[Role | Body, ...] = ()
    time: ReviewTime | None = None  # when meetings are held, in which time zone (None: not said)
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Evaluation:
    """Step 4: KPIs and the review loop."""

    kpis: tuple[Kpi, ...] = ()
    review: Review | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ChangeManagement:
    """People side of the change; ``training_*`` come from the ``training`` mapping."""

    communication: tuple[str, ...] = ()
    champions: tuple[str, ...] = ()
    training_coverage_target: Target | None = None
    training_plan: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    training_extra: Extra = field(default_factory=_no_extra)
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class DataGovernance:
    """Data work before go-live."""

    cleansing: tuple[str, ...] = ()
    master_data: tuple[str, ...] = ()
    migration: tuple[str, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class EvolutionItem:
    """Step 5: what comes after go-live, with money set aside for it.

    A percent ``budget_reserve`` ("10%") gives ``budget_reserve_percent`` and,
    when there is a budget, the amount it stands for; a number is the amount.
    """

    horizon: str | None = None
    initiative: str
    value: str | None = None
    budget_reserve_amount: Number | None = None
    budget_reserve_percent: Number | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Appendix:
    """Free text rendered after step 5."""

    title: str
    body: str | None = None
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class CommentReply:
    """One answer in a review comment's thread."""

    author: str | None = None
    date: str | None = None  # as the review tool wrote it: an ISO 8601 date or date-time
    text: str = ""
    extra: Extra = field(default_factory=_no_extra)

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class ReviewComment:
    """A client's comment from a reviewed Word file, recorded in the spec's ``review:`` list.

    ``path`` is the JSON pointer of the spec text it is on ("" for the whole
    document); ``index`` its place in the list, so a finding can point at it.
    """

    index: int
    path: str = ""
    author: str
    date: str | None = None  # as the review tool wrote it: an ISO 8601 date or date-time
    text: str
    resolved: bool = False
    replies: tuple[CommentReply, ...] = ()
    extra: Extra = field(default_factory=_no_extra)

    @property
    def open(self) -> bool:
        """Not resolved yet: lint OG608 flags it and the status section counts it."""
        return not self.resolved

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class PlanCalendar:
    """The working calendar the plan was scheduled on, as exports and documents show it.

    ``plain`` is the format 1 calendar (every day counts). ``weekdays`` are the
    working weekdays (0 Monday … 6 Sunday); ``exceptions`` the named days off
    and extra working days of the years the plan touches (spec and preset
    together); ``notes`` the years the preset could not give exactly.
    """

    plain: bool = True
    name: str | None = None
    preset: str | None = None
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    week_days: int = 7  # working days in a week of work
    exceptions: tuple[Any, ...] = ()  # model.calendar.DayRange
    notes: tuple[Any, ...] = ()  # model.calendar.CalendarNote

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class BaselineInfo:
    """Where the plan's baseline came from, and how many days a milestone may slip before lint says so."""

    source: str
    version: str | None = None
    date: Date | None = None
    tolerance: int = 5

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class Roadmap:
    """Element 3: phases, every task and milestone (file order) and the plan's end.

    ``end`` is the latest task finish or milestone time (cancelled tasks
    included: they keep their place); ``total`` adds the buffer. The
    ``*_date`` fields are None without a start date. ``end_day`` is the
    end in calendar days from the first day. ``baseline`` is None when the
    plan has no baseline.
    """

    start: Date | None = None
    unit: str = "week"
    buffer: int = 0
    phases: tuple[Phase, ...] = ()
    tasks: tuple[Task, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    end: int = 0
    total: int = 0
    end_date: Date | None = None
    total_end_date: Date | None = None
    critical_path: tuple[Task, ...] = ()
    end_day: int = 0
    calendar: PlanCalendar = field(default_factory=PlanCalendar)
    baseline: BaselineInfo | None = None
    extra: Extra = field(default_factory=_no_extra)

    @property
    def unit_days(self) -> int:
        """Calendar days per planning unit (week 7, day 1): how ``begin_day``-style positions become units."""
        return 7 if self.unit == "week" else 1

    __repr__ = fields_repr


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Outlook:
    """One outlook, ready to lay out. Lookups are indexed once, at construction.

    ``extensions`` holds the top-level ``x-`` keys, ``scope_extra`` those of
    the ``scope`` mapping; every other ``x-`` key is in its object's ``extra``.
    """

    format_version: int = 1
    meta: Meta
    background: Background
    drivers: tuple[Driver, ...] = ()
    objectives: tuple[Objective, ...] = ()
    scope_included: tuple[ScopeItem, ...] = ()
    scope_excluded: tuple[ExcludedItem, ...] = ()
    roadmap: Roadmap
    resources: Resources
    risks: tuple[Risk, ...] = ()
    evaluation: Evaluation
    change_management: ChangeManagement | None = None
    data_governance: DataGovernance | None = None
    evolution: tuple[EvolutionItem, ...] = ()
    appendices: tuple[Appendix, ...] = ()
    review: tuple[ReviewComment, ...] = ()
    extensions: Extra = field(default_factory=_no_extra)
    scope_extra: Extra = field(default_factory=_no_extra)

    _by_id: Mapping[str, Any] = field(init=False, repr=False)
    _objectives_by_driver: Mapping[str, tuple[Objective, ...]] = field(init=False, repr=False)
    _tasks_by_objective: Mapping[str, tuple[Task, ...]] = field(init=False, repr=False)
    _kpis_by_objective: Mapping[str, tuple[Kpi, ...]] = field(init=False, repr=False)
    _tasks_by_role: Mapping[str, tuple[Task, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        identified: list[Any] = [
            *self.drivers,
            *self.objectives,
            *self.scope_included,
            *self.roadmap.phases,
            *self.roadmap.tasks,
            *self.roadmap.milestones,
            *self.resources.roles,
            *self.resources.bodies,
            *self.risks,
            *self.evaluation.kpis,
        ]
        tasks = self.roadmap.tasks
        kpis = self.evaluation.kpis
        index = {
            "_by_id": MappingProxyType({item.id: item for item in identified}),
            "_objectives_by_driver": _group(
                (driver.id, objective) for objective in self.objectives for driver in objective.drivers
            ),
            "_tasks_by_objective": _group((objective.id, task) for task in tasks for objective in task.objectives),
            "_kpis_by_objective": _group((objective.id, kpi) for kpi in kpis for objective in kpi.objectives),
            "_tasks_by_role": _group((task.owner.id, task) for task in tasks if task.owner is not None),
        }
        for name, value in index.items():
            object.__setattr__(self, name, value)  # frozen: the only way to cache

    def __repr__(self) -> str:
        return f"Outlook(title={self.meta.title!r}, tasks={len(self.roadmap.tasks)})"

    def by_id(self, item_id: str) -> Any | None:
        """The driver, objective, scope item, phase, task, milestone, role, body, risk or KPI
        with this id; None when there is none."""
        return self._by_id.get(item_id)

    def objectives_for_driver(self, driver_id: str) -> tuple[Objective, ...]:
        """Objectives that answer a driver, in file order."""
        return self._objectives_by_driver.get(driver_id, ())

    def tasks_for_objective(self, objective_id: str) -> tuple[Task, ...]:
        """Tasks that serve an objective, in file order."""
        return self._tasks_by_objective.get(objective_id, ())

    def kpis_for_objective(self, objective_id: str) -> tuple[Kpi, ...]:
        """KPIs that track an objective, in file order."""
        return self._kpis_by_objective.get(objective_id, ())

    def tasks_for_role(self, role_id: str) -> tuple[Task, ...]:
        """Tasks a role owns, in file order."""
        return self._tasks_by_role.get(role_id, ())


def _group(pairs: Any) -> Mapping[str, tuple[Any, ...]]:
    grouped: dict[str, list[Any]] = {}
    for key, item in pairs:
        members = grouped.setdefault(key, [])
        if not members or members[-1] is not item:  # an id listed twice counts once
            members.append(item)
    return MappingProxyType({key: tuple(members) for key, members in grouped.items()})
