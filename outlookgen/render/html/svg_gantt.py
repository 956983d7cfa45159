"""The roadmap as an inline SVG Gantt chart, drawn from the model (no JavaScript, no layout engine).

One row per task, grouped under a band per phase (the phase's brand colour),
then the phase's milestones as diamonds. Bars are placed by calendar day
(``begin_day``/``end_day`` of the model, in planning units on the axis), so a
working calendar's holidays show as longer bars; filled up to the task's
progress, outlined when critical; dependencies are elbow arrows from the end
a link names (finish, or start for SS/SF) to the end it constrains; the
buffer after the last task is hatched. With a baseline, a thin grey bar
under each task and a hollow diamond beside each milestone show where the
baseline had them (MS Project's tracking Gantt).

The chart is cut into *chunks* of at most :data:`MAX_ROWS` rows (breaking at
phase boundaries when it can), each its own ``<svg>`` with the axis repeated
on top. All chunks share one coordinate system — a chunk is a window
(``viewBox``) onto the whole drawing — so stacked on screen they read as one
chart, arrows included, while in print each chunk is a block that fits a page
(an SVG is never split across pages, by WeasyPrint in particular).

Every piece of spec text is escaped; nothing from a spec becomes an element
or an attribute name. Output is deterministic: no ids but fixed ones, numbers
rounded to one decimal.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from outlookgen.model import Milestone, Outlook, Phase, Task, TaskLink
from outlookgen.model.status import task_progress
from outlookgen.packs.brand import Brand
from outlookgen.packs.labels import fill
from outlookgen.render.markup import parse_inline, plain_text
from outlookgen.render.timing_words import slip_text
from outlookgen.render.wording import Wording
from outlookgen.spec.scalars import as_text

MAX_ROWS = 22  # with the axis, about 14 cm: a chunk and its heading fit a landscape A4 page
ROW = 22
LINE = 13  # the extra height of each further line of a wrapped name
BAR = 12
BASELINE_BAR = 3  # the baseline's bar, under the task's: fits in the row below a 12 px bar
PAD = 8
FONT = 11
SMALL = 9.5
FONT_STACK = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'Noto Sans', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
)
_STEPS = (1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)


def _n(x: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (deterministic, compact)."""
    return f"{x:.1f}".removesuffix(".0")


def _esc(text: str) -> str:
    return escape(text, quote=True)


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56


def text_width(text: str, size: float) -> float:
    """A width estimate for ``text`` at font ``size`` (CJK characters are square, others about half)."""
    return sum(map(_char_width, text)) * size


def _wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width``: at spaces, or between any two CJK characters."""
    if text_width(text, size) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for token in re.findall(r"\S+\s*|\s+", text):
        pieces = [token] if not any(_char_width(c) == 1.0 for c in token) else list(token)
        for piece in pieces:
            if line and text_width((line + piece).rstrip(), size) > width:
                lines.append(line.rstrip())
                line = piece.lstrip()
            else:
                line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [text]


def _label(x: float, mid: float, lines: tuple[str, ...], attrs: str, title: str) -> str:
    """A name as SVG text, one tspan per line, centred on the row's middle."""
    first = mid + 4 - (len(lines) - 1) * LINE / 2
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first + i * LINE)}">{_esc(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{_n(x)}" y="{_n(first)}"{attrs}><title>{title}</title>{spans}</text>'


def _plain(text: str | None) -> str:
    """Spec text as shown in the chart: inline markup dropped, one line."""
    # The exact str parse_inline reads: equal texts share one cache entry.
    return _plain_of(text if type(text) is str else "" if text is None else str(as_text(text)))


# Each name is shown three times (label column width, wrapped label, tooltip).
@lru_cache(maxsize=1 << 14)
def _plain_of(text: str) -> str:
    return " ".join(plain_text(parse_inline(text)).split())


@dataclass(frozen=True)
class _Row:
    kind: str  # "phase" | "task" | "milestone"
    top: float
    phase_index: int
    item: Any
    lines: tuple[str, ...] = ()  # the name, wrapped to the label column (never cut)
    height: float = ROW

    @property
    def mid(self) -> float:
        return self.top + self.height / 2


@dataclass(frozen=True)
class _Arrow:
    low: float
    high: float
    svg: str


