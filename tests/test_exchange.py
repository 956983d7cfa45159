"""MS Project XML and Excel: what the exports hold (read back by MPXJ and openpyxl), and imports that give valid specs."""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE_FILES
from test_calendar import BASE

from outlookgen.exchange.mspdi import read_mspdi, scheduled_day
from outlookgen.model import build_outlook
from outlookgen.spec.validate import load_valid

pytest.importorskip("xlsxwriter")
openpyxl = pytest.importorskip("openpyxl")

SAMPLE_IDS = [p.stem for p in SAMPLE_FILES]

# A plan on China's 2026 calendar with every link type and a lead: MPXJ must read the same
# types, lags and days off, and MS Project's own scheduling (MPXJ's emulation) must not move it.
TYPED_CN = {
    **BASE,
    "roadmap": {
        "start": "2026-02-02",
        "unit": "day",
        "calendar": {"name": "中国标准日历", "preset": "CN"},
        "phases": [
            {
                "id": "P1",
                "name": "准备",
                "tasks": [
                    {"id": "A", "name": "调研", "owner": "PM", "start": 1, "duration": 10},
                    {"id": "B", "name": "设计", "after": [{"id": "A", "type": "SS", "lag": "2d"}], "duration": "1w"},
                ],
            },
            {
                "id": "P2",
                "name": "实施",
                "tasks": [
                    {"id": "C", "name": "开发", "after": [{"id": "B", "type": "FF", "lag": "3d"}], "duration": 6},
                    {"id": "D", "name": "测试", "after": ["C"], "duration": 4},
                    {"id": "E", "name": "培训", "after": [{"id": "D", "type": "FS", "lag": "-1d"}], "duration": 2},
                    {"id": "F", "name": "切换", "after": [{"id": "E", "type": "SF", "lag": "2d"}], "duration": 1},
                ],
                "milestones": [{"id": "M1", "name": "上线", "after": ["D", "E"]}],
            },
        ],
    },
}
LINK_TYPES = {"FINISH_START": "FS", "START_START": "SS", "FINISH_FINISH": "FF", "START_FINISH": "SF"}


def export(cli, spec: Path, fmt: str, out: Path) -> Path:
    code, _stdout, stderr = cli("export", spec, "-f", fmt, "-o", out)
    assert code == 0, stderr
    assert out.is_file()
    return out


