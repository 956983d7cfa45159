"""Every lint rule against its case file: tests/lint/<CODE>.yaml (the sqlfluff rule-case style).

A case file names its ``rule`` and lists ``cases``. Each case either patches
tests/lint/base.yaml (a clean spec) or gives a whole ``spec`` of its own:

- ``set: {PATH: VALUE}`` sets a value (``roadmap.phases[0].tasks[1].owner``;
  ``risks[+]`` appends to a list), creating mappings on the way;
- ``unset: [PATH]`` removes a key or list entry;
- ``expect``: the findings of that rule only, in position order, each with
  ``path`` and optionally ``line``, ``column``, ``severity``, ``message`` and
  ``hint`` (substrings) — an empty list for a passing case;
- ``lang``: the language of the messages checked (default: the spec's);
- ``baseline``: a baseline file's data (``tasks``, ``milestones``, and a
  ``tolerance``), what ``outlookgen baseline`` or ``roadmap.baseline`` would
  give the plan.

Patched specs must still validate, so a case can never pass by accident on
a spec the linter would refuse.
"""

from __future__ import annotations

import copy
import itertools
import re

import pytest
import yaml
from conftest import ROOT

from outlookgen.lint import all_rules, lint_spec
from outlookgen.model import build_outlook
from outlookgen.model.baseline import DEFAULT_TOLERANCE, baseline_from_data
from outlookgen.spec.loader import load_text
from outlookgen.spec.validate import validate

CASES = ROOT / "tests" / "lint"
BASE = CASES / "base.yaml"
CASE_FILES = sorted(p for p in CASES.glob("OG*.yaml"))
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+|\+)\]")


def _steps(path: str) -> list:
    steps = []
    for match in _STEP.finditer(path):
        key, index = match.groups()
        steps.append(key if key is not None else ("+" if index == "+" else int(index)))
    return steps


def _set(data, path: str, value) -> None:
    steps = _steps(path)
    node = data
    for step, following in itertools.pairwise(steps):
        if isinstance(node, dict) and step not in node:
            node[step] = [] if isinstance(following, int) or following == "+" else {}
        node = node[step]
    last = steps[-1]
    if last == "+":
        node.append(value)
    else:
        node[last] = value


def _unset(data, path: str) -> None:
    steps = _steps(path)
    node = data
    for step in steps[:-1]:
        node = node[step]
    del node[steps[-1]]


def _spec_text(case: dict) -> str:
    if "spec" in case:
        return case["spec"]
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for path in case.get("unset", ()):
        _unset(data, path)
    for path, value in (case.get("set") or {}).items():
        _set(data, path, value)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _baseline(case: dict):
    if "baseline" not in case:
        return None
    data = case["baseline"]
    return baseline_from_data(data, "case.baseline.yaml", data.get("tolerance", DEFAULT_TOLERANCE))


def _cases():
    for case_file in CASE_FILES:
        document = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        for case in document["cases"]:
            yield pytest.param(document["rule"], case, id=f"{case_file.stem}: {case['name']}")


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_rule_case(code, case):
    spec = load_text(_spec_text(case), "case.yaml")
    problems = validate(spec)
    assert not problems, "the case's spec must be valid:\n" + "\n".join(p.format() for p in problems)
    outlook = build_outlook(spec.data, baseline=_baseline(case))
    findings = lint_spec(spec, outlook=outlook, lang=case.get("lang"), enabled={code})
    expected = case.get("expect") or []
    shown = "\n".join(f.format() for f in findings) or "(none)"
    assert [f.path for f in findings] == [e["path"] for e in expected], f"findings:\n{shown}"
    rule = next(r for r in all_rules() if r.code == code)
    for finding, want in zip(findings, expected, strict=True):
        assert finding.code == code
        assert finding.severity == want.get("severity", rule.severity)
        for key in ("line", "column"):
            if key in want:
                assert getattr(finding, key) == want[key], f"{key} of {finding.format()}"
        for key in ("message", "hint"):
            if key in want:
                assert want[key] in getattr(finding, key), f"{key} of {finding.format()}"


def test_the_base_spec_is_clean():
    spec = load_text(BASE.read_text(encoding="utf-8"), "base.yaml")
    assert not validate(spec)
    assert [f.format() for f in lint_spec(spec)] == []


def test_every_rule_has_passing_and_failing_cases():
    files = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in CASE_FILES}
    codes = {r.code for r in all_rules()}
    assert set(files) == codes, "one case file per rule, named after its code"
    for stem, document in files.items():
        assert document["rule"] == stem
        outcomes = {bool(case.get("expect")) for case in document["cases"]}
        assert outcomes == {True, False}, f"{stem} needs at least one passing and one failing case"
