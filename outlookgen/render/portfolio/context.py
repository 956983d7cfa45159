"""The portfolio's template context: the portfolio model worded once, in the document's language, for every format.

Like a spec's context (:mod:`outlookgen.render.context`) it is plain JSON
data — templates are sandboxed and compute nothing: every date, percentage,
amount, flag and sentence they show is made here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from outlookgen.model import Outlook
from outlookgen.model.portfolio import LEVELS, Portfolio
from outlookgen.packs import Pack
from outlookgen.packs.labels import fill
from outlookgen.render.context import logo_alt
from outlookgen.render.wording import Wording

TOP_RISKS = 25  # rows of the highest-risks table; the heat map counts every open risk


@dataclass(frozen=True)
class Heading:
    """What the cover and the Word file's properties say: chosen by the configuration, else worded defaults."""

    title: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class PortfolioDocument:
    """One portfolio made ready for every format, like :class:`outlookgen.render.context.Document` for a spec.

    ``outlook`` is the portfolio's title block as an outlook (the Word
    writer reads the document date from it); ``context`` is what every
    format's template lays out.
    """

    portfolio: Portfolio
    outlook: Outlook
    pack: Pack
    locale: str
    labels: Mapping[str, Any]
    context: Mapping[str, Any]
    as_of: date


def prepare(portfolio: Portfolio, pack: Pack, locale: str, heading: Heading = Heading()) -> PortfolioDocument:
    """The :class:`PortfolioDocument` of ``portfolio`` in ``locale`` with the pack's words."""
    from outlookgen.model import Background, Evaluation, Meta, Resources, Roadmap

    labels = pack.labels(locale)
    context = build_context(portfolio, labels, locale, heading)
    meta = context["meta"]
    outlook = Outlook(
        meta=Meta(title=meta["title"], organization=meta["organization"], date=portfolio.settings.as_of),
        background=Background(current_state=""),
        roadmap=Roadmap(),
        resources=Resources(),
        evaluation=Evaluation(),
    )
    context["logo_alt"] = logo_alt(pack, locale, labels, outlook)  # the same words as every outlook's cover
    return PortfolioDocument(portfolio, outlook, pack, locale, labels, context, portfolio.settings.as_of)


def build_context(p: Portfolio, labels: Mapping[str, Any], locale: str, heading: Heading) -> dict[str, Any]:
    w = Wording(labels)
    words = labels["portfolio"]
    as_of_text = w.date(p.settings.as_of)
    organizations = sorted({x.organization for x in p.projects if x.organization})
    organization = heading.organization or (organizations[0] if len(organizations) == 1 else "")
    title = heading.title or words["title"]
    projects = [_project(x, p, w, words) for x in p.projects]
    meta = {
        "title": title,
        "subtitle": fill(words["subtitle"], date=as_of_text),
        "organization": organization,
        "prepared_by": [],
        "date": p.settings.as_of.isoformat(),
        "date_text": as_of_text,
        "version": "",
        "status": "draft",
        "status_text": "",
        "locale": locale,
        "confidentiality": None,
        "revisions": [],
        "extra": {},
    }
    return {
        "locale": locale,
        "L": labels,
        "meta": meta,
        "portfolio": {
            "as_of": p.settings.as_of.isoformat(),
            "as_of_text": as_of_text,
            "currency": p.settings.currency,
            "summary": _summary(p, w, words, as_of_text),
            "projects": projects,
            "timeline": _timeline(p, w, words),
            "load": _load(p, w, words),
            "overbooked": _overbooked(p, w, words),
            "clashes": _clashes(p, w, words),
            "risks": _risks(p, w, words),
            "budget": _budget(p, w, words),
        },
    }


def _summary(p: Portfolio, w: Wording, words: Mapping[str, Any], as_of_text: str) -> dict[str, Any]:
    rags = [x.rag for x in p.projects]
    counts = {
        "projects": len(p.projects),
        "late": sum(1 for x in p.projects if x.late),
        "red": rags.count("red"),
        "amber": rags.count("amber"),
        "green": rags.count("green"),
        "overbooked": len(p.overbooked),
        "clashes": len(p.clashes),
        "risks": len(p.risks),
    }
    text = fill(
        words["summary"],
        date=as_of_text,
        budget=w.money(_money(p.budget_total), p.settings.currency),
        **{k: v for k, v in counts.items() if k not in ("overbooked", "clashes")},
    )
    alerts = fill(words["alerts"], overbooked=counts["overbooked"], clashes=counts["clashes"])
    return {**counts, "text": text, "alerts_text": alerts, "has_alerts": bool(p.overbooked or p.clashes)}


def _money(amount: float) -> float | int:
    """Whole units when the amount is whole enough to print so (converted money has no cents worth showing)."""
    return round(amount)


