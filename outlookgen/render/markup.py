"""The text subset of a spec (inline Markdown plus paragraphs and bullets), parsed once into a format-neutral AST.

Every writer (Markdown, HTML, Word) renders this AST; none of them parses
spec text itself, so the three formats cannot disagree about what is bold or
what is a link.

Inline rules (spec-format.md, "Inline Markdown"):

* ``**strong**``, ``*emphasis*``, backtick code spans and ``[label](url)``;
  nothing else.
  Underscores are never emphasis (``__init__`` stays as written).
* Emphasis follows CommonMark's delimiter-run algorithm (so ``**a *b***``
  nests) with a simplified flanking rule: a run can open when the next
  character is not whitespace and can close when the previous one is not
  whitespace. The punctuation clauses of CommonMark are left out on purpose:
  with them ``缩短**20%**的`` would not be bold, which is the common case in
  Chinese text. (The Markdown writer makes such runs work in GFM too.)
  Unmatched markers stay literal text.
* A single ``*`` with a letter or digit on both sides (``str.isalnum``, so
  CJK characters count) is literal: ``7*24小时``, ``5*8``, ``${7*7}`` and
  ``a*b*c`` are text, as underscores are. Plans write "7*24小时运维" far more
  often than intraword italics; a ``**`` run keeps its CommonMark meaning.
* Code spans are literal inside; CommonMark's normalisation applies (a line
  break becomes a space, one space is stripped from both ends when both ends
  have one).
* ``[label](url)`` becomes a :class:`Link` only for ``http://``, ``https://``
  and ``mailto:`` urls (scheme case-insensitive, surrounding whitespace
  stripped, no whitespace, control or format characters inside, at most
  2048 characters). Any other destination (``javascript:``, ``data:``,
  relative, ``//host``...) leaves the whole ``[label](url)`` as its literal
  source text. ``[](url)`` shows the url as its label. Links do not nest.
* A backslash before ASCII punctuation gives that character literally.
* Nesting deeper than :data:`MAX_DEPTH` is not built (the markers stay
  literal), so hostile input cannot make the writers recurse without bound.

Block rules (:func:`parse_block`): blank lines separate paragraphs; a line
starting with ``-`` and a space or tab (after optional indentation) starts a
bullet item, also right under a paragraph line; indented lines after it
continue the item; a non-indented line ends the list and starts a paragraph.
Items separated by blank lines stay one list; deeper-indented bullets join
the same list (there is no nesting). ``* item`` and ``+ item`` are *not*
bullets (the spec format names only ``- ``), nor is anything else
block-level: headings, quotes, numbered lists, tables and HTML are plain
text. Each line is trimmed; line breaks inside a paragraph or an item are
kept as ``"\\n"`` in :class:`Text` and the writers render them as line breaks.
"""

from __future__ import annotations

import bisect
import re
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from outlookgen.fields_repr import fields_repr
from outlookgen.spec.scalars import as_text

__all__ = [
    "MAX_DEPTH",
    "Block",
    "BulletList",
    "Code",
    "Emph",
    "Inline",
    "Link",
    "Paragraph",
    "Strong",
    "Text",
    "canonical",
    "is_whitespace",
    "parse_block",
    "parse_inline",
    "plain_text",
    "safe_url",
]

#: Deepest nesting of Strong/Emph/Link that the parser builds.
MAX_DEPTH = 8
#: Longest url accepted as a link destination.
MAX_URL_LENGTH = 2048
_CACHE_SIZE = 1 << 16


@dataclass(frozen=True, repr=False)
class Text:
    """Literal text; ``"\\n"`` inside is a line break chosen by the author."""

    text: str

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Strong:
    """Bold text (``**…**``)."""

    children: tuple[Inline, ...]

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Emph:
    """Italic text (``*…*``)."""

    children: tuple[Inline, ...]

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Code:
    """Inline code (a backtick span), shown as written."""

    text: str

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Link:
    """A link whose ``url`` is known to be http, https or mailto."""

    children: tuple[Inline, ...]
    url: str

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Paragraph:
    """A paragraph of a multi-line text: its inline content."""

    inlines: tuple[Inline, ...]

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class BulletList:
    """A ``- `` bullet list of a multi-line text: each item's inline content."""

    items: tuple[tuple[Inline, ...], ...]

    __repr__ = fields_repr


