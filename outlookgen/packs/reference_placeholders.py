"""Placeholders a firm types into its Word file: ``{{ meta.title }}`` on a cover, in boilerplate, header or footer.

A layout designed in Word (docs/packs.md, "A layout designed in Word") holds
placeholders and one marker paragraph, ``{{ outlook.body }}``, where the
generated outlook goes. Placeholders are *names*, not code: a dotted path
into the same context every template sees (``meta.organization``,
``L.cover.version``, ``meta.prepared_by[0].name``), filled with the value's
plain text. Anything else between ``{{`` and ``}}`` — a filter, an
expression, a call — and any ``{% … %}`` tag is refused with the paragraph it
stands in, because a Word file is data from a stranger, like a spec.

Word splits what a user typed into several runs (spelling marks, a change
of formatting, revision ids), so a placeholder is found in the paragraph's
text with the runs joined, and replaced inside the runs it spans; the first
run's formatting is the placeholder's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY_MARKER = "outlook.body"
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%.*?%\}")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]{1,4}\])*")
_SEGMENT = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]{1,4})\]")
MAX_PLACEHOLDERS = 2000  # per part; a real cover has a dozen


@dataclass(frozen=True)
class Placeholder:
    """One ``{{ … }}`` (or a refused ``{% … %}``) in a paragraph: where, and what it says."""

    paragraph: object  # the w:p element
    number: int  # 1-based paragraph number in its part (what an error line names)
    start: int  # offsets in the paragraph's joined text
    end: int
    source: str  # the whole tag as typed, "{{ meta.title }}"
    name: str | None  # the dotted name; None when the tag is not a plain name

    @property
    def is_marker(self) -> bool:
        return self.name == BODY_MARKER


def problem(tag: str) -> str | None:
    """Why a tag is not a placeholder outlookgen fills (None: it is one)."""
    if tag.startswith("{%"):
        return f"{_shown(tag)} is a template tag; a Word layout holds no code, only placeholders such as {{{{ meta.title }}}}"
    inner = tag[2:-2].strip()
    if not NAME.fullmatch(inner):
        return (
            f"{_shown(tag)} is not a placeholder: write a name from the template context, "
            "such as {{ meta.title }} or {{ meta.prepared_by[0].name }} (no filters, no expressions)"
        )
    return None


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return f"'{text if len(text) <= 80 else text[:79] + '…'}'"


def segments(name: str) -> list[str | int]:
    """``meta.prepared_by[0].name`` → ``['meta', 'prepared_by', 0, 'name']``."""
    return [int(index) if index else key for key, index in _SEGMENT.findall(name)]


def text_nodes(paragraph) -> list:
    """The paragraph's own ``w:t`` elements in order (not those of a text box nested inside it)."""
    return [t for t in paragraph.iter(W + "t") if _owner(t) is paragraph]


def _owner(node):
    parent = node.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent


def paragraph_text(paragraph) -> str:
    return "".join(t.text or "" for t in text_nodes(paragraph))


def find(part_root) -> list[Placeholder]:
    """Every tag in a part (document body, header or footer), paragraph by paragraph."""
    found: list[Placeholder] = []
    for number, paragraph in enumerate(part_root.iter(W + "p"), start=1):
        text = paragraph_text(paragraph)
        if "{" not in text:
            continue
        for match in _TAG.finditer(text):
            tag = match.group(0)
            name = match.group(1).strip() if match.group(1) is not None and problem(tag) is None else None
            found.append(Placeholder(paragraph, number, match.start(), match.end(), tag, name))
            if len(found) > MAX_PLACEHOLDERS:
                return found
    return found


def replace(placeholder: Placeholder, value: str) -> None:
    """Put ``value`` where the placeholder's characters are, across the runs they span.

    Callers replace a paragraph's placeholders from the last to the first,
    so the offsets of the earlier ones stay true.
    """
    position = 0
    first = True
    for node in text_nodes(placeholder.paragraph):
        text = node.text or ""
        start, end = position, position + len(text)
        position = end
        if end <= placeholder.start or start >= placeholder.end:
            continue
        keep_head = text[: max(0, placeholder.start - start)]
        keep_tail = text[max(0, placeholder.end - start) :] if placeholder.end <= end else ""
        node.text = keep_head + (value if first else "") + keep_tail
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        first = False


def is_marker_paragraph(placeholder: Placeholder) -> bool:
    """The marker stands alone in its paragraph (spaces around it are fine)."""
    return placeholder.is_marker and paragraph_text(placeholder.paragraph).strip() == placeholder.source


def check_layout(package: bytes | None, shown: str) -> list:
    """What ``templates check`` says about a checked reference's Word layout: refused tags, the marker.

    The names themselves are checked by every build, against the context of
    the spec being built; here only what is wrong whatever the spec: a tag
    that is not a plain name, a misplaced or second marker, placeholders in
    a body with no marker (whose text would be replaced). A designed layout
    gets a note saying where the outlook goes.
    """
    import io
    import zipfile

    from lxml import etree

    from outlookgen.errors import Diagnostic

    if package is None:
        return []
    out: list[Diagnostic] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
        parts = {
            n: etree.fromstring(archive.read(n), parser)
            for n in names
            if n == "word/document.xml" or n.rsplit("/", 1)[-1].startswith(("header", "footer"))
        }
    body_tags: list[Placeholder] = []
    for part, root in sorted(parts.items()):
        for tag in find(root):
            reason = problem(tag.source)
            if part != "word/document.xml" and tag.is_marker:
                reason = "the {{ outlook.body }} marker belongs in the body, not a header or footer"
            if reason:
                out.append(_located(shown, part, tag, reason, "error"))
            if part == "word/document.xml":
                body_tags.append(tag)
    markers = [t for t in body_tags if t.is_marker]
    for extra in markers[1:]:
        out.append(_located(shown, "word/document.xml", extra, "a second {{ outlook.body }} marker; keep one", "error"))
    if markers and not is_marker_paragraph(markers[0]):
        out.append(
            _located(
                shown,
                "word/document.xml",
                markers[0],
                "the {{ outlook.body }} marker must stand alone in its paragraph",
                "error",
            )
        )
    names = [t for t in body_tags if t.name and not t.is_marker]
    if not markers and names:
        out.append(
            _located(
                shown,
                "word/document.xml",
                names[0],
                "the body has placeholders but no paragraph holding only {{ outlook.body }} to say where the "
                "outlook goes; add one (without it the body is sample text and is replaced)",
                "error",
            )
        )
    elif markers:
        out.append(
            _located(
                shown,
                "word/document.xml",
                markers[0],
                f"a layout designed in Word: the outlook goes here; {len(names)} placeholder(s) in the body are filled",
                "note",
            )
        )
    return out


def _located(shown: str, part: str, tag: Placeholder, message: str, severity: str):
    from outlookgen.errors import Diagnostic

    text = " ".join(paragraph_text(tag.paragraph).split())
    quoted = text if len(text) <= 60 else text[:59] + "…"
    return Diagnostic(shown, 1, 1, part, f"paragraph {tag.number} ('{quoted}'): {message}", severity=severity)
