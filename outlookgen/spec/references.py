"""The checks a JSON Schema cannot express: unique ids, references (by id, review pointers), cycles, links, timing.

Runs after the schema check on data that may still be partly invalid, so every
access is defensive: a malformed entry is skipped here (the schema check has
already reported it), never a crash.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from outlookgen.errors import Diagnostic, format_path
from outlookgen.fields_repr import fields_repr
from outlookgen.spec.loader import LoadedSpec
from outlookgen.spec.pointers import MISSING, parse_pointer, resolve
from outlookgen.spec.timing import Amount, dependency_entries, parse_amount, parse_day

# The plan may not run past this unit: dates are computed from unit numbers and
# a chain of long tasks must not push them past the year 9999.
MAX_UNIT = 10_000


@dataclass(frozen=True, repr=False)
class _Entry:
    """An item that carries an id."""

    id: str
    kind: str
    path: tuple

    __repr__ = fields_repr


def _list(data: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    """The mapping entries of the list at ``path`` (skipping anything malformed)."""
    node = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict):
                yield path + (index,), item


def _phases(data: Any) -> Iterator[tuple[tuple, dict]]:
    return _list(data, ("roadmap", "phases"))


def _tasks(data: Any) -> Iterator[tuple[tuple, dict]]:
    for phase_path, _ in _phases(data):
        yield from _list(data, phase_path + ("tasks",))


def _milestones(data: Any) -> Iterator[tuple[tuple, dict]]:
    for phase_path, _ in _phases(data):
        yield from _list(data, phase_path + ("milestones",))


def _id_bearers(data: Any) -> Iterator[tuple[str, tuple, dict]]:
    """(kind, path, item) for every item that must carry an id, in file order of sections."""
    for kind, path in (("driver", ("drivers",)), ("objective", ("objectives",)), ("scope item", ("scope", "included"))):
        for p, item in _list(data, path):
            yield kind, p, item
    for p, item in _phases(data):
        yield "phase", p, item
    for p, item in _tasks(data):
        yield "task", p, item
    for p, item in _milestones(data):
        yield "milestone", p, item
    for kind, path in (
        ("role", ("resources", "roles")),
        ("body", ("resources", "bodies")),
        ("risk", ("risks",)),
        ("KPI", ("evaluation", "kpis")),
    ):
        for p, item in _list(data, path):
            yield kind, p, item


def _references(data: Any) -> Iterator[tuple[tuple, Any, tuple[str, ...]]]:
    """(path, value, accepted kinds) for every reference by id in the spec."""

    def one(item_path: tuple, item: dict, key: str, *kinds: str):
        if key in item:
            yield item_path + (key,), item[key], kinds

    def many(item_path: tuple, item: dict, key: str, *kinds: str):
        values = item.get(key)
        if isinstance(values, list):
            for i, value in enumerate(values):
                yield item_path + (key, i), value, kinds

    def links(item_path: tuple, item: dict):
        """``after`` entries: a plain id, or the ``id`` of a ``{id, type, lag}`` mapping."""
        values = item.get("after")
        if isinstance(values, list):
            for i, value in enumerate(values):
                if isinstance(value, dict):
                    if "id" in value:
                        yield item_path + ("after", i, "id"), value["id"], ("task",)
                else:
                    yield item_path + ("after", i), value, ("task",)

    for p, obj in _list(data, ("objectives",)):
        yield from one(p, obj, "owner", "role")
        yield from many(p, obj, "drivers", "driver")
    for p, item in _list(data, ("scope", "included")):
        yield from one(p, item, "phase", "phase")
    for p, phase in _phases(data):
        yield from many(p, phase, "objectives", "objective")
    for p, task in _tasks(data):
        yield from one(p, task, "owner", "role")
        yield from links(p, task)
        yield from many(p, task, "objectives", "objective")
    for p, ms in _milestones(data):
        yield from links(p, ms)
    for p, body in _list(data, ("resources", "bodies")):
        yield from one(p, body, "chair", "role")
        yield from many(p, body, "members", "role")
    for p, item in _list(data, ("resources", "budget", "items")):
        yield from one(p, item, "phase", "phase")
    for p, risk in _list(data, ("risks",)):
        yield from one(p, risk, "owner", "role")
    for p, kpi in _list(data, ("evaluation", "kpis")):
        yield from one(p, kpi, "owner", "role")
        yield from many(p, kpi, "objectives", "objective")
    review = data.get("evaluation", {}).get("review") if isinstance(data.get("evaluation"), dict) else None
    if isinstance(review, dict):
        yield from many(("evaluation", "review"), review, "participants", "role", "body")


def reference_problems(spec: LoadedSpec) -> list[Diagnostic]:
    """Unique ids, resolvable references, acyclic dependencies and task timing."""
    data = spec.data if isinstance(spec.data, dict) else {}
    problems: list[Diagnostic] = []

    def report(path: tuple, message: str, at_key: bool = False) -> None:
        file, line, column = spec.locate(path, key=at_key)
        problems.append(Diagnostic(file, line, column, format_path(path), message))

    entries = _collect_ids(data, spec, report)
    _check_references(data, entries, report)
    _check_timing(data, report)
    _check_links(data, report)
    _check_calendar_days(data, report)
    _check_cycles_and_horizon(data, report)
    _check_document_date(data, report)
    _check_review_paths(data, report)
    return problems


def _collect_ids(data: dict, spec: LoadedSpec, report) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for kind, path, item in _id_bearers(data):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue  # missing or malformed: the schema check says so
        first = entries.get(ident)
        if first is None:
            entries[ident] = _Entry(ident, kind, path)
            continue
        file, line, _ = spec.locate((*first.path, "id"))
        where = f"line {line}" if file == spec.locate((*path, "id"))[0] else f"{file}:{line}"
        report(
            (*path, "id"),
            f"duplicate id '{ident}': the {first.kind} at {where} already uses it; ids are unique across the whole spec",
        )
    return entries


_KIND_PLURAL = {"KPI": "KPIs", "body": "bodies"}


def _plural(kind: str) -> str:
    return _KIND_PLURAL.get(kind, kind + "s")


# Where each kind of item is listed; a reference into a section that is missing
# or malformed is not reported again (the schema check has said so once).
_SECTIONS = {
    "driver": ("drivers",),
    "objective": ("objectives",),
    "phase": ("roadmap", "phases"),
    "role": ("resources", "roles"),
    "body": ("resources", "bodies"),
}


def _section_readable(data: dict, kind: str) -> bool:
    path = _SECTIONS.get(kind)
    if path is None:
        return True
    node: Any = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return kind == "body"  # bodies are optional: absent means none
        node = node[part]
    return isinstance(node, list)


def _check_references(data: dict, entries: dict[str, _Entry], report) -> None:
    readable = {kind: _section_readable(data, kind) for kind in _SECTIONS}
    for path, value, kinds in _references(data):
        if not isinstance(value, str):
            continue  # the schema check reports non-text references
        if not all(readable.get(kind, True) for kind in kinds):
            continue
        entry = entries.get(value)
        if entry is not None and entry.kind in kinds:
            continue
        wanted = " or ".join(kinds)
        known = sorted(e.id for e in entries.values() if e.kind in kinds and e.id)  # '' is no name to offer
        if entry is not None:
            message = f"'{value}' is a {entry.kind}, not a {wanted}"
        else:
            message = f"unknown {wanted} '{value}'"
            import difflib  # a suggestion is made only for a mistake

            close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            if close:
                message += f" (did you mean '{close[0]}'?)"
        message += f"; known {' and '.join(_plural(k) for k in kinds)}: {_id_list(known)}"
        report(path, message)


def _id_list(ids: list[str], limit: int = 12) -> str:
    if not ids:
        return "none defined"
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f", … ({len(ids) - limit} more)"


def _has_after(item: dict) -> bool:
    after = item.get("after")
    return isinstance(after, list) and len(after) > 0


def _dated(data: dict) -> bool:
    roadmap = data.get("roadmap")
    return isinstance(roadmap, dict) and parse_day(roadmap.get("start")) is not None


def _check_timing(data: dict, report) -> None:
    dated = _dated(data)
    for path, task in _tasks(data):
        if "start" not in task and not _has_after(task):
            report(path, "a task needs 'start' (the unit it begins in) or 'after' (the tasks it waits for)")
        if not dated:
            for key in ("start", "actual_start", "actual_finish"):
                if parse_day(task.get(key)) is not None:
                    report(path + (key,), f"a date in '{key}' needs roadmap.start (the plan's first day)")
        first, last = parse_day(task.get("actual_start")), parse_day(task.get("actual_finish"))
        if first is not None and last is not None and last < first:
            report(
                path + ("actual_finish",),
                f"the actual finish {last.isoformat()} is before the actual start {first.isoformat()}",
            )
        elif last is not None and first is None and "actual_start" not in task:
            report(path + ("actual_finish",), "a task that actually finished needs its 'actual_start' too")
    for path, ms in _milestones(data):
        if not dated and parse_day(ms.get("at")) is not None:
            report(path + ("at",), "a date in 'at' needs roadmap.start (the plan's first day)")
        has_at = "at" in ms
        if has_at and _has_after(ms):
            report(path + ("after",), "a milestone takes 'at' or 'after', not both", at_key=True)
        elif not has_at and not _has_after(ms):
            report(path, "a milestone needs 'at' (the unit it falls at the end of) or 'after' (the tasks it waits for)")


def _check_links(data: dict, report) -> None:
    """One link per pair of tasks: the same task linked twice with another type or lag cannot both hold."""
    for path, item in [*_tasks(data), *_milestones(data)]:
        seen: dict[str, tuple[int, str, str]] = {}
        for entry in dependency_entries(item.get("after")):
            lag = entry.lag.text if entry.lag else "0"
            first = seen.setdefault(entry.id, (entry.index, entry.type, lag))
            if first[1:] != (entry.type, lag):
                report(
                    path + ("after", entry.index),
                    f"'{entry.id}' is linked twice ({_link_text(first[1], first[2])} at after[{first[0]}] and "
                    f"{_link_text(entry.type, lag)} here); MS Project keeps one link per pair of tasks: keep one",
                )


def _link_text(kind: str, lag: str) -> str:
    return kind if lag in ("0", "") else f"{kind} {lag if lag.startswith('-') else '+' + lag}"


def _check_calendar_days(data: dict, report) -> None:
    """A calendar needs a first day; ranges run forward; no day is both a holiday and a working day."""
    roadmap = data.get("roadmap")
    calendar = roadmap.get("calendar") if isinstance(roadmap, dict) else None
    if not isinstance(calendar, dict):
        return
    where = ("roadmap", "calendar")
    if not _dated(data):
        report(where, "a working calendar needs roadmap.start: its weekdays and holidays fall on dates", at_key=True)
    listed: dict[str, dict] = {}
    for key in ("holidays", "workdays"):
        days: dict = listed.setdefault(key, {})
        items = calendar.get(key)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            path = (*where, key, i)
            if isinstance(item, dict):
                if "date" in item and ("from" in item or "to" in item):
                    report(path, "give either 'date' or a range 'from'/'to', not both")
                    continue
                if "date" not in item and not ("from" in item and "to" in item):
                    report(path, "a calendar day needs 'date', or 'from' and 'to' for a range")
                    continue
                first = parse_day(item.get("from", item.get("date")))
                last = parse_day(item.get("to", item.get("date")))
            else:
                first = last = parse_day(item)
            if first is None or last is None:
                continue  # the schema check reports a malformed date
            if last < first:
                report(path, f"the range ends ({last.isoformat()}) before it starts ({first.isoformat()})")
                continue
            if (last - first).days > 3660:
                report(path, "a range longer than ten years is not a holiday; check the years")
                continue
            day = first
            while day <= last:
                days.setdefault(day, path)
                day = date.fromordinal(day.toordinal() + 1)
    holidays = listed.get("holidays", {})
    for day, path in listed.get("workdays", {}).items():
        if day in holidays:
            report(
                path,
                f"{day.isoformat()} is listed both as a working day and in holidays at "
                f"{format_path(holidays[day])}; keep it in one list",
            )


def _check_cycles_and_horizon(data: dict, report) -> None:
    tasks: dict[str, tuple[tuple, dict]] = {}
    for path, task in _tasks(data):
        ident = task.get("id")
        if isinstance(ident, str) and ident not in tasks:
            tasks[ident] = (path, task)
    graph = {
        ident: list(dict.fromkeys(e.id for e in dependency_entries(task.get("after")) if e.id in tasks))
        for ident, (_, task) in tasks.items()
    }
    order = list(tasks)  # file order
    cycles = _cycles(graph, order)
    for cycle in cycles:
        first = cycle[0]
        path, _ = tasks[first]
        chain = " → ".join(cycle + [first])
        report(path + ("after",), f"dependency cycle: {chain}; a task cannot wait for itself", at_key=True)
    if cycles:
        return
    if any(not _within_limit(task.get(key)) for _, task in tasks.values() for key in ("start", "duration")):
        return  # the schema check reports the value past the limit; the horizon would say it twice
    finish = _finish_times(tasks, order, _unit_scale(data))
    _check_calendar(data, max(finish.values(), default=0), report)
    for ident in order:
        if finish.get(ident, 0) > MAX_UNIT:
            path, _ = tasks[ident]
            report(path, f"the plan runs to unit {finish[ident]} here, past the limit of {MAX_UNIT} units")
            return


def _check_calendar(data: dict, end: int, report) -> None:
    """Dates are computed from roadmap.start; the plan (with buffer) must end before year 9999."""
    roadmap = data.get("roadmap")
    if not isinstance(roadmap, dict) or not isinstance(roadmap.get("start"), str):
        return
    try:
        start = date.fromisoformat(roadmap["start"])
    except ValueError:
        return  # the schema check reports a malformed date
    buffer = roadmap.get("buffer") if _within_limit(roadmap.get("buffer")) else 0
    units = end + (buffer if isinstance(buffer, int) and not isinstance(buffer, bool) else 0)
    days = 1 if roadmap.get("unit") == "day" else 7
    if (date.max - start).days < units * days:
        report(("roadmap", "start"), "the plan would end after the year 9999; choose an earlier start")


# meta.date becomes the Word file's created/modified dates, and Word keeps those
# as Windows FILETIMEs, which start in 1601. (Zip entry times are clamped to
# 1980-2107 instead: no one reads them.)
FIRST_DOCUMENT_DATE = date(1601, 1, 1)


def _check_document_date(data: dict, report) -> None:
    """meta.date must be a day every output format can carry."""
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("date"), str):
        return
    try:
        day = date.fromisoformat(meta["date"])
    except ValueError:
        return  # the schema check reports a malformed date
    if day < FIRST_DOCUMENT_DATE:
        report(
            ("meta", "date"),
            f"{day.isoformat()} is before {FIRST_DOCUMENT_DATE.isoformat()}, the first date a Word file "
            "can carry as its created date; check the year",
        )


def _check_review_paths(data: dict, report) -> None:
    """Each review comment's ``path`` points at something in the spec (a client's comment must not lose its place)."""
    for path, comment in _list(data, ("review",)):
        pointer = comment.get("path")
        if not isinstance(pointer, str) or not pointer.startswith("/"):
            continue  # "" is the whole document; anything else the schema check reports
        target = parse_pointer(pointer)
        if target is None or resolve(data, target) is MISSING:
            report((*path, "path"), f"review comment points at {pointer}, which is not in the spec")


def _within_limit(value: Any) -> bool:
    return not isinstance(value, (int, float)) or isinstance(value, bool) or value <= MAX_UNIT


def _cycles(graph: dict[str, list[str]], order: list[str]) -> list[list[str]]:
    """Each dependency cycle once, starting at its first task in file order (iterative Tarjan)."""
    position = {ident: i for i, ident in enumerate(order)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in order:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(graph[succ])))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(component)
    cycles = [_walk_cycle(set(c), graph, min(c, key=position.__getitem__), position) for c in components]
    return sorted(cycles, key=lambda c: position[c[0]])


def _walk_cycle(members: set[str], graph: dict[str, list[str]], start: str, position: dict[str, int]) -> list[str]:
    """A concrete cycle through ``start`` inside one strongly connected component (BFS back to start)."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for succ in sorted((s for s in graph[node] if s in members), key=position.__getitem__):
                if succ == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return list(reversed(path))
                if succ not in parents:
                    parents[succ] = node
                    nxt.append(succ)
        frontier = nxt
    return [start]


