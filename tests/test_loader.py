"""The spec loader: YAML -> plain data + source map, refusing hostile or broken input with located errors.

Every behaviour is checked with libyaml's parser and with PyYAML's pure-Python
parser (the ``loader`` fixture), which must give identical results.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outlookgen.errors import Diagnostic, SpecError
from outlookgen.spec.loader import (
    Limits,
    LoadedSpec,
    SourceMap,
    load_spec,
    load_text,
    peek_is_spec,
)
from outlookgen.spec.scalars import ScalarFloat, ScalarInt
from outlookgen.spec.yaml_events import loader_class as _loader_class

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

LOADERS = [
    pytest.param(
        "c",
        marks=pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml"),
    ),
    "py",
]


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest) -> type:
    return yaml.CSafeLoader if request.param == "c" else yaml.SafeLoader


# --------------------------------------------------------------------------- helpers


def write(tmp_path: Path, content: str | bytes, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = textwrap.dedent(content).encode("utf-8")
    path.write_bytes(content)
    return path


def load(tmp_path: Path, content: str | bytes, loader: type, **kw: Any) -> LoadedSpec:
    return load_spec(write(tmp_path, content), name="spec.yaml", _loader=loader, **kw)


def errors(tmp_path: Path, content: str | bytes, loader: type, **kw: Any) -> tuple[Diagnostic, ...]:
    with pytest.raises(SpecError) as info:
        load(tmp_path, content, loader, **kw)
    return info.value.diagnostics


def one_error(tmp_path: Path, content: str | bytes, loader: type, **kw: Any) -> Diagnostic:
    diags = errors(tmp_path, content, loader, **kw)
    assert len(diags) == 1, diags
    return diags[0]


def where(diag: Diagnostic) -> tuple[int, int, str]:
    return (diag.line, diag.column, diag.path)


def walk(data: Any, path: tuple = ()) -> list[tuple]:
    """Every path in the data, root first."""
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += walk(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += walk(v, (*path, i))
    return out


def snapshot(spec: LoadedSpec) -> tuple:
    """Everything a consumer can see of a loaded spec, for comparing the two parsers."""
    src = spec.source
    positions = [(p, src.value(p), src.key(p), src.raw(p)) for p in walk(spec.data)]
    sources = [(p, getattr(v, "source", None)) for p, v in zip(walk(spec.data), _values(spec.data), strict=True)]
    return (spec.file, spec.data, positions, sources, spec.problems, spec.reported)


def _values(data: Any) -> list:
    out = [data]
    if isinstance(data, dict):
        for v in data.values():
            out += _values(v)
    elif isinstance(data, list):
        for v in data:
            out += _values(v)
    return out


# --------------------------------------------------------------------------- data and positions

BASIC = """\
outlook: 1
meta:
  title: ERP outlook
  organization: "Acme"
  tags: [a, 'b', c]
roadmap:
  phases:
    - id: P1
      tasks:
        - id: T1
          owner: PM
        - {id: T2, owner: IT}
    - id: P2
