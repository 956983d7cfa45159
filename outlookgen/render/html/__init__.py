"""HTML output: the model and a pack's ``html/`` templates become one self-contained, print-ready page.

Self-contained means one file: the pack's CSS is inlined, the logo is a data
URI, charts are inline SVG drawn here in Python; no script, no font or image
is fetched from anywhere. Safety: every template runs with autoescape on
(whatever its file name), and every ``{{ value }}`` that is not already HTML
made by a filter goes through :func:`html_inline`, which understands only the
spec's inline subset and escapes everything else. So no text in a spec can
become a tag, an attribute or a script URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from outlookgen.errors import TemplateError
from outlookgen.model import Outlook
from outlookgen.packs import Pack, environment
from outlookgen.packs.brand import Brand, load_brand
from outlookgen.packs.contrast import STATUS_TOKENS, on_colour, text_on
from outlookgen.render.context import Document
from outlookgen.render.html.svg_charts import bar
from outlookgen.render.html.svg_gantt import gantt_svg
from outlookgen.render.html.text import html_block, html_inline
from outlookgen.render.markup import Paragraph, parse_block, parse_inline, plain_text
from outlookgen.render.wording import Wording
from outlookgen.spec.scalars import as_text

TEMPLATE = "outlook.html.j2"
STYLESHEET = "outlook.css"
# Where the table of contents goes; built from the rendered headings so that a
# pack overriding a block never leaves the contents out of step. Spec text can
# never produce it: "<" in spec text is always escaped.
_TOC_MARKER = "<!--outlookgen:toc-->"


def _text(value: Any) -> str:
    return "" if value is None else as_text(value)


def _finalize(value: Any) -> Any:
    # Every {{ expression }} passes through here: what a filter already made
    # HTML (Markup) stays; anything else is spec or label text, read as the
    # inline subset and escaped. None prints as nothing.
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return html_inline(value)  # which reads numbers as _text does


def _plain(value: Any) -> Markup:
    """Text with the inline markers dropped, escaped: for <title>, alt and other attributes."""
    return Markup(escape(" ".join(plain_text(parse_inline(_text(value))).split())))


def _heading(value: Any) -> Markup:
    # A heading is one line: soft breaks in the source become spaces.
    return html_inline(" ".join(_text(value).split()))


def _item(value: Any) -> Markup:
    """One list item's content: inline when it is a single paragraph, else blocks."""
    # What comes out depends on the text alone (Markup is read as text too):
    # kept by exact text, as most items repeat (each task's deliverables).
    return _item_of(str(_text(value)))


@lru_cache(maxsize=1 << 14)
def _item_of(text: str) -> Markup:
    blocks = parse_block(text)
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return html_inline(text.strip())
    if not blocks:
        return Markup("")
    return html_block(text)


def _bullets(items: Any, css_class: str = "") -> Markup:
    """A list of texts as ``<ul>``; nothing at all for an empty list."""
    lis = [f"<li>{_item(i)}</li>" for i in items or ()]
    if not lis:
        return Markup("")
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return Markup(f"<ul{cls}>" + "".join(lis) + "</ul>")


_PLAIN_EMAIL = re.compile(r"^[^\s<>()\[\]\\,;:\"'`*]+@[^\s<>()\[\]\\,;:\"'`*@]+$")


def _email(value: Any) -> Markup:
    address = _text(value).strip()
    if _PLAIN_EMAIL.match(address):
        return Markup(f'<a href="mailto:{escape(address)}">{escape(address)}</a>')
    return html_inline(address)


_ID_BREAK = re.compile(r"([._-])")


def _ident(value: Any) -> Markup:
    """An id that may wrap after ``.``, ``-`` or ``_`` (long ids in narrow print columns)."""
    return _ident_html(_text(value))


def _ident_html(ident: str) -> Markup:
    # Looked up by exact text: escape() leaves Markup (anything with __html__)
    # as it is, so it must not share an entry with the plain text it equals.
    # Any other str, such as the context's SpecText ids, escapes as its text.
    if type(ident) is not str:
        if hasattr(ident, "__html__"):
            return _ident_made(ident)
        ident = str(ident)
    return _ident_kept(ident)


def _wbr(match: re.Match[str]) -> str:
    # A function, not the template r"\1<wbr>", which re reads through a Python helper on every call.
    return match.group() + "<wbr>"


def _ident_made(ident: str) -> Markup:
    return Markup(_ID_BREAK.sub(_wbr, str(escape(ident))))


# An id is printed in its own row and again in every row that refers to it.
_ident_kept = lru_cache(maxsize=1 << 14)(_ident_made)


