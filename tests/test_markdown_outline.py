"""Markdown shows the outline HTML (and Word) show: the steps' sections numbered "1.1", the same contents."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE_FILES

from outlookgen.model import build_outlook
from outlookgen.packs import resolve_pack
from outlookgen.render.context import prepare
from outlookgen.render.html import page
from outlookgen.render.markdown import markdown
from outlookgen.spec.validate import load_valid

markdown_it = pytest.importorskip("markdown_it")


def _document(spec: Path, pack: str | None = None):
    outlook = build_outlook(load_valid(spec).data)
    return prepare(outlook, resolve_pack(pack), outlook.meta.locale)


class _HtmlOutline(HTMLParser):
    """The page's h2/h3 headings after the contents, numbered as the stylesheet's counters number them
    (``section.step`` counts the steps, each ``h3`` in it "N.k"), and the contents' entries likewise
    (``li.toc-step`` counts the steps, each ``li`` under it "N.k")."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.contents: list[tuple[int, str]] = []
        self._open: list[tuple[str, set[str]]] = []
        self._text: list[str] | None = None
        self._step = self._sub = self._toc_step = self._toc_sub = 0
        self._after_toc = False
        self.feed(source)
        self.close()

    def _inside(self, tag: str, cls: str | None = None) -> list[tuple[str, set[str]]]:
        return [(t, c) for t, c in self._open if t == tag and (cls is None or cls in c)]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self._open.append((tag, classes))
        if tag == "section" and "step" in classes:
            self._step += 1
            self._sub = 0
        if tag == "li" and self._inside("nav", "toc"):
            if "toc-step" in classes:
                self._toc_step += 1
                self._toc_sub = 0
            elif len(self._inside("li")) == 2 and "toc-step" in self._inside("li")[0][1]:
                self._toc_sub += 1
        if tag in ("h2", "h3") or (tag == "a" and self._inside("nav", "toc")):
            self._text = []

    def handle_endtag(self, tag):
        while self._open:
            open_tag, classes = self._open.pop()
            if open_tag == tag:
                break
        if tag == "nav" and "toc" in classes:
            self._after_toc = True
        if self._text is None:
            return
        text = " ".join("".join(self._text).split())
        if tag == "a" and self._inside("nav", "toc"):
            depth = len(self._inside("li"))
            number = f"{self._toc_step}.{self._toc_sub} " if depth == 2 and self._toc_sub else ""
            self.contents.append((depth + 1, number + text))
            self._text = None
        elif tag in ("h2", "h3") and not self._inside("nav", "toc"):
            if self._after_toc:
                number = ""
                if tag == "h3" and self._inside("section", "step"):
                    self._sub += 1
                    number = f"{self._step}.{self._sub} "
                self.headings.append((int(tag[1]), number + text))
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def _inline_text(token) -> str:
    return " ".join("".join(c.content for c in token.children if c.type in ("text", "code_inline")).split())


def _md_outline(source: str, contents_title: str):
    """The ## and ### headings after the contents, the contents' entries, and their links."""
    tokens = markdown_it.MarkdownIt("commonmark").parse(source)
    headings: list[tuple[int, str]] = []
    contents: list[tuple[int, str]] = []
    links: list[tuple[str, str]] = []
    where = "before"
    depth = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            text = _inline_text(tokens[i + 1])
            if where == "contents":
                where = "after"
            if text == contents_title:
                where = "contents"
            elif where == "after" and token.tag in ("h2", "h3"):
                headings.append((int(token.tag[1]), text))
        elif where == "contents" and token.type == "bullet_list_open":
            depth += 1
        elif where == "contents" and token.type == "bullet_list_close":
            depth -= 1
        elif where == "contents" and depth and token.type == "inline":
            contents.append((depth + 1, _inline_text(token)))
            links.append(
                next((c.attrGet("href"), _inline_text(token)) for c in token.children if c.type == "link_open")
            )
    return headings, contents, links


