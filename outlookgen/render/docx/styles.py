"""Reference-document styles: names resolved to ids once, pack fonts and language written into the styles.

python-docx looks a style up by name on every ``paragraph.style = ...``
(about a millisecond each); the writer instead resolves each name once here
and writes ``w:pStyle`` ids itself. python-docx also has no API for East
Asian fonts or the East Asian language tag, so :func:`apply_fonts` and
:func:`apply_language` edit ``w:rFonts`` / ``w:lang`` in styles.xml directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outlookgen.errors import TemplateError
from outlookgen.packs import Pack
from outlookgen.packs.reference_rules import WRITER_STYLES

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


@dataclass
class StyleMap:
    """Style names (case-insensitive, as Word shows them) to style ids, per style type."""

    ids: dict[tuple[str, str], str]
    pack: str

    @classmethod
    def from_styles(cls, styles_element, pack: str) -> StyleMap:
        ids: dict[tuple[str, str], str] = {}
        for style in styles_element.iterchildren(W + "style"):
            kind = style.get(W + "type") or "paragraph"
            style_id = style.get(W + "styleId")
            name_el = style.find(W + "name")
            if not style_id:
                continue
            # w:val is required, but a stranger's file may leave it out: the id then stands in for the name.
            name = (name_el.get(W + "val") if name_el is not None else None) or style_id
            ids.setdefault((kind, name.lower()), style_id)
            ids.setdefault((kind, style_id.lower()), style_id)
        found = cls(ids, pack)
        missing = [
            f"{kind} style '{name}'"
            for kind, names in WRITER_STYLES.items()
            for name in names
            if not found.has(kind, name)
        ]
        if missing:  # pragma: no cover - derived.add_missing has added them; a guard, not a path
            raise TemplateError(f"template pack '{pack}': docx/reference.docx lacks {', '.join(missing)}")
        return found

    def has(self, kind: str, name: str) -> bool:
        return (kind, name.lower()) in self.ids

    def id(self, kind: str, name: str) -> str:
        try:
            return self.ids[(kind, name.lower())]
        except KeyError:
            raise TemplateError(
                f"template pack '{self.pack}': the docx template asks for {kind} style '{name}', "
                "which docx/reference.docx does not define"
            ) from None


def pack_fonts(pack: Pack, depth: int | None = None) -> dict[str, str]:
    """The Word fonts of the pack's ``brand.typography`` (merged along the chain by packs.brand).

    ``latin``/``east_asian`` from ``base``, ``heading_latin``/``heading_east_asian``
    from ``headings``, ``monospace`` from ``monospace``; a font the pack does
    not set keeps the one reference.docx names. With ``depth`` (the chain
    index of the pack whose reference.docx is used), only fonts set by that
    pack or a nearer one count: a firm's own Word file keeps its fonts
    unless the firm's pack names others.
    """
    from outlookgen.packs.brand import load_brand

    brand = load_brand(pack)
    typography = brand.typography
    fonts: dict[str, str] = {}
    for role, key, slot in (
        ("base", "family", "latin"),
        ("base", "east_asian", "east_asian"),
        ("headings", "family", "heading_latin"),
        ("headings", "east_asian", "heading_east_asian"),
        ("monospace", "family", "monospace"),
    ):
        name = typography.get(role, {}).get(key)
        if name and (depth is None or brand.set_within(f"typography.{role}.{key}", depth)):
            fonts[slot] = name
    return fonts


_THEME = {
    "ascii": "asciiTheme",
    "hAnsi": "hAnsiTheme",
    "eastAsia": "eastAsiaTheme",
    "cs": "cstheme",
}


def _set_fonts(rfonts, names: dict[str, str]) -> None:
    for slot, name in names.items():
        rfonts.set(W + slot, name)
        # A theme font attribute wins over the name: drop it for every slot we set.
        theme = W + _THEME[slot]
        if theme in rfonts.attrib:
            del rfonts.attrib[theme]


def _rpr_child(rpr, tag: str, after: tuple[str, ...] = ()):
    """The ``w:<tag>`` child of rPr, created at the start when missing (rFonts comes second only to rStyle)."""
    found = rpr.find(W + tag)
    if found is None:
        from lxml import etree

        found = etree.SubElement(rpr, W + tag)
        rpr.remove(found)
        index = 0
        for i, child in enumerate(rpr):
            if etree.QName(child).localname in after:
                index = i + 1
        rpr.insert(index, found)
    return found


def _doc_defaults_rpr(styles_element):
    from lxml import etree

    defaults = styles_element.find(W + "docDefaults")
    if defaults is None:
        defaults = etree.Element(W + "docDefaults")
        styles_element.insert(0, defaults)
    rpr_default = defaults.find(W + "rPrDefault")
    if rpr_default is None:
        rpr_default = etree.Element(W + "rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(W + "rPr")
    if rpr is None:
        rpr = etree.SubElement(rpr_default, W + "rPr")
    return rpr


def apply_fonts(styles_element, fonts: dict[str, str], code_style_id: str) -> None:
    """Write the pack's fonts into docDefaults and into every style that names fonts of its own.

    ``latin`` fills ascii/hAnsi/cs, ``east_asian`` fills eastAsia (the slot
    Word uses for Chinese characters), ``monospace`` the Latin slots of the
    inline-code character style.
    """
    text: dict[str, str] = {}
    if "latin" in fonts:
        text.update(ascii=fonts["latin"], hAnsi=fonts["latin"], cs=fonts["latin"])
    if "east_asian" in fonts:
        text["eastAsia"] = fonts["east_asian"]
    if text:
        _set_fonts(_rpr_child(_doc_defaults_rpr(styles_element), "rFonts", ("rStyle",)), text)
    headings: dict[str, str] = {}
    if "heading_latin" in fonts:
        headings.update(ascii=fonts["heading_latin"], hAnsi=fonts["heading_latin"], cs=fonts["heading_latin"])
    if "heading_east_asian" in fonts:
        headings["eastAsia"] = fonts["heading_east_asian"]
    for style in styles_element.iterchildren(W + "style"):
        rpr = style.find(W + "rPr")
        name_el = style.find(W + "name")
        style_name = (name_el.get(W + "val") if name_el is not None else "") or ""
        if headings and (style_name.lower().startswith("heading") or style_name.lower() == "title"):
            if rpr is None:
                rpr = style.makeelement(W + "rPr", {})
                style.append(rpr)
            _set_fonts(_rpr_child(rpr, "rFonts", ("rStyle",)), headings)
            continue
        is_code = style.get(W + "styleId") == code_style_id
        if is_code:
            names = {}
            if "monospace" in fonts:
                names.update(ascii=fonts["monospace"], hAnsi=fonts["monospace"], cs=fonts["monospace"])
            if "east_asian" in fonts:
                names["eastAsia"] = fonts["east_asian"]
            if names and rpr is not None:
                _set_fonts(_rpr_child(rpr, "rFonts", ("rStyle",)), names)
            continue
        if rpr is None:
            continue
        rfonts = rpr.find(W + "rFonts")
        if rfonts is not None:
            _set_fonts(rfonts, {k: v for k, v in text.items() if rfonts.get(W + k) or rfonts.get(W + _THEME[k])})


# (w:val, w:eastAsia): w:val is the language of Latin characters, w:eastAsia that of CJK ones
# (Word picks the attribute by character class). Latin words in a Chinese document are English:
# tagged zh-CN, LibreOffice breaks them anywhere ("BO|M", "14|0起").
LANGS = {"en": ("en-US", None), "zh-CN": ("en-US", "zh-CN")}


def apply_language(styles_element, settings_element, locale: str) -> None:
    """``w:lang`` on docDefaults (and themeFontLang in settings) for the document's locale."""
    val, east_asia = LANGS.get(locale, (locale, None))
    rpr = _doc_defaults_rpr(styles_element)
    lang = _rpr_child(
        rpr,
        "lang",
        (
            "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
            "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
            "vertAlign", "rtl", "cs", "em",
        ),
    )  # fmt: skip
    lang.set(W + "val", val)
    if east_asia:
        lang.set(W + "eastAsia", east_asia)
    if settings_element is not None:
        theme = settings_element.find(W + "themeFontLang")
        if theme is not None:
            theme.set(W + "val", val)
            if east_asia:
                theme.set(W + "eastAsia", east_asia)