def _make_refs(anchors: set[str], separator: str):
    joiner = str(escape(separator))

    def linked(ident: str) -> str:
        if ident in anchors:
            return f'<a href="#item-{escape(ident)}">{_ident_html(ident)}</a>'
        return str(_ident_html(ident))

    # Each id is linked in every row that refers to it (5,000 times at 2,000
    # tasks); by exact text only, as in _ident_html.
    linked_kept = lru_cache(maxsize=1 << 14)(linked)

    def refs(ids: Iterable[Any]) -> Markup:
        """Ids as links to the rows that define them, separated as the locale lists things.

        An entry may be ``{id, note}`` (a dependency with its type and lag): the
        note follows the link, small.
        """
        parts = []
        for raw in ids or ():
            note = raw.get("note") if isinstance(raw, Mapping) else None
            ident = _text(raw.get("id", "")) if isinstance(raw, Mapping) else _text(raw)
            if type(ident) is not str and not hasattr(ident, "__html__"):
                ident = str(ident)
            part = linked_kept(ident) if type(ident) is str else linked(ident)
            if note:
                part += f' <small class="link-type">{escape(_text(note))}</small>'
            parts.append(part)
        return Markup(joiner.join(parts))

    return refs


def _filters(anchors: set[str], separator: str) -> dict[str, Any]:
    return {
        "inline": html_inline,  # reads None and numbers as _text does; called for most cells
        "block": lambda v: html_block(_text(v)),
        "heading": _heading,
        "plain": _plain,
        "bullets": _bullets,
        "item": _item,
        "email": _email,
        "ident": _ident,
        "refs": _make_refs(anchors, separator),
    }


def _anchors(outlook: Outlook) -> set[str]:
    """Every id the page gives a row or card to (``id="item-…"``)."""
    road = outlook.roadmap
    ids: list[str] = []
    ids += [d.id for d in outlook.drivers]
    ids += [o.id for o in outlook.objectives]
    ids += [s.id for s in outlook.scope_included]
    ids += [p.id for p in road.phases]
    ids += [t.id for t in road.tasks]
    ids += [m.id for m in road.milestones]
    ids += [r.id for r in outlook.resources.roles]
    ids += [b.id for b in outlook.resources.bodies]
    ids += [r.id for r in outlook.risks]
    ids += [k.id for k in outlook.evaluation.kpis]
    return set(ids)


def _brand_css(brand: Brand, phase_ids: list[str]) -> str:
    """The brand tokens as CSS custom properties, and one class per phase setting ``--og-phase``."""
    lines = [":root {"]
    for name, value in brand.colors.items():
        lines.append(f"  --og-{name.replace('_', '-')}: {value};")
    for name, value in brand.palette.items():
        lines.append(f"  --og-palette-{name}: {value};")
    for i, value in enumerate(brand.phases, start=1):
        lines.append(f"  --og-phase-{i}: {value};")
    # Brand fonts go first in each stack; the stylesheet's own stack follows as fallback.
    fonts = brand.typography
    for var, role, key in (
        ("font-brand", "base", "family"),
        ("font-brand-cjk", "base", "east_asian"),
        ("font-heading-brand", "headings", "family"),
        ("font-heading-brand-cjk", "headings", "east_asian"),
        ("mono-brand", "monospace", "family"),
    ):
        name = fonts.get(role, {}).get(key)
        if name:
            lines.append(f"  --og-{var}: {css_string(name)};")
    # Text on a brand colour (header rows, badges): the pack's on_<token>, else black or white, whichever passes.
    for token in ("primary", "secondary", *STATUS_TOKENS):
        lines.append(f"  --og-on-{token.replace('_', '-')}: {on_colour(brand.colors, token)};")
    lines.append("}")
    for i in range(len(phase_ids)):
        color = brand.phase_color(i)
        lines.append(f".og-phase-{i + 1} {{ --og-phase: {color}; --og-on-phase: {text_on(color)}; }}")
    return "\n".join(lines)


def css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string in which only letters, digits and spaces stay literal.

    Everything else is a hex escape (``\\3c ``), so no text can end the string,
    the rule or the ``<style>`` element it stands in.
    """
    out = []
    for ch in text:
        if ch.isascii() and (ch.isalnum() or ch == " "):
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def _page_css(meta: dict[str, Any]) -> str:
    """The running header and footer words of printed pages (``@page`` margin boxes)."""

    def words(value: Any) -> str:
        return " ".join(plain_text(parse_inline(_text(value))).split())

    boxes = [("top-left", words(meta["title"])), ("bottom-left", words(meta["organization"]))]
    if meta.get("confidentiality"):
        boxes.append(("top-right", words(meta["confidentiality"])))
    rules = " ".join(f"@{box} {{ content: {css_string(text)}; }}" for box, text in boxes)
    return f"@page {{ {rules} }}"


def _stylesheet(env, pack: Pack) -> str:
    """The pack's ``html/outlook.css`` (the first along the chain), taken as it is, not as a template."""
    import jinja2

    try:
        source, filename, _ = env.loader.get_source(env, STYLESHEET)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template pack '{pack.name}' has no html/{STYLESHEET}") from None
    if "</" in source:
        # Inside <style>, "</style" would end the element; no stylesheet needs "</".
        raise TemplateError(f"{filename}: a stylesheet may not contain '</'")
    return source