Inline = Text | Strong | Emph | Code | Link
Block = Paragraph | BulletList


# --------------------------------------------------------------------------
# character classes

_ASCII_PUNCT = frozenset(string.punctuation)
_INLINE_SPECIAL = re.compile(r"[*`\[\]\\]")
_HAS_MARKUP = re.compile(r"[*`\[\\]")
_BACKTICKS = re.compile(r"`+")
_STARS = re.compile(r"\*+")
_PARENS = re.compile(r"[()]")


def is_whitespace(ch: str) -> bool:
    """CommonMark's Unicode whitespace: tab, LF, FF, CR or category Zs.

    The empty string (start or end of the text) counts as whitespace.
    """
    if not ch:
        return True
    if ch in "\t\n\f\r ":
        return True
    return ch > "\x7f" and unicodedata.category(ch) == "Zs"


def _as_str(value: object) -> str:
    """The text of a field as an exact ``str``.

    Never a str subclass such as :class:`markupsafe.Markup`: its methods would
    escape, or mark as safe, what the writers escape themselves.
    """
    if value is None:
        return ""
    return str(as_text(value))


def _normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# --------------------------------------------------------------------------
# urls

_URL_SCHEME = re.compile(r"(?:https?://[^/?#]|mailto:.)", re.IGNORECASE | re.DOTALL)
_URL_BAD_ASCII = re.compile(r"[\x00-\x20\x7f]")
_URL_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def safe_url(url: str) -> str | None:
    """``url`` stripped when it may become a link (http, https, mailto), else None.

    Writers may rely on the result holding no whitespace, control or format
    characters, so the scheme a browser sees is the scheme checked here.
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    if _URL_BAD_ASCII.search(url):
        return None
    if not url.isascii() and any(unicodedata.category(ch) in _URL_BAD_CATEGORIES for ch in url if ch > "\x7f"):
        return None
    if not _URL_SCHEME.match(url):
        return None
    return url


# --------------------------------------------------------------------------
# inline parsing


class _Delim:
    """A run of ``*`` that may open and/or close emphasis."""

    __slots__ = ("can_close", "can_open", "count", "orig")

    def __init__(self, count: int, can_open: bool, can_close: bool) -> None:
        self.count = count
        self.orig = count
        self.can_open = can_open
        self.can_close = can_close


class _Bracket:
    """An unclosed ``[`` at ``pos`` in the source."""

    __slots__ = ("pos",)

    def __init__(self, pos: int) -> None:
        self.pos = pos


def _depth(node: object) -> int:
    if isinstance(node, (Strong, Emph, Link)):
        return 1 + max((_depth(c) for c in node.children), default=0)
    return 0


def _finish(items: list) -> tuple[Inline, ...]:
    """Leftover markers become text; adjacent text merges."""
    result: list[Inline] = []
    buf: list[str] = []
    for item in items:
        if isinstance(item, str):
            buf.append(item)
        elif isinstance(item, _Delim):
            buf.append("*" * item.count)
        elif isinstance(item, _Bracket):
            buf.append("[")
        else:
            if buf:
                result.append(Text("".join(buf)))
                buf = []
            result.append(item)
    if buf:
        result.append(Text("".join(buf)))
    return tuple(result)


def _odd_match(opener: _Delim, closer: _Delim) -> bool:
    """CommonMark's "rule of 3" (``*a**b*`` is one emphasis, not two)."""
    if (opener.can_open and opener.can_close) or (closer.can_open and closer.can_close):
        total = opener.orig + closer.orig
        return total % 3 == 0 and not (opener.orig % 3 == 0 and closer.orig % 3 == 0)
    return False


def _process_emphasis(items: list) -> tuple[Inline, ...]:
    """Match ``*`` runs in ``items`` (CommonMark's process-emphasis, on a stack)."""
    if not any(isinstance(item, _Delim) for item in items):
        return _finish(items)
    out: list = []
    depths: list[int] = []
    # Per closer kind, the stack index below which no opener can match it;
    # keeps the whole pass linear on inputs like "*a *a *a ...".
    bottoms: dict[tuple[bool, int], int] = {}
    for item in items:
        if not isinstance(item, _Delim):
            out.append(item)
            depths.append(_depth(item) if isinstance(item, Link) else 0)
            continue
        if not item.can_close:
            out.append(item)
            depths.append(0)
            continue
        key = (item.can_open, item.orig % 3)
        while item.count:
            low = bottoms.get(key, 0)
            found = -1
            for k in range(len(out) - 1, low - 1, -1):
                cand = out[k]
                if isinstance(cand, _Delim) and not _odd_match(cand, item):
                    found = k
                    break
            if found < 0:
                bottoms[key] = len(out)
                break
            opener = out[found]
            inner = out[found + 1 :]
            depth = 1 + max(depths[found + 1 :], default=0)
            if not inner or depth > MAX_DEPTH:
                bottoms[key] = len(out)
                break
            use = 2 if opener.count >= 2 and item.count >= 2 else 1
            node = (Strong if use == 2 else Emph)(_finish(inner))
            del out[found + 1 :]
            del depths[found + 1 :]
            opener.count -= use
            item.count -= use
            if opener.count == 0:
                out.pop()
                depths.pop()
            out.append(node)
            depths.append(depth)
            top = len(out) - 1
            for k in bottoms:
                if bottoms[k] > top:
                    bottoms[k] = top
        if item.count:
            if item.can_open:
                out.append(item)
            else:
                out.append("*" * item.count)
            depths.append(0)
    return _finish(out)


class _InlineParser:
    """One left-to-right pass: escapes, code spans and links; emphasis last."""

    def __init__(self, src: str) -> None:
        self.src = src
        self._tick_runs: dict[int, list[int]] | None = None
        self._paren_match: dict[int, int] | None = None

    # code spans ---------------------------------------------------------
    def _closing_ticks(self, length: int, start: int) -> int | None:
        """Start of the first run of exactly ``length`` backticks at or after ``start``."""
        if self._tick_runs is None:
            runs: dict[int, list[int]] = {}
            for m in _BACKTICKS.finditer(self.src):
                runs.setdefault(m.end() - m.start(), []).append(m.start())
            self._tick_runs = runs
        starts = self._tick_runs.get(length)
        if not starts:
            return None
        k = bisect.bisect_left(starts, start)
        return starts[k] if k < len(starts) else None

    # links --------------------------------------------------------------
    def _closing_paren(self, pos: int) -> int | None:
        """Index of the ``)`` balancing the ``(`` at ``pos``."""
        if self._paren_match is None:
            match: dict[int, int] = {}
            stack: list[int] = []
            for m in _PARENS.finditer(self.src):
                if m.group() == "(":
                    stack.append(m.start())
                elif stack:
                    match[stack.pop()] = m.start()
            self._paren_match = match
        return self._paren_match.get(pos)

    def parse(self) -> tuple[Inline, ...]:
        src = self.src
        n = len(src)
        items: list = []
        brackets: list[int] = []  # indices in items of open, active "["
        i = 0
        while i < n:
            m = _INLINE_SPECIAL.search(src, i)
            if m is None:
                items.append(src[i:])
                break
            j = m.start()
            if j > i:
                items.append(src[i:j])
            ch = src[j]
            if ch == "\\":
                if j + 1 < n and src[j + 1] in _ASCII_PUNCT:
                    items.append(src[j + 1])
                    i = j + 2
                else:
                    items.append("\\")
                    i = j + 1
            elif ch == "`":
                end = _BACKTICKS.match(src, j).end()
                length = end - j
                close = self._closing_ticks(length, end)
                if close is None:
                    items.append(src[j:end])
                    i = end
                else:
                    items.append(Code(_code_content(src[end:close])))
                    i = close + length
            elif ch == "*":
                end = _STARS.match(src, j).end()
                before = src[j - 1] if j else ""
                after = src[end] if end < n else ""
                can_open = not is_whitespace(after)
                can_close = not is_whitespace(before)
                if end - j == 1 and before.isalnum() and after.isalnum():
                    items.append("*")  # 7*24, 5*8: a times sign, never emphasis
                elif can_open or can_close:
                    items.append(_Delim(end - j, can_open, can_close))
                else:
                    items.append(src[j:end])
                i = end
            elif ch == "[":
                brackets.append(len(items))
                items.append(_Bracket(j))
                i = j + 1
            else:  # "]"
                i = self._close_bracket(items, brackets, j)
        return _process_emphasis(items)

    def _close_bracket(self, items: list, brackets: list[int], j: int) -> int:
        """Handle the ``]`` at ``j``; return where scanning resumes."""
        src = self.src
        if not brackets:
            items.append("]")
            return j + 1
        index = brackets.pop()
        opener = items[index]
        paren = j + 1
        close = None
        if paren < len(src) and src[paren] == "(":
            close = self._closing_paren(paren)
        if close is None:
            # Not link syntax: both brackets are text, scanning goes on.
            items[index] = "["
            items.append("]")
            return j + 1
        raw_url = src[paren + 1 : close]
        url = safe_url(raw_url) if len(raw_url) <= MAX_URL_LENGTH + 64 else None
        if url is None:
            # Link syntax with a destination we refuse: the author sees exactly
            # what they wrote, and nothing inside it is markup.
            del items[index:]
            items.append(src[opener.pos : close + 1])
            return close + 1
        label = _process_emphasis(items[index + 1 :])
        del items[index:]
        items.append(Link(label or (Text(url),), url))
        # No links inside links: earlier "[" can no longer open one.
        for k in brackets:
            items[k] = "["
        brackets.clear()
        return close + 1


def _code_content(raw: str) -> str:
    content = raw.replace("\n", " ")
    if len(content) >= 2 and content[0] == " " and content[-1] == " " and content.strip(" "):
        content = content[1:-1]
    return content


def parse_inline(text: str | None) -> tuple[Inline, ...]:
    """Parse one text field's inline markup. Never raises; unknown markup is text.

    ``\\r\\n`` and ``\\r`` become ``\\n``. The empty string and None give
    ``()``; a number read from YAML is taken as written (``1.10``).
    Results are cached and shared: they are immutable tuples.
    """
    return _parse_inline(_as_str(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_inline(text: str) -> tuple[Inline, ...]:
    text = _normalize_newlines(text)
    if not text:
        return ()
    if not _HAS_MARKUP.search(text):
        return (Text(text),)
    return _one_pair(text) or _InlineParser(text).parse()


_NOT_STARS = re.compile(r"[`\[\]\\]")


def _one_pair(src: str) -> tuple[Inline, ...] | None:
    """What the parser makes of a text whose only markup is one ``*x*`` or ``**x**``; None for any other text.

    The commonest markup of a plan (a name with one emphasised word), worked
    out without the delimiter stack: two runs of one length (1 or 2), the
    first able to open and the second to close, never a times sign (7*24).
    The stack would pair exactly these two (nothing else to pair; 1 + 1 and
    2 + 2 are no multiples of 3) into one Emph or Strong of the text between.
    """
    if _NOT_STARS.search(src):
        return None
    first = _STARS.search(src)
    second = _STARS.search(src, first.end()) if first else None
    if second is None or _STARS.search(src, second.end()):
        return None
    size = first.end() - first.start()
    if size > 2 or second.end() - second.start() != size:
        return None
    head, inner, tail = src[: first.start()], src[first.end() : second.start()], src[second.end() :]
    before, after = head[-1:], inner[0]  # around the first run (inner is never empty: the runs are apart)
    last, following = inner[-1], tail[:1]  # around the second
    if is_whitespace(after) or is_whitespace(last):
        return None  # the first cannot open or the second cannot close
    if size == 1 and ((before.isalnum() and after.isalnum()) or (last.isalnum() and following.isalnum())):
        return None  # a times sign
    node = (Strong if size == 2 else Emph)((Text(inner),))
    return (*((Text(head),) if head else ()), node, *((Text(tail),) if tail else ()))


# --------------------------------------------------------------------------
# blocks

_BULLET = re.compile(r"[ \t]*-[ \t]+(?=\S)")


def parse_block(text: str | None) -> tuple[Block, ...]:
    """Parse a multi-line text field into paragraphs and bullet lists (cached)."""
    return _parse_block(_as_str(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_block(text: str) -> tuple[Block, ...]:
    text = _normalize_newlines(text)
    if "\n" not in text:
        line = text.strip()
        if not line:
            return ()
        m = _BULLET.match(line)
        if m:
            return (BulletList((parse_inline(line[m.end() :].strip()),)),)
        return (Paragraph(parse_inline(line)),)

    blocks: list[Block] = []
    para: list[str] = []
    items: list[list[str]] = []
    in_item = False  # may an indented line continue the last item?

    def flush_para() -> None:
        if para:
            blocks.append(Paragraph(parse_inline("\n".join(para))))
            para.clear()

    def flush_list() -> None:
        if items:
            blocks.append(BulletList(tuple(parse_inline("\n".join(it)) for it in items)))
            items.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            flush_para()
            in_item = False  # a list may go on after a blank line, an item may not
            continue
        m = _BULLET.match(line)
        if m:
            flush_para()
            items.append([line[m.end() :].strip()])
            in_item = True
        elif in_item and line[0] in " \t":
            items[-1].append(stripped)
        else:
            flush_list()
            in_item = False
            para.append(stripped)
    flush_para()
    flush_list()
    return tuple(blocks)


# --------------------------------------------------------------------------
# helpers for writers


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The visible text of an inline sequence (markers and urls dropped)."""
    parts: list[str] = []

    def walk(nodes: tuple[Inline, ...]) -> None:
        for node in nodes:
            if isinstance(node, (Text, Code)):
                parts.append(node.text)
            else:
                walk(node.children)

    walk(inlines)
    return "".join(parts)


_LITERAL_MARKERS = re.compile(r"[\\`*\[\]]")


def canonical(text: object) -> str:
    """``text`` re-written in the subset so its markup cannot pair with text around it.

    Literal markers are backslash-escaped and every element is closed, so
    several spec texts joined into one (an owner's "title — name", a
    critical path) keep each text's own emphasis, and an unmatched ``*`` in
    one cannot pair with one in the next.
    """
    return "".join(_canonical(node) for node in parse_inline(as_text(text) if text is not None else ""))


def _backslashed(match: re.Match[str]) -> str:
    # A function, not the template r"\\\g<0>", which re reads through a Python helper on every call.
    return "\\" + match.group()


def _canonical(node: Inline) -> str:
    if isinstance(node, Text):
        return _LITERAL_MARKERS.sub(_backslashed, node.text)
    if isinstance(node, Strong):
        return "**" + "".join(map(_canonical, node.children)) + "**"
    if isinstance(node, Emph):
        return "*" + "".join(map(_canonical, node.children)) + "*"
    if isinstance(node, Code):
        longest = max((len(run) for run in re.findall("`+", node.text)), default=0)
        fence = "`" * (longest + 1)
        pad = " " if node.text.startswith("`") or node.text.endswith("`") else ""
        return f"{fence}{pad}{node.text}{pad}{fence}"
    if isinstance(node, Link):
        return "[" + "".join(map(_canonical, node.children)) + "](" + node.url + ")"
    raise TypeError(node)