@pytest.mark.parametrize("spec", SAMPLE_FILES, ids=lambda p: p.name)
def test_markdown_outline_equals_html(spec):
    doc = _document(spec)
    html = _HtmlOutline(page(doc))
    title = doc.labels["html"]["contents"]
    headings, contents, _ = _md_outline(markdown(doc), title)
    assert headings == html.headings
    assert contents == html.contents
    # What the brief asks to see: numbers on the steps' sections only, two levels, in both languages.
    assert any(text.startswith("1.1 ") for level, text in headings if level == 3)
    assert not [t for level, t in contents if level == 2 and t[:1].isdigit()], "a part is numbered"


@pytest.mark.parametrize("spec", SAMPLE_FILES, ids=lambda p: p.name)
def test_markdown_contents_stand_after_revisions_and_before_status(spec):
    doc = _document(spec)
    tokens = markdown_it.MarkdownIt("commonmark").parse(markdown(doc))
    h2 = [_inline_text(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    contents = h2.index(doc.labels["html"]["contents"])
    assert h2[contents - 1] == doc.labels["revisions"]["title"]
    assert h2[contents + 1] == doc.context["status"]["title"]


def test_markdown_contents_link_to_githubs_anchors():
    # GitHub's anchors for these headings (as github.com shows them): lower case, "·" and "." dropped,
    # each space a "-"; pandoc -f gfm and markdownlint's MD051 agree (tests/test_interop_markdown.py).
    en, zh = (markdown(_document(spec)) for spec in SAMPLE_FILES)
    assert "- [Step 1 · Background and objectives](#step-1--background-and-objectives)\n" in en
    assert "  - [1.1 Current state](#11-current-state)\n" in en
    assert "  - [4.3 Review cadence (PDCA)](#43-review-cadence-pdca)\n" in en
    assert "  - [3.2 时间轴（甘特图）](#32-时间轴甘特图)\n" in zh
    assert "### 3.2 时间轴（甘特图）\n" in zh


def test_a_packs_own_section_is_numbered_and_listed(tmp_path):
    # A pack that adds a section to a step gets it numbered and in the contents, as in HTML and Word,
    # without computing anything itself.
    pack = tmp_path / "firm"
    (pack / "md").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: firm\nextends: default\n", encoding="utf-8")
    (pack / "md" / "outlook.md.j2").write_text(
        '{% extends "default:outlook.md.j2" %}\n'
        "{% block step2 %}\n{{ super() }}\n\n### Our delivery approach\n\nWeekly demos.\n{% endblock %}\n",
        encoding="utf-8",
    )
    doc = _document(SAMPLE_FILES[0], str(pack))
    headings, contents, links = _md_outline(markdown(doc), doc.labels["html"]["contents"])
    assert (3, "2.3 Our delivery approach") in headings
    assert (3, "2.3 Our delivery approach") in contents
    assert ("#23-our-delivery-approach", "2.3 Our delivery approach") in links
    assert (3, "3.1 " + doc.labels["step3"]["roadmap"]) in headings


def test_a_pack_without_the_markers_gets_no_numbers_and_no_contents(tmp_path):
    pack = tmp_path / "plain"
    (pack / "md").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: plain\nextends: default\n", encoding="utf-8")
    (pack / "md" / "outlook.md.j2").write_text(
        '{% extends "default:outlook.md.j2" %}\n{% block toc %}{% endblock %}\n'
        "{% block step1 %}\n## Background\n\n### Where we stand\n{% endblock %}\n",
        encoding="utf-8",
    )
    doc = _document(SAMPLE_FILES[0], str(pack))
    source = markdown(doc)
    assert "### Where we stand" in source
    assert "## " + doc.labels["html"]["contents"] not in source
    # Step 2 is now the first numbered part, as in HTML (section.step) and Word (numbered="1").
    assert "### 1.1 " + doc.labels["step2"]["included"] in source
    assert "<!--" not in source


def test_tidy_writes_every_empty_cell_as_one_space():
    """Runs of blank cells side by side all become "| |"; an escaped pipe opens no cell."""
    from outlookgen.render.markdown import tidy

    assert tidy("| a |  |   |\t\u3000|\n") == "| a | | | |\n"
    assert tidy("|  |  |  |  |\n") == "| | | | |\n"
    assert tidy("| a \\|  | b |\n") == "| a \\|  | b |\n"
    assert tidy("```\n|  |\n```\n") == "```\n|  |\n```\n"