def typed_spec(folder: Path) -> Path:
    pytest.importorskip("chinese_calendar")
    spec = folder / "typed.yaml"
    spec.write_text(yaml.safe_dump(TYPED_CN, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return spec


def planned(spec: Path):
    """What the model scheduled: task id → (name, start, finish, links), milestone id → (name, date)."""
    outlook = build_outlook(load_valid(spec).data)
    tasks = {
        t.id: (t.name, t.start_date, t.end_date, sorted((k.task.id, k.type, k.lag_days) for k in t.links))
        for t in outlook.roadmap.tasks
    }
    milestones = {m.id: (m.name, m.date) for m in outlook.roadmap.milestones}
    return outlook, tasks, milestones


# -- MSPDI, read by MPXJ -----------------------------------------------------------------------


def mpxj_read(mpxj, path: Path):
    """What MPXJ reads: outlookgen id → (name, start, finish, [(predecessor id, type, lag days)], milestone, level)."""
    project = mpxj.JClass("org.mpxj.mspdi.MSPDIReader")().read(str(path))
    time_unit = mpxj.JClass("org.mpxj.TimeUnit")
    properties = project.getProjectProperties()
    rows = {}
    for task in project.getTasks():
        if int(task.getUniqueID()) == 0 or task.getSummary():
            continue
        ident = str(task.getText(1))
        links = []
        for relation in task.getPredecessors():
            lag = relation.getLag().convertUnits(time_unit.DAYS, properties).getDuration()
            links.append(
                (str(relation.getPredecessorTask().getText(1)), LINK_TYPES[str(relation.getType().name())], lag)
            )
        start = date.fromisoformat(str(task.getStart())[:10])
        finish = date.fromisoformat(str(task.getFinish())[:10])
        rows[ident] = (
            str(task.getName()),
            start,
            finish,
            sorted(links),
            bool(task.getMilestone()),
            int(task.getOutlineLevel()),
        )
    phases = [str(t.getName()) for t in project.getTasks() if t.getSummary() and int(t.getOutlineLevel()) == 1]
    return project, rows, phases


@pytest.mark.interop
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=SAMPLE_IDS)
def test_mpxj_reads_the_mspdi_export_of_a_sample_with_the_same_tasks_dates_and_links(sample, tmp_path, cli, mpxj):
    path = export(cli, sample, "mspdi", tmp_path / "plan.xml")
    outlook, tasks, milestones = planned(sample)
    project, rows, phases = mpxj_read(mpxj, path)
    assert phases == [p.name for p in outlook.roadmap.phases]  # the WBS: one summary task per phase
    for ident, (name, start, finish, links) in tasks.items():
        assert rows[ident] == (name, start, finish, [(i, t, float(d)) for i, t, d in links], False, 2), ident
    # A milestone is where the schedule has it: on the plain calendar (seven working days a week, as
    # written for MS Project) the end of its unit, where documents name that unit's last weekday.
    for m in outlook.roadmap.milestones:
        got = rows[m.id]
        assert (got[0], got[1], got[4], got[5]) == (m.name, scheduled_day(m, outlook.roadmap.start), True, 2), m.id
        assert 0 <= (got[1] - m.date).days <= 2
    assert set(rows) == set(tasks) | set(milestones)
    # Roles are the resources (by their code, the role id), each task's owner its assignment.
    codes = {str(r.getCode()) for r in project.getResources() if r.getCode() is not None}
    assert codes == {r.id for r in outlook.resources.roles}
    for task in project.getTasks():
        ident = str(task.getText(1))
        if ident not in tasks:
            continue
        owner = next(t.owner for t in outlook.roadmap.tasks if t.id == ident)
        assigned = [str(a.getResource().getCode()) for a in task.getResourceAssignments() if a.getResource()]
        assert assigned == ([owner.id] if owner else []), ident


@pytest.mark.interop
def test_mpxj_reads_link_types_leads_and_the_chinese_calendar_and_ms_projects_scheduling_agrees(tmp_path, cli, mpxj):
    spec = typed_spec(tmp_path)
    path = export(cli, spec, "mspdi", tmp_path / "typed.xml")
    _outlook, tasks, _milestones = planned(spec)
    project, rows, _phases = mpxj_read(mpxj, path)
    assert {k: rows[k][3] for k in tasks} == {
        "A": [],
        "B": [("A", "SS", 2.0)],
        "C": [("B", "FF", 3.0)],
        "D": [("C", "FS", 0.0)],
        "E": [("D", "FS", -1.0)],
        "F": [("E", "SF", 2.0)],
    }
    assert {k: rows[k][1:3] for k in tasks} == {k: v[1:3] for k, v in tasks.items()}
    local_date = mpxj.JClass("java.time.LocalDate")
    calendar = project.getDefaultCalendar()
    assert str(calendar.getName()) == "中国标准日历"
    working = {day: bool(calendar.isWorkingDate(local_date.of(2026, 2, day))) for day in (13, 14, 16, 23, 24, 28)}
    assert working == {13: True, 14: True, 16: False, 23: False, 24: True, 28: True}  # 春节 off, 调休 Saturdays worked

    # MPXJ's emulation of MS Project's scheduler, run on what it read, moves nothing.
    duration, unit = mpxj.JClass("org.mpxj.Duration"), mpxj.JClass("org.mpxj.TimeUnit")
    for task in project.getTasks():
        if not task.getSummary() and task.getActualDuration() is None:
            task.setActualDuration(duration.getInstance(0, unit.DAYS))
            task.setRemainingDuration(task.getDuration())
        for assignment in task.getResourceAssignments():
            if assignment.getActualWork() is None:
                assignment.setActualWork(duration.getInstance(0, unit.HOURS))
                assignment.setRemainingWork(assignment.getWork())
    mpxj.JClass("org.mpxj.cpm.MicrosoftScheduler")().schedule(project, project.getProjectProperties().getStartDate())
    rescheduled = mpxj_dates(project)
    assert {k: rescheduled[k] for k in tasks} == {k: rows[k][1:3] for k in tasks}


def mpxj_dates(project) -> dict[str, tuple[date, date]]:
    """Each task's first and last day as MPXJ has them now, by outlookgen id."""
    return {
        str(task.getText(1)): (
            date.fromisoformat(str(task.getStart())[:10]),
            date.fromisoformat(str(task.getFinish())[:10]),
        )
        for task in project.getTasks()
        if int(task.getUniqueID()) and not task.getSummary()
    }


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=SAMPLE_IDS)
def test_the_mspdi_export_is_the_same_bytes_every_time(sample, tmp_path, cli):
    first = export(cli, sample, "mspdi", tmp_path / "a.xml").read_bytes()
    second = export(cli, sample, "mspdi", tmp_path / "b.xml").read_bytes()
    assert first == second
    assert b'<Project xmlns="http://schemas.microsoft.com/project">' in first[:512]  # where readers sniff for it


