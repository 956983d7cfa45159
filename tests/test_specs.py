"""Folders of valid and invalid specs: each invalid one yields exactly the lines in its .errors file.

Add a case by dropping NAME.yaml (and for invalid ones NAME.errors, the
expected lines without the file name) into tests/specs/valid or invalid.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLE_FILES

from outlookgen.project.pipeline import validate_files

SPECS = ROOT / "tests" / "specs"
VALID = (
    sorted((SPECS / "valid").glob("*.yaml")) + SAMPLE_FILES + sorted((ROOT / "outlookgen" / "starters").glob("*.yaml"))
)
INVALID = sorted((SPECS / "invalid").glob("*.yaml"))


@pytest.mark.parametrize("spec", VALID, ids=lambda p: p.name)
def test_valid_spec_has_no_problems(spec):
    [(_, problems)] = validate_files([spec])
    assert [p.format() for p in problems] == []


@pytest.mark.parametrize("spec", INVALID, ids=lambda p: p.name)
def test_invalid_spec_reports_exactly_the_expected_lines(spec):
    expected = spec.with_suffix(".errors").read_text(encoding="utf-8").splitlines()
    assert expected, f"{spec.name} needs a non-empty {spec.stem}.errors"
    [(_, problems)] = validate_files([spec])
    assert [f"{p.line}:{p.column}: {p.severity}: {p.path}: {p.message}" for p in problems] == expected
    assert all(p.file == str(spec) for p in problems)


def test_every_invalid_case_has_its_expectations():
    orphans = {p.stem for p in (SPECS / "invalid").glob("*.errors")} ^ {p.stem for p in INVALID}
    assert not orphans