def _bar_rows(rows: list[dict[str, Any]], colors: list[str]) -> list[dict[str, Any]]:
    top = max((float(r["amount"]) for r in rows), default=0.0)
    out = []
    for row, color in zip(rows, colors, strict=True):
        share = 100.0 * float(row["amount"]) / top if top > 0 else 0.0
        out.append({**row, "bar": bar(share, color)})
    return out


def _charts(context: dict[str, Any], brand: Brand, phase_index: dict[str, int]) -> dict[str, Any]:
    budget = context["resources"]["budget"]
    if not budget:
        return {"by_category": [], "by_phase": []}
    primary = brand.colors["primary"]
    by_phase_colors = [
        brand.phase_color(phase_index[p["phase"]]) if p["phase"] in phase_index else brand.colors["no_data"]
        for p in budget["by_phase"]
    ]
    return {
        "by_category": _bar_rows(budget["by_category"], [primary] * len(budget["by_category"])),
        "by_phase": _bar_rows(budget["by_phase"], by_phase_colors),
    }


def _page_context(doc: Document, env) -> dict[str, Any]:
    """The shared context plus what only the HTML page has: its stylesheet, logo, charts."""
    outlook, pack, labels = doc.outlook, doc.pack, doc.labels
    context = dict(doc.context)
    brand = load_brand(pack)
    phase_ids = [p.id for p in outlook.roadmap.phases]
    phase_index = {pid: i for i, pid in enumerate(phase_ids)}
    wording = Wording(labels, outlook.roadmap.unit)
    css = _stylesheet(env, pack)
    context["html"] = {
        "lang": doc.locale,
        "style": Markup(_brand_css(brand, phase_ids) + "\n" + css),
        "page_style": Markup(_page_css(context["meta"])),
        "logo": Markup(escape(brand.logo)) if brand.logo else None,
        "logo_small": Markup(escape(brand.logo_small)) if brand.logo_small else None,
        "toc": Markup(_TOC_MARKER),
        "phase_class": {pid: f"og-phase-{i + 1}" for i, pid in enumerate(phase_ids)},
        "gantt": gantt_svg(
            outlook,
            wording,
            labels,
            brand,
            title=labels["step3"]["gantt"],
            as_of=doc.as_of,
            description=labels["html"]["gantt_description"],
            labelled_by="sec-gantt",
            worded={t["id"]: t for t in context["roadmap"]["tasks"]},
        ),
        "charts": _charts(context, brand, phase_index),
    }
    return context


# -- the table of contents ------------------------------------------------------

_HEADING = re.compile(r'<(h[23])\b[^>]*?\bid="([^"]+)"[^>]*>(.*?)</\1>', re.S)
_TAG = re.compile(r"<[^>]*>")


def _with_toc(text: str, title: str) -> str:
    """``text`` with the table of contents where the first marker is, and any other marker gone."""
    at = text.find(_TOC_MARKER)
    if at < 0:
        return text
    after = at + len(_TOC_MARKER)
    toc = _toc(text, title, after)
    if text.find(_TOC_MARKER, after) < 0:
        # The usual page, one marker: one copy of a text of megabytes, not three (slices and joins).
        return text.replace(_TOC_MARKER, toc, 1)
    return text[:at] + toc + text[after:].replace(_TOC_MARKER, "")


def _toc(text: str, title: str, start: int = 0) -> str:
    """A nested list of the h2/h3 headings with ids from ``start`` on (h3 under the h2 before it)."""
    items: list[str] = []
    open_sub = False
    for level, ident, inner in _HEADING.findall(text, start):
        text = " ".join(_TAG.sub("", inner).split())
        link = f'<a href="#{ident}">{text}</a>'
        if level == "h2":
            if open_sub:
                items.append("</ol></li>")
                open_sub = False
            elif items:
                items.append("</li>")
            cls = ' class="toc-step"' if ident.startswith("sec-step-") else ""
            items.append(f"<li{cls}>{link}")
        else:
            if not items:
                continue
            if not open_sub:
                items.append("<ol>")
                open_sub = True
            items.append(f"<li>{link}</li>")
    if not items:
        return ""
    items.append("</ol></li>" if open_sub else "</li>")
    return f'<nav class="toc" id="sec-contents" aria-labelledby="toc-title"><h2 id="toc-title">{title}</h2><ol>{"".join(items)}</ol></nav>'