def _project(x, p: Portfolio, w: Wording, words: Mapping[str, Any]) -> dict[str, Any]:
    reasons = w.labels["status_view"]["reasons"]
    late = [
        {"id": t.id, "name": t.name, "reason": t.reason, "reason_text": fill(reasons[t.reason], days=t.days)}
        for t in x.late
    ]
    worst = late[0] if late else None
    next_text = ""
    days = None
    if x.next_milestone is not None:
        days = (x.next_milestone.day - p.settings.as_of).days
        next_text = fill(
            words["next_milestone"],
            name=x.next_milestone.name,
            date=w.date(x.next_milestone.day, short=True),
            days=days,
        )
    measured = x.kpis_on_track + x.kpis_off_track
    outcome = x.outcome or {}
    findings = [f.get("severity") for f in outcome.get("findings") or ()]
    return {
        "index": x.index,
        "name": x.name,
        "title": x.title,
        "organization": x.organization,
        "progress": round(x.progress, 1),
        "progress_text": w.percent(x.progress, digits=0),
        "late": late,
        "late_count": len(late),
        "late_text": fill(words["late_count"], count=len(late), worst=w.with_note(worst["name"], worst["reason_text"]))
        if worst
        else w.none,
        "dated": x.dated,
        "no_dates_text": "" if x.dated else words["no_dates"],
        "next_milestone": x.next_milestone.name if x.next_milestone else None,
        "next_milestone_date": x.next_milestone.day.isoformat() if x.next_milestone else None,
        "next_milestone_days": days,
        "next_milestone_text": next_text or w.none,
        "go_live_next": bool(x.next_milestone and x.next_milestone.go_live),
        "rag": x.rag,
        "rag_text": words["rag"][x.rag],
        "kpis_text": fill(words["kpis_of"], on=x.kpis_on_track, measured=measured) if measured else w.none,
        "budget_text": w.money(_money(x.budget_total), p.settings.currency) if x.budget_total is not None else w.none,
        "build": outcome.get("state"),
        "build_text": words["build"].get(outcome.get("state"), "") if outcome else "",
        "findings_text": fill(words["findings"], errors=findings.count("error"), warnings=findings.count("warning"))
        if outcome
        else "",
    }


def _quarter_label(q, words: Mapping[str, Any]) -> str:
    return fill(words["quarter"], quarter=q.number, year=q.year)


def _timeline(p: Portfolio, w: Wording, words: Mapping[str, Any]) -> dict[str, Any]:
    quarters = [
        {"label": _quarter_label(q, words), "start": q.start.isoformat(), "end": q.end.isoformat()} for q in p.quarters
    ]
    rows = []
    for row in p.timeline:
        project = p.projects[row.project]
        cells: list[list[dict[str, Any]]] = [[] for _ in p.quarters]
        for q, m in row.milestones:
            cells[q].append(
                {
                    "id": m.id,
                    "name": m.name,
                    "date": m.day.isoformat(),
                    "date_text": w.date(m.day, short=True),
                    "text": fill(words["milestone"], name=m.name, date=w.date(m.day, short=True)),
                    "go_live": m.go_live,
                    "past": m.day < p.settings.as_of,
                }
            )
        rows.append(
            {
                "project": project.index,
                "title": project.title,
                "cells": [{"milestones": c, "has_go_live": any(m["go_live"] for m in c)} for c in cells],
            }
        )
    first, last = (p.quarters[0], p.quarters[-1]) if p.quarters else (None, None)
    hidden = ""
    if p.hidden_before or p.hidden_after or p.undated_milestones:
        hidden = fill(
            words["hidden"],
            before=p.hidden_before,
            after=p.hidden_after,
            undated=p.undated_milestones,
            start=_quarter_label(first, words) if first else "",
            end=_quarter_label(last, words) if last else "",
        )
    for i, quarter in enumerate(quarters):
        # The same milestones by quarter, for a table per quarter: only projects with one there.
        quarter["rows"] = [
            {"title": row["title"], "milestones": row["cells"][i]["milestones"]}
            for row in rows
            if row["cells"][i]["milestones"]
        ]
    return {
        "quarters": quarters,
        "rows": rows,
        "count": sum(len(r.milestones) for r in p.timeline),
        "hidden_text": hidden,
        "start": first.start.isoformat() if first else None,
        "end": last.end.isoformat() if last else None,
    }


def _week_label(day: date, w: Wording, words: Mapping[str, Any]) -> str:
    fmt = w.labels["format"]
    return fill(
        words["week"],
        day=day.day,
        month_short=fmt["months_short"][day.month - 1],
        month_number=day.month,
        year=day.year,
        iso_week=day.isocalendar()[1],
    )


def _load_level(load: float, capacity: float) -> str:
    """How full a cell is, for its shade: empty, light (below 80 %), full, or over capacity."""
    if load <= 0:
        return "empty"
    if load > capacity:
        return "over"
    return "full" if load >= 0.8 * capacity else "light"


