"""Spec text as GitHub-Flavoured Markdown: the parsed subset re-emitted, everything else escaped.

Which function for which place in a template:

* :func:`md_inline` -- inside one line: a heading, a list item, a sentence.
  The output never holds a line break (an author's line break becomes a
  space), so a spec string cannot end the template's line or start a block.
* :func:`md_cell` -- inside a GFM table cell. Like :func:`md_inline`, plus
  every ``|`` is escaped (also inside code spans) and a line break becomes
  ``<br>`` -- the only raw HTML this module ever writes.
* :func:`md_block` -- a whole multi-line field on lines of its own:
  paragraphs, ``- `` bullet lists, line breaks kept (a trailing backslash).

All three return :class:`markupsafe.Markup`, which the Markdown environment
treats as already safe. Text pieces are escaped so that nothing but the
subset's own markers can change the document's structure: ``\\ ` * _ [ ] < >
| ~ # ! $`` are always backslash-escaped (``$`` because GitHub renders
``$...$`` as math), ``&`` when it would start a character reference, and at
the start of a line what would begin a block there (``- ``, ``+ ``, ``1. ``,
``2) ``, a ``---``, ``===`` or ``:-:`` line). Leading spaces
and tabs of a line are dropped (they would make indented code); other tabs
become spaces (markdownlint's MD010; HTML shows them as spaces anyway).
``https://`` and ``www.`` in text get an escape so GFM does not autolink
them (the HTML and Word outputs do not link them either), ``:name:`` so
GitHub does not turn it into an emoji, ``@`` so it is no mention.

Emphasis: the parser accepts runs CommonMark would reject next to
punctuation (``缩短**“重点”**内容``). Where a ``*`` run as written would not
be left- or right-flanking for CommonMark, a zero-width space
(``&#8203;``) is put beside it so GitHub, GitLab and pandoc still see the
emphasis. Output is deterministic, not idempotent.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from outlookgen.render.markup import (
    BulletList,
    Code,
    Inline,
    Link,
    Paragraph,
    Strong,
    Text,
    is_whitespace,
    parse_block,
    parse_inline,
)
from outlookgen.spec.scalars import as_text

__all__ = ["md_block", "md_cell", "md_inline"]

_ESCAPE = re.compile(r"[\\`*_\[\]<>|~#!$@]")
# GFM autolink literals (https://..., www.) and GitHub's emoji shortcodes
# (:smile:): an escape inside keeps them text, as in the HTML and Word
# outputs, and keeps markdownlint's MD034 quiet. Applied to escaped text.
_LITERAL_TRAPS = re.compile(r":(?=//|(?:[A-Za-z0-9+-]|\\_)+:)|(?<=www)\.", re.IGNORECASE)
# Only what could start a character reference: &name; &#123; &#x1F;
_ENTITY_START = re.compile(r"&(?=[A-Za-z][A-Za-z0-9]{0,63};|#[0-9]{1,9};|#[xX][0-9A-Fa-f]{1,9};)")
# Bullet markers ("- x", "+ x"), thematic breaks ("---", "- - -"), setext
# underlines ("===", "---") and one-column GFM table delimiter rows (":-:");
# "-5%" or "=x" start no block and stay as they are.
_BLOCK_MARKER = re.compile(r"[-+](?:[ \t]|$)|[-:][-: \t]*$|=+[ \t]*$")
# An ordered-list marker needs a space or the line end after it ("1.10" is text).
_ORDERED_MARKER = re.compile(r"([0-9]{1,9})([.)])(?=[ \t]|$)")
# Inside a link destination: what would end it, open an angle form, start a
# code span or a reference, or be a backslash escape itself.
_URL_ESCAPE = re.compile(r"[\\()<>`|]")
_ZWSP = "&#8203;"
_ASCII_PUNCT = frozenset(string.punctuation)

_INLINE, _CELL, _BLOCK = "inline", "cell", "block"


def _backslashed(match: re.Match[str]) -> str:
    # A function, not the template r"\\\g<0>": re reads a template through a
    # Python helper on every sub() call, matched or not (~1 us; escape_text runs
    # for every piece of text, 10,000 times for a big plan).
    return "\\" + match.group()


def escape_text(s: str) -> str:
    s = _ESCAPE.sub(_backslashed, s)
    if "&" in s:
        s = _ENTITY_START.sub(_backslashed, s)
    if ":" in s or "." in s:
        s = _LITERAL_TRAPS.sub(_backslashed, s)
    return s


def _escape_line_start(s: str) -> str:
    """``s`` (already escaped text) begins a line: keep it from starting a block.

    The end of ``s`` counts as the end of the line (what may follow on the
    line is a marker, a code span or a link, never a space), so the test
    errs on the side of escaping.
    """
    if not s:
        return s
    if _BLOCK_MARKER.match(s):
        return "\\" + s
    if s[0].isdigit():
        m = _ORDERED_MARKER.match(s)
        if m:
            return m.group(1) + "\\" + m.group(2) + s[m.end() :]
    return s


def _escape_url(url: str) -> str:
    url = _URL_ESCAPE.sub(_backslashed, url)
    if "&" in url:
        url = _ENTITY_START.sub(_backslashed, url)
    return url


def _code_span(content: str, cell: bool) -> str | None:
    """``content`` as a code span; None when a table cell cannot hold it exactly."""
    runs = {len(m.group()) for m in re.finditer(r"`+", content)}
    fence_len = 1
    while fence_len in runs:
        fence_len += 1
    fence = "`" * fence_len
    if content[0] == "`" or content[-1] == "`" or (content[0] == " " and content[-1] == " " and content.strip(" ")):
        content = " " + content + " "
    if cell and "|" in content:
        # GFM splits cells before parsing code spans: "|" must be "\|", and a
        # pipe after an odd run of backslashes cannot be written at all.
        if re.search(r"(?<!\\)(?:\\\\)*\\\|", content):
            return None
        content = content.replace("|", "\\|")
    return fence + content + fence


def _is_punct(ch: str) -> bool:
    """Punctuation for CommonMark flanking, taking the wider of the two definitions
    in use (0.29: ASCII + Unicode P*; 0.31: ASCII + Unicode P* and S*)."""
    if ch in _ASCII_PUNCT:
        return True
    return ch > "\x7f" and unicodedata.category(ch)[0] in "PS"


def _is_plain_punct(ch: str) -> bool:
    """Punctuation under the narrower (CommonMark 0.29 / cmark-gfm) definition."""
    if ch in _ASCII_PUNCT:
        return True
    return ch > "\x7f" and unicodedata.category(ch)[0] == "P"


def _left_flanking(before: str, after: str) -> bool:
    if is_whitespace(after):
        return False
    for punct in (_is_punct, _is_plain_punct):
        if punct(after) and not (is_whitespace(before) or punct(before)):
            return False
    return True


def _right_flanking(before: str, after: str) -> bool:
    if is_whitespace(before):
        return False
    for punct in (_is_punct, _is_plain_punct):
        if punct(before) and not (is_whitespace(after) or punct(after)):
            return False
    return True


class _Writer:
    """Renders inlines into tokens: ("t", text), ("o", opener), ("c", closer)."""

    def __init__(self, mode: str, indent: str = "") -> None:
        self.mode = mode
        self.indent = indent
        self.tokens: list[tuple[str, str]] = []
        self.bol = True  # at the beginning of an output line?
        self.open_markers: set[str] = set()

    def emit(self, s: str) -> None:
        if s:
            self.tokens.append(("t", s))
            self.bol = False

    def line_break(self) -> None:
        if self.mode == _INLINE:
            self.emit(" ")
            return
        # A "*" run right before the break would otherwise be followed by
        # punctuation ("\\" or "<"), which can make it both-flanking and
        # change how CommonMark pairs it; a space keeps it a pure closer.
        space = " " if self.tokens and self.tokens[-1][0] == "c" else ""
        if self.mode == _CELL:
            self.emit(space + "<br>")
        else:
            self.tokens.append(("t", space + "\\\n" + self.indent))
            self.bol = True

    def text(self, s: str) -> None:
        if "\t" in s:
            s = s.replace("\t", " ")
        if "\n" not in s:
            # The usual piece, one line: the loop below without the split.
            if self.bol:
                s = s.lstrip(" \t")
                if s:
                    self.emit(_escape_line_start(escape_text(s)))
            else:
                self.emit(escape_text(s))
            return
        for k, part in enumerate(s.split("\n")):
            if k:
                self.line_break()
            if self.bol:
                part = part.lstrip(" \t")
                if not part:
                    continue
                self.emit(_escape_line_start(escape_text(part)))
            else:
                self.emit(escape_text(part))

    def inlines(self, nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                self.text(node.text)
            elif isinstance(node, Code):
                span = _code_span(node.text.replace("\t", " "), self.mode == _CELL)
                if span is None:
                    self.text(node.text)
                else:
                    self.emit(span)
            elif isinstance(node, Link):
                self.emit("[")
                self.inlines(node.children)
                self.emit("](" + _escape_url(node.url) + ")")
            else:
                marker = "**" if isinstance(node, Strong) else "*"
                if marker in self.open_markers:
                    # Emphasis inside the same emphasis looks the same, and
                    # "*" next to "*" would read as "**": drop the inner one.
                    self.inlines(node.children)
                    continue
                self.tokens.append(("o", marker))
                self.bol = False
                self.open_markers.add(marker)
                self.inlines(node.children)
                self.open_markers.discard(marker)
                self.tokens.append(("c", marker))

    def result(self) -> str:
        """Join the tokens, separating ``*`` runs that GFM would misread."""
        tokens = self.tokens
        out: list[str] = []
        last = ""  # last character written ("" = start of output)
        i, n = 0, len(tokens)
        while i < n:
            kind, s = tokens[i]
            if kind == "t":
                out.append(s)
                last = s[-1]
                i += 1
                continue
            # The run of markers up to the next text: its closers, then its openers.
            closers = openers = ""
            j = i
            while j < n:
                kind, s = tokens[j]
                if kind == "t":
                    break
                if kind == "c":
                    closers += s
                else:
                    openers += s
                j += 1
            following = tokens[j][1][0] if j < n else ""
            if closers:
                out.append(closers)
                nxt = openers[0] if openers else following
                if openers or not _right_flanking(last, nxt):
                    out.append(_ZWSP)
                    last = ";"
                else:
                    last = "*"
            if openers:
                if last != ";" and not _left_flanking(last, following):
                    out.append(_ZWSP)
                out.append(openers)
                last = "*"
            i = j
        return "".join(out)


def _render_inlines(nodes: tuple[Inline, ...], mode: str) -> str:
    if len(nodes) == 1 and type(nodes[0]) is Text and "\n" not in nodes[0].text:
        # Most fields are one line of plain text: what _Writer.text makes of
        # it, without the writer (no line break, so the mode plays no part).
        part = nodes[0].text.replace("\t", " ").lstrip(" \t")
        return _escape_line_start(escape_text(part)).strip() if part else ""
    writer = _Writer(mode)
    writer.inlines(nodes)
    return writer.result().strip()


def md_inline(text: Any) -> Markup:
    """One text field as Markdown for use inside a line (no line breaks in the output)."""
    return Markup(_render_inlines(parse_inline(text), _INLINE))


def md_cell(text: Any) -> Markup:
    """One text field as the content of a GFM table cell (``|`` escaped, breaks as ``<br>``)."""
    return _md_cell(_key(text))


def _key(text: Any) -> str:
    # The exact str parse_inline reads, so equal texts share one cache entry.
    if type(text) is str:
        return text
    return "" if text is None else str(as_text(text))


# A big plan repeats most cells (statuses, owners, phases, deliverables): at
# 2,000 tasks three in four md_cell calls are for a text seen before. The
# result depends on the text alone and Markup is immutable, so it is shared.
@lru_cache(maxsize=1 << 16)
def _md_cell(text: str) -> Markup:
    return Markup(_render_inlines(parse_inline(text), _CELL))


def md_block(text: Any) -> Markup:
    """A multi-line text field as Markdown paragraphs and ``- `` bullet lists.

    Blocks are separated by one blank line; there is no trailing newline.
    """
    parts: list[str] = []
    for block in parse_block(text):
        if isinstance(block, Paragraph):
            writer = _Writer(_BLOCK)
            writer.inlines(block.inlines)
            parts.append(writer.result().rstrip())
        elif isinstance(block, BulletList):
            lines = []
            for item in block.items:
                writer = _Writer(_BLOCK, indent="  ")
                writer.inlines(item)
                lines.append("- " + writer.result().rstrip())
            parts.append("\n".join(lines))
    return Markup("\n\n".join(parts))