# -- colours ------------------------------------------------------------------

#: The brand role each named style's colours play (the built-in reference is drawn this way):
#: "color" the text, "border" a bottom border the style already has, "shade" a character
#: shading, "header" a table style's header-row fill, "first_column" its first column's text.
ROLE_STYLES: dict[tuple[str, str], dict[str, str]] = {
    ("paragraph", "title"): {"color": "primary", "border": "primary"},
    ("paragraph", "heading 1"): {"color": "primary", "border": "primary"},
    ("paragraph", "heading 2"): {"color": "primary"},
    ("paragraph", "heading 3"): {"color": "accent"},
    ("paragraph", "heading 4"): {"color": "secondary"},
    ("paragraph", "subtitle"): {"color": "secondary"},
    ("paragraph", "caption"): {"color": "secondary"},
    ("paragraph", "toc 3"): {"color": "secondary"},
    ("paragraph", "header"): {"color": "secondary"},
    ("paragraph", "footer"): {"color": "secondary"},
    ("character", "inline code"): {"color": "primary", "shade": "muted"},
    ("table", "outlook table"): {"header": "primary"},
    ("table", "gantt table"): {"header": "primary"},
    ("table", "cover table"): {"first_column": "secondary"},
}
_THEME_COLOUR = ("themeColor", "themeShade", "themeTint")
_THEME_FILL = ("themeFill", "themeFillShade", "themeFillTint")