class _Chart:
    def __init__(
        self,
        outlook: Outlook,
        wording: Wording,
        labels: dict[str, Any],
        brand: Brand,
        worded: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.road = outlook.roadmap
        self.worded = worded or {}
        self.w = wording
        self.labels = labels
        self.brand = brand
        self.colors = brand.colors
        road = self.road
        self.ud = road.unit_days  # calendar days per unit: model positions are in days
        baseline_days = [t.baseline_end_day or 0 for t in road.tasks] + [m.baseline_day or 0 for m in road.milestones]
        self.units = max(road.total, road.end, 1, math.ceil(max(baseline_days, default=0) / self.ud))
        # Fit about 700 px when that leaves a unit at least 9 px; wider plans scroll
        # sideways on screen (and scale in print), up to about 16,000 px.
        self.uw = max(9.0, min(28.0, round(700 / self.units, 1)))
        if self.units * self.uw > 16000:
            self.uw = max(1.0, round(16000 / self.units, 1))

        names = [_plain(p.name) for p in road.phases] + [
            _plain(x.name) for p in road.phases for x in (*p.tasks, *p.milestones)
        ]
        # Each name's width once: the widest sets the label column, then each one is wrapped to it.
        widths = {name: text_width(name, FONT) for name in names}
        widest = max(widths.values(), default=80)
        # Wide enough for most names; a longer one wraps onto more lines (its row grows), never cut.
        self.label_w = max(150.0, min(340.0, widest + 2 * PAD + 6))
        self.rows: list[_Row] = []
        self.row_of: dict[str, _Row] = {}
        y = 0.0
        for index, phase in enumerate(road.phases):
            items = (
                [("phase", phase)] + [("task", t) for t in phase.tasks] + [("milestone", m) for m in phase.milestones]
            )
            for kind, item in items:
                room = self.label_w - 2 * PAD - (0 if kind == "phase" else 6)
                name = _plain(item.name)
                lines = (name,) if widths[name] <= room else tuple(_wrap(name, room, FONT))  # as _wrap begins
                row = _Row(kind, y, index, item, lines, ROW + (len(lines) - 1) * LINE)
                self.rows.append(row)
                if kind == "task":
                    self.row_of[item.id] = row
                y += row.height
        self.height = y
        self.left = self.label_w + PAD
        self.width = self.left + self.units * self.uw + PAD
        self.dated = road.start is not None
        self.header = 40.0 if self.dated else 26.0
        self.days = 7 if road.unit == "week" else 1

    # -- geometry ------------------------------------------------------------
    def x(self, time: float) -> float:
        return self.left + time * self.uw

    def xd(self, day: float) -> float:
        """The x of a model position in calendar days (a task's ``begin_day``, a milestone's ``day``)."""
        return self.left + day / self.ud * self.uw

    def _step(self, label_width: float) -> int:
        for step in _STEPS:
            if step * self.uw >= label_width + 8:
                return step
        return _STEPS[-1]

    # -- chunks --------------------------------------------------------------
    def chunks(self) -> list[tuple[int, int]]:
        """Row ranges [first, last) of at most MAX_ROWS rows, starting at a phase band when possible."""
        out: list[tuple[int, int]] = []
        first = 0
        phase_starts = [i for i, r in enumerate(self.rows) if r.kind == "phase"] + [len(self.rows)]
        for a, b in itertools.pairwise(phase_starts):
            if b - first > MAX_ROWS and a > first:
                out.append((first, a))
                first = a
            while b - first > MAX_ROWS:
                out.append((first, first + MAX_ROWS))
                first += MAX_ROWS
        if first < len(self.rows):
            out.append((first, len(self.rows)))
        return out

    # -- pieces ----------------------------------------------------------------
    def axis(self, top: float, low: float, high: float) -> list[str]:
        """The axis band whose top edge is at ``top``; grid lines run from ``low`` to ``high``."""
        c = self.colors
        head, units, dates, grid = self._axis_marks()
        out = [
            f'<rect x="0" y="{_n(top)}" width="{_n(self.width)}" height="{_n(self.header)}" fill="{c["muted"]}"/>',
            f'<text x="{PAD}" y="{_n(top + 16)}" font-size="{FONT}" font-weight="700" fill="{c["foreground"]}">'
            f"{head}</text>",
        ]
        y = _n(top + 15)
        out.extend(
            f'<text x="{cx}" y="{y}" font-size="{SMALL}" text-anchor="{anchor}" fill="{c["foreground"]}">{text}</text>'
            for cx, anchor, text in units
        )
        y = _n(top + 31)
        out.extend(
            f'<text x="{x}" y="{y}" font-size="{SMALL}" fill="{c["secondary"]}">{text}</text>' for x, text in dates
        )
        # Grid: a faint line at every labelled unit boundary, through the rows below.
        span = f" {_n(low)}V{_n(high)}"
        segs = "".join(f"M{x}{span}" for x in grid)
        out.append(f'<path d="{segs}" stroke="#d5dbe1" stroke-width="0.6" fill="none"/>')
        out.append(
            f'<line x1="0" y1="{_n(top + self.header)}" x2="{_n(self.width)}" y2="{_n(top + self.header)}" '
            f'stroke="{c["secondary"]}" stroke-width="0.8"/>'
        )
        return out

    _axis_cache: tuple[str, list[tuple[str, str, str]], list[tuple[str, str]], list[str]] | None = None

    def _axis_marks(self) -> tuple[str, list[tuple[str, str, str]], list[tuple[str, str]], list[str]]:
        """What every chunk's axis shares, worked out once (a big plan has a hundred chunks):
        the column title, the unit and date labels with their x, the grid lines' x."""
        if self._axis_cache is not None:
            return self._axis_cache
        head = _esc(_plain(self.labels["col"]["task"]))
        sample = self.w.unit(self.units)
        step = self._step(text_width(sample, SMALL))
        right = self.width - 2
        units: list[tuple[str, str, str]] = []
        for n in range(1, self.units + 1, step):
            cx = self.x(n - 0.5) if step == 1 else self.x(n - 1) + 2
            anchor = "middle" if step == 1 else "start"
            if step > 1 and cx + text_width(self.w.unit(n), SMALL) > right:
                break
            units.append((_n(cx), anchor, _esc(self.w.unit(n))))
        dates: list[tuple[str, str]] = []
        if self.dated:
            pattern = self.labels["html"]["axis_date"]
            start = self.road.start
            sample_date = self._axis_date(pattern, date(2026, 12, 28))
            dstep = self._step(text_width(sample_date, SMALL))
            for n in range(1, self.units + 1, dstep):
                day = _shift(start, (n - 1) * self.days)
                if day is None or self.x(n - 1) + 2 + text_width(self._axis_date(pattern, day), SMALL) > right:
                    break
                dates.append((_n(self.x(n - 1) + 2), _esc(self._axis_date(pattern, day))))
        grid = [_n(self.x(n - 1)) for n in range(1, self.units + 2, step)]
        self._axis_cache = (head, units, dates, grid)
        return self._axis_cache

    def _axis_date(self, pattern: str, day: date) -> str:
        fmt = self.labels["format"]
        return fill(
            pattern,
            day=day.day,
            month=fmt["months"][day.month - 1],
            month_short=fmt["months_short"][day.month - 1],
            month_number=day.month,
            year=day.year,
        )

    as_of: date | None = None

    def today_line(self, top: float, high: float) -> list[str]:
        """A dashed line at the as-of day, labelled in the axis band (only for a dated plan)."""
        if self.as_of is None or self.road.start is None:
            return []
        time = (self.as_of - self.road.start).days / self.days
        if not 0 <= time <= self.units:
            return []
        x = self.x(time)
        c = self.colors
        label = f"{self.labels['status_view']['today']} {self.w.date(self.as_of, short=True)}"
        width = text_width(label, SMALL) + 6
        # The label sits on a light plate just under the axis, left of the line near the right edge.
        left = x - width - 2 if x + width + 2 > self.width else x + 2
        y = top + self.header + 2
        return [
            f'<line x1="{_n(x)}" y1="{_n(top + self.header)}" x2="{_n(x)}" y2="{_n(high)}" stroke="{c["accent"]}" '
            f'stroke-width="1.4" stroke-dasharray="4 3"><title>{_esc(label)}</title></line>',
            f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(width)}" height="{SMALL + 5}" rx="2" '
            f'fill="{c["background"]}" fill-opacity="0.9" stroke="{c["accent"]}" stroke-width="0.6"/>',
            f'<text x="{_n(left + 3)}" y="{_n(y + SMALL + 1)}" font-size="{SMALL}" font-weight="700" '
            f'fill="{c["accent"]}">{_esc(label)}</text>',
        ]

    def buffer(self, low: float, high: float, pattern_id: str) -> list[str]:
        road = self.road
        if road.buffer <= 0:
            return []
        x0, x1 = self.x(road.end), self.x(road.total)
        return [
            f'<rect x="{_n(x0)}" y="{_n(low)}" width="{_n(x1 - x0)}" height="{_n(high - low)}" '
            f'fill="url(#{pattern_id})"><title>{_esc(self.labels["html"]["legend"]["buffer"])} · '
            f"{_esc(self.w.count(road.buffer))}</title></rect>"
        ]

    def phase_row(self, row: _Row) -> list[str]:
        phase: Phase = row.item
        color = self.brand.phase_color(row.phase_index)
        mid = row.mid
        name = _plain(phase.name)
        stage = self.w.value("stage", phase.stage)
        out = [
            f'<rect x="0" y="{_n(row.top)}" width="{_n(self.width)}" height="{_n(row.height)}" fill="{color}" '
            'fill-opacity="0.1"/>',
            f'<rect x="0" y="{_n(row.top)}" width="4" height="{_n(row.height)}" fill="{color}"/>',
            _label(
                PAD,
                mid,
                row.lines,
                f' font-size="{FONT}" font-weight="700" fill="{self.colors["foreground"]}"',
                f"{_esc(name)}{' · ' + _esc(stage) if stage else ''}",
            ),
        ]
        if phase.tasks or phase.milestones:
            x0, x1 = self.xd(phase.begin_day), self.xd(max(phase.end_day, phase.begin_day))
            out.append(
                f'<path d="M{_n(x0)} {_n(mid - 4)}H{_n(x1)}V{_n(mid + 3)}L{_n(x1 - 4)} {_n(mid)}H{_n(x0 + 4)}'
                f'L{_n(x0)} {_n(mid + 3)}Z" fill="{color}"/>'
            )
        return out

    def task_row(self, row: _Row) -> list[str]:
        t: Task = row.item
        c = self.colors
        color = self.brand.phase_color(row.phase_index)
        mid = row.mid
        name = _plain(t.name)
        cancelled = t.status == "cancelled"
        tip = self._task_tip(t, name)
        weight = ' font-weight="700"' if t.critical else ""
        deco = ' text-decoration="line-through"' if cancelled else ""
        fill = c["no_data"] if cancelled else c["foreground"]
        out = [_label(PAD + 6, mid, row.lines, f' font-size="{FONT}" fill="{fill}"{weight}{deco}', tip)]
        x0 = self.xd(t.begin_day)
        out[:0] = self.baseline_bar(t, mid)
        if t.is_point:
            out.append(
                f'<path d="M{_n(x0)} {_n(mid - 6)}L{_n(x0 + 5)} {_n(mid)}L{_n(x0)} {_n(mid + 6)}'
                f'L{_n(x0 - 5)} {_n(mid)}Z" fill="{color}"'
                + (f' stroke="{c["critical"]}" stroke-width="1.5"' if t.critical else "")
                + f"><title>{tip}</title></path>"
            )
            return out
        width = self.xd(t.end_day) - x0
        top = mid - BAR / 2
        if cancelled:
            out.append(
                f'<rect x="{_n(x0)}" y="{_n(top)}" width="{_n(width)}" height="{BAR}" rx="2" fill="none" '
                f'stroke="{c["no_data"]}" stroke-dasharray="3 2"><title>{tip}</title></rect>'
            )
            return out
        stroke = ""
        if t.critical:
            stroke = f' stroke="{c["critical"]}" stroke-width="1.6"'
        elif t.status == "blocked":
            stroke = f' stroke="{c["off_track"]}" stroke-width="1.6" stroke-dasharray="4 2"'
        out.append(
            f'<rect x="{_n(x0)}" y="{_n(top)}" width="{_n(width)}" height="{BAR}" rx="2" fill="{color}" '
            f'fill-opacity="0.3"{stroke}><title>{tip}</title></rect>'
        )
        done = task_progress(t)
        if done > 0:
            out.append(
                f'<rect x="{_n(x0)}" y="{_n(top)}" width="{_n(width * done / 100)}" height="{BAR}" rx="2" '
                f'fill="{color}"><title>{tip}</title></rect>'
            )
        return out

    def _task_words(self, t: Task) -> tuple[str, str, str]:
        """When the task runs, its dates and its status with progress: the page's words for them when it has them."""
        said = self.worded.get(t.id)
        if said is not None:  # worded once for every format (render/context.py), six labels filled a task
            return said["when_text"], said["dates_text"], said["status_progress_text"]
        when = self.w.span(t.first_unit, t.last_unit) if not t.is_point else self.w.unit(t.first_unit)
        status = self.w.value("task_status", t.status)
        if t.progress is not None:
            status = self.w.with_note(status, self.w.percent(t.progress, digits=0))
        return when, self.w.date_range(t.start_date, t.end_date), status

    def _task_tip(self, t: Task, name: str) -> str:
        when, dates, status = self._task_words(t)
        parts = [f"{t.id} {name}", when]
        if dates:
            parts.append(dates)
        parts.append(status)
        if t.critical:
            parts.append(self.labels["html"]["legend"]["critical"])
        if t.baseline_start is not None and t.baseline_end is not None:
            parts.append(self._baseline_words(t.baseline_start, t.baseline_end, t.slip_days))
        return _esc(" · ".join(parts))

    def milestone_row(self, row: _Row) -> list[str]:
        m: Milestone = row.item
        c = self.colors
        mid = row.mid
        name = _plain(m.name)
        when = self.w.unit(m.unit)
        if m.date is not None:
            when += " · " + self.w.date(m.date, short=True)
        tip_text = f"{m.id} {name} · {when}"
        if m.baseline_date is not None:
            tip_text += " · " + self._baseline_words(m.baseline_date, m.baseline_date, m.slip_days)
        tip = _esc(tip_text)
        x = self.xd(m.day)
        fill = c["critical"] if m.critical else c["primary"]
        out = [
            *self.baseline_diamond(m, mid),
            _label(PAD + 6, mid, row.lines, f' font-size="{FONT}" font-style="italic" fill="{c["foreground"]}"', tip),
            f'<path d="M{_n(x)} {_n(mid - 7)}L{_n(x + 7)} {_n(mid)}L{_n(x)} {_n(mid + 7)}L{_n(x - 7)} {_n(mid)}Z" '
            f'fill="{fill}" stroke="#ffffff" stroke-width="1"><title>{tip}</title></path>',
        ]
        room = self.width - PAD - (x + 11)
        if text_width(when, SMALL) <= room:
            out.append(
                f'<text x="{_n(x + 11)}" y="{_n(mid + 3.5)}" font-size="{SMALL}" fill="{c["secondary"]}">{_esc(when)}</text>'
            )
        else:
            out.append(
                f'<text x="{_n(x - 11)}" y="{_n(mid + 3.5)}" font-size="{SMALL}" text-anchor="end" '
                f'fill="{c["secondary"]}">{_esc(when)}</text>'
            )
        return out

    # -- the baseline ------------------------------------------------------------
    def _baseline_words(self, first: date, last: date, slip: int | None) -> str:
        words = self.labels["baseline"]
        text = f"{words['planned']} {self.w.date_range(first, last)}"
        slipped = slip_text(slip, self.labels, has_baseline=True)
        return f"{text} ({slipped})" if slipped else text

    def baseline_bar(self, t: Task, mid: float) -> list[str]:
        """A thin grey bar under the task's bar where the baseline had it."""
        if t.baseline_begin_day is None or t.baseline_end_day is None or t.baseline_start is None:
            return []
        x0, x1 = self.xd(t.baseline_begin_day), self.xd(t.baseline_end_day)
        tip = _esc(f"{t.id} · {self._baseline_words(t.baseline_start, t.baseline_end, t.slip_days)}")
        return [
            f'<rect class="baseline" x="{_n(x0)}" y="{_n(mid + BAR / 2 + 1)}" width="{_n(max(x1 - x0, 2))}" '
            f'height="{BASELINE_BAR}" fill="{self.colors["no_data"]}"><title>{tip}</title></rect>'
        ]

    def baseline_diamond(self, m: Milestone, mid: float) -> list[str]:
        """A hollow diamond where the baseline had the milestone."""
        if m.baseline_day is None or m.baseline_date is None:
            return []
        x = self.xd(m.baseline_day)
        tip = _esc(f"{m.id} · {self._baseline_words(m.baseline_date, m.baseline_date, m.slip_days)}")
        return [
            f'<path class="baseline" d="M{_n(x)} {_n(mid - 6)}L{_n(x + 6)} {_n(mid)}L{_n(x)} {_n(mid + 6)}'
            f'L{_n(x - 6)} {_n(mid)}Z" fill="none" stroke="{self.colors["no_data"]}" stroke-width="1.4" '
            f'stroke-dasharray="2 1.5"><title>{tip}</title></path>'
        ]

    # -- arrows ------------------------------------------------------------------
    def arrows(self) -> list[_Arrow]:
        c = self.colors
        out: list[_Arrow] = []
        for row in self.rows:
            if row.kind == "task":
                task: Task = row.item
                for link in task.links:
                    pred = link.task
                    prow = self.row_of.get(pred.id)
                    if prow is None:
                        continue
                    critical = task.critical and pred.critical and _drives(link, task)
                    out.append(self._elbow(link, prow, task, row, critical))
            elif row.kind == "milestone":
                ms: Milestone = row.item
                mid = row.mid
                for link in ms.links:
                    pred = link.task
                    prow = self.row_of.get(pred.id)
                    if prow is None:
                        continue
                    x = self.xd(ms.day)
                    y1 = prow.mid + (BAR / 2 if prow.top < row.top else -BAR / 2)
                    y2 = mid - 7 if prow.top < row.top else mid + 7
                    xe = self.xd(pred.begin_day if link.type in ("SS", "SF") else pred.end_day)
                    d = f"M{_n(xe)} {_n(y1)}" + (f"H{_n(x)}" if xe != x else "") + f"V{_n(y2)}"
                    out.append(
                        _Arrow(
                            min(y1, y2),
                            max(y1, y2),
                            f'<path d="{d}" fill="none" stroke="{c["secondary"]}" stroke-width="0.8" '
                            f'stroke-dasharray="2 2"/>',
                        )
                    )
        return out

    def _elbow(self, link: TaskLink, prow: _Row, task: Task, row: _Row, critical: bool) -> _Arrow:
        """From the end of the predecessor the link names to the end of the task it constrains."""
        c = self.colors
        pred = link.task
        from_start = pred.is_point or link.type in ("SS", "SF")
        x1 = self.xd(pred.begin_day if from_start else pred.end_day)
        y1 = prow.mid
        to_finish = link.type in ("FF", "SF") and not task.is_point
        x2 = self.xd(task.end_day) if to_finish else self.xd(task.begin_day) - (5 if task.is_point else 0)
        y2 = row.mid
        if to_finish:
            # Into the bar's end from the right: a short hook back onto the finish.
            xr = max(x1, x2) + 6
            d = f"M{_n(x1)} {_n(y1)}H{_n(xr)}V{_n(y2)}H{_n(x2)}"
        elif x2 - x1 >= 12:
            d = f"M{_n(x1)} {_n(y1)}H{_n(x1 + 6)}V{_n(y2)}H{_n(x2)}"
        else:
            # No room between the two: go round through the gap between the rows.
            gap = row.top if y2 > y1 else row.top + row.height
            d = f"M{_n(x1)} {_n(y1)}H{_n(x1 + 6)}V{_n(gap)}H{_n(x2 - 8)}V{_n(y2)}H{_n(x2)}"
        color = c["critical"] if critical else c["secondary"]
        marker = "crit" if critical else "dep"
        dash = ' stroke-dasharray="3 2"' if pred.status == "cancelled" or task.status == "cancelled" else ""
        width = "1.3" if critical else "0.9"
        return _Arrow(
            min(y1, y2),
            max(y1, y2),
            f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{width}"{dash} '
            f'marker-end="url(#og-gantt-{{chunk}}-{marker})"/>',
        )

    # -- the whole ------------------------------------------------------------------
    def _arrows_by_chunk(self, arrows: list[_Arrow], chunks: list[tuple[int, int]]) -> list[list[_Arrow]]:
        """For each chunk, the arrows that cross its rows (``high >= low and low <= high``), in drawing order.

        Chunks follow each other down the page, so an arrow crosses a run of
        them, found by bisection: a big plan has thousands of arrows and a
        hundred chunks, and testing every pair was most of the chart's time.
        """
        lows = [self.rows[first].top for first, _ in chunks]
        highs = [self.rows[last - 1].top + self.rows[last - 1].height for _, last in chunks]
        out: list[list[_Arrow]] = [[] for _ in chunks]
        for arrow in arrows:
            # The first chunk whose bottom is at or below the arrow's top, the last whose top is at or above its bottom.
            for k in range(bisect.bisect_left(highs, arrow.low), bisect.bisect_right(lows, arrow.high)):
                out[k].append(arrow)
        return out

    def svg_chunks(self, title: str, description: str = "") -> list[str]:
        c = self.colors
        arrows = self.arrows()
        chunks = self.chunks()
        crossing = self._arrows_by_chunk(arrows, chunks)
        out = []
        for k, (first, last) in enumerate(chunks, start=1):
            low = self.rows[first].top
            high = self.rows[last - 1].top + self.rows[last - 1].height
            top = low - self.header
            body: list[str] = []
            pattern_id = f"og-gantt-{k}-buffer"
            body.append(
                "<defs>"
                f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{c["muted"]}"/>'
                f'<line x1="0" y1="0" x2="0" y2="6" stroke="{c["no_data"]}" stroke-width="1.2"/></pattern>'
                f'<marker id="og-gantt-{k}-dep" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" '
                f'markerHeight="6" orient="auto"><path d="M0 0L6 3L0 6Z" fill="{c["secondary"]}"/></marker>'
                f'<marker id="og-gantt-{k}-crit" viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" '
                f'markerHeight="6" orient="auto"><path d="M0 0L6 3L0 6Z" fill="{c["critical"]}"/></marker>'
                "</defs>"
            )
            for row in self.rows[first:last]:
                if row.kind == "phase":
                    body.extend(self.phase_row(row))
            body.extend(self.buffer(low, high, pattern_id))
            body.extend(self.axis(top, low, high))
            body.extend(self.today_line(top, high))
            for row in self.rows[first:last]:
                if row.kind == "task":
                    body.extend(self.task_row(row))
                elif row.kind == "milestone":
                    body.extend(self.milestone_row(row))
            marker = f"og-gantt-{k}-"
            body.extend(a.svg.replace("og-gantt-{chunk}-", marker) for a in crossing[k - 1])
            height = high - top
            label = title if len(chunks) == 1 else f"{title} ({k}/{len(chunks)})"
            # The name and description are the svg's first children: screen readers read them, and a
            # tagged PDF takes its Figure's alternative text from a direct <title>.
            described = f' aria-describedby="og-gantt-{k}-desc"' if description else ""
            text = f'<title id="og-gantt-{k}-title">{_esc(label)}</title>'
            if description:
                text += f'<desc id="og-gantt-{k}-desc">{_esc(description)}</desc>'
            out.append(
                f'<svg xmlns="http://www.w3.org/2000/svg" class="gantt-chunk" role="img" '
                f'aria-labelledby="og-gantt-{k}-title"{described} width="{_n(self.width)}" height="{_n(height)}" '
                f'viewBox="0 {_n(top)} {_n(self.width)} {_n(height)}" font-family="{FONT_STACK}">'
                + text
                + "".join(body)
                + "</svg>"
            )
        return out


