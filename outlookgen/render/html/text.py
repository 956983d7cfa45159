"""Spec text as HTML: the parsed subset as elements, every piece of text escaped.

* :func:`html_inline` -- inside an element (``<td>``, ``<li>``, ``<h1>``...):
  ``<strong>``, ``<em>``, ``<code>``, ``<a href>``; a line break is ``<br>``.
* :func:`html_block` -- a multi-line field: ``<p>`` and ``<ul><li>`` blocks,
  one per line, line breaks inside them as ``<br>``.

The only tags ever written are p, ul, li, strong, em, code, a and br; the only
attribute is ``href``, holding an http, https or mailto url (checked by the
parser) escaped for a double-quoted attribute. Both functions return
:class:`markupsafe.Markup`, so autoescaping templates insert them as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from outlookgen.render.markup import (
    BulletList,
    Code,
    Inline,
    Link,
    Paragraph,
    Strong,
    Text,
    parse_block,
    parse_inline,
)
from outlookgen.spec.scalars import as_text

__all__ = ["html_block", "html_inline"]


def _text(s: str) -> str:
    return str(escape(s)).replace("\n", "<br>")


def _render(nodes: tuple[Inline, ...], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, Text):
            out.append(_text(node.text))
        elif isinstance(node, Code):
            out.append("<code>" + str(escape(node.text)) + "</code>")
        elif isinstance(node, Link):
            out.append('<a href="' + str(escape(node.url)) + '">')
            _render(node.children, out)
            out.append("</a>")
        else:
            tag = "strong" if isinstance(node, Strong) else "em"
            out.append("<" + tag + ">")
            _render(node.children, out)
            out.append("</" + tag + ">")


def _inlines_html(nodes: tuple[Inline, ...]) -> str:
    out: list[str] = []
    _render(nodes, out)
    return "".join(out)


def html_inline(text: Any) -> Markup:
    """One text field as inline HTML (no block elements)."""
    if type(text) is not str:
        # The exact str parse_inline reads, so equal texts share one cache entry.
        text = "" if text is None else str(as_text(text))
    return _html_inline(text)


# A big plan repeats most texts (statuses, owners, phases, deliverables): at
# 2,000 tasks three in four html_inline calls are for a text seen before. The
# result depends on the text alone and Markup is immutable, so it is shared.
@lru_cache(maxsize=1 << 16)
def _html_inline(text: str) -> Markup:
    nodes = parse_inline(text)
    if len(nodes) == 1 and type(nodes[0]) is Text and "\n" not in nodes[0].text:
        # Most texts are one line of plain text: escape() of it is what _render writes.
        return escape(nodes[0].text)
    return Markup(_inlines_html(nodes))


def html_block(text: Any) -> Markup:
    """A multi-line text field as ``<p>`` paragraphs and ``<ul>`` lists, one per line."""
    parts: list[str] = []
    for block in parse_block(text):
        if isinstance(block, Paragraph):
            parts.append("<p>" + _inlines_html(block.inlines) + "</p>")
        elif isinstance(block, BulletList):
            items = "".join("<li>" + _inlines_html(item) + "</li>\n" for item in block.items)
            parts.append("<ul>\n" + items + "</ul>")
    return Markup("\n".join(parts))
