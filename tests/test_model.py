"""The normalised model built from a complete small spec: references, totals, scores, statuses."""

from __future__ import annotations

import copy
import json
from dataclasses import FrozenInstanceError
from datetime import date
from typing import Any

import pytest

from outlookgen.model import (
    Body,
    Driver,
    Outlook,
    Phase,
    Role,
    Task,
    build_outlook,
)
from outlookgen.spec.scalars import ScalarFloat, ScalarInt


def full_spec() -> dict[str, Any]:
    """Every section, with the scalar types the loader produces."""
    return {
        "outlook": ScalarInt(1, "1"),
        "x-theme": {"accent": "teal", "sizes": [ScalarInt(1, "01"), ScalarFloat(2.5, "2.50")], "on": True},
        "meta": {
            "title": "ERP outlook",
            "subtitle": "Pilot first",
            "organization": "Acme",
            "prepared_by": [{"name": "Chen", "role": "Consultant", "email": "c@example.com", "x-phone": "123"}],
            "date": "2026-03-01",
            "version": ScalarFloat(1.1, "1.10"),
            "status": "review",
            "locale": "zh-CN",
            "confidentiality": "Internal",
            "revisions": [
                {"version": ScalarFloat(1.0, "1.0"), "date": "2026-02-01", "author": "Chen", "changes": "Draft"},
                {"version": "1.10", "date": date(2026, 3, 1), "changes": "Review"},
            ],
            "x-project-code": "HJ-1",
        },
        "background": {
            "current_state": "Excel everywhere",
            "challenges": ["BOM chaos", ScalarInt(2026, "2026")],
            "rationale": "New lines",
            "benefits": ["Fewer errors"],
        },
        "drivers": [
            {"id": "D1", "pain_point": "BOM errors", "impact": "Rework", "priority": "high"},
            {"id": "D2", "pain_point": "Slow changes"},
            {"id": "D3", "pain_point": "Nobody answers me"},
        ],
        "objectives": [
            {
                "id": "O1",
                "statement": "BOM errors down",
                "metric": "error rate",
                "baseline": "8.5%",
                "target": "≤ 2%",
                "deadline": "2026-09-30",
                "owner": "pm",
                "drivers": ["D1", "D2"],
            },
            {
                "id": "O2",
                "statement": "On time delivery up",
                "metric": "OTD",
                "baseline": "82%",
                "target": "95%",
                "deadline": "上线后3个月",
                "drivers": ["D1"],
            },
            {"id": "O3", "statement": "Happier users", "metric": "survey", "target": "提高满意度", "deadline": "2027"},
        ],
        "scope": {
            "included": [
                {"id": "S1", "name": "BOM", "description": "Multi-level BOM", "phase": "p1"},
                {"id": "S2", "name": "Reports"},
            ],
            "excluded": [
                {"name": "Scheduling", "reason": "Needs BOM first", "deferred_to": "p2"},
                {"name": "MES", "deferred_to": "next year"},
                {"name": "Finance"},
            ],
            "x-note": "agreed with the board",
        },
        "roadmap": {
            "start": "2026-03-02",
            "unit": "week",
            "buffer": 2,
            "phases": [
                {
                    "id": "p1",
                    "name": "Pilot",
                    "stage": "pilot",
                    "goal": "Prove BOM",
                    "objectives": ["O1"],
                    "exit_criteria": ["Error rate ≤ 3%"],
                    "tasks": [
                        {
                            "id": "t1",
                            "name": "Survey",
                            "owner": "pm",
                            "start": 1,
                            "duration": 2,
                            "deliverables": ["Report", ScalarFloat(2.0, "2.0")],
                            "objectives": ["O1"],
                            "status": "done",
                            "progress": ScalarInt(100, "100"),
                        },
                        {
                            "id": "t2",
                            "name": ScalarInt(42, "042"),
                            "owner": "it",
                            "duration": 3,
                            "after": ["t1"],
                            "objectives": ["O1", "O2"],
                            "status": "in_progress",
                            "progress": 50,
                        },
                    ],
                    "milestones": [{"id": "m1", "name": "Pilot live", "after": ["t2"], "description": "Go"}],
                },
                {
                    "id": "p2",
                    "name": "Rollout",
                    "stage": "rollout",
                    "tasks": [
                        {
                            "id": "t3",
                            "name": "Roll out",
                            "owner": "pm",
                            "duration": 4,
                            "after": ["t2"],
                            "x-color": "red",
                        },
                        {"id": "t4", "name": "Side work", "owner": "vendor", "start": 3, "duration": 1},
                    ],
                    "milestones": [{"id": "m2", "name": "Review", "at": 10}],
                },
            ],
        },
        "resources": {
            "roles": [
                {
                    "id": "pm",
                    "title": "Project manager",
                    "name": "Zhou",
                    "side": "business",
                    "allocation": ScalarInt(100, "100"),
                    "responsibilities": ["Plan", "Report"],
                },
                {"id": "it", "title": "IT lead", "allocation": ScalarFloat(50.5, "50.5")},
                {"id": "vendor", "title": "Vendor consultant", "side": "vendor"},
            ],
            "bodies": [
                {
                    "id": "jwg",
                    "name": "Joint working group",
                    "chair": "pm",
                    "members": ["pm", "it"],
                    "cadence": "weekly",
                }
            ],
            "budget": {
                "items": [
                    {"name": "Reserve", "category": "reserve", "amount": ScalarInt(15000, "15000")},
                    {"name": "Implementation", "category": "services", "amount": 80000, "phase": "p2"},
                    {"name": "Licences", "category": "software", "amount": ScalarInt(120000, "120000"), "phase": "p1"},
                    {"name": "Contingency", "category": "contingency", "amount": 20000, "phase": "p2"},
                    {"name": "Training", "category": "training", "amount": 15000, "note": "two rounds"},
                ]
            },
            "environments": [{"name": "PROD", "purpose": "Production", "spec": "2 × 16 cores"}],
        },
        "risks": [
            {
                "id": "R1",
                "title": "Resistance",
                "likelihood": "high",
                "impact": "high",
                "owner": "pm",
                "mitigation": ["Champions"],
                "contingency": ["Extra training"],
            },
            {"id": "R2", "title": "Data", "likelihood": "medium", "impact": "medium"},
            {"id": "R3", "title": "Interface", "likelihood": "low", "impact": "high"},
            {"id": "R4", "title": "Vendor", "likelihood": "low", "impact": "medium"},
            {"id": "R5", "title": "Budget", "likelihood": "high", "impact": "medium"},
            {"id": "R6", "title": "Unknown", "impact": "high"},
        ],
        "evaluation": {
            "kpis": [
                {
                    "id": "K1",
                    "name": "BOM error rate",
                    "target": "≤ 2%",
                    "baseline": "8.5%",
                    "frequency": "monthly",
                    "owner": "pm",
                    "objectives": ["O1"],
                    "actuals": [{"period": "2026-04", "value": 5.6}, {"period": "2026-05", "value": "1.8%"}],
                },
                {
                    "id": "K2",
                    "name": "OTD",
                    "target": ">= 95%",
                    "objectives": ["O1", "O2"],
                    "actuals": [{"period": "W12", "value": ScalarInt(90, "90"), "x-source": "ERP"}],
                },
                {"id": "K3", "name": "Training", "target": "≥ 95%"},
                {"id": "K4", "name": "Satisfaction", "target": "提高满意度", "actuals": [{"period": "Q1", "value": 3}]},
                {"id": "K5", "name": "Uptime", "target": "≥ 99%", "actuals": [{"period": "Q1", "value": "n/a"}]},
            ],
            "review": {"cadence": "monthly", "participants": ["jwg", "pm"]},
        },
        "change_management": {
            "communication": ["Monthly letter"],
            "champions": ["One per workshop"],
            "training": {"coverage_target": "≥ 95%", "plan": ["Classroom", "E-learning"], "x-hours": 12},
            "support": ["Hotline"],
        },
        "data_governance": {"cleansing": ["Dedupe"], "master_data": ["Coding rules"], "migration": ["Two dry runs"]},
        "evolution": [
            {"horizon": "12 months", "initiative": "MES", "value": "Shop floor", "budget_reserve": "10%"},
            {"horizon": "18 months", "initiative": "Portal", "budget_reserve": ScalarInt(50000, "50000")},
            {"initiative": "Analytics", "budget_reserve": "12.5%"},
            {"initiative": "Someday"},
        ],
        "appendices": [{"title": "Glossary", "body": "BOM: bill of materials"}],
    }


