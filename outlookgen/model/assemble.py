"""Turning validated spec data into an :class:`Outlook`: resolve references, compute everything once.

The input is the plain data of a spec that passed validation (dicts, lists,
str, YAML scalar numbers, bool, None; dates as ISO strings or ``date``):
references resolve, there is no dependency cycle, required keys are there.
Optional keys may be absent anywhere. An unresolved reference raises
``ValueError`` naming it, since it means the data skipped validation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from outlookgen.model import budget as money
from outlookgen.model import schedule
from outlookgen.model.baseline import Baseline, slip
from outlookgen.model.calendar import WorkCalendar, calendar_from_spec
from outlookgen.model.outlook import (
    Actual,
    Appendix,
    Background,
    BaselineInfo,
    Body,
    Budget,
    BudgetItem,
    ChangeManagement,
    CommentReply,
    DataGovernance,
    Driver,
    Environment,
    Evaluation,
    EvolutionItem,
    ExcludedItem,
    Extra,
    Kpi,
    Meta,
    Milestone,
    Objective,
    Outlook,
    Person,
    Phase,
    PlanCalendar,
    Resources,
    Review,
    ReviewComment,
    Revision,
    Risk,
    Roadmap,
    Role,
    ScopeItem,
    Task,
    TaskLink,
)
from outlookgen.model.targets import parse_number, parse_target
from outlookgen.model.timeline import Timeline
from outlookgen.model.trace import traced
from outlookgen.spec.review_time import parse_review_time
from outlookgen.spec.scalars import as_text
from outlookgen.spec.timing import Amount, DependencyEntry, dependency_entries, parse_amount

__all__ = ["build_outlook", "risk_level", "risk_score"]

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = MappingProxyType({})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RATING = {"low": 1, "medium": 2, "high": 3}


def build_outlook(data: Mapping[str, Any], *, baseline: Baseline | None = None) -> Outlook:
    """The normalised outlook of a validated spec, with slips against ``baseline`` when one is given.

    Raises :class:`~outlookgen.model.calendar.PlanProblem` (located by a spec
    path) when a valid spec's plan cannot be made: its calendar preset is not
    installed or not known, or its calendar has no working day.
    """
    # Every spec text keeps its JSON pointer (model/trace.py): the Word output bookmarks it for review.
    return _Builder(traced(data), baseline).build()


def risk_score(likelihood: str | None, impact: str | None) -> int | None:
    """Likelihood × impact with low 1, medium 2, high 3; None when either is missing."""
    if likelihood not in _RATING or impact not in _RATING:
        return None
    return _RATING[likelihood] * _RATING[impact]


def risk_level(score: int | None) -> str | None:
    """``high`` for a score ≥ 6, ``medium`` for 3–5, ``low`` below 3."""
    if score is None:
        return None
    if score >= 6:
        return "high"
    return "medium" if score >= 3 else "low"


class _TaskValues(NamedTuple):
    """A task's timing values as the spec writes them, read once for the scheduler and the Task both."""

    amount: Amount
    start_tick: int | None  # ``start`` as the working day it may begin on
    actual_start: date | None
    actual_finish: date | None
    entries: list[DependencyEntry]  # ``after``


