"""The template context: the model flattened to plain JSON data, with every value already worded.

Templates come from untrusted packs and run sandboxed, so they receive only
dicts, lists, strings, numbers, booleans and None — no model objects, no
paths, no callables. Everything a template shows is computed here, once, for
all formats; templates only lay it out. Text fields stay raw (the writers'
filters turn the inline Markdown subset into each format's markup). Worded
values computed from spec fields name those fields (:func:`_from`): a str to
every format, the Word writer marks them as computed text for a review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from outlookgen.fields_repr import fields_repr
from outlookgen.model import Outlook
from outlookgen.model.budget import RESERVE_CATEGORIES
from outlookgen.model.status import as_of_day, status_view, task_progress
from outlookgen.model.trace import derived, derived_beside, field_beside
from outlookgen.packs import Pack
from outlookgen.packs.labels import fill
from outlookgen.render.markup import canonical
from outlookgen.render.timing_words import baseline_note, calendar_text, lag_text, links_text, slip_text
from outlookgen.render.wording import Wording


def _extra(obj: Any) -> dict[str, Any]:
    return dict(getattr(obj, "extra", {}) or {})


def _ids(items) -> list[str]:
    return [i.id for i in items]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# _from(item_id, text, *fields): ``text``, worded from the fields ``fields`` of the spec item whose id (or
# other spec text) is ``item_id``. Called some 14,000 times for 2,000 tasks, so no wrapper of its own.
_from = derived_beside


@dataclass(frozen=True, repr=False)
class Extras:
    """Optional parts of a document that the command line asks for."""

    lint: Mapping[str, Any] | None = None  # the plan quality checklist (--lint-appendix)
    as_of: date | None = None  # the day the status view is for (--as-of; default meta.date)
    previous: Outlook | None = None  # the version to report changes since (--changes-since)
    source: tuple[str, str] | None = None  # the spec's file name and SHA-256, for a reviewed file to name

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Document:
    """One outlook made ready for every format, once per spec: each renderer lays out the same facts.

    ``context`` is the template context all formats share (plain data, never
    changed by a renderer: each adds its own parts to a copy); ``as_of`` is the
    status view's day, decided here once.
    """

    outlook: Outlook
    pack: Pack
    locale: str
    labels: Mapping[str, Any]
    context: Mapping[str, Any]
    as_of: date
    source: tuple[str, str] | None = None  # Extras.source: which spec, which version (Word's custom properties)

    __repr__ = fields_repr


def prepare(outlook: Outlook, pack: Pack, locale: str, extras: Extras | None = None) -> Document:
    """The :class:`Document` for ``outlook`` in ``locale``, with the pack's words and what ``extras`` asks for."""
    labels = pack.labels(locale)
    extras = extras or Extras()
    context = build_context(outlook, labels, locale, extras=extras)
    context["logo_alt"] = logo_alt(pack, locale, labels, outlook)
    return Document(
        outlook=outlook,
        pack=pack,
        locale=locale,
        labels=labels,
        context=context,
        as_of=as_of_day(outlook, extras.as_of),
        source=extras.source,
    )


def logo_alt(pack: Pack, locale: str, labels: Mapping[str, Any], outlook: Outlook) -> str:
    """The cover logo's alt text, the same in every format: the pack's ``brand.logo.alt``, else the label.

    The logo is the pack's (the firm's), so the pack says what it shows; a
    pack that does not gets ``cover.logo_alt`` worded with the organization.
    """
    from outlookgen.packs.brand import logo_alt_of

    given = logo_alt_of(pack, locale)
    if given:
        return given
    organization = outlook.meta.organization or outlook.meta.title
    return " ".join(fill(labels["cover"]["logo_alt"], organization=organization).split())


