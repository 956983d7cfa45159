"""The Gantt chart as a native Word table: one column per planning unit, or per group of units when they do not fit.

Column rule: the unit columns share the width left after the task and
progress columns; a column is never narrower than :data:`MIN_COLUMN` (about
4 mm, two digits at 7 pt). When one column per unit does not fit, units are
grouped by the first step of the ladder that fits — days → weeks (7) → 4-week
months (28) → quarters (91) → years (364); weeks → 4-week months → quarters
(13) → years (52) — and doubled beyond that. A column is shaded when the
task occupies any unit in it.

Cells are shaded in the phase colour: the done share of a task (``progress``,
or all of it when ``status: done``) in the full colour, the rest in a light
tint; a critical task has a border in the critical colour above and below its
bar and ★ before its name; a milestone is a ◆ in the column of its unit;
cancelled tasks are hatched; buffer columns are grey. With a baseline, a
thin grey row under each task covers the columns the baseline had it in. A
legend above the table explains all of it.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from outlookgen.packs.labels import fill
from outlookgen.render import markup as m
from outlookgen.render.docx import ooxml as x

MIN_COLUMN = 230  # twips
EM = 140  # Gantt Text is 7 pt
LADDERS = {"week": (1, 4, 13, 52), "day": (1, 7, 28, 91, 364)}


def bucket_size(total: int, unit: str, max_columns: int) -> int:
    """Units per column so that ``total`` units fit in ``max_columns`` columns (the ladder above)."""
    max_columns = max(1, max_columns)
    for size in LADDERS.get(unit, (1,)):
        if math.ceil(total / size) <= max_columns:
            return size
    size = LADDERS.get(unit, (1,))[-1]
    while math.ceil(total / size) > max_columns:
        size *= 2
    return size


def gantt_parts(writer, width: int) -> tuple[str, str, str]:
    """The chart at ``width`` twips: (its legend paragraph, its table up to the caption, the rest of the table).

    The chart is the document's alone: nothing in it depends on where it
    stands but its width and the caption (:meth:`Writer.table_caption`, the
    heading above it), which goes between the two halves of the table.
    """
    road = writer.context["roadmap"]
    labels = writer.labels
    g = labels["docx"]["gantt"]
    unit = road["unit"]
    styles = writer.styles
    pal = writer.palette
    text_id = styles.id("paragraph", "Gantt Text")
    caption_id = styles.id("paragraph", "Caption")
    table_id = styles.id("table", "Gantt Table")
    critical = pal.resolve("critical") or "C62828"
    muted = pal.resolve("muted") or "EEF1F4"
    secondary = pal.resolve("secondary") or "5B6770"

    total = max(int(road["total"] or 0), int(road["end"] or 0), 1)
    end = max(int(road["end"] or 0), 1)
    names = [t["name"] for p in road["phases"] for t in p["tasks"]] + [
        mm["name"] for p in road["phases"] for mm in p["milestones"]
    ]
    need = max((x.text_extent(m.plain_text(m.parse_inline(n)))[1] for n in names), default=10) * EM + 400
    label_w = int(min(max(need, 2400), width * 0.34))
    statuses = [g["progress"]] + [
        t["progress_text"] or t["status_text"] for p in road["phases"] for t in p["tasks"] if t["status"] != "planned"
    ]
    progress_w = int(min(max(max(x.text_extent(s_)[1] for s_ in statuses) * EM * 1.1 + 120, 600), 1600))
    rest = width - label_w - progress_w
    size = bucket_size(total, unit, rest // MIN_COLUMN)
    ncols = math.ceil(total / size)
    col_w = rest // ncols
    label_w = width - progress_w - col_w * ncols
    buckets = [(1 + k * size, min(total, (k + 1) * size)) for k in range(ncols)]

    # -- legend -------------------------------------------------------------
    units = labels["units"][unit]
    scale = units["count_one"] if size == 1 else fill(units["count"], n=size)
    legend = [x.run(fill(g["scale"], count=scale) + "   ")]
    for i, phase in enumerate(road["phases"]):
        legend.append(x.run("■ ", x.rpr(colour=pal.phase(i))))
        legend.append(x.run(" ".join(m.plain_text(m.parse_inline(phase["name"])).split()) + "   "))
    grey = "7A848D"
    legend += [
        x.run("■", x.rpr(colour=grey)),
        x.run(f" {g['done']}  "),
        x.run("■", x.rpr(colour=_light("5B6770"))),
        x.run(f" {g['planned']}   "),
        x.run("★", x.rpr(colour=critical, bold=True)),
        x.run(f" {g['critical']}   "),
        x.run("◆", x.rpr(colour=secondary)),
        x.run(f" {g['milestone']}"),
    ]
    if road["buffer"]:
        legend += [x.run("   "), x.run("■", x.rpr(colour=muted)), x.run(f" {g['buffer']}")]
    ghost = pal.resolve("no_data") or "7A848D"  # the baseline: a thin grey row under each task
    if road.get("baseline"):
        legend += [x.run("   "), x.run("▬", x.rpr(colour=ghost)), x.run(f" {labels['baseline']['planned']}")]
    status = writer.context.get("status") or {}
    if status.get("unit") and 1 <= status["unit"] <= total:
        words = labels["status_view"]
        legend += [x.run("   "), x.run("▼", x.rpr(colour=pal.resolve("accent") or "1B7F79", bold=True))]
        legend.append(x.run(f" {words['today']} {status['as_of_text']}"))
    legend_paragraph = f"<w:p>{x.ppr(caption_id, keep_next=True)}{''.join(legend)}</w:p>"

    # -- cells ----------------------------------------------------------------
    empty_p = f'<w:p><w:pPr><w:pStyle w:val="{text_id}"/></w:pPr></w:p>'
    cache: dict[tuple, str] = {}

    def cell(fill: str | None = None, *, crit=False, hatch=False, text: str = "", colour: str | None = None) -> str:
        key = (fill, crit, hatch, text, colour)
        found = cache.get(key)
        if found is not None:
            return found
        props = []
        if crit:
            props.append(
                f'<w:tcBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="{critical}"/>'
                f'<w:bottom w:val="single" w:sz="12" w:space="0" w:color="{critical}"/></w:tcBorders>'
            )
        if hatch and fill:
            props.append(f'<w:shd w:val="diagStripe" w:color="{fill}" w:fill="FFFFFF"/>')
        elif fill:
            props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
        tcpr = f"<w:tcPr>{''.join(props)}</w:tcPr>" if props else ""
        if text:
            para = f"<w:p>{x.ppr(text_id, align='center')}{x.run(text, x.rpr(colour=colour, bold=True))}</w:p>"
        else:
            para = empty_p
        found = cache[key] = f"<w:tc>{tcpr}{para}</w:tc>"
        return found

    def label_cell(runs: str, fill: str | None = None) -> str:
        shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        tcpr = f"<w:tcPr>{shd}</w:tcPr>" if shd else ""
        return f"<w:tc>{tcpr}<w:p>{x.ppr(text_id)}{runs}</w:p></w:tc>"

    def name_runs(text: str, *, bold=False) -> str:
        return writer.inline_runs(text, bold=bold)

    blank = cell()
    rows: list[str] = []
    head_cells = [
        label_cell(x.run(g["task"])),
        f"<w:tc><w:p>{x.ppr(text_id, align='center')}{x.run(g['progress'])}</w:p></w:tc>",
    ]
    # One header row (it repeats on every page): unit numbers, and each column's
    # start date when the plan has one; turned upright when longer than a column.
    heads = [str(first) if first == last else f"{first}–{last}" for first, last in buckets]
    if road["start"]:
        start = date.fromisoformat(road["start"])
        step = 7 if unit == "week" else 1
        heads = [
            f"{h} · {_short_date(labels, g, start + timedelta(days=(b[0] - 1) * step))}"
            for h, b in zip(heads, buckets, strict=True)
        ]
    # Turned upright only when every head is Latin text and digits: Chinese turned on its side is
    # hard to read (LibreOffice turns it in every vertical direction), so such heads wrap instead.
    too_wide = any(x.text_extent(h)[1] * EM + 60 > col_w for h in heads)
    rotate = too_wide and not any(x.is_wide(ch) for h in heads for ch in h)
    # The status view's day: its column is marked (the Word table's "today" line).
    as_of_unit = (writer.context.get("status") or {}).get("unit")
    accent = pal.resolve("accent") or "1B7F79"
    for text, (first, last) in zip(heads, buckets, strict=True):
        if as_of_unit and first <= as_of_unit <= last:
            head_cells.append(_head_cell(text_id, f"▼ {text}", rotate, accent, stack=too_wide))
        else:
            head_cells.append(_head_cell(text_id, text, rotate, secondary if first > end else None, stack=too_wide))
    longest = max(x.text_extent(h)[1] for h in heads)
    height = f'<w:trHeight w:val="{int(longest * EM * 1.1 + 200)}"/>' if rotate else ""
    rows.append(f"<w:tr><w:trPr><w:cantSplit/>{height}<w:tblHeader/></w:trPr>{''.join(head_cells)}</w:tr>")

    def columns_of(first: int, last: int) -> range:
        """The chart's columns units ``first``..``last`` fall in (none outside the chart)."""
        lo = min(max(0, (first - 1) // size), ncols)
        return range(lo, max(lo, min(ncols, (last - 1) // size + 1)))

    for i, phase in enumerate(road["phases"]):
        colour = pal.phase(i)
        light = _light(colour)
        pale = _pale(colour)
        spans = [(t["first_unit"], t["last_unit"]) for t in phase["tasks"]] + [
            (mm["unit"], mm["unit"]) for mm in phase["milestones"]
        ]
        covered: set[int] = set()
        for first, last in spans:
            covered.update(columns_of(first, last))
        title = phase["name"] + (f" · {phase['stage_text']}" if phase.get("stage_text") else "")
        cells = [label_cell(name_runs(title, bold=True), pale), cell(pale)]
        cells += [cell(light if k in covered else None) for k in range(ncols)]
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")

        for task in phase["tasks"]:
            first, last = task["first_unit"], task["last_unit"]
            length = last - first + 1
            done_last = first + round(length * float(task["done_percent"]) / 100) - 1
            hatch = task["status"] == "cancelled"
            crit = bool(task["critical"])
            label = (x.run("★ ", x.rpr(colour=critical, bold=True)) if crit else "") + name_runs(task["name"])
            status = task["progress_text"] or (task["status_text"] if task["status"] != "planned" else "")
            cells = [
                label_cell(label),
                f"<w:tc><w:p>{x.ppr(text_id, align='center')}{x.run(status)}</w:p></w:tc>",
            ]
            # The columns before and after the bar are runs of one empty cell: a 2,000-task
            # chart has 70,000 of them, so they are repeated, not made one by one.
            span = columns_of(first, last)
            cells.append(blank * span.start)
            for k in span:
                lo = max(first, buckets[k][0])
                cells.append(cell(colour if lo <= done_last else light, crit=crit, hatch=hatch))
            cells.append(blank * (ncols - span.stop))
            rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
            if task.get("baseline_units"):
                rows.append(_ghost_row(blank, cell(ghost), columns_of(*task["baseline_units"]), ncols))

        for ms in phase["milestones"]:
            mark = critical if ms["critical"] else colour
            label = x.run("◆ ", x.rpr(colour=mark, bold=True)) + name_runs(ms["name"])
            at = (ms["unit"] - 1) // size
            cells = [label_cell(label), blank]
            if 0 <= at < ncols:
                cells += [blank * at, cell(text="◆", colour=mark), blank * (ncols - at - 1)]
            else:
                cells.append(blank * ncols)
            rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")

    if road["buffer"]:
        count = units["count_one"] if road["buffer"] == 1 else fill(units["count"], n=road["buffer"])
        label = x.run(f"{g['buffer']} ({count})", x.rpr(italic=True))
        cells = [label_cell(label), cell()]
        cells += [cell(muted, hatch=True) if b[1] > end else cell() for b in buckets]
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")

    grid = f'<w:gridCol w:w="{label_w}"/><w:gridCol w:w="{progress_w}"/>' + f'<w:gridCol w:w="{col_w}"/>' * ncols
    head = (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{table_id}"/><w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0620" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
    )
    return legend_paragraph, head, f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def _ghost_row(blank: str, bar: str, span: range, ncols: int) -> str:
    """A thin grey row under a task where the baseline had it (the HTML and Mermaid charts' ghost bar)."""
    cells = blank * (2 + span.start) + bar * len(span) + blank * (ncols - span.stop)
    return f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="80" w:hRule="exact"/></w:trPr>{cells}</w:tr>'


def _light(colour: str) -> str:
    from outlookgen.render.docx.styles import tint

    return tint(colour, 0.6)


def _pale(colour: str) -> str:
    from outlookgen.render.docx.styles import tint

    return tint(colour, 0.88)


def _head_cell(style: str, text: str, rotate: bool, fill: str | None, *, stack: bool = False) -> str:
    from outlookgen.render.docx.styles import text_on

    props = []
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    if rotate:
        props.append('<w:textDirection w:val="btLr"/>')
    props.append('<w:vAlign w:val="bottom"/>' if rotate else '<w:vAlign w:val="center"/>')
    # A head on its own fill (today's column, the buffer's) in black or white, whichever reads at
    # WCAG AA there: the style's header colour was chosen for the header fill, not this one.
    props_run = x.rpr(colour=text_on(fill)) if fill else ""
    runs = x.run(text, props_run)
    if stack and not rotate and " · " in text:  # too narrow for one line: the unit above its date
        runs = "<w:r><w:br/></w:r>".join(x.run(part, props_run) for part in text.split(" · "))
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p>{x.ppr(style, align='center')}{runs}</w:p></w:tc>"


def _short_date(labels, g, day: date) -> str:
    fmt = labels["format"]
    return fill(
        g["date"],
        day=day.day,
        month=fmt["months"][day.month - 1],
        month_short=fmt["months_short"][day.month - 1],
        month_number=day.month,
        year=day.year,
    )