# -- xlsx, read by openpyxl --------------------------------------------------------------------


# The task sheet's columns, in order (their headers are in the workbook's language); row 2 is the header.
COLUMNS = ("id", "phase", "name", "type", "owner", "start", "finish", "duration", "predecessors", "progress")


def task_rows(book) -> tuple[object, dict[str, dict]]:
    """The task sheet and its rows by id: each row's cells by column name, and ``row`` its number."""
    sheet = book.worksheets[0]
    rows = {}
    for r in range(3, sheet.max_row + 1):
        values = dict(zip(COLUMNS, (c.value for c in sheet[r]), strict=False))
        if values["id"]:
            rows[str(values["id"])] = {"row": r, **values}
    return sheet, rows


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=SAMPLE_IDS)
def test_openpyxl_reads_the_workbook_with_the_same_tasks_a_gantt_and_the_pmo_sheets(sample, tmp_path, cli):
    path = export(cli, sample, "xlsx", tmp_path / "plan.xlsx")
    outlook, tasks, milestones = planned(sample)
    book = openpyxl.load_workbook(path)
    assert len(book.worksheets) >= 4  # tasks, risks, KPIs, budget
    sheet, rows = task_rows(book)
    assert set(rows) == set(tasks) | set(milestones)
    for ident, (name, start, finish, _links) in tasks.items():
        row = rows[ident]
        assert (row["name"], row["start"], row["finish"]) == (name, midnight(start), midnight(finish)), ident
    for ident, (name, day) in milestones.items():
        assert (rows[ident]["name"], rows[ident]["finish"]) == (name, midnight(day)), ident
    # The Gantt is shaded cells: each task has a bar, the first task's over as many columns as its weeks.
    first = outlook.roadmap.tasks[0]
    bars = {
        ident: [
            c.column for c in sheet[row["row"]][len(COLUMNS) :] if c.fill is not None and c.fill.fill_type == "solid"
        ]
        for ident, row in rows.items()
        if ident in tasks
    }
    assert all(bars.values()), [k for k, v in bars.items() if not v]
    later = next(t for t in outlook.roadmap.tasks if t.start_date > first.end_date)
    assert min(bars[later.id]) > min(bars[first.id])  # a later task's bar starts further right
    assert sheet.freeze_panes is not None and sheet.auto_filter.ref.startswith("A2:")
    risks = " ".join(str(c.value) for row in book.worksheets[1].iter_rows() for c in row if c.value)
    assert all(r.title in risks for r in outlook.risks)
    kpis = " ".join(str(c.value) for row in book.worksheets[2].iter_rows() for c in row if c.value)
    assert all(k.name in kpis for k in outlook.evaluation.kpis)


# -- import: exported files back into specs that validate and build ----------------------------


@pytest.mark.parametrize("fmt", ["mspdi", "xlsx"])
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=SAMPLE_IDS)
def test_an_export_imports_to_a_spec_that_validates_builds_and_exports_the_same_plan(sample, fmt, tmp_path, cli):
    exported = export(cli, sample, fmt, tmp_path / ("plan.xml" if fmt == "mspdi" else "plan.xlsx"))
    spec = tmp_path / "imported.yaml"
    code, _out, err = cli("import", exported, "-o", spec)
    assert code == 0, err
    assert cli("validate", spec)[0] == 0
    code, _out, err = cli("build", spec, "-f", "md", "-o", tmp_path / "out")
    assert code == 0, err
    _outlook, tasks, milestones = planned(spec)
    _outlook, want_tasks, want_milestones = planned(sample)
    assert (tasks, milestones) == (want_tasks, want_milestones)
    again = export(cli, spec, "mspdi", tmp_path / "again.xml")
    first = export(cli, sample, "mspdi", tmp_path / "first.xml")
    assert plan_facts(again) == plan_facts(first)


def plan_facts(path: Path):
    plan = read_mspdi(path.read_bytes(), path.name)
    return [
        (t.id, t.name, t.start, t.finish, t.milestone, [(k.key, k.type, k.lag_days) for k in t.links])
        for t in plan.tasks
    ]


