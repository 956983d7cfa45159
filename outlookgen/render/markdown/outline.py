"""Markdown's outline: the steps' sections numbered "1.1", and a contents list linking to the headings.

The template marks where the contents go (``{{ md.toc }}``) and which
``##`` headings are steps whose ``###`` sections are numbered
(``{{ md.numbered }}`` on the heading line), as HTML's ``{{ html.toc }}`` and
``section.step`` and Word's ``numbered="1"`` do. The numbers and the contents
are made here from the rendered headings, so a pack that overrides a block
(adds or drops a section) never leaves them out of step.

Links point at the anchors GitHub, GitLab, pandoc (``-f gfm``) and
markdownlint (MD051) derive from a heading's text: lower case, everything
but letters, marks, digits, ``_``, ``-`` and spaces dropped, spaces made
``-``, a repeated anchor suffixed ``-1``, ``-2``…
"""

from __future__ import annotations

import html
import re
import string
import unicodedata

from outlookgen.render.markdown.text import escape_text
from outlookgen.render.outline import section_numbers

# Spec and label text can never produce these: "<" is always escaped.
TOC_MARKER = "<!--outlookgen:toc-->"
NUMBERED_MARKER = "<!--outlookgen:numbered-->"

_ATX = re.compile(r"(#{1,6})(?:[ \t]+(.*))?$")
_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ASCII_PUNCT = frozenset(string.punctuation)
# The contents list: the parts (##) and their sections (###).
_CONTENTS_LEVELS = (2, 3)


def heading_text(content: str) -> str:
    """What a reader shows of a heading's Markdown content: escapes, code spans, entities
    resolved; emphasis markers and link destinations dropped (the subset text.py writes)."""
    out: list[str] = []
    i, n = 0, len(content)
    while i < n:
        c = content[i]
        if c == "\\" and i + 1 < n and content[i + 1] in _ASCII_PUNCT:
            out.append(content[i + 1])
            i += 2
        elif c == "`":
            j = i
            while j < n and content[j] == "`":
                j += 1
            run = content[i:j]
            close = re.compile(f"(?<!`){run}(?!`)").search(content, j)
            if close is None:
                out.append(run)
                i = j
                continue
            code = content[j : close.start()]
            if len(code) > 1 and code[0] == " " and code[-1] == " " and code.strip(" "):
                code = code[1:-1]
            out.append(code)
            i = close.end()
        elif c == "&" and (m := _ENTITY.match(content, i)):
            out.append(html.unescape(m.group()))
            i = m.end()
        elif c == "]" and content.startswith("(", i + 1):
            # The end of a link's text: its destination is not shown.
            j = i + 2
            while j < n and content[j] != ")":
                j += 2 if content[j] == "\\" else 1
            i = j + 1
        elif c in "*[":
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out).strip()


def anchor(text: str) -> str:
    """GitHub's anchor for a heading showing ``text`` (before any ``-1`` suffix)."""
    kept = (
        c for c in text.lower() if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc"
    )
    return "".join(kept).replace(" ", "-")


class _Anchors:
    """Unique anchors in document order, as GitHub's slugger and pandoc hand them out."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def add(self, text: str) -> str:
        base = result = anchor(text)
        while result in self.seen:
            self.seen[base] += 1
            result = f"{base}-{self.seen[base]}"
        self.seen[result] = 0
        return result


def _headings(lines: list[str]) -> list[tuple[int, int, str, bool]]:
    """(line index, level, content, numbered) of each ATX heading outside fenced code."""
    found = []
    fenced = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else _ATX.match(line)
        if m:
            content = m.group(2) or ""
            numbered = NUMBERED_MARKER in content
            content = _CLOSING.sub("", content.replace(NUMBERED_MARKER, "")).strip()
            found.append((i, len(m.group(1)), content, numbered))
    return found


def apply(text: str, title: str) -> str:
    """``text`` with the step sections numbered and the contents (titled ``title``, Markdown) at the marker."""
    head, marker, rest = text.partition(TOC_MARKER)
    lines = (head + TOC_MARKER + rest.replace(TOC_MARKER, "")).split("\n") if marker else text.split("\n")
    toc_line = next((i for i, line in enumerate(lines) if TOC_MARKER in line), None) if marker else None
    found = _headings(lines)
    # "##" is a part (level 1 of the shared rule), "###" a section in it.
    numbers = section_numbers((level - 1, numbered) for _, level, _, numbered in found)
    anchors = _Anchors()
    entries: list[tuple[int, str, str]] = []
    title_done = toc_line is None
    for (i, level, content, _), number in zip(found, numbers, strict=True):
        if not title_done and i > toc_line:
            anchors.add(heading_text(title))
            title_done = True
        if number:
            content = f"{number} {content}"
        lines[i] = f"{'#' * level} {content}"
        text_shown = heading_text(content)
        ident = anchors.add(text_shown)
        if toc_line is not None and i > toc_line and level in _CONTENTS_LEVELS:
            if level == 3 and not entries:
                continue  # a section before any part after the contents: no place in them
            entries.append((level, text_shown, ident))
    if toc_line is not None:
        lines[toc_line] = lines[toc_line].replace(TOC_MARKER, _contents(title, entries) if entries else "")
    return "\n".join(lines)


def _contents(title: str, entries: list[tuple[int, str, str]]) -> str:
    items = []
    for level, text_shown, ident in entries:
        label = escape_text(text_shown)
        # A heading that shows no letter or digit has no anchor to link to.
        item = f"[{label}](#{ident})" if anchor(text_shown) else label
        items.append(("  " if level == 3 else "") + "- " + item)
    return f"\n## {title}\n\n" + "\n".join(items) + "\n"