"""


def test_basic_mapping_data_and_positions(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, BASIC, loader)
    assert spec.file == "spec.yaml"
    assert spec.data == {
        "outlook": 1,
        "meta": {"title": "ERP outlook", "organization": "Acme", "tags": ["a", "b", "c"]},
        "roadmap": {
            "phases": [
                {"id": "P1", "tasks": [{"id": "T1", "owner": "PM"}, {"id": "T2", "owner": "IT"}]},
                {"id": "P2"},
            ]
        },
    }
    assert spec.problems == ()
    assert spec.reported == frozenset()
    src = spec.source
    assert isinstance(src, SourceMap)
    assert src.value(()) == (1, 1)
    assert src.value(("outlook",)) == (1, 10)
    assert src.key(("outlook",)) == (1, 1)
    # a block mapping's position is its first key's
    assert src.value(("meta",)) == (3, 3)
    assert src.key(("meta",)) == (2, 1)
    assert src.value(("meta", "organization")) == (4, 17)
    assert src.key(("meta", "organization")) == (4, 3)
    assert src.value(("meta", "tags")) == (5, 9)
    assert src.value(("meta", "tags", 1)) == (5, 13)
    assert src.value(("roadmap", "phases")) == (8, 5)
    assert src.value(("roadmap", "phases", 0)) == (8, 7)
    assert src.value(("roadmap", "phases", 1)) == (13, 7)
    assert src.value(("roadmap", "phases", 0, "tasks", 0, "owner")) == (11, 18)
    assert src.key(("roadmap", "phases", 0, "tasks", 0, "owner")) == (11, 11)
    assert src.value(("roadmap", "phases", 0, "tasks", 1)) == (12, 11)
    assert src.value(("roadmap", "phases", 0, "tasks", 1, "owner")) == (12, 27)
    assert src.key(("roadmap", "phases", 0, "tasks", 1, "owner")) == (12, 20)
    # absent paths fall back to the nearest existing ancestor; key() falls back to value()
    assert src.value(("roadmap", "phases", 1, "tasks")) == (13, 7)
    assert src.value(("nope", "deeper")) == (1, 1)
    assert src.key(("roadmap", "phases", 0)) == (8, 7)
    assert src.value(["meta", "title"]) == (3, 10)  # any sequence works as a path
    # raw() is only for plain scalars that did not become str
    assert src.raw(("outlook",)) == "1"
    assert src.raw(("meta", "title")) is None
    assert src.raw(("meta", "organization")) is None


def test_both_parsers_give_identical_results(tmp_path: Path) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    text = BASIC + textwrap.dedent(
        """\
        numbers: {v: 1.10, mode: 0755, big: 1_000, sexa: 1:30, neg: -2.5e+3, flag: no}
        dates: [2026-01-05, '2026-01-05', 2026-02-30, 2026-01-05 10:30:00]
        odd: [.nan, "\\x07", ~, null, '']
        defaults: &d {status: planned, progress: 0}
        tasks:
          - <<: *d
            id: T9
            progress: 50
          - *d
        1: one
        meta2: {a: 1, a: 2}
        """
    )
    c = load(tmp_path, text, yaml.CSafeLoader)
    py = load(tmp_path, text, yaml.SafeLoader)
    assert snapshot(c) == snapshot(py)
    assert len(c.problems) == 4


# --------------------------------------------------------------------------- scalars


def test_numbers_keep_their_source_text(tmp_path: Path, loader: type) -> None:
    spec = load(
        tmp_path,
        """\
        meta:
          version: 1.10
          mode: 0755
          count: 1_000
          hex: 0x1F
          plain: 7
          quoted: "1.10"
        """,
        loader,
    )
    meta = spec.data["meta"]
    assert type(meta["version"]) is ScalarFloat
    assert meta["version"] == 1.1
    assert meta["version"].source == "1.10"
    assert type(meta["mode"]) is ScalarInt
    assert meta["mode"] == 0o755
    assert meta["mode"].source == "0755"
    assert meta["count"] == 1000
    assert meta["count"].source == "1_000"
    assert meta["hex"] == 31
    assert meta["hex"].source == "0x1F"
    assert type(meta["plain"]) is ScalarInt
    assert meta["quoted"] == "1.10"
    assert type(meta["quoted"]) is str
    assert spec.source.raw(("meta", "version")) == "1.10"
    assert spec.source.raw(("meta", "mode")) == "0755"
    assert spec.source.raw(("meta", "quoted")) is None


def test_explicit_core_tags_convert(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, 'a: !!str 12\nb: !!int "12"\nc: !!float 3\nd: ! 5\ne: !!null x\n', loader)
    assert spec.data == {"a": "12", "b": 12, "c": 3.0, "d": "5", "e": None}
    assert type(spec.data["b"]) is ScalarInt
    assert spec.data["b"].source == "12"
    assert spec.source.raw(("b",)) is None  # quoted
    assert spec.source.raw(("c",)) == "3"


def test_yaml11_booleans_and_null_keep_raw_text(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "a: no\nb: yes\nc: on\nd: off\ne: True\nf: ~\ng:\nh: 'no'\n", loader)
    assert spec.data == {"a": False, "b": True, "c": True, "d": False, "e": True, "f": None, "g": None, "h": "no"}
    raw = spec.source.raw
    assert [raw((k,)) for k in "abcdefgh"] == ["no", "yes", "on", "off", "True", "~", "", None]


def test_dates_become_iso_strings(tmp_path: Path, loader: type) -> None:
    spec = load(
        tmp_path,
        """\
        plain: 2026-03-01
        quoted: "2026-03-01"
        single: '2026-03-01'
        stamp: 2026-03-01 10:30:00
        zoned: 2026-03-01T10:30:00+02:00
        """,
        loader,
    )
    assert spec.data == {
        "plain": "2026-03-01",
        "quoted": "2026-03-01",
        "single": "2026-03-01",
        "stamp": "2026-03-01T10:30:00",
        "zoned": "2026-03-01T10:30:00+02:00",
    }
    assert spec.source.raw(("plain",)) == "2026-03-01"
    assert spec.source.raw(("quoted",)) is None
    assert spec.problems == ()


def test_impossible_date_is_a_located_problem(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "meta:\n  title: x\n  date: 2026-02-30\n", loader)
    assert spec.data["meta"]["date"] == "2026-02-30"
    (diag,) = spec.problems
    assert (diag.file, diag.line, diag.column, diag.path) == ("spec.yaml", 3, 9, "meta.date")
    assert diag.message == "2026-02-30 is not a real date"
    assert diag.severity == "error"
    assert spec.reported == frozenset({("meta", "date")})


def test_nan_and_inf_are_problems(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "a: .nan\nb: -.inf\nc: .Inf\nd: 1.0e+999\ne: 1.5\n", loader)
    assert spec.data == {"a": ".nan", "b": "-.inf", "c": ".Inf", "d": "1.0e+999", "e": 1.5}
    assert [(d.line, d.column, d.path, d.message) for d in spec.problems] == [
        (1, 4, "a", "'.nan' is not a usable number"),
        (2, 4, "b", "'-.inf' is not a usable number"),
        (3, 4, "c", "'.Inf' is not a usable number"),
        (4, 4, "d", "'1.0e+999' is not a usable number"),
    ]
    assert spec.reported == frozenset({("a",), ("b",), ("c",), ("d",)})


def test_int_too_long_is_a_problem_not_a_crash(tmp_path: Path, loader: type) -> None:
    digits = "9" * 5000
    spec = load(tmp_path, f"a: 1\nb: {digits}\n", loader)
    assert spec.data["b"] == digits
    (diag,) = spec.problems
    assert where(diag) == (2, 4, "b")
    assert "too long" in diag.message
    assert spec.reported == frozenset({("b",)})


def test_explicitly_tagged_nonsense_is_a_problem(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "a: !!int abc\nb: !!bool maybe\nc: !!timestamp soon\n", loader)
    assert spec.data == {"a": "abc", "b": "maybe", "c": "soon"}
    assert [(d.line, d.column, d.path, d.message) for d in spec.problems] == [
        (1, 4, "a", "'abc' is not a valid int"),
        (2, 4, "b", "'maybe' is not a valid bool"),
        (3, 4, "c", "'soon' is not a date"),
    ]


def test_control_characters_in_text_are_problems(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, 'a: ok\nb: "bell\\x07"\nc: [fine, "x\\u001b"]\n"k\\x01": 1\n', loader)
    assert spec.data == {"a": "ok", "b": "bell\x07", "c": ["fine", "x\x1b"], "k\x01": 1}
    assert [(d.line, d.column, d.path, d.message) for d in spec.problems] == [
        (2, 4, "b", "text contains U+0007 (a control character Word and HTML cannot hold); remove it"),
        (3, 11, "c[1]", "text contains U+001B (a control character Word and HTML cannot hold); remove it"),
        (4, 1, '["k\x01"]', "key contains U+0001 (a control character Word and HTML cannot hold); remove it"),
    ]
    assert spec.reported == frozenset({("b",), ("c", 1), ("k\x01",)})


def test_tabs_newlines_and_del_are_fine(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, 'a: "x\\ty\\nz\\r\\x7f"\n', loader)
    assert spec.data == {"a": "x\ty\nz\r\x7f"}
    assert spec.problems == ()


def test_lone_surrogate_and_noncharacter_are_problems(tmp_path: Path, loader: type) -> None:
    # libyaml refuses "\ud800" outright; the loader then reads the file with
    # PyYAML's parser, so both report the same non-fatal problem.
    spec = load(tmp_path, 'a: 1\nb: "x\\ud800"\nc: "\\uffff"\n', loader)
    assert spec.data == {"a": 1, "b": "x\ud800", "c": "\uffff"}
    assert [(d.line, d.column, d.path, d.message) for d in spec.problems] == [
        (2, 4, "b", "text contains U+D800 (a lone surrogate Word and HTML cannot hold); remove it"),
        (3, 4, "c", "text contains U+FFFF (a noncharacter Word and HTML cannot hold); remove it"),
    ]
    assert spec.reported == frozenset({("b",), ("c",)})


def test_escape_outside_unicode_is_a_syntax_error(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, 'a: "x\\U00110000"\n', loader)
    assert where(diag) == (1, 8, "$")
    assert diag.message == "YAML syntax: the escape \\U00110000 is not a Unicode character"


# --------------------------------------------------------------------------- keys


def test_duplicate_key_keeps_first_and_names_both_lines(tmp_path: Path, loader: type) -> None:
    spec = load(
        tmp_path,
        """\
        outlook: 1

        meta:
          title: first
        other: 2
        meta:
          title: second
          extra: [1, 2]
        """,
        loader,
    )
    assert spec.data == {"outlook": 1, "meta": {"title": "first"}, "other": 2}
    (diag,) = spec.problems
    assert where(diag) == (6, 1, "meta")
    assert diag.message == "duplicate key 'meta' (first at line 3)"
    # the source map still describes the first (kept) value
    assert spec.source.key(("meta",)) == (3, 1)
    assert spec.source.value(("meta", "title")) == (4, 10)
    assert spec.source.value(("meta", "extra")) == (4, 3)  # not in the data: nearest ancestor
    assert spec.reported == frozenset()


def test_duplicate_nested_key(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "meta:\n  title: a\n  date: 2026-01-01\n  title: b\n", loader)
    assert spec.data == {"meta": {"title": "a", "date": "2026-01-01"}}
    (diag,) = spec.problems
    assert where(diag) == (4, 3, "meta.title")
    assert diag.message == "duplicate key 'title' (first at line 2)"


def test_non_string_keys_become_their_source_text(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "1: a\nyes: b\n2026-01-01: c\n1.50: d\n~: e\n'7': f\n", loader)
    assert spec.data == {"1": "a", "yes": "b", "2026-01-01": "c", "1.50": "d", "~": "e", "7": "f"}
    assert all(type(k) is str for k in spec.data)
    assert spec.source.key(("2026-01-01",)) == (3, 1)
    assert spec.source.value(("2026-01-01",)) == (3, 13)


def test_mapping_or_list_as_key_is_fatal(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "ok: 1\n? [a, b]\n: 1\n", loader)
    assert where(diag) == (2, 3, "$")
    assert diag.message == "a key must be plain text, not a mapping or a list"
    diag = one_error(tmp_path, "meta:\n  {a: 1}: 2\n", loader)
    assert where(diag) == (2, 3, "meta")


# --------------------------------------------------------------------------- aliases and merges


def test_aliases_within_budget_give_independent_copies(tmp_path: Path, loader: type) -> None:
    spec = load(
        tmp_path,
        """\
        base: &b
          owner: PM
          deliverables: [plan, charter]
        tasks:
          - *b
          - *b
        who: &w PMO
        also: *w
        """,
        loader,
    )
    tasks = spec.data["tasks"]
    assert tasks[0] == tasks[1] == spec.data["base"]
    assert tasks[0] is not tasks[1]
    assert tasks[0] is not spec.data["base"]
    assert tasks[0]["deliverables"] is not tasks[1]["deliverables"]
    tasks[0]["deliverables"].append("x")
    assert spec.data["base"]["deliverables"] == ["plan", "charter"]
    assert spec.data["also"] == "PMO"
    src = spec.source
    # the alias itself is where it is used; what it expands to is where it was written
    assert src.value(("tasks", 1)) == (6, 5)
    assert src.value(("tasks", 1, "owner")) == (2, 10)
    assert src.key(("tasks", 1, "owner")) == (2, 3)
    assert src.value(("tasks", 1, "deliverables", 1)) == (3, 24)
    assert src.value(("also",)) == (8, 7)
    assert src.value(("base",)) == (1, 7)  # a node with an anchor starts at the anchor


def test_aliased_scalars_keep_raw_and_source(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "v: &v 1.10\nf: &f no\nw: *v\ng: *f\n", loader)
    assert spec.data["w"].source == "1.10"
    assert spec.source.raw(("w",)) == "1.10"
    assert spec.source.raw(("g",)) == "no"
    assert spec.source.value(("w",)) == (3, 4)


def test_alias_budget_is_exact(tmp_path: Path, loader: type) -> None:
    text = "a: &a [1, 2, 3, 4]\nb: [*a, *a]\n"  # each alias adds 5 nodes
    assert load(tmp_path, text, loader, limits=Limits(max_alias_nodes=10)).data["b"][1] == [1, 2, 3, 4]
    diag = one_error(tmp_path, text, loader, limits=Limits(max_alias_nodes=9))
    assert where(diag) == (2, 9, "b[1]")
    assert diag.message == "aliases expand past 9 nodes (limit); a spec this repetitive is refused to protect the build"


def test_undefined_and_recursive_aliases(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "a: 1\nb: *nope\n", loader)
    assert where(diag) == (2, 4, "b")
    assert diag.message == "alias '*nope' has no anchor '&nope' before it"
    diag = one_error(tmp_path, "a: &x\n  b: [1, *x]\n", loader)
    assert where(diag) == (2, 10, "a.b[1]")
    assert "inside its own anchor" in diag.message


LOL = "abcdefghij"
BILLION_LAUGHS = "a: &a lol\n" + "".join(
    f"{LOL[i]}: &{LOL[i]} [{', '.join([f'*{LOL[i - 1]}'] * 10)}]\n" for i in range(1, 10)
)


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    assert 350 <= len(BILLION_LAUGHS) <= 450
    path = write(tmp_path, BILLION_LAUGHS, "lol.yaml")
    # the 8th alias of line 5 pushes the total past 10000: 10+110+1110 + 8*1111
    line5 = BILLION_LAUGHS.splitlines()[4]
    column = [i for i, ch in enumerate(line5) if ch == "*"][7] + 1
    expected = (
        f"lol.yaml:5:{column}: error: e[7]: aliases expand past 10000 nodes (limit); "
        "a spec this repetitive is refused to protect the build"
    )
    script = textwrap.dedent(
        f"""\
        import yaml
        from outlookgen.errors import SpecError
        from outlookgen.spec.loader import load_spec
        classes = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])
        for cls in classes:
            try:
                load_spec({str(path)!r}, name="lol.yaml", _loader=cls)
            except SpecError as exc:
                print(*[d.format() for d in exc.diagnostics], sep="\\n")
            else:
                print("loaded")
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [expected] * len(lines)
    assert len(lines) == (2 if yaml.__with_libyaml__ else 1)


