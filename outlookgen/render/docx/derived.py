"""Styles the Word writer needs that a firm's reference document lacks, derived from the firm's own styles.

Many Word templates a firm already has define almost nothing: Normal and
Heading 1–3, maybe Title (docs/word.md, "A firm's own Word file"). Every
other style the writer uses — contents lines, table text, the table and
Gantt table styles, inline code, hyperlinks, cover text — is added here
instead of refusing the file. Each one is a copy of the built-in default
pack's style of the same name, made to fit the firm's file:

* it is *based on the firm's own styles*, found by name (``heading 1`` may
  have the id ``1`` in a file saved by Chinese Word, ``Normal`` the id
  ``a``), so it takes the firm's fonts and sizes;
* its colours are the firm's: the built-in primary (headings, table header
  rows) becomes the colour of the firm's Heading 1, the accent that of its
  Heading 3 (or 2) — unless the pack itself sets ``brand.color`` for them;
* nothing the firm defines is replaced or duplicated: a style is added only
  when no style of that type has that name (case-insensitive, as Word
  compares), and its id never collides with one in use;
* bullet lists get numbering definitions of their own, with ids the firm's
  numbering part does not use.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass

from outlookgen.packs.reference_rules import WRITER_STYLES
from outlookgen.render.docx.styles import W, hex_colour, text_on, tint

# The built-in reference's colours, by the brand role they play there (templates/default/pack.yaml).
BUILT_IN_ROLES = {
    "1F3A5F": "primary",
    "1B7F79": "accent",
    "5B6770": "secondary",
    "EEF1F4": "muted",
    "1D232A": "foreground",
}
_COLOUR_ATTRS = (W + "color", W + "fill")
_TEXT_WIDTH_TAB = "9628"  # the built-in toc styles' right tab: A4 with 2 cm margins


@dataclass(frozen=True)
class Firm:
    """What derived styles take from the firm's file and the pack: role colours and the text width."""

    colours: dict[str, str]  # role -> RRGGBB
    text_width: int  # twips between the margins (the contents' right tab)


def _styles_by_name(styles_element) -> dict[tuple[str, str], object]:
    found: dict[tuple[str, str], object] = {}
    for style in styles_element.iterchildren(W + "style"):
        kind = style.get(W + "type") or "paragraph"
        name_el = style.find(W + "name")
        name = (name_el.get(W + "val") if name_el is not None else None) or style.get(W + "styleId") or ""
        found.setdefault((kind, name.lower()), style)
    return found


def _style_ids(styles_element) -> set[str]:
    return {s.get(W + "styleId") for s in styles_element.iterchildren(W + "style") if s.get(W + "styleId")}


def missing(styles_element) -> list[tuple[str, str]]:
    """(type, name) of every style the writer uses that the document does not define."""
    present = set(_styles_by_name(styles_element))
    # As the writer looks styles up (StyleMap): by name, or by an id equal to the name.
    present |= {
        (s.get(W + "type") or "paragraph", (s.get(W + "styleId") or "").lower())
        for s in styles_element.iterchildren(W + "style")
    }
    return [
        (kind, name) for kind, names in WRITER_STYLES.items() for name in names if (kind, name.lower()) not in present
    ]


def style_colour(styles_element, name: str) -> str | None:
    """The explicit text colour of a paragraph style (following ``basedOn``), as RRGGBB; None when it has none."""
    by_id = {s.get(W + "styleId"): s for s in styles_element.iterchildren(W + "style")}
    style = _styles_by_name(styles_element).get(("paragraph", name.lower()))
    seen = set()
    while style is not None and id(style) not in seen:
        seen.add(id(style))
        colour = style.find(f"{W}rPr/{W}color")
        value = colour.get(W + "val") if colour is not None else None
        if value and value.lower() != "auto" and re.fullmatch(r"[0-9A-Fa-f]{6}", value):
            return value.upper()
        based = style.find(W + "basedOn")
        style = by_id.get(based.get(W + "val")) if based is not None else None
    return None