def _load(p: Portfolio, w: Wording, words: Mapping[str, Any]) -> dict[str, Any]:
    rows = [
        {
            "key": g.key,
            "title": g.title,
            "capacity": g.capacity,
            "capacity_text": w.percent(g.capacity, digits=0),
            "projects": g.projects,
            "peak_text": w.percent(g.peak, digits=0),
            "over_weeks": sum(g.over),
            "over": any(g.over),
            "cells": [
                {
                    "load": load,
                    "text": w.percent(load, digits=0) if load else "",
                    "over": over,
                    "level": _load_level(load, g.capacity),
                }
                for load, over in zip(g.loads, g.over, strict=True)
            ],
        }
        for g in p.role_load
    ]
    return {
        "weeks": [{"date": d.isoformat(), "label": _week_label(d, w, words)} for d in p.weeks],
        "rows": rows,
        "over_rows": sum(1 for r in rows if r["over"]),
        "note": words["load_note"],
    }


def _overbooked(p: Portfolio, w: Wording, words: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for o in p.overbooked:
        parts = [
            fill(words["booked_by"], project=p.projects[c.project].title, role=c.role, load=w.percent(c.load, digits=0))
            for c in o.contributions
        ]
        out.append(
            {
                "person": o.person,
                "weeks_text": w.date_range(o.first, o.last),
                "peak_week_text": w.date(o.peak_week, short=True),
                "load_text": w.percent(o.load, digits=0),
                "parts": parts,
                "parts_text": w.join(parts),
            }
        )
    return out


def _clashes(p: Portfolio, w: Wording, words: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "organization": c.organization,
            "week_text": fill(words["week_of"], date=w.date(c.week, short=True)),
            "go_lives": [
                fill(
                    words["go_live_item"],
                    project=p.projects[m.project].title,
                    name=m.name,
                    date=w.date(m.day, short=True),
                )
                for m in c.milestones
            ],
        }
        for c in p.clashes
    ]


def _cell_level(likelihood: str, impact: str) -> str:
    score = (LEVELS.index(likelihood) + 1) * (LEVELS.index(impact) + 1)
    return "high" if score >= 6 else "medium" if score >= 3 else "low"


def _risks(p: Portfolio, w: Wording, words: Mapping[str, Any]) -> dict[str, Any]:
    # Rows from high likelihood down, columns from low impact up: the spec's risk matrix reading.
    matrix = [
        {
            "likelihood": lk,
            "likelihood_text": w.value("level", lk),
            "cells": [
                {"impact": im, "level": _cell_level(lk, im), "count": p.risk_matrix[li][ii]}
                for ii, im in enumerate(LEVELS)
            ],
        }
        for li, lk in reversed(list(enumerate(LEVELS)))
    ]
    top = [
        {
            "project": p.projects[r.project].title,
            "id": r.id,
            "title": r.title,
            "level": _cell_level(r.likelihood, r.impact) if r.score is not None else None,
            "level_text": w.value("level", _cell_level(r.likelihood, r.impact)) if r.score is not None else "",
            "likelihood_text": w.value("level", r.likelihood),
            "impact_text": w.value("level", r.impact),
        }
        for r in p.risks[:TOP_RISKS]
    ]
    more = len(p.risks) - len(top)
    return {
        "open": len(p.risks),
        "matrix": matrix,
        "impacts": [{"impact": im, "impact_text": w.value("level", im)} for im in LEVELS],
        "top": top,
        "more_text": fill(words["more_risks"], count=more) if more > 0 else "",
        "unrated_text": fill(words["unrated"], count=p.unrated_risks) if p.unrated_risks else "",
    }


def _budget(p: Portfolio, w: Wording, words: Mapping[str, Any]) -> dict[str, Any]:
    cur = p.settings.currency
    categories = [{"category": c, "category_text": w.value("category", c)} for c in p.categories]
    rows = []
    for row in p.budget:
        amounts = dict(row.by_category)
        rows.append(
            {
                "project": p.projects[row.project].title,
                "currency": row.currency,
                "converted": row.currency != cur,
                "cells": [w.number(_money(amounts[c])) if c in amounts else "" for c in p.categories],
                "total_text": w.number(_money(row.total)),
            }
        )
    used = sorted({row.currency for row in p.budget} - {cur})
    rates = [fill(words["rate"], source=c, rate=w.number(p.settings.rates[c]), target=cur) for c in used]
    return {
        "currency": cur,
        "categories": categories,
        "rows": rows,
        "totals": [w.number(_money(amount)) for _, amount in p.budget_by_category],
        "total_text": w.number(_money(p.budget_total)),
        "unit_text": fill(words["amounts_in"], currency=cur),
        "rates_text": fill(words["rates"], rates=w.join(rates)) if rates else "",
    }
