"""Plans from elsewhere into specs: a :class:`ForeignPlan` as a new spec, or its progress taken into an existing one.

A new spec (:func:`spec_from_plan`)
    Phases come from the outline (level-1 summary tasks), tasks and
    milestones from the rest, owners from the assignments (a role per
    resource), links with their types and lags. Durations are written in
    planning units (weeks) when they are whole weeks of the plan's
    calendar, else in working days (``3d``). A task gets ``start`` when no
    link places it, or when the file pins it later than its links would (a
    constraint, manual scheduling): the spec is scheduled and checked
    against the file's dates until they agree. A milestone other tasks wait
    for becomes a 0-duration task (a spec's ``after`` names tasks only).

    When the file is an outlookgen export, the rest of the outlook it
    carried comes back with it, so the spec validates and builds as it was.
    Otherwise what the file cannot give — background, drivers, objectives,
    scope, risks, KPIs — is left as commented placeholders at the end, and
    ``outlookgen validate`` names each one to fill in.

Progress into an existing spec (:func:`update_spec`)
    Tasks are matched by id (the file's outlookgen id or ID column), else by
    unique name; ``progress``, ``status`` (done at 100 %, in progress above
    0), ``actual_start`` and ``actual_finish`` are set where the file says
    something new. The spec is rewritten with ruamel.yaml's round trip, so
    its comments, key order and quoting stay; each change is reported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from outlookgen.exchange.plan import ForeignPlan, ForeignTask
from outlookgen.model.calendar import WEEKDAYS, DayRange, WorkCalendar
from outlookgen.model.timeline import Timeline
from outlookgen.spec.loader import Limits, load_text

__all__ = ["Change", "ImportProblem", "spec_from_plan", "update_spec"]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CHECK_ROUNDS = 6


class ImportProblem(ValueError):
    """A plan that cannot become a spec; ``line`` is where in the file (1 when unknown)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


# --------------------------------------------------------------------------- a new spec


def _carried(plan: ForeignPlan) -> dict[str, Any] | None:
    """The rest of the outlook an outlookgen export carried, read as a spec is (limits included)."""
    if not plan.carried:
        return None
    loaded = load_text(plan.carried, f"{plan.source} (carried outlook)", limits=Limits())
    if loaded.problems or not isinstance(loaded.data, dict) or "outlook" not in loaded.data:
        return None
    return loaded.data


