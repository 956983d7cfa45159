"""Properties over generated specs (hypothesis).

* Whatever YAML a user writes, outlookgen builds every format or exits 1 with
  error lines — never a traceback.
* Any text in a text field reaches the HTML and the Word document as its inline
  Markdown reads (markers dropped, nothing else changed or lost).
* Spec text never changes the Markdown's structure: tables keep their columns,
  headings, quotes and lists come only from the template.
* Building twice — in another process, another hash seed and time zone — gives
  identical bytes in every format.
* The template context holds only JSON types (str-keyed dicts, lists, str, int,
  finite float, bool, None), ``x-`` data included.

Strategies are written with ``st.fixed_dictionaries``/``st.recursive`` over the
minimal valid spec (hypothesis-jsonschema does not work with current hypothesis).
"""

from __future__ import annotations

import copy
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outlookgen.model.trace import Derived, SpecText

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
    shutil.rmtree(tmp / "out", ignore_errors=True)  # tmp_path is shared by every example
    code, _, err = cli("build", spec, "-o", tmp / "out", "-f", "md,html,docx", "-q", "--force")
    assert code in (0, 1)
    if code == 1:
        lines = err.splitlines()
        assert lines
        assert all(ERROR_LINE.match(line) for line in lines), err
    else:
        for fmt in ("md", "html", "docx"):
            assert (tmp / "out" / f"spec.{fmt}").stat().st_size > 0, fmt


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated_specs())
def test_any_mutated_spec_builds_or_fails_cleanly(cli, tmp_path, text):
    _check(cli, tmp_path, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_noise)
def test_any_yaml_text_builds_or_fails_cleanly(cli, tmp_path, text):
    _check(cli, tmp_path, text)


# --------------------------------------------------------------------------- valid specs with any text

# Characters a text field may hold and every format keeps as they are. Left out: the
# ones the loader refuses (C0 controls, lone surrogates, U+FFFE/U+FFFF) and the ones the
# HTML page replaces by U+FFFD (DEL, C1 controls, noncharacters: docs/security.md).
TEXT_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Cn"), include_characters="\t\n")
any_text = st.text(TEXT_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip())
MARKDOWN_PIECES = [*"*_`[]()|#>-+!<&\\", "\n", " ", "**", "](https://x.example/)", "\n# ", "\n> ", "\n- ", "1. "]
markdownish_text = (
    st.lists(st.one_of(TEXT_CHARS, st.sampled_from(MARKDOWN_PIECES)), min_size=1, max_size=25)
    .map("".join)
    .filter(lambda s: s.strip())
)

# Inline text fields of the minimal spec: one line wherever they are shown.
INLINE_FIELDS = [
    ("meta", "title"),
    ("meta", "organization"),
    ("drivers", 0, "pain_point"),
    ("objectives", 0, "statement"),
    ("objectives", 0, "metric"),
    ("scope", "included", 0, "name"),
    ("roadmap", "phases", 0, "name"),
    ("roadmap", "phases", 0, "tasks", 0, "name"),
    ("roadmap", "phases", 0, "tasks", 1, "name"),
    ("roadmap", "phases", 0, "milestones", 0, "name"),
    ("resources", "roles", 0, "title"),
    ("risks", 0, "title"),
    ("evaluation", "kpis", 0, "name"),
]
BLOCK_FIELDS = [("background", "current_state"), ("background", "challenges", 0)]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
json_keys = st.text(TEXT_CHARS, min_size=1, max_size=12).filter(lambda k: k.strip() and k != "<<")
x_data = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(json_keys, children, max_size=3)),
    max_leaves=8,
)


def _set(data: dict, path: tuple, value) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@st.composite
def specs_with_text(draw, fields=INLINE_FIELDS + BLOCK_FIELDS, text=any_text):
    """The minimal spec with arbitrary text in some text fields: (spec data, {path: text})."""
    data = copy.deepcopy(MINIMAL)
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=len(fields), unique=True))
    texts = {path: draw(text) for path in chosen}
    for path, value in texts.items():
        _set(data, path, value)
    return data, texts


@st.composite
def specs_with_x_data(draw):
    """The minimal spec with arbitrary text and x- data at the top, in meta, a task and a risk."""
    data, _ = draw(specs_with_text())
    places = [(), ("meta",), ("roadmap", "phases", 0, "tasks", 0), ("risks", 0), ("scope",)]
    extras = {}
    for place in places:
        if draw(st.booleans()):
            value = draw(x_data)
            _set(data, (*place, "x-gen"), value)
            extras[place] = value
    return data, extras


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20)


def _outlook(text: str):
    from outlookgen.model import build_outlook
    from outlookgen.spec.loader import load_text
    from outlookgen.spec.validate import validate

    spec = load_text(text, "gen.yaml")
    problems = validate(spec)
    assert not problems, [p.format() for p in problems]
    return build_outlook(spec.data)


def _visible_block(text: str) -> str:
    from outlookgen.render.markup import BulletList, parse_block, plain_text

    parts = []
    for block in parse_block(text):
        items = block.items if isinstance(block, BulletList) else (block.inlines,)
        parts += [plain_text(item) for item in items]
    return " ".join(" ".join(parts).split())


