"""Working calendars: weekdays, holidays and 调休 make-up days move dates; presets, overrides and their errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from outlookgen.model import build_outlook
from outlookgen.model.calendar import PlanProblem
from outlookgen.project.pipeline import load_outlook
from outlookgen.spec.loader import load_text
from outlookgen.spec.validate import validate

pytest.importorskip("chinese_calendar")

BASE = {
    "outlook": 1,
    "meta": {"title": "Calendar", "organization": "Org", "date": "2026-02-02", "locale": "zh-CN"},
    "background": {"current_state": "now", "challenges": ["c"]},
    "drivers": [{"id": "D1", "pain_point": "p"}],
    "objectives": [{"id": "O1", "statement": "s", "metric": "m", "target": "≤ 2%", "deadline": "2026-12-31"}],
    "scope": {"included": [{"id": "S1", "name": "n"}]},
    "resources": {"roles": [{"id": "PM", "title": "PM"}]},
    "risks": [{"id": "R1", "title": "t"}],
    "evaluation": {"kpis": [{"id": "K1", "name": "k", "target": "≤ 2%"}]},
}


def spec_text(roadmap: dict) -> str:
    return yaml.safe_dump({**BASE, "roadmap": roadmap}, allow_unicode=True, sort_keys=False)


def outlook_of(roadmap: dict):
    spec = load_text(spec_text(roadmap), "plan.yaml")
    assert validate(spec) == []
    return build_outlook(spec.data)


def dates(outlook) -> dict[str, tuple[date, date]]:
    return {t.id: (t.start_date, t.end_date) for t in outlook.roadmap.tasks}


def phase(*tasks: dict, milestones: tuple = ()) -> dict:
    out = {"id": "P1", "name": "Pilot", "tasks": list(tasks)}
    if milestones:
        out["milestones"] = list(milestones)
    return out


# -- China 2026: the Spring Festival week, and the two make-up Saturdays -----------------------


def test_spring_festival_2026_moves_every_date_as_the_state_council_published_it():
    # Worked out by hand from the 2026 arrangement: 2026-02-15..23 off (春节), Saturdays
    # 02-14 and 02-28 worked (调休上班). Mon 02-09 + 5 working days ends Fri 02-13; the
    # next working day is the make-up Saturday 02-14; after it, nothing until Tue 02-24.
    road = {
        "start": "2026-02-09",
        "calendar": {"preset": "CN"},
        "phases": [
            phase(
                {"id": "T1", "name": "调研", "start": 1, "duration": "5d"},
                {"id": "T2", "name": "设计", "after": ["T1"], "duration": "2d"},
                {"id": "T3", "name": "编码", "after": ["T2"], "duration": "5d"},
            )
        ],
    }
    got = dates(outlook_of(road))
    assert got["T1"] == (date(2026, 2, 9), date(2026, 2, 13))
    assert got["T2"] == (date(2026, 2, 14), date(2026, 2, 24))  # Sat 02-14 worked, then Tue 02-24
    # 02-25, 26, 27, Sat 02-28 (make-up day), Mon 03-02
    assert got["T3"] == (date(2026, 2, 25), date(2026, 3, 2))


def test_the_same_plan_on_the_plain_calendar_ignores_holidays():
    road = {
        "start": "2026-02-09",
        "phases": [
            phase(
                {"id": "T1", "name": "a", "start": 1, "duration": "5d"},
                {"id": "T2", "name": "b", "after": ["T1"], "duration": "2d"},
            )
        ],
    }
    got = dates(outlook_of(road))
    assert got["T1"] == (date(2026, 2, 9), date(2026, 2, 13))
    assert got["T2"] == (date(2026, 2, 14), date(2026, 2, 15))  # every day counts, weekends and 春节 too


def test_a_week_of_work_is_five_working_days_and_spans_the_holiday():
    road = {
        "start": "2026-02-09",
        "unit": "week",
        "calendar": {"preset": "CN"},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 2})],
    }
    # 02-09..13 (5), Sat 02-14 (6), then 02-24..27 (10): two weeks of work end on Fri 02-27.
    assert dates(outlook_of(road))["T1"] == (date(2026, 2, 9), date(2026, 2, 27))


def test_dates_in_the_spec_override_the_preset():
    road = {
        "start": "2026-02-09",
        "calendar": {
            "preset": "CN",
            "workdays": [{"from": "2026-02-16", "to": "2026-02-17", "name": "on-site cutover"}],
            "holidays": ["2026-02-14"],  # the firm gives the make-up Saturday off
        },
        "phases": [
            phase(
                {"id": "T1", "name": "a", "start": 1, "duration": "5d"},
                {"id": "T2", "name": "b", "after": ["T1"], "duration": "2d"},
            )
        ],
    }
    assert dates(outlook_of(road))["T2"] == (date(2026, 2, 16), date(2026, 2, 17))


def test_own_weekdays_and_holidays_without_a_preset():
    road = {
        "start": "2026-03-02",
        "unit": "day",
        "calendar": {"weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"], "holidays": ["2026-03-04"]},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 6})],
    }
    outlook = outlook_of(road)
    # Mon 03-02, Tue, (Wed off), Thu, Fri, Sat 03-07, (Sun), Mon 03-09
    assert dates(outlook)["T1"] == (date(2026, 3, 2), date(2026, 3, 9))
    assert outlook.roadmap.calendar.week_days == 6


def test_the_exported_calendar_lists_the_preset_days_of_the_plans_years():
    road = {
        "start": "2026-02-09",
        "calendar": {"preset": "CN"},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 3})],
    }
    cal = outlook_of(road).roadmap.calendar
    off = {(e.first, e.last) for e in cal.exceptions if not e.working}
    worked = {e.first for e in cal.exceptions if e.working}
    assert (date(2026, 2, 15), date(2026, 2, 23)) in off
    assert {date(2026, 2, 14), date(2026, 2, 28)} <= worked
    assert not cal.notes


# -- years the library does not know -----------------------------------------------------------


def test_a_year_no_library_has_published_is_a_build_warning_at_the_preset(tmp_path: Path, cli):
    road = {
        "start": "2039-12-05",
        "calendar": {"preset": "CN"},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 8})],
    }
    spec = tmp_path / "plan.yaml"
    spec.write_text(spec_text(road), encoding="utf-8")
    code, _out, err = cli("build", spec, "-f", "md", "-o", tmp_path / "out")
    assert code == 0, err
    lines = [line for line in err.splitlines() if "warning" in line]
    assert len(lines) == 2, err  # 2039 and 2040
    assert all(line.startswith(f"{spec}:") and "roadmap.calendar.preset" in line for line in lines)
    assert "2040" in lines[1] and "调休" in lines[1]
    text = (tmp_path / "out" / "plan.md").read_text(encoding="utf-8")
    assert "2039, 2040" in text or "2039、2040" in text or "2039，2040" in text  # the document says so too


def test_a_preset_without_the_calendars_extra_is_a_located_error(tmp_path: Path, monkeypatch):
    import sys

    for module in ("chinese_calendar", "holidays"):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    road = {
        "start": "2026-02-09",
        "calendar": {"preset": "CN"},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 3})],
    }
    spec = tmp_path / "plan.yaml"
    spec.write_text(spec_text(road), encoding="utf-8")
    from outlookgen.errors import SpecError

    with pytest.raises(SpecError) as caught:
        load_outlook(spec)
    line = caught.value.diagnostics[0].format()
    assert "roadmap.calendar.preset" in line and "pip install 'outlookgen[calendars]'" in line


def test_an_unknown_country_is_a_located_error(tmp_path: Path):
    pytest.importorskip("holidays")
    road = {
        "start": "2026-02-09",
        "calendar": {"preset": "XQ"},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 3})],
    }
    with pytest.raises(PlanProblem) as caught:
        outlook_of(road)
    assert caught.value.path == ("roadmap", "calendar", "preset")
    assert "'XQ' is not a country" in caught.value.message


# -- what validation refuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "path", "words"),
    [
        (
            {"holidays": [{"from": "2026-05-05", "to": "2026-05-01"}]},
            "roadmap.calendar.holidays[0]",
            "ends (2026-05-01) before",
        ),
        (
            {"holidays": ["2026-05-01"], "workdays": ["2026-05-01"]},
            "roadmap.calendar.workdays[0]",
            "both as a working day",
        ),
        ({"holidays": [{"from": "2026-05-01"}]}, "roadmap.calendar.holidays[0]", "'from' and 'to'"),
        ({"weekdays": []}, "roadmap.calendar.weekdays", "must not be empty"),
        ({"weekdays": ["mon", "funday"]}, "roadmap.calendar.weekdays[1]", "is not one of"),
        ({"preset": "China"}, "roadmap.calendar.preset", "not a country code"),
    ],
)
def test_calendar_mistakes_are_located(calendar, path, words):
    road = {
        "start": "2026-03-02",
        "calendar": calendar,
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 1})],
    }
    problems = validate(load_text(spec_text(road), "plan.yaml"))
    assert any(p.path == path and words in p.message for p in problems), [p.format() for p in problems]


def test_a_calendar_needs_a_first_day():
    road = {"calendar": {}, "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 1})]}
    problems = validate(load_text(spec_text(road), "plan.yaml"))
    assert [p.path for p in problems] == ["roadmap.calendar"]
    assert "needs roadmap.start" in problems[0].message


def test_a_calendar_without_any_working_day_is_an_error_not_a_hang():
    road = {
        "start": "2026-03-02",
        "calendar": {"holidays": [{"from": "2026-01-01", "to": "2029-12-31"}]},
        "phases": [phase({"id": "T1", "name": "a", "start": 1, "duration": 1})],
    }
    with pytest.raises(PlanProblem) as caught:
        outlook_of(road)
    assert "no working day" in caught.value.message


# -- other countries, and what the documents say ------------------------------------------------


def test_another_countrys_holidays_come_from_the_holidays_library():
    pytest.importorskip("holidays")
    road = {
        "start": "2026-03-30",
        "calendar": {"preset": "DE"},
        "phases": [phase({"id": "T1", "name": "a", "start": "2026-04-02", "duration": "3d"})],
    }
    # Thu 04-02, then Good Friday 04-03, the weekend and Easter Monday 04-06 off: Tue 04-07, Wed 04-08.
    assert dates(outlook_of(road))["T1"] == (date(2026, 4, 2), date(2026, 4, 8))


def test_the_documents_name_the_days_off_and_the_make_up_days_inside_the_plan(tmp_path: Path, cli):
    road = {
        "start": "2026-02-09",
        "calendar": {"name": "中国标准日历", "preset": "CN"},
        "phases": [phase({"id": "T1", "name": "调研", "start": 1, "duration": "12d"})],
    }
    spec = tmp_path / "plan.yaml"
    spec.write_text(spec_text(road), encoding="utf-8")
    code, _out, err = cli("build", spec, "-f", "md,html", "-o", tmp_path / "out")
    assert code == 0, err
    for name in ("plan.md", "plan.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "中国标准日历。日期按工作日历计算：周一至周五工作，采用CN法定节假日及调休；每周工作5天。" in text
        assert "休息日：春节（2026年2月15日至2026年2月23日）" in text
        assert "调休上班：春节（2026年2月14日）、春节（2026年2月28日）" in text
        assert "清明" not in text  # after the plan: not listed