def test_merge_keys(tmp_path: Path, loader: type) -> None:
    spec = load(
        tmp_path,
        """\
        defaults: &d
          status: planned
          owner: PM
        extra: &e
          owner: IT
          progress: 10
        tasks:
          - <<: *d
            id: T1
            status: done
          - id: T2
            <<: [*e, *d]
          - id: T3
            <<: {owner: BIZ}
        """,
        loader,
    )
    t1, t2, t3 = spec.data["tasks"]
    assert t1 == {"id": "T1", "status": "done", "owner": "PM"}
    assert t2 == {"id": "T2", "owner": "IT", "progress": 10, "status": "planned"}  # earlier source wins
    assert t3 == {"id": "T3", "owner": "BIZ"}
    assert "<<" not in t1
    src = spec.source
    assert src.value(("tasks", 0, "status")) == (10, 13)  # explicit key wins, with its position
    assert src.value(("tasks", 0, "owner")) == (3, 10)
    assert src.key(("tasks", 0, "owner")) == (3, 3)
    assert src.value(("tasks", 1, "owner")) == (5, 10)
    assert src.value(("tasks", 1, "status")) == (2, 11)
    assert src.value(("tasks", 2, "owner")) == (14, 17)
    assert src.value(("tasks", 0)) == (8, 5)
    assert spec.problems == ()


