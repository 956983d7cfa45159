"""What changed between two versions of an outlook: typed differences matched by id, no wording.

Items are matched by their ids (objectives, scope items, tasks, milestones,
risks, KPIs), so reordering a list is no change and renaming an item's text is
one. Schedule changes are measured in planning units and, when the plan has a
start date, in calendar days. The values are the model's own (a task, a role,
a date, an amount): :mod:`outlookgen.render.changes` words them for the
``diff`` command and for the "Changes since version X" section of a document.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from outlookgen.model.outlook import Number, Outlook

SECTIONS = ("plan", "objectives", "scope", "tasks", "milestones", "budget", "risks", "kpis")
#: Below this share of ids in common (of the smaller plan's), two specs look like
#: different plans rather than two versions of one: matching by id means little.
MIN_SHARED_IDS = 0.2


@dataclass(frozen=True)
class Delta:
    """How far a value moved: planning units, calendar days, money (each signed; None when not measured)."""

    units: int | None = None
    days: int | None = None
    money: Number | None = None


@dataclass(frozen=True)
class PlanEnd:
    """Where the plan ends: the last busy unit and, with a start date, its day."""

    unit: int
    date: date | None


@dataclass(frozen=True)
class Change:
    """One difference: an item added, removed or changed (one field at a time).

    ``name`` is the item's own text. Rows about the plan or the budget as a
    whole have no item: ``subject`` says what they are about (``document``,
    ``plan_end``, ``budget_total``, or ``category`` with the category's key
    in ``name``). ``field`` is the key of what changed (``owner``,
    ``schedule``…). ``old`` and ``new`` are model values: text, a date, a
    :class:`~outlookgen.model.outlook.Role`, a task or milestone (their
    schedule), an amount, a status key.
    """

    section: str
    kind: str  # added | removed | changed
    id: str
    name: str
    field: str = ""
    old: Any = None
    new: Any = None
    delta: Delta | None = None
    subject: str = ""


@dataclass(frozen=True)
class ChangeReport:
    old_version: str
    new_version: str
    old_date: date | None
    new_date: date | None
    unit: str = "week"  # the new plan's planning unit: what Delta.units counts
    currency: str = ""  # the budget's: what Delta.money and budget amounts are in
    changes: tuple[Change, ...] = field(default_factory=tuple)
    # The ids the report matches items by (objectives, scope items, tasks,
    # milestones, risks, KPIs): how many each version has and how many both do.
    old_ids: int = 0
    new_ids: int = 0
    shared_ids: int = 0

    @property
    def shared_share(self) -> float:
        """Ids in common as a share of the smaller version's ids (1.0 when either has none)."""
        smaller = min(self.old_ids, self.new_ids)
        return self.shared_ids / smaller if smaller else 1.0

    @property
    def looks_unrelated(self) -> bool:
        """True when the two share almost no ids: two different plans, not two versions of one."""
        return self.shared_share < MIN_SHARED_IDS

    def by_section(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {s: [] for s in SECTIONS}
        for change in self.changes:
            grouped[change.section].append(change)
        return {s: items for s, items in grouped.items() if items}


def compare(old: Outlook, new: Outlook) -> ChangeReport:
    """Every difference that matters to a reader of the plan, in section order."""
    budget = new.resources.budget or old.resources.budget
    changes: list[Change] = []
    for section in (_plan, _objectives, _scope, _tasks, _milestones, _budget, _risks, _kpis):
        changes += section(old, new)
    old_ids, new_ids = _matched_ids(old), _matched_ids(new)
    return ChangeReport(
        old_version=old.meta.version,
        new_version=new.meta.version,
        old_date=old.meta.date,
        new_date=new.meta.date,
        unit=new.roadmap.unit,
        currency=budget.currency if budget else "",
        changes=tuple(changes),
        old_ids=len(old_ids),
        new_ids=len(new_ids),
        shared_ids=len(old_ids & new_ids),
    )


def _matched_ids(outlook: Outlook) -> set[tuple[str, str]]:
    """(section, id) of every item the report matches by id."""
    road = outlook.roadmap
    return {
        (section, item.id)
        for section, items in (
            ("objectives", outlook.objectives),
            ("scope", outlook.scope_included),
            ("tasks", road.tasks),
            ("milestones", road.milestones),
            ("risks", outlook.risks),
            ("kpis", outlook.evaluation.kpis),
        )
        for item in items
    }


# --------------------------------------------------------------------------- helpers


def _matched(old: Iterable, new: Iterable) -> tuple[list, list, list[tuple]]:
    """(added, removed, pairs) of two id-bearing lists, in the new (then old) order."""
    old_by = {x.id: x for x in old}
    new_by = {x.id: x for x in new}
    added = [x for i, x in new_by.items() if i not in old_by]
    removed = [x for i, x in old_by.items() if i not in new_by]
    pairs = [(old_by[i], x) for i, x in new_by.items() if i in old_by]
    return added, removed, pairs


def _days(old: date | None, new: date | None) -> int | None:
    return None if old is None or new is None else (new - old).days


def _same_owner(a, b) -> bool:
    key = lambda r: None if r is None else (r.title, r.name)  # noqa: E731 - what a reader sees of a role
    return key(a) == key(b)


def _fields(section: str, item_id: str, name: str, fields: list[tuple[str, Any, Any]]) -> list[Change]:
    out = []
    for key, a, b in fields:
        same = _same_owner(a, b) if key == "owner" else a == b
        if not same:
            out.append(Change(section, "changed", item_id, name, key, a, b))
    return out


# --------------------------------------------------------------------------- sections


def _plan(old: Outlook, new: Outlook) -> list[Change]:
    out = []
    if old.meta.version != new.meta.version:
        out.append(Change("plan", "changed", "", "", "version", old.meta.version, new.meta.version, subject="document"))
    a, b = old.roadmap, new.roadmap
    if a.end != b.end or a.end_date != b.end_date:
        delta = Delta(units=b.end - a.end, days=_days(a.end_date, b.end_date))
        out.append(
            Change(
                "plan",
                "changed",
                "",
                "",
                "end",
                PlanEnd(a.end, a.end_date),
                PlanEnd(b.end, b.end_date),
                delta,
                "plan_end",
            )
        )
    if a.buffer != b.buffer:
        out.append(
            Change(
                "plan", "changed", "", "", "buffer", a.buffer, b.buffer, Delta(units=b.buffer - a.buffer), "plan_end"
            )
        )
    return out


def _objectives(old: Outlook, new: Outlook) -> list[Change]:
    added, removed, pairs = _matched(old.objectives, new.objectives)
    out = [Change("objectives", "added", o.id, o.statement, new=o.target.raw) for o in added]
    out += [Change("objectives", "removed", o.id, o.statement, old=o.target.raw) for o in removed]
    for a, b in pairs:
        out += _fields(
            "objectives",
            b.id,
            b.statement,
            [
                ("statement", a.statement, b.statement),
                ("metric", a.metric, b.metric),
                ("target", a.target.raw, b.target.raw),
                ("deadline", a.deadline, b.deadline),
                ("owner", a.owner, b.owner),
            ],
        )
    return out


def _scope(old: Outlook, new: Outlook) -> list[Change]:
    added, removed, pairs = _matched(old.scope_included, new.scope_included)
    out = [Change("scope", "added", s.id, s.name, "in_scope") for s in added]
    out += [Change("scope", "removed", s.id, s.name, "in_scope") for s in removed]
    for a, b in pairs:
        out += _fields(
            "scope", b.id, b.name, [("phase", a.phase.name if a.phase else "", b.phase.name if b.phase else "")]
        )
    old_excluded = {x.name for x in old.scope_excluded}
    new_excluded = {x.name for x in new.scope_excluded}
    out += [Change("scope", "added", "", x.name, "deferred") for x in new.scope_excluded if x.name not in old_excluded]
    out += [
        Change("scope", "removed", "", x.name, "deferred") for x in old.scope_excluded if x.name not in new_excluded
    ]
    return out


def _tasks(old: Outlook, new: Outlook) -> list[Change]:
    added, removed, pairs = _matched(old.roadmap.tasks, new.roadmap.tasks)
    out = [Change("tasks", "added", t.id, t.name, new=t) for t in added]
    out += [Change("tasks", "removed", t.id, t.name, old=t) for t in removed]
    for a, b in pairs:
        if (a.start, a.finish) != (b.start, b.finish) or (a.start_date, a.end_date) != (b.start_date, b.end_date):
            slip = Delta(units=b.finish - a.finish, days=_days(a.end_date, b.end_date))
            out.append(Change("tasks", "changed", b.id, b.name, "schedule", a, b, slip))
        out += _fields(
            "tasks",
            b.id,
            b.name,
            [
                ("name", a.name, b.name),
                ("owner", a.owner, b.owner),
                ("status", a.status, b.status),
                ("progress", a.progress, b.progress),
            ],
        )
    return out


def _milestones(old: Outlook, new: Outlook) -> list[Change]:
    added, removed, pairs = _matched(old.roadmap.milestones, new.roadmap.milestones)
    out = [Change("milestones", "added", m.id, m.name, new=m) for m in added]
    out += [Change("milestones", "removed", m.id, m.name, old=m) for m in removed]
    for a, b in pairs:
        if a.time != b.time or a.date != b.date:
            delta = Delta(units=b.time - a.time, days=_days(a.date, b.date))
            out.append(Change("milestones", "changed", b.id, b.name, "date", a, b, delta))
    return out


def _budget(old: Outlook, new: Outlook) -> list[Change]:
    a, b = old.resources.budget, new.resources.budget
    if a is None and b is None:
        return []
    old_cat = dict(a.by_category) if a else {}
    new_cat = dict(b.by_category) if b else {}
    out = []
    for category in dict.fromkeys([*new_cat, *old_cat]):  # the budget's category order
        before, after = old_cat.get(category, 0), new_cat.get(category, 0)
        if before != after:
            delta = Delta(money=after - before)
            out.append(Change("budget", "changed", "", category, "", before, after, delta, "category"))
    old_total, new_total = (a.total if a else 0), (b.total if b else 0)
    if old_total != new_total:
        delta = Delta(money=new_total - old_total)
        out.append(Change("budget", "changed", "", "", "", old_total, new_total, delta, "budget_total"))
    return out


def _risks(old: Outlook, new: Outlook) -> list[Change]:
    added, removed, pairs = _matched(old.risks, new.risks)
    out = [Change("risks", "added", r.id, r.title, new=r.level) for r in added]
    out += [Change("risks", "removed", r.id, r.title, "closed", old=r.level) for r in removed]
    for a, b in pairs:
        out += _fields("risks", b.id, b.title, [("level", a.level, b.level), ("owner", a.owner, b.owner)])
    return out


def _kpis(old: Outlook, new: Outlook) -> list[Change]:
    added, removed, pairs = _matched(old.evaluation.kpis, new.evaluation.kpis)
    out = [Change("kpis", "added", k.id, k.name, new=k.target.raw) for k in added]
    out += [Change("kpis", "removed", k.id, k.name, old=k.target.raw) for k in removed]
    for a, b in pairs:
        out += _fields(
            "kpis",
            b.id,
            b.name,
            [
                ("target", a.target.raw, b.target.raw),
                ("owner", a.owner, b.owner),
                ("frequency", a.frequency, b.frequency),
            ],
        )
    return out