def apply_palette(styles_element, brand, depth: int) -> None:
    """The pack's brand colours into the reference's styles: headings, title, table header rows, inline code.

    Only tokens set by the pack that supplies reference.docx (chain index
    ``depth``) or a nearer one apply: a pack with ``primary: red`` gets red
    headings in Word as in HTML, while a firm's own Word file keeps its
    colours against tokens it merely inherits from the default pack.
    """
    from lxml import etree

    colours = {
        role: hex_colour(brand.colors[role])
        for role in ("primary", "accent", "secondary", "muted", "foreground")
        if brand.set_within(f"color.{role}", depth)
    }
    if not colours:
        return
    if "foreground" in colours:
        _set_colour(_rpr_child(_doc_defaults_rpr(styles_element), "color", _BEFORE_COLOR), colours["foreground"])
    for style in styles_element.iterchildren(W + "style"):
        kind = style.get(W + "type") or "paragraph"
        name_el = style.find(W + "name")
        name = ((name_el.get(W + "val") if name_el is not None else None) or "").lower()
        roles = ROLE_STYLES.get((kind, name))
        if not roles:
            continue
        for what, role in roles.items():
            colour = colours.get(role)
            if colour is None:
                continue
            if what == "color":
                rpr = style.find(W + "rPr")
                if rpr is None:
                    rpr = etree.SubElement(style, W + "rPr")
                    _style_child_order(style, rpr)
                _set_colour(_rpr_child(rpr, "color", _BEFORE_COLOR), colour)
            elif what == "border":
                for border in style.iterfind(f"{W}pPr/{W}pBdr/{W}bottom"):
                    _set_colour(border, colour)
            elif what == "shade":
                for shd in style.iterfind(f"{W}rPr/{W}shd"):
                    shd.set(W + "fill", colour)
                    for attr in _THEME_FILL:
                        shd.attrib.pop(W + attr, None)
            elif what == "header":
                for conditional in style.iterfind(W + "tblStylePr"):
                    if conditional.get(W + "type") != "firstRow":
                        continue
                    for shd in conditional.iterfind(f"{W}tcPr/{W}shd"):
                        shd.set(W + "fill", colour)
                        for attr in _THEME_FILL:
                            shd.attrib.pop(W + attr, None)
                        text = conditional.find(f"{W}rPr/{W}color")
                        if text is not None:
                            _set_colour(text, header_text(brand))
            elif what == "first_column":
                for conditional in style.iterfind(W + "tblStylePr"):
                    if conditional.get(W + "type") == "firstCol":
                        for text in conditional.iterfind(f"{W}rPr/{W}color"):
                            _set_colour(text, colour)


# rPr children that come before w:color (CT_RPr sequence).
_BEFORE_COLOR = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
)  # fmt: skip


def _set_colour(node, colour: str) -> None:
    node.set(W + "val" if node.tag != W + "bottom" else W + "color", colour)
    for attr in _THEME_COLOUR:
        node.attrib.pop(W + attr, None)  # a theme colour wins over w:val in Word


def _style_child_order(style, rpr) -> None:
    """Put a new rPr where CT_Style wants it: after pPr, before tblPr/trPr/tcPr/tblStylePr."""
    style.remove(rpr)
    later = [c for c in style if c.tag in (W + "tblPr", W + "trPr", W + "tcPr", W + "tblStylePr")]
    if later:
        later[0].addprevious(rpr)
    else:
        style.append(rpr)


def header_text(brand) -> str:
    """The text colour of table header rows (on the primary colour): the pack's ``on_primary``, else black or white.

    The same choice as the HTML page's (:func:`outlookgen.packs.contrast.on_colour`):
    white when it reaches WCAG AA's 4.5:1 on the fill, else black when that does.
    """
    from outlookgen.packs.contrast import on_colour

    return hex_colour(on_colour(brand.colors, "primary"), "FFFFFF")


