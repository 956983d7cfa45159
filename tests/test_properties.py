"""Property: whatever YAML a user writes, outlookgen builds a document or exits 1 with error lines — never a traceback."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MINIMAL = yaml.safe_load((ROOT / "tests" / "specs" / "valid" / "minimal.yaml").read_text(encoding="utf-8"))
ERROR_LINE = re.compile(r"^.+?:\d+:\d+: error: .+?: .+$")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["PM", "T1", "O1", "D1", "P1", "no", "2026-02-30", "2026-03-02", "<= 1 day", "", "x-y"]),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


PATHS = [p for p in _paths(MINIMAL) if p]


@st.composite
def mutated_specs(draw):
    """The minimal valid spec with a few values replaced, keys dropped, or ids renamed."""
    data = copy.deepcopy(MINIMAL)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


yaml_noise = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>#'\" \n\t01.%@`,?~\\\u00e9\u4e2d")), max_size=200)


def _check(cli, tmp: Path, text: str) -> None:
    spec = tmp / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    code, _, err = cli("build", spec, "-o", tmp / "out", "-q")
    assert code in (0, 1)
    if code == 1:
        lines = err.splitlines()
        assert lines
        assert all(ERROR_LINE.match(line) for line in lines), err
    else:
        assert (tmp / "out" / "spec.md").is_file()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated_specs())
def test_any_mutated_spec_builds_or_fails_cleanly(cli, tmp_path, text):
    _check(cli, tmp_path, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_noise)
def test_any_yaml_text_builds_or_fails_cleanly(cli, tmp_path, text):
    _check(cli, tmp_path, text)
