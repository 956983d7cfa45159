"""Small WordprocessingML builders: runs, paragraphs and cell pieces as XML text.

The writer assembles the document body as text and parses it once: building
tens of thousands of table cells as strings is an order of magnitude faster
than python-docx's object API (``cell.text`` costs ~125 µs a cell).
Every piece of text passes through :func:`t`, which escapes it and drops the
characters XML cannot hold.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from outlookgen.render.docx.blocks import clean

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECLS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

# Text-width estimates (twips per em at 1 pt = 20 twips): CJK and other wide
# characters are one em; Latin averages a little over half an em.
WIDE_RANGES = (
    (0x1100, 0x115F),
    (0x2E80, 0xA4CF),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF60),
    (0xFFE0, 0xFFE6),
    (0x20000, 0x3FFFD),
)


def esc(text: str) -> str:
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(text: str) -> str:
    return esc(text).replace('"', "&quot;")


def t(text: str) -> str:
    """Run content for ``text``: ``w:t`` pieces with ``w:br`` for line breaks and ``w:tab`` for tabs."""
    if "\n" not in text and "\t" not in text:
        return f'<w:t xml:space="preserve">{esc(text)}</w:t>' if text else ""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                out.append(f'<w:t xml:space="preserve">{esc(piece)}</w:t>')
    return "".join(out)


def rpr(
    *,
    style: str | None = None,
    bold=False,
    italic=False,
    strike=False,
    colour: str | None = None,
    fonts: str | None = None,
) -> str:
    """``w:rPr`` with its children in schema order (empty string when nothing is set)."""
    parts = []
    if style:
        parts.append(f'<w:rStyle w:val="{style}"/>')
    if fonts:
        parts.append(f'<w:rFonts w:ascii="{esc_attr(fonts)}" w:hAnsi="{esc_attr(fonts)}" w:cs="{esc_attr(fonts)}"/>')
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if strike:
        parts.append("<w:strike/>")
    if colour:
        parts.append(f'<w:color w:val="{colour}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def run(text: str, props: str = "") -> str:
    body = t(text)
    return f"<w:r>{props}{body}</w:r>" if body else ""


def ppr(
    style: str | None = None,
    *,
    keep_next=False,
    page_break=False,
    align: str | None = None,
    extra: str = "",
) -> str:
    """``w:pPr`` in schema order: pStyle, keepNext, pageBreakBefore, (spacing/ind in ``extra``), jc."""
    parts = []
    if style:
        parts.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        parts.append("<w:keepNext/>")
    if page_break:
        parts.append("<w:pageBreakBefore/>")
    if extra:
        parts.append(extra)
    if align:
        parts.append(f'<w:jc w:val="{align}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def paragraph(props: str, content: str) -> str:
    return f"<w:p>{props}{content}</w:p>"


@cache  # bounded by the characters a document uses
def char_width(ch: str) -> float:
    """Estimated advance width of ``ch`` in em."""
    cp = ord(ch)
    if cp < 0x1100:
        if ch in "iljtfI.,;:'|!() ":
            return 0.36
        if ch in "mwMW@%":
            return 0.9
        if ch.isupper() or ch.isdigit():
            return 0.68
        return 0.6
    for lo, hi in WIDE_RANGES:
        if lo <= cp <= hi:
            return 1.0
    return 0.6


@cache
def is_wide(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1100 and any(lo <= cp <= hi for lo, hi in WIDE_RANGES)


_BREAKS = re.compile(r"[\s/]+")


#: A run of at most this many CJK characters (a label such as 可能性) is kept on one line.
SHORT_CJK = 4


@lru_cache(maxsize=65536)  # owners, phases, statuses and dates repeat in every table
def text_extent(text: str) -> tuple[float, float]:
    """(longest unbreakable piece, longest line) of ``text`` in em.

    Latin words break only at spaces and slashes (an id such as ``O-change``
    is kept whole although Word may break after a hyphen). CJK text may break
    between any two characters, so Chinese sentences never force a wide
    column; only a short run (up to :data:`SHORT_CJK` characters, a label or
    a word such as 可能性) is kept whole.
    """
    if text.isascii():
        # Fast path (most cells): an average Latin advance of 0.6 em; the
        # fonts a reader may lack (Calibri) are replaced by wider ones
        # (DejaVu Sans), so estimates lean wide.
        lines = text.split("\n")
        word = max((len(w) for w in _BREAKS.split(text)), default=0)
        return word * 0.68, max(len(line) for line in lines) * 0.6
    longest_word = 0.0
    longest_line = 0.0
    for line in text.split("\n"):
        line_width = 0.0
        word = 0.0
        run = 0.0  # the current run of CJK characters
        count = 0
        for ch in line + " ":
            w = char_width(ch)
            line_width += w
            if is_wide(ch):
                longest_word = max(longest_word, word, w)
                word = 0.0
                run += w
                count += 1
                continue
            if count and count <= SHORT_CJK:
                longest_word = max(longest_word, run)
            run, count = 0.0, 0
            if ch.isspace() or ch == "/":
                longest_word = max(longest_word, word + (w if not ch.isspace() else 0))
                word = 0.0
            else:
                word += w
        longest_word = max(longest_word, word)
        longest_line = max(longest_line, line_width - char_width(" "))
    return longest_word, longest_line