def _drives(link: TaskLink, task: Task) -> bool:
    """Whether an arrow between two critical tasks is drawn as critical: a finish-to-start link when the task
    starts in the unit its predecessor ends (as format 1 charts always drew it); other link types always."""
    if link.type == "FS":
        return link.task.finish == task.start
    return True


def _shift(origin: date | None, days: int) -> date | None:
    if origin is None:
        return None
    try:
        return origin + timedelta(days=days)
    except OverflowError:
        return None


def _swatch(inner: str) -> str:
    # A picture beside words that say it all, so decoration: drawn as a CSS background (an SVG data:
    # URL, only colours and numbers in it), which a tagged PDF keeps out of its structure tree, where
    # an inline <svg> would be a Figure without alternative text.
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="22" height="14" viewBox="0 0 22 14">{inner}</svg>'
    url = "data:image/svg+xml," + quote(svg, safe="")
    style = f"background-image: url('{url}')"
    return f'<span class="swatch" style="{style}"></span>'


def _legend(chart: _Chart) -> str:
    c = chart.colors
    words = chart.labels["html"]["legend"]
    phase0 = chart.brand.phase_color(0)
    items = [
        (
            _swatch(f'<rect x="1" y="3" width="20" height="8" rx="2" fill="{phase0}" fill-opacity="0.3"/>'),
            words["planned"],
        ),
        (
            _swatch(
                f'<rect x="1" y="3" width="20" height="8" rx="2" fill="{phase0}" fill-opacity="0.3"/>'
                f'<rect x="1" y="3" width="11" height="8" rx="2" fill="{phase0}"/>'
            ),
            words["progress"],
        ),
        (
            _swatch(
                f'<rect x="1" y="3" width="20" height="8" rx="2" fill="{phase0}" fill-opacity="0.3" '
                f'stroke="{c["critical"]}" stroke-width="1.6"/>'
            ),
            words["critical"],
        ),
        (
            _swatch(
                f'<rect x="1" y="3" width="20" height="8" rx="2" fill="none" stroke="{c["no_data"]}" stroke-dasharray="3 2"/>'
            ),
            words["cancelled"],
        ),
        (_swatch(f'<path d="M11 0L18 7L11 14L4 7Z" fill="{c["primary"]}"/>'), words["milestone"]),
        (
            _swatch(
                f'<path d="M1 3H8V11H17" fill="none" stroke="{c["secondary"]}" stroke-width="1"/>'
                f'<path d="M16 8L21 11L16 14Z" fill="{c["secondary"]}"/>'
            ),
            words["dependency"],
        ),
    ]
    if chart.road.baseline is not None:
        items.append(
            (
                _swatch(
                    f'<rect x="1" y="2" width="20" height="7" rx="2" fill="{phase0}" fill-opacity="0.3"/>'
                    f'<rect x="4" y="10" width="17" height="{BASELINE_BAR}" fill="{c["no_data"]}"/>'
                ),
                chart.labels["baseline"]["planned"],
            )
        )
    if chart.road.buffer > 0:
        items.append(
            (
                _swatch(
                    f'<rect x="1" y="1" width="20" height="12" fill="{c["muted"]}" stroke="{c["no_data"]}" '
                    'stroke-dasharray="1 2"/>'
                ),
                f"{words['buffer']} ({chart.w.count(chart.road.buffer)})",
            )
        )
    for index, phase in enumerate(chart.road.phases):
        color = chart.brand.phase_color(index)
        items.append((_swatch(f'<rect x="1" y="2" width="20" height="10" fill="{color}"/>'), _plain(phase.name)))
    lis = "".join(f"<li>{sw}<span>{_esc(text)}</span></li>" for sw, text in items)
    return f'<ul class="gantt-legend">{lis}</ul>'


def gantt_svg(
    outlook: Outlook,
    wording: Wording,
    labels: dict[str, Any],
    brand: Brand,
    *,
    title: str,
    as_of: date | None = None,
    description: str = "",
    labelled_by: str = "",
    worded: Mapping[str, Mapping[str, Any]] | None = None,
) -> Markup:
    """The chart as HTML: a scrolling box of SVG chunks, then the legend.

    ``as_of`` (the status view's day) draws a "today" line when the plan has dates.
    ``description`` is each chunk's ``<desc>``; ``labelled_by`` the id of the heading that names the
    scrolling box, which keyboard users can focus to scroll it. ``worded`` maps a task's id to its
    entry of the template context, whose when, dates and status texts the tooltips then use.
    """
    chart = _Chart(outlook, wording, labels, brand, worded)
    chart.as_of = as_of
    chunks = chart.svg_chunks(_plain(title), _plain(description))
    named = f' aria-labelledby="{_esc(labelled_by)}"' if labelled_by else ""
    box = f'<div class="gantt-scroll" tabindex="0" role="group"{named}>'
    return Markup(box + "\n".join(chunks) + "</div>\n" + _legend(chart))