def build_context(outlook: Outlook, labels: Mapping[str, Any], locale: str, *, extras: Extras) -> dict[str, Any]:
    """Everything the templates of any format need to lay out one outlook.

    ``locale`` is the document's language (``meta.locale`` unless the command
    line overrides it); ``labels`` (``L`` in templates) are the pack's words
    for that locale. ``extras`` carries what the build asked for: the plan
    quality checklist (``lint`` key, None otherwise), the status view's day
    and the version to compare with (``changes`` key, None otherwise).
    ``status`` is always there; templates show it when ``status.has_progress``.
    """
    road = outlook.roadmap
    w = Wording(labels, road.unit)
    w.has_baseline = road.baseline is not None
    changes = None
    meta = _meta(outlook, w)
    if extras.previous is not None:
        from outlookgen.model.compare import compare
        from outlookgen.render.changes import report_context

        changes = report_context(compare(extras.previous, outlook), labels)
        _add_revision_row(meta, outlook, changes, w)
    return {
        "locale": locale,
        "L": labels,
        "meta": meta,
        "background": _background(outlook),
        "drivers": _drivers(outlook, w),
        "objectives": _objectives(outlook, w),
        "scope": _scope(outlook),
        "roadmap": _roadmap(outlook, w),
        "resources": _resources(outlook, w),
        "risks": _risks(outlook, w),
        "evaluation": _evaluation(outlook, w),
        "change_management": _change(outlook),
        "data_governance": _data(outlook),
        "evolution": _evolution(outlook, w),
        "appendices": [
            {"letter": appendix_letter(i), "title": a.title, "body": a.body} for i, a in enumerate(outlook.appendices)
        ],
        "extra": dict(outlook.extensions),  # the top-level x- keys
        # the checklist is the last appendix: its letter follows the spec's own
        "lint": _lint(extras.lint, labels, appendix_letter(len(outlook.appendices)))
        if extras.lint is not None
        else None,
        "status": _status(outlook, w, extras.as_of),
        "changes": changes,
    }


def _add_revision_row(meta: dict[str, Any], outlook: Outlook, changes: dict, w: Wording) -> None:
    """A row for this version in the revision table, when the author has not written one yet."""
    if any(r["version"] == meta["version"] for r in meta["revisions"]):
        return
    author = outlook.meta.prepared_by[0].name if outlook.meta.prepared_by else None
    meta["revisions"].append(
        {
            "version": meta["version"],
            "date": meta["date"],
            "date_text": w.date(outlook.meta.date, short=True),
            "author": author,
            "changes": fill(w.labels["status_view"]["revision"], summary=changes["summary"], title=changes["title"]),
            "extra": {},
        }
    )


def _status(o: Outlook, w: Wording, as_of: date | None) -> dict[str, Any]:
    """Where the plan stands on the as-of day (outlookgen.model.status)."""
    view = status_view(o, as_of)
    words = w.labels["status_view"]
    reasons = words["reasons"]
    open_comments = sum(1 for comment in o.review if comment.open)
    return {
        "as_of": view.as_of.isoformat(),
        "as_of_text": w.date(view.as_of),
        "title": fill(words["title"], date=w.date(view.as_of)),
        "unit": view.unit,
        "unit_text": w.unit(view.unit) if view.unit and view.unit >= 1 else "",
        "has_progress": view.has_progress,
        "overall": round(view.overall, 1),
        "overall_text": w.percent(view.overall, digits=0),
        "phases": [
            {
                "id": p.phase.id,
                "name": p.phase.name,
                "percent": round(p.percent, 1),
                "percent_text": w.percent(p.percent, digits=0),
                "done": p.done,
                "total": p.total,
                "done_text": fill(words["done_of"], done=p.done, total=p.total),
            }
            for p in view.phases
        ],
        "late": [
            {
                "id": x.task.id,
                "name": x.task.name,
                "reason": x.reason,
                "reason_text": fill(reasons[x.reason], days=x.days),
                "days": x.days,
                "owner_text": _from(x.task.id, _owner_text(x.task.owner), "owner"),
                "when_text": _from(x.task.id, _task_when(x.task, w), *_schedule_fields(x.task)),
                "dates_text": _from(
                    x.task.id, w.date_range(x.task.start_date, x.task.end_date), *_schedule_fields(x.task)
                ),
            }
            for x in view.late
        ],
        "kpis": [
            {
                "id": k.id,
                "name": k.name,
                "target": k.target.raw,
                "latest_text": w.with_note(canonical(_plain(k.latest.value)), canonical(k.latest.period))
                if k.latest
                else "",
                "status": k.status,
                "status_text": w.labels["kpi_status"].get(k.status, k.status),
            }
            for k in view.kpis
        ],
        # The client's review comments still open (spec review:, lint OG608); shown only when there are some.
        "open_comments": open_comments,
        "open_comments_text": _open_comments_text(open_comments, words),
    }