def test_anchors_inside_discarded_or_merged_values_still_work(tmp_path: Path, loader: type) -> None:
    spec = load(
        tmp_path,
        """\
        a: 1
        a: &x [1, {q: yes}]
        b: *x
        m:
          <<: &y {p: 1}
          s: 3
        n: *y
        k: &k name
        *k : 5
        """,
        loader,
    )
    assert spec.data == {"a": 1, "b": [1, {"q": True}], "m": {"s": 3, "p": 1}, "n": {"p": 1}, "k": "name", "name": 5}
    src = spec.source
    assert src.value(("a",)) == (1, 4)  # the kept value, not the duplicate
    assert src.value(("b", 1, "q")) == (2, 15)
    assert src.raw(("b", 1, "q")) == "yes"
    assert src.value(("m", "p")) == (5, 14)
    assert src.value(("n", "p")) == (5, 14)
    assert src.key(("name",)) == (9, 1)
    assert [where(d) for d in spec.problems] == [(2, 1, "a")]


def test_merge_of_a_non_mapping_is_fatal(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "a: &a [1]\nb:\n  <<: *a\n", loader)
    assert where(diag) == (3, 7, 'b["<<"]')
    assert "merges a mapping" in diag.message


def test_merges_count_against_the_alias_budget(tmp_path: Path, loader: type) -> None:
    text = "d: &d {a: 1, b: 2}\nx:\n  <<: *d\ny:\n  <<: *d\n"  # 3 nodes each
    assert load(tmp_path, text, loader, limits=Limits(max_alias_nodes=6)).data["y"] == {"a": 1, "b": 2}
    diag = one_error(tmp_path, text, loader, limits=Limits(max_alias_nodes=5))
    assert where(diag) == (5, 7, 'y["<<"]')


