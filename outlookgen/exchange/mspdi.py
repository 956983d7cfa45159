"""MS Project XML (MSPDI): an outlook written for MS Project, and an MSPDI file read back as a :class:`ForeignPlan`.

Writing (:func:`mspdi`)
    Task 0 is the project summary (as Project writes it); each phase is a
    summary task (WBS ``1``, ``2`` …) over its tasks and milestones (``1.1``
    …). Durations, link types and lags are in working time of the plan's
    calendar (8 h days, 08:00–12:00 and 13:00–17:00); a ``start`` lower bound
    is a *start no earlier than* constraint; a milestone given ``at`` a time
    is pinned the same way. Roles are work resources, a task's owner its
    assignment. The calendar carries its working weekdays and every named
    day off and extra working day of the years the plan touches, in both the
    Project 2003 and 2007+ forms. Outlook ids ride in the custom field Text1
    ("outlookgen id"), the task status in Text2, the baseline in Baseline 0,
    and the rest of the outlook in the notes of task 0, so an import gives
    the whole spec back. Element order follows both the mspdi_pj15 schema and
    what Project itself writes. Bytes are deterministic: no clock (the
    creation date is ``meta.date``), no GUIDs.

    A plan without ``roadmap.calendar`` counts every day (format 1): it is
    written with a seven-day working week, so Project shows the same dates.

Reading (:func:`read_mspdi`)
    Files saved by Project 2002–2019 and by other tools: null tasks and task 0
    skipped, phases from the outline (level-1 summary tasks), links with types
    and lags (``LinkLag`` in tenths of a minute, the unit from ``LagFormat``),
    constraints and manual tasks kept as fixed starts, the calendar's
    exceptions (the 2007+ ``Exceptions`` form when present, else the 2003
    ``WeekDay DayType 0`` form). The file is untrusted: bounded in size,
    parsed with entities off, no DTD, no network; a DOCTYPE is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from outlookgen.exchange.carried import MARKER, carried_text
from outlookgen.exchange.plan import ForeignCalendar, ForeignLink, ForeignPlan, ForeignTask, working_day
from outlookgen.model import Milestone, Outlook, Phase, Task
from outlookgen.model.status import task_progress
from outlookgen.untrusted_xml import RefusedXml, parse_untrusted

__all__ = ["MspdiProblem", "mspdi", "read_mspdi", "scheduled_day"]

NS = "http://schemas.microsoft.com/project"
MINUTES_PER_DAY = 480
LINK_TYPE = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
LINK_NAME = {code: name for name, code in LINK_TYPE.items()}
FORMAT_DAYS, FORMAT_WEEKS = 7, 9
CONSTRAINT_SNET = 4
TEXT1, TEXT2 = 188743731, 188743734  # Task Text1 / Text2 field ids
_FIELDS = ((TEXT1, "Text1", "outlookgen id"), (TEXT2, "Text2", "outlookgen status"))
_SHIFTS = (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00"))
_START, _FINISH = "T08:00:00", "T17:00:00"


# --------------------------------------------------------------------------- writing


class _Xml:
    """A tiny deterministic XML writer: elements in the order written, text escaped, two-space indent."""

    def __init__(self) -> None:
        self.lines: list[str] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']
        self.depth = 0

    def open(self, tag: str, attrs: str = "") -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}{attrs}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append(f"{'  ' * self.depth}</{tag}>")

    def leaf(self, tag: str, value: Any) -> None:
        if value is None:
            return
        self.lines.append(f"{'  ' * self.depth}<{tag}>{_escape(_text(value))}</{tag}>")

    def text(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _duration(days: int) -> str:
    return f"PT{days * MINUTES_PER_DAY // 60}H0M0S"


def _at(day: date, time: str) -> str:
    return day.isoformat() + time


class _Rows:
    """The task rows in outline order, with their UIDs and outline numbers."""

    def __init__(self, outlook: Outlook) -> None:
        self.rows: list[tuple[int, str, Any]] = []  # (uid, outline number, Phase | Task | Milestone)
        self.uid_of: dict[str, int] = {}
        uid = 0
        for p_number, phase in enumerate(outlook.roadmap.phases, start=1):
            uid += 1
            self.rows.append((uid, str(p_number), phase))
            for c_number, item in enumerate((*phase.tasks, *phase.milestones), start=1):
                uid += 1
                self.rows.append((uid, f"{p_number}.{c_number}", item))
                self.uid_of[item.id] = uid


def mspdi(outlook: Outlook, spec_data: Mapping[str, Any] | None = None) -> bytes:
    """MS Project XML for a dated outlook (``roadmap.start`` set), byte-identical for the same outlook."""
    road = outlook.roadmap
    if road.start is None:
        raise ValueError("an MS Project export needs roadmap.start")
    calendar = road.calendar
    working = working_day(calendar)
    week_days = calendar.week_days
    rows = _Rows(outlook)
    first = road.start
    last = max([first, road.end_date or first, *(t.end_date for t in road.tasks if t.end_date)])
    created = (outlook.meta.date or first).isoformat() + "T09:00:00"

    x = _Xml()
    x.open("Project", f' xmlns="{NS}"')  # within the first 512 bytes: MPXJ sniffs the format there
    x.leaf("SaveVersion", 14)
    x.leaf("Name", outlook.meta.title)
    x.leaf("Title", outlook.meta.title)
    x.leaf("Company", outlook.meta.organization)
    x.leaf("Author", outlook.meta.prepared_by[0].name if outlook.meta.prepared_by else None)
    x.leaf("CreationDate", created)
    x.leaf("LastSaved", created)
    x.leaf("ScheduleFromStart", 1)
    x.leaf("StartDate", _at(first, _START))
    x.leaf("FinishDate", _at(last, _FINISH))
    x.leaf("CalendarUID", 1)
    x.leaf("DefaultStartTime", "08:00:00")
    x.leaf("DefaultFinishTime", "17:00:00")
    x.leaf("MinutesPerDay", MINUTES_PER_DAY)
    x.leaf("MinutesPerWeek", MINUTES_PER_DAY * week_days)
    x.leaf("DaysPerMonth", 20)
    x.leaf("DurationFormat", FORMAT_DAYS)
    x.leaf("WorkFormat", 2)
    x.leaf("WeekStartDay", 1)
    x.leaf("NewTasksAreManual", 0)
    x.open("ExtendedAttributes")
    for field_id, name, alias in _FIELDS:
        x.open("ExtendedAttribute")
        x.leaf("FieldID", field_id)
        x.leaf("FieldName", name)
        x.leaf("Alias", alias)
        x.close("ExtendedAttribute")
    x.close("ExtendedAttributes")
    _calendar(x, outlook, first, last)
    x.open("Tasks")
    _summary(
        x, 0, "0", 0, outlook.meta.title, first, last, working, notes=carried_text(spec_data) if spec_data else None
    )
    for uid, number, item in rows.rows:
        if isinstance(item, Phase):
            start = item.start_date or first
            finish = item.end_date or start
            _summary(x, uid, number, 1, item.name, start, finish, working, ident=item.id)
        elif isinstance(item, Task):
            _task(x, uid, number, item, rows.uid_of, road.unit, week_days, first)
        else:
            _milestone(x, uid, number, item, rows.uid_of, first)
    x.close("Tasks")
    roles = outlook.resources.roles
    x.open("Resources")
    for index, role in enumerate(roles, start=1):
        x.open("Resource")
        x.leaf("UID", index)
        x.leaf("ID", index)
        x.leaf("Name", role.title if not role.name else f"{role.title} ({role.name})")
        x.leaf("Type", 1)
        x.leaf("IsNull", 0)
        x.leaf("Initials", role.id)
        x.leaf("Code", role.id)
        x.leaf("MaxUnits", f"{(role.allocation if role.allocation is not None else 100) / 100:.2f}")
        x.close("Resource")
    x.close("Resources")
    resource_uid = {role.id: index for index, role in enumerate(roles, start=1)}
    x.open("Assignments")
    assignment = 0
    for uid, _number, item in rows.rows:
        if isinstance(item, Task) and item.owner is not None and item.start_date and item.end_date:
            assignment += 1
            x.open("Assignment")
            x.leaf("UID", assignment)
            x.leaf("TaskUID", uid)
            x.leaf("ResourceUID", resource_uid[item.owner.id])
            x.leaf("PercentWorkComplete", round(task_progress(item)))
            x.leaf("Finish", _at(item.end_date, _FINISH if not item.is_point else _START))
            x.leaf("Start", _at(item.start_date, _START))
            x.leaf("Units", 1)
            x.leaf("Work", _duration(item.work_days))
            x.close("Assignment")
    x.close("Assignments")
    x.close("Project")
    return x.text()


def _working_times(x: _Xml) -> None:
    x.open("WorkingTimes")
    for begin, end in _SHIFTS:
        x.open("WorkingTime")
        x.leaf("FromTime", begin)
        x.leaf("ToTime", end)
        x.close("WorkingTime")
    x.close("WorkingTimes")


def _calendar(x: _Xml, outlook: Outlook, first: date, last: date) -> None:
    calendar = outlook.roadmap.calendar
    x.open("Calendars")
    x.open("Calendar")
    x.leaf("UID", 1)
    x.leaf("Name", calendar.name or ("Standard" if not calendar.plain else "Every day"))
    x.leaf("IsBaseCalendar", 1)
    x.leaf("IsBaselineCalendar", 0)
    x.leaf("BaseCalendarUID", -1)
    x.open("WeekDays")
    weekdays = set(calendar.weekdays)
    for day_type in range(1, 8):  # 1 Sunday … 7 Saturday
        x.open("WeekDay")
        x.leaf("DayType", day_type)
        working = (day_type + 5) % 7 in weekdays  # DayType 2 (Monday) is weekday 0
        x.leaf("DayWorking", int(working))
        if working:
            _working_times(x)
        x.close("WeekDay")
    for item in calendar.exceptions:  # the Project 2003 form, which Project 2007+ still writes
        x.open("WeekDay")
        x.leaf("DayType", 0)
        x.leaf("DayWorking", int(item.working))
        x.open("TimePeriod")
        x.leaf("FromDate", _at(item.first, "T00:00:00"))
        x.leaf("ToDate", _at(item.last, "T23:59:00"))
        x.close("TimePeriod")
        if item.working:
            _working_times(x)
        x.close("WeekDay")
    x.close("WeekDays")
    if calendar.exceptions:
        x.open("Exceptions")
        for item in calendar.exceptions:
            x.open("Exception")
            x.leaf("EnteredByOccurrences", 0)
            x.open("TimePeriod")
            x.leaf("FromDate", _at(item.first, "T00:00:00"))
            x.leaf("ToDate", _at(item.last, "T23:59:00"))
            x.close("TimePeriod")
            x.leaf("Occurrences", 1)
            x.leaf("Name", item.name or ("Working day" if item.working else "Holiday"))
            x.leaf("Type", 1)
            x.leaf("DayWorking", int(item.working))
            if item.working:
                _working_times(x)
            x.close("Exception")
        x.close("Exceptions")
    x.close("Calendar")
    x.close("Calendars")


def _head(x: _Xml, uid: int, name: str, number: str, level: int) -> None:
    x.open("Task")
    x.leaf("UID", uid)
    x.leaf("ID", uid)
    x.leaf("Name", name)
    x.leaf("Active", 1)
    x.leaf("Manual", 0)
    x.leaf("IsNull", 0)
    x.leaf("WBS", number)
    x.leaf("OutlineNumber", number)
    x.leaf("OutlineLevel", level)


def _ident(x: _Xml, ident: str | None, status: str | None = None) -> None:
    for field_id, value in ((TEXT1, ident), (TEXT2, status)):
        if value is None:
            continue
        x.open("ExtendedAttribute")
        x.leaf("FieldID", field_id)
        x.leaf("Value", value)
        x.close("ExtendedAttribute")


def _summary(
    x: _Xml,
    uid: int,
    number: str,
    level: int,
    name: str,
    start: date,
    finish: date,
    working: Callable[[date], bool],
    *,
    ident: str | None = None,
    notes: str | None = None,
) -> None:
    _head(x, uid, name, number, level)
    days = sum(1 for i in range((finish - start).days + 1) if working(start + timedelta(days=i)))
    x.leaf("Start", _at(start, _START))
    x.leaf("Finish", _at(finish, _FINISH))
    x.leaf("Duration", _duration(days))
    x.leaf("DurationFormat", FORMAT_DAYS)
    x.leaf("Estimated", 0)
    x.leaf("Milestone", 0)
    x.leaf("Summary", 1)
    x.leaf("ConstraintType", 0)
    x.leaf("Notes", notes)
    _ident(x, ident)
    x.close("Task")


def _links(x: _Xml, links: Iterable[Any], uid_of: Mapping[str, int], unit: str, week_days: int) -> None:
    for link in links:
        x.open("PredecessorLink")
        x.leaf("PredecessorUID", uid_of[link.task.id])
        x.leaf("Type", LINK_TYPE[link.type])
        x.leaf("CrossProject", 0)
        x.leaf("LinkLag", link.lag_days * MINUTES_PER_DAY * 10)  # tenths of a minute
        in_weeks = link.lag.endswith("w") or (link.lag and link.lag[-1].isdigit() and unit == "week")
        weeks = in_weeks and link.lag_days % week_days == 0
        x.leaf("LagFormat", FORMAT_WEEKS if weeks else FORMAT_DAYS)
        x.close("PredecessorLink")


def _task(
    x: _Xml, uid: int, number: str, task: Task, uid_of: Mapping[str, int], unit: str, week_days: int, first: date
) -> None:
    _head(x, uid, task.name, number, 2)
    start = task.start_date or first
    finish = task.end_date or start
    x.leaf("Start", _at(start, _START))
    x.leaf("Finish", _at(finish, _START if task.is_point else _FINISH))
    x.leaf("Duration", _duration(task.work_days))
    in_weeks = task.duration_unit == "w" or (task.duration_unit == "" and unit == "week")
    weeks = in_weeks and task.work_days and task.work_days % week_days == 0
    x.leaf("DurationFormat", FORMAT_WEEKS if weeks else FORMAT_DAYS)
    x.leaf("Estimated", 0)
    x.leaf("Milestone", 0)
    x.leaf("Summary", 0)
    x.leaf("Critical", int(task.critical))
    x.leaf("TotalSlack", task.float_days * MINUTES_PER_DAY * 10)
    x.leaf("PercentComplete", round(task_progress(task)))
    if task.actual_start is not None:
        x.leaf("ActualStart", _at(task.actual_start, _START))
    if task.actual_finish is not None:
        x.leaf("ActualFinish", _at(task.actual_finish, _FINISH))
    bound = task.start_bound
    if bound is not None and (task.links or bound > first) and task.actual_start is None:
        x.leaf("ConstraintType", CONSTRAINT_SNET)
        x.leaf("ConstraintDate", _at(bound, _START))
    else:
        x.leaf("ConstraintType", 0)
    _links(x, task.links, uid_of, unit, week_days)
    _ident(x, task.id, task.status)
    if task.baseline_start is not None and task.baseline_end is not None:
        x.open("Baseline")
        x.leaf("Number", 0)
        x.leaf("Start", _at(task.baseline_start, _START))
        x.leaf("Finish", _at(task.baseline_end, _START if task.is_point else _FINISH))
        x.close("Baseline")
    x.close("Task")


def _milestone(x: _Xml, uid: int, number: str, milestone: Milestone, uid_of: Mapping[str, int], first: date) -> None:
    _head(x, uid, milestone.name, number, 2)
    day = scheduled_day(milestone, first)
    x.leaf("Start", _at(day, _FINISH))
    x.leaf("Finish", _at(day, _FINISH))
    x.leaf("Duration", _duration(0))
    x.leaf("DurationFormat", FORMAT_DAYS)
    x.leaf("Estimated", 0)
    x.leaf("Milestone", 1)
    x.leaf("Summary", 0)
    x.leaf("Critical", int(milestone.critical))
    if milestone.links:
        x.leaf("ConstraintType", 0)
    else:  # `at`: a fixed point in the plan, held there as Project holds a date
        x.leaf("ConstraintType", CONSTRAINT_SNET)
        x.leaf("ConstraintDate", _at(day, _FINISH))
    x.leaf("Notes", milestone.description)
    _links(x, milestone.links, uid_of, "day", 1)
    _ident(x, milestone.id)
    if milestone.baseline_date is not None:
        x.open("Baseline")
        x.leaf("Number", 0)
        x.leaf("Start", _at(milestone.baseline_date, _FINISH))
        x.leaf("Finish", _at(milestone.baseline_date, _FINISH))
        x.close("Baseline")
    x.close("Task")


def scheduled_day(milestone: Milestone, first: date) -> date:
    """The day a milestone is scheduled at: the end of its last linked day.

    The same as ``milestone.date`` but on the plain calendar, where documents
    name the last weekday of the unit (a Friday) while the schedule — and MS
    Project, with a seven-day week — has the milestone at its task's end.
    """
    return first + timedelta(days=milestone.day - 1) if milestone.day > 0 else first


# --------------------------------------------------------------------------- reading


class MspdiProblem(ValueError):
    """An MSPDI file that cannot be read; ``line`` is where (1 when unknown)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


