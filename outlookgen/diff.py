"""What changed between two versions of an outlook: a semantic report matched by id, worded per locale.

Items are matched by their ids (objectives, scope items, tasks, milestones,
risks, KPIs), so reordering a list is no change and renaming an item's text is
one. Schedule changes are measured in planning units and, when the plan has a
start date, in calendar dates. The result is plain data: the ``diff``
command prints it, and a document built with ``--changes-since`` lays it out
as a section in every format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from outlookgen.errors import printable
from outlookgen.labels import fill
from outlookgen.model import Outlook
from outlookgen.render.formatting import Wording

SECTIONS = ("plan", "objectives", "scope", "tasks", "milestones", "budget", "risks", "kpis")


@dataclass(frozen=True)
class Change:
    """One difference: an item added, removed or changed (one field at a time)."""

    section: str
    kind: str  # added | removed | changed
    id: str
    name: str
    field: str = ""
    old: str = ""
    new: str = ""
    delta: str = ""  # signed, worded: "+2 weeks"

    def as_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("section", "kind", "id", "name", "field", "old", "new", "delta")}


@dataclass(frozen=True)
class ChangeReport:
    old_version: str
    new_version: str
    old_date: str
    new_date: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def by_section(self) -> dict[str, list[Change]]:
        grouped: dict[str, list[Change]] = {s: [] for s in SECTIONS}
        for change in self.changes:
            grouped[change.section].append(change)
        return {s: items for s, items in grouped.items() if items}


def compare(old: Outlook, new: Outlook, labels: Mapping[str, Any]) -> ChangeReport:
    """Every difference that matters to a reader of the plan, in section order."""
    w = Wording(labels, new.roadmap.unit)
    words = labels["changes"]
    changes: list[Change] = []
    changes += _plan(old, new, w, words)
    changes += _objectives(old, new, w, words)
    changes += _scope(old, new, words)
    changes += _tasks(old, new, w, words)
    changes += _milestones(old, new, w, words)
    changes += _budget(old, new, w, words)
    changes += _risks(old, new, w, words)
    changes += _kpis(old, new, w, words)
    return ChangeReport(
        old_version=old.meta.version,
        new_version=new.meta.version,
        old_date=w.date(old.meta.date),
        new_date=w.date(new.meta.date),
        changes=tuple(changes),
    )


# --------------------------------------------------------------------------- helpers


def _matched(old: Iterable, new: Iterable) -> tuple[list, list, list[tuple]]:
    """(added, removed, pairs) of two id-bearing lists, in the new (then old) order."""
    old_by = {x.id: x for x in old}
    new_by = {x.id: x for x in new}
    added = [x for i, x in new_by.items() if i not in old_by]
    removed = [x for i, x in old_by.items() if i not in new_by]
    pairs = [(old_by[i], x) for i, x in new_by.items() if i in old_by]
    return added, removed, pairs


def _owner(role) -> str:
    return "" if role is None else (f"{role.title} — {role.name}" if role.name else role.title)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _field_changes(section: str, ident: str, name: str, fields: list[tuple[str, str, str]]) -> list[Change]:
    return [Change(section, "changed", ident, name, label, a, b) for label, a, b in fields if a != b]


def _signed_units(w: Wording, delta: int) -> str:
    if delta == 0:
        return ""
    return ("+" if delta > 0 else "−") + w.count(abs(delta))


def _signed_days(words: Mapping[str, str], old: date | None, new: date | None) -> str:
    if old is None or new is None or old == new:
        return ""
    days = (new - old).days
    return fill(words["days"], n=("+" if days > 0 else "−") + str(abs(days)))


def _span(w: Wording, task) -> str:
    text = w.unit(task.first_unit) if task.is_point else w.span(task.first_unit, task.last_unit)
    return w.with_note(text, w.date_range(task.start_date, task.end_date) or None)


# --------------------------------------------------------------------------- sections


def _plan(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    out = []
    if old.meta.version != new.meta.version:
        out.append(
            Change("plan", "changed", "", words["document"], words["version"], old.meta.version, new.meta.version)
        )
    a, b = old.roadmap, new.roadmap
    if a.end != b.end or a.end_date != b.end_date:
        delta = " / ".join(
            x for x in (_signed_units(w, b.end - a.end), _signed_days(words, a.end_date, b.end_date)) if x
        )
        out.append(
            Change(
                "plan",
                "changed",
                "",
                words["plan_end"],
                words["end"],
                _end(w, a.end, a.end_date),
                _end(w, b.end, b.end_date),
                delta,
            )
        )
    if a.buffer != b.buffer:
        out.append(
            Change(
                "plan",
                "changed",
                "",
                words["plan_end"],
                words["buffer"],
                w.count(a.buffer),
                w.count(b.buffer),
                _signed_units(w, b.buffer - a.buffer),
            )
        )
    return out


def _end(w: Wording, end: int, end_date: date | None) -> str:
    return w.with_note(w.unit(max(end, 1)), w.date(end_date, short=True) or None)


def _objectives(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    added, removed, pairs = _matched(old.objectives, new.objectives)
    out = [Change("objectives", "added", o.id, o.statement, new=o.target.raw) for o in added]
    out += [Change("objectives", "removed", o.id, o.statement, old=o.target.raw) for o in removed]
    for a, b in pairs:
        out += _field_changes(
            "objectives",
            b.id,
            b.statement,
            [
                (words["statement"], a.statement, b.statement),
                (words["metric"], a.metric, b.metric),
                (words["target"], a.target.raw, b.target.raw),
                (words["deadline"], _deadline(w, a.deadline), _deadline(w, b.deadline)),
                (words["owner"], _owner(a.owner), _owner(b.owner)),
            ],
        )
    return out


def _deadline(w: Wording, value) -> str:
    return w.date(value) if isinstance(value, date) else _text(value)


def _scope(old: Outlook, new: Outlook, words) -> list[Change]:
    added, removed, pairs = _matched(old.scope_included, new.scope_included)
    out = [Change("scope", "added", s.id, s.name, field=words["in_scope"]) for s in added]
    out += [Change("scope", "removed", s.id, s.name, field=words["in_scope"]) for s in removed]
    for a, b in pairs:
        out += _field_changes(
            "scope", b.id, b.name, [(words["phase"], a.phase.name if a.phase else "", b.phase.name if b.phase else "")]
        )
    old_excluded = {x.name for x in old.scope_excluded}
    new_excluded = {x.name for x in new.scope_excluded}
    out += [
        Change("scope", "added", "", x.name, field=words["deferred"])
        for x in new.scope_excluded
        if x.name not in old_excluded
    ]
    out += [
        Change("scope", "removed", "", x.name, field=words["deferred"])
        for x in old.scope_excluded
        if x.name not in new_excluded
    ]
    return out


def _tasks(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    added, removed, pairs = _matched(old.roadmap.tasks, new.roadmap.tasks)
    out = [Change("tasks", "added", t.id, t.name, new=_span(w, t)) for t in added]
    out += [Change("tasks", "removed", t.id, t.name, old=_span(w, t)) for t in removed]
    for a, b in pairs:
        if (a.start, a.finish) != (b.start, b.finish) or (a.start_date, a.end_date) != (b.start_date, b.end_date):
            slip = " / ".join(
                x for x in (_signed_units(w, b.finish - a.finish), _signed_days(words, a.end_date, b.end_date)) if x
            )
            out.append(Change("tasks", "changed", b.id, b.name, words["schedule"], _span(w, a), _span(w, b), slip))
        out += _field_changes(
            "tasks",
            b.id,
            b.name,
            [
                (words["name"], a.name, b.name),
                (words["owner"], _owner(a.owner), _owner(b.owner)),
                (words["status"], w.value("task_status", a.status), w.value("task_status", b.status)),
                (
                    words["progress"],
                    w.percent(a.progress, digits=0) if a.progress is not None else "",
                    w.percent(b.progress, digits=0) if b.progress is not None else "",
                ),
            ],
        )
    return out


def _milestones(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    added, removed, pairs = _matched(old.roadmap.milestones, new.roadmap.milestones)

    def when(m) -> str:
        return w.with_note(w.unit(m.unit), w.date(m.date, short=True) or None)

    out = [Change("milestones", "added", m.id, m.name, new=when(m)) for m in added]
    out += [Change("milestones", "removed", m.id, m.name, old=when(m)) for m in removed]
    for a, b in pairs:
        if a.time != b.time or a.date != b.date:
            delta = " / ".join(x for x in (_signed_units(w, b.time - a.time), _signed_days(words, a.date, b.date)) if x)
            out.append(Change("milestones", "changed", b.id, b.name, words["date"], when(a), when(b), delta))
    return out


def _budget(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    a, b = old.resources.budget, new.resources.budget
    if a is None and b is None:
        return []
    currency = (b or a).currency
    old_cat = dict(a.by_category) if a else {}
    new_cat = dict(b.by_category) if b else {}
    out = []
    for category in dict.fromkeys([*new_cat, *old_cat]):  # the budget's category order
        before, after = old_cat.get(category, 0), new_cat.get(category, 0)
        if before != after:
            out.append(
                Change(
                    "budget",
                    "changed",
                    "",
                    w.value("category", category),
                    "",
                    w.money(before, currency),
                    w.money(after, currency),
                    ("+" if after > before else "−") + w.money(abs(after - before), currency),
                )
            )
    old_total, new_total = (a.total if a else 0), (b.total if b else 0)
    if old_total != new_total:
        out.append(
            Change(
                "budget",
                "changed",
                "",
                words["budget_total"],
                "",
                w.money(old_total, currency),
                w.money(new_total, currency),
                ("+" if new_total > old_total else "−") + w.money(abs(new_total - old_total), currency),
            )
        )
    return out


def _risks(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    added, removed, pairs = _matched(old.risks, new.risks)
    out = [Change("risks", "added", r.id, r.title, new=w.value("level", r.level)) for r in added]
    out += [
        Change("risks", "removed", r.id, r.title, field=words["closed"], old=w.value("level", r.level)) for r in removed
    ]
    for a, b in pairs:
        out += _field_changes(
            "risks",
            b.id,
            b.title,
            [
                (words["level"], w.value("level", a.level), w.value("level", b.level)),
                (words["owner"], _owner(a.owner), _owner(b.owner)),
            ],
        )
    return out


def _kpis(old: Outlook, new: Outlook, w: Wording, words) -> list[Change]:
    added, removed, pairs = _matched(old.evaluation.kpis, new.evaluation.kpis)
    out = [Change("kpis", "added", k.id, k.name, new=k.target.raw) for k in added]
    out += [Change("kpis", "removed", k.id, k.name, old=k.target.raw) for k in removed]
    for a, b in pairs:
        out += _field_changes(
            "kpis",
            b.id,
            b.name,
            [
                (words["target"], a.target.raw, b.target.raw),
                (words["owner"], _owner(a.owner), _owner(b.owner)),
                (words["frequency"], w.value("frequency", a.frequency), w.value("frequency", b.frequency)),
            ],
        )
    return out


# --------------------------------------------------------------------------- plain data for templates


def report_context(report: ChangeReport, labels: Mapping[str, Any]) -> dict[str, Any]:
    """The report as plain data for templates (every value already worded)."""
    words = labels["changes"]
    return {
        "old_version": report.old_version,
        "new_version": report.new_version,
        "old_date": report.old_date,
        "new_date": report.new_date,
        "title": fill(words["title"], version=report.old_version),
        "summary": fill(words["summary"], old=report.old_version, new=report.new_version, count=len(report.changes)),
        "empty": not report.changes,
        "sections": [
            {
                "key": section,
                "title": words["sections"][section],
                "changes": [
                    {**c.as_dict(), "kind_text": words["kinds"][c.kind], "what": c.field or words["kinds"][c.kind]}
                    for c in items
                ],
            }
            for section, items in report.by_section().items()
        ],
    }


def diff_files(old_path, new_path, *, fmt: str = "text", pack: str | None = None, locale: str | None = None) -> str:
    """Validate both specs and render what changed from the first to the second."""
    from outlookgen.model import build_outlook
    from outlookgen.packs import resolve_pack
    from outlookgen.render import changes as writers
    from outlookgen.spec.validate import load_valid

    old = build_outlook(load_valid(old_path).data)
    new = build_outlook(load_valid(new_path).data)
    chosen = resolve_pack(pack)
    labels = chosen.labels(locale or new.meta.locale)
    context = report_context(compare(old, new, labels), labels)
    if fmt == "md":
        return writers.render_markdown(context, chosen, labels)
    if fmt == "html":
        return writers.render_html(context, chosen, labels, locale or new.meta.locale)
    # The text report goes to a terminal, one line per change: a line break, ESC or
    # C1 control in a spec's text or a pack's label is shown escaped, never obeyed.
    return writers.render_text(_terminal_safe(context), _terminal_safe(labels))


def _terminal_safe(value: Any) -> Any:
    """``value`` with every text in it passed through errors.printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _terminal_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_terminal_safe(v) for v in value]
    return value
