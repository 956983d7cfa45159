"""Markdown output: the model and a pack's ``md/`` templates become one GitHub-Flavoured Markdown file."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from outlookgen.packs import Pack, environment
from outlookgen.render.context import Document
from outlookgen.render.markdown import outline
from outlookgen.render.markdown.mermaid import gantt
from outlookgen.render.markdown.text import escape_text, md_block, md_cell, md_inline
from outlookgen.spec.scalars import as_text


def finalize(value: Any) -> Any:
    # Every {{ expression }} passes through here: anything not already produced
    # by a Markdown filter (Markup) is spec or label text and gets escaped, so a
    # template author cannot forget it. None prints as nothing.
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md_inline(as_text(value))


def _text(value: Any) -> str:
    return "" if value is None else as_text(value)


def _bullets(items: Any) -> Markup:
    """A list of texts as a Markdown bullet list; an item's extra paragraphs are indented under it."""
    out = []
    for item in items or ():
        lines = md_block(_text(item)).split("\n")
        out.append("- " + lines[0])
        out.extend(f"  {line}" if line else "" for line in lines[1:])
    return Markup("\n".join(out) + "\n") if out else Markup("")


def _label(value: Any) -> Markup:
    """A separator or label from the pack used mid-line (": ", "、"): escaped, spaces kept."""
    return Markup(escape_text(_text(value)))


def _heading(value: Any) -> Markup:
    # A heading is one line: soft breaks in the source become spaces.
    return md_inline(" ".join(_text(value).split()))


_PLAIN_EMAIL = re.compile(r"^[^\s<>()\[\]\\,;:\"`*]+@[^\s<>()\[\]\\,;:\"`*@]+$")


def _email(value: Any) -> Markup:
    """An e-mail address as a mailto link (markdownlint MD034 forbids bare addresses)."""
    address = _text(value).strip()
    if _PLAIN_EMAIL.match(address):
        return md_inline(f"[{address}](mailto:{address})")
    return md_inline(address)


def _lines(items: Any) -> Markup:
    """A list of texts in one table cell, one per line; each item's markup stays its own."""
    return Markup("<br>".join(md_cell(_text(item)) for item in items or () if _text(item).strip()))


FILTERS = {
    "inline": lambda v: md_inline(_text(v)),
    "cell": md_cell,  # reads None and numbers as _text does; called for every table cell
    "lines": _lines,
    "block": lambda v: md_block(_text(v)),
    "bullets": _bullets,
    "heading": _heading,
    "email": _email,
    "label": _label,
}


def markdown(doc: Document) -> str:
    """The Markdown document."""
    labels = doc.labels
    context = {
        **doc.context,
        "gantt_mermaid": Markup(
            gantt(
                doc.outlook,
                title=doc.outlook.meta.title,
                cancelled_label=labels["value"]["task_status"]["cancelled"],
                date_axis=labels["format"]["mermaid_axis"],
                as_of=doc.as_of,
                as_of_label=f"{labels['status_view']['today']} {doc.context['status']['as_of_text']}",
                baseline_label=labels["baseline"]["planned"],
                with_note=labels["format"]["with_note"],
            )
        ),
        # Where the contents go, and which "##" headings are steps whose "###" sections are numbered.
        "md": {"toc": Markup(outline.TOC_MARKER), "numbered": Markup(outline.NUMBERED_MARKER)},
    }
    text = environment.render(_environment(doc.pack), "outlook.md.j2", context, doc.pack)
    return tidy(outline.apply(text, md_inline(labels["html"]["contents"])))


def render(doc: Document) -> bytes:
    return markdown(doc).encode("utf-8")


def changes_report(context: dict[str, Any], pack: Pack, labels: dict[str, Any]) -> str:
    """The change report (``outlookgen diff -f md``) from the pack's ``md/changes.md.j2``."""
    return tidy(environment.render(_environment(pack), "changes.md.j2", {"changes": context, "L": labels}, pack))


def _environment(pack: Pack):
    return environment.make_environment(pack, "md", filters=FILTERS, finalize=finalize)


# A cell's opening pipe and the blank run after it; the closing pipe is left
# to open the next cell, so one pass reaches every empty cell of a row.
_EMPTY_CELL = re.compile(r"(?<!\\)\|\s{2,}(?=\|)")


def tidy(text: str) -> str:
    """Blank lines around headings, no runs of blank lines, one final newline.

    Templates are easier to read when they need not count blank lines; the
    rules kept here are markdownlint's MD012, MD022 and MD047. Fenced code
    (the Mermaid chart) is left exactly as written.
    """
    lines: list[str] = []
    fenced = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("```"):
            fenced = not fenced
        if fenced or line.startswith("```"):
            lines.append(line)
            continue
        if line.startswith("#"):
            if lines and lines[-1]:
                lines.append("")
            lines.extend([line, ""])
            continue
        if not line and (not lines or not lines[-1]):
            continue
        if line.startswith("|"):
            # An empty cell is "| |", as in every other cell of the compact style (MD060).
            line = _EMPTY_CELL.sub("| ", line)
        if line and lines and lines[-1].startswith("#"):
            lines.append("")
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
