"""What the reference document's own layout contributes: a Word-designed cover and boilerplate, headers, footers.

* **Placeholders** (:mod:`outlookgen.packs.reference_placeholders`):
  ``{{ meta.title }}``… in the body, headers and footers are filled from the
  document's context — the same plain data every template sees, looked up
  by name, never evaluated. The older ``{title}``-style header and footer
  placeholders are filled too.
* **The body marker**: a paragraph holding only ``{{ outlook.body }}`` says
  where the generated outlook goes; everything the firm laid out before it
  (a cover) and after it (terms, a signature block) stays. Without a
  marker the reference's body is sample text and is replaced, as before.
* **The cover carries no header or footer**: the first section gets a
  distinct first page (``w:titlePg``); a first-page header the firm drew
  itself is kept.
* **Page numbers**: when no footer of the document shows a ``PAGE`` field,
  one is added (a centred number in the default footer, made if missing).

Errors name the reference file, the part and the paragraph, as every
other pack error does.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.packs import reference_placeholders as ph
from outlookgen.render.docx.styles import W

_LEGACY = re.compile(r"\{(title|subtitle|organization|version|status|date|confidentiality)\}")
# CT_SectPr children that come after w:titlePg (the rest come before it).
_AFTER_TITLE_PG = ("textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")


class Layout:
    """The reference's body and parts, checked for placeholders; filled once the context is known."""

    def __init__(self, package, shown: str) -> None:
        self.package = package
        self.shown = shown
        self.problems: list[Diagnostic] = []
        self.parts = _text_parts(package)  # (part name, root element)
        self.found = {name: ph.find(root) for name, root in self.parts}
        body_tags = self.found.get("word/document.xml", [])
        markers = [p for p in body_tags if p.is_marker]
        self.marker = None
        for p in markers:
            if not ph.is_marker_paragraph(p):
                self._problem("word/document.xml", p, "the {{ outlook.body }} marker must stand alone in its paragraph")
            elif p.paragraph.getparent() is not package.body:
                self._problem(
                    "word/document.xml",
                    p,
                    "the {{ outlook.body }} marker must be a paragraph of the body, not in a table",
                )
            elif self.marker is not None:
                self._problem("word/document.xml", p, "the document has a second {{ outlook.body }} marker; keep one")
            else:
                self.marker = p.paragraph
        for name, tags in self.found.items():
            for p in tags:
                if p.is_marker and name != "word/document.xml":
                    self._problem(name, p, "the {{ outlook.body }} marker belongs in the body, not a header or footer")
                reason = ph.problem(p.source)
                if reason:
                    self._problem(name, p, reason)
        if self.marker is None and any(p.name for p in body_tags):
            first = next(p for p in body_tags if p.name)
            self._problem(
                "word/document.xml",
                first,
                "the body has placeholders but no paragraph holding only {{ outlook.body }} to say where the "
                "outlook goes; add one (without it the body is sample text and is replaced)",
            )
        self._stop()

    @property
    def designed(self) -> bool:
        """Whether the firm laid out the body around a marker (its content stays)."""
        return self.marker is not None

    def _problem(self, part: str, placeholder: ph.Placeholder, message: str) -> None:
        text = " ".join(ph.paragraph_text(placeholder.paragraph).split())
        quoted = text if len(text) <= 60 else text[:59] + "…"
        self.problems.append(
            Diagnostic(self.shown, 1, 1, part, f"paragraph {placeholder.number} ('{quoted}'): {message}")
        )

    def _stop(self) -> None:
        if self.problems:
            raise TemplateError(diagnostics=sorted(set(self.problems)))

    # -- filling ----------------------------------------------------------------------------
    def fill(self, context: dict[str, Any]) -> None:
        """Every placeholder replaced by the plain text of its value (the body's only when it is kept)."""
        for part, tags in self.found.items():
            if part == "word/document.xml" and not self.designed:
                continue  # sample text: replaced by the outlook, so nothing in it is filled
            for placeholder in reversed(tags):
                if placeholder.is_marker:
                    continue
                value = self._value(part, placeholder, context)
                ph.replace(placeholder, value)
        self._stop()
        values = legacy_values(context["meta"])
        for name, root in self.parts:
            if name == "word/document.xml":
                continue
            for node in root.iter(W + "t"):
                if node.text and "{" in node.text:
                    node.text = _fill_legacy(node.text, values)

    def _value(self, part: str, placeholder: ph.Placeholder, context: dict[str, Any]) -> str:
        value: Any = context
        path: list[str] = []
        for segment in ph.segments(placeholder.name or ""):
            if isinstance(segment, int):
                if not isinstance(value, list) or segment >= len(value):
                    size = len(value) if isinstance(value, list) else 0
                    self._problem(
                        part,
                        placeholder,
                        f"{placeholder.source}: {'.'.join(path)} has {size} item(s); there is no [{segment}]",
                    )
                    return ""
                value = value[segment]
                path[-1] += f"[{segment}]"
                continue
            if not isinstance(value, dict) or segment not in value:
                known = sorted(k for k in value if isinstance(k, str)) if isinstance(value, dict) else []
                close = difflib.get_close_matches(segment, known, n=1)
                where = ".".join(path) or "the context"
                hint = f" (did you mean '{'.'.join([*path, close[0]])}'?)" if close else ""
                self._problem(part, placeholder, f"{placeholder.source}: {where} has no '{segment}'{hint}")
                return ""
            value = value[segment]
            path.append(segment)
        if isinstance(value, dict | list):
            kind = "a list" if isinstance(value, list) else "a group of values"
            self._problem(
                part,
                placeholder,
                f"{placeholder.source} is {kind}, not a text; name one of its texts "
                "(such as meta.prepared_by[0].name or meta.title)",
            )
            return ""
        return plain(value)

    # -- the cover and page numbers -----------------------------------------------------------
    def ensure_page_numbers(self) -> bool:
        """A centred PAGE field in the default footer when no footer has one; whether one was added."""
        for name, root in self.parts:
            if name.startswith("word/footer") and _has_page_field(root):
                return False
        from lxml import etree

        root = self.package.default_footer().element
        style = _style_id(self.package, "footer")
        props = f'<w:pStyle w:val="{style}"/>' if style else ""
        paragraph = etree.fromstring(
            f'<w:p xmlns:w="{W[1:-1]}"><w:pPr>{props}<w:jc w:val="center"/></w:pPr>'
            '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
        )
        root.append(paragraph)
        self.parts = _text_parts(self.package)
        return True


