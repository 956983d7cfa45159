"""The block markup docx templates write: what it is, how spec text is carried into it, how it is parsed.

Templates (``docx/*.j2`` of a pack) render to a small XML vocabulary that
the writer (:mod:`.writer`) maps onto WordprocessingML. XML rather than
Word's own markup keeps templates short and readable; it is documented in
docs/word.md. Spec text can never become markup: every ``{{ value }}`` goes
through :func:`finalize`, which XML-escapes it and wraps it in ``<md>``
(inline Markdown source, parsed by :mod:`outlookgen.render.markup`), and the
filters below produce the only other elements that carry spec text.
Spec text as written gets ``src="/json/pointer"``; computed text that names
its source fields (:class:`~outlookgen.model.trace.Derived`: a task's dates,
a risk's "High") gets ``src="=/f/1 /f/2"``; the writer bookmarks both
(:mod:`.trace`). Characters XML 1.0 cannot hold (C0 controls other than tab
and line breaks, lone surrogates, U+FFFE, U+FFFF) are dropped on the way in:
the loader already rejects them in specs, this is the writer's own guard.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from outlookgen.model.trace import pointer_of, sources_of
from outlookgen.render.markup import safe_url
from outlookgen.spec.scalars import as_text

_XML_ERR_NO_MEMORY = 2  # libxml2's XML_ERR_NO_MEMORY
# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the characters Word (XML 1.0) cannot store."""
    return _NOT_XML.sub("", text)


def escape_text(text: str) -> str:
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;")


def _text(value: Any) -> str:
    return "" if value is None else str(as_text(value))


def _src(value: Any) -> str:
    """`` src="/json/pointer"`` for a spec text as written, `` src="=/a /b"`` for text computed from fields, else nothing.

    The writer bookmarks both (:mod:`.trace`); the ``=`` form lists the
    source pointers separated by single spaces.
    """
    pointer = pointer_of(value)
    if pointer is None:
        sources = sources_of(value)
        pointer = "=" + " ".join(sources) if sources else None
    return f' src="{escape_attr(pointer)}"' if pointer is not None else ""


def md(value: Any, src: str | None = None) -> Markup:
    """Inline Markdown source: ``<md>…</md>`` (``<md src="…">`` for a spec text)."""
    text = _text(value)
    return Markup(f"<md{_src(value) if src is None else src}>{escape_text(text)}</md>") if text else Markup("")


def finalize(value: Any) -> Any:
    """Every ``{{ expression }}``: markup made by a filter stays, anything else is spec text."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md(value)


def block(value: Any) -> Markup:
    """Paragraphs and ``- `` bullet lists (a multi-line text field): ``<blocks>…</blocks>``."""
    text = _text(value)
    return Markup(f"<blocks{_src(value)}>{escape_text(text)}</blocks>") if text.strip() else Markup("")


def bullets(items: Any) -> Markup:
    """A list of texts as a bullet list; an item may itself hold several paragraphs."""
    out = [f"<li><blocks{_src(item)}>{escape_text(_text(item))}</blocks></li>" for item in items or ()]
    return Markup("<ul>" + "".join(out) + "</ul>") if out else Markup("")


def heading(value: Any) -> Markup:
    """Heading text: one line, soft breaks in the source become spaces."""
    return md(" ".join(_text(value).split()), _src(value))


def attr(value: Any) -> Markup:
    """A value for an attribute of the markup (``shade="{{ r.level | attr }}"``), escaped."""
    return Markup(escape_attr(_text(value)))


_PLAIN_EMAIL = re.compile(r"^[^\s<>()\[\]\\,;:\"`*]+@[^\s<>()\[\]\\,;:\"`*@]+$")


def email(value: Any) -> Markup:
    """An e-mail address as a mailto link; anything else as text."""
    address = _text(value).strip()
    url = safe_url(f"mailto:{address}") if _PLAIN_EMAIL.match(address) else None
    if url:
        return Markup(f'<link href="{escape_attr(url)}"><t>{escape_text(address)}</t></link>')
    return md(address, _src(value))


FILTERS = {
    "inline": md,
    "block": block,
    "cell": block,
    "bullets": bullets,
    "heading": heading,
    "attr": attr,
    "email": email,
}


class MarkupError(ValueError):
    """The rendered template is not well-formed block markup."""

    def __init__(self, message: str, line: int, excerpt: str) -> None:
        super().__init__(message)
        self.line = line
        self.excerpt = excerpt


def parse(markup: str):
    """The markup as an lxml element ``<document>``; malformed markup raises :class:`MarkupError`."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    # "<document>" sits on line 1 with the template's first line, so line numbers match.
    source = "<document>" + clean(markup) + "</document>"
    try:
        return etree.fromstring(source.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        if exc.code == _XML_ERR_NO_MEMORY:  # libxml2 reports exhaustion as a syntax error
            raise MemoryError from None
        line = exc.position[0] if exc.position else 1
        lines = markup.splitlines()
        excerpt = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        raise MarkupError(exc.msg, line, excerpt[:120]) from None