@pytest.fixture(scope="module")
def outlook() -> Outlook:
    return build_outlook(full_spec())


def test_top_level(outlook: Outlook) -> None:
    assert outlook.format_version == 1
    assert type(outlook.format_version) is int
    assert [d.id for d in outlook.drivers] == ["D1", "D2", "D3"]
    assert [o.id for o in outlook.objectives] == ["O1", "O2", "O3"]
    assert [a.title for a in outlook.appendices] == ["Glossary"]
    assert outlook.appendices[0].body == "BOM: bill of materials"


def test_meta_and_text_fields_keep_their_spelling(outlook: Outlook) -> None:
    meta = outlook.meta
    assert meta.version == "1.10"
    assert [r.version for r in meta.revisions] == ["1.0", "1.10"]
    assert [r.date for r in meta.revisions] == [date(2026, 2, 1), date(2026, 3, 1)]
    assert meta.revisions[1].author is None
    assert meta.date == date(2026, 3, 1)
    assert (meta.status, meta.locale, meta.confidentiality) == ("review", "zh-CN", "Internal")
    assert meta.prepared_by[0].name == "Chen" and meta.prepared_by[0].email == "c@example.com"
    assert outlook.background.challenges == ("BOM chaos", "2026")
    assert outlook.by_id("t2").name == "042"
    assert outlook.by_id("t1").deliverables == ("Report", "2.0")


