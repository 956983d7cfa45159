"""The checks a JSON Schema cannot express: unique ids, references, dependency cycles, task timing.

Runs after the schema check on data that may still be partly invalid, so every
access is defensive: a malformed entry is skipped here (the schema check has
already reported it), never a crash.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from outlookgen.errors import Diagnostic, format_path
from outlookgen.spec.loader import LoadedSpec

# The plan may not run past this unit: dates are computed from unit numbers and
# a chain of long tasks must not push them past the year 9999.
MAX_UNIT = 10_000


@dataclass(frozen=True)
class _Entry:
    """An item that carries an id."""

    id: str
    kind: str
    path: tuple


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

    for p, obj in _list(data, ("objectives",)):
        yield from one(p, obj, "owner", "role")
        yield from many(p, obj, "drivers", "driver")
    for p, item in _list(data, ("scope", "included")):
        yield from one(p, item, "phase", "phase")
    for p, phase in _phases(data):
        yield from many(p, phase, "objectives", "objective")
    for p, task in _tasks(data):
        yield from one(p, task, "owner", "role")
        yield from many(p, task, "after", "task")
        yield from many(p, task, "objectives", "objective")
    for p, ms in _milestones(data):
        yield from many(p, ms, "after", "task")
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
    _check_cycles_and_horizon(data, report)
    _check_document_date(data, report)
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


def _check_timing(data: dict, report) -> None:
    for path, task in _tasks(data):
        if "start" not in task and not _has_after(task):
            report(path, "a task needs 'start' (the unit it begins in) or 'after' (the tasks it waits for)")
    for path, ms in _milestones(data):
        has_at = "at" in ms
        if has_at and _has_after(ms):
            report(path + ("after",), "a milestone takes 'at' or 'after', not both", at_key=True)
        elif not has_at and not _has_after(ms):
            report(path, "a milestone needs 'at' (the unit it falls at the end of) or 'after' (the tasks it waits for)")


def _check_cycles_and_horizon(data: dict, report) -> None:
    tasks: dict[str, tuple[tuple, dict]] = {}
    for path, task in _tasks(data):
        ident = task.get("id")
        if isinstance(ident, str) and ident not in tasks:
            tasks[ident] = (path, task)
    graph = {
        ident: [a for a in task.get("after", []) if isinstance(a, str) and a in tasks]
        if isinstance(task.get("after"), list)
        else []
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
    finish = _finish_times(graph, tasks, order)
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


def _finish_times(
    graph: dict[str, list[str]], tasks: dict[str, tuple[tuple, dict]], order: list[str]
) -> dict[str, int]:
    """Earliest finish of every task (only to enforce the horizon; the model owns the real schedule)."""
    finish: dict[str, int] = {}
    for root in order:
        stack = [root]
        while stack:
            node = stack[-1]
            if node in finish:
                stack.pop()
                continue
            pending = [p for p in graph[node] if p not in finish]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            task = tasks[node][1]
            start = task.get("start")
            begin = start - 1 if isinstance(start, int) and not isinstance(start, bool) else 0
            begin = max([begin] + [finish[p] for p in graph[node]])
            duration = task.get("duration")
            finish[node] = begin + (duration if isinstance(duration, int) and not isinstance(duration, bool) else 0)
    return finish