# --------------------------------------------------------------------------- depth


def nested_block(levels: int) -> str:
    """``levels`` nested mappings (the root is level 1): k0: k1: ... leaf: 1."""
    return "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "leaf: 1\n"


def test_depth_64_is_fine_65_is_refused_block(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, nested_block(64), loader)
    node = spec.data
    for i in range(63):
        node = node[f"k{i}"]
    assert node == {"leaf": 1}
    assert spec.source.value(tuple(f"k{i}" for i in range(63))) == (64, 127)
    diag = one_error(tmp_path, nested_block(65), loader)
    path = tuple(f"k{i}" for i in range(64))
    assert (diag.line, diag.column) == (65, 129)
    assert diag.path == ".".join(path)
    assert diag.message == "nesting deeper than 64 levels"


def test_depth_65_flow(tmp_path: Path, loader: type) -> None:
    ok = "a: " + "[" * 63 + "]" * 63 + "\n"
    assert load(tmp_path, ok, loader).problems == ()
    diag = one_error(tmp_path, "a: " + "[" * 64 + "]" * 64 + "\n", loader)
    assert (diag.line, diag.column) == (1, 67)
    assert diag.path == "a" + "[0]" * 63
    assert diag.message == "nesting deeper than 64 levels"


def test_hundred_thousand_deep_flow_is_refused_without_crash(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "outlook: 1\nx: " + "[" * 100_000 + "\n", loader)
    assert (diag.line, diag.column) == (2, 67)
    assert diag.message == "nesting deeper than 64 levels"
    diag = one_error(tmp_path, "[" * 100_000, loader)
    assert where(diag) == (1, 1, "$")
    assert diag.message.endswith("found a list")


def test_aliases_cannot_nest_past_the_depth_limit(tmp_path: Path, loader: type) -> None:
    deep = "[" * 40 + "]" * 40
    # 23 lists around the alias: it spans depths 25..64, fine; 24 lists: 26..65, refused
    ok = f"a: &a {deep}\nb: {'[' * 23}*a{']' * 23}\n"
    assert load(tmp_path, ok, loader).problems == ()
    text = f"a: &a {deep}\nb: {'[' * 24}*a{']' * 24}\n"
    diag = one_error(tmp_path, text, loader)
    assert where(diag) == (2, 28, "b" + "[0]" * 24)
    assert diag.message == "nesting deeper than 64 levels"


def test_custom_depth_limit(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "a: {b: {c: 1}}\n", loader, limits=Limits(max_depth=2))
    assert where(diag) == (1, 8, "a.b")
    assert diag.message == "nesting deeper than 2 levels"