class _Builder:
    """Holds the id indexes while the sections are built in dependency order."""

    def __init__(self, data: Mapping[str, Any], baseline: Baseline | None = None) -> None:
        self.data = data
        self.baseline = baseline
        self.locale = "en"
        self.roles: dict[str, Role] = {}
        self.bodies: dict[str, Body] = {}
        self.drivers: dict[str, Driver] = {}
        self.objectives: dict[str, Objective] = {}
        self.phases: dict[str, Phase] = {}
        self.tasks: dict[str, Task] = {}

    def build(self) -> Outlook:
        data = self.data
        meta = self.meta(_mapping(data.get("meta")))
        self.locale = meta.locale
        resources_data = _mapping(data.get("resources"))
        for role in self.each(resources_data.get("roles"), self.role):
            self.roles[role.id] = role
        for body in self.each(resources_data.get("bodies"), self.body):
            self.bodies[body.id] = body
        drivers = self.each(data.get("drivers"), self.driver)
        self.drivers = {driver.id: driver for driver in drivers}
        objectives = self.each(data.get("objectives"), self.objective)
        self.objectives = {objective.id: objective for objective in objectives}
        roadmap = self.roadmap(_mapping(data.get("roadmap")))
        scope = _mapping(data.get("scope"))
        budget_data = resources_data.get("budget")
        budget = self.budget(_mapping(budget_data), meta.locale) if budget_data is not None else None
        resources = Resources(
            roles=tuple(self.roles.values()),
            bodies=tuple(self.bodies.values()),
            budget=budget,
            environments=self.each(resources_data.get("environments"), self.environment),
            extra=_extra(resources_data),
        )
        return Outlook(
            format_version=int(data.get("outlook", 1)),
            meta=meta,
            background=self.background(_mapping(data.get("background"))),
            drivers=drivers,
            objectives=objectives,
            scope_included=self.each(scope.get("included"), self.scope_item),
            scope_excluded=self.each(scope.get("excluded"), self.excluded_item),
            roadmap=roadmap,
            resources=resources,
            risks=self.each(data.get("risks"), self.risk),
            evaluation=self.evaluation(_mapping(data.get("evaluation"))),
            change_management=_optional(data.get("change_management"), self.change_management),
            data_governance=_optional(data.get("data_governance"), self.data_governance),
            evolution=self.each(data.get("evolution"), lambda item: self.evolution_item(item, budget)),
            appendices=self.each(data.get("appendices"), self.appendix),
            review=tuple(
                self.review_comment(index, _mapping(item)) for index, item in enumerate(data.get("review") or ())
            ),
            extensions=_extra(data),
            scope_extra=_extra(scope),
        )

    # -- helpers ---------------------------------------------------------------

    @staticmethod
    def each(items: Any, make: Callable[[Mapping[str, Any]], T]) -> tuple[T, ...]:
        return tuple(make(_mapping(item)) for item in items or ())

    @staticmethod
    def resolve(index: Mapping[str, T], ids: Any, where: str) -> tuple[T, ...]:
        return tuple(_lookup(index, item_id, where) for item_id in _ids(ids))

    def role_ref(self, value: Any, where: str) -> Role | None:
        return None if value is None else _lookup(self.roles, as_text(value), where)

    # -- step 1 ----------------------------------------------------------------

    def meta(self, raw: Mapping[str, Any]) -> Meta:
        return Meta(
            title=as_text(raw.get("title", "")),
            subtitle=_text(raw.get("subtitle")),
            organization=as_text(raw.get("organization", "")),
            prepared_by=self.each(raw.get("prepared_by"), _person),
            date=_date(raw.get("date")),
            version=_text(raw.get("version")) or "1.0",
            status=_text(raw.get("status")) or "draft",
            locale=_text(raw.get("locale")) or "en",
            confidentiality=_text(raw.get("confidentiality")),
            revisions=self.each(raw.get("revisions"), _revision),
            extra=_extra(raw),
        )

    @staticmethod
    def background(raw: Mapping[str, Any]) -> Background:
        return Background(
            current_state=as_text(raw.get("current_state", "")),
            challenges=_texts(raw.get("challenges")),
            rationale=_text(raw.get("rationale")),
            benefits=_texts(raw.get("benefits")),
            extra=_extra(raw),
        )

    @staticmethod
    def driver(raw: Mapping[str, Any]) -> Driver:
        return Driver(
            id=as_text(raw["id"]),
            pain_point=as_text(raw.get("pain_point", "")),
            impact=_text(raw.get("impact")),
            priority=_text(raw.get("priority")) or "medium",
            extra=_extra(raw),
        )

    def objective(self, raw: Mapping[str, Any]) -> Objective:
        objective_id = as_text(raw["id"])
        return Objective(
            id=objective_id,
            statement=as_text(raw.get("statement", "")),
            metric=as_text(raw.get("metric", "")),
            baseline=_text(raw.get("baseline")),
            target=parse_target(raw.get("target", ""), raw.get("baseline")),
            deadline=_deadline(raw.get("deadline")),
            owner=self.role_ref(raw.get("owner"), f"objective {objective_id} owner"),
            drivers=self.resolve(self.drivers, raw.get("drivers"), f"objective {objective_id} drivers"),
            extra=_extra(raw),
        )

    # -- step 2 ----------------------------------------------------------------

    def scope_item(self, raw: Mapping[str, Any]) -> ScopeItem:
        item_id = as_text(raw["id"])
        phase = raw.get("phase")
        return ScopeItem(
            id=item_id,
            name=as_text(raw.get("name", "")),
            description=_text(raw.get("description")),
            phase=None if phase is None else _lookup(self.phases, as_text(phase), f"scope {item_id} phase"),
            extra=_extra(raw),
        )

    def excluded_item(self, raw: Mapping[str, Any]) -> ExcludedItem:
        deferred = _text(raw.get("deferred_to"))
        phase = self.phases.get(deferred) if deferred is not None else None
        return ExcludedItem(
            name=as_text(raw.get("name", "")),
            reason=_text(raw.get("reason")),
            deferred_to_phase=phase,
            deferred_to_text=deferred if phase is None else None,
            extra=_extra(raw),
        )

    # -- step 3: roadmap -------------------------------------------------------

    def roadmap(self, raw: Mapping[str, Any]) -> Roadmap:
        unit = _text(raw.get("unit")) or "week"
        origin = _date(raw.get("start"))
        buffer = int(raw.get("buffer") or 0)
        phases_data = [_mapping(phase) for phase in raw.get("phases") or ()]
        work_calendar = calendar_from_spec(raw, origin, self.locale)
        clock = Timeline(work_calendar, unit)

        rows: list[tuple[str, Mapping[str, Any], _TaskValues]] = []
        plans: list[schedule.TaskPlan] = []
        for phase in phases_data:
            phase_id = as_text(phase["id"])
            for task in phase.get("tasks") or ():
                task = _mapping(task)
                values = _task_values(task, clock)
                rows.append((phase_id, task, values))
                plans.append(self.task_plan(task, values, clock))
        try:
            plan = schedule.schedule_tasks(plans)
        except ValueError as error:
            raise ValueError(f"roadmap: {error} (the spec was not validated)") from None

        # Build in dependency order so ``after`` can hold the Task objects.
        row_of = {plan_item.id: (plan_item, row) for plan_item, row in zip(plans, rows, strict=True)}
        for task_id in plan.order:
            plan_item, (phase_id, task_raw, values) = row_of[task_id]
            self.tasks[task_id] = self.task(task_raw, values, plan_item, phase_id, plan, clock)
        tasks = tuple(self.tasks[plan_item.id] for plan_item in plans)

        milestones_by_phase: dict[str, tuple[Milestone, ...]] = {}
        for phase in phases_data:
            phase_id = as_text(phase["id"])
            milestones_by_phase[phase_id] = tuple(
                self.milestone(_mapping(item), phase_id, plan, clock) for item in phase.get("milestones") or ()
            )
        tasks_by_phase: dict[str, list[Task]] = {phase_id: [] for phase_id in milestones_by_phase}
        for task in tasks:
            tasks_by_phase[task.phase_id].append(task)

        phases = []
        for phase_raw in phases_data:
            phase = self.phase(
                phase_raw,
                tuple(tasks_by_phase[as_text(phase_raw["id"])]),
                milestones_by_phase[as_text(phase_raw["id"])],
                clock,
            )
            self.phases[phase.id] = phase
            phases.append(phase)

        milestones = tuple(m for phase in phases for m in phase.milestones)
        end_day = max(
            max((task.end_day for task in tasks), default=0),
            max((m.day for m in milestones), default=0),
        )
        end = clock.point_units(end_day)
        total = end + buffer
        total_end_date = clock.last_day(end_day + buffer * clock.unit_days)
        return Roadmap(
            start=origin,
            unit=unit,
            buffer=buffer,
            phases=tuple(phases),
            tasks=tasks,
            milestones=milestones,
            end=end,
            total=total,
            end_date=clock.last_day(end_day),
            total_end_date=total_end_date,
            critical_path=tuple(self.tasks[task_id] for task_id in plan.critical_path),
            end_day=end_day,
            calendar=_plan_calendar(work_calendar, origin, total_end_date),
            baseline=self.baseline_info(),
            extra=_extra(raw),
        )

    def task_plan(self, raw: Mapping[str, Any], values: _TaskValues, clock: Timeline) -> schedule.TaskPlan:
        """What the scheduler needs of one task, in working days."""
        start = values.start_tick
        actual_start = values.actual_start
        actual_finish = values.actual_finish
        return schedule.TaskPlan(
            id=as_text(raw["id"]),
            duration=clock.work(values.amount),
            start=None if start is None else start + 1,
            after=tuple(
                schedule.Link(entry.id, entry.type, clock.work(entry.lag) if entry.lag else 0)
                for entry in values.entries
            ),
            cancelled=raw.get("status") == "cancelled",
            actual_start=None if actual_start is None else clock.day_tick(actual_start),
            actual_finish=None if actual_finish is None else clock.after_day(actual_finish),
        )

    def links(self, entries: list[DependencyEntry], clock: Timeline, where: str) -> tuple[TaskLink, ...]:
        out = []
        seen: set[tuple[str, str, int]] = set()
        for entry in entries:
            lag_days = clock.work(entry.lag) if entry.lag else 0
            key = (entry.id, entry.type, lag_days)
            if key in seen:
                continue  # an id listed twice counts once
            seen.add(key)
            out.append(
                TaskLink(
                    task=_lookup(self.tasks, entry.id, where),
                    type=entry.type,
                    lag_days=lag_days,
                    lag=entry.lag.text if entry.lag else "",
                )
            )
        return tuple(out)

    def task(
        self,
        raw: Mapping[str, Any],
        values: _TaskValues,
        plan_item: schedule.TaskPlan,
        phase_id: str,
        plan: schedule.Schedule,
        clock: Timeline,
    ) -> Task:
        timing = plan.timings[plan_item.id]
        where = f"task {plan_item.id}"
        actual_start = values.actual_start
        actual_finish = values.actual_finish
        # An actual date is shown as written, even on a day the calendar does not work.
        start_date = actual_start or clock.start_date(timing.start)
        end_date = actual_finish or clock.end_date(timing.start, timing.finish)
        begin_day, end_day = clock.bar(timing.start, timing.finish, start_date, end_date)
        first, last = clock.units(begin_day, end_day)
        links = self.links(values.entries, clock, f"{where} after")
        work_days = timing.finish - timing.start
        amount = values.amount
        start_tick = values.start_tick
        baseline = self.baseline.tasks.get(plan_item.id) if self.baseline is not None else None
        baseline_bar = _baseline_bar(clock.origin, baseline)
        return Task(
            id=plan_item.id,
            name=as_text(raw.get("name", "")),
            phase_id=phase_id,
            owner=self.role_ref(raw.get("owner"), f"{where} owner"),
            start=first,
            finish=last,
            duration=amount.value if amount.unit == "" else math.ceil(clock.work(amount) / clock.unit_ticks),
            after=tuple(dict.fromkeys(link.task for link in links)),
            links=links,
            deliverables=_texts(raw.get("deliverables")),
            objectives=self.resolve(self.objectives, raw.get("objectives"), f"{where} objectives"),
            status=_text(raw.get("status")) or "planned",
            progress=_number(raw.get("progress")),
            slack=timing.slack // clock.unit_ticks,
            critical=timing.critical,
            start_date=start_date,
            end_date=end_date,
            begin_day=begin_day,
            end_day=end_day,
            work_days=work_days,
            float_days=timing.slack,
            duration_unit=amount.unit,
            start_bound=None if start_tick is None else clock.start_date(start_tick),
            actual_start=actual_start,
            actual_finish=actual_finish,
            baseline_start=baseline[0] if baseline else None,
            baseline_end=baseline[1] if baseline else None,
            baseline_begin_day=baseline_bar[0] if baseline_bar else None,
            baseline_end_day=baseline_bar[1] if baseline_bar else None,
            baseline_units=_baseline_units(clock, baseline_bar),
            slip_days=slip(end_date, baseline[1]) if baseline else None,
            extra=_extra(raw),
        )

    def milestone(
        self,
        raw: Mapping[str, Any],
        phase_id: str,
        plan: schedule.Schedule,
        clock: Timeline,
    ) -> Milestone:
        milestone_id = as_text(raw["id"])
        at = raw.get("at")
        links = (
            self.links(dependency_entries(raw.get("after")), clock, f"milestone {milestone_id} after")
            if at is None
            else ()
        )
        plan_links = tuple(schedule.Link(link.task.id, link.type, link.lag_days) for link in links)
        at_tick, at_date = clock.at_tick(at) if at is not None else (None, None)
        tick = schedule.milestone_time(at_tick, plan_links, plan.timings)
        day_of = at_date or clock.point_date(tick)
        day = clock.point_day(tick, day_of)
        time = clock.point_units(day)
        planned = self.baseline.milestones.get(milestone_id) if self.baseline is not None else None
        slipped = slip(day_of, planned)
        return Milestone(
            id=milestone_id,
            name=as_text(raw.get("name", "")),
            phase_id=phase_id,
            time=time,
            unit=schedule.milestone_unit(time),
            date=day_of,
            after=tuple(dict.fromkeys(link.task for link in links)),
            links=links,
            description=_text(raw.get("description")),
            critical=schedule.milestone_is_critical(tick, plan_links, plan),
            day=day,
            baseline_date=planned,
            # Where the chart draws the baseline: as far from today's marker as the dates moved, so an
            # unmoved milestone's ghost sits under it (the marker is at the end of its unit, not on its date).
            baseline_day=None if slipped is None or clock.origin is None else day - slipped,
            slip_days=slipped,
            extra=_extra(raw),
        )

    def phase(
        self,
        raw: Mapping[str, Any],
        tasks: tuple[Task, ...],
        milestones: tuple[Milestone, ...],
        clock: Timeline,
    ) -> Phase:
        phase_id = as_text(raw["id"])
        begin_day, end_day = schedule.span(
            [(task.begin_day, task.end_day) for task in tasks] + [(m.day, m.day) for m in milestones]
        )
        start, finish = clock.units(begin_day, end_day)
        has_content = bool(tasks or milestones)
        return Phase(
            id=phase_id,
            name=as_text(raw.get("name", "")),
            stage=_text(raw.get("stage")),
            goal=_text(raw.get("goal")),
            objectives=self.resolve(self.objectives, raw.get("objectives"), f"phase {phase_id} objectives"),
            exit_criteria=_texts(raw.get("exit_criteria")),
            tasks=tasks,
            milestones=milestones,
            start=start,
            finish=finish,
            start_date=clock.day_date(begin_day) if has_content else None,
            end_date=(clock.last_day(end_day) if end_day > begin_day else clock.day_date(begin_day))
            if has_content
            else None,
            begin_day=begin_day,
            end_day=end_day,
            extra=_extra(raw),
        )

    def baseline_info(self) -> BaselineInfo | None:
        if self.baseline is None:
            return None
        return BaselineInfo(
            source=self.baseline.source,
            version=self.baseline.version,
            date=self.baseline.date,
            tolerance=self.baseline.tolerance,
        )

    # -- step 3: resources and risks -------------------------------------------

    def role(self, raw: Mapping[str, Any]) -> Role:
        return Role(
            id=as_text(raw["id"]),
            title=as_text(raw.get("title", "")),
            name=_text(raw.get("name")),
            side=_text(raw.get("side")),
            allocation=_number(raw.get("allocation")),
            responsibilities=_texts(raw.get("responsibilities")),
            extra=_extra(raw),
        )

    def body(self, raw: Mapping[str, Any]) -> Body:
        body_id = as_text(raw["id"])
        return Body(
            id=body_id,
            name=as_text(raw.get("name", "")),
            chair=self.role_ref(raw.get("chair"), f"body {body_id} chair"),
            members=self.resolve(self.roles, raw.get("members"), f"body {body_id} members"),
            cadence=_text(raw.get("cadence")),
            decides=_texts(raw.get("decides")),
            extra=_extra(raw),
        )

    def budget(self, raw: Mapping[str, Any], locale: str) -> Budget:
        items = self.each(raw.get("items"), self.budget_item)
        total = sum((item.amount for item in items), 0)
        reserve = sum((item.amount for item in items if item.category in money.RESERVE_CATEGORIES), 0)
        phase_order: list[Phase | None] = [*self.phases.values(), None]
        return Budget(
            currency=_text(raw.get("currency")) or money.default_currency(locale),
            items=items,
            total=total,
            by_category=money.amount_by(((item.category, item.amount) for item in items), money.CATEGORY_ORDER),
            by_phase=money.amount_by(((item.phase, item.amount) for item in items), phase_order),
            reserve_amount=reserve,
            reserve_share=money.reserve_share(reserve, total),
            extra=_extra(raw),
        )

    def budget_item(self, raw: Mapping[str, Any]) -> BudgetItem:
        name = as_text(raw.get("name", ""))
        phase = raw.get("phase")
        return BudgetItem(
            name=name,
            category=_text(raw.get("category")) or "other",
            amount=_number(raw.get("amount")) if raw.get("amount") is not None else 0,
            phase=None if phase is None else _lookup(self.phases, as_text(phase), f"budget item {name!r} phase"),
            note=_text(raw.get("note")),
            extra=_extra(raw),
        )

    @staticmethod
    def environment(raw: Mapping[str, Any]) -> Environment:
        return Environment(
            name=as_text(raw.get("name", "")),
            purpose=_text(raw.get("purpose")),
            spec=_text(raw.get("spec")),
            extra=_extra(raw),
        )

    def risk(self, raw: Mapping[str, Any]) -> Risk:
        risk_id = as_text(raw["id"])
        likelihood = _text(raw.get("likelihood"))
        impact = _text(raw.get("impact"))
        score = risk_score(likelihood, impact)
        return Risk(
            id=risk_id,
            title=as_text(raw.get("title", "")),
            category=_text(raw.get("category")),
            likelihood=likelihood,
            impact=impact,
            owner=self.role_ref(raw.get("owner"), f"risk {risk_id} owner"),
            trigger=_text(raw.get("trigger")),
            mitigation=_texts(raw.get("mitigation")),
            contingency=_texts(raw.get("contingency")),
            score=score,
            level=risk_level(score),
            extra=_extra(raw),
        )

    # -- step 4 ----------------------------------------------------------------

    def evaluation(self, raw: Mapping[str, Any]) -> Evaluation:
        return Evaluation(
            kpis=self.each(raw.get("kpis"), self.kpi),
            review=_optional(raw.get("review"), self.review),
            extra=_extra(raw),
        )

    def kpi(self, raw: Mapping[str, Any]) -> Kpi:
        kpi_id = as_text(raw["id"])
        target = parse_target(raw.get("target", ""), raw.get("baseline"))
        actuals = self.each(raw.get("actuals"), _actual)
        latest = actuals[-1] if actuals else None
        if latest is None:
            status = "no_data"
        else:
            met = target.met_by(latest.number)
            status = "unmeasurable" if met is None else ("on_track" if met else "off_track")
        return Kpi(
            id=kpi_id,
            name=as_text(raw.get("name", "")),
            target=target,
            baseline=_text(raw.get("baseline")),
            frequency=_text(raw.get("frequency")),
            owner=self.role_ref(raw.get("owner"), f"kpi {kpi_id} owner"),
            objectives=self.resolve(self.objectives, raw.get("objectives"), f"kpi {kpi_id} objectives"),
            actuals=actuals,
            latest=latest,
            status=status,
            extra=_extra(raw),
        )

    def review(self, raw: Mapping[str, Any]) -> Review:
        participants: list[Role | Body] = []
        for item_id in _ids(raw.get("participants")):
            participant = self.roles.get(item_id) or self.bodies.get(item_id)
            if participant is None:
                raise ValueError(f"review participants: unknown role or body {item_id!r} (the spec was not validated)")
            participants.append(participant)
        return Review(
            cadence=_text(raw.get("cadence")),
            method=_text(raw.get("method")) or "PDCA",
            participants=tuple(participants),
            time=parse_review_time(raw.get("time")),
            extra=_extra(raw),
        )

    # -- pitfalls 2 and 3, step 5, appendices ----------------------------------

    @staticmethod
    def change_management(raw: Mapping[str, Any]) -> ChangeManagement:
        training = _mapping(raw.get("training"))
        coverage = training.get("coverage_target")
        return ChangeManagement(
            communication=_texts(raw.get("communication")),
            champions=_texts(raw.get("champions")),
            training_coverage_target=None if coverage is None else parse_target(coverage),
            training_plan=_texts(training.get("plan")),
            support=_texts(raw.get("support")),
            training_extra=_extra(training),
            extra=_extra(raw),
        )

    @staticmethod
    def data_governance(raw: Mapping[str, Any]) -> DataGovernance:
        return DataGovernance(
            cleansing=_texts(raw.get("cleansing")),
            master_data=_texts(raw.get("master_data")),
            migration=_texts(raw.get("migration")),
            extra=_extra(raw),
        )

    @staticmethod
    def evolution_item(raw: Mapping[str, Any], budget: Budget | None) -> EvolutionItem:
        reserve = raw.get("budget_reserve")
        amount: Any = None
        percent: Any = None
        if isinstance(reserve, str) and reserve.strip().endswith(("%", "％")):
            number = parse_number(reserve)
            if number is not None:
                percent = money.tidy_number(number)
                amount = money.percent_of(budget.total, percent) if budget is not None else None
        elif reserve is not None:
            amount = _number(reserve)
        return EvolutionItem(
            horizon=_text(raw.get("horizon")),
            initiative=as_text(raw.get("initiative", "")),
            value=_text(raw.get("value")),
            budget_reserve_amount=amount,
            budget_reserve_percent=percent,
            extra=_extra(raw),
        )

    @staticmethod
    def appendix(raw: Mapping[str, Any]) -> Appendix:
        return Appendix(title=as_text(raw.get("title", "")), body=_text(raw.get("body")), extra=_extra(raw))

    # -- the client's review ---------------------------------------------------

    @staticmethod
    def review_comment(index: int, raw: Mapping[str, Any]) -> ReviewComment:
        return ReviewComment(
            index=index,
            path=as_text(raw.get("path", "")),
            author=as_text(raw.get("author", "")),
            date=_text(raw.get("date")),
            text=as_text(raw.get("text", "")),
            resolved=raw.get("resolved") is True,
            replies=tuple(
                CommentReply(
                    author=_text(reply.get("author")),
                    date=_text(reply.get("date")),
                    text=as_text(reply.get("text", "")),
                    extra=_extra(reply),
                )
                for reply in map(_mapping, raw.get("replies") or ())
            ),
            extra=_extra(raw),
        )


