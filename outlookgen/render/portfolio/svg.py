"""The portfolio's milestone timeline as inline SVG: one row per project, the quarters across, diamonds on their day.

Drawn like the spec's Gantt chart (:mod:`outlookgen.render.html.svg_gantt`):
the same font stack, brand colours and escaping, a dashed line at the status
day, and the chart cut into chunks of at most :data:`MAX_ROWS` rows that
share one coordinate system, so a long portfolio prints page by page with the
axis on top of each. A go-live is a filled diamond in the critical colour,
any other milestone an outlined one; milestones before the status day are
grey. Each diamond says project, name and date when pointed at, and its name
is written beside it when the next one leaves room; otherwise on a lane below
the row, joined to its diamond by a short line (the row grows a lane for it),
and cut short only when :data:`MAX_LANES` lanes are full.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from markupsafe import Markup

from outlookgen.packs.brand import Brand
from outlookgen.render.html.svg_gantt import FONT, FONT_STACK, PAD, ROW, SMALL, text_width
from outlookgen.render.markup import parse_inline, plain_text

MAX_ROWS = 24
WIDTH = 940.0
HEADER = 30.0
LANE = 12.0  # a line of milestone names below a row's diamonds
MAX_LANES = 3  # the diamonds' own line and two below it


def _n(x: float) -> str:
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _plain(text: str | None) -> str:
    return " ".join(plain_text(parse_inline(text or "")).split())


def _fit(text: str, width: float, size: float) -> str:
    if width <= size:
        return ""
    if text_width(text, size) <= width:
        return text
    out = []
    used = text_width("…", size)
    for ch in text:
        used += text_width(ch, size)
        if used > width:
            break
        out.append(ch)
    return ("".join(out).rstrip() + "…") if out else ""


def timeline_svg(timeline: dict[str, Any], as_of: date, brand: Brand, labels: dict[str, Any]) -> Markup:
    """The chart of ``timeline`` (the context's ``portfolio.timeline``); nothing when no milestone falls in it."""
    quarters, rows = timeline["quarters"], timeline["rows"]
    if not quarters or not rows:
        return Markup("")
    c = brand.colors
    titles = [_plain(r["title"]) for r in rows]
    label_w = max(160.0, min(280.0, max(text_width(t, FONT) for t in titles) + 2 * PAD))
    left = label_w + PAD
    # Fits the page's text width (about 940 px) when the quarters leave each 120 px; more scroll sideways.
    quarter_width = max(120.0, (WIDTH - left - PAD) / len(quarters))
    width = left + quarter_width * len(quarters) + PAD
    start = date.fromisoformat(timeline["start"])
    end = date.fromisoformat(timeline["end"])
    span = (end - start).days + 1
    scale = quarter_width * len(quarters) / span

    def x(day: date) -> float:
        return left + ((day - start).days + 0.5) * scale

    words = labels["portfolio"]
    chunks = [rows[i : i + MAX_ROWS] for i in range(0, len(rows), MAX_ROWS)]
    out = []
    for number, chunk in enumerate(chunks):
        placed = [_labels(row, x, width) for row in chunk]
        heights = [ROW + LANE * max((lane for _, _, _, lane in marks), default=0) for marks in placed]
        tops = [HEADER + sum(heights[:i]) for i in range(len(chunk))]
        bottom = HEADER + sum(heights)
        height = bottom + 4
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="portfolio-timeline" role="img" '
            f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'font-family="{_esc(FONT_STACK)}">',
            f"<title>{_esc(_plain(words['sections']['timeline']))}"
            + (f" ({number + 1}/{len(chunks)})" if len(chunks) > 1 else "")
            + "</title>",
            f'<rect x="0" y="0" width="{_n(width)}" height="{_n(HEADER)}" fill="{c["muted"]}"/>',
            f'<text x="{PAD}" y="19" font-size="{FONT}" font-weight="700" fill="{c["foreground"]}">'
            f"{_esc(_plain(words['col']['project']))}</text>",
        ]
        for i, q in enumerate(quarters):
            qx = left + quarter_width * i
            parts.append(
                f'<text x="{_n(qx + quarter_width / 2)}" y="19" font-size="{FONT}" font-weight="700" '
                f'text-anchor="middle" fill="{c["foreground"]}">{_esc(_plain(q["label"]))}</text>'
            )
        # Quarter boundaries strong, month boundaries faint.
        months = []
        for q in quarters:
            q_start = date.fromisoformat(q["start"])
            for k in range(3):
                month = date(q_start.year, q_start.month + k, 1)
                months.append((month, k == 0))
        faint = "".join(f"M{_n(x(m) - scale / 2)} {_n(HEADER)}V{_n(bottom)}" for m, first in months if not first)
        strong = "".join(f"M{_n(x(m) - scale / 2)} 0V{_n(bottom)}" for m, first in months if first)
        for index, top in enumerate(tops):
            if (number * MAX_ROWS + index) % 2:
                parts.append(
                    f'<rect x="0" y="{_n(top)}" width="{_n(width)}" height="{_n(heights[index])}" '
                    f'fill="{c["muted"]}" fill-opacity="0.45"/>'
                )
        parts.append(f'<path d="{faint}" stroke="#d5dbe1" stroke-width="0.6" fill="none"/>')
        parts.append(f'<path d="{strong}" stroke="{c["secondary"]}" stroke-width="0.8" fill="none"/>')
        parts.append(
            f'<line x1="0" y1="{_n(HEADER)}" x2="{_n(width)}" y2="{_n(HEADER)}" stroke="{c["secondary"]}" '
            f'stroke-width="0.8"/>'
        )
        for index, row in enumerate(chunk):
            parts += _row(row, placed[index], tops[index], label_w, c, words)
        if start <= as_of <= end:
            ax = x(as_of)
            parts.append(
                f'<line x1="{_n(ax)}" y1="{_n(HEADER)}" x2="{_n(ax)}" y2="{_n(bottom)}" stroke="{c["accent"]}" '
                f'stroke-width="1.4" stroke-dasharray="4 3"><title>{_esc(labels["status_view"]["today"])}'
                f"</title></line>"
            )
        parts.append("</svg>")
        out.append("".join(parts))
    return Markup("\n".join(out))


