"""A portfolio: many outlooks' facts put side by side on one day, in one currency, on one calendar.

Computed once from each project's facts (:mod:`outlookgen.model.project_facts`)
for every format of the portfolio document and for the cross-project lint
rules. Rules (documented in docs/portfolio.md):

- **status** on the portfolio's day: progress as the project's own status
  view counts it; late tasks by the same rules (:func:`status_view` on the
  project's open tasks); the next milestone is the first dated one on or
  after the day;
- **RAG** from the KPIs measured against their targets: green when every
  measured KPI is on track, amber when fewer than half are off track, red
  when half or more are; no measured KPI is "no data";
- **milestone timeline**: the quarters from the day's quarter on
  (``quarters`` of them); milestones outside are counted, not drawn;
- **role load**: each role's weekly load (OG701's rule) summed across
  projects; a role belongs to the group whose ``match`` names its id, else to
  the group of its own id; a group is over-allocated in a week its load
  passes its ``capacity`` (default 100 %). A **person** (a role's ``name``)
  is overbooked in a week their load summed across projects passes 100 %;
- **go-live clash**: two or more go-live milestones of one organisation in
  one ISO week, in different projects or the same one;
- **risks**: every risk of a project that is not finished (progress below
  100 %) is open: the heat map counts them by likelihood × impact;
- **budget**: each project's totals by category, converted with the given
  rates (units of the portfolio currency per unit of the project's);
  nothing is ever fetched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from outlookgen.model.budget import CATEGORY_ORDER
from outlookgen.model.outlook import Background, Evaluation, Meta, Outlook, Resources, Roadmap, Task
from outlookgen.model.project_facts import week_of
from outlookgen.model.status import status_view

LEVELS = ("low", "medium", "high")


class MissingRate(ValueError):
    """A project's budget is in a currency the settings give no rate for."""

    def __init__(self, currency: str, projects: Sequence[str]) -> None:
        self.currency = currency
        self.projects = tuple(projects)
        super().__init__(currency)


@dataclass(frozen=True)
class RoleGroup:
    """Roles counted together across projects: ``match`` lists the role ids that belong to it."""

    key: str
    title: str | None = None
    match: frozenset[str] = frozenset()
    capacity: float = 100.0


@dataclass(frozen=True)
class Settings:
    as_of: date
    currency: str
    rates: Mapping[str, float] = field(default_factory=dict)
    roles: tuple[RoleGroup, ...] = ()
    weeks: int = 13
    quarters: int = 4


@dataclass(frozen=True)
class ProjectInput:
    """One project as the portfolio gets it: a stable name (the spec's project-relative path) and its facts."""

    name: str
    facts: Mapping[str, Any]
    outcome: Mapping[str, Any] | None = None  # the project's line of a build report, when one was given


@dataclass(frozen=True)
class LateTask:
    id: str
    name: str
    reason: str
    days: int


@dataclass(frozen=True)
class MilestonePoint:
    project: int  # index into Portfolio.projects
    id: str
    name: str
    day: date
    go_live: bool


@dataclass(frozen=True)
class ProjectStatus:
    index: int
    name: str
    title: str
    organization: str
    locale: str
    date: date | None
    version: str
    progress: float
    dated: bool  # the plan is on the calendar (roadmap.start)
    late: tuple[LateTask, ...]
    next_milestone: MilestonePoint | None
    rag: str  # green | amber | red | none
    kpis_on_track: int
    kpis_off_track: int
    finished: bool
    budget_total: float | None  # in the portfolio currency; None without a budget
    outcome: Mapping[str, Any] | None


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1–4
    start: date
    end: date  # last day


@dataclass(frozen=True)
class TimelineRow:
    project: int
    milestones: tuple[tuple[int, MilestonePoint], ...]  # (quarter index, milestone)


@dataclass(frozen=True)
class Contribution:
    project: int
    role: str
    load: float


@dataclass(frozen=True)
class GroupLoad:
    key: str
    title: str
    capacity: float
    loads: tuple[float, ...]  # one per week of Portfolio.weeks
    over: tuple[bool, ...]
    peak: float
    projects: int  # how many projects book it in the window


@dataclass(frozen=True)
class Overbooking:
    """A person past 100 % in a stretch of weeks (their first, or the window's), at its peak week."""

    person: str
    first: date
    last: date
    peak_week: date
    load: float
    contributions: tuple[Contribution, ...]  # at the peak week


@dataclass(frozen=True)
class GoLiveClash:
    organization: str
    week: date
    milestones: tuple[MilestonePoint, ...]


@dataclass(frozen=True)
class OpenRisk:
    project: int
    id: str
    title: str
    likelihood: str | None
    impact: str | None
    score: int | None


