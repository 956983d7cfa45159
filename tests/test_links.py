"""Dependency types and lags: SS, FF, SF and leads schedule as MS Project does, and change the critical path."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from test_calendar import BASE

from outlookgen.model import build_outlook
from outlookgen.model.schedule import Link, TaskPlan, schedule_tasks
from outlookgen.spec.loader import load_text
from outlookgen.spec.validate import validate


def outlook_of(tasks: list[dict], milestones: list[dict] | None = None, **roadmap):
    phase = {"id": "P1", "name": "Plan", "tasks": tasks}
    if milestones:
        phase["milestones"] = milestones
    data = {**BASE, "roadmap": {"start": "2026-03-02", "unit": "day", **roadmap, "phases": [phase]}}
    spec = load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "plan.yaml")
    problems = validate(spec)
    assert problems == [], [p.format() for p in problems]
    return build_outlook(spec.data)


def problems_of(tasks: list[dict]) -> list[str]:
    data = {**BASE, "roadmap": {"start": "2026-03-02", "phases": [{"id": "P1", "name": "Plan", "tasks": tasks}]}}
    spec = load_text(yaml.safe_dump(data, sort_keys=False), "plan.yaml")
    return [p.format() for p in validate(spec)]


# The network of the hand calculation below: A feeds B finish-to-start and C start-to-start
# (lag 2 days); C feeds D finish-to-finish (lag 2); E waits for B and D.
TYPED = [
    {"id": "A", "name": "A", "start": 1, "duration": 5},
    {"id": "B", "name": "B", "after": ["A"], "duration": 4},
    {"id": "C", "name": "C", "after": [{"id": "A", "type": "SS", "lag": "2d"}], "duration": 3},
    {"id": "D", "name": "D", "after": [{"id": "C", "type": "FF", "lag": "2d"}], "duration": 2},
    {"id": "E", "name": "E", "after": ["B", "D"], "duration": 1},
]


def test_ss_ff_and_lags_change_the_critical_path_as_the_hand_calculation_says():
    # Forward, in days from the start: A 0–5; B 5–9; C starts 2 after A starts: 2–5;
    # D finishes 2 after C finishes (7), so 5–7; E after B and D: 9–10.
    # Backward from 10: E 9–10; D may finish by 9 (float 2); B by 9 (float 0);
    # C may finish by 9 − 2 = 7 (float 2); A by min(B's start 5, C's latest start 4 − 2 + 5 = 7) = 5.
    outlook = outlook_of(TYPED)
    tasks = {t.id: t for t in outlook.roadmap.tasks}
    assert {k: (t.start_date.day - 2, t.end_date.day - 1) for k, t in tasks.items()} == {
        "A": (0, 5),
        "B": (5, 9),
        "C": (2, 5),
        "D": (5, 7),
        "E": (9, 10),
    }
    assert {k: t.float_days for k, t in tasks.items()} == {"A": 0, "B": 0, "C": 2, "D": 2, "E": 0}
    assert [t.id for t in outlook.roadmap.critical_path] == ["A", "B", "E"]


def test_the_same_network_finish_to_start_has_the_other_branch_critical():
    plain = [dict(t, after=[a if isinstance(a, str) else a["id"] for a in t.get("after", [])]) for t in TYPED]
    plain[0].pop("after")
    outlook = outlook_of(plain)
    # C 5–8, D 8–10, E 10–11: B has a day of float now, C and D have none.
    assert [t.id for t in outlook.roadmap.critical_path] == ["A", "C", "D", "E"]
    assert {t.id: t.float_days for t in outlook.roadmap.tasks}["B"] == 1


def test_start_to_finish_and_a_lead():
    tasks = [
        {"id": "A", "name": "A", "start": 3, "duration": 4},  # days 2–6
        {"id": "B", "name": "B", "after": [{"id": "A", "type": "SF", "lag": "1d"}], "duration": 2},  # ends 3: 1–3
        {"id": "C", "name": "C", "after": [{"id": "A", "lag": "-2d"}], "duration": 1},  # 2 days before A ends: 4–5
        {
            "id": "D",
            "name": "D",
            "after": [{"id": "A", "type": "FF", "lag": "-10d"}],
            "duration": 3,
        },  # not before day 0
    ]
    starts = {t.id: (t.start_date - date(2026, 3, 2)).days for t in outlook_of(tasks).roadmap.tasks}
    assert starts == {"A": 2, "B": 1, "C": 4, "D": 0}


def test_lags_in_weeks_and_planning_units():
    tasks = [
        {"id": "A", "name": "A", "start": 1, "duration": 1},
        {"id": "B", "name": "B", "after": [{"id": "A", "lag": "1w"}], "duration": 1},
        {"id": "C", "name": "C", "after": [{"id": "A", "lag": 2}], "duration": 1},  # 2 planning units: 2 weeks
    ]
    outlook = outlook_of(tasks, unit="week")
    starts = {t.id: t.start_date for t in outlook.roadmap.tasks}
    assert starts == {"A": date(2026, 3, 2), "B": date(2026, 3, 16), "C": date(2026, 3, 23)}


def test_a_milestone_linked_start_to_start_falls_when_the_task_starts():
    outlook = outlook_of(TYPED, milestones=[{"id": "M1", "name": "Kick-off C", "after": [{"id": "C", "type": "SS"}]}])
    milestone = outlook.roadmap.milestones[0]
    task_c = next(t for t in outlook.roadmap.tasks if t.id == "C")
    assert task_c.start_date == date(2026, 3, 4)
    # A milestone marks the end of a day: the end of 03-03 is the moment C starts.
    assert milestone.date == date(2026, 3, 3)
    assert milestone.day == task_c.begin_day == 2


def test_the_scheduler_orders_links_whatever_the_file_order():
    plan = schedule_tasks(
        [
            TaskPlan("late", 2, after=(Link("early", "SS", 1),)),
            TaskPlan("early", 3, start=1),
        ]
    )
    assert (plan.timings["late"].start, plan.timings["late"].finish) == (1, 3)


# -- what validation refuses --------------------------------------------------------------------


def test_a_cycle_through_typed_links_is_located_and_named():
    lines = problems_of(
        [
            {"id": "T1", "name": "a", "after": [{"id": "T2", "type": "SS"}], "duration": 1},
            {"id": "T2", "name": "b", "after": [{"id": "T1", "type": "FF", "lag": "1d"}], "duration": 1},
        ]
    )
    assert len(lines) == 1 and "dependency cycle: T1 → T2 → T1" in lines[0]
    assert "roadmap.phases[0].tasks[0].after" in lines[0]


def test_one_link_per_pair_of_tasks():
    lines = problems_of(
        [
            {"id": "T1", "name": "a", "start": 1, "duration": 1},
            {"id": "T2", "name": "b", "after": ["T1", {"id": "T1", "type": "SS", "lag": "2d"}], "duration": 1},
        ]
    )
    assert len(lines) == 1
    assert "tasks[1].after[1]" in lines[0] and "'T1' is linked twice (FS at after[0] and SS +2d here)" in lines[0]


def test_an_unknown_task_in_a_typed_link_is_located_at_its_id():
    lines = problems_of(
        [
            {"id": "T1", "name": "a", "start": 1, "duration": 1},
            {"id": "T2", "name": "b", "after": [{"id": "T9", "type": "SS"}], "duration": 1},
        ]
    )
    assert len(lines) == 1 and "tasks[1].after[0].id: unknown task 'T9'" in lines[0]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ({"id": "T1", "type": "XX"}, "is not one of FS, SS, FF, SF"),
        ({"id": "T1", "lag": "2 days"}, "is not a lag"),
        ({"type": "SS"}, "missing required key 'id'"),
        ({"id": "T1", "lagg": "1d"}, "unknown key 'lagg' (did you mean 'lag'?)"),
    ],
)
def test_a_malformed_link_says_what_is_wrong(entry, words):
    lines = problems_of(
        [
            {"id": "T1", "name": "a", "start": 1, "duration": 1},
            {"id": "T2", "name": "b", "after": [entry], "duration": 1},
        ]
    )
    assert any(words in line for line in lines), lines


def test_durations_in_days_and_weeks_and_their_mistakes():
    outlook = outlook_of(
        [
            {"id": "A", "name": "A", "start": 1, "duration": "3d"},
            {"id": "B", "name": "B", "after": ["A"], "duration": "1w"},
        ],
        unit="week",
        calendar={},
    )
    work = {t.id: t.work_days for t in outlook.roadmap.tasks}
    assert work == {"A": 3, "B": 5}
    lines = problems_of([{"id": "T1", "name": "a", "start": 1, "duration": "3 months"}])
    assert len(lines) == 1 and "is not a duration" in lines[0]