def test_defaults_and_absent_optional_text() -> None:
    data = full_spec()
    data["meta"] = {"title": "T", "organization": "O", "date": "2026-01-01"}
    del data["resources"]["budget"]
    del data["change_management"], data["data_governance"]
    del data["evaluation"]["review"]
    outlook = build_outlook(data)
    meta = outlook.meta
    assert (meta.version, meta.status, meta.locale) == ("1.0", "draft", "en")
    assert meta.subtitle is None and meta.confidentiality is None
    assert meta.prepared_by == () and meta.revisions == ()
    assert outlook.by_id("D2").priority == "medium"
    assert outlook.by_id("D2").impact is None
    assert outlook.by_id("t4").status == "planned" and outlook.by_id("t4").progress is None
    assert outlook.by_id("S2").description is None and outlook.by_id("S2").phase is None
    assert outlook.resources.budget is None
    assert outlook.change_management is None and outlook.data_governance is None
    assert outlook.evaluation.review is None
    # a percent reserve without a budget has no amount
    assert (outlook.evolution[0].budget_reserve_percent, outlook.evolution[0].budget_reserve_amount) == (10, None)


def test_references_are_the_objects(outlook: Outlook) -> None:
    roles = {role.id: role for role in outlook.resources.roles}
    t1, t2, t3, t4 = outlook.roadmap.tasks
    assert t1.owner is roles["pm"] and isinstance(t1.owner, Role)
    assert t2.owner is roles["it"]
    assert t2.after == (t1,) and t3.after == (t2,)
    assert t2.objectives == (outlook.by_id("O1"), outlook.by_id("O2"))
    o1 = outlook.by_id("O1")
    assert o1.owner is roles["pm"]
    assert o1.drivers == (outlook.drivers[0], outlook.drivers[1])
    assert all(isinstance(driver, Driver) for driver in o1.drivers)
    body = outlook.resources.bodies[0]
    assert body.chair is roles["pm"] and body.members == (roles["pm"], roles["it"])
    phases = outlook.roadmap.phases
    assert phases[0].objectives == (o1,)
    assert phases[0].tasks == (t1, t2) and phases[1].tasks == (t3, t4)
    assert phases[0].milestones[0].after == (t2,)
    assert outlook.scope_included[0].phase is phases[0]
    assert outlook.by_id("R1").owner is roles["pm"]
    assert outlook.by_id("K1").owner is roles["pm"]
    assert outlook.by_id("K2").objectives == (o1, outlook.by_id("O2"))