def _open_comments_text(count: int, words: Mapping[str, Any]) -> str:
    """The open comments in words, "3 open review comments" (one has its own label for plurals); "" for none."""
    if not count:
        return ""
    return words["open_comments_one"] if count == 1 else fill(words["open_comments"], count=count)


def _meta(o: Outlook, w: Wording) -> dict[str, Any]:
    m = o.meta
    return {
        "title": m.title,
        "subtitle": m.subtitle,
        "organization": m.organization,
        "prepared_by": [
            {
                "name": p.name,
                "role": p.role,
                "email": p.email,
                "text": w.with_note(canonical(p.name), canonical(p.role) if p.role else None),
                "extra": _extra(p),
            }
            for p in m.prepared_by
        ],
        "date": _iso(m.date),
        "date_text": _from(m.title, w.date(m.date), "date"),
        "version": m.version,
        "status": m.status,
        "status_text": w.value("status", m.status),
        "locale": m.locale,
        "confidentiality": m.confidentiality,
        "revisions": [
            {
                "version": r.version,
                "date": _iso(r.date),
                "date_text": _from(r.version, w.date(r.date, short=True), "date"),
                "author": r.author,
                "changes": r.changes,
                "extra": _extra(r),
            }
            for r in m.revisions
        ],
        "extra": _extra(m),
    }


def _background(o: Outlook) -> dict[str, Any]:
    b = o.background
    return {
        "current_state": b.current_state,
        "challenges": list(b.challenges),
        "rationale": b.rationale,
        "benefits": list(b.benefits),
        "extra": _extra(b),
    }


def _drivers(o: Outlook, w: Wording) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "pain_point": d.pain_point,
            "impact": d.impact,
            "priority": d.priority,
            "priority_text": w.value("priority", d.priority),
            "answered_by": _ids(o.objectives_for_driver(d.id)),
            "answered_by_text": derived(
                w.join(_ids(o.objectives_for_driver(d.id))),
                *(field_beside(obj.id, "drivers") for obj in o.objectives_for_driver(d.id)),
            ),
            "extra": _extra(d),
        }
        for d in o.drivers
    ]


def _owner_text(role) -> str:
    if role is None:
        return ""
    return f"{canonical(role.title)} — {canonical(role.name)}" if role.name else role.title


def _objectives(o: Outlook, w: Wording) -> list[dict[str, Any]]:
    out = []
    for obj in o.objectives:
        deadline = obj.deadline
        out.append(
            {
                "id": obj.id,
                "statement": obj.statement,
                "metric": obj.metric,
                "baseline": obj.baseline,
                "target": obj.target.raw,
                "deadline": deadline.isoformat() if isinstance(deadline, date) else deadline,
                "deadline_text": _from(obj.id, w.date(deadline), "deadline")
                if isinstance(deadline, date)
                else (deadline or ""),  # a deadline in words is spec text as written
                "owner": obj.owner.id if obj.owner else None,
                "owner_text": _from(obj.id, _owner_text(obj.owner), "owner"),
                "drivers": _ids(obj.drivers),
                "drivers_text": _from(obj.id, w.join(_ids(obj.drivers)), "drivers"),
                "kpis": _ids(o.kpis_for_objective(obj.id)),
                "tasks": _ids(o.tasks_for_objective(obj.id)),
                "extra": _extra(obj),
            }
        )
    return out


def _scope(o: Outlook) -> dict[str, Any]:
    return {
        "included": [
            {
                "id": s.id,
                "name": s.name,
                "description": s.description,
                "phase": s.phase.id if s.phase else None,
                "phase_text": _from(s.id, s.phase.name, "phase") if s.phase else "",
                "extra": _extra(s),
            }
            for s in o.scope_included
        ],
        "excluded": [
            {
                "name": x.name,
                "reason": x.reason,
                "deferred_to": x.deferred_to_phase.id if x.deferred_to_phase else x.deferred_to_text,
                "deferred_to_text": _from(x.name, x.deferred_to_phase.name, "deferred_to")
                if x.deferred_to_phase
                else (x.deferred_to_text or ""),
                "extra": _extra(x),
            }
            for x in o.scope_excluded
        ],
        "extra": dict(o.scope_extra),
    }