@dataclass(frozen=True)
class BudgetRow:
    project: int
    currency: str
    by_category: tuple[tuple[str, float], ...]  # converted
    total: float


@dataclass(frozen=True)
class Portfolio:
    settings: Settings
    projects: tuple[ProjectStatus, ...]
    quarters: tuple[Quarter, ...]
    timeline: tuple[TimelineRow, ...]
    hidden_before: int
    hidden_after: int
    undated_milestones: int
    weeks: tuple[date, ...]
    role_load: tuple[GroupLoad, ...]
    overbooked: tuple[Overbooking, ...]
    clashes: tuple[GoLiveClash, ...]
    risk_matrix: tuple[tuple[int, ...], ...]  # [likelihood low..high][impact low..high]
    risks: tuple[OpenRisk, ...]  # open risks, highest score first
    unrated_risks: int
    categories: tuple[str, ...]
    budget: tuple[BudgetRow, ...]
    budget_by_category: tuple[tuple[str, float], ...]
    budget_total: float


# --------------------------------------------------------------------------- building it


def build_portfolio(inputs: Sequence[ProjectInput], settings: Settings) -> Portfolio:
    """The portfolio of ``inputs`` (in the order given) as of ``settings.as_of``; MissingRate for a currency
    without a rate."""
    rates = _check_rates(inputs, settings)
    projects = tuple(_status(i, p, settings, rates) for i, p in enumerate(inputs))
    quarters = _quarters(settings.as_of, settings.quarters)
    timeline, before, after, undated = _timeline(inputs, quarters)
    weeks = tuple(week_of(settings.as_of) + timedelta(weeks=k) for k in range(max(settings.weeks, 0)))
    risks = _open_risks(inputs, projects)
    matrix = tuple(
        tuple(sum(1 for r in risks if r.likelihood == lk and r.impact == im) for im in LEVELS) for lk in LEVELS
    )
    categories, rows, by_category, total = _budget(inputs, settings, rates)
    return Portfolio(
        settings=settings,
        projects=projects,
        quarters=quarters,
        timeline=timeline,
        hidden_before=before,
        hidden_after=after,
        undated_milestones=undated,
        weeks=weeks,
        role_load=_group_loads(inputs, settings, weeks),
        overbooked=overbooked_people(inputs, since=week_of(settings.as_of)),
        clashes=go_live_clashes(inputs),
        risk_matrix=matrix,
        risks=tuple(sorted(risks, key=lambda r: (-(r.score or 0), r.project))),
        unrated_risks=sum(1 for r in risks if r.score is None),
        categories=categories,
        budget=rows,
        budget_by_category=by_category,
        budget_total=total,
    )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _check_rates(inputs: Sequence[ProjectInput], settings: Settings) -> dict[str, float]:
    rates = {settings.currency: 1.0, **{k: float(v) for k, v in settings.rates.items()}}
    missing: dict[str, list[str]] = {}
    for p in inputs:
        currency = p.facts.get("currency")
        if currency and p.facts.get("budget") and currency not in rates:
            missing.setdefault(currency, []).append(p.name)
    if missing:
        currency = sorted(missing)[0]
        raise MissingRate(currency, missing[currency])
    return rates


# -- status -------------------------------------------------------------------


def _status(index: int, p: ProjectInput, settings: Settings, rates: Mapping[str, float]) -> ProjectStatus:
    f = p.facts
    start = _date(f.get("start"))
    late = _late(f, start, settings.as_of)
    upcoming = sorted(
        (day, n) for n, m in enumerate(f.get("milestones") or ()) if (day := _date(m[2])) and day >= settings.as_of
    )
    next_milestone = None
    if upcoming:
        day, n = upcoming[0]
        m = f["milestones"][n]
        next_milestone = MilestonePoint(index, m[0], m[1], day, bool(m[3]))
    statuses = [k[2] for k in f.get("kpis") or ()]
    on, off = statuses.count("on_track"), statuses.count("off_track")
    budget = f.get("budget") or ()
    total = None
    if budget:
        total = sum(float(amount) for _, amount in budget) * rates[f["currency"]]
    progress = float(f.get("progress") or 0.0)
    finished = bool(f.get("counted")) and progress >= 100.0
    return ProjectStatus(
        index=index,
        name=p.name,
        title=f.get("title") or p.name,
        organization=f.get("organization") or "",
        locale=f.get("locale") or "en",
        date=_date(f.get("date")),
        version=str(f.get("version") or ""),
        progress=progress,
        dated=start is not None,
        late=late,
        next_milestone=next_milestone,
        rag=rag(on, off),
        kpis_on_track=on,
        kpis_off_track=off,
        finished=finished,
        budget_total=total,
        outcome=p.outcome,
    )