def test_review_participants_mix_roles_and_bodies(outlook: Outlook) -> None:
    review = outlook.evaluation.review
    assert review is not None
    body, role = review.participants
    assert isinstance(body, Body) and body is outlook.by_id("jwg")
    assert isinstance(role, Role) and role is outlook.by_id("pm")
    assert (review.cadence, review.method) == ("monthly", "PDCA")


def test_deferred_to_links_a_phase_or_keeps_the_text(outlook: Outlook) -> None:
    scheduling, mes, finance = outlook.scope_excluded
    assert scheduling.deferred_to_phase is outlook.roadmap.phases[1]
    assert isinstance(scheduling.deferred_to_phase, Phase)
    assert scheduling.deferred_to_text is None
    assert mes.deferred_to_phase is None and mes.deferred_to_text == "next year"
    assert finance.deferred_to_phase is None and finance.deferred_to_text is None
    assert scheduling.reason == "Needs BOM first"


def test_objectives(outlook: Outlook) -> None:
    o1, o2, o3 = outlook.objectives
    assert o1.deadline == date(2026, 9, 30)
    assert o2.deadline == "上线后3个月"
    assert o3.deadline == "2027"  # not an ISO date: text
    assert (o1.target.comparator, o1.target.value, o1.target.direction) == ("<=", 2.0, "down")
    assert o1.baseline == "8.5%"
    assert o2.target.direction == "up"  # from the baseline 82%
    assert o3.target.measurable is False and o3.baseline is None


def test_schedule_and_calendar(outlook: Outlook) -> None:
    roadmap = outlook.roadmap
    t1, t2, t3, t4 = roadmap.tasks
    assert [(t.start, t.finish) for t in roadmap.tasks] == [(0, 2), (2, 5), (5, 9), (2, 3)]
    assert (t3.first_unit, t3.last_unit) == (6, 9)
    assert [t.slack for t in roadmap.tasks] == [0, 0, 0, 6]
    assert roadmap.critical_path == (t1, t2, t3)
    assert t4.critical is False
    assert (t1.start_date, t1.end_date) == (date(2026, 3, 2), date(2026, 3, 15))
    m1, m2 = roadmap.milestones
    assert (m1.time, m1.critical, m1.date, m1.phase_id) == (5, True, date(2026, 4, 3), "p1")  # the Friday of W5
    assert (m2.time, m2.critical, m2.phase_id) == (10, False, "p2")
    assert (roadmap.end, roadmap.total) == (10, 12)
    assert roadmap.end_date == date(2026, 5, 10)
    assert roadmap.total_end_date == date(2026, 5, 24)
    p1, p2 = roadmap.phases
    assert (p1.start, p1.finish, p2.start, p2.finish) == (0, 5, 2, 10)
    assert (p1.start_date, p1.end_date) == (date(2026, 3, 2), date(2026, 4, 5))
    assert (p1.stage, p1.goal, p1.exit_criteria) == ("pilot", "Prove BOM", ("Error rate ≤ 3%",))
    assert t1.progress == 100 and type(t1.progress) is int