def _task_when(t, w: Wording) -> str:
    return w.unit(t.first_unit) if t.is_point else w.span(t.first_unit, t.last_unit)


def _schedule_fields(t) -> tuple[str, ...]:
    """The fields of task ``t`` its dates come from: ``start`` (or the plan's start), ``after``, ``duration``, actuals."""
    fields = ["start"] if t.start_bound is not None or not t.links else []
    fields += ["after"] if t.links else []
    fields.append("duration")
    fields += ["actual_start"] if t.actual_start else []
    fields += ["actual_finish"] if t.actual_finish else []
    return tuple(fields)


def _task(t, w: Wording, phase_names: Mapping[str, str]) -> dict[str, Any]:
    timing = _schedule_fields(t)
    progress = ("progress",) if t.progress is not None else ()
    # Worded once, shown in two fields each (a plan has thousands of tasks).
    objectives = _ids(t.objectives)
    status = w.value("task_status", t.status)
    percent = w.percent(t.progress, digits=0) if t.progress is not None else None
    return {
        "id": t.id,
        "name": t.name,
        "phase": t.phase_id,
        "phase_text": phase_names.get(t.phase_id, ""),
        "owner": t.owner.id if t.owner else None,
        "owner_text": _from(t.id, _owner_text(t.owner), "owner"),
        "start": t.start,
        "finish": t.finish,
        "duration": t.duration,
        "first_unit": t.first_unit,
        "last_unit": t.last_unit,
        "is_point": t.is_point,
        "when_text": _from(t.id, _task_when(t, w), *timing),
        "start_date": _iso(t.start_date),
        "end_date": _iso(t.end_date),
        "dates_text": _from(t.id, w.date_range(t.start_date, t.end_date), *timing),
        "after": _ids(t.after),
        "after_text": _from(t.id, links_text(t.links, w, w.unit_name), "after"),
        "after_links": _after_links(t.links, w),
        "deliverables": list(t.deliverables),
        "objectives": objectives,
        "objectives_text": _from(t.id, w.join(objectives), "objectives"),
        "status": t.status,
        "status_text": _from(t.id, status, "status"),  # "planned" when left out
        "status_progress_text": _from(t.id, w.with_note(status, percent), "status", *progress),
        "progress": t.progress,
        "done_percent": task_progress(t),  # how far it is, as both Gantt charts and the status view count it
        "progress_text": _from(t.id, percent, "progress") if percent is not None else "",
        "slack": t.slack,
        "critical": t.critical,
        **_task_timing(t, w),
        "extra": _extra(t),
    }


def _after_links(links, w: Wording) -> list[Any]:
    """What ``after`` shows in HTML: plain ids, and ``{id, note}`` where a link has a type or lag."""
    out: list[Any] = []
    for link in links:
        if link.plain:
            out.append(link.task.id)
        else:
            lag = lag_text(link, w.labels, w.unit_name)
            out.append({"id": link.task.id, "note": f"{link.type} {lag}".strip()})
    return out


def _task_timing(t, w: Wording) -> dict[str, Any]:
    """Working days, actual dates and the baseline of one task, worded."""
    return {
        "work_days": t.work_days,
        "float_days": t.float_days,
        "actual_start": _iso(t.actual_start),
        "actual_finish": _iso(t.actual_finish),
        "baseline_start": _iso(t.baseline_start),
        "baseline_end": _iso(t.baseline_end),
        "baseline_units": list(t.baseline_units) if t.baseline_units else None,
        "baseline_dates_text": w.date_range(t.baseline_start, t.baseline_end),
        "slip_days": t.slip_days,
        "slip_text": slip_text(t.slip_days, w.labels, has_baseline=w.has_baseline),
    }


def _milestone(m, w: Wording) -> dict[str, Any]:
    timing = "after" if m.links else "at"  # a milestone is at a unit or date, else after tasks
    return {
        "id": m.id,
        "name": m.name,
        "phase": m.phase_id,
        "time": m.time,
        "unit": m.unit,
        "when_text": _from(m.id, w.unit(m.unit), timing),
        "date": _iso(m.date),
        "date_text": _from(m.id, w.date(m.date, short=True), timing),
        "after": _ids(m.after),
        "after_text": _from(m.id, links_text(m.links, w, w.unit_name), "after"),
        "after_links": _after_links(m.links, w),
        "description": m.description,
        "critical": m.critical,
        "baseline_date": _iso(m.baseline_date),
        "baseline_date_text": w.date(m.baseline_date, short=True),
        "slip_days": m.slip_days,
        "slip_text": slip_text(m.slip_days, w.labels, has_baseline=w.has_baseline),
        "extra": _extra(m),
    }


