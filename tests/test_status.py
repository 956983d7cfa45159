"""The status view: progress per phase weighted by duration, late tasks against an as-of day."""

from __future__ import annotations

import re
from datetime import date

import pytest
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


# --------------------------------------------------------------------------- issue 15: --as-of outside the plan


def test_before_the_plan_starts_progress_is_zero_and_nothing_is_late():
    def edit(tasks):
        tasks[0].update(status="done")
        tasks[1].update(status="blocked", progress=40)

    outlook = outlook_with(edit)
    before = status_view(outlook, date(2026, 1, 15))
    assert before.overall == 0.0
    assert [(p.percent, p.done, p.total) for p in before.phases] == [(0.0, 0, 2)]
    assert before.late == ()
    assert before.has_progress  # the view is shown, saying 0 %, not hidden
    first_day = status_view(outlook, date(2026, 3, 2))  # the plan's first day is inside it
    assert first_day.overall > 0 and [x.task.id for x in first_day.late] == ["T2"]


def test_the_plan_span_includes_the_buffer():
    from outlookgen.model.status import outside_plan, plan_span

    outlook = outlook_with(lambda tasks: None)
    span = plan_span(outlook)
    assert (span.start, span.end) == (date(2026, 3, 2), date(2026, 4, 12))  # 5 weeks of tasks + 1 buffer week
    assert [outside_plan(outlook, d) for d in (date(2026, 3, 1), span.start, span.end, date(2026, 4, 13))] == [
        "before",
        None,
        None,
        "after",
    ]


@pytest.mark.parametrize(
    ("as_of", "says"),
    [
        ("2025-01-01", "--as-of 2025-01-01 is before the plan starts"),
        ("2031-01-01", "--as-of 2031-01-01 is after the plan ends"),
    ],
)
def test_build_warns_when_as_of_is_outside_the_plan(tmp_path, cli, as_of, says):
    spec = tmp_path / "plan.yaml"
    spec.write_text(
        (SAMPLES / "bi-platform.en.yaml").read_text(encoding="utf-8").replace("bi-platform", "plan"), encoding="utf-8"
    )
    line = spec.read_text(encoding="utf-8").splitlines().index("  start: 2026-02-02") + 1
    code, out, err = cli("build", spec, "-f", "md", "--as-of", as_of, "-o", tmp_path / "out")
    assert code == 0, err
    assert err == (
        f"{spec}:{line}:10: warning: roadmap.start: {says} (the plan runs from 2026-02-02 to 2026-09-13);"
        f" progress shows {'0%' if 'before' in says else 'the last report'}\n"
    )
    assert out == f"wrote {tmp_path / 'out' / 'plan.md'}\n"
    document = (tmp_path / "out" / "plan.md").read_text(encoding="utf-8")
    overall = re.search(r"\| (\d+)% \|", document).group(1)
    assert overall == ("0" if "before" in says else "76")
    # inside the plan: no warning
    code, _, err = cli("build", spec, "-f", "md", "--as-of", "2026-05-01", "-o", tmp_path / "out", "--force")
    assert code == 0 and err == ""