# Characters an HTML document may not contain (parse errors): C0/C1 controls
# but tab, line feed, form feed and carriage return, and the noncharacters.
# The astral noncharacters (U+1FFFE, U+1FFFF … U+10FFFF) are not in the class:
# a class with astral ranges makes one pass over a 3 MB page cost ~100 ms
# instead of ~10 ms, so they are found by a second pass (below) that runs
# only when the page has an astral character at all.
_FORBIDDEN_BMP = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
# Anything that may need replacing: a forbidden BMP character or any astral one.
_SUSPECT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral(match: re.Match[str]) -> str:
    # U+xFFFE and U+xFFFF of every plane are noncharacters; emoji and the rest stay.
    ch = match.group()
    return "\ufffd" if ord(ch) & 0xFFFE == 0xFFFE else ch


def scrub(page: str) -> str:
    """``page`` with every character HTML forbids replaced by U+FFFD."""
    first = _SUSPECT.search(page)
    if first is None:
        # The usual page: one pass, nothing to replace.
        return page
    start = first.start()
    rest = _FORBIDDEN_BMP.sub("\ufffd", page[start:])
    if _ASTRAL.search(rest):
        rest = _ASTRAL.sub(_astral, rest)
    return page[:start] + rest


def page(doc: Document) -> str:
    """The HTML page."""
    labels = doc.labels
    env = _environment(doc.pack, _anchors(doc.outlook), labels)
    text = environment.render(env, TEMPLATE, _page_context(doc, env), doc.pack)
    return _tidy(_with_toc(text, str(escape(labels["html"]["contents"]))))


def render(doc: Document) -> bytes:
    return page(doc).encode("utf-8")


def changes_page(context: dict[str, Any], pack: Pack, labels: dict[str, Any], locale: str) -> str:
    """The change report (``outlookgen diff -f html``): a standalone page styled like the pack's documents."""
    env = _environment(pack, set(), labels)
    style = Markup(_brand_css(load_brand(pack), []) + "\n" + _stylesheet(env, pack))
    text = environment.render(
        env, "changes-page.html.j2", {"changes": context, "L": labels, "lang": locale, "style": style}, pack
    )
    return _tidy(text)


def standalone_page(
    template: str, context: Mapping[str, Any], pack: Pack, labels: Mapping[str, Any], locale: str
) -> str:
    """A page of its own from the pack's ``html/<template>`` (the portfolio), laid out like the outlook page.

    The same filters, escaping, brand tokens and stylesheet; the printed
    page's header and footer from ``context["meta"]``; a table of contents
    wherever ``{{ html.toc }}`` stands. ``context["html"]`` may bring the
    page's own parts (charts); the common ones are added to it.
    """
    env = _environment(pack, set(), labels)
    brand = load_brand(pack)
    page_context = dict(context)
    page_context["html"] = {
        **dict(context.get("html") or {}),
        "lang": locale,
        "style": Markup(_brand_css(brand, []) + "\n" + _stylesheet(env, pack)),
        "page_style": Markup(_page_css(dict(context["meta"]))),
        "logo": Markup(escape(brand.logo)) if brand.logo else None,
        "logo_small": Markup(escape(brand.logo_small)) if brand.logo_small else None,
        "toc": Markup(_TOC_MARKER),
    }
    text = environment.render(env, template, page_context, pack)
    return _tidy(_with_toc(text, str(escape(labels["html"]["contents"]))))


def _environment(pack: Pack, anchors: set[str], labels: Mapping[str, Any]):
    filters = _filters(anchors, labels["format"]["list_separator"])
    return environment.make_environment(pack, "html", filters=filters, finalize=_finalize, autoescape=True)


def _tidy(text: str) -> str:
    """Forbidden characters replaced, trailing spaces and empty lines gone."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line.isprintable():
            # Every character HTML forbids and every other line break is unprintable
            # (controls, noncharacters, separators): nothing to scrub or split, and
            # isprintable() reads a 3 MB page in a third of the time the scrub's search takes.
            line = line.rstrip()
            if line:
                lines.append(line)
        else:
            lines.extend(line for line in map(str.rstrip, scrub(line).splitlines()) if line)
    if not lines:
        return "\n"
    lines.append("")  # the final newline, joined in rather than added: one copy less of a big page
    return "\n".join(lines)