# -- value helpers -------------------------------------------------------------


def _task_values(raw: Mapping[str, Any], clock: Timeline) -> _TaskValues:
    return _TaskValues(
        amount=parse_amount(raw.get("duration")) or Amount(0),
        start_tick=clock.start_tick(raw.get("start")),
        actual_start=_date(raw.get("actual_start")),
        actual_finish=_date(raw.get("actual_finish")),
        entries=dependency_entries(raw.get("after")),
    )


def _baseline_bar(origin: date | None, planned: tuple[date, date] | None) -> tuple[int, int] | None:
    """A baseline task's place in calendar days from the first day (its last day included)."""
    if origin is None or planned is None:
        return None
    return (planned[0] - origin).days, (planned[1] - origin).days + 1


def _baseline_units(clock: Timeline, bar: tuple[int, int] | None) -> tuple[int, int] | None:
    """The planning units a baseline bar touches, 1-based, as a task's first and last unit are."""
    if bar is None:
        return None
    start, finish = clock.units(*bar)
    return start + 1, max(finish, start + 1)


def _plan_calendar(calendar: WorkCalendar, origin: date | None, last: date | None) -> PlanCalendar:
    """The calendar as exports show it: its exceptions over the whole years the plan touches."""
    if calendar.plain:
        return PlanCalendar()
    exceptions = ()
    if origin is not None:
        final = last if last is not None and last >= origin else origin
        exceptions = tuple(calendar.exceptions(date(origin.year, 1, 1), date(final.year, 12, 31)))
    return PlanCalendar(
        plain=False,
        name=calendar.name,
        preset=calendar.preset.code if calendar.preset is not None else None,
        weekdays=tuple(sorted(calendar.weekdays)),
        week_days=calendar.unit_length("week"),
        exceptions=exceptions,
        notes=calendar.notes,
    )