def _slug(text: str, prefix: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or prefix
    if not base[0].isalpha():
        base = f"{prefix}-{base}"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


@dataclass
class _Ids:
    """Spec ids for the file's phases, tasks and resources (outlookgen ids kept when usable)."""

    taken: set[str] = field(default_factory=set)

    def claim(self, wanted: str | None, prefix: str, number: int) -> str:
        if wanted and _ID.match(wanted) and wanted not in self.taken:
            self.taken.add(wanted)
            return wanted
        return _slug(f"{prefix}{number}", prefix, self.taken)


def _calendar(plan: ForeignPlan, carried_roadmap: Mapping[str, Any] | None) -> tuple[dict | None, WorkCalendar]:
    """The spec's ``roadmap.calendar`` (None: plain) and the working calendar it gives."""
    start = plan.start
    if carried_roadmap is not None:
        from outlookgen.model.calendar import calendar_from_spec

        raw = carried_roadmap.get("calendar")
        return (dict(raw) if isinstance(raw, Mapping) else None), calendar_from_spec(carried_roadmap, start, None)
    cal = plan.calendar
    if cal.plain:
        return None, WorkCalendar(start)
    spec: dict[str, Any] = {}
    if cal.name:
        spec["name"] = cal.name
    if tuple(cal.weekdays) != (0, 1, 2, 3, 4):
        spec["weekdays"] = [WEEKDAYS[d] for d in cal.weekdays]
    for key, items in (("holidays", cal.holidays), ("workdays", cal.workdays)):
        if items:
            spec[key] = [_day_entry(first, last, name) for first, last, name in items]
    work = WorkCalendar(
        start,
        plain=False,
        weekdays=cal.weekdays,
        holidays=[DayRange(a, b, False, n) for a, b, n in cal.holidays],
        workdays=[DayRange(a, b, True, n) for a, b, n in cal.workdays],
    )
    return spec, work


def _day_entry(first: date, last: date, name: str | None) -> Any:
    if first == last:
        return {"date": first.isoformat(), "name": name} if name else first.isoformat()
    entry: dict[str, Any] = {"from": first.isoformat(), "to": last.isoformat()}
    if name:
        entry["name"] = name
    return entry


def _work_days(task: ForeignTask, calendar: WorkCalendar) -> int:
    """Working days from the file's dates (what its users saw), else its duration.

    A task may run on another calendar or be driven by its resources in MS
    Project: its dates, counted on the plan's calendar, keep it where it was.
    """
    if task.start and task.finish and calendar.origin is not None and task.finish >= task.start:
        days = calendar.tick_at(task.finish + timedelta(days=1)) - calendar.tick_at(task.start)
        if days > 0:
            return days
    return max(task.work_days or 0, 0)


def spec_from_plan(plan: ForeignPlan) -> str:
    """The spec (YAML text) for ``plan``: valid and buildable when it carries the rest of an outlookgen export."""
    carried = _carried(plan)
    carried_road = dict(carried.get("roadmap") or {}) if carried else None
    starts = [t.start for t in plan.tasks if t.start]
    if starts and (plan.start is None or min(starts) < plan.start):
        plan.start = min(starts)  # nothing starts before a spec's first day
    if plan.start is None:
        raise ImportProblem("the file has no dates: neither a project start nor task starts")
    if not plan.tasks:
        raise ImportProblem("the file has no tasks")
    if carried_road and carried_road.get("start"):
        plan.start = date.fromisoformat(str(carried_road["start"]))
    calendar_spec, calendar = _calendar(plan, carried_road)
    unit = str(carried_road.get("unit", "week")) if carried_road else "week"
    week = calendar.unit_length("week")
    unit_days = 7 if unit == "week" else 1

    ids = _Ids()
    # Keys other tasks link to that are milestones: they become 0-duration tasks.
    linked = {link.key for task in plan.tasks for link in task.links}
    phase_ids: dict[str, str] = {}
    carried_phase_names = {
        str(p.get("name")): str(p.get("id")) for p in (carried_road or {}).get("phases") or () if isinstance(p, Mapping)
    }
    for number, (key, name, own) in enumerate(plan.phases, start=1):
        # A workbook names phases; an MS Project export carries their ids.
        phase_ids[key] = ids.claim(own or carried_phase_names.get(name), "P", number)
    task_ids: dict[str, str] = {}
    for number, task in enumerate(plan.tasks, start=1):
        task_ids[task.key] = ids.claim(task.id, "M" if task.milestone and task.key not in linked else "T", number)
    roles, role_of = _roles(plan, carried, ids)

    phases: list[dict[str, Any]] = []
    by_phase: dict[str | None, dict[str, Any]] = {}
    carried_phases = {p.get("id"): p for p in (carried_road or {}).get("phases") or () if isinstance(p, Mapping)}
    carried_items = {
        item.get("id"): item
        for p in carried_phases.values()
        for item in [*(p.get("tasks") or ()), *(p.get("milestones") or ())]
        if isinstance(item, Mapping)
    }
    for key, name, _own in plan.phases:
        phase_id = phase_ids[key]
        phase = {k: v for k, v in carried_phases.get(phase_id, {}).items() if k not in ("tasks", "milestones")}
        phase.update({"id": phase_id, "name": phase.get("name", name)})
        phase["tasks"], phase["milestones"] = [], []
        phases.append(phase)
        by_phase[key] = phase

    notes: dict[str, list[str]] = {}
    for task in plan.tasks:
        phase = by_phase.get(task.phase)
        if phase is None:
            phase = by_phase.get(None)
            if phase is None:
                phase = {"id": ids.claim(None, "P", len(phases) + 1), "name": plan.title or "Tasks"}
                phase["tasks"], phase["milestones"] = [], []
                phases.append(phase)
                by_phase[None] = phase
        ident = task_ids[task.key]
        extra = {k: v for k, v in carried_items.get(ident, {}).items() if k != "id"}
        notes[ident] = list(task.notes)
        after = []
        for link in task.links:
            if link.key not in task_ids:
                notes[ident].append(f"a link to {link.key}, which is not in the file, was left out")
                continue
            after.append(_after_entry(task_ids[link.key], link, week, unit))
        if task.milestone and task.key not in linked:
            item: dict[str, Any] = {"id": ident, "name": task.name}
            if after:
                item["after"] = after
            else:
                item["at"] = _at_value(
                    task.finish or task.start or plan.start, plan.start, unit_days, Timeline(calendar, unit)
                )
            item.update(extra)
            phase["milestones"].append(item)
            continue
        item = {"id": ident, "name": task.name}
        if task.owner is not None and task.owner in role_of:
            item["owner"] = role_of[task.owner]
        work = 0 if task.milestone else _work_days(task, calendar)
        item["duration"] = _duration_value(work, task.duration_unit, week, unit)
        if after:
            item["after"] = after
        fixed = task.fixed_start
        if not after or fixed is not None:
            item["start"] = _start_value(fixed or task.start or plan.start, plan.start, calendar, unit_days, week, unit)
        for key in ("actual_start", "actual_finish"):
            value = getattr(task, key)
            if value is not None:
                item[key] = value.isoformat()
        status = _status(task)
        if status and status != "planned":
            item["status"] = status
        if task.progress:
            item["progress"] = _number(task.progress)
        item.update(extra)
        phase["tasks"].append(item)
    for phase in phases:
        if not phase["milestones"]:
            del phase["milestones"]
        if not phase["tasks"]:
            notes.setdefault(phase["id"], []).append("the phase had no tasks in the file: add one")

    roadmap: dict[str, Any] = {"start": plan.start.isoformat()}
    if carried_road:
        roadmap.update({k: v for k, v in carried_road.items() if k not in ("phases",)})
    else:
        roadmap["unit"] = unit
        if calendar_spec:
            roadmap["calendar"] = calendar_spec
    roadmap["phases"] = phases
    _pin_dates(plan, roadmap, task_ids, notes, calendar, unit_days, week, unit)

    if carried:
        data = dict(carried)
        data["roadmap"] = roadmap
        resources = dict(data.get("resources") or {})
        known = {r.get("id") for r in resources.get("roles") or () if isinstance(r, Mapping)}
        resources["roles"] = [*(resources.get("roles") or ()), *(r for r in roles if r["id"] not in known)]
        data["resources"] = resources
        return _dump(data, notes, plan, placeholders=False)
    # No owner in the file: no roles to write; validate then asks for resources.roles.
    data = {"outlook": 1, "meta": _meta(plan), "roadmap": roadmap, "resources": {"roles": roles} if roles else {}}
    return _dump(data, notes, plan, placeholders=True)


def _roles(plan: ForeignPlan, carried: Mapping[str, Any] | None, ids: _Ids) -> tuple[list[dict], dict[str, str]]:
    """A role per resource that owns a task (the carried roles when the resource names one)."""
    carried_roles = [r for r in ((carried or {}).get("resources") or {}).get("roles") or () if isinstance(r, Mapping)]
    by_text: dict[str, str] = {}
    for role in carried_roles:
        title, name = str(role.get("title", "")), role.get("name")
        by_text[str(role.get("id"))] = str(role.get("id"))
        by_text[title] = str(role.get("id"))
        if name:
            by_text[f"{title} ({name})"] = str(role.get("id"))
    ids.taken.update(by_text.values())
    owners = {task.owner for task in plan.tasks if task.owner is not None}
    roles: list[dict[str, Any]] = []
    role_of: dict[str, str] = {}
    for number, (key, (name, code)) in enumerate(plan.resources.items(), start=1):
        if key not in owners:
            continue
        found = by_text.get(code or "") or by_text.get(name)
        if found is None:
            found = ids.claim(code, "R", number) if code and _ID.match(code) else _slug(name, "R", ids.taken)
            roles.append({"id": found, "title": name})
            by_text[name] = found
        role_of[key] = found
    return roles, role_of


def _after_entry(ident: str, link: Any, week: int, unit: str) -> Any:
    if link.type == "FS" and not link.lag_days:
        return ident
    entry: dict[str, Any] = {"id": ident, "type": link.type}
    if link.lag_days:
        entry["lag"] = _lag_value(link.lag_days, link.lag_unit, week)
    if link.type == "FS":
        del entry["type"]
    return entry


def _lag_value(days: int, unit: str, week: int) -> str:
    if unit == "w" and days % week == 0:
        return f"{days // week}w"
    return f"{days}d"


def _duration_value(days: int, unit_shown: str, week: int, unit: str) -> Any:
    if days and days % week == 0 and (unit == "week" or unit_shown == "w"):
        return days // week if unit == "week" else f"{days // week}w"
    return days if unit == "day" else f"{days}d"


def _start_value(day: date, origin: date, calendar: WorkCalendar, unit_days: int, week: int, unit: str) -> Any:
    """A unit number when the day is where that unit's first working day is, else the date."""
    if day <= origin:
        return 1
    number = (day - origin).days // unit_days + 1
    clock = Timeline(calendar, unit)
    if clock.start_date(clock.unit_begin(number)) == day:
        return number
    return day.isoformat()


def _at_value(day: date, origin: date, unit_days: int, clock: Any = None) -> Any:
    """A milestone ``at``: the unit number when the day ends a unit, else the date.

    A unit's end is its last day (what MS Project schedules on a seven-day
    week) or the day documents and workbooks give an ``at: N`` milestone
    (on the plain calendar, the unit's last weekday): both read back as N.
    """
    offset = (day - origin).days + 1
    if offset > 0 and offset % unit_days == 0:
        return offset // unit_days
    number = offset // unit_days + 1
    if clock is not None and offset > 0 and clock.point_date(clock.at_tick(number)[0]) == day:
        return number
    return day.isoformat()


def _status(task: ForeignTask) -> str | None:
    """The file's status word (either language) unless it just says planned; then what the progress says."""
    from outlookgen.exchange.table import status_names

    said = None
    if task.status:
        said = status_names(_STATUS_WORDS).get(task.status.strip().lower().replace("_", " "))
        said = said or (task.status if task.status in _STATUSES else None)
    if said not in (None, "planned"):
        return said
    if task.progress is not None and task.progress >= 100:
        return "done"
    if task.progress:
        return "in_progress"
    return said


_STATUSES = ("planned", "in_progress", "done", "blocked", "cancelled")
_STATUS_WORDS = {
    "en": {
        "planned": "Planned",
        "in_progress": "In progress",
        "done": "Done",
        "blocked": "Blocked",
        "cancelled": "Cancelled",
    },
    "zh": {"planned": "计划中", "in_progress": "进行中", "done": "已完成", "blocked": "受阻", "cancelled": "已取消"},
}


def _number(value: float) -> Any:
    return int(value) if float(value).is_integer() else round(value, 1)


def _meta(plan: ForeignPlan) -> dict[str, Any]:
    meta: dict[str, Any] = {"title": plan.title or plan.source}
    if plan.organization:
        meta["organization"] = plan.organization
    when = plan.status_date
    if when is not None:
        meta["date"] = when.isoformat()
    if plan.author:
        meta["prepared_by"] = [{"name": plan.author}]
    texts = [plan.title or ""] + [t.name for t in plan.tasks[:20]]
    meta["locale"] = "zh-CN" if any(_CJK.search(t) for t in texts) else "en"
    return meta


def _pin_dates(
    plan: ForeignPlan,
    roadmap: dict[str, Any],
    task_ids: Mapping[str, str],
    notes: dict[str, list[str]],
    calendar: WorkCalendar,
    unit_days: int,
    week: int,
    unit: str,
) -> None:
    """Schedule the spec and give ``start`` to each task the file has later than its links place it."""
    from outlookgen.model import build_outlook
    from outlookgen.model.calendar import PlanProblem

    wanted = {task_ids[t.key]: t for t in plan.tasks if t.start is not None}
    items = {item["id"]: item for phase in roadmap["phases"] for item in phase["tasks"]}
    for _round in range(_CHECK_ROUNDS):
        try:
            outlook = build_outlook({"meta": {"title": "-"}, "roadmap": roadmap, "resources": {"roles": []}})
        except (PlanProblem, ValueError, KeyError, TypeError):
            return  # the spec check after the import says what is wrong
        moved = False
        for task in outlook.roadmap.tasks:
            foreign = wanted.get(task.id)
            if foreign is None or task.start_date is None or task.actual_start is not None:
                continue
            day = foreign.start
            if task.start_date < day:
                items[task.id]["start"] = _start_value(day, plan.start, calendar, unit_days, week, unit)
                moved = True
            elif task.start_date > day and _round == _CHECK_ROUNDS - 1:
                notes.setdefault(task.id, []).append(
                    f"MS Project had it start on {day.isoformat()}, earlier than its links allow"
                )
        if not moved:
            return


_PLACEHOLDERS = """
# ---------------------------------------------------------------------------
# What the imported file does not hold. Fill these in (`outlookgen validate`
# names each one that is still missing), then remove the '# ' in front.
# ---------------------------------------------------------------------------
# background:
#   current_state: <where the business stands today>
#   challenges: [<what hurts, in the business's words>]
# drivers:
#   - {id: D1, pain_point: <the business pain this plan answers>, priority: high}
# objectives:
#   - id: O1
#     statement: <a SMART objective, e.g. cut order lead time by 20%>
#     metric: <what is measured>
#     target: "<= 4 days"
#     deadline: <YYYY-MM-DD>
#     drivers: [D1]
# scope:
#   included: [{id: S1, name: <a module or process in scope>}]
# risks:
#   - {id: R1, title: <what could go wrong>, likelihood: medium, impact: high}
# evaluation:
#   kpis: [{id: K1, name: <a KPI>, target: "<target>", frequency: monthly}]
"""


def _dump(data: Mapping[str, Any], notes: Mapping[str, list[str]], plan: ForeignPlan, *, placeholders: bool) -> str:
    """The spec as YAML (ruamel.yaml: block style, ``after`` lists in flow style, notes as comments)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def convert(value: Any, key: str = "") -> Any:
        if isinstance(value, Mapping):
            out = CommentedMap()
            for k, v in value.items():
                out[k] = convert(v, k)
            flow = key in ("after",) or (isinstance(value, Mapping) and set(value) <= {"id", "type", "lag"})
            if flow or (key == "" and set(value) <= {"date", "from", "to", "name"}):
                out.fa.set_flow_style()
            return out
        if isinstance(value, (list, tuple)):
            seq = CommentedSeq(convert(v) for v in value)
            short = key in ("after", "weekdays", "holidays", "workdays", "objectives", "drivers", "members")
            if short and all(not isinstance(v, Mapping) or set(v) <= {"id", "type", "lag"} for v in value):
                seq.fa.set_flow_style()
            return seq
        if isinstance(value, str) and _ISO_DAY.match(value):
            # The loader reads a date written plain or quoted as the same text: plain reads better.
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        return value

    document = convert(data)
    for phase in document.get("roadmap", {}).get("phases", ()):
        for item in [*phase.get("tasks", ()), *phase.get("milestones", ())]:
            said = notes.get(item["id"])
            if said:
                item.yaml_add_eol_comment("; ".join(said), "name")
        said = notes.get(phase["id"])
        if said:
            phase.yaml_add_eol_comment("; ".join(said), "name")
    yaml = YAML()
    yaml.width = 120
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    _numbers_as_written(yaml)
    out = io.StringIO()
    yaml.dump(document, out)
    header = f"# Imported from {plan.source} by outlookgen import; check it, then build.\n"
    text = header + out.getvalue()
    if placeholders:
        text += _PLACEHOLDERS
    return text


def _numbers_as_written(yaml: Any) -> None:
    """Numbers read from a spec are written as they were (``97.50`` stays ``97.50``)."""
    from outlookgen.spec.scalars import ScalarFloat, ScalarInt

    def number(representer: Any, value: Any) -> Any:
        tag = "tag:yaml.org,2002:float" if isinstance(value, float) else "tag:yaml.org,2002:int"
        return representer.represent_scalar(tag, value.source)

    yaml.representer.add_representer(ScalarFloat, number)
    yaml.representer.add_representer(ScalarInt, number)


# --------------------------------------------------------------------------- progress into a spec


@dataclass(frozen=True)
class Change:
    """One value the update set: the task, the key, before and after (None: absent)."""

    task: str
    key: str
    old: Any
    new: Any

    def text(self) -> str:
        old = "—" if self.old is None else self.old
        return f"{self.task}: {self.key} {old} → {self.new}"


def update_spec(text: str, plan: ForeignPlan, *, valid_ids: Mapping[str, str]) -> tuple[str, list[Change], list[str]]:
    """``text`` (a valid spec) with the plan's progress and actual dates; (new text, changes, tasks not matched).

    ``valid_ids`` maps each task id of the spec to its name (from the model).
    """
    from outlookgen.exchange.roundtrip import load_round_trip

    yaml, document = load_round_trip(text)  # the file's own indentation, comments and quoting kept
    names: dict[str, list[str]] = {}
    for ident, name in valid_ids.items():
        names.setdefault(name, []).append(ident)
    nodes = {}
    for phase in document.get("roadmap", {}).get("phases", ()) or ():
        for task in phase.get("tasks", ()) or ():
            nodes[str(task.get("id"))] = task
    changes: list[Change] = []
    unmatched: list[str] = []
    for foreign in plan.tasks:
        if foreign.milestone and foreign.work_days == 0 and foreign.id not in nodes:
            continue
        ident = foreign.id if foreign.id in nodes else None
        if ident is None:
            same = names.get(foreign.name, [])
            ident = same[0] if len(same) == 1 else None
        if ident is None:
            unmatched.append(foreign.id or foreign.name)
            continue
        node = nodes[ident]
        wanted: dict[str, Any] = {}
        if foreign.progress is not None:
            wanted["progress"] = _number(foreign.progress)
        status = _status(foreign)
        started = status == "in_progress" and node.get("status", "planned") == "planned"
        if status in ("done", "blocked", "cancelled") or started:
            wanted["status"] = status
        for key in ("actual_start", "actual_finish"):
            value = getattr(foreign, key)
            if value is not None:
                wanted[key] = value
        for key, value in wanted.items():
            old = node.get(key)
            if _same(old, value) or (key == "progress" and old is None and not value):
                continue  # no progress in the spec already means 0
            if key == "status" and old == "done":
                continue  # a spec's "done" is not undone by a file
            changes.append(Change(ident, key, old, value if not isinstance(value, date) else value.isoformat()))
            _set(node, key, value)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue(), changes, unmatched


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, date):
        return str(old) == new.isoformat() or old == new
    try:
        return old is not None and float(old) == float(new)
    except (TypeError, ValueError):
        return old == new


def _set(node: Any, key: str, value: Any) -> None:
    """Set a key in a round-trip mapping: in place when it exists, else after the task's last timing key."""
    if key in node:
        node[key] = value
        return
    order = ("id", "name", "owner", "start", "duration", "after", "actual_start", "actual_finish", "status", "progress")
    keys = list(node.keys())
    position = len(keys)
    for index, existing in enumerate(keys):
        if existing in order and order.index(existing) > order.index(key):
            position = index
            break
    node.insert(position, key, value)