def _roadmap(o: Outlook, w: Wording) -> dict[str, Any]:
    r = o.roadmap
    names = {p.id: p.name for p in r.phases}
    phases = []
    for p in r.phases:
        has_span = bool(p.tasks or p.milestones)
        phases.append(
            {
                "id": p.id,
                "name": p.name,
                "stage": p.stage,
                "stage_text": w.value("stage", p.stage),
                "goal": p.goal,
                "objectives": _ids(p.objectives),
                "objectives_text": _from(p.id, w.join(_ids(p.objectives)), "objectives"),
                "objective_refs": [{"id": obj.id, "statement": obj.statement} for obj in p.objectives],
                "exit_criteria": list(p.exit_criteria),
                "span_text": w.span(p.start + 1, max(p.finish, p.start + 1)) if has_span else "",
                "tasks": [_task(t, w, names) for t in p.tasks],
                "milestones": [_milestone(m, w) for m in p.milestones],
                "extra": _extra(p),
            }
        )
    span = w.span(1, max(r.end, 1))
    dates = ""
    if r.start is not None and r.end_date is not None:
        dates = fill(w.labels["plan"]["dates"], start=w.date(r.start, short=True), end=w.date(r.end_date, short=True))
    if r.buffer:
        summary = fill(
            w.labels["plan"]["summary"], span=span, dates=dates, buffer=w.count(r.buffer), total=w.count(r.total)
        )
    else:
        summary = fill(w.labels["plan"]["summary_no_buffer"], span=span, dates=dates)
    return {
        "start": _iso(r.start),
        "start_text": w.date(r.start),
        "unit": r.unit,
        "buffer": r.buffer,
        "buffer_text": w.count(r.buffer),
        "end": r.end,
        "total": r.total,
        "end_date": _iso(r.end_date),
        "total_end_date": _iso(r.total_end_date),
        "summary": summary,
        "phases": phases,
        "tasks": [t for p in phases for t in p["tasks"]],
        "milestones": [m for p in phases for m in p["milestones"]],
        "critical_path": _ids(r.critical_path),
        "critical_path_text": " → ".join(f"{t.id} {canonical(t.name)}" for t in r.critical_path),
        "calendar_text": calendar_text(r.calendar, w, r.start, r.total_end_date),
        "baseline": None
        if r.baseline is None
        else {
            "source": r.baseline.source,
            "version": r.baseline.version,
            "date": _iso(r.baseline.date),
            "tolerance": r.baseline.tolerance,
            "note": baseline_note(r.baseline, w),
        },
        "extra": _extra(r),
    }


def _resources(o: Outlook, w: Wording) -> dict[str, Any]:
    res = o.resources
    return {
        "roles": [
            {
                "id": r.id,
                "title": r.title,
                "name": r.name,
                "side": r.side,
                "side_text": w.value("side", r.side),
                "allocation": r.allocation,
                "allocation_text": _from(r.id, w.percent(r.allocation), "allocation")
                if r.allocation is not None
                else "",
                "responsibilities": list(r.responsibilities),
                "tasks": _ids(o.tasks_for_role(r.id)),
                "extra": _extra(r),
            }
            for r in res.roles
        ],
        "bodies": [
            {
                "id": b.id,
                "name": b.name,
                "chair": b.chair.id if b.chair else None,
                "chair_text": _from(b.id, _owner_text(b.chair), "chair"),
                "members": _ids(b.members),
                "members_text": _from(b.id, w.join(canonical(m.title) for m in b.members), "members"),
                "cadence": b.cadence,
                "decides": list(b.decides),
                "extra": _extra(b),
            }
            for b in res.bodies
        ],
        "budget": _budget(res.budget, w, {ph.id: i for i, ph in enumerate(o.roadmap.phases)}),
        "environments": [
            {"name": e.name, "purpose": e.purpose, "spec": e.spec, "extra": _extra(e)} for e in res.environments
        ],
        "extra": _extra(res),
    }