def firm_colours(styles_element, brand, depth: int) -> dict[str, str]:
    """Role colours for derived styles: the pack's brand where it speaks for this file, else the firm's headings."""
    colours = {
        role: hex_colour(brand.colors[role]) for role in ("primary", "accent", "secondary", "muted", "foreground")
    }
    if not brand.set_within("color.primary", depth):
        heading = style_colour(styles_element, "heading 1")
        if heading:
            colours["primary"] = heading
    if not brand.set_within("color.accent", depth):
        heading = style_colour(styles_element, "heading 3") or style_colour(styles_element, "heading 2")
        colours["accent"] = heading or colours["primary"]
    if not brand.set_within("color.muted", depth):
        colours["muted"] = tint(colours["primary"], 0.92)
    return colours


def add_missing(package, built_in_parts: Callable[[], tuple], firm: Firm) -> list[str]:
    """Add every writer style the document lacks (copied from the built-in reference, fitted); their names.

    ``built_in_parts()`` gives the parsed ``w:styles`` and ``w:numbering`` of
    the default pack's reference document. It is asked for only when a style
    is missing: a document with every style it uses (the built-in reference
    itself, most firms' files) never opens a second reference.
    """
    styles_element = package.styles().element
    _drop_dangling_links(styles_element)
    wanted = missing(styles_element)
    undefined = _used_but_undefined(package, styles_element)
    if not wanted and not undefined:
        return []
    built_in_styles, built_in_numbering = built_in_parts()
    built_in = _styles_by_name(built_in_styles)
    named = {(kind, name.lower()) for kind, name in wanted}
    wanted += [
        (kind, name)
        for kind, name in _built_in_styles_named(built_in_styles, undefined)
        if (kind, name.lower()) not in named
    ]
    if not wanted:
        return []
    built_in_ids = {s.get(W + "styleId"): s for s in built_in_styles.iterchildren(W + "style")}
    ids = _style_ids(styles_element)
    new_ids: dict[str, str] = {}  # built-in id -> id in the firm's file, for the styles added here
    for kind, name in wanted:
        source = built_in.get((kind, name.lower()))
        if source is None:  # pragma: no cover - WRITER_STYLES and the built-in reference are kept in step by a test
            continue
        new_ids[source.get(W + "styleId")] = _free_id(source.get(W + "styleId"), ids)
        ids.add(new_ids[source.get(W + "styleId")])

    def firm_id(built_in_id: str) -> str | None:
        """The firm's style for what the built-in reference calls ``built_in_id`` (by name), or the one added."""
        if built_in_id in new_ids:
            return new_ids[built_in_id]
        source = built_in_ids.get(built_in_id)
        if source is None:
            return None
        kind = source.get(W + "type") or "paragraph"
        name = source.find(W + "name").get(W + "val").lower()
        own = _styles_by_name(styles_element).get((kind, name))
        return own.get(W + "styleId") if own is not None else None

    numbering = _Numbering(package, built_in_numbering)
    added: list[str] = []
    for kind, name in wanted:
        source = built_in.get((kind, name.lower()))
        if source is None:  # pragma: no cover
            continue
        style = copy.deepcopy(source)
        style.set(W + "styleId", new_ids[source.get(W + "styleId")])
        if any(
            other.get(W + "default") in ("1", "true", "on") and (other.get(W + "type") or "paragraph") == kind
            for other in styles_element.iterchildren(W + "style")
        ):
            style.attrib.pop(W + "default", None)  # the firm's own default style stays the default
        for ref in ("basedOn", "next", "link"):
            node = style.find(W + ref)
            if node is None:
                continue
            target = firm_id(node.get(W + "val"))
            if target is None:
                style.remove(node)
            else:
                node.set(W + "val", target)
        _recolour(style, firm.colours)
        for tab in style.iter(W + "tab"):
            if tab.get(W + "pos") == _TEXT_WIDTH_TAB:
                tab.set(W + "pos", str(firm.text_width))
        for num_id in style.iter(W + "numId"):
            num_id.set(W + "val", numbering.copy(num_id.get(W + "val")))
        _append_style(styles_element, style)
        added.append(name)
    return added


def _drop_dangling_links(styles_element) -> None:
    """A firm style's ``w:link`` to a style the file does not have (a "Heading 1 Char" cut away) is dropped."""
    ids = _style_ids(styles_element)
    for style in styles_element.iterchildren(W + "style"):
        for link in style.findall(W + "link"):
            if link.get(W + "val") not in ids:
                style.remove(link)


