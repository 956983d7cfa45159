"""Property: whatever a template pack holds, a build ends in time, in exit 0 or 1, with error lines only.

Hypothesis writes a random hostile pack: a Markdown template drawn from a small
grammar of the syntax a pack may use (output, loops, conditions, macros,
namespaces, blocks overriding the default pack's, filters, arithmetic, string
operations), sprinkled with payloads — huge exponents and repetitions, format
widths, recursion, sandbox escapes (``().__class__``,
``self._TemplateReference__context``, ``cycler.__init__.__globals__``,
``|attr('format')``), removed helpers — and labels with hostile placeholders.
Each pack is built with ``outlookgen build`` in a child process under memory,
CPU and wall-clock limits with a short render timeout. Then:

* no traceback; exit 0 or 1, and stderr holds one-line error lines only;
* it ends well within the limits (a hang fails inside run_limited);
* nothing is created outside the output folder (an escape would touch a file);
* a refused build writes nothing; a successful one writes the same bytes
  when built again in another process with another hash seed.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from unittest import mock

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile import check_error_lines, run_limited

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
RENDER_TIMEOUT = 2  # seconds; OUTLOOKGEN_RENDER_TIMEOUT for the child
WALL_LIMIT = 25  # seconds one build may take, start-up included, however hostile the pack
SENTINEL = "@SENTINEL@"

# --------------------------------------------------------------------------- the grammar

names = st.sampled_from(
    ["meta.title", "meta.organization", "L.cover.date", "L.format.colon", "ns.v", "(roadmap.phases | length)", "x"]
)
small_ints = st.integers(min_value=-3, max_value=40)
texts = st.sampled_from(["'a'", "'x y'", "'*b*'", "'{n}'", "'%s'", "''", "'\\n'", "'<b>'"])
PAYLOADS = [
    "10 ** 100000000",
    "(10 ** 1000) * (10 ** 1000) ** 30",
    "'x' * 10 ** 10",
    "[1] * 10 ** 9",
    "'{:>999999999}'.format(1)",
    "'%*d' % (10 ** 9, 1)",
    "'%.999999999f' % 1.5",
    "'x'.center(10 ** 10)",
    "('ab' * 1000).replace('', 'y' * 100000)",
    "'\\t'.expandtabs(10 ** 10)",
    "range(10 ** 12) | list",
    "().__class__.__mro__",
    "self._TemplateReference__context",
    "cycler.__init__.__globals__.os.system('touch @SENTINEL@')",
    "lipsum.__globals__",
    "'{0.__class__.__init__.__globals__}' | attr('format')",
    "('{0.__class__}' | attr('format'))(meta)",
    "[1, 2] | random",
    "lipsum(2)",
    "range",
    "'x'.upper",
    "[1, 2] | map('string')",
    "(1).to_bytes(10 ** 9, 'big')",
    "['a'] | sum(start=[])",
    "[[1] * 100] | batch(10 ** 12, 0) | list",
    "meta | tojson(indent=10 ** 9)",
    "'x' | indent(10 ** 9, true)",
    "dict(a=1) | items",
]
payloads = st.sampled_from(PAYLOADS).map(lambda p: f"({p})")
filters = st.sampled_from(
    [
        "upper",
        "lower",
        "length",
        "string",
        "trim",
        "title",
        "first",
        "last",
        "reverse | list",
        "list",
        "sort",
        "unique | list",
        "join(', ')",
        "center(12)",
        "replace('a', 'b')",
        "default('d')",
        "int",
        "round",
        "tojson",
        "indent(2)",
        "wordwrap(5)",
        "truncate(9)",
        "batch(2) | list",
        "map('upper') | list",
        "select | list",
        "format(1)",
        "e",
        "inline",
        "label",
    ]
)
binops = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "~", "==", "<", "in", "and", "or"])


def _expressions():
    leaves = st.one_of(small_ints.map(str), texts, names, payloads, st.just("[1, 2, 3]"), st.just("{'k': 1}"))

    def extend(children):
        return st.one_of(
            st.tuples(children, binops, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, filters).map(lambda t: f"({t[0]} | {t[1]})"),
            st.tuples(children, small_ints).map(lambda t: f"({t[0]})[{t[1]}]"),
            children.map(lambda c: f"range({c} | int % 50)"),
            children.map(lambda c: f"m({c})"),
        )

    return st.recursive(leaves, extend, max_leaves=6)


expressions = _expressions()


def _statements():
    leaf = st.one_of(
        expressions.map(lambda e: "{{ " + e + " }}"),
        expressions.map(lambda e: "{% set ns.v = " + e + " %}"),
        st.sampled_from(["text ", "\n", "{{ caller }}", "{{ super }}"]),
    )

    def extend(children):
        body = st.lists(children, min_size=1, max_size=3).map("".join)
        return st.one_of(
            st.tuples(small_ints, body).map(lambda t: f"{{% for x in range({t[0]}) %}}{t[1]}{{% endfor %}}"),
            st.tuples(expressions, body).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
            st.tuples(expressions, body).map(lambda t: f"{{% for x in {t[0]} %}}{t[1]}{{% endfor %}}"),
            body.map(lambda b: f"{{% filter upper %}}{b}{{% endfilter %}}"),
        )

    return st.recursive(leaf, extend, max_leaves=8)


statements = _statements()
MACROS = st.sampled_from(
    [
        "{% macro m(a) %}{{ a }}{% endmacro %}",
        "{% macro m(a) %}{{ m(a) }}{% endmacro %}",  # runaway recursion
        "{% macro m(a) %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endmacro %}",
    ]
)
BLOCKS = ["cover", "status", "step1", "step3", "gantt", "appendices"]


@st.composite
def templates(draw) -> str:
    head = "{% set ns = namespace(v=0) %}" + draw(MACROS)
    if draw(st.booleans()):
        body = draw(st.lists(statements, min_size=1, max_size=4).map("\n".join))
        return head + "\n" + body + "\n"
    blocks = draw(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=3, unique=True))
    out = ['{% extends "default:outlook.md.j2" %}']
    for block in blocks:
        inner = draw(statements)
        keep = "{{ super() }}" if draw(st.booleans()) else ""
        # Inside a child template, only blocks render: the macro and namespace go in the block.
        out.append(f"{{% block {block} %}}{head}{keep}{inner}{{% endblock %}}")
    return "\n".join(out) + "\n"


LABEL_PAYLOADS = [
    None,
    "units:\n  week:\n    one: 'W{n}'\n",
    "units:\n  week:\n    one: 'W{n.__class__.__mro__}'\n",
    "format:\n  percent: '{n:>99999999}%'\n",
    "format:\n  range: '{0} to {1}'\n",
    "plan:\n  summary: '{secret}'\n",
    "format:\n  months: [Jan]\n",
    "format:\n  date:\n    day: 1\n",
    "cover:\n  date: 5\n",
    "format:\n  with_note: '{text} {{braces}} ({note})'\n",
]


# --------------------------------------------------------------------------- the property


def _build(work: Path, out: Path, seed: str) -> tuple[int, str, str, float]:
    env = {"OUTLOOKGEN_RENDER_TIMEOUT": str(RENDER_TIMEOUT), "PYTHONHASHSEED": seed}
    started = time.monotonic()
    with mock.patch.dict(os.environ, env):
        code, stdout, stderr = run_limited(
            ["build", MINIMAL, "-t", "./prop", "-o", out, "-f", "md", "-q"], cwd=work, memory_mb=1536, cpu_seconds=20
        )
    return code, stdout, stderr, time.monotonic() - started


def _snapshot(folder: Path, skip: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if skip != p and skip not in p.parents}


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=templates(), labels=st.sampled_from([None] * 8 + LABEL_PAYLOADS))  # mostly the template's turn
def test_a_hostile_pack_builds_or_fails_cleanly(template, labels):
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        pack = work / "prop"
        (pack / "md").mkdir(parents=True)
        (pack / "pack.yaml").write_text("name: prop\nextends: default\n", encoding="utf-8")
        sentinel = Path(tmp) / "SENTINEL"
        (pack / "md" / "outlook.md.j2").write_text(template.replace(SENTINEL, str(sentinel)), encoding="utf-8")
        if labels is not None:
            (pack / "labels").mkdir()
            (pack / "labels" / "en.yaml").write_text(labels, encoding="utf-8")
        out = work / "out"
        before = _snapshot(Path(tmp), out)

        code, _, stderr, seconds = _build(work, out, "1")

        lines = check_error_lines(stderr)
        assert not RAW_CONTROL.search(stderr), repr(stderr[:300])
        assert code in (0, 1), stderr[-2000:]
        assert seconds < WALL_LIMIT, f"the build took {seconds:.0f} s"
        assert not sentinel.exists(), "a sandbox escape ran code"
        assert _snapshot(Path(tmp), out) == before, "a file was created outside the output folder"
        written = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
        if code == 1:
            assert lines, "exit 1 without an error line"
            assert not written, f"a refused build wrote {written}"
            return
        assert [p.name for p in written] == ["minimal.md"]
        again = work / "again"
        code, _, stderr, _ = _build(work, again, "2")
        assert code == 0, stderr[-2000:]
        assert (again / "minimal.md").read_bytes() == written[0].read_bytes(), "two builds of one pack differ"