def test_a_typed_plan_round_trips_through_ms_project_xml_and_excel(tmp_path, cli):
    spec = typed_spec(tmp_path)
    _o, want_tasks, want_milestones = planned(spec)
    for fmt, name in (("mspdi", "typed.xml"), ("xlsx", "typed.xlsx")):
        exported = export(cli, spec, fmt, tmp_path / name)
        imported = tmp_path / f"back-{fmt}.yaml"
        code, _out, err = cli("import", exported, "-o", imported)
        assert code == 0, err
        _o, tasks, milestones = planned(imported)
        assert (tasks, milestones) == (want_tasks, want_milestones), fmt


def test_a_csv_task_sheet_imports_to_a_spec_that_names_what_to_fill_in(tmp_path, cli):
    table = io.StringIO()
    out = csv.writer(table)
    out.writerow(["ID", "Phase", "Name", "Owner", "Start", "Finish", "Duration", "Predecessors", "Progress"])
    out.writerow(["T1", "Design", "Blueprint", "Ann Lee", "2026-03-02", "2026-03-06", "5d", "", "100"])
    out.writerow(["T2", "Design", "Prototype", "Bo Chen", "2026-03-09", "2026-03-20", "10d", "T1", "40"])
    out.writerow(["T3", "Build", "Build", "Bo Chen", "2026-03-11", "2026-03-24", "10d", "T2 SS+2d", "0"])
    out.writerow(["M1", "Build", "Go-live", "", "2026-03-24", "2026-03-24", "0d", "T3", ""])
    source = tmp_path / "plan.csv"
    source.write_text(table.getvalue(), encoding="utf-8")
    spec = tmp_path / "plan.yaml"
    code, _out, err = cli("import", source, "-o", spec)
    assert code == 0, err
    text = spec.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    phases = data["roadmap"]["phases"]
    assert [p["name"] for p in phases] == ["Design", "Build"]
    assert {r["title"] for r in data["resources"]["roles"]} >= {"Ann Lee", "Bo Chen"}  # owners become roles
    build = {t["id"]: t for t in phases[1]["tasks"]}
    assert build["T3"]["after"] == [{"id": "T2", "type": "SS", "lag": "2d"}]
    assert phases[1]["milestones"][0]["id"] == "M1"
    code, _out, err = cli("validate", spec)
    assert code == 1
    for missing in ("background", "drivers", "objectives", "scope", "risks", "evaluation"):
        assert f"missing required key '{missing}'" in err  # validate names what the file lacked


FIXTURE = Path(__file__).parent / "data" / "exchange" / "wild_like.xml"


def test_a_file_ms_project_saved_imports_with_its_link_types_and_calendar(tmp_path, cli):
    spec = tmp_path / "wild.yaml"
    code, _out, err = cli("import", FIXTURE, "-o", spec)
    assert code == 0, err
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    calendar = data["roadmap"]["calendar"]
    assert calendar["holidays"] == [{"from": date(2026, 2, 15), "to": date(2026, 2, 23), "name": "春节"}]
    assert [w["date"] for w in calendar["workdays"]] == [date(2026, 2, 14), date(2026, 2, 28)]
    links = [t.get("after") for p in data["roadmap"]["phases"] for t in p["tasks"]]
    assert [{"id": "T2", "type": "SS", "lag": "2d"}] in links and [{"id": "T3", "type": "FF", "lag": "-1d"}] in links