def test_node_limit_refuses_files_of_countless_tiny_values(tmp_path: Path, loader: type) -> None:
    limits = Limits(max_nodes=10)
    assert load(tmp_path, "a: [1, 2, 3, 4, 5, 6, 7, 8]\n", loader, limits=limits).problems == ()
    diag = one_error(tmp_path, "a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n", loader, limits=limits)
    assert where(diag) == (1, 29, "a[8]")  # the list itself is the first value
    assert diag.message == "the file holds more than 10 values (limit)"


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("yaml_text", "tag", "column"),
    [
        ("!!python/object/apply:os.system ['touch {sentinel}']", "!!python/object/apply:os.system", 4),
        ("!!python/object/new:os.system ['touch {sentinel}']", "!!python/object/new:os.system", 4),
        ("!!python/object/apply:subprocess.call [[touch, {sentinel}]]", "!!python/object/apply:subprocess.call", 4),
        ("!!python/name:os.system", "!!python/name:os.system", 4),
        ("!!binary aGVsbG8=", "!!binary", 4),
        ("!!set {{a, b}}", "!!set", 4),
        ("!!omap [{{a: 1}}]", "!!omap", 4),
        ("!foo bar", "!foo", 4),
        ("!<tag:example.com,2000:x> 1", "tag:example.com,2000:x", 4),
    ],
)
def test_foreign_tags_are_refused_and_nothing_runs(
    tmp_path: Path, loader: type, monkeypatch: pytest.MonkeyPatch, yaml_text: str, tag: str, column: int
) -> None:
    monkeypatch.chdir(tmp_path)
    sentinel = tmp_path / "SENTINEL"
    text = f"outlook: 1\nmeta: {yaml_text.format(sentinel=sentinel)}\n"
    diag = one_error(tmp_path, text, loader)
    assert where(diag) == (2, 7, "meta")
    assert diag.message == f"tag '{tag}' is not allowed: a spec holds plain data"
    assert not sentinel.exists()
    assert not (tmp_path / "touch").exists()


def test_core_tag_on_the_wrong_kind_of_node(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "a: !!str {b: 1}\n", loader)
    assert where(diag) == (1, 4, "a")
    assert diag.message == "tag '!!str' does not fit a mapping"
    diag = one_error(tmp_path, "a: !!map 1\n", loader)
    assert diag.message == "tag '!!map' does not fit a value"


def test_foreign_tag_on_a_key(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "a: 1\n!!python/name:os.system b: 2\n", loader)
    assert where(diag) == (2, 1, "b")
    assert "is not allowed" in diag.message


# --------------------------------------------------------------------------- file-level checks


def test_missing_file(tmp_path: Path, loader: type) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yaml", _loader=loader)
    (diag,) = info.value.diagnostics
    assert diag.file == str(tmp_path / "nope.yaml")  # the display name defaults to the path
    assert where(diag) == (1, 1, "$")
    assert diag.message == "no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path, name="dir")
    (diag,) = info.value.diagnostics
    assert (diag.file, *where(diag), diag.message) == ("dir", 1, 1, "$", "is a directory, not a spec file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # opening a FIFO with no writer would block forever; the loader must only stat it
    with pytest.raises(SpecError) as info:
        load_spec(fifo, name="pipe.yaml")
    (diag,) = info.value.diagnostics
    assert where(diag) == (1, 1, "$")
    assert diag.message == "is not a regular file"
    assert peek_is_spec(fifo) is False


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path, "outlook: 1\n")
    path.chmod(0)
    try:
        with pytest.raises(SpecError) as info:
            load_spec(path, name="spec.yaml")
    finally:
        path.chmod(0o644)
    (diag,) = info.value.diagnostics
    assert (*where(diag), diag.message) == (1, 1, "$", "permission denied")


def test_permission_denied_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "outlook: 1\n")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)  # root ignores file modes, so simulate it
    with pytest.raises(SpecError) as info:
        load_spec(path, name="spec.yaml")
    (diag,) = info.value.diagnostics
    assert (*where(diag), diag.message) == (1, 1, "$", "permission denied")


def test_file_over_a_small_limit(tmp_path: Path, loader: type) -> None:
    text = "outlook: 1\n" + "# padding\n" * 20  # 211 bytes
    diag = one_error(tmp_path, text, loader, limits=Limits(max_bytes=100))
    assert where(diag) == (1, 1, "$")
    assert diag.message == "the file is 211 bytes; the limit is 100 bytes"
    assert load(tmp_path, text, loader, limits=Limits(max_bytes=211)).data == {"outlook": 1}


def test_file_of_six_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:  # sparse: the size is checked by stat, nothing is read
        fh.truncate(int(6.1 * MB))
    with pytest.raises(SpecError) as info:
        load_spec(path, name="huge.yaml")
    (diag,) = info.value.diagnostics
    assert (*where(diag), diag.message) == (1, 1, "$", "the file is 6.1 MB; the limit is 5 MB")