def text_on(fill: str, preferred: str | None = None) -> str:
    """An ``RRGGBB`` text colour that reads on the ``RRGGBB`` fill at WCAG AA (4.5:1).

    ``preferred`` (the text colour the style gives) when it passes, else white
    or black, whichever passes (:func:`outlookgen.packs.contrast.text_on`).
    """
    from outlookgen.packs import contrast

    if preferred and contrast.ratio(f"#{preferred}", f"#{fill}") >= contrast.AA_TEXT:
        return preferred
    return contrast.text_on(f"#{fill}")[1:].upper()


_KEYWORDS = {
    "black": "000000", "white": "FFFFFF", "red": "FF0000", "green": "008000", "blue": "0000FF",
    "navy": "000080", "teal": "008080", "gray": "808080", "grey": "808080", "silver": "C0C0C0",
    "maroon": "800000", "olive": "808000", "purple": "800080", "orange": "FFA500", "yellow": "FFFF00",
    "aqua": "00FFFF", "cyan": "00FFFF", "fuchsia": "FF00FF", "magenta": "FF00FF", "lime": "00FF00",
}  # fmt: skip


def hex_colour(value: Any, fallback: str = "808080") -> str:
    """A brand colour (``#rgb``, ``#rrggbb[aa]``, a CSS keyword) as Word's ``RRGGBB``."""
    if not isinstance(value, str):
        return fallback
    v = value.strip().lower()
    if v.startswith("#"):
        digits = v[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3])
        digits = digits[:6]
        if len(digits) == 6 and all(c in "0123456789abcdef" for c in digits):
            return digits.upper()
        return fallback
    return _KEYWORDS.get(v, fallback)


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white (``amount`` 0 = unchanged, 1 = white)."""
    rgb = [int(colour[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


class Palette:
    """Colour names a docx template may use in ``shade=``: brand tokens and palette names, ``name:light`` tints."""

    def __init__(self, brand) -> None:
        self.colours: dict[str, str] = {}
        for name, value in (brand.palette or {}).items():
            self.colours[name] = hex_colour(value)
        for name, value in brand.colors.items():
            self.colours[name] = hex_colour(value)
        self.phases = tuple(hex_colour(c) for c in brand.phases) or ("2F6DB5",)

    def phase(self, index: int) -> str:
        return self.phases[index % len(self.phases)]

    def resolve(self, spec: str) -> str | None:
        """``name``, ``name:light``, ``name:pale``, ``#rrggbb`` or ``RRGGBB`` → RRGGBB; None for nothing/unknown."""
        spec = (spec or "").strip()
        if not spec or spec == "none":
            return None
        name, _, shade = spec.partition(":")
        if name.startswith("phase") and name[5:].isdigit():
            colour = self.phase(int(name[5:]))
        elif name in self.colours:
            colour = self.colours[name]
        else:
            colour = hex_colour(name if name.startswith("#") else "#" + name, fallback="")
            if not colour:
                return None
        if shade == "light":
            return tint(colour, 0.82)
        if shade == "pale":
            return tint(colour, 0.92)
        if shade == "mid":
            return tint(colour, 0.55)
        return colour


def update_font_table(package, fonts: dict[str, str]) -> None:
    """Declare the pack's fonts in word/fontTable.xml (Chinese fonts with the GB2312 charset, 86).

    Word uses the font table to pick a substitute when a font is missing;
    declaring the East Asian font there keeps Chinese text in a Chinese font.
    The part is kept as bytes (python-docx did not parse it, and its bytes stay
    as they were when no font is added), so it is edited as such.
    """
    from lxml import etree

    part = package.font_table()
    if part is None or not fonts:
        return
    root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
    known = set()
    for font in root.iterchildren(W + "font"):
        known.add(font.get(W + "name"))
        alt = font.find(W + "altName")
        if alt is not None:
            known.add(alt.get(W + "val"))
    for key in ("latin", "east_asian", "monospace"):
        name = fonts.get(key)
        if not name or name in known:
            continue
        known.add(name)
        font = etree.SubElement(root, W + "font")
        font.set(W + "name", name)
        etree.SubElement(font, W + "charset").set(W + "val", "86" if key == "east_asian" else "00")
        etree.SubElement(font, W + "family").set(W + "val", "modern" if key == "monospace" else "auto")
        etree.SubElement(font, W + "pitch").set(W + "val", "fixed" if key == "monospace" else "variable")
    part.blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