def _budget(b, w: Wording, phase_index: Mapping[str, int]) -> dict[str, Any] | None:
    if b is None:
        return None
    cur = b.currency

    def share(amount: float) -> str:
        return w.percent(100.0 * amount / b.total) if b.total else ""

    def share_number(amount: float) -> float:
        return round(100.0 * amount / b.total, 2) if b.total else 0.0

    return {
        "currency": cur,
        "lines": [
            {
                "name": i.name,
                "category": i.category,
                "category_text": w.value("category", i.category),
                "amount": i.amount,
                "amount_text": _from(i.name, w.money(i.amount, cur), "amount"),
                "phase": i.phase.id if i.phase else None,
                "phase_text": _from(i.name, i.phase.name, "phase") if i.phase else "",
                "note": i.note,
                "extra": _extra(i),
            }
            for i in b.items
        ],
        "total": b.total,
        "total_text": derived(w.money(b.total, cur), *(field_beside(i.name, "amount") for i in b.items)),
        "by_category": [
            {
                "category": c,
                "category_text": w.value("category", c),
                "is_reserve": c in RESERVE_CATEGORIES,  # contingency and reserve lines are set apart
                "amount": a,
                "amount_text": w.money(a, cur),
                "share_text": share(a),
                "share": share_number(a),
            }
            for c, a in b.by_category
        ],
        "by_phase": [
            {
                "phase": p.id if p else None,
                "phase_index": phase_index.get(p.id) if p else None,  # 0-based: the phase's colour
                "phase_text": p.name if p else w.labels["budget"]["unassigned"],
                "amount": a,
                "amount_text": w.money(a, cur),
                "share_text": share(a),
                "share": share_number(a),
            }
            for p, a in b.by_phase
        ],
        "reserve_amount": b.reserve_amount,
        "reserve_text": fill(
            w.labels["budget"]["reserve_share"],
            amount=w.money(b.reserve_amount, cur),
            share=w.percent(100.0 * b.reserve_share),
        ),
        "extra": _extra(b),
    }


_LEVELS = ("low", "medium", "high")


def _risks(o: Outlook, w: Wording) -> dict[str, Any]:
    register = [
        {
            "id": r.id,
            "title": r.title,
            "category": r.category,
            "category_text": w.value("risk_category", r.category),
            "likelihood": r.likelihood,
            "likelihood_text": w.value("level", r.likelihood),
            "impact": r.impact,
            "impact_text": w.value("level", r.impact),
            "score": r.score,
            "level": r.level,
            "level_text": _from(r.id, w.value("level", r.level), "likelihood", "impact"),
            "owner": r.owner.id if r.owner else None,
            "owner_text": _from(r.id, _owner_text(r.owner), "owner"),
            "trigger": r.trigger,
            "mitigation": list(r.mitigation),
            "contingency": list(r.contingency),
            "extra": _extra(r),
        }
        for r in o.risks
    ]
    # Rows from high likelihood down, columns from low impact up: the usual heat-map reading.
    matrix = [
        {
            "likelihood": lk,
            "likelihood_text": w.value("level", lk),
            "cells": [
                {
                    "impact": im,
                    "level": _cell_level(lk, im),
                    "risks": [r.id for r in o.risks if r.likelihood == lk and r.impact == im],
                    "risks_text": w.join(r.id for r in o.risks if r.likelihood == lk and r.impact == im),
                }
                for im in _LEVELS
            ],
        }
        for lk in reversed(_LEVELS)
    ]
    return {
        "register": register,
        "matrix": matrix,
        "impacts": [{"impact": im, "impact_text": w.value("level", im)} for im in _LEVELS],
        "unrated": [r.id for r in o.risks if r.score is None],
    }


def _cell_level(likelihood: str, impact: str) -> str:
    score = (_LEVELS.index(likelihood) + 1) * (_LEVELS.index(impact) + 1)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