def test_file_one_byte_over_five_megabytes(tmp_path: Path) -> None:
    line = b"# " + b"x" * 97 + b"\n"
    body = b"outlook: 1\n" + line * (5 * MB // len(line))
    body += b"#" * (5 * MB + 1 - len(body) - 1) + b"\n"
    assert len(body) == 5 * MB + 1
    path = write(tmp_path, body)
    with pytest.raises(SpecError) as info:
        load_spec(path, name="spec.yaml")
    (diag,) = info.value.diagnostics
    assert where(diag) == (1, 1, "$")
    assert diag.message == "the file is 5,242,881 bytes; the limit is 5 MB (5,242,880 bytes)"
    path.write_bytes(body[:-2] + b"\n")  # exactly 5 MB is fine
    assert load_spec(path).data == {"outlook": 1}


def test_bytes_over_the_limit_in_load_text(loader: type) -> None:
    with pytest.raises(SpecError) as info:
        load_text(b"a: 1\n" * 30, "t.yaml", limits=Limits(max_bytes=100), _loader=loader)
    assert info.value.diagnostics[0].message == "the file is 150 bytes; the limit is 100 bytes"


def test_invalid_utf8_is_located(tmp_path: Path, loader: type) -> None:
    data = "outlook: 1\nmeta:\n  title: Café \u4e2d".encode() + b" \xff bad\n"
    diag = one_error(tmp_path, data, loader)
    assert (diag.file, *where(diag)) == ("spec.yaml", 3, 17, "$")
    assert diag.message == "not valid UTF-8 (byte 0xff); save the file as UTF-8"


def test_invalid_utf8_after_bom_and_crlf(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, b"\xef\xbb\xbfa: 1\r\nb: \xc3(\r\n", loader)
    assert where(diag) == (2, 4, "$")
    assert diag.message == "not valid UTF-8 (byte 0xc3); save the file as UTF-8"


def test_utf8_bom_is_fine(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "\ufeffoutlook: 1\nmeta: {title: Café}\n".encode(), loader)
    assert spec.data == {"outlook": 1, "meta": {"title": "Café"}}
    assert spec.source.key(("outlook",)) == (1, 1)
    assert spec.source.value(("meta", "title")) == (2, 15)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_fine(tmp_path: Path, loader: type, codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    spec = load(tmp_path, bom + "outlook: 1\nmeta:\n  title: 实施展望\n".encode(codec), loader)
    assert spec.data == {"outlook": 1, "meta": {"title": "实施展望"}}
    assert spec.source.value(("meta", "title")) == (3, 10)


def test_utf16_without_bom_is_refused(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "outlook: 1\n".encode("utf-16-le"), loader)
    assert where(diag) == (1, 1, "$")
    assert "save the file as UTF-8" in diag.message


def test_broken_utf16_is_located(tmp_path: Path, loader: type) -> None:
    data = b"\xff\xfe" + "a: 1\nb: ".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    diag = one_error(tmp_path, data, loader)
    assert where(diag) == (2, 4, "$")
    assert "not valid UTF-16" in diag.message


def test_raw_control_character_is_a_located_syntax_error(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "outlook: 1\nmeta:\n  title: bell\x07\n", loader)
    assert where(diag) == (3, 14, "$")
    assert diag.message == "YAML syntax: character U+0007 is not allowed in a YAML file; remove it"


def test_several_documents(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "outlook: 1\nmeta: {}\n---\nother: 2\n", loader)
    assert where(diag) == (3, 1, "$")
    assert diag.message == "the file holds several YAML documents; a spec is one document"
    diag = one_error(tmp_path, "---\noutlook: 1\n---\n", loader)
    assert where(diag) == (3, 1, "$")


def test_explicit_single_document_is_fine(tmp_path: Path, loader: type) -> None:
    spec = load(tmp_path, "%YAML 1.1\n---\noutlook: 1\n...\n", loader)
    assert spec.data == {"outlook": 1}
    assert spec.source.value(("outlook",)) == (3, 10)


@pytest.mark.parametrize("text", ["", "\n\n   \n", "# just a comment\n\n# another\n", "---\n", "\ufeff"])
def test_empty_file(tmp_path: Path, loader: type, text: str) -> None:
    diag = one_error(tmp_path, text.encode(), loader)
    assert where(diag) == (1, 1, "$")
    assert diag.message == "the file is empty; a spec starts with 'outlook: 1'"


@pytest.mark.parametrize(
    ("text", "found", "line"),
    [
        ("- outlook: 1\n- meta: {}\n", "a list", 1),
        ("# header\n[1, 2]\n", "a list", 2),
        ("just some text\n", "text", 1),
        ("'quoted: text'\n", "text", 1),
        ("42\n", "a number", 1),
        ("yes\n", "true/false", 1),
        ("~\n", "nothing", 1),
    ],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, loader: type, text: str, found: str, line: int) -> None:
    diag = one_error(tmp_path, text, loader)
    assert where(diag) == (line, 1, "$")
    assert diag.message == f"the top level must be a mapping (outlook:, meta:, …), found {found}"


# --------------------------------------------------------------------------- YAML syntax errors


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "outlook: 1\nmeta:\n  title: x\n date: 2026-01-01\n",
            4,
            2,
            "YAML syntax: bad indentation; this line does not line up with the keys above it",
        ),
        (
            "outlook: 1\nmeta:\n  title: x\n    date: 2026-01-01\n",
            4,
            9,
            "YAML syntax: a ': ' is not allowed here (bad indentation, or a value holding ': ' that needs quotes)",
        ),
        (
            'outlook: 1\nmeta:\n  title: "unclosed\n  date: 2026-01-01\n',
            5,
            1,
            "YAML syntax: the quote opened at line 3, column 10 is never closed",
        ),
        (
            "outlook: 1\nmeta:\n\ttitle: x\n",
            3,
            1,
            "YAML syntax: a tab cannot indent YAML; use spaces",
        ),
        (
            "outlook: 1\nmeta: @x\n",
            2,
            7,
            "YAML syntax: the character '@' cannot start a value here; put the value in quotes",
        ),
    ],
)
def test_syntax_errors_are_one_located_error(
    tmp_path: Path, loader: type, text: str, line: int, column: int, message: str
) -> None:
    diag = one_error(tmp_path, text, loader)
    assert (diag.file, *where(diag), diag.message) == ("spec.yaml", line, column, "$", message)