_ISO_DURATION = re.compile(
    r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
# DurationFormat / LagFormat → unit; 35–52 are the estimated ("?") forms of 3–20.
_FORMATS = {3: "m", 4: "em", 5: "h", 6: "eh", 7: "d", 8: "ed", 9: "w", 10: "ew", 11: "mo", 12: "emo", 19: "%"}
_FORMATS.update({code + 32: unit for code, unit in list(_FORMATS.items())})
_FORMATS.update({20: "%", 52: "%", 53: "d"})
_FIXED_START = {"2", "3", "4", "5", "6", "7"}  # must start/finish on, start/finish no earlier/later than


def _parse(raw: bytes) -> Any:
    try:
        root = parse_untrusted(raw, "MS Project")
    except RefusedXml as exc:
        raise MspdiProblem(str(exc), exc.line, exc.column) from None
    if root.tag != f"{{{NS}}}Project":
        raise MspdiProblem(f"not MS Project XML: the root element is {root.tag!r}, not Project", root.sourceline or 1)
    return root


def _child(element: Any, tag: str) -> Any:
    return element.find(f"{{{NS}}}{tag}")


def _value(element: Any, tag: str, default: str | None = None) -> str | None:
    found = _child(element, tag)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def _int(element: Any, tag: str, default: int = 0) -> int:
    text = _value(element, tag)
    try:
        return int(float(text)) if text is not None else default
    except ValueError:
        raise MspdiProblem(f"{tag} is not a number: {text!r}", element.sourceline or 1) from None


def _moment(text: str | None, line: int = 1) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise MspdiProblem(f"not a date: {text!r}", line) from None


def _day(text: str | None, line: int = 1) -> date | None:
    moment = _moment(text, line)
    return None if moment is None else moment.date()


def _last_day(start: datetime | None, finish: datetime | None, day_starts: str) -> date | None:
    """The last day a task works: a finish at the very start of a day (08:00) ends the day before."""
    if finish is None:
        return None
    if start is not None and finish > start and finish.time().isoformat() <= day_starts:
        return finish.date() - timedelta(days=1)
    return finish.date()


def _minutes(text: str | None, line: int = 1) -> float | None:
    if not text:
        return None
    match = _ISO_DURATION.match(text.strip())
    if match is None:
        raise MspdiProblem(f"not a duration: {text!r}", line)
    sign, years, months, days, hours, minutes, seconds = match.groups()
    total = (
        float(years or 0) * 525600
        + float(months or 0) * 43200
        + float(days or 0) * 1440
        + float(hours or 0) * 60
        + float(minutes or 0)
        + float(seconds or 0) / 60
    )
    return -total if sign else total


def read_mspdi(raw: bytes, source: str) -> ForeignPlan:
    """The plan in an MSPDI file's bytes (bounded by the caller); :class:`MspdiProblem` when it cannot be read."""
    root = _parse(raw)
    minutes_per_day = _int(root, "MinutesPerDay", MINUTES_PER_DAY) or MINUTES_PER_DAY
    minutes_per_week = _int(root, "MinutesPerWeek", minutes_per_day * 5) or minutes_per_day * 5
    day_starts = _value(root, "DefaultStartTime", "08:00:00") or "08:00:00"
    plan = ForeignPlan(
        source=source,
        title=_value(root, "Title") or _value(root, "Name"),
        organization=_value(root, "Company"),
        author=_value(root, "Author"),
        start=_day(_value(root, "StartDate")),
        status_date=_day(_value(root, "StatusDate")) or _day(_value(root, "LastSaved")),
    )
    plan.calendar = _read_calendar(root, _value(root, "CalendarUID"))
    fields = _read_fields(root)
    resources = _child(root, "Resources")
    for resource in resources if resources is not None else ():
        if not isinstance(resource.tag, str):
            continue
        uid = _value(resource, "UID")
        name = _value(resource, "Name")
        if uid is None or uid == "0" or not name:  # resource 0 is Project's hidden "unassigned"
            continue
        plan.resources[uid] = (name, _value(resource, "Code"))
    owners: dict[str, str] = {}
    assignments = _child(root, "Assignments")
    for assignment in assignments if assignments is not None else ():
        if not isinstance(assignment.tag, str):
            continue
        task_uid, resource_uid = _value(assignment, "TaskUID"), _value(assignment, "ResourceUID")
        if task_uid and resource_uid in plan.resources:
            owners.setdefault(task_uid, resource_uid)
    tasks = _child(root, "Tasks")
    stack: list[tuple[int, str]] = []  # (outline level, uid) of the open summary tasks
    for element in tasks if tasks is not None else ():
        if not isinstance(element.tag, str):
            continue
        line = element.sourceline or 1
        if _value(element, "IsNull") == "1":
            continue  # a blank row in Project
        uid = _value(element, "UID")
        level = _int(element, "OutlineLevel", 1)
        if uid is None or level == 0:
            notes = _value(element, "Notes") if level == 0 else None
            if notes and notes.startswith(MARKER[:24]):
                plan.carried = notes
            continue
        name = _value(element, "Name") or f"Task {uid}"
        own = _extended(element, fields)
        while stack and stack[-1][0] >= level:
            stack.pop()
        if _value(element, "Summary") == "1":
            if level == 1:
                plan.phases.append((uid, name, own.get("Text1")))
            stack.append((level, uid))
            continue
        phase = next((key for lvl, key in stack if lvl == 1), None)
        plan.tasks.append(
            _read_task(element, day_starts, uid, name, own, phase, owners, minutes_per_day, minutes_per_week, line)
        )
    return plan


def _read_fields(root: Any) -> dict[str, str]:
    """Custom field ids → their names (Text1 …), from the project's ExtendedAttributes."""
    out = {str(TEXT1): "Text1", str(TEXT2): "Text2"}
    attributes = _child(root, "ExtendedAttributes")
    for attribute in attributes if attributes is not None else ():
        if not isinstance(attribute.tag, str):
            continue
        field_id, name = _value(attribute, "FieldID"), _value(attribute, "FieldName")
        if field_id and name:
            out[field_id] = name
    return out


def _extended(element: Any, fields: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for attribute in element.findall(f"{{{NS}}}ExtendedAttribute"):
        name = fields.get(_value(attribute, "FieldID") or "")
        value = _value(attribute, "Value")
        if name and value:
            out[name] = value
    return out


def _read_task(
    element: Any,
    day_starts: str,
    uid: str,
    name: str,
    own: Mapping[str, str],
    phase: str | None,
    owners: Mapping[str, str],
    minutes_per_day: int,
    minutes_per_week: int,
    line: int,
) -> ForeignTask:
    duration = _minutes(_value(element, "Duration"), line)
    milestone = _value(element, "Milestone") == "1"
    start = _moment(_value(element, "Start"), line)
    finish = _moment(_value(element, "Finish"), line)
    work_days = None if duration is None else round(duration / minutes_per_day)
    duration_format = _int(element, "DurationFormat", 7)
    task = ForeignTask(
        key=uid,
        name=name,
        id=own.get("Text1"),
        phase=phase,
        milestone=milestone,
        start=None if start is None else start.date(),
        finish=finish.date() if milestone or finish is None else _last_day(start, finish, day_starts),
        work_days=0 if milestone else work_days,
        duration_unit="w" if _FORMATS.get(duration_format) == "w" else "d",
        owner=owners.get(uid),
        status=own.get("Text2"),
        actual_start=_day(_value(element, "ActualStart"), line),
        actual_finish=_day(_value(element, "ActualFinish"), line),
        line=line,
    )
    percent = _value(element, "PercentComplete")
    if percent is not None:
        try:
            task.progress = max(0.0, min(100.0, float(percent)))
        except ValueError:
            raise MspdiProblem(f"PercentComplete is not a number: {percent!r}", line) from None
    constraint = _value(element, "ConstraintType", "0")
    if _value(element, "Manual") == "1":
        task.fixed_start = task.start
        task.notes.append("scheduled manually in MS Project: its start is kept as a fixed date")
    elif constraint in _FIXED_START:
        task.fixed_start = _day(_value(element, "ConstraintDate"), line) or task.start
    if _value(element, "Active") == "0":
        task.status = "cancelled"
        task.notes.append("inactive in MS Project: imported as cancelled")
    for link in element.findall(f"{{{NS}}}PredecessorLink"):
        if _value(link, "CrossProject") == "1":
            task.notes.append("a link to another project was left out")
            continue
        predecessor = _value(link, "PredecessorUID")
        if predecessor is None:
            continue
        lag_format = _FORMATS.get(_int(link, "LagFormat", 7), "d")
        lag_minutes = _int(link, "LinkLag", 0) / 10
        if lag_format == "%":
            task.notes.append(f"a lag in percent on the link to {predecessor} was left out")
            lag_days, unit = 0, "d"
        else:
            per_day = 1440 if lag_format.startswith("e") else minutes_per_day
            lag_days = round(lag_minutes / per_day)
            unit = "w" if lag_format in ("w", "ew") else "d"
            if lag_format.startswith("e"):
                task.notes.append(f"an elapsed lag on the link to {predecessor} became {lag_days} working days")
        kind = LINK_NAME.get(_int(link, "Type", 1), "FS")
        task.links.append(ForeignLink(predecessor, kind, lag_days, unit))
    del minutes_per_week  # weeks come from the plan's calendar on import
    return task


def _read_calendar(root: Any, uid: str | None) -> ForeignCalendar:
    calendars = _child(root, "Calendars")
    chosen = None
    for calendar in calendars if calendars is not None else ():
        if not isinstance(calendar.tag, str):
            continue
        if chosen is None or _value(calendar, "UID") == uid:
            chosen = calendar
    if chosen is None:
        return ForeignCalendar()
    out = ForeignCalendar(name=_value(chosen, "Name"))
    weekdays = set(out.weekdays)
    legacy: list[tuple[date, date, str | None, bool]] = []
    week = _child(chosen, "WeekDays")
    for day in week if week is not None else ():
        if not isinstance(day.tag, str):
            continue
        kind = _int(day, "DayType", 0)
        working = _value(day, "DayWorking") == "1"
        if 1 <= kind <= 7:
            weekday = (kind + 5) % 7
            (weekdays.add if working else weekdays.discard)(weekday)
        elif kind == 0:
            period = _child(day, "TimePeriod")
            if period is not None:
                first, last = _day(_value(period, "FromDate")), _day(_value(period, "ToDate"))
                if first and last:
                    legacy.append((first, last, None, working))
    out.weekdays = tuple(sorted(weekdays))
    exceptions = _child(chosen, "Exceptions")
    found: list[tuple[date, date, str | None, bool]] = []
    if exceptions is not None:
        for exception in exceptions:
            if not isinstance(exception.tag, str):
                continue
            kind, period_count = _int(exception, "Type", 1), _int(exception, "Period", 1)
            if kind not in (1, 7) or period_count != 1:
                continue  # a recurring exception (every year, every month…): outside what a spec lists
            period = _child(exception, "TimePeriod")
            if period is None:
                continue
            first, last = _day(_value(period, "FromDate")), _day(_value(period, "ToDate"))
            if first and last:
                found.append((first, last, _value(exception, "Name"), _value(exception, "DayWorking") == "1"))
    for first, last, name, working in found if exceptions is not None else legacy:
        (out.workdays if working else out.holidays).append((first, last, name))
    return out
