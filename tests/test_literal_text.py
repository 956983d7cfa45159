"""Text a plan writes that looks like markup stays as written in every format (issue 15).

"7*24小时运维" and "5*8" are how Chinese IT plans write service hours; ``${7*7}``
and ``#{7*7}`` are template syntax of other tools. None of them is emphasis or
code, in HTML, Word, Markdown (read back by pandoc) or the Mermaid chart
(drawn by mermaid-cli).
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

import pytest
from conftest import ROOT, require_tool
from lxml import etree, html

from outlookgen.project.build import BuildOptions, build
from outlookgen.render.markdown.mermaid import _label
from outlookgen.render.markup import Emph, Strong, Text, parse_inline

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
INTEROP = ROOT / "tests" / "interop"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SERVICE = "7*24小时支持，5*8响应"
TEMPLATES = "${7*7} #{7*7}"
# A task name holding every character Mermaid's gantt grammar reads as syntax,
# and a word it would take for a statement of its own.
TASK = "Title: 7*24小时运维 #1; 100% a*b*c"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (SERVICE, (Text(SERVICE),)),
        (TEMPLATES, (Text(TEMPLATES),)),
        ("a*b*c", (Text("a*b*c"),)),
        ("2*x*3", (Text("2*x*3"),)),
        # emphasis still works where a * touches a space or punctuation
        ("*7x24* support", (Emph((Text("7x24"),)), Text(" support"))),
        ("响应“*5分钟*”内", (Text("响应“"), Emph((Text("5分钟"),)), Text("”内"))),
        # ** keeps its meaning between letters: the common bold in Chinese text
        ("缩短**20%**以上", (Text("缩短"), Strong((Text("20%"),)), Text("以上"))),
    ],
)
def test_a_star_between_letters_or_digits_is_literal(source, expected):
    assert parse_inline(source) == expected


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("literal")
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("current_state: Orders are tracked in spreadsheets.", f"current_state: '{SERVICE} {TEMPLATES}'")
    text = text.replace("name: Requirements", f"name: '{TASK}'")
    text = text.replace("name: Go-live", "name: 'Go-live #2: 100%'")
    spec = tmp / "plan.yaml"
    spec.write_text(text, encoding="utf-8")
    build([spec], BuildOptions(formats=("md", "html", "docx"), output_dir=tmp / "out"))
    return tmp / "out"


def test_html_shows_the_text_without_emphasis(built):
    page = html.fromstring((built / "plan.html").read_bytes())
    [paragraph] = [p for p in page.iter("p") if "小时支持" in p.text_content()]
    assert paragraph.text_content() == f"{SERVICE} {TEMPLATES}"
    assert not list(paragraph.iter("em", "strong", "code"))
    assert TASK in page.text_content()


def test_word_shows_the_text_in_plain_runs(built):
    with zipfile.ZipFile(built / "plan.docx") as archive:
        doc = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = ["".join(p.itertext()) for p in doc.iter(W + "p")]
    assert f"{SERVICE} {TEMPLATES}" in paragraphs
    italic = ["".join(r.itertext()) for r in doc.iter(W + "r") if r.find(f"{W}rPr/{W}i") is not None]
    assert not [run for run in italic if "24" in run or "7" in run], italic
    assert any(TASK in p for p in paragraphs)


def test_markdown_escapes_the_stars_so_a_reader_shows_them(built):
    source = (built / "plan.md").read_text(encoding="utf-8")
    assert "7\\*24小时支持，5\\*8响应" in source
    tool = require_tool("pandoc")
    read = subprocess.run(
        [tool, "-f", "gfm", "-t", "json", str(built / "plan.md")], capture_output=True, text=True, check=True
    ).stdout
    doc = json.loads(read)
    plain = subprocess.run(
        [tool, "-f", "gfm", "-t", "plain", "--wrap=none", str(built / "plan.md")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"{SERVICE} {TEMPLATES}" in plain
    emphasised = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Emph":
                emphasised.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc["blocks"])
    assert not emphasised


def test_mermaid_labels_use_entity_codes_never_look_alikes():
    assert _label("Cutover #1: 100%; \\`go\\`") == "Cutover #35;1#58; 100#37;#59; #96;go#96;"
    # a text that starts like a statement of the grammar gets its first character as a code
    assert _label("Title page") == "#84;itle page"
    assert _label("click tracking") == "#99;lick tracking"
    assert _label("2026-03-02 cutover") == "#50;026-03-02 cutover"
    # the chart shows what a reader sees: markup dropped, literal stars kept
    assert _label("**Go-live** 7*24") == "Go-live 7*24"
    # one line: each run of whitespace (a tab, a line break, an ideographic space) is one space
    assert _label(" \tGo\n\n *live*\u3000\u2028now\x85") == "Go live now"


def test_mermaid_draws_every_character_as_written(built, tmp_path):
    tool = require_tool("mmdc")
    source = (built / "plan.md").read_text(encoding="utf-8")
    chart = re.search(r"```mermaid\n(.*?)```", source, re.S).group(1)
    assert "♯" not in chart and "∶" not in chart and "％" not in chart.split("axisFormat")[1]
    (tmp_path / "chart.mmd").write_text(chart, encoding="utf-8")
    proc = subprocess.run(
        [
            tool,
            "-q",
            "-p",
            str(INTEROP / "puppeteer.json"),
            "-i",
            str(tmp_path / "chart.mmd"),
            "-o",
            str(tmp_path / "chart.svg"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    svg = etree.parse(str(tmp_path / "chart.svg"))
    texts = [" ".join("".join(t.itertext()).split()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert TASK in texts, texts
    assert "Go-live #2: 100%" in texts
    assert "Minimal outlook" in texts  # the title is still the title: "Title: ..." did not replace it
    # the axis shows dates, not the format string
    assert any(re.fullmatch(r"\d\d [A-Z][a-z]{2}", t) for t in texts), texts
