"""The Mermaid ``gantt`` block of the Markdown output (GitHub and GitLab draw it)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from outlookgen.model import Outlook
from outlookgen.packs.labels import fill
from outlookgen.render.markup import parse_inline, plain_text

# Without roadmap.start the chart still needs dates: count from a Monday that
# begins ISO week 1 (2001-01-01), so the axis format "W%V" reads W1, W2, ...
# (it wraps after 52 weeks; the task table beside the chart stays exact).
_NOMINAL_START = date(2001, 1, 1)

# Characters Mermaid's gantt grammar reads as syntax: ':' ends a task's text,
# ';' and '#' end its data, '%' starts a comment, '`' could end the fence, and
# 'ﬂ' and '¶' are the markers Mermaid itself swaps entities for. Each is written
# as a Mermaid entity code ("#35;" for '#'), which Mermaid draws as the
# character itself: the chart shows exactly what the author wrote.
_SYNTAX = re.compile("[:;#%`\ufb02\u00b6]")
# A text that starts with a keyword of the grammar (`title`, `section`,
# `click`, a date...) would be read as that statement: its first character
# goes in as an entity code too. Prefixes are matched generously (any word
# starting so); an entity costs nothing but a little label width.
_KEYWORD_START = re.compile(
    r"(?:acc|call|click|href|gantt|date|axis|tick|includes|excludes|today|weekday|weekend|inclusive|top"
    r"|title|section|vert|\d{4}-)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def _entity(ch: str) -> str:
    return f"#{ord(ch)};"


def _label(text: str, limit: int = 80) -> str:
    """``text`` as one line of a Mermaid statement: the visible text, syntax characters as entity codes."""
    # split() and strip() take the same whitespace as \s: one space for each run, none at the ends
    # (split and join rather than a sub that matches every single space: ~1.4 -> 0.3 us a name).
    clean = " ".join(plain_text(parse_inline(text)).split())
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    if not clean:
        return "-"
    clean = _SYNTAX.sub(lambda m: _entity(m.group()), clean)
    if _KEYWORD_START.match(clean):
        clean = _entity(clean[0]) + clean[1:]
    return clean


def _axis_format(fmt: str) -> str:
    """A pack's date axis format (d3's ``%d %b``): its ``%`` directives kept, other syntax as entity codes."""
    clean = _SPACES.sub(" ", fmt).strip()[:40]
    return re.sub("[:;#`\ufb02\u00b6]", lambda m: _entity(m.group()), clean) or "%d %b"


def gantt(
    outlook: Outlook,
    *,
    title: str,
    cancelled_label: str,
    date_axis: str = "%d %b",
    as_of: date | None = None,
    as_of_label: str = "",
    baseline_label: str = "",
    with_note: str = "{text} ({note})",
) -> str:
    """Mermaid source for the plan: one section per phase, tasks with computed dates.

    Bars run from the day a task starts for as many calendar days as it spans
    (a working calendar's holidays inside make it longer). With a baseline,
    each task and milestone that has one is followed by a grey (``done``) row
    at its baseline dates, named "… (baseline)": Mermaid has no second bar
    per row, so the ghost sits right under the current one.
    """
    road = outlook.roadmap
    days = 7 if road.unit == "week" else 1
    start = road.start or _NOMINAL_START
    axis = _axis_format(date_axis) if road.start else ("W%V" if road.unit == "week" else "D%j")
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
            begin = start + timedelta(days=task.begin_day)
            length = max(task.end_day - task.begin_day, 0)
            lines.append(f"    {_label(name)} :{', '.join(tags + [ident])}, {begin.isoformat()}, {length}d")
            if task.baseline_start is not None and task.baseline_end is not None:
                planned = (task.baseline_end - task.baseline_start).days + 1
                lines.append(
                    f"    {_label(fill(with_note, text=task.name, note=baseline_label))} :done, b{p_index}_{t_index}, "
                    f"{task.baseline_start.isoformat()}, {planned}d"
                )
        for m_index, ms in enumerate(phase.milestones):
            # A milestone marks the end of its unit: place it on the next day's start,
            # where the HTML and Word charts put it too (its day, the unit's last
            # working day, is in the milestone table).
            at = start + timedelta(days=ms.time * days)
            tags = ["milestone"] + (["crit"] if ms.critical else [])
            lines.append(f"    {_label(ms.name)} :{', '.join(tags)}, m{p_index}_{m_index}, {at.isoformat()}, 0d")
            if ms.baseline_date is not None and ms.slip_days is not None:
                planned_at = at - timedelta(days=ms.slip_days)  # as far from the marker as the dates moved
                lines.append(
                    f"    {_label(fill(with_note, text=ms.name, note=baseline_label))} :milestone, done, bm{p_index}_{m_index}, "
                    f"{planned_at.isoformat()}, 0d"
                )
    # The status view's day, as a milestone of its own: every Mermaid version
    # draws milestones (the newer `vert` marker would break older renderers).
    dated = road.start is not None and road.total_end_date is not None
    if dated and as_of is not None and road.start <= as_of <= road.total_end_date:
        lines.append(f"    section {_label(as_of_label)}")
        lines.append(f"    ▼ {_label(as_of_label)} :milestone, asof, {as_of.isoformat()}, 0d")
    return "\n".join(lines) + "\n"