def rag(on_track: int, off_track: int) -> str:
    """Red, amber or green from the KPIs measured against their targets (see the module docstring)."""
    measured = on_track + off_track
    if not measured:
        return "none"
    if not off_track:
        return "green"
    return "red" if 2 * off_track >= measured else "amber"


def _late(facts: Mapping[str, Any], start: date | None, day: date) -> tuple[LateTask, ...]:
    """The open tasks late on ``day``, by the spec status view's own rules (run on a plan of those tasks)."""
    tasks = tuple(
        Task(
            id=t[0],
            name=t[1],
            phase_id="",
            status=t[2],
            start_date=_date(t[3]),
            end_date=_date(t[4]),
            start=int(t[5]),
            finish=int(t[5]) + int(t[6]),
            duration=int(t[6]),
            progress=t[7],
        )
        for t in facts.get("open_tasks") or ()
    )
    if not tasks:
        return ()
    plan = Outlook(
        meta=Meta(title="", organization="", date=day),
        background=Background(current_state=""),
        roadmap=Roadmap(start=start, unit=facts.get("unit") or "week", tasks=tasks),
        resources=Resources(),
        evaluation=Evaluation(),
    )
    return tuple(LateTask(x.task.id, x.task.name, x.reason, x.days) for x in status_view(plan, day).late)


# -- timeline -------------------------------------------------------------------


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _quarters(as_of: date, count: int) -> tuple[Quarter, ...]:
    year, number = quarter_of(as_of)
    out = []
    for _ in range(max(count, 0)):
        start = date(year, 3 * number - 2, 1)
        end = (date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)) - timedelta(days=1)
        out.append(Quarter(year, number, start, end))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return tuple(out)


def _timeline(
    inputs: Sequence[ProjectInput], quarters: Sequence[Quarter]
) -> tuple[tuple[TimelineRow, ...], int, int, int]:
    rows: list[TimelineRow] = []
    before = after = undated = 0
    first = quarters[0].start if quarters else None
    last = quarters[-1].end if quarters else None
    for index, p in enumerate(inputs):
        points = []
        for m in p.facts.get("milestones") or ():
            day = _date(m[2])
            if day is None:
                undated += 1
            elif first is None or day < first:
                before += 1
            elif day > last:
                after += 1
            else:
                q = next(i for i, quarter in enumerate(quarters) if day <= quarter.end)
                points.append((q, MilestonePoint(index, m[0], m[1], day, bool(m[3]))))
        if points:
            rows.append(TimelineRow(index, tuple(sorted(points, key=lambda qm: (qm[1].day, qm[1].id)))))
    return tuple(rows), before, after, undated


# -- load -------------------------------------------------------------------


def _group_of(role_id: str, groups: Sequence[RoleGroup]) -> RoleGroup | None:
    for group in groups:
        if role_id in group.match:
            return group
    return None


def _group_loads(inputs: Sequence[ProjectInput], settings: Settings, weeks: Sequence[date]) -> tuple[GroupLoad, ...]:
    position = {week.isoformat(): i for i, week in enumerate(weeks)}
    totals: dict[str, list[float]] = {}
    titles: dict[str, str] = {}
    capacity: dict[str, float] = {}
    booked_by: dict[str, set[int]] = {}
    for group in settings.roles:  # configured groups come first, in the order written
        totals[group.key] = [0.0] * len(weeks)
        titles[group.key] = group.title or group.key
        capacity[group.key] = group.capacity
        booked_by[group.key] = set()
    for index, p in enumerate(inputs):
        titles_here = {r[0]: r[1] for r in p.facts.get("roles") or ()}
        for role_id, rows in (p.facts.get("load") or {}).items():
            group = _group_of(role_id, settings.roles)
            key = group.key if group else role_id
            if key not in totals:
                totals[key] = [0.0] * len(weeks)
                titles[key] = titles_here.get(role_id) or role_id
                capacity[key] = 100.0
                booked_by[key] = set()
            for monday, load in rows:
                slot = position.get(monday)
                if slot is not None:
                    totals[key][slot] += float(load)
                    booked_by[key].add(index)
    out = []
    for key, loads in totals.items():
        if not any(loads) and key not in {g.key for g in settings.roles}:
            continue  # a role with no work in the window says nothing
        rounded = tuple(round(x, 2) for x in loads)
        out.append(
            GroupLoad(
                key=key,
                title=titles[key],
                capacity=capacity[key],
                loads=rounded,
                over=tuple(x > capacity[key] for x in rounded),
                peak=max(rounded, default=0.0),
                projects=len(booked_by[key]),
            )
        )
    configured = [g for g in out if g.key in {r.key for r in settings.roles}]
    others = sorted((g for g in out if g.key not in {r.key for r in settings.roles}), key=lambda g: (-g.peak, g.key))
    return tuple(configured + others)


