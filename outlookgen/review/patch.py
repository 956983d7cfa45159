"""A reviewer's edit to displayed text, carried back into the spec string it was rendered from.

The document shows a spec string without its inline markup (``**bold**``
is a bold run, a bullet item a paragraph), so an edit is found on the
*displayed* text and applied to the *source* through an alignment of the two:
the source keeps its own markup, line structure and escapes wherever the
reviewer did not touch it. Inserted text that is bold, italic or a link where
the text around it is not becomes the spec's inline markup. The result is
checked by rendering it again; when the alignment cannot carry an edit (a
deletion across a ``**`` boundary), the whole value is rebuilt from the
reviewed runs, and checked the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from outlookgen.render.markup import BulletList, Code, Emph, Link, Paragraph, Strong, Text, parse_block, parse_inline
from outlookgen.render.markup import safe_url as _safe_url

__all__ = ["Char", "displayed", "patch_source", "tracked_edits"]

Char = tuple[str, bool, bool, "str | None"]  # character, bold, italic, link
_ESCAPE = str.maketrans({c: "\\" + c for c in "*`[]\\"})


def _inline_text(nodes) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, (Strong, Emph, Link)):
            out.append(_inline_text(node.children))
    return "".join(out)


def displayed(source: str, *, block: bool) -> str:
    """The text a spec string shows in Word: paragraphs and bullet items one per line."""
    if not block:
        return _inline_text(parse_inline(source))
    lines: list[str] = []
    for b in parse_block(source):
        if isinstance(b, Paragraph):
            lines.append(_inline_text(b.inlines))
        elif isinstance(b, BulletList):
            lines.extend(_inline_text(item) for item in b.items)
    return "\n".join(lines)


def _markup(chars: Sequence[Char], base: tuple[bool, bool]) -> str:
    """Inserted characters as spec text: formatting that differs from ``base`` (bold, italic) becomes markup."""
    out: list[str] = []
    i = 0
    while i < len(chars):
        j = i
        key = chars[i][1:]
        while j < len(chars) and chars[j][1:] == key:
            j += 1
        text = "".join(c[0] for c in chars[i:j])
        out.append(_wrap(text, key, base))
        i = j
    return "".join(out)


def _wrap(text: str, key: tuple[bool, bool, str | None], base: tuple[bool, bool]) -> str:
    bold, italic, href = key
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    body = core.translate(_ESCAPE)
    if href and _safe_url(href):
        body = f"[{body}]({href})"
    stars = ("**" if bold and not base[0] else "") + ("*" if italic and not base[1] else "")
    return f"{lead}{stars}{body}{stars[::-1]}{trail}"


Edit = tuple[int, int, Sequence[Char]]  # displayed text [start, end) becomes these characters


def tracked_edits(chars: Sequence[tuple[str, str, bool, bool, str | None]]) -> list[Edit]:
    """The edits a reviewer's tracked changes make, from characters marked ``=``, ``-`` (deleted), ``+`` (inserted).

    These are the reviewer's own edits, not a diff's guess: "low" replaced by
    an italic "very low" is that whole replacement, with its formatting.
    """
    edits: list[Edit] = []
    i = k = 0
    while k < len(chars):
        if chars[k][1] == "=":
            i += 1
            k += 1
            continue
        start = i
        inserted: list[Char] = []
        while k < len(chars) and chars[k][1] != "=":
            ch, state, bold, italic, href = chars[k]
            if state == "-":
                i += 1
            else:
                inserted.append((ch, bold, italic, href))
            k += 1
        edits.append((start, i, inserted))
    return edits


def patch_source(
    source: str,
    before: str,
    after: Sequence[Char],
    *,
    block: bool,
    base: tuple[bool, bool],
    edits: list[Edit] | None = None,
) -> str | None:
    """``source`` with the edit ``before`` → ``after`` (displayed text) applied; None when it cannot be carried.

    ``before`` is what ``source`` displays; ``after`` the reviewed characters;
    ``edits`` the tracked changes when they are known (else a diff finds them).
    """
    wanted = "".join(c[0] for c in after)
    if wanted == before:
        return source
    patched = _through_alignment(source, before, after, base, edits)
    if patched is not None and displayed(patched, block=block) == wanted:
        return patched
    if not block or "\n" not in wanted:
        rebuilt = _markup(after, base)
        if displayed(rebuilt, block=block) == wanted:
            return rebuilt
    return None


def _through_alignment(
    source: str, before: str, after: Sequence[Char], base: tuple[bool, bool], edits: list[Edit] | None
) -> str | None:
    wanted = "".join(c[0] for c in after)
    position: list[int | None] = [None] * len(before)
    matched = 0
    for a, b, n in SequenceMatcher(None, before, source, autojunk=False).get_matching_blocks():
        for k in range(n):
            position[a + k] = b + k
        matched += n
    if matched < len(before):
        return None  # the source shows something the alignment cannot see: rebuild instead
    if edits is None:
        opcodes = SequenceMatcher(None, before, wanted, autojunk=False).get_opcodes()
        edits = [(i1, i2, after[j1:j2]) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    out = source
    for i1, i2, chars in reversed(edits):
        if i1 < i2:
            start, end = position[i1], position[i2 - 1] + 1
        elif i1 < len(before):
            start = end = position[i1]
        else:
            start = end = (position[i1 - 1] + 1) if i1 else 0
        out = out[:start] + _markup(chars, base) + out[end:]
    return out