def _used_but_undefined(package, styles_element) -> set[str]:
    """Ids of styles the firm's own body, header or footer uses but its styles lack.

    A header paragraph in style ``Header`` whose file never defined it shows in
    the firm's Normal anyway; the built-in model is added (when the built-in
    reference has one) so the output names no style it does not define.
    """
    roots = [package.element] + [part.element for part in package.headers_and_footers()]
    used = {
        node.get(W + "val") for root in roots for tag in ("pStyle", "rStyle", "tblStyle") for node in root.iter(W + tag)
    }
    return used - _style_ids(styles_element)


def _built_in_styles_named(built_in_styles, ids: set[str]) -> list[tuple[str, str]]:
    """(type, name) of the built-in styles whose ids are ``ids``."""
    out = []
    for style in built_in_styles.iterchildren(W + "style"):
        if style.get(W + "styleId") in ids:
            kind = style.get(W + "type") or "paragraph"
            out.append((kind, style.find(W + "name").get(W + "val")))
    return out


def _free_id(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}{n}" in taken:
        n += 1
    return f"{wanted}{n}"


def _append_style(styles_element, style) -> None:
    styles_element.append(style)


def _recolour(element, colours: dict[str, str]) -> None:
    """The built-in colours in ``element`` replaced by the firm's colour for the same role."""
    for node in element.iter():
        # A text colour is <w:color w:val=…>; borders and shading carry w:color / w:fill.
        attrs = (W + "val",) if node.tag == W + "color" else _COLOUR_ATTRS
        for attr in attrs:
            role = BUILT_IN_ROLES.get((node.get(attr) or "").upper())
            if role:
                node.set(attr, colours[role])
        _fix_contrast(node, colours)


def _fix_contrast(node, colours: dict[str, str]) -> None:
    """A header row's white text stays where it reaches WCAG AA on the fill; else black or the foreground, whichever passes."""
    if node.tag != W + "tblStylePr":
        return
    fill = node.find(f"{W}tcPr/{W}shd")
    colour = node.find(f"{W}rPr/{W}color")
    if fill is None or colour is None or colour.get(W + "val", "").upper() != "FFFFFF":
        return
    background = fill.get(W + "fill") or "FFFFFF"
    chosen = text_on(background)
    if chosen != "FFFFFF":
        colour.set(W + "val", text_on(background, colours["foreground"]))


class _Numbering:
    """Copies the built-in bullet definitions into the document's numbering part, with ids it does not use."""

    def __init__(self, package, built_in) -> None:
        self.package = package
        self.built_in = built_in
        self.copied: dict[str, str] = {}
        self._root = None

    def _part_root(self):
        if self._root is None:
            self._root = self.package.numbering().element  # an empty part when the file has none
        return self._root

    def copy(self, built_in_num_id: str) -> str:
        if built_in_num_id in self.copied:
            return self.copied[built_in_num_id]
        root = self._part_root()
        num = next(n for n in self.built_in.iterchildren(W + "num") if n.get(W + "numId") == built_in_num_id)
        abstract_id = num.find(W + "abstractNumId").get(W + "val")
        abstract = next(
            a for a in self.built_in.iterchildren(W + "abstractNum") if a.get(W + "abstractNumId") == abstract_id
        )
        used_abstract = {int(a.get(W + "abstractNumId")) for a in root.iterchildren(W + "abstractNum")}
        used_num = {int(n.get(W + "numId")) for n in root.iterchildren(W + "num")}
        new_abstract = str(max(used_abstract, default=-1) + 1)
        new_num = str(max(used_num, default=0) + 1)
        abstract = copy.deepcopy(abstract)
        abstract.set(W + "abstractNumId", new_abstract)
        for nsid in abstract.findall(W + "nsid"):
            abstract.remove(nsid)  # Word tells lists apart by nsid: a copy must not share the firm's
        for bound in abstract.iter(W + "pStyle"):
            bound.getparent().remove(bound)  # the style points at the list, not the other way round
        # Schema order: every abstractNum before the first num.
        first_num = root.find(W + "num")
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            root.append(abstract)
        new = copy.deepcopy(num)
        new.set(W + "numId", new_num)
        new.find(W + "abstractNumId").set(W + "val", new_abstract)
        root.append(new)
        self.copied[built_in_num_id] = new_num
        return new_num