def test_budget(outlook: Outlook) -> None:
    budget = outlook.resources.budget
    assert budget is not None
    assert budget.currency == "CNY"  # zh-CN default
    assert budget.total == 250000 and type(budget.total) is int
    assert budget.by_category == (
        ("software", 120000),
        ("services", 80000),
        ("training", 15000),
        ("contingency", 20000),
        ("reserve", 15000),
    )
    p1, p2 = outlook.roadmap.phases
    assert budget.by_phase == ((p1, 120000), (p2, 100000), (None, 30000))
    assert budget.reserve_amount == 35000
    assert budget.reserve_share == pytest.approx(0.14)
    assert budget.items[0].phase is None and budget.items[1].phase is p2
    assert budget.items[4].note == "two rounds"
    assert all(type(item.amount) is int for item in budget.items)


def test_budget_edge_cases() -> None:
    data = full_spec()
    data["meta"]["locale"] = "en"
    data["resources"]["budget"] = {"items": [{"name": "Licences", "amount": 0}]}
    budget = build_outlook(data).resources.budget
    assert budget is not None
    assert budget.currency == "USD"
    assert budget.items[0].category == "other"
    assert (budget.total, budget.reserve_amount, budget.reserve_share) == (0, 0, 0)
    assert budget.by_category == (("other", 0),)
    assert budget.by_phase == ((None, 0),)

    data["resources"]["budget"] = {"currency": "EUR", "items": [{"name": "A", "amount": 10.5, "category": "reserve"}]}
    budget = build_outlook(data).resources.budget
    assert budget is not None
    assert (budget.currency, budget.total, budget.reserve_share) == ("EUR", 10.5, 1.0)


def test_risk_scores_and_levels(outlook: Outlook) -> None:
    scores = [(risk.id, risk.score, risk.level) for risk in outlook.risks]
    assert scores == [
        ("R1", 9, "high"),
        ("R2", 4, "medium"),
        ("R3", 3, "medium"),
        ("R4", 2, "low"),
        ("R5", 6, "high"),
        ("R6", None, None),
    ]
    r1 = outlook.risks[0]
    assert (r1.mitigation, r1.contingency) == (("Champions",), ("Extra training",))
    assert outlook.risks[1].owner is None and outlook.risks[1].mitigation == ()


def test_kpi_status(outlook: Outlook) -> None:
    status = {kpi.id: kpi.status for kpi in outlook.evaluation.kpis}
    assert status == {
        "K1": "on_track",  # latest 1.8% ≤ 2%, although the first value was off
        "K2": "off_track",  # 90 < 95
        "K3": "no_data",
        "K4": "unmeasurable",  # no number in the target
        "K5": "unmeasurable",  # no number in the value
    }
    k1, k2, k3, _, _ = outlook.evaluation.kpis
    assert k1.latest is k1.actuals[-1]
    assert (k1.latest.period, k1.latest.value, k1.latest.number) == ("2026-05", "1.8%", 1.8)
    assert (k1.actuals[0].value, k1.actuals[0].number) == (5.6, 5.6)
    assert k2.actuals[0].value == 90 and type(k2.actuals[0].value) is int
    assert k2.actuals[0].extra == {"x-source": "ERP"}
    assert k3.latest is None and k3.actuals == ()
    assert (k1.baseline, k1.frequency) == ("8.5%", "monthly")


def test_change_management_and_data_governance(outlook: Outlook) -> None:
    change = outlook.change_management
    assert change is not None
    assert change.training_coverage_target is not None
    assert change.training_coverage_target.comparator == ">="
    assert change.training_plan == ("Classroom", "E-learning")
    assert (change.communication, change.champions, change.support) == (
        ("Monthly letter",),
        ("One per workshop",),
        ("Hotline",),
    )
    assert change.training_extra == {"x-hours": 12}
    data = outlook.data_governance
    assert data is not None
    assert (data.cleansing, data.master_data, data.migration) == (("Dedupe",), ("Coding rules",), ("Two dry runs",))


def test_evolution_reserve(outlook: Outlook) -> None:
    mes, portal, analytics, someday = outlook.evolution
    assert (mes.budget_reserve_percent, mes.budget_reserve_amount) == (10, 25000)
    assert type(mes.budget_reserve_amount) is int
    assert (portal.budget_reserve_percent, portal.budget_reserve_amount) == (None, 50000)
    assert (analytics.budget_reserve_percent, analytics.budget_reserve_amount) == (12.5, 31250)
    assert (someday.budget_reserve_percent, someday.budget_reserve_amount) == (None, None)
    assert (mes.horizon, mes.value, someday.horizon) == ("12 months", "Shop floor", None)