def _person(raw: Mapping[str, Any]) -> Person:
    return Person(
        name=as_text(raw.get("name", "")),
        role=_text(raw.get("role")),
        email=_text(raw.get("email")),
        extra=_extra(raw),
    )


def _revision(raw: Mapping[str, Any]) -> Revision:
    return Revision(
        version=as_text(raw.get("version", "")),
        date=_date(raw.get("date")),
        author=_text(raw.get("author")),
        changes=_text(raw.get("changes")),
        extra=_extra(raw),
    )


def _actual(raw: Mapping[str, Any]) -> Actual:
    value = raw.get("value")
    number = _number(value)
    return Actual(
        period=as_text(raw.get("period", "")),
        value=number if number is not None else as_text(value if value is not None else ""),
        number=parse_number(value),
        extra=_extra(raw),
    )


def _optional(value: Any, make: Callable[[Mapping[str, Any]], T]) -> T | None:
    return None if value is None else make(_mapping(value))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


def _text(value: Any) -> str | None:
    return None if value is None else as_text(value)


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(as_text(value) for value in values or ())


def _ids(values: Any) -> tuple[str, ...]:
    """Reference ids in order; an id listed twice counts once."""
    return tuple(dict.fromkeys(as_text(value) for value in values or ()))


def _lookup(index: Mapping[str, T], item_id: str, where: str) -> T:
    try:
        return index[item_id]
    except KeyError:
        raise ValueError(f"{where}: unknown id {item_id!r} (the spec was not validated)") from None


def _number(value: Any) -> int | float | None:
    """A plain int/float from a YAML number (scalar subclasses dropped); None for anything else."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if isinstance(value, int) else float(value)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _deadline(value: Any) -> date | str | None:
    if value is None:
        return None
    return _date(value) or as_text(value)


def _extra(raw: Mapping[str, Any]) -> Extra:
    """The ``x-`` keys of a mapping, as plain JSON data."""
    found = {key: _plain(value) for key, value in raw.items() if isinstance(key, str) and key.startswith("x-")}
    return MappingProxyType(found) if found else _EMPTY


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {as_text(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return as_text(value)