@pytest.mark.parametrize(
    "content, words",
    [
        (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><Project>&a;</Project>', "DTD"),
        (b"<Project xmlns='http://schemas.microsoft.com/project'><Tasks><Task>", "line 1"),
        (b"PK\x03\x04not really a zip", "xlsx"),
    ],
    ids=["entity", "truncated", "fake-zip"],
)
def test_a_hostile_or_broken_file_is_a_located_error_not_a_traceback(content, words, tmp_path, cli):
    source = tmp_path / ("plan.xlsx" if content.startswith(b"PK") else "plan.xml")
    source.write_bytes(content)
    code, _out, err = cli("import", source, "-o", tmp_path / "plan.yaml")
    assert code == 1
    assert err.startswith(str(source)) and "error" in err, err
    assert not (tmp_path / "plan.yaml").exists()


# -- --update: progress flows back, comments and order stay ------------------------------------


def test_update_takes_progress_from_the_edited_workbook_and_keeps_the_specs_comments(tmp_path, cli):
    sample = next(p for p in SAMPLE_FILES if p.name.startswith("erp"))
    spec = tmp_path / "plan.yaml"
    spec.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    before = spec.read_text(encoding="utf-8")
    workbook = export(cli, spec, "xlsx", tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(workbook)
    _sheet, rows = task_rows(book)
    book.worksheets[0].cell(row=rows["p2.masterdata"]["row"], column=COLUMNS.index("progress") + 1).value = 60
    book.save(workbook)
    code, out, err = cli("import", workbook, "--update", spec)
    assert code == 0, err
    assert "p2.masterdata" in out
    after = spec.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and [line for line in after.splitlines() if line.lstrip().startswith("#")] == comments
    data = yaml.safe_load(after)
    task = next(t for p in data["roadmap"]["phases"] for t in p["tasks"] if t["id"] == "p2.masterdata")
    assert task["progress"] == 60
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["+          status: in_progress", "+          progress: 60"]  # nothing else moved
    assert "p2.masterdata: progress" in out and "→ 60" in out  # and it said what changed


def test_hostile_names_stay_text_in_both_exports(tmp_path, cli):
    names = ['=HYPERLINK("http://example.com/x","click")', "<Task>&amp; ]]> 调研", "+SUM(A1:A9)", "@cmd|' /c calc'!A0"]
    data = yaml.safe_load(yaml.safe_dump(TYPED_CN, allow_unicode=True))
    data["roadmap"].pop("calendar")
    tasks = [t for p in data["roadmap"]["phases"] for t in p["tasks"]]
    for task, name in zip(tasks, names, strict=False):
        task["name"] = name
    spec = tmp_path / "hostile.yaml"
    spec.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = read_mspdi(export(cli, spec, "mspdi", tmp_path / "h.xml").read_bytes(), "h.xml")
    assert [t.name for t in plan.tasks[: len(names)]] == names
    book = openpyxl.load_workbook(export(cli, spec, "xlsx", tmp_path / "h.xlsx"))
    _sheet, rows = task_rows(book)
    cells = [book.worksheets[0].cell(row=rows[t["id"]]["row"], column=3) for t in tasks[: len(names)]]
    assert [(c.value, c.data_type) for c in cells] == [(n, "s") for n in names]  # text, never a formula


def test_update_takes_progress_from_an_ms_project_file_too(tmp_path, cli):
    sample = next(p for p in SAMPLE_FILES if p.name.startswith("erp"))
    spec = tmp_path / "plan.yaml"
    spec.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    xml = export(cli, spec, "mspdi", tmp_path / "plan.xml")
    text = xml.read_text(encoding="utf-8")
    at = text.index("<Value>p2.masterdata</Value>")
    task = text.rfind("<Task>", 0, at)
    head, body = text[:task], text[task:at]
    assert "<PercentComplete>0</PercentComplete>" in body
    body = body.replace("<PercentComplete>0</PercentComplete>", "<PercentComplete>35</PercentComplete>", 1)
    xml.write_text(head + body + text[at:], encoding="utf-8")
    code, out, err = cli("import", xml, "--update", spec)
    assert code == 0, err
    assert "p2.masterdata: progress — → 35" in out
    task = next(
        t
        for p in yaml.safe_load(spec.read_text(encoding="utf-8"))["roadmap"]["phases"]
        for t in p["tasks"]
        if t["id"] == "p2.masterdata"
    )
    assert (task["progress"], task["status"]) == (35, "in_progress")


def test_a_zip_bomb_is_refused_before_any_library_unpacks_it(tmp_path, cli):
    source = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))  # 8 MiB of zeros: about 1000:1
    code, _out, err = cli("import", source, "-o", tmp_path / "plan.yaml")
    assert code == 1
    assert err.startswith(f"{source}:1:1: error:") and "compressed" in err, err


def test_an_export_needs_dates_and_says_where(tmp_path, cli):
    data = yaml.safe_load(yaml.safe_dump(TYPED_CN, allow_unicode=True))
    data["roadmap"].pop("start")
    data["roadmap"].pop("calendar")
    data["roadmap"]["phases"][0]["tasks"][0]["start"] = 1
    spec = tmp_path / "plan.yaml"
    spec.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    code, _out, err = cli("export", spec, "-f", "mspdi", "-o", tmp_path / "plan.xml")
    assert code == 1
    assert err.startswith(f"{spec}:") and "roadmap: an export needs dates: set roadmap.start" in err
    assert not (tmp_path / "plan.xml").exists()


def test_the_workbook_without_the_exchange_extra_says_what_to_install(tmp_path, cli, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xlsxwriter" else real(name, *a))
    sample = SAMPLE_FILES[0]
    code, _out, err = cli("export", sample, "-f", "xlsx", "-o", tmp_path / "plan.xlsx")
    assert code == 1
    assert "pip install 'outlookgen[exchange]'" in err