def _evaluation(o: Outlook, w: Wording) -> dict[str, Any]:
    ev = o.evaluation
    review = ev.review
    return {
        "has_actuals": any(k.actuals for k in ev.kpis),  # a measured-values table is worth showing
        "kpis": [
            {
                "id": k.id,
                "name": k.name,
                "target": k.target.raw,
                "baseline": k.baseline,
                "frequency": k.frequency,
                "frequency_text": w.value("frequency", k.frequency),
                "owner": k.owner.id if k.owner else None,
                "owner_text": _from(k.id, _owner_text(k.owner), "owner"),
                "objectives": _ids(k.objectives),
                "objectives_text": _from(k.id, w.join(_ids(k.objectives)), "objectives"),
                "actuals": [{"period": a.period, "value": _plain(a.value)} for a in k.actuals],
                "latest": _plain(k.latest.value) if k.latest else None,
                "latest_period": k.latest.period if k.latest else None,
                "latest_text": w.with_note(canonical(_plain(k.latest.value)), canonical(k.latest.period))
                if k.latest
                else "",
                "status": k.status,
                "status_text": w.labels["kpi_status"].get(k.status, k.status),
                "extra": _extra(k),
            }
            for k in ev.kpis
        ],
        "review": None
        if review is None
        else {
            "cadence": review.cadence,
            "cadence_text": w.value("cadence", review.cadence),
            "method": review.method,
            "participants": _ids(review.participants),
            "participants_text": w.join(
                canonical(getattr(p, "title", None) or getattr(p, "name", "")) for p in review.participants
            ),
            "extra": _extra(review),
        },
        "extra": _extra(ev),
    }


def _plain(value: Any) -> Any:
    """Numbers as written in the spec (a ScalarFloat keeps '97.50'), as a JSON type."""
    source = getattr(value, "source", None)
    if source is not None:
        return source
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _change(o: Outlook) -> dict[str, Any] | None:
    c = o.change_management
    if c is None:
        return None
    return {
        "communication": list(c.communication),
        "champions": list(c.champions),
        "coverage_target": c.training_coverage_target.raw if c.training_coverage_target else None,
        "training_plan": list(c.training_plan),
        "support": list(c.support),
        "extra": _extra(c),
    }


def _data(o: Outlook) -> dict[str, Any] | None:
    d = o.data_governance
    if d is None:
        return None
    return {
        "cleansing": list(d.cleansing),
        "master_data": list(d.master_data),
        "migration": list(d.migration),
        "extra": _extra(d),
    }


def _evolution(o: Outlook, w: Wording) -> list[dict[str, Any]]:
    currency = o.resources.budget.currency if o.resources.budget else ""
    out = []
    for e in o.evolution:
        reserve = ""
        if e.budget_reserve_percent is not None:
            reserve = w.percent(e.budget_reserve_percent)
            if e.budget_reserve_amount is not None:
                reserve += f" ({w.money(e.budget_reserve_amount, currency)})"
        elif e.budget_reserve_amount is not None:
            reserve = w.money(e.budget_reserve_amount, currency)
        out.append(
            {
                "horizon": e.horizon,
                "initiative": e.initiative,
                "value": e.value,
                "budget_reserve_text": reserve,
                "extra": _extra(e),
            }
        )
    return out


def appendix_letter(index: int) -> str:
    """A, B, … Z, then AA, AB, … (0-based ``index``), as spreadsheets name columns: never wraps back to A."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _lint(lint: Mapping[str, Any], labels: Mapping[str, Any], letter: str) -> dict[str, Any]:
    """The checklist with its statuses and severities worded in the document's language."""
    words = labels.get("lint") or {}
    status = words.get("status") or {}
    severity = words.get("severity_names") or {}

    def worded(template_key: str, **values: Any) -> str:
        return fill(words.get(template_key) or "", **values)

    rules = []
    for rule in lint["rules"]:
        result = status.get(rule["status"], rule["status"])
        if rule["status"] == "failed":
            result = worded("failed_count", count=rule["count"]) or result
        rules.append({**rule, "severity_text": severity.get(rule["severity"], rule["severity"]), "result_text": result})
    findings = [{**f, "severity_text": severity.get(f["severity"], f["severity"])} for f in lint["findings"]]
    counts = lint["counts"]
    return {
        **lint,
        "letter": letter,
        "rules": rules,
        "findings": findings,
        "summary_text": worded(
            "summary",
            checked=lint["checked"],
            passed=lint["passed"],
            failed=lint["failed"],
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
        ),
        "disabled_text": worded("disabled_note", disabled=lint["disabled"]) if lint["disabled"] else "",
    }