def test_other_syntax_errors_keep_the_parser_words(tmp_path: Path, loader: type) -> None:
    diag = one_error(tmp_path, "a: [1, 2\nb: 3\n", loader)
    assert where(diag) == (2, 2, "$")
    assert diag.message.startswith("YAML syntax: ")
    assert "(while parsing a flow sequence at line 1, column 4)" in diag.message


def test_fatal_error_keeps_problems_found_before_it(tmp_path: Path, loader: type) -> None:
    diags = errors(tmp_path, "a: .nan\nb: 1\nb: 2\nc: [\n", loader)
    assert [(d.line, d.column) for d in diags][:2] == [(1, 4), (3, 1)]
    assert diags[-1].message.startswith("YAML syntax: ")
    assert len(diags) == 3


# --------------------------------------------------------------------------- load_text, peek_is_spec


def test_load_text_accepts_str_and_bytes(loader: type) -> None:
    a = load_text("outlook: 1\nmeta: {title: x}\n", "a.yaml", _loader=loader)
    b = load_text(b"outlook: 1\nmeta: {title: x}\n", "a.yaml", _loader=loader)
    assert a.data == b.data == {"outlook": 1, "meta": {"title": "x"}}
    assert a.file == "a.yaml"
    assert a.source.value(("meta", "title")) == b.source.value(("meta", "title")) == (2, 15)


def test_default_loader_is_used(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "outlook: 1\n"))
    assert spec.file == str(tmp_path / "spec.yaml")
    assert spec.data == {"outlook": 1}
    assert gc.isenabled()  # paused while loading, restored after
    assert _loader_class(pure=True) is yaml.SafeLoader
    assert _loader_class() is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


def test_peek_is_spec(tmp_path: Path) -> None:
    spec = write(tmp_path, "# an outlook\nmeta: {title: x, nested: {outlook: 0}}\noutlook: 1\n", "a.yaml")
    quoted = write(tmp_path, '"outlook": 1\n', "b.yaml")
    broken_later = write(tmp_path, "outlook: 1\nmeta: [\n", "c.yaml")
    other = write(tmp_path, "name: build\non: push\nsteps: [{outlook: 1}]\n", "ci.yaml")
    nested_only = write(tmp_path, "meta:\n  outlook: 1\n", "n.yaml")
    a_list = write(tmp_path, "- outlook: 1\n", "l.yaml")
    value_only = write(tmp_path, "x: outlook\n", "v.yaml")
    binary = write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "img.yaml")
    empty = write(tmp_path, b"", "e.yaml")
    utf16 = write(tmp_path, b"\xff\xfe" + "outlook: 1\n".encode("utf-16-le"), "u.yaml")
    assert peek_is_spec(spec) is True
    assert peek_is_spec(str(quoted)) is True
    assert peek_is_spec(broken_later) is True
    assert peek_is_spec(utf16) is True
    for path in (other, nested_only, a_list, value_only, binary, empty):
        assert peek_is_spec(path) is False, path
    assert peek_is_spec(tmp_path) is False
    assert peek_is_spec(tmp_path / "missing.yaml") is False
    assert peek_is_spec(spec, limits=Limits(max_bytes=10)) is False


# --------------------------------------------------------------------------- never a traceback

TOKENS = [*"ab01 :-[]{},&*!<>|'\"\\#?%@`~.\n\t", "\x07", "é", "\ufeff", "\ud800", "uD800", "x07"]
TOKENS += ["a: ", "- ", "  ", "&a ", "*a", "<<: ", "!!int ", "!!python/name:os.system ", "---\n", "2026-02-30", ".nan"]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH)
def test_any_text_gives_data_or_a_located_spec_error(text: str) -> None:
    for cls in [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else []):
        try:
            spec = load_text(text, "f.yaml", _loader=cls)
        except SpecError as exc:
            assert exc.diagnostics
            for diag in exc.diagnostics:
                assert diag.file == "f.yaml"
                assert diag.line >= 1
                assert diag.column >= 1
        else:
            assert isinstance(spec.data, dict)
            for path in walk(spec.data):
                line, column = spec.source.value(path)
                assert line >= 1
                assert column >= 1
    # (the parsers themselves disagree on a few corner cases such as 'a\t<<: ', so
    # only the shape of the outcome is checked here, not that both agree)


def test_libyamls_own_nesting_limit_never_shows(tmp_path: Path) -> None:
    # 2,000 open brackets on one line: libyaml >= 0.2.6 scans 1,000 of them ahead
    # and refuses the file itself; the user still gets outlookgen's depth limit.
    for cls in [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else []):
        with pytest.raises(SpecError) as info:
            load_text("outlook: 1\nx: " + "[" * 2000 + "\n", "f.yaml", _loader=cls)
        (diag,) = info.value.diagnostics
        assert (diag.line, diag.column, diag.message) == (2, 67, "nesting deeper than 64 levels")
