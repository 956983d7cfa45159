"""The spec schema's $refs are inlined for speed (spec/schema.py): the check must say exactly what it said."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from outlookgen.package_data import schema
from outlookgen.spec.schema import SPEC_SCHEMA, _inline_refs, validator


def _errors(checker, data) -> list[tuple]:
    """What schema_problems reads of each error: its keyword, place, message and the schema's words."""
    return sorted((e.validator, tuple(e.absolute_path), e.message, _words(e.schema)) for e in checker.iter_errors(data))


def _words(at: dict) -> tuple:
    properties = at.get("properties", {})
    titles = sorted((key, value.get("title")) for key, value in properties.items())
    return at.get("title"), titles, sorted(at.get("patternProperties", {}))


BROKEN = [
    {},
    {"outlook": 2, "meta": {"title": True, "date": "2026-13-40", "locale": 5, "nmae": "x"}},
    {
        "outlook": 1,
        "meta": {"title": "T", "date": "2026-01-05"},
        "roadmap": {
            "start": "someday",
            "phases": [
                {"id": "1bad", "name": ["x"], "tasks": [{"id": "T1", "duration": "3 days", "after": [{"lag": "x"}]}]},
                {"id": "P2", "tasks": "none", "milestones": [{"id": "M1", "at": "x", "extra": 1}]},
            ],
        },
        "resources": {"roles": [{"id": "R1"}, {"title": None}], "budget": {"currency": "usd", "items": [{}]}},
        "risks": [{"id": "X", "likelihood": "often", "owner": []}],
        "objectives": [{"id": "O1", "deadline": "soon", "target": {}}],
        "review": [{"path": "no-slash", "date": "yesterday"}],
    },
]


@pytest.mark.parametrize("data", BROKEN)
def test_inlined_schema_finds_the_same_errors_as_the_schema_as_written(data):
    plain = Draft202012Validator(schema(SPEC_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert _errors(validator(), data) == _errors(plain, data)
    assert _errors(plain, data)  # the documents are broken: something is compared


def test_every_ref_to_a_definition_is_inlined_and_the_packaged_schema_is_untouched():
    packaged = schema(SPEC_SCHEMA)
    before = copy.deepcopy(packaged)
    inlined = _inline_refs(packaged)
    assert packaged == before
    assert '"$ref"' in json.dumps(packaged) and '"$ref"' not in json.dumps(inlined)


def test_a_recursive_ref_stays_a_ref():
    tree = {
        "$defs": {
            "node": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}
        },
        "properties": {
            "root": {"$ref": "#/$defs/node", "title": "Root"},
            "enum_data": {"enum": [{"$ref": "#/$defs/node"}]},
        },
    }
    inlined = _inline_refs(tree)
    root = inlined["properties"]["root"]
    assert root["title"] == "Root" and root["allOf"][0]["properties"]["kids"]["items"] == {"$ref": "#/$defs/node"}
    assert inlined["properties"]["enum_data"] == {"enum": [{"$ref": "#/$defs/node"}]}  # data, not a schema
    bad = {"root": {"kids": [{"kids": [{"kids": 3}]}]}}
    assert _errors(Draft202012Validator(inlined), bad) == _errors(Draft202012Validator(tree), bad)