def _readings(text: str) -> set[str]:
    """How a text field may read: as one inline text, or as text blocks (paragraphs, ``- `` bullets).

    Table cells differ by format: Word reads a cell's text as blocks (a line
    starting with "- " is a bullet), HTML and Markdown as one inline text.
    """
    from test_hostile import squash
    from test_html import visible

    return {squash(visible(text)), squash(_visible_block(text))}


@settings(max_examples=60, deadline=None)
@given(case=specs_with_text(text=st.one_of(any_text, markdownish_text)))
def test_any_text_reaches_html_and_word_as_its_inline_markdown_reads(case):
    from test_hostile import docx_parts, docx_text, squash
    from test_html import Page

    from outlookgen.packs import resolve_pack
    from outlookgen.render import docx, html
    from outlookgen.render.context import prepare

    data, texts = case
    doc = prepare(_outlook(_dump(data)), resolve_pack(None), "en")
    page = squash(Page(html.page(doc)).text)
    word = squash(docx_text(docx_parts(docx.render(doc))["word/document.xml"]))
    for path, text in texts.items():
        readings = _readings(text)
        assert any(r in page for r in readings), (path, text, readings)
        assert any(r in word for r in readings), (path, text, readings)


@settings(max_examples=60, deadline=None)
@given(case=specs_with_text(fields=INLINE_FIELDS, text=markdownish_text))
def test_spec_text_never_changes_the_markdown_structure(case):
    from test_hostile import md_blocks, table_rows

    from outlookgen.packs import resolve_pack
    from outlookgen.render.context import prepare
    from outlookgen.render.markdown import markdown

    data, texts = case
    pack = resolve_pack(None)
    source = markdown(prepare(_outlook(_dump(data)), pack, "en"))
    for rows in table_rows(source):
        counts = [len(re.findall(r"(?<!\\)(?:\\\\)*\|", row)) - 1 for row in rows]
        assert len(set(counts)) == 1, (rows, texts)
    benign = copy.deepcopy(data)
    for path in texts:
        _set(benign, path, "plain words")
    reference = markdown(prepare(_outlook(_dump(benign)), pack, "en"))
    assert md_blocks(source) == md_blocks(reference), texts


def test_building_twice_gives_identical_bytes_in_every_format(tmp_path):
    """Specs built here and again in a child process (another hash seed and time zone) match byte for byte."""
    from outlookgen.project.build import BuildOptions, build

    specs: list[Path] = []

    @settings(max_examples=12, deadline=None, database=None)
    @given(case=specs_with_x_data())
    def collect(case):
        spec = tmp_path / "specs" / f"gen{len(specs):03d}.yaml"
        spec.parent.mkdir(exist_ok=True)
        spec.write_text(_dump(case[0]), encoding="utf-8")
        build([spec], BuildOptions(formats=("md", "html", "docx"), output_dir=tmp_path / "here", jobs=1, force=True))
        specs.append(spec)

    collect()
    env = dict(os.environ, PYTHONHASHSEED="4242", TZ="Pacific/Kiritimati", PYTHONPATH=str(ROOT))
    env.pop("SOURCE_DATE_EPOCH", None)
    there = tmp_path / "there"
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "build", "-q", "--force", "-j", "2", "-f", "md,html,docx", "-o", there]
        + [str(s) for s in specs],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    here = sorted(p.name for p in (tmp_path / "here").iterdir())
    assert here == sorted(p.name for p in there.iterdir()) and len(here) == 3 * len(specs)
    different = [n for n in here if (tmp_path / "here" / n).read_bytes() != (there / n).read_bytes()]
    assert not different


def _json_only(value, path="$") -> None:
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            assert type(key) is str, f"{path}: key {key!r} is a {type(key).__name__}"
            _json_only(item, f"{path}.{key}")
    elif kind is list:
        for i, item in enumerate(value):
            _json_only(item, f"{path}[{i}]")
    else:
        # SpecText is a str that also knows its JSON pointer, Derived one that knows the fields it is
        # computed from (Word's review bookmarks, issue 20)
        assert kind in (str, SpecText, Derived, int, float, bool, type(None)), f"{path} is a {kind.__name__}: {value!r}"
        assert kind is not float or math.isfinite(value), path


@settings(max_examples=100, deadline=None)
@given(case=specs_with_x_data())
def test_the_template_context_holds_only_json_types(case):
    from outlookgen.packs import resolve_pack
    from outlookgen.render.context import Extras, build_context

    data, extras = case
    outlook = _outlook(_dump(data))
    previous = _outlook(_dump(MINIMAL))
    pack = resolve_pack(None)
    for locale in ("en", "zh-CN"):
        context = build_context(outlook, pack.labels(locale), locale, extras=Extras(previous=previous))
        _json_only(context)
    # x- data reaches the templates wherever it was written
    where = {
        (): context["extra"],
        ("meta",): context["meta"]["extra"],
        ("roadmap", "phases", 0, "tasks", 0): context["roadmap"]["tasks"][0]["extra"],
        ("risks", 0): context["risks"]["register"][0]["extra"],
        ("scope",): context["scope"]["extra"],
    }
    for place in extras:
        assert "x-gen" in where[place], place
