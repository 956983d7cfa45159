"""The status view: progress per phase weighted by duration, late tasks against an as-of day."""

from __future__ import annotations

from datetime import date

import yaml
from conftest import ROOT, SAMPLES

from outlookgen.model import build_outlook
from outlookgen.model.status import status_view
from outlookgen.spec.validate import load_valid

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"


def outlook_with(edit):
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["meta"]["date"] = data["meta"]["date"].isoformat()
    data["objectives"][0]["deadline"] = data["objectives"][0]["deadline"].isoformat()
    data["roadmap"]["start"] = "2026-03-02"  # a Monday: W1 = 2–8 March
    edit(data["roadmap"]["phases"][0]["tasks"])
    return build_outlook(data)


def test_progress_is_weighted_by_duration_and_skips_cancelled():
    def edit(tasks):
        tasks[0].update(status="done")  # 2 units at 100
        tasks[1].update(status="in_progress", progress=50)  # 3 units at 50
        tasks.append({"id": "T3", "name": "Dropped", "start": 1, "duration": 9, "status": "cancelled"})

    view = status_view(outlook_with(edit))
    [phase] = view.phases
    assert round(phase.percent, 6) == round((2 * 100 + 3 * 50) / 5, 6)
    assert (phase.done, phase.total) == (1, 2)
    assert round(view.overall, 6) == 70.0


def test_late_tasks_against_the_as_of_day():
    def edit(tasks):
        tasks[0].update(status="in_progress", progress=80)  # W1–W2, ends 15 March
        tasks[1].update(status="planned")  # W3–W5, starts 16 March

    outlook = outlook_with(edit)
    assert status_view(outlook, date(2026, 3, 15)).late == ()  # the last day of T1 is not late yet
    view = status_view(outlook, date(2026, 3, 20))
    assert [(x.task.id, x.reason, x.days) for x in view.late] == [("T1", "overdue", 5), ("T2", "not_started", 4)]
    assert view.unit == 3
    assert status_view(outlook, date(2026, 3, 2)).unit == 1


def test_blocked_tasks_are_always_listed_and_done_ones_never():
    def edit(tasks):
        tasks[0].update(status="done")
        tasks[1].update(status="blocked")

    view = status_view(outlook_with(edit), date(2027, 1, 1))
    assert [(x.task.id, x.reason) for x in view.late] == [("T2", "blocked")]


def test_as_of_defaults_to_the_version_date_not_today():
    outlook = build_outlook(load_valid(SAMPLES / "bi-platform.en.yaml").data)
    view = status_view(outlook)
    assert view.as_of == outlook.meta.date == date(2026, 7, 15)
    assert view.has_progress
    assert [p.phase.id for p in view.phases] == [p.id for p in outlook.roadmap.phases]
    assert view.phases[0].percent == 100.0


def test_without_dates_only_blocked_tasks_are_late():
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["meta"]["date"] = "2030-01-01"
    data["objectives"][0]["deadline"] = "2026-09-30"
    del data["roadmap"]["start"]
    view = status_view(build_outlook(data))
    assert view.unit is None
    assert view.late == ()
    assert not view.has_progress
