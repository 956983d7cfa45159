"""The Markdown output as other programs read it: markdownlint, pandoc (GFM) and mermaid-cli.

These tests need the tools .ci/run installs; locally they skip when a tool is missing.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml
from conftest import ROOT, SAMPLE_FILES, reader_names, require_tool

from outlookgen.model import build_outlook
from outlookgen.project.build import BuildOptions, build
from outlookgen.spec.validate import load_valid

pytestmark = pytest.mark.interop

INTEROP = ROOT / "tests" / "interop"
SPECS = [*SAMPLE_FILES, ROOT / "tests" / "specs" / "valid" / "every-key.yaml"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("md")
    build(SPECS, BuildOptions(formats=("md",), output_dir=out))
    return {spec: out / (spec.stem + ".md") for spec in SPECS}


def test_markdownlint_finds_nothing(built):
    tool = require_tool("markdownlint-cli2")
    files = [str(p) for p in built.values()]
    proc = subprocess.run(
        [tool, "--config", str(INTEROP / "markdownlint.jsonc"), *files], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _pandoc(path, to):
    tool = require_tool("pandoc")
    proc = subprocess.run([tool, "-f", "gfm", "-t", to, str(path)], capture_output=True, text=True, check=True)
    return proc.stdout


def _names(spec):
    return reader_names(spec)


def _visible(markdown_text: str) -> str:
    # Inline markup in a name (**, *, `) is formatting, not text.
    return re.sub(r"\s+", " ", markdown_text.replace("*", "").replace("`", ""))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_pandoc_reads_every_name(built, spec):
    text = re.sub(r"\s+", " ", _pandoc(built[spec], "plain"))
    missing = [n for n in _names(spec) if _visible(n) not in text]
    assert not missing, f"not in pandoc's reading of {built[spec].name}: {missing}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_pandoc_sees_tables_with_full_rows_and_no_raw_html(built, spec):
    doc = json.loads(_pandoc(built[spec], "json"))
    tables = []
    raw_html = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Table":
                tables.append(node["c"])
            if node.get("t") in ("RawInline", "RawBlock"):
                raw_html.append(node["c"][1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc["blocks"])
    assert len(tables) >= 10
    for table in tables:
        columns = len(table[2])  # colspecs
        head_rows = table[3][1]
        body_rows = [row for body in table[4] for row in body[3]]
        for row in head_rows + body_rows:
            assert len(row[1]) == columns
    # <br> inside table cells is the only raw HTML outlookgen writes.
    assert set(raw_html) <= {"<br>"}


def test_mermaid_gantt_renders(built, tmp_path):
    tool = require_tool("mmdc")
    for spec, md in built.items():
        source = re.search(r"```mermaid\n(.*?)```", md.read_text(encoding="utf-8"), re.S)
        assert source, f"no mermaid block in {md.name}"
        chart = tmp_path / f"{spec.stem}.mmd"
        chart.write_text(source.group(1), encoding="utf-8")
        svg = tmp_path / f"{spec.stem}.svg"
        proc = subprocess.run(
            [tool, "-q", "-p", str(INTEROP / "puppeteer.json"), "-i", str(chart), "-o", str(svg)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        drawn = svg.read_text(encoding="utf-8")
        assert "Syntax error" not in drawn
        first_task = build_outlook(load_valid(spec).data).roadmap.tasks[0].name
        assert _visible(first_task).split(":")[0][:20] in drawn


# Appendix titles that put markup, symbols, repeats and Chinese punctuation into contents entries.
_TRICKY_TITLES = [
    "`code` and **bold** *it*",
    "[A link](https://example.com) in a title",
    "Glossary",
    "Glossary",
    "Current state",
    "C++ & C# <tags> $x$ 100%",
    "a_b-c snake_case",
    "第一步 · 背景（重复）",
    "Straße ÉCOLE İstanbul",
    "www.example.com and http://x.y :smile: @me",
]


def _links_resolve(path) -> None:
    """Every contents link names the id pandoc gave the heading that shows the link's text."""
    page = _pandoc(path, "html")
    headings = {
        ident: re.sub(r"<[^>]+>|\s+", " ", inner)
        for ident, inner in re.findall(r'<h\d id="([^"]+)">(.*?)</h\d>', page, re.S)
    }
    links = re.findall(r'<li><a href="#([^"]+)">(.*?)</a>', page, re.S)
    assert len(links) > 10
    for ident, text in links:
        assert ident in headings, (ident, text)
        assert " ".join(headings[ident].split()) == " ".join(re.sub(r"<[^>]+>", " ", text).split()), ident


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_pandoc_resolves_every_contents_link(built, spec):
    _links_resolve(built[spec])


def test_contents_links_resolve_with_tricky_headings(tmp_path):
    data = yaml.safe_load(SAMPLE_FILES[0].read_text(encoding="utf-8"))
    data["appendices"] = [{"title": title, "body": "Text."} for title in _TRICKY_TITLES]
    spec = tmp_path / "tricky.yaml"
    spec.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build([spec], BuildOptions(formats=("md",), output_dir=tmp_path))
    _links_resolve(tmp_path / "tricky.md")
    tool = require_tool("markdownlint-cli2")
    proc = subprocess.run(
        [tool, "--config", str(INTEROP / "markdownlint.jsonc"), str(tmp_path / "tricky.md")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr  # MD051: every link fragment names a heading