def _unit_scale(data: dict) -> tuple[Callable[[Amount | None], float], date | None, int]:
    """How many planning units a duration or lag spans on the calendar, the plan's first day, and days per unit.

    Only an estimate for the horizon check: working days are stretched by the
    weekend (7 days for every 5 on a Monday–Friday calendar), holidays not
    counted; the model computes the real dates.
    """
    roadmap = data.get("roadmap") if isinstance(data.get("roadmap"), dict) else {}
    unit_days = 1 if roadmap.get("unit") == "day" else 7
    calendar = roadmap.get("calendar")
    declared = isinstance(calendar, dict)
    weekdays = calendar.get("weekdays") if declared else None
    week_len = len(weekdays) if isinstance(weekdays, list) and weekdays else (5 if declared else 7)
    per_unit = week_len if unit_days == 7 else 1  # working days in one planning unit
    stretch = 7 / week_len if declared else 1.0  # calendar days per working day

    def units(amount: Amount | None) -> float:
        if amount is None:
            return 0.0
        work = amount.value * {"d": 1, "w": week_len}.get(amount.unit, per_unit)
        return work * stretch / unit_days

    return units, parse_day(roadmap.get("start")), unit_days


def _finish_times(
    tasks: dict[str, tuple[tuple, dict]],
    order: list[str],
    scale: tuple[Callable[[Amount | None], float], date | None, int],
) -> dict[str, int]:
    """Earliest finish of every task in units (only to enforce the horizon; the model owns the real schedule)."""
    units, origin, unit_days = scale
    entries = {
        ident: [e for e in dependency_entries(task.get("after")) if e.id in tasks] for ident, (_, task) in tasks.items()
    }
    begin: dict[str, float] = {}
    finish: dict[str, float] = {}

    def day_units(value: Any) -> float | None:
        day = parse_day(value)
        if day is None or origin is None:
            return None
        return max(0.0, (day - origin).days / unit_days)

    for root in order:
        stack = [root]
        while stack:
            node = stack[-1]
            if node in finish:
                stack.pop()
                continue
            pending = [e.id for e in entries[node] if e.id not in finish]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            task = tasks[node][1]
            start = task.get("start")
            first = start - 1 if isinstance(start, int) and not isinstance(start, bool) else day_units(start) or 0.0
            length = units(parse_amount(task.get("duration")))
            for e in entries[node]:
                lag = max(0.0, units(e.lag))  # a lead never moves the horizon out
                if e.type == "SS":
                    first = max(first, begin[e.id] + lag)
                elif e.type == "FF":
                    first = max(first, finish[e.id] + lag - length)
                elif e.type == "SF":
                    first = max(first, begin[e.id] + lag - length)
                else:
                    first = max(first, finish[e.id] + lag)
            actual = day_units(task.get("actual_start"))
            begin[node] = actual if actual is not None else first
            ended = day_units(task.get("actual_finish"))
            finish[node] = max(begin[node] + length, ended if ended is not None else 0.0)
    return {ident: math.ceil(value) for ident, value in finish.items()}