def set_title_page(sect) -> None:
    """Give a section a distinct first page (``w:titlePg``), in its schema place."""
    if sect.find(W + "titlePg") is not None:
        return
    from lxml import etree

    title = etree.Element(W + "titlePg")
    later = [c for c in sect if etree.QName(c).localname in _AFTER_TITLE_PG]
    if later:
        later[0].addprevious(title)
    else:
        sect.append(title)


def _has_page_field(root) -> bool:
    for node in root.iter(W + "fldSimple"):
        if re.match(r"\s*PAGE\b", node.get(W + "instr") or "", re.I):
            return True
    return any(re.match(r"\s*PAGE\b", "".join(n.itertext()), re.I) for n in root.iter(W + "instrText"))


def _style_id(package, name: str) -> str | None:
    for style in package.styles().element.iterchildren(W + "style"):
        name_el = style.find(W + "name")
        if name_el is not None and (name_el.get(W + "val") or "").lower() == name:
            return style.get(W + "styleId")
    return None


def _text_parts(package) -> list[tuple[str, Any]]:
    """The body, then every header and footer part, as (part name, root element)."""
    parts = [("word/document.xml", package.element)]
    parts += [(part.member, part.element) for part in package.headers_and_footers()]
    return sorted(parts[:1]) + sorted(parts[1:], key=lambda p: p[0])


def plain(value: Any) -> str:
    """A context value as the text a reader sees: inline Markdown markers dropped, one line."""
    from outlookgen.render.docx.blocks import clean
    from outlookgen.render.markup import parse_inline, plain_text

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return clean(" ".join(plain_text(parse_inline(str(value))).split()))


_SEPARATORS = " \u00b7|/\u2013\u2014-"  # what stands between two placeholders: "{organization} · {version}"


def _fill_legacy(text: str, values: dict[str, str]) -> str:
    """``text`` with its older placeholders filled; a separator left at an edge by an empty value goes too.

    A portfolio (or a spec without a version) would otherwise show a lone
    "·" in the footer of every page.
    """
    filled = _LEGACY.sub(lambda m: values[m.group(1)], text)
    if any(not values[m.group(1)] for m in _LEGACY.finditer(text)):
        return filled.strip(_SEPARATORS)
    return filled


def legacy_values(meta: dict[str, Any]) -> dict[str, str]:
    """The words of the older header/footer placeholders ``{title}``, ``{organization}``…"""
    return {
        "title": plain(meta["title"]),
        "subtitle": plain(meta["subtitle"]),
        "organization": plain(meta["organization"]),
        "version": plain(meta["version"]),
        "status": plain(meta["status_text"]),
        "date": plain(meta["date_text"]),
        "confidentiality": plain(meta["confidentiality"]),
    }
