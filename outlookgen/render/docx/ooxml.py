"""Small WordprocessingML builders: runs, paragraphs and cell pieces as XML text.

The writer assembles the document body as text and parses it once: building
tens of thousands of table cells as strings is an order of magnitude faster
than python-docx's object API (``cell.text`` costs ~125 µs a cell).
Every piece of text passes through :func:`t`, which escapes it and drops the
characters XML cannot hold.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache, reduce
from operator import add

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
    lang: str | None = None,
) -> str:
    """``w:rPr`` with its children in schema order (empty string when nothing is set).

    ``lang`` is a whole ``<w:lang …/>`` element (it comes last of these).
    """
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
    if lang:
        parts.append(lang)
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
    outline: int | None = None,
) -> str:
    """``w:pPr`` in schema order: pStyle, keepNext, pageBreakBefore, (spacing/ind in ``extra``), jc, outlineLvl."""
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
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def paragraph(props: str, content: str) -> str:
    return f"<w:p>{props}{content}</w:p>"


# Advance widths (em) of the printable ASCII characters, U+0020 to U+007E, in Carlito — the
# font with Calibri's metrics that LibreOffice uses in Calibri's place — measured once with
# fontTools. Other fonts are scaled by :func:`font_factor`.
_ASCII_WIDTHS = (
    0.226, 0.326, 0.401, 0.498, 0.507, 0.715, 0.682, 0.221, 0.303, 0.303, 0.498, 0.498, 0.25, 0.306, 0.252,
    0.386, 0.507, 0.507, 0.507, 0.507, 0.507, 0.507, 0.507, 0.507, 0.507, 0.507, 0.268, 0.268, 0.498, 0.498,
    0.498, 0.463, 0.894, 0.579, 0.544, 0.533, 0.615, 0.488, 0.459, 0.631, 0.623, 0.252, 0.319, 0.52, 0.42,
    0.855, 0.646, 0.662, 0.517, 0.673, 0.543, 0.459, 0.487, 0.642, 0.567, 0.89, 0.519, 0.487, 0.468, 0.307,
    0.386, 0.307, 0.498, 0.498, 0.291, 0.479, 0.525, 0.423, 0.525, 0.498, 0.305, 0.471, 0.525, 0.229, 0.239,
    0.455, 0.229, 0.799, 0.525, 0.527, 0.525, 0.525, 0.349, 0.391, 0.335, 0.525, 0.452, 0.715, 0.433, 0.453,
    0.395, 0.314, 0.46, 0.314, 0.498,
)  # fmt: skip
# How much wider than Calibri a Latin font sets lower-case letters, capitals and digits
# (measured on the metric-compatible free fonts LibreOffice uses in their place, fontTools);
# a font not listed counts as Arial-wide.
_FONT_FACTORS: dict[str, tuple[float, float, float]] = {
    "calibri": (1.0, 1.0, 1.0),
    "carlito": (1.0, 1.0, 1.0),
    "aptos": (1.08, 1.1, 1.08),
    "arial": (1.074, 1.223, 1.097),
    "helvetica": (1.074, 1.223, 1.097),
    "liberation sans": (1.074, 1.223, 1.097),
    "arimo": (1.074, 1.223, 1.097),
    "times new roman": (1.007, 1.204, 0.987),
    "liberation serif": (1.007, 1.204, 0.987),
    "tinos": (1.007, 1.204, 0.987),
    "cambria": (1.05, 1.15, 1.05),
    "caladea": (1.05, 1.15, 1.05),
    "georgia": (1.2, 1.3, 1.2),  # on a machine without Georgia, DejaVu Serif (wider still) stands in
    "segoe ui": (1.1, 1.15, 1.1),
    "verdana": (1.25, 1.3, 1.25),
    "tahoma": (1.12, 1.18, 1.12),
    "dejavu sans": (1.236, 1.215, 1.255),
    "noto sans": (1.15, 1.2, 1.15),
    "source sans pro": (1.02, 1.05, 1.02),
    "source sans 3": (1.02, 1.05, 1.02),
}
DEFAULT_FACTORS = _FONT_FACTORS["arial"]


def font_factors(name: str | None) -> tuple[float, float, float]:
    """How much wider than Calibri the Latin font ``name`` sets (lower case, capitals, digits)."""
    return _FONT_FACTORS.get((name or "calibri").strip().lower(), DEFAULT_FACTORS)


@cache  # bounded by the characters a document uses
def char_width(ch: str) -> float:
    """Estimated advance width of ``ch`` in em (Calibri's metrics for Latin, one em for CJK)."""
    cp = ord(ch)
    if 0x20 <= cp <= 0x7E:
        return _ASCII_WIDTHS[cp - 0x20]
    if cp < 0x1100:
        return 0.55  # accented Latin, Greek, Cyrillic, symbols: about an average letter
    for lo, hi in WIDE_RANGES:
        if lo <= cp <= hi:
            return 1.0
    return 0.6


@cache
def is_wide(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1100 and any(lo <= cp <= hi for lo, hi in WIDE_RANGES)


#: A run of at most this many CJK characters (a label such as 可能性) is kept on one line.
SHORT_CJK = 4
#: The space Word (``w:autoSpaceDE``/``autoSpaceDN``, on by default) and LibreOffice put
#: between CJK characters and Latin letters or digits, in em.
AUTOSPACE = 0.25
#: A line with a digit no wider than this (em) is kept whole: a date (2026年2月10日), an
#: amount (USD 96,000) or a span (W1–W12) reads badly broken, and is short anyway.
SHORT_FIGURE = 8.0


def text_extent(text: str) -> tuple[float, float]:
    """(longest unbreakable piece, longest line) of ``text`` in em; see :func:`text_measure`."""
    whole, line, _ = text_measure(text)
    return whole, line


@cache
def _latin_width(ch: str, factors: tuple[float, float, float]) -> float:
    scale = factors[1] if ch.isupper() else factors[2] if ch.isdigit() else factors[0]
    return char_width(ch) * scale


class _NarrowWidths(dict):
    """Advance widths of the characters of text without CJK: ASCII scaled for the font, the rest as is."""

    def __init__(self, factors: tuple[float, float, float]):
        super().__init__((chr(cp), _latin_width(chr(cp), factors)) for cp in range(0x7F))

    def __missing__(self, ch: str) -> float:
        width = self[ch] = char_width(ch)
        return width


class _WordWidths(dict):
    """Widths of words (and pieces) without CJK, each summed once: words repeat from cell to cell."""

    def __init__(self, characters: _NarrowWidths):
        super().__init__()
        self.character = characters.__getitem__

    def __missing__(self, word: str) -> float:
        width = self[word] = reduce(add, map(self.character, word), 0.0)  # left to right from 0.0
        return width


@cache
def _narrow_widths(factors: tuple[float, float, float]) -> tuple[_NarrowWidths, _WordWidths]:
    characters = _NarrowWidths(factors)
    return characters, _WordWidths(characters)


def _narrow(line: str) -> bool:
    """Whether ``line`` surely has no character :func:`is_wide` holds wide (CJK); False may be wrong.

    Wide characters are U+1100-115F (Hangul Jamo) and from U+2E80 on; most
    lines are ASCII, or Latin with a dash or a euro sign below U+2E80. (A
    regular expression of the wide ranges takes 3 ms to compile, a tenth of
    all a small build compiles.)
    """
    if line.isascii():
        return True
    top = max(line)
    return top < "\u1100" or (top < "\u2e80" and not _JAMO.search(line))


_JAMO = re.compile("[\u1100-\u115f]")  # the wide characters below U+2E80 (a small class: quick to compile)


_NARROW_WORDS = re.compile(r"\s+|(?<=/)")  # a word ends at a space, or after a slash
_NARROW_PIECES = re.compile(r"\s+|(?<=[/-])")  # and a piece of it after a hyphen too


def measure_narrow_line(line: str, factors: tuple[float, float, float]) -> tuple[float, float, float]:
    """(longest word, width, longest piece) of one line without CJK: :func:`measure_line` by C loops.

    Without a wide character there is no CJK run to keep and no gap between
    Chinese and Latin, so a line is its words. Each width is summed left to
    right from 0.0, as the loop adds, so the figures (and the column widths
    made of them) are the very same floats.
    """
    characters, words = _narrow_widths(factors)
    width = words.__getitem__
    # the loop below adds a closing space at its own (scaled) width and takes off an unscaled one
    line_width = (reduce(add, map(characters.__getitem__, line), 0.0) + characters[" "]) - char_width(" ")
    longest_word = max(map(width, _NARROW_WORDS.split(line)))
    longest_piece = max(map(width, _NARROW_PIECES.split(line)))
    if line_width <= SHORT_FIGURE and any(ch.isdigit() for ch in line):
        longest_word = max(longest_word, line_width)
    return longest_word, line_width, longest_piece


@lru_cache(maxsize=65536)  # owners, phases, statuses and dates repeat in every table
def text_measure(text: str, factors: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> tuple[float, float, float]:
    """(longest word, longest line, longest piece between hyphens) of ``text`` in em.

    Latin words break at spaces and slashes; a word such as ``K-availability``
    is measured whole and, as the last resort of a crowded table, in the
    pieces Word and LibreOffice may break it into after a hyphen. CJK text
    may break between any two characters, so Chinese sentences never force a
    wide column; only a short run (up to :data:`SHORT_CJK` characters, a label
    or a word such as 可能性) is kept whole. ``factors`` scale Latin lower case,
    capitals and digits for a font other than Calibri (:func:`font_factors`).
    """
    longest_word = longest_line = longest_piece = 0.0
    for line in text.split("\n"):
        # Most table text has no CJK: measured by C loops, to the very same sums as the general loop.
        word, width, piece = measure_narrow_line(line, factors) if _narrow(line) else measure_line(line, factors)
        longest_word = max(longest_word, word)
        longest_line = max(longest_line, width)
        longest_piece = max(longest_piece, piece)
    return longest_word, longest_line, longest_piece


def measure_line(line: str, factors: tuple[float, float, float]) -> tuple[float, float, float]:
    """(longest word, width, longest piece) of one line of any text, in em; see :func:`text_measure`."""
    longest_word = 0.0
    longest_piece = 0.0
    line_width = 0.0
    word = 0.0
    piece = 0.0  # the current word's part since its last hyphen
    run = 0.0  # the current run of CJK characters
    count = 0
    previous_wide = None
    for ch in line + " ":
        wide = is_wide(ch)
        w = char_width(ch) if wide or ord(ch) > 0x7E else _latin_width(ch, factors)
        if previous_wide is not None and wide != previous_wide and ch.isalnum():
            w += AUTOSPACE  # Word's and LibreOffice's gap between Chinese and Latin letters or digits
        previous_wide = wide if ch.isalnum() or wide else None
        line_width += w
        if wide:
            longest_word = max(longest_word, word, w)
            longest_piece = max(longest_piece, piece, w)
            word = piece = 0.0
            run += w
            count += 1
            continue
        if count and count <= SHORT_CJK:
            longest_word = max(longest_word, run)
            longest_piece = max(longest_piece, run)
        run, count = 0.0, 0
        if ch.isspace() or ch == "/":
            longest_word = max(longest_word, word + (w if not ch.isspace() else 0))
            longest_piece = max(longest_piece, piece + (w if not ch.isspace() else 0))
            word = piece = 0.0
        elif ch == "-":
            word += w
            longest_piece = max(longest_piece, piece + w)
            piece = 0.0
        else:
            word += w
            piece += w
    longest_word = max(longest_word, word)
    longest_piece = max(longest_piece, piece)
    width = line_width - char_width(" ")
    if width <= SHORT_FIGURE and any(ch.isdigit() for ch in line):
        longest_word = max(longest_word, width)
    return longest_word, width, longest_piece