def person_key(name: str) -> str:
    """How one person is recognised across projects: their name, spacing and case aside."""
    return " ".join(name.split()).casefold()


def person_weeks(inputs: Sequence[ProjectInput]) -> dict[str, tuple[str, dict[str, list[Contribution]]]]:
    """Every named person's bookings: ``{key: (name as first written, {monday: [contributions]})}``."""
    people: dict[str, tuple[str, dict[str, list[Contribution]]]] = {}
    for index, p in enumerate(inputs):
        loads = p.facts.get("load") or {}
        for role_id, _title, person, _allocation in p.facts.get("roles") or ():
            if not person or role_id not in loads:
                continue
            key = person_key(person)
            _, weeks = people.setdefault(key, (" ".join(person.split()), {}))
            for monday, load in loads[role_id]:
                weeks.setdefault(monday, []).append(Contribution(index, role_id, float(load)))
    return people


def overbooked_people(inputs: Sequence[ProjectInput], since: date | None = None) -> tuple[Overbooking, ...]:
    """Each person whose load summed across projects passes 100 % in some week (from ``since`` on), with
    their first such stretch of consecutive weeks; by name."""
    found = []
    for _key, (name, weeks) in sorted(person_weeks(inputs).items()):
        # A week one project overbooks on its own is OG701's finding, not the portfolio's.
        over = sorted(
            monday
            for monday, parts in weeks.items()
            if sum(c.load for c in parts) > 100
            and len({c.project for c in parts}) > 1
            and (since is None or date.fromisoformat(monday) >= since)
        )
        if not over:
            continue
        stretch = [over[0]]
        for monday in over[1:]:
            if date.fromisoformat(monday) - date.fromisoformat(stretch[-1]) != timedelta(weeks=1):
                break
            stretch.append(monday)
        peak = max(stretch, key=lambda m: sum(c.load for c in weeks[m]))  # the earliest of equal peaks
        found.append(
            Overbooking(
                person=name,
                first=date.fromisoformat(stretch[0]),
                last=date.fromisoformat(stretch[-1]),
                peak_week=date.fromisoformat(peak),
                load=round(sum(c.load for c in weeks[peak]), 2),
                contributions=tuple(sorted(weeks[peak], key=lambda c: (c.project, c.role))),
            )
        )
    return tuple(found)


def go_live_clashes(inputs: Sequence[ProjectInput]) -> tuple[GoLiveClash, ...]:
    """Weeks in which one organisation has two or more dated go-lives, in date order."""
    by_week: dict[tuple[str, date], list[MilestonePoint]] = {}
    names: dict[str, str] = {}
    for index, p in enumerate(inputs):
        organization = " ".join(str(p.facts.get("organization") or "").split())
        key = organization.casefold()
        names.setdefault(key, organization)
        for m in p.facts.get("milestones") or ():
            day = _date(m[2])
            if day is not None and m[3]:
                by_week.setdefault((key, week_of(day)), []).append(MilestonePoint(index, m[0], m[1], day, True))
    clashes = [
        GoLiveClash(names[key], week, tuple(sorted(points, key=lambda m: (m.day, m.project, m.id))))
        for (key, week), points in by_week.items()
        if len(points) > 1
    ]
    return tuple(sorted(clashes, key=lambda c: (c.week, c.organization.casefold())))


# -- risks and money -------------------------------------------------------------


def _open_risks(inputs: Sequence[ProjectInput], projects: Sequence[ProjectStatus]) -> list[OpenRisk]:
    out = []
    for index, p in enumerate(inputs):
        if projects[index].finished:
            continue
        for risk_id, title, likelihood, impact, score in p.facts.get("risks") or ():
            out.append(OpenRisk(index, risk_id, title, likelihood, impact, score))
    return out


def _budget(
    inputs: Sequence[ProjectInput], settings: Settings, rates: Mapping[str, float]
) -> tuple[tuple[str, ...], tuple[BudgetRow, ...], tuple[tuple[str, float], ...], float]:
    rows = []
    sums: dict[str, float] = {}
    for index, p in enumerate(inputs):
        budget = p.facts.get("budget") or ()
        if not budget:
            continue
        rate = rates[p.facts["currency"]]
        converted = tuple((category, float(amount) * rate) for category, amount in budget)
        for category, amount in converted:
            sums[category] = sums.get(category, 0.0) + amount
        rows.append(BudgetRow(index, p.facts["currency"], converted, sum(a for _, a in converted)))
    categories = tuple(c for c in CATEGORY_ORDER if c in sums) + tuple(
        sorted(c for c in sums if c not in CATEGORY_ORDER)
    )
    by_category = tuple((c, sums[c]) for c in categories)
    return categories, tuple(rows), by_category, sum(sums.values())