def test_resources(outlook: Outlook) -> None:
    pm, it, vendor = outlook.resources.roles
    assert pm.allocation == 100 and type(pm.allocation) is int
    assert it.allocation == 50.5 and type(it.allocation) is float
    assert vendor.allocation is None
    assert pm.responsibilities == ("Plan", "Report")
    env = outlook.resources.environments[0]
    assert (env.name, env.purpose, env.spec) == ("PROD", "Production", "2 × 16 cores")


def test_x_keys_are_kept_as_plain_data(outlook: Outlook) -> None:
    assert outlook.extensions == {"x-theme": {"accent": "teal", "sizes": [1, 2.5], "on": True}}
    sizes = outlook.extensions["x-theme"]["sizes"]
    assert [type(size) for size in sizes] == [int, float]  # no YAML scalar subclasses left
    assert outlook.meta.extra == {"x-project-code": "HJ-1"}
    assert outlook.meta.prepared_by[0].extra == {"x-phone": "123"}
    assert outlook.by_id("t3").extra == {"x-color": "red"}
    assert outlook.by_id("t1").extra == {}
    assert outlook.scope_extra == {"x-note": "agreed with the board"}
    json.dumps(dict(outlook.extensions))  # JSON-ready
    with pytest.raises(TypeError):
        outlook.meta.extra["x-other"] = 1  # type: ignore[index]


def test_lookups(outlook: Outlook) -> None:
    o1, o2, _ = outlook.objectives
    t1, t2, t3, t4 = outlook.roadmap.tasks
    k1, k2 = outlook.evaluation.kpis[:2]
    assert outlook.by_id("t3") is t3
    assert outlook.by_id("p2") is outlook.roadmap.phases[1]
    assert outlook.by_id("m2") is outlook.roadmap.milestones[1]
    assert outlook.by_id("jwg") is outlook.resources.bodies[0]
    assert outlook.by_id("R3") is outlook.risks[2]
    assert outlook.by_id("S1") is outlook.scope_included[0]
    assert outlook.by_id("nope") is None
    assert outlook.objectives_for_driver("D1") == (o1, o2)
    assert outlook.objectives_for_driver("D2") == (o1,)
    assert outlook.objectives_for_driver("D3") == ()
    assert outlook.tasks_for_objective("O1") == (t1, t2)
    assert outlook.tasks_for_objective("O2") == (t2,)
    assert outlook.kpis_for_objective("O1") == (k1, k2)
    assert outlook.kpis_for_objective("O2") == (k2,)
    assert outlook.tasks_for_role("pm") == (t1, t3)
    assert outlook.tasks_for_role("vendor") == (t4,)
    assert outlook.tasks_for_role("nobody") == ()


def test_the_model_is_frozen(outlook: Outlook) -> None:
    task = outlook.roadmap.tasks[0]
    with pytest.raises(FrozenInstanceError):
        task.name = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        outlook.meta.title = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        outlook.roadmap = outlook.roadmap  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        outlook.resources.budget.total = 1  # type: ignore[union-attr,misc]
    assert isinstance(outlook.roadmap.tasks, tuple) and isinstance(outlook.background.challenges, tuple)
    assert isinstance(task, Task)
    assert repr(task) == "Task(id='t1')"  # short: no walk through the graph


def test_the_input_is_not_modified() -> None:
    data = full_spec()
    before = copy.deepcopy(data)
    build_outlook(data)
    assert data == before


def test_an_unresolved_reference_names_it() -> None:
    data = full_spec()
    data["roadmap"]["phases"][0]["tasks"][0]["owner"] = "ghost"
    with pytest.raises(ValueError, match="task t1 owner: unknown id 'ghost'"):
        build_outlook(data)
