"""The roadmap clock: task times, critical path, milestones, phase spans and calendar dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from outlookgen.model import build_outlook
from outlookgen.model.schedule import (
    TaskPlan,
    milestone_is_critical,
    milestone_time,
    milestone_unit,
    schedule_tasks,
    span,
    task_end_date,
    time_end_date,
    time_start_date,
)


def times(tasks: list[TaskPlan]) -> dict[str, tuple[int, int]]:
    schedule = schedule_tasks(tasks)
    return {task_id: (t.start, t.finish) for task_id, t in schedule.timings.items()}


def spec(roadmap: dict[str, Any]) -> dict[str, Any]:
    """The smallest valid-shaped spec around a roadmap."""
    return {
        "outlook": 1,
        "meta": {"title": "T", "organization": "Org", "date": "2026-01-05"},
        "background": {"current_state": "now", "challenges": ["c"]},
        "drivers": [{"id": "d1", "pain_point": "p"}],
        "objectives": [{"id": "o1", "statement": "s", "metric": "m", "target": "≤ 2%", "deadline": "2026-12-31"}],
        "scope": {"included": [{"id": "s1", "name": "n"}]},
        "roadmap": roadmap,
        "resources": {"roles": [{"id": "pm", "title": "PM"}]},
        "risks": [{"id": "r1", "title": "t"}],
        "evaluation": {"kpis": [{"id": "k1", "name": "k", "target": "≤ 2%"}]},
    }


# -- forward pass --------------------------------------------------------------


def test_start_only_occupies_its_units() -> None:
    # start 3, duration 4: units 3..6, i.e. times 2..6
    assert times([TaskPlan("a", 4, start=3)]) == {"a": (2, 6)}


def test_after_only_starts_at_the_latest_finish() -> None:
    result = times(
        [
            TaskPlan("a", 4, start=1),
            TaskPlan("b", 2, start=3),
            TaskPlan("c", 1, after=("a", "b")),
        ]
    )
    assert result["c"] == (4, 5)


def test_start_is_a_lower_bound_with_after() -> None:
    result = times(
        [
            TaskPlan("a", 3, start=1),
            TaskPlan("late", 2, start=10, after=("a",)),  # start wins: beyond a's finish
            TaskPlan("early", 2, start=2, after=("a",)),  # after wins: start 2 is too early
        ]
    )
    assert result["late"] == (9, 11)
    assert result["early"] == (3, 5)


def test_empty_after_is_no_after() -> None:
    assert times([TaskPlan("a", 2, start=5, after=())]) == {"a": (4, 6)}


def test_tasks_are_scheduled_in_dependency_order_not_file_order() -> None:
    result = times(
        [
            TaskPlan("c", 1, after=("b",)),
            TaskPlan("b", 2, after=("a",)),
            TaskPlan("a", 3, start=2),
        ]
    )
    assert result == {"c": (6, 7), "b": (4, 6), "a": (1, 4)}


def test_chain_across_phases_declared_out_of_file_order() -> None:
    outlook = build_outlook(
        spec(
            {
                "phases": [
                    {
                        "id": "p1",
                        "name": "Pilot",
                        "tasks": [{"id": "late", "name": "L", "duration": 2, "after": ["mid"]}],
                    },
                    {
                        "id": "p2",
                        "name": "Rollout",
                        "tasks": [{"id": "mid", "name": "M", "duration": 3, "after": ["first"]}],
                    },
                    {"id": "p3", "name": "Deepen", "tasks": [{"id": "first", "name": "F", "duration": 1, "start": 2}]},
                ]
            }
        )
    )
    late, mid, first = outlook.roadmap.tasks
    assert [task.id for task in outlook.roadmap.tasks] == ["late", "mid", "first"]  # file order kept
    assert (first.start, first.finish) == (1, 2)
    assert (mid.start, mid.finish) == (2, 5)
    assert (late.start, late.finish) == (5, 7)
    assert late.after == (mid,) and mid.after == (first,)
    assert late.phase_id == "p1" and first.phase_id == "p3"
    assert [p.id for p in outlook.roadmap.critical_path] == ["first", "mid", "late"]


def test_zero_duration_task_after_a_task_is_a_point() -> None:
    outlook = build_outlook(
        spec(
            {
                "phases": [
                    {
                        "id": "p1",
                        "name": "P",
                        "tasks": [
                            {"id": "work", "name": "W", "start": 3, "duration": 4},
                            {"id": "signoff", "name": "S", "duration": 0, "after": ["work"]},
                        ],
                    }
                ]
            }
        )
    )
    work, signoff = outlook.roadmap.tasks
    assert (work.first_unit, work.last_unit, work.is_point) == (3, 6, False)
    assert (signoff.start, signoff.finish) == (6, 6)
    # a point at the beginning of unit 7
    assert (signoff.first_unit, signoff.last_unit, signoff.is_point) == (7, 7, True)


def test_cycle_and_unknown_reference_raise_value_error() -> None:
    with pytest.raises(ValueError, match="cycle"):
        schedule_tasks([TaskPlan("a", 1, after=("b",)), TaskPlan("b", 1, after=("a",))])
    with pytest.raises(ValueError, match="nope"):
        schedule_tasks([TaskPlan("a", 1, after=("nope",))])


# -- milestones and phases -----------------------------------------------------


def test_milestone_at_and_after() -> None:
    schedule = schedule_tasks([TaskPlan("a", 4, start=1), TaskPlan("b", 6, start=2)])
    assert milestone_time(8, (), schedule.timings) == 8
    assert milestone_time(None, ("a", "b"), schedule.timings) == 7
    assert milestone_time(None, ("a",), schedule.timings) == 4
    assert milestone_unit(7) == 7
    assert milestone_unit(0) == 1  # a milestone at time 0 still marks unit 1


def test_milestones_in_a_built_roadmap() -> None:
    outlook = build_outlook(
        spec(
            {
                "start": "2026-01-05",
                "phases": [
                    {
                        "id": "p1",
                        "name": "P",
                        "tasks": [
                            {"id": "a", "name": "A", "start": 1, "duration": 4},
                            {"id": "side", "name": "S", "start": 1, "duration": 1},
                            {"id": "kick", "name": "K", "start": 1, "duration": 0},
                        ],
                        "milestones": [
                            {"id": "m-after", "name": "Done", "after": ["a"]},
                            {"id": "m-side", "name": "Side", "after": ["side"]},
                            {"id": "m-at", "name": "Review", "at": 6},
                            {"id": "m-zero", "name": "Kick-off", "after": ["kick"]},
                        ],
                    }
                ],
            }
        )
    )
    done, side, review, kickoff = outlook.roadmap.milestones
    assert (done.time, done.unit, done.after) == (4, 4, (outlook.by_id("a"),))
    assert done.critical is True  # after the critical task a, at the live end
    assert (side.time, side.critical) == (1, False)  # after a task with slack
    assert (review.time, review.after, review.critical) == (6, (), False)  # beyond the live end (4)
    assert (kickoff.time, kickoff.unit) == (0, 1)
    assert done.date == date(2026, 1, 30)  # the last working day (Friday) of week 4, not its Sunday
    assert review.date == date(2026, 2, 13)
    assert kickoff.date == date(2026, 1, 5)  # time 0 is the start date itself
    assert outlook.roadmap.end == 6  # the milestone at 6 extends the plan


def test_milestone_is_critical_rules() -> None:
    schedule = schedule_tasks([TaskPlan("a", 2, start=1), TaskPlan("b", 3, after=("a",)), TaskPlan("c", 1, start=1)])
    assert schedule.end == 5
    assert milestone_is_critical(5, (), schedule) is True  # at the end
    assert milestone_is_critical(2, ("a",), schedule) is True  # right after critical a
    assert milestone_is_critical(2, ("a", "c"), schedule) is True
    assert milestone_is_critical(1, ("c",), schedule) is False  # c has slack
    assert milestone_is_critical(3, (), schedule) is False
    nothing_live = schedule_tasks([TaskPlan("x", 2, start=1, cancelled=True)])
    assert milestone_is_critical(0, (), nothing_live) is False


def test_span() -> None:
    assert span([(2, 5), (0, 3), (4, 9)]) == (0, 9)
    assert span([(7, 7)]) == (7, 7)
    assert span([]) == (0, 0)


def test_phase_spans_and_end_with_buffer() -> None:
    outlook = build_outlook(
        spec(
            {
                "buffer": 3,
                "phases": [
                    {
                        "id": "p1",
                        "name": "Pilot",
                        "tasks": [
                            {"id": "a", "name": "A", "start": 2, "duration": 3},
                            {"id": "b", "name": "B", "start": 1, "duration": 2},
                        ],
                        "milestones": [{"id": "gate", "name": "Gate", "at": 6}],
                    },
                    {
                        "id": "p2",
                        "name": "Rollout",
                        "tasks": [{"id": "c", "name": "C", "duration": 4, "after": ["a"]}],
                    },
                    {"id": "p3", "name": "Empty", "tasks": []},
                ],
            }
        )
    )
    p1, p2, p3 = outlook.roadmap.phases
    assert (p1.start, p1.finish) == (0, 6)  # the milestone at 6 is past its last task
    assert (p2.start, p2.finish) == (4, 8)
    assert (p3.start, p3.finish) == (0, 0)  # spans nothing
    assert (p3.start_date, p3.end_date) == (None, None)
    assert outlook.roadmap.end == 8
    assert outlook.roadmap.total == 11
    assert outlook.roadmap.buffer == 3
    assert outlook.roadmap.end_date is None  # no start date, no calendar


# -- critical path ---------------------------------------------------------------


def test_critical_path_on_a_diamond_with_a_slack_branch() -> None:
    #      b (5)
    #  a <       > d
    #      c (2)
    schedule = schedule_tasks(
        [
            TaskPlan("d", 1, after=("b", "c")),
            TaskPlan("c", 2, after=("a",)),
            TaskPlan("b", 5, after=("a",)),
            TaskPlan("a", 2, start=1),
        ]
    )
    timing = schedule.timings
    assert schedule.end == 8
    assert {k: v.slack for k, v in timing.items()} == {"a": 0, "b": 0, "c": 3, "d": 0}
    assert {k: v.critical for k, v in timing.items()} == {"a": True, "b": True, "c": False, "d": True}
    assert timing["c"].latest_finish == 7
    assert schedule.critical_path == ("a", "b", "d")


def test_critical_path_orders_by_start_then_finish_then_input_order() -> None:
    schedule = schedule_tasks(
        [
            TaskPlan("late", 2, after=("short",)),
            TaskPlan("long", 4, start=1),
            TaskPlan("twin", 4, start=1),
            TaskPlan("short", 2, start=1),
        ]
    )
    assert schedule.critical_path == ("short", "long", "twin", "late")


def test_cancelled_task_in_the_middle_of_the_longest_chain() -> None:
    # a → x (cancelled) → b is the longest chain; x still holds b back.
    schedule = schedule_tasks(
        [
            TaskPlan("a", 3, start=1),
            TaskPlan("x", 5, after=("a",), cancelled=True),
            TaskPlan("b", 2, after=("x",)),
            TaskPlan("c", 6, start=1),
        ]
    )
    timing = schedule.timings
    assert (timing["x"].start, timing["x"].finish) == (3, 8)
    assert (timing["b"].start, timing["b"].finish) == (8, 10)
    assert timing["x"].slack == 0
    assert timing["x"].critical is False  # never critical
    assert timing["a"].critical is True  # it feeds b through x
    assert timing["c"].slack == 4
    assert schedule.critical_path == ("a", "b")


def test_cancelled_task_at_the_end_of_the_longest_chain() -> None:
    schedule = schedule_tasks(
        [
            TaskPlan("a", 3, start=1),
            TaskPlan("x", 9, after=("a",), cancelled=True),
            TaskPlan("c", 6, start=1),
        ]
    )
    timing = schedule.timings
    assert schedule.end == 6  # live tasks only
    assert timing["x"].finish == 12
    assert timing["x"].slack == 0  # computed, never negative
    assert timing["x"].critical is False
    assert timing["a"].slack == 3  # x feeds nothing live, so it does not hold a
    assert timing["a"].critical is False
    assert schedule.critical_path == ("c",)


def test_cancelled_task_in_a_built_roadmap_keeps_its_place() -> None:
    outlook = build_outlook(
        spec(
            {
                "phases": [
                    {
                        "id": "p1",
                        "name": "P",
                        "tasks": [
                            {"id": "a", "name": "A", "start": 1, "duration": 2},
                            {"id": "x", "name": "X", "duration": 4, "after": ["a"], "status": "cancelled"},
                        ],
                        "milestones": [{"id": "m", "name": "M", "after": ["x"]}],
                    }
                ]
            }
        )
    )
    a, x = outlook.roadmap.tasks
    assert (x.start, x.finish, x.status, x.critical) == (2, 6, "cancelled", False)
    assert outlook.roadmap.end == 6  # it keeps its place on the chart
    assert outlook.roadmap.critical_path == (a,)
    assert outlook.by_id("m").critical is False  # gated by cancelled work only


# -- calendar ----------------------------------------------------------------------


def test_week_dates() -> None:
    origin = date(2026, 3, 2)  # a Monday
    # start 3, duration 4 → times 2..6: Mon 16 March to Sun 12 April
    assert time_start_date(origin, 2, "week") == date(2026, 3, 16)
    assert task_end_date(origin, 2, 6, "week") == date(2026, 4, 12)
    assert time_end_date(origin, 6, "week") == date(2026, 4, 12)
    assert time_end_date(origin, 0, "week") == origin
    assert task_end_date(origin, 2, 2, "week") == date(2026, 3, 16)  # a point: its start day
    assert time_start_date(None, 2, "week") is None


def test_day_dates() -> None:
    origin = date(2026, 2, 27)
    assert time_start_date(origin, 1, "day") == date(2026, 2, 28)
    assert task_end_date(origin, 1, 3, "day") == date(2026, 3, 1)  # units 2..3, inclusive
    assert task_end_date(origin, 0, 1, "day") == origin  # a one-day task ends the day it starts
    assert time_end_date(origin, 0, "day") == origin


def test_dates_in_a_built_roadmap() -> None:
    for unit, expect in (
        ("week", (date(2026, 1, 19), date(2026, 2, 8), date(2026, 2, 8), date(2026, 2, 22))),
        ("day", (date(2026, 1, 7), date(2026, 1, 9), date(2026, 1, 9), date(2026, 1, 11))),
    ):
        outlook = build_outlook(
            spec(
                {
                    "start": "2026-01-05",
                    "unit": unit,
                    "buffer": 2,
                    "phases": [
                        {
                            "id": "p1",
                            "name": "P",
                            "tasks": [
                                {"id": "t", "name": "T", "start": 3, "duration": 3},
                                {"id": "kick", "name": "Kick-off", "start": 1, "duration": 0},
                            ],
                            "milestones": [{"id": "start", "name": "Start", "after": ["kick"]}],
                        }
                    ],
                }
            )
        )
        task = outlook.roadmap.tasks[0]
        roadmap = outlook.roadmap
        assert roadmap.start == date(2026, 1, 5)
        assert (task.start_date, task.end_date, roadmap.end_date, roadmap.total_end_date) == expect, unit
        assert outlook.roadmap.phases[0].start_date == date(2026, 1, 5)  # milestone at time 0
        assert outlook.by_id("start").date == date(2026, 1, 5)


def test_a_huge_chain_does_not_raise() -> None:
    n = 3000
    tasks = [{"id": "t0", "name": "T", "start": 10_000, "duration": 10_000}]
    tasks += [{"id": f"t{i}", "name": "T", "duration": 10_000, "after": [f"t{i - 1}"]} for i in range(1, n)]
    outlook = build_outlook(
        spec(
            {
                "start": "9000-01-01",
                "buffer": 10_000,
                "phases": [
                    {"id": "p", "name": "P", "tasks": tasks, "milestones": [{"id": "m", "name": "M", "at": 10_000}]}
                ],
            }
        )
    )
    roadmap = outlook.roadmap
    assert roadmap.end == 9_999 + n * 10_000
    assert roadmap.tasks[-1].start_date is None  # far past year 9999
    assert roadmap.tasks[-1].end_date is None
    assert roadmap.total_end_date is None
    assert roadmap.milestones[0].date == date(9191, 8, 27)  # 69 999 days on: still a real date
    assert len(roadmap.critical_path) == n
    # timedelta itself overflows past 999 999 999 days: still None, not an exception
    assert time_end_date(date(2026, 1, 1), 10**12, "week") is None
