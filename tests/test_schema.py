"""The JSON Schema for outlook specs: well-formed, documented, strict, and faithful to spec-format.md."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).parents[1] / "schemas" / "outlook.schema.json"
SCHEMA_TEXT = SCHEMA_PATH.read_text(encoding="utf-8")
SCHEMA = json.loads(SCHEMA_TEXT)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)

COMBINATORS = {
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
}

# The smallest document that satisfies every required key. Tasks need `start`
# or `after`, but that rule is checked in code, not by the schema, so the
# schema-minimal task has neither.
MINIMAL: dict[str, Any] = {
    "outlook": 1,
    "meta": {"title": "ERP outlook", "organization": "Acme", "date": "2026-03-01"},
    "background": {
        "current_state": "Orders are keyed by hand.",
        "challenges": ["Slow order processing"],
    },
    "drivers": [{"id": "D1", "pain_point": "Orders take 5 days"}],
    "objectives": [
        {
            "id": "O1",
            "statement": "Cut order time by 20%",
            "metric": "Order time",
            "target": "<= 4 days",
            "deadline": "2026-12-31",
        },
    ],
    "scope": {"included": [{"id": "S1", "name": "Sales"}]},
    "roadmap": {
        "phases": [
            {
                "id": "P1",
                "name": "Pilot",
                "tasks": [{"id": "T1", "name": "Blueprint", "duration": 4}],
            }
        ]
    },
    "resources": {"roles": [{"id": "PM", "title": "Project manager"}]},
    "risks": [{"id": "R1", "title": "Key users unavailable"}],
    "evaluation": {"kpis": [{"id": "K1", "name": "Order time", "target": "<= 4 days"}]},
}

# Every key of spec-format.md, used at least once. Items that carry no id in
# the spec (excluded, budget items, environments, evolution, revisions,
# appendices) deliberately have none here.
FULL: dict[str, Any] = {
    "outlook": 1,
    "include": ["shared/risks.yaml"],
    "meta": {
        "title": "ERP 实施工作展望",
        "subtitle": "Phase 2",
        "organization": "Acme Manufacturing",
        "prepared_by": [
            {"name": "Li Wei", "role": "Consultant", "email": "li.wei@example.com"},
            {"name": "Ann"},
        ],
        "date": "2026-03-01",
        "version": 1.1,
        "status": "review",
        "locale": "zh-CN",
        "confidentiality": "Internal",
        "revisions": [
            {
                "version": "0.9",
                "date": "2026-02-01",
                "author": "Li Wei",
                "changes": "First draft",
            },
            {"version": 1.0, "date": "2026-02-15", "changes": "Risks added"},
        ],
    },
    "background": {
        "current_state": "Orders are keyed in **three** systems.\n\n- SAP\n- Excel\n",
        "challenges": ["Slow orders", 42],
        "rationale": "Support for the old system ends in 2027.",
        "benefits": ["Faster close"],
    },
    "drivers": [
        {
            "id": "D1",
            "pain_point": "订单处理周期长达5天",
            "impact": "Lost orders",
            "priority": "high",
        },
        {"id": "D2", "pain_point": "Stock is unknown"},
    ],
    "objectives": [
        {
            "id": "O1",
            "statement": "订单处理周期缩短20%",
            "metric": "Average order time",
            "baseline": 5,
            "target": "<= 4 days",
            "deadline": "上线后3个月",
            "owner": "PM",
            "drivers": ["D1", "D2"],
        },
        {
            "id": "O2",
            "statement": "Stock accuracy",
            "metric": "Accuracy",
            "baseline": "80%",
            "target": 99,
            "deadline": "2026-12-31",
        },
    ],
    "scope": {
        "included": [
            {
                "id": "S-SD",
                "name": "Sales",
                "description": "Quote to cash",
                "phase": "P1",
            }
        ],
        "excluded": [
            {"name": "Warehouse", "reason": "New layout first", "deferred_to": "P2"},
            {"name": "HR"},
        ],
    },
    "roadmap": {
        "start": "2026-03-02",
        "unit": "week",
        "calendar": {
            "name": "中国标准日历",
            "preset": "CN",
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "holidays": ["2026-05-01"],
            "workdays": ["2026-02-14"],
        },
        "buffer": 2,
        "baseline": {"from": "plan.baseline.yaml", "tolerance": 5},
        "phases": [
            {
                "id": "P1",
                "name": "Pilot",
                "stage": "pilot",
                "goal": "Prove the order process",
                "objectives": ["O1"],
                "exit_criteria": ["Key users sign off"],
                "tasks": [
                    {
                        "id": "T1",
                        "name": "Blueprint",
                        "owner": "PM",
                        "start": 1,
                        "duration": 4,
                        "actual_start": "2026-03-02",
                        "actual_finish": "2026-03-27",
                        "deliverables": ["Blueprint document"],
                        "objectives": ["O1"],
                        "status": "in_progress",
                        "progress": 40.5,
                    },
                    {"id": "T2", "name": "Sign-off", "after": ["T1"], "duration": 0},
                ],
                "milestones": [
                    {
                        "id": "M1",
                        "name": "Blueprint done",
                        "after": ["T1"],
                        "description": "Design frozen",
                    },
                    {"id": "M2", "name": "Go-live", "at": 12},
                ],
            },
            {
                "id": "P2",
                "name": "Rollout",
                "stage": "rollout",
                "tasks": [{"id": "T3", "name": "Roll out", "start": 13, "duration": 8}],
            },
        ],
    },
    "resources": {
        "roles": [
            {
                "id": "PM",
                "title": "项目经理",
                "name": "Zhang Min",
                "side": "business",
                "allocation": 50,
                "responsibilities": ["Approve scope changes"],
            },
            {"id": "IT", "title": "IT lead", "side": "it", "allocation": 100.0},
        ],
        "bodies": [
            {
                "id": "JWG",
                "name": "联合工作组",
                "chair": "PM",
                "members": ["PM", "IT"],
                "cadence": "Weekly",
                "decides": ["Scope changes"],
            },
        ],
        "budget": {
            "currency": "CNY",
            "items": [
                {
                    "name": "Licences",
                    "category": "software",
                    "amount": 120000,
                    "phase": "P1",
                    "note": "3 years",
                },
                {"name": "Reserve", "category": "reserve", "amount": 0.0},
            ],
        },
        "environments": [
            {"name": "QAS", "purpose": "UAT", "spec": "8 vCPU"},
            {"name": "PRD"},
        ],
    },
    "risks": [
        {
            "id": "R1",
            "title": "Key users unavailable",
            "category": "people",
            "likelihood": "medium",
            "impact": "high",
            "owner": "PM",
            "trigger": "Two missed workshops",
            "mitigation": ["Book key users early"],
            "contingency": ["Backup key user"],
        },
    ],
    "evaluation": {
        "kpis": [
            {
                "id": "K1",
                "name": "Order time",
                "target": "<= 4 days",
                "baseline": "5 days",
                "frequency": "monthly",
                "owner": "PM",
                "objectives": ["O1"],
                "actuals": [
                    {"period": "2026-03", "value": 4.6},
                    {"period": "W12", "value": "4 days"},
                ],
            },
        ],
        "review": {
            "cadence": "biweekly",
            "method": "PDCA",
            "participants": ["PM", "JWG"],
            "time": "14:00-15:30 Asia/Shanghai",
        },
    },
    "change_management": {
        "communication": ["Monthly newsletter"],
        "champions": ["One key user per plant"],
        "training": {"coverage_target": ">= 95%", "plan": ["Train the trainer"]},
        "support": ["Hypercare for 4 weeks"],
    },
    "data_governance": {
        "cleansing": ["Remove duplicate customers"],
        "master_data": ["One owner per material group"],
        "migration": ["Two trial loads"],
    },
    "evolution": [
        {
            "horizon": "12 months",
            "initiative": "Demand forecasting",
            "value": "Less stock",
            "budget_reserve": 50000,
        },
        {"initiative": "Mobile app", "budget_reserve": " 10.5 % "},
    ],
    "appendices": [
        {"title": "Glossary", "body": "ERP: enterprise resource planning\n"},
        {"title": "Empty"},
    ],
    "review": [
        {
            "path": "/risks/0/title",
            "author": "Chen Li",
            "date": "2026-12-04T09:31:58Z",
            "text": "Who pays for the cleansing?",
            "resolved": False,
            "replies": [{"author": "Dana Whitfield", "date": "2026-12-05", "text": "The client."}],
        },
        {"author": "Ann", "text": "Looks good overall"},
    ],
}


# --------------------------------------------------------------------------- helpers


def subschemas(schema: dict, path: str = "$") -> Iterator[tuple[str, str, dict]]:
    """Yield (path, how it was reached, schema) for every schema nested in `schema`, itself included."""
    yield path, "root", schema
    for name, sub in schema.get("properties", {}).items():
        yield from _tagged(subschemas(sub, f"{path}.{name}"), "property")
    for name, sub in schema.get("$defs", {}).items():
        yield from _tagged(subschemas(sub, f"{path}.$defs.{name}"), "def")
    if isinstance(schema.get("items"), dict):
        yield from _tagged(subschemas(schema["items"], f"{path}[]"), "items")
    for pattern, sub in schema.get("patternProperties", {}).items():
        yield from _tagged(subschemas(sub, f"{path}.<{pattern}>"), "pattern")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _tagged(
            subschemas(schema["additionalProperties"], f"{path}.<additional>"),
            "pattern",
        )
    for keyword in ("oneOf", "anyOf", "allOf", "prefixItems"):
        for i, sub in enumerate(schema.get(keyword, [])):
            yield from _tagged(subschemas(sub, f"{path}.{keyword}[{i}]"), "combinator")
    for keyword in ("not", "if", "then", "else", "contains"):
        if isinstance(schema.get(keyword), dict):
            yield from _tagged(subschemas(schema[keyword], f"{path}.{keyword}"), "combinator")


def _tagged(nodes: Iterator[tuple[str, str, dict]], how: str) -> Iterator[tuple[str, str, dict]]:
    for path, reached, node in nodes:
        yield path, how if reached == "root" else reached, node


def schema_nodes() -> list[tuple[str, str, dict]]:
    return list(subschemas(SCHEMA))


def spec_properties() -> dict[str, dict]:
    """Property schemas keyed by their path in a spec (`roadmap.phases[].tasks[].duration`), $defs left out."""
    out = {}
    for path, how, node in schema_nodes():
        if how in ("property", "items") and ".$defs." not in path:
            out[path[2:]] = node
    return out


def document_paths(doc: Any, path: str = "") -> set[str]:
    """Every key path used in a document, lists of mappings written as `[]`, x- keys left out.

    Lists of scalars (text lists, id lists) come from shared `$defs`, so their items are not paths here.
    """
    found: set[str] = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key.startswith("x-"):
                continue
            sub = f"{path}.{key}" if path else key
            found.add(sub)
            found |= document_paths(value, sub)
    elif isinstance(doc, list):
        for value in doc:
            if isinstance(value, dict):
                found.add(f"{path}[]")
                found |= document_paths(value, f"{path}[]")
    return found


def errors(doc: Any) -> set[tuple[str, str]]:
    return {(e.json_path, e.validator) for e in VALIDATOR.iter_errors(doc)}


def with_change(doc: dict, dotted: str, value: Any) -> dict:
    """A deep copy of `doc` with the key at `dotted` (list indexes as numbers) set to `value`."""
    new = copy.deepcopy(doc)
    *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    node = new
    for part in parents:
        node = node[part]
    node[last] = value
    return new


def all_keys(doc: Any, trail: tuple = ()) -> Iterator[tuple]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield trail + (key,)
            yield from all_keys(value, trail + (key,))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from all_keys(value, trail + (i,))


def all_lists(doc: Any, trail: tuple = ()) -> Iterator[tuple]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from all_lists(value, trail + (key,))
    elif isinstance(doc, list):
        yield trail
        for i, value in enumerate(doc):
            yield from all_lists(value, trail + (i,))


def _parent(doc: Any, trail: tuple) -> Any:
    for part in trail[:-1]:
        doc = doc[part]
    return doc


# --------------------------------------------------------------------------- the schema itself


def test_schema_is_valid_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == "urn:outlookgen:schema:outlook:1"
    Draft202012Validator.check_schema(SCHEMA)


def test_file_is_pretty_printed_with_two_spaces_and_a_final_newline():
    assert json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n" == SCHEMA_TEXT


def test_walk_reaches_deep_properties():
    # Guards the walker used by the tests below: if it silently stopped early they would pass vacuously.
    props = spec_properties()
    assert "roadmap.phases[].tasks[].duration" in props
    assert "evaluation.kpis[].actuals[].value" in props
    assert len(schema_nodes()) > 150


def test_every_property_items_and_def_has_title_and_description():
    missing = [
        path
        for path, how, node in schema_nodes()
        if how in ("root", "property", "items", "def")
        and not (
            isinstance(node.get("title"), str)
            and node["title"].strip()
            and isinstance(node.get("description"), str)
            and node["description"].strip()
        )
    ]
    assert missing == []


def test_every_object_is_closed_but_allows_x_keys():
    objects = [
        (path, node) for path, _how, node in schema_nodes() if node.get("type") == "object" or "properties" in node
    ]
    assert len(objects) > 20
    # A value that is text or a mapping ({id, type, lag} or a plain id) is closed as a mapping.
    bad = [
        path
        for path, node in objects
        if node.get("type") not in ("object", ["string", "object"])
        or node.get("additionalProperties") is not False
        or node.get("patternProperties") != {"^x-": {}}
    ]
    assert bad == []


def test_no_combinators_anywhere():
    used = [
        (path, sorted(COMBINATORS & node.keys())) for path, _how, node in schema_nodes() if COMBINATORS & node.keys()
    ]
    assert used == []


def test_every_ref_resolves_and_every_def_is_used():
    defs = SCHEMA["$defs"]
    refs = {node["$ref"] for _path, _how, node in schema_nodes() if "$ref" in node}
    assert {r for r in refs if not r.startswith("#/$defs/") or r.removeprefix("#/$defs/") not in defs} == set()
    assert {f"#/$defs/{name}" for name in defs} == refs


def test_shared_shapes():
    defs = SCHEMA["$defs"]
    assert defs["text"]["type"] == ["string", "number"]
    assert defs["target"]["type"] == ["string", "number"]
    assert defs["id"]["pattern"] == "^[A-Za-z][A-Za-z0-9_.-]*$"
    assert (defs["date"]["format"], defs["date"]["pattern"]) == (
        "date",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    )


def test_top_level_keys_follow_the_spec_document_order():
    assert list(SCHEMA["properties"]) == [
        "outlook",
        "include",
        "meta",
        "background",
        "drivers",
        "objectives",
        "scope",
        "roadmap",
        "resources",
        "risks",
        "evaluation",
        "change_management",
        "data_governance",
        "evolution",
        "appendices",
        "review",
    ]


def test_schema_keys_match_the_keys_of_the_full_example():
    # FULL uses every key of spec-format.md once; the schema must know exactly those.
    assert set(spec_properties()) == document_paths(FULL)


EXPECTED_REQUIRED = {
    "": {
        "outlook",
        "meta",
        "background",
        "drivers",
        "objectives",
        "scope",
        "roadmap",
        "resources",
        "risks",
        "evaluation",
    },
    "meta": {"title", "organization", "date"},
    "meta.prepared_by[]": {"name"},
    "meta.revisions[]": {"version", "date", "changes"},
    "background": {"current_state", "challenges"},
    "drivers[]": {"id", "pain_point"},
    "objectives[]": {"id", "statement", "metric", "target", "deadline"},
    "scope": {"included"},
    "scope.included[]": {"id", "name"},
    "scope.excluded[]": {"name"},
    "roadmap": {"phases"},
    "roadmap.calendar": set(),
    "roadmap.phases[]": {"id", "name", "tasks"},
    "roadmap.phases[].tasks[]": {"id", "name", "duration"},
    "roadmap.phases[].milestones[]": {"id", "name"},
    "resources": {"roles"},
    "resources.roles[]": {"id", "title"},
    "resources.bodies[]": {"id", "name"},
    "resources.budget": set(),
    "resources.budget.items[]": {"name", "amount"},
    "resources.environments[]": {"name"},
    "risks[]": {"id", "title"},
    "evaluation": {"kpis"},
    "evaluation.kpis[]": {"id", "name", "target"},
    "evaluation.kpis[].actuals[]": {"period", "value"},
    "evaluation.review": set(),
    "change_management": set(),
    "change_management.training": set(),
    "data_governance": set(),
    "evolution[]": {"initiative"},
    "appendices[]": {"title"},
    "review[]": {"author", "text"},
    "review[].replies[]": set(),
}


def test_required_keys_are_exactly_those_of_the_spec():
    found = {"": set(SCHEMA["required"])}
    for path, node in spec_properties().items():
        if node.get("type") == "object":
            found[path] = set(node.get("required", []))
    assert found == EXPECTED_REQUIRED


EXPECTED_ENUMS = {
    "meta.status": (["draft", "review", "approved"], "draft"),
    "meta.locale": (["en", "zh-CN"], "en"),
    "drivers[].priority": (["high", "medium", "low"], "medium"),
    "roadmap.unit": (["week", "day"], "week"),
    "roadmap.phases[].stage": (["pilot", "rollout", "deepen", "other"], None),
    "roadmap.phases[].tasks[].status": (
        ["planned", "in_progress", "done", "blocked", "cancelled"],
        "planned",
    ),
    "resources.roles[].side": (["business", "it", "vendor", "external"], None),
    "resources.budget.items[].category": (
        [
            "software",
            "hardware",
            "services",
            "people",
            "training",
            "contingency",
            "reserve",
            "other",
        ],
        None,
    ),
    "risks[].category": (
        [
            "people",
            "data",
            "integration",
            "technical",
            "schedule",
            "budget",
            "vendor",
            "other",
        ],
        None,
    ),
    "risks[].likelihood": (["low", "medium", "high"], None),
    "risks[].impact": (["low", "medium", "high"], None),
    "evaluation.kpis[].frequency": (["weekly", "monthly", "quarterly"], None),
    "evaluation.review.cadence": (["weekly", "biweekly", "monthly", "quarterly"], None),
}


def test_enums_and_their_defaults_are_those_of_the_spec():
    found = {path: (node["enum"], node.get("default")) for path, node in spec_properties().items() if "enum" in node}
    assert found == EXPECTED_ENUMS


def test_text_defaults():
    props = spec_properties()
    assert props["meta.version"]["default"] == "1.0"
    assert props["evaluation.review.method"]["default"] == "PDCA"


# --------------------------------------------------------------------------- documents that pass


def test_minimal_spec_is_valid():
    assert errors(MINIMAL) == set()


def test_full_spec_is_valid():
    assert errors(FULL) == set()


def test_minimal_spec_is_minimal_every_key_is_required():
    for trail in all_keys(MINIMAL):
        doc = copy.deepcopy(MINIMAL)
        del _parent(doc, trail)[trail[-1]]
        assert errors(doc), f"removing {trail} still validates"


def test_every_list_in_the_minimal_spec_must_not_be_empty():
    for trail in all_lists(MINIMAL):
        doc = copy.deepcopy(MINIMAL)
        _parent(doc, trail)[trail[-1]] = []
        assert any(v == "minItems" for _p, v in errors(doc)), f"empty {trail} still validates"


@pytest.mark.parametrize(
    ("where", "json_path"),
    [
        ((), "$"),
        (("meta",), "$.meta"),
        (("roadmap", "phases", 0, "tasks", 0), "$.roadmap.phases[0].tasks[0]"),
    ],
)
def test_x_keys_are_accepted(where, json_path):
    doc = copy.deepcopy(MINIMAL)
    node = doc
    for part in where:
        node = node[part]
    node["x-internal"] = {"anything": [1, True, None]}
    assert errors(doc) == set()
    node["y-internal"] = 1  # the same place refuses keys without the x- prefix
    assert errors(doc) == {(json_path, "additionalProperties")}


@pytest.mark.parametrize(
    ("dotted", "value"),
    [
        ("meta.version", 1.10),
        ("meta.title", 2026),
        ("evolution.0.budget_reserve", "10%"),
        ("evolution.0.budget_reserve", 0),
        ("roadmap.phases.0.tasks.0.duration", 10000),
        ("roadmap.phases.0.tasks.0.start", 1),
        ("roadmap.buffer", 0),
        ("objectives.0.deadline", "2026-12-31"),
        ("resources.roles.0.allocation", 0),
        ("drivers.0.id", "P1-pilot_v2.0"),
    ],
)
def test_edge_values_pass(dotted, value):
    doc = copy.deepcopy(MINIMAL)
    doc["evolution"] = [{"initiative": "BI"}]
    assert errors(with_change(doc, dotted, value)) == set()


# --------------------------------------------------------------------------- documents that fail, and where


@pytest.mark.parametrize(
    ("dotted", "value", "path", "keyword"),
    [
        (
            "roadmap.phases.0.tasks.0.duration",
            10001,
            "$.roadmap.phases[0].tasks[0].duration",
            "maximum",
        ),
        (
            "roadmap.phases.0.tasks.0.duration",
            -1,
            "$.roadmap.phases[0].tasks[0].duration",
            "minimum",
        ),
        (
            "roadmap.phases.0.tasks.0.duration",
            2.5,
            "$.roadmap.phases[0].tasks[0].duration",
            "type",
        ),
        (
            "roadmap.phases.0.tasks.0.start",
            0,
            "$.roadmap.phases[0].tasks[0].start",
            "minimum",
        ),
        ("roadmap.buffer", -1, "$.roadmap.buffer", "minimum"),
        (
            "roadmap.phases.0.milestones",
            [{"id": "M1", "name": "Go-live", "at": 0}],
            "$.roadmap.phases[0].milestones[0].at",
            "minimum",
        ),
        (
            "roadmap.phases.0.milestones",
            [{"id": "M1", "name": "Go-live", "at": 10001}],
            "$.roadmap.phases[0].milestones[0].at",
            "maximum",
        ),
        (
            "roadmap.phases.0.tasks.0.progress",
            100.5,
            "$.roadmap.phases[0].tasks[0].progress",
            "maximum",
        ),
        ("roadmap.unit", "month", "$.roadmap.unit", "enum"),
        ("drivers.0.id", "1abc", "$.drivers[0].id", "pattern"),
        ("drivers.0.id", "D 1", "$.drivers[0].id", "pattern"),
        ("meta.status", "done", "$.meta.status", "enum"),
        ("meta.title", True, "$.meta.title", "type"),
        ("background.challenges", [False], "$.background.challenges[0]", "type"),
        ("drivers", [], "$.drivers", "minItems"),
        ("meta.date", "2026-02-30", "$.meta.date", "format"),
        ("meta.date", "2026-3-1", "$.meta.date", "pattern"),
        (
            "meta.prepared_by",
            [{"name": "Li", "email": "li.example.com"}],
            "$.meta.prepared_by[0].email",
            "format",
        ),
        (
            "resources.roles.0.allocation",
            101,
            "$.resources.roles[0].allocation",
            "maximum",
        ),
        (
            "resources.budget",
            {"currency": "usd"},
            "$.resources.budget.currency",
            "pattern",
        ),
        (
            "resources.budget",
            {"items": [{"name": "x", "amount": -5}]},
            "$.resources.budget.items[0].amount",
            "minimum",
        ),
        ("outlook", 2, "$.outlook", "const"),
        ("outlook", "1", "$.outlook", "type"),
        ("objectives.0.owner", 7, "$.objectives[0].owner", "type"),
    ],
)
def test_bad_value_fails_at_its_path(dotted, value, path, keyword):
    assert (path, keyword) in errors(with_change(MINIMAL, dotted, value))


@pytest.mark.parametrize(
    ("value", "keyword"),
    [("ten percent", "pattern"), ("10", "pattern"), (-1, "minimum"), (True, "type")],
)
def test_bad_budget_reserve(value, keyword):
    doc = copy.deepcopy(MINIMAL)
    doc["evolution"] = [{"initiative": "BI", "budget_reserve": value}]
    assert errors(doc) == {("$.evolution[0].budget_reserve", keyword)}


def test_misspelled_top_level_key_is_refused():
    doc = copy.deepcopy(MINIMAL)
    doc["objectivs"] = doc.pop("objectives")
    found = list(VALIDATOR.iter_errors(doc))
    assert {(e.json_path, e.validator) for e in found} == {
        ("$", "additionalProperties"),
        ("$", "required"),
    }
    assert any("objectivs" in e.message for e in found if e.validator == "additionalProperties")


def test_unknown_key_deep_inside_is_refused():
    doc = with_change(MINIMAL, "roadmap.phases.0.tasks.0.owners", "PM")
    assert errors(doc) == {("$.roadmap.phases[0].tasks[0]", "additionalProperties")}


def test_outlook_must_be_present():
    doc = copy.deepcopy(MINIMAL)
    del doc["outlook"]
    assert errors(doc) == {("$", "required")}


def test_ids_are_not_required_where_the_spec_says_so_but_refused_elsewhere():
    # Excluded items carry no id in the spec, so an id there is an unknown key.
    doc = copy.deepcopy(MINIMAL)
    doc["scope"]["excluded"] = [{"id": "X1", "name": "HR"}]
    assert errors(doc) == {("$.scope.excluded[0]", "additionalProperties")}
