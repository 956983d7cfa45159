"""The Mermaid ``gantt`` block of the Markdown output (GitHub and GitLab draw it)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from outlookgen.model import Outlook

# Without roadmap.start the chart still needs dates: count from a Monday that
# begins ISO week 1 (2001-01-01), so the axis format "W%V" reads W1, W2, ...
# (it wraps after 52 weeks; the task table beside the chart stays exact).
_NOMINAL_START = date(2001, 1, 1)

# Mermaid's gantt grammar splits a task line at ':' and ends statements at ';'
# and '#' starts an entity or comment; these look-alikes keep the text readable
# without breaking the chart. The literal text is in the task table.
_UNSAFE = str.maketrans({":": "∶", ";": "；", "#": "♯", "\n": " ", "\r": " ", "\t": " ", "%": "％", "`": "'"})
_SPACES = re.compile(r"\s+")


def _label(text: str, limit: int = 80) -> str:
    clean = _SPACES.sub(" ", text.translate(_UNSAFE)).strip()
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return clean or "-"


def gantt(
    outlook: Outlook,
    *,
    title: str,
    cancelled_label: str,
    date_axis: str = "%d %b",
    as_of: date | None = None,
    as_of_label: str = "",
) -> str:
    """Mermaid source for the plan: one section per phase, tasks with computed dates."""
    road = outlook.roadmap
    days = 7 if road.unit == "week" else 1
    start = road.start or _NOMINAL_START
    axis = _label(date_axis) if road.start else ("W%V" if road.unit == "week" else "D%j")
    lines = [
        "gantt",
        f"    title {_label(title)}",
        "    dateFormat YYYY-MM-DD",
        f"    axisFormat {axis}",
        "    todayMarker off",
    ]
    ids: dict[str, str] = {}
    for p_index, phase in enumerate(road.phases):
        lines.append(f"    section {_label(phase.name)}")
        for t_index, task in enumerate(phase.tasks):
            ident = ids.setdefault(task.id, f"t{p_index}_{t_index}")
            tags = []
            if task.critical:
                tags.append("crit")
            if task.status == "done":
                tags.append("done")
            elif task.status == "in_progress":
                tags.append("active")
            if task.is_point:
                tags.append("milestone")
            name = task.name if task.status != "cancelled" else f"{task.name} ({cancelled_label})"
            begin = start + timedelta(days=task.start * days)
            length = max(task.duration * days, 0)
            lines.append(f"    {_label(name)} :{', '.join(tags + [ident])}, {begin.isoformat()}, {length}d")
        for m_index, ms in enumerate(phase.milestones):
            # A milestone marks the end of its unit: place it on the next day's start.
            at = start + timedelta(days=ms.time * days)
            tags = ["milestone"] + (["crit"] if ms.critical else [])
            lines.append(f"    {_label(ms.name)} :{', '.join(tags)}, m{p_index}_{m_index}, {at.isoformat()}, 0d")
    # The status view's day, as a milestone of its own: every Mermaid version
    # draws milestones (the newer `vert` marker would break older renderers).
    dated = road.start is not None and road.total_end_date is not None
    if dated and as_of is not None and road.start <= as_of <= road.total_end_date:
        lines.append(f"    section {_label(as_of_label)}")
        lines.append(f"    ▼ {_label(as_of_label)} :milestone, asof, {as_of.isoformat()}, 0d")
    return "\n".join(lines) + "\n"
