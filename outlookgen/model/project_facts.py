"""One outlook summed up for a portfolio: the few facts a PMO compares across projects, as plain JSON data.

The facts are computed once per spec (the build records them beside its
outputs, the portfolio reads them back) and hold nothing that depends on the
day the portfolio is made for: the tasks still open keep their dates and
status, so lateness is judged later, on the portfolio's day, by the same
rules as a spec's own status view (:mod:`outlookgen.model.status`).

Role load follows lint rule OG701: in a planning unit, a role carries its
``allocation`` (100 when unset) once for every one of its tasks running then;
tasks that are done, cancelled or take no time book nobody. Units are put on
the calendar by ``roadmap.start`` and summed up per ISO week (Monday first):
a week's load is its busiest unit's, so a week of day units counts the peak
day. A plan without ``roadmap.start`` has no calendar and books no week.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from outlookgen.model.outlook import Outlook, Task
from outlookgen.model.status import status_view

FACTS_FORMAT = 1
_CLOSED = ("done", "cancelled")


def week_of(day: date) -> date:
    """The Monday of ``day``'s ISO week: how every project's calendar is lined up."""
    return day - timedelta(days=day.weekday())


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: Any) -> Any:
    """A JSON number as written (a whole float becomes an int)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def project_facts(outlook: Outlook, is_go_live: Callable[[str], bool] = lambda name: False) -> dict[str, Any]:
    """The portfolio facts of one outlook (see the module docstring); ``is_go_live`` judges a milestone's name."""
    road = outlook.roadmap
    meta = outlook.meta
    view = status_view(outlook)  # overall progress does not depend on the day
    budget = outlook.resources.budget
    return {
        "format": FACTS_FORMAT,
        "title": meta.title,
        "organization": meta.organization,
        "locale": meta.locale,
        "date": _iso(meta.date),
        "version": meta.version,
        "status": meta.status,
        "unit": road.unit,
        "start": _iso(road.start),
        "end": _iso(road.end_date),
        "progress": round(view.overall, 2),
        "tasks": len(road.tasks),
        "done": sum(1 for t in road.tasks if t.status == "done"),
        "counted": sum(1 for t in road.tasks if t.status != "cancelled"),
        "open_tasks": [_open_task(t) for t in road.tasks if t.status not in _CLOSED],
        "milestones": [[m.id, m.name, _iso(m.date), bool(is_go_live(m.name))] for m in road.milestones],
        "roles": [[r.id, r.title, r.name, _number(r.allocation)] for r in outlook.resources.roles],
        "load": role_weeks(outlook),
        "risks": [[r.id, r.title, r.likelihood, r.impact, r.score] for r in outlook.risks],
        "currency": budget.currency if budget else None,
        "budget": [[category, _number(amount)] for category, amount in budget.by_category] if budget else [],
        "kpis": [[k.id, k.name, k.status] for k in outlook.evaluation.kpis],
    }


def _open_task(t: Task) -> list[Any]:
    return [t.id, t.name, t.status, _iso(t.start_date), _iso(t.end_date), t.start, t.duration, _number(t.progress)]


def role_weeks(outlook: Outlook) -> dict[str, list[list[Any]]]:
    """Each role's load per ISO week, ``{role id: [[monday, percent], ...]}``, weeks with no load left out."""
    road = outlook.roadmap
    if road.start is None:
        return {}
    days = 7 if road.unit == "week" else 1
    loads: dict[str, list[list[Any]]] = {}
    for role in outlook.resources.roles:
        allocation = 100 if role.allocation is None else float(role.allocation)
        if allocation <= 0:
            continue
        tasks = [t for t in outlook.tasks_for_role(role.id) if t.status not in _CLOSED and not t.is_point]
        if not tasks:
            continue
        running: dict[int, int] = {}
        for task in tasks:
            for unit in range(task.first_unit, task.last_unit + 1):
                running[unit] = running.get(unit, 0) + 1
        weeks: dict[date, float] = {}
        for unit, count in running.items():
            monday = week_of(road.start + timedelta(days=(unit - 1) * days))
            weeks[monday] = max(weeks.get(monday, 0.0), count * allocation)
        loads[role.id] = [[monday.isoformat(), _number(round(load, 2))] for monday, load in sorted(weeks.items())]
    return loads