def _labels(row, x, width: float) -> list[tuple[dict, float, str, int]]:
    """Each milestone of ``row`` with its x, its name as written and its lane (0: beside it on the diamonds' line).

    A name goes beside its diamond when the next diamond leaves room, else on
    the first lane below where the name before it there has ended, else
    beside it cut short. Deterministic: milestones are taken left to right.
    """
    points = [m for cell in row["cells"] for m in cell["milestones"]]
    xs = [x(date.fromisoformat(m["date"])) for m in points]
    ends = [0.0] * MAX_LANES  # where each lane's last name ends
    out = []
    for k, (m, mx) in enumerate(zip(points, xs, strict=True)):
        name = _plain(m["name"])
        room = (xs[k + 1] if k + 1 < len(xs) else width - PAD) - mx - 12
        needed = text_width(name, SMALL)
        lane = 0
        if needed > room:
            free = [j for j in range(1, MAX_LANES) if ends[j] <= mx and mx + 4 + needed <= width - PAD]
            if free:
                lane = free[0]
                ends[lane] = mx + 4 + needed + 8
        out.append((m, mx, name if lane else _fit(name, room, SMALL), lane))
    return out


def _row(row, marks, top: float, label_w: float, c, words) -> list[str]:
    mid = top + ROW / 2
    title = _plain(row["title"])
    parts = [
        f'<text x="{PAD}" y="{_n(mid + 4)}" font-size="{FONT}" fill="{c["foreground"]}"><title>{_esc(title)}'
        f"</title>{_esc(_fit(title, label_w - PAD, FONT))}</text>"
    ]
    for m, mx, label, lane in marks:
        tip = _esc(f"{title}: {_plain(m['text'])}" + (f" · {_plain(words['go_live'])}" if m["go_live"] else ""))
        color = c["no_data"] if m["past"] else (c["critical"] if m["go_live"] else c["primary"])
        body = color if m["go_live"] else c["background"]
        if lane:  # a line from the diamond down to its name's lane
            parts.append(
                f'<line x1="{_n(mx)}" y1="{_n(mid + 6)}" x2="{_n(mx)}" y2="{_n(mid + LANE * lane + 4)}" '
                f'stroke="{color}" stroke-width="0.8"/>'
            )
        parts.append(
            f'<path d="M{_n(mx)} {_n(mid - 6)}L{_n(mx + 6)} {_n(mid)}L{_n(mx)} {_n(mid + 6)}L{_n(mx - 6)} {_n(mid)}Z" '
            f'fill="{body}" stroke="{color}" stroke-width="1.6"><title>{tip}</title></path>'
        )
        if label:
            lx = mx + 4 if lane else mx + 9
            parts.append(
                f'<text x="{_n(lx)}" y="{_n(mid + 3.5 + LANE * lane)}" font-size="{SMALL}" fill="{color}">'
                f"<title>{tip}</title>{_esc(label)}</text>"
            )
    return parts
