"""The PMO workbook (.xlsx): tasks with a Gantt of shaded cells, risks, KPIs, budget, calendar; and its task sheet read back.

Writing (:func:`workbook`, XlsxWriter)
    *Tasks*: one row per task and milestone in plan order, the columns of
    :mod:`.table` (and baseline start, finish and slip when the plan has a
    baseline), then one column per planning unit (grouped when there are
    more than :data:`MAX_GANTT_COLUMNS`): a cell is shaded in the phase's
    colour (the critical colour on the critical path) where the task runs, a
    milestone is a ◆, the baseline underlines the cells it covered, and
    non-working days are grey in day plans. Two frozen header rows, frozen
    id/phase/name columns, an autofilter, column widths, landscape print
    fitted to the page width with the headers repeated. *Risks*, *KPIs*,
    *Budget* (with a total formula) and, for a working calendar, *Calendar*
    follow; the last sheet, *outlookgen*, carries the rest of the outlook so
    the file imports back into the whole spec. Colours come from the pack's
    brand. Bytes are deterministic: the workbook's created date is
    ``meta.date``, nothing else varies.

Reading (:func:`read_task_sheet`, openpyxl)
    The first sheet whose header row (one of the first five rows) names at
    least an id or name column and start or duration; untrusted: the zip is
    checked for size, entry count and compression ratio before openpyxl
    opens it (defusedxml, when installed, guards the XML).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Any

from outlookgen.exchange.carried import MARKER, carried_text
from outlookgen.exchange.plan import ForeignLink, ForeignPlan, ForeignTask, working_day
from outlookgen.exchange.table import BASELINE_COLUMNS, COLUMNS, KINDS, column_keys, parse_links, predecessor_text
from outlookgen.model import Outlook
from outlookgen.model.status import task_progress

__all__ = ["MAX_GANTT_COLUMNS", "WorkbookProblem", "read_csv", "read_task_sheet", "workbook"]

MAX_GANTT_COLUMNS = 400
_HEX = re.compile(r"#([0-9a-fA-F]{3,8})")
SHEETS = {
    "tasks": ("Tasks", "任务"),
    "risks": ("Risks", "风险"),
    "kpis": ("KPIs", "关键绩效指标"),
    "budget": ("Budget", "预算"),
    "calendar": ("Calendar", "日历"),
    "carried": ("outlookgen", "outlookgen"),
}


def _name(key: str, locale: str) -> str:
    en, zh = SHEETS[key]
    return zh if locale.startswith("zh") else en


def _hex(color: str, fallback: str) -> str:
    """A brand colour as XlsxWriter takes it (#RRGGBB); CSS keywords fall back to a default."""
    match = _HEX.fullmatch(color or "")
    if match is None or len(match.group(1)) not in (3, 4, 6, 8):
        return fallback
    digits = match.group(1)
    if len(digits) in (3, 4):
        digits = "".join(ch * 2 for ch in digits[:3])
    return "#" + digits[:6].upper()


def _moment(day: date) -> datetime:
    return datetime.combine(day, time())


# --------------------------------------------------------------------------- writing


def workbook(
    outlook: Outlook,
    spec_data: Mapping[str, Any] | None,
    labels: Mapping[str, Any],
    colors: Mapping[str, str],
    phase_colors: tuple[str, ...],
    *,
    locale: str,
    plain: Callable[[str | None], str] = lambda text: text or "",
) -> bytes:
    """The workbook's bytes. ``plain`` turns spec text (inline Markdown) into a cell's text."""
    import xlsxwriter

    road = outlook.roadmap
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    created = _moment(outlook.meta.date or road.start or date(2000, 1, 1))
    book.set_properties(
        {
            "title": outlook.meta.title,
            "company": outlook.meta.organization,
            "author": outlook.meta.prepared_by[0].name if outlook.meta.prepared_by else "",
            "created": created,
            "comments": "Written by outlookgen",
        }
    )
    look = _Look(book, colors, phase_colors)
    _task_sheet(book, look, outlook, labels, locale, plain)
    _risk_sheet(book, look, outlook, labels, locale, plain)
    _kpi_sheet(book, look, outlook, labels, locale, plain)
    _budget_sheet(book, look, outlook, labels, locale, plain)
    if not road.calendar.plain:
        _calendar_sheet(book, look, outlook, locale)
    if spec_data is not None:
        _carried_sheet(book, look, spec_data, locale)
    book.close()
    return out.getvalue()


class _Look:
    """The workbook's formats, made once each (XlsxWriter wants few distinct formats)."""

    def __init__(self, book: Any, colors: Mapping[str, str], phase_colors: tuple[str, ...]) -> None:
        self.book = book
        self.primary = _hex(colors.get("primary", ""), "#1F3A5F")
        self.muted = _hex(colors.get("muted", ""), "#EEF1F4")
        self.critical = _hex(colors.get("critical", ""), "#C62828")
        self.secondary = _hex(colors.get("secondary", ""), "#5B6770")
        self.no_data = _hex(colors.get("no_data", ""), "#7A848D")
        self.levels = {
            "high": _hex(colors.get("risk_high", ""), "#F6C4BD"),
            "medium": _hex(colors.get("risk_medium", ""), "#FBE7B5"),
            "low": _hex(colors.get("risk_low", ""), "#D7EEDB"),
        }
        self.phases = tuple(_hex(c, "#2F6DB5") for c in phase_colors) or ("#2F6DB5",)
        self._cache: dict[tuple, Any] = {}
        self.title = book.add_format({"bold": True, "font_size": 13, "font_color": self.primary})
        self.header = book.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": self.primary,
                "border": 1,
                "border_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"bold": True})
        self.note = book.add_format({"italic": True, "font_color": self.secondary, "text_wrap": True})
        self.code = book.add_format({"font_name": "Consolas"})

    def cell(self, fill: str | None = None, *, baseline: bool = False, mark: str | None = None) -> Any:
        """A Gantt cell: shaded, underlined by the baseline, or holding a milestone mark."""
        key = (fill, baseline, mark)
        if key not in self._cache:
            spec: dict[str, Any] = {"align": "center", "valign": "vcenter"}
            if fill:
                spec.update({"bg_color": fill, "pattern": 1})
            if baseline:
                spec.update({"bottom": 5, "bottom_color": self.no_data})
            if mark:
                spec.update({"font_color": mark, "bold": True})
            self._cache[key] = self.book.add_format(spec)
        return self._cache[key]

    def day_header(self, working: bool) -> Any:
        key = ("day", working)
        if key not in self._cache:
            self._cache[key] = self.book.add_format(
                {
                    "bold": True,
                    "font_size": 8,
                    "align": "center",
                    "num_format": "m/d",
                    "bg_color": self.muted if working else "#D0D4D8",
                    "pattern": 1,
                    "border": 1,
                    "border_color": "#FFFFFF",
                }
            )
        return self._cache[key]

    def filled(self, color: str) -> Any:
        key = ("fill", color)
        if key not in self._cache:
            self._cache[key] = self.book.add_format(
                {"bg_color": color, "pattern": 1, "text_wrap": True, "valign": "top"}
            )
        return self._cache[key]


def _headers(sheet: Any, look: _Look, row: int, names: list[str], widths: list[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True)):
        sheet.write_string(row, col, name, look.header)
        sheet.set_column(col, col, width)


def _finish(sheet: Any, rows: int, columns: int, *, header_row: int = 1, freeze_columns: int = 0) -> None:
    sheet.freeze_panes(header_row + 1, freeze_columns)
    if rows:
        sheet.autofilter(header_row, 0, header_row + rows, columns - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_row)


def _text(sheet: Any, row: int, col: int, value: str | None, fmt: Any = None) -> None:
    if value:
        sheet.write_string(row, col, value, fmt)


def _day(sheet: Any, row: int, col: int, value: date | None, look: _Look) -> None:
    if value is not None:
        sheet.write_datetime(row, col, _moment(value), look.date)


def _buckets(outlook: Outlook) -> tuple[int, int]:
    """(calendar days per Gantt column, number of columns)."""
    road = outlook.roadmap
    days_per_unit = road.unit_days
    last = max(
        [road.total * days_per_unit, road.end_day, 1]
        + [t.baseline_end_day or 0 for t in road.tasks]
        + [m.baseline_day or 0 for m in road.milestones]
    )
    units = math.ceil(last / days_per_unit)
    group = max(1, math.ceil(units / MAX_GANTT_COLUMNS))
    width = days_per_unit * group
    return width, math.ceil(last / width)


def _task_sheet(book: Any, look: _Look, outlook: Outlook, labels: Mapping[str, Any], locale: str, plain) -> None:
    road = outlook.roadmap
    sheet = book.add_worksheet(_name("tasks", locale))
    columns = [*COLUMNS, *(BASELINE_COLUMNS if road.baseline is not None else ())]
    _headers(sheet, look, 1, [c.header(locale) for c in columns], [c.width for c in columns])
    sheet.merge_range(0, 0, 0, len(columns) - 1, plain(outlook.meta.title), look.title)
    sheet.set_row(1, 30)
    statuses = labels["value"]["task_status"]
    phase_names = {p.id: plain(p.name) for p in road.phases}
    phase_index = {p.id: i for i, p in enumerate(road.phases)}
    kind_word = {key: (zh if locale.startswith("zh") else en) for key, (en, zh) in KINDS.items()}
    first_gantt = len(columns)
    width, count = _buckets(outlook)
    working = working_day(road.calendar)
    origin = road.start
    for k in range(count):
        col = first_gantt + k
        sheet.set_column(col, col, 3.2 if width == 1 else 5.5)
        label = labels["units"][road.unit]["one"].replace("{n}", str(k * width // road.unit_days + 1))
        sheet.write_string(0, col, label if width > 1 or k % 7 == 0 or road.unit == "week" else "", look.bold)
        if origin is not None:
            day = date.fromordinal(origin.toordinal() + k * width)
            sheet.write_datetime(1, col, _moment(day), look.day_header(width > 1 or working(day)))
    row = 2
    for phase in road.phases:
        color = look.phases[phase_index[phase.id] % len(look.phases)]
        for task in phase.tasks:
            links = [(link.task.id, link.type, _lag(link), _lag_unit(link, road.unit)) for link in task.links]
            values = {
                "id": task.id,
                "phase": phase_names[phase.id],
                "name": plain(task.name),
                "kind": kind_word["task"],
                "owner": _owner(task.owner),
                "predecessors": predecessor_text(links),
                "status": statuses.get(task.status, task.status),
            }
            _row(sheet, look, row, columns, values, task, None)
            sheet.write_number(row, _index(columns, "duration"), task.work_days)
            sheet.write_number(row, _index(columns, "progress"), round(task_progress(task), 1))
            fill = look.critical if task.critical else (look.no_data if task.status == "cancelled" else color)
            for k in range(count):
                low, high = k * width, (k + 1) * width
                runs = task.begin_day < high and (task.end_day > low if not task.is_point else task.begin_day >= low)
                planned = (
                    task.baseline_begin_day is not None
                    and task.baseline_end_day is not None
                    and task.baseline_begin_day < high
                    and task.baseline_end_day > low
                )
                if task.is_point and runs:
                    sheet.write_string(row, first_gantt + k, "◇", look.cell(mark=fill, baseline=planned))
                elif runs or planned:
                    sheet.write_blank(row, first_gantt + k, None, look.cell(fill if runs else None, baseline=planned))
            row += 1
        for milestone in phase.milestones:
            links = [(link.task.id, link.type, _lag(link), _lag_unit(link, road.unit)) for link in milestone.links]
            values = {
                "id": milestone.id,
                "phase": phase_names[phase.id],
                "name": plain(milestone.name),
                "kind": kind_word["milestone"],
                "predecessors": predecessor_text(links),
            }
            _row(sheet, look, row, columns, values, None, milestone)
            sheet.write_number(row, _index(columns, "duration"), 0)
            mark = look.critical if milestone.critical else look.primary
            for k in range(count):
                low, high = k * width, (k + 1) * width
                planned = milestone.baseline_day is not None and low < milestone.baseline_day <= high
                if low < max(milestone.day, 1) <= high:
                    sheet.write_string(row, first_gantt + k, "◆", look.cell(mark=mark, baseline=planned))
                elif planned:
                    sheet.write_string(row, first_gantt + k, "◇", look.cell(mark=look.no_data, baseline=True))
            row += 1
    _finish(sheet, row - 2, len(columns), freeze_columns=3)
    sheet.set_row(0, 20)


def _index(columns: list[Any], key: str) -> int:
    return next(i for i, c in enumerate(columns) if c.key == key)


def _row(sheet: Any, look: _Look, row: int, columns: list[Any], values: Mapping[str, str], task, milestone) -> None:
    for col, column in enumerate(columns):
        if column.key in values:
            _text(sheet, row, col, values[column.key])
    if task is not None:
        dates = {
            "start": task.start_date,
            "finish": task.end_date,
            "actual_start": task.actual_start,
            "actual_finish": task.actual_finish,
            "baseline_start": task.baseline_start,
            "baseline_finish": task.baseline_end,
        }
        slip = task.slip_days
    else:
        dates = {"start": milestone.date, "finish": milestone.date, "baseline_finish": milestone.baseline_date}
        slip = milestone.slip_days
    for col, column in enumerate(columns):
        if column.key in dates:
            _day(sheet, row, col, dates[column.key], look)
        elif column.key == "slip" and slip is not None:
            sheet.write_number(row, col, slip)


def _lag(link: Any) -> int:
    if link.lag.endswith("w") and link.lag_days:
        return int(link.lag.rstrip("w").replace(" ", ""))
    return link.lag_days


def _lag_unit(link: Any, unit: str) -> str:
    return "w" if link.lag.endswith("w") and link.lag_days else "d"


def _owner(role: Any) -> str:
    if role is None:
        return ""
    return f"{role.title} ({role.name})" if role.name else role.title


def _risk_sheet(book: Any, look: _Look, outlook: Outlook, labels: Mapping[str, Any], locale: str, plain) -> None:
    col = labels["col"]
    value = labels["value"]
    sheet = book.add_worksheet(_name("risks", locale))
    names = [
        col["id"],
        col["risk"],
        col["category"],
        col["likelihood"],
        col["impact"],
        col["level"],
        col["owner"],
        col["trigger"],
        col["mitigation"],
        col["contingency"],
    ]
    _headers(sheet, look, 1, names, [10, 40, 14, 12, 12, 10, 22, 30, 40, 40])
    sheet.write_string(0, 0, labels["step3"]["risk_register"], look.title)
    for row, risk in enumerate(outlook.risks, start=2):
        cells = [
            risk.id,
            plain(risk.title),
            value["risk_category"].get(risk.category or "", risk.category or ""),
            value["level"].get(risk.likelihood or "", ""),
            value["level"].get(risk.impact or "", ""),
            value["level"].get(risk.level or "", ""),
            _owner(risk.owner),
            plain(risk.trigger),
            "\n".join(plain(m) for m in risk.mitigation),
            "\n".join(plain(c) for c in risk.contingency),
        ]
        for c, text in enumerate(cells):
            fmt = look.filled(look.levels[risk.level]) if c == 5 and risk.level in look.levels else look.wrap
            if text:
                sheet.write_string(row, c, text, fmt)
    _finish(sheet, len(outlook.risks), len(names), freeze_columns=2)


def _kpi_sheet(book: Any, look: _Look, outlook: Outlook, labels: Mapping[str, Any], locale: str, plain) -> None:
    col = labels["col"]
    sheet = book.add_worksheet(_name("kpis", locale))
    names = [
        col["id"],
        col["kpi"],
        col["baseline"],
        col["target"],
        col["frequency"],
        col["owner"],
        col["latest"],
        col["status"],
    ]
    _headers(sheet, look, 1, names, [10, 36, 14, 14, 12, 22, 16, 16])
    sheet.write_string(0, 0, labels["step4"]["kpis"], look.title)
    for row, kpi in enumerate(outlook.evaluation.kpis, start=2):
        latest = "" if kpi.latest is None else f"{_plain_value(kpi.latest.value)} ({kpi.latest.period})"
        cells = [
            kpi.id,
            plain(kpi.name),
            kpi.baseline or "",
            kpi.target.raw,
            labels["value"]["frequency"].get(kpi.frequency or "", kpi.frequency or ""),
            _owner(kpi.owner),
            latest,
            labels["kpi_status"].get(kpi.status, kpi.status),
        ]
        for c, text in enumerate(cells):
            if text:
                sheet.write_string(row, c, str(text), look.wrap)
    _finish(sheet, len(outlook.evaluation.kpis), len(names), freeze_columns=2)


def _plain_value(value: Any) -> str:
    source = getattr(value, "source", None)
    if source is not None:
        return source
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _budget_sheet(book: Any, look: _Look, outlook: Outlook, labels: Mapping[str, Any], locale: str, plain) -> None:
    budget = outlook.resources.budget
    col = labels["col"]
    sheet = book.add_worksheet(_name("budget", locale))
    names = [col["item"], col["category"], col["phase"], col["amount"], col["note"]]
    _headers(sheet, look, 1, names, [40, 14, 26, 16, 36])
    sheet.write_string(0, 0, labels["step3"]["budget"], look.title)
    if budget is None:
        _finish(sheet, 0, len(names))
        return
    money = book.add_format({"num_format": f'#,##0.00 "{budget.currency}"'})
    total_fmt = book.add_format({"num_format": f'#,##0.00 "{budget.currency}"', "bold": True, "top": 1})
    row = 2
    for item in budget.items:
        _text(sheet, row, 0, plain(item.name), look.wrap)
        _text(sheet, row, 1, labels["value"]["category"].get(item.category, item.category))
        _text(sheet, row, 2, plain(item.phase.name) if item.phase else labels["budget"]["unassigned"])
        sheet.write_number(row, 3, item.amount, money)
        _text(sheet, row, 4, plain(item.note), look.wrap)
        row += 1
    sheet.write_string(row, 0, col["total"], look.bold)
    if budget.items:
        sheet.write_formula(row, 3, f"=SUM(D3:D{row})", total_fmt, budget.total)
    else:
        sheet.write_number(row, 3, 0, total_fmt)
    _finish(sheet, len(budget.items), len(names))


def _calendar_sheet(book: Any, look: _Look, outlook: Outlook, locale: str) -> None:
    zh = locale.startswith("zh")
    sheet = book.add_worksheet(_name("calendar", locale))
    names = ["从", "至", "名称", "上班"] if zh else ["From", "To", "Name", "Working"]
    _headers(sheet, look, 1, names, [12, 12, 30, 10])
    calendar = outlook.roadmap.calendar
    sheet.write_string(0, 0, calendar.name or ("工作日历" if zh else "Working calendar"), look.title)
    for row, item in enumerate(calendar.exceptions, start=2):
        _day(sheet, row, 0, item.first, look)
        _day(sheet, row, 1, item.last, look)
        _text(sheet, row, 2, item.name)
        sheet.write_boolean(row, 3, item.working)
    _finish(sheet, len(calendar.exceptions), len(names))


def _carried_sheet(book: Any, look: _Look, spec_data: Mapping[str, Any], locale: str) -> None:
    sheet = book.add_worksheet(_name("carried", locale))
    sheet.set_column(0, 0, 120)
    note = (
        "以下是本展望中其余工作表未列出的内容（背景、目标、范围……），供 outlookgen import 还原完整规格；请勿编辑。"
        if locale.startswith("zh")
        else "The rest of this outlook (background, objectives, scope…) that the other sheets do not show, "
        "for outlookgen import to give the whole spec back; do not edit."
    )
    sheet.write_string(0, 0, note, look.note)
    for row, line in enumerate(carried_text(spec_data).splitlines(), start=2):
        if line:
            sheet.write_string(row, 0, line, look.code)


# --------------------------------------------------------------------------- reading


class WorkbookProblem(ValueError):
    """A workbook or CSV that cannot be read; ``row`` and ``column`` say where (1-based; 1 when unknown)."""

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.row = row
        self.column = column


MAX_UNZIPPED = 100 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200


def check_zip(raw: bytes) -> None:
    """Refuse a workbook that would unpack into too much (a zip bomb) before any library opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise WorkbookProblem("not an .xlsx workbook (not a zip file)") from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise WorkbookProblem(f"the workbook has {len(entries)} parts, more than {MAX_ENTRIES}")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNZIPPED:
        raise WorkbookProblem(f"the workbook unpacks to {total} bytes, more than {MAX_UNZIPPED}")
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO and entry.file_size > 1 << 20:
            raise WorkbookProblem(f"the part {entry.filename} is compressed {entry.file_size // entry.compress_size}:1")


def read_task_sheet(raw: bytes, source: str) -> ForeignPlan:
    """The plan on a workbook's task sheet (and the carried rest of an outlookgen export)."""
    check_zip(raw)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise WorkbookProblem(f"cannot read the workbook: {exc}") from None
    try:
        plan = ForeignPlan(source=source)
        found = None
        for sheet in book.worksheets:
            rows = list(sheet.iter_rows(min_row=1, max_row=5, values_only=True))
            for offset, cells in enumerate(rows):
                keys = column_keys(cells)
                if ("id" in keys.values() or "name" in keys.values()) and (
                    "start" in keys.values() or "duration" in keys.values()
                ):
                    found = (sheet, offset + 1, keys)
                    break
            if found:
                break
        if found is None:
            raise WorkbookProblem("no sheet has a task table (a header row with ID or Name, and Start or Duration)")
        sheet, header_row, keys = found
        title = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), (None,))[0]
        if header_row > 1 and isinstance(title, str):
            plan.title = title
        rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
        read_rows(plan, ({keys[i]: v for i, v in enumerate(r) if i in keys} for r in rows), first_row=header_row + 1)
        for other in book.worksheets:
            if other.title in SHEETS["carried"]:
                lines = [r[0] if r and isinstance(r[0], str) else "" for r in other.iter_rows(values_only=True)]
                text = "\n".join(lines)
                start = text.find(MARKER[:24])
                if start >= 0:
                    plan.carried = text[start:]
    finally:
        book.close()
    return plan


def read_csv(raw: bytes, source: str) -> ForeignPlan:
    """The plan in a CSV file with the task sheet's columns (UTF-8, UTF-8 with BOM or UTF-16 with BOM)."""
    import csv

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WorkbookProblem(f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(text.splitlines(), dialect))
    if not rows:
        raise WorkbookProblem("the CSV file is empty")
    keys = column_keys(rows[0])
    if "name" not in keys.values() and "id" not in keys.values():
        raise WorkbookProblem("the first row names no ID or Name column (see the task sheet's columns)")
    plan = ForeignPlan(source=source)
    read_rows(plan, ({keys[i]: v for i, v in enumerate(r) if i in keys} for r in rows[1:]), first_row=2)
    return plan


def read_rows(plan: ForeignPlan, rows: Any, *, first_row: int) -> None:
    """Task-sheet rows (column key → cell value) into ``plan``'s phases and tasks."""
    phases: dict[str, str] = {}
    for number, row in enumerate(rows, start=first_row):
        if not any(value not in (None, "") for value in row.values()):
            continue
        name = _cell_text(row.get("name"))
        ident = _cell_text(row.get("id"))
        if not name and not ident:
            continue
        phase = _cell_text(row.get("phase")) or ""
        if phase not in phases:
            phases[phase] = phase
            plan.phases.append((phase, phase or "Tasks", None))
        kind = _cell_text(row.get("kind")).lower()
        task = ForeignTask(key=ident or f"row{number}", name=name or ident, id=ident or None, phase=phase, line=number)
        task.milestone = kind in KINDS["milestone"]
        task.start = _cell_date(row.get("start"), number, "start")
        task.finish = _cell_date(row.get("finish"), number, "finish")
        task.actual_start = _cell_date(row.get("actual_start"), number, "actual start")
        task.actual_finish = _cell_date(row.get("actual_finish"), number, "actual finish")
        duration = row.get("duration")
        if duration not in (None, ""):
            task.work_days = _cell_int(duration, number, "duration")
        if not kind and task.work_days == 0:
            task.milestone = True  # no Type column: a zero duration is a milestone, as in MS Project
        if task.milestone:
            task.work_days = 0
        progress = row.get("progress")
        if progress not in (None, ""):
            task.progress = max(0.0, min(100.0, _cell_number(progress, number, "progress")))
        task.status = _cell_text(row.get("status")) or None
        owner = _cell_text(row.get("owner"))
        if owner:
            plan.resources.setdefault(owner, (owner, None))
            task.owner = owner
        links = parse_links(_cell_text(row.get("predecessors")))
        if links is None:
            raise WorkbookProblem(
                f"row {number}: predecessors '{_cell_text(row.get('predecessors'))}' are not ids with optional "
                "type and lag (T1, T2 SS+2d)",
                number,
            )
        task.links = [ForeignLink(pred, kind_, lag, unit) for pred, kind_, lag, unit in links]
        plan.tasks.append(task)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cell_date(value: Any, row: int, what: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise WorkbookProblem(f"row {row}: {what} '{text}' is not a date (YYYY-MM-DD)", row) from None


def _cell_number(value: Any, row: int, what: str) -> float:
    if isinstance(value, bool):
        raise WorkbookProblem(f"row {row}: {what} is not a number", row)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().rstrip("%").strip()
    try:
        return float(text)
    except ValueError:
        raise WorkbookProblem(f"row {row}: {what} '{value}' is not a number", row) from None


def _cell_int(value: Any, row: int, what: str) -> int:
    text = _cell_text(value).lower().rstrip("d").rstrip("天").strip()
    number = _cell_number(text, row, what)
    if number < 0 or not float(number).is_integer():
        raise WorkbookProblem(f"row {row}: {what} '{value}' is not a whole number of working days", row)
    return int(number)
