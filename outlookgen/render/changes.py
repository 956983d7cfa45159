"""The change report in words: typed differences (model.compare) as plain data for templates, and as text.

The same worded data serves the ``diff`` command (text, Markdown, HTML page)
and the "Changes since version X" section of a document in every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from outlookgen.model.compare import Change, ChangeReport, Delta, PlanEnd
from outlookgen.packs.labels import fill
from outlookgen.render.wording import Wording

_MARKS = {"added": "+", "removed": "-", "changed": "~"}
# What a row about the plan or the budget as a whole is called (a label under changes:).
_SUBJECTS = {"document": "document", "plan_end": "plan_end", "budget_total": "budget_total"}


def report_context(report: ChangeReport, labels: Mapping[str, Any]) -> dict[str, Any]:
    """The report as plain data for templates, every value worded in the labels' language."""
    words = labels["changes"]
    w = Wording(labels, report.unit)
    return {
        "old_version": report.old_version,
        "new_version": report.new_version,
        "old_date": w.date(report.old_date),
        "new_date": w.date(report.new_date),
        "title": fill(words["title"], version=report.old_version),
        "summary": fill(words["summary"], old=report.old_version, new=report.new_version, count=len(report.changes)),
        "empty": not report.changes,
        "sections": [
            {
                "key": section,
                "title": words["sections"][section],
                "changes": [_row(c, w, words, labels["format"]["colon"], report.currency) for c in items],
            }
            for section, items in report.by_section().items()
        ],
    }


def _row(change: Change, w: Wording, words: Mapping[str, Any], colon: str, currency: str) -> dict[str, str]:
    field = words[change.field] if change.field else ""
    row = {
        "section": change.section,
        "kind": change.kind,
        "id": change.id,
        "name": _name(change, w, words),
        "field": field,
        "old": _value(change, change.old, w, currency),
        "new": _value(change, change.new, w, currency),
        "delta": _delta(change.delta, w, words, currency),
    }
    kind = row["kind_text"] = words["kinds"][change.kind]
    # "changed: owner", "added (in scope)", "removed": the one wording of every format and the text report
    if field:
        row["what"] = f"{kind}{colon}{field}" if change.kind == "changed" else f"{kind} ({field})"
    else:
        row["what"] = kind
    return row


def _name(change: Change, w: Wording, words: Mapping[str, Any]) -> str:
    if change.subject == "category":
        return w.value("category", change.name)
    if change.subject:
        return words[_SUBJECTS[change.subject]]
    return change.name


def _owner(role) -> str:
    return "" if role is None else (f"{role.title} — {role.name}" if role.name else role.title)


def _value(change: Change, value: Any, w: Wording, currency: str) -> str:
    """One side of a change in words; what a value is follows from the section and field."""
    if value is None:
        return ""
    section, key = change.section, change.field
    if section == "budget":
        return w.money(value, currency)
    if section == "tasks" and key in ("", "schedule"):
        text = w.unit(value.first_unit) if value.is_point else w.span(value.first_unit, value.last_unit)
        return w.with_note(text, w.date_range(value.start_date, value.end_date) or None)
    if section == "milestones":
        return w.with_note(w.unit(value.unit), w.date(value.date, short=True) or None)
    if isinstance(value, PlanEnd):
        return w.with_note(w.unit(max(value.unit, 1)), w.date(value.date, short=True) or None)
    if key == "buffer":
        return w.count(value)
    if key == "owner":
        return _owner(value)
    if key == "status":
        return w.value("task_status", value)
    if key == "progress":
        return w.percent(value, digits=0)
    if section == "risks" and key in ("", "level", "closed"):
        return w.value("level", value)
    if key == "frequency":
        return w.value("frequency", value)
    if isinstance(value, date):
        return w.date(value)
    return str(value)


def _delta(delta: Delta | None, w: Wording, words: Mapping[str, Any], currency: str) -> str:
    if delta is None:
        return ""
    if delta.money is not None:
        return ("+" if delta.money > 0 else "−") + w.money(abs(delta.money), currency)
    parts = []
    if delta.units:
        parts.append(("+" if delta.units > 0 else "−") + w.count(abs(delta.units)))
    if delta.days:
        parts.append(fill(words["days"], n=("+" if delta.days > 0 else "−") + str(abs(delta.days))))
    return " / ".join(parts)


def render_text(context: dict[str, Any], labels: dict[str, Any]) -> str:
    """A terminal-friendly report: one line per change, grouped by section."""
    colon, none = labels["format"]["colon"], labels["format"]["none"]
    lines = [context["title"], context["summary"]]
    for section in context["sections"]:
        lines += ["", section["title"]]
        for c in section["changes"]:
            name = f"{c['id']} {c['name']}".strip()
            if c["kind"] == "changed":
                detail = f"{c['old'] or none} → {c['new'] or none}"
            else:
                detail = c["old"] or c["new"]
            line = f"  {_MARKS[c['kind']]} {name} — {c['what']}" + (f"{colon}{detail}" if detail else "")
            if c["delta"]:
                line += f" [{c['delta']}]"
            lines.append(line)
    return "\n".join(lines) + "\n"
