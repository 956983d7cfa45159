"""WCAG 2.x contrast of a pack's brand colours: the text/background pairs its tokens produce, and fixes.

Every format draws text on colours the pack chooses (headings in the primary
colour, white on the table header's shading, badge text on status colours,
the phase number on its phase colour). A brand colour that fails contrast
fails everywhere it is used, so the pairs are judged here, from the tokens,
once: ``templates check`` lists the failing ones (rule A11Y101) with the
nearest passing colour, and a build warns once.

Text *on* a brand colour is not the pack's to get wrong: unless the pack sets
``on_<token>`` itself, :func:`text_on` picks white or black, whichever passes
(white when both do), and the HTML page uses that. Phase colours are never
used as text, only behind it.

The maths is WCAG 2.1's: relative luminance of linearised sRGB, ratio
(L1 + 0.05) / (L2 + 0.05), at least 4.5:1 for body-size text (SC 1.4.3).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

AA_TEXT = 4.5  # WCAG 2.1 SC 1.4.3 (level AA), text under 18.66 px bold / 24 px
WHITE = "#ffffff"
BLACK = "#000000"
RULE = "A11Y101"

# The CSS keywords a pack is most likely to write; any other keyword cannot be judged (and is not).
_KEYWORDS = {
    "black": "#000000",
    "white": "#ffffff",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "navy": "#000080",
    "teal": "#008080",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "maroon": "#800000",
    "olive": "#808000",
    "purple": "#800080",
    "orange": "#ffa500",
    "yellow": "#ffff00",
    "aqua": "#00ffff",
    "cyan": "#00ffff",
    "fuchsia": "#ff00ff",
    "magenta": "#ff00ff",
    "lime": "#00ff00",
    "gold": "#ffd700",
    "darkred": "#8b0000",
    "darkgreen": "#006400",
    "darkblue": "#00008b",
}

# Colours the default stylesheet sets itself (outlook.css :root), under text in tables.
ZEBRA = "#f7f9fa"


def rgb(colour: str) -> tuple[int, int, int] | None:
    """``#rgb``, ``#rrggbb`` (alpha ignored) or a known keyword as 0-255 channels; None when it cannot be read."""
    value = colour.strip().lower()
    value = _KEYWORDS.get(value, value)
    if not value.startswith("#"):
        return None
    digits = value[1:]
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits[:3])
    digits = digits[:6]
    if len(digits) != 6 or any(c not in "0123456789abcdef" for c in digits):
        return None
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1): 0 for black, 1 for white."""
    channels = rgb(colour)
    if channels is None:
        raise ValueError(f"not a colour this check can read: {colour!r}")

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    """The contrast ratio of two colours, 1.0 to 21.0 (order does not matter)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(background: str) -> str:
    """White or black text for ``background``: white when it passes, else black when it does, else the better."""
    if rgb(background) is None:
        return WHITE
    white, black = ratio(WHITE, background), ratio(BLACK, background)
    if white >= AA_TEXT or white >= black:
        return WHITE
    return BLACK


def nearest_passing(colour: str, against: list[str], need: float = AA_TEXT) -> str | None:
    """The colour of the same hue and saturation, lightness moved least, that reaches ``need`` on every background."""
    channels = rgb(colour)
    if channels is None or any(rgb(b) is None for b in against):
        return None
    if all(ratio(colour, b) >= need for b in against):
        return colour
    hue, light, sat = colorsys.rgb_to_hls(*(c / 255 for c in channels))
    for step in range(1, 101):
        for lightness in (light - step / 100, light + step / 100):
            if not 0.0 <= lightness <= 1.0:
                continue
            candidate = _hex(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, sat))
            if all(ratio(candidate, b) >= need for b in against):
                return candidate
    return None


def tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white (0: unchanged, 1: white), as the Gantt's phase bands draw it."""
    channels = rgb(colour) or (128, 128, 128)
    return _hex(round(c + (255 - c) * amount) for c in channels)


def _hex(channels) -> str:
    return "#" + "".join(f"{c:02x}" for c in channels)


@dataclass(frozen=True)
class Pair:
    """Text in one colour on a background in another, and where the documents draw it."""

    text: str  # the colour
    background: str
    text_token: str  # brand.color.<token> that sets the text colour ("" when outlookgen picks it)
    background_token: str
    where: str

    @property
    def ratio(self) -> float:
        return ratio(self.text, self.background)

    @property
    def passes(self) -> bool:
        return self.ratio >= AA_TEXT


STATUS_TOKENS = ("on_track", "at_risk", "off_track", "no_data")


def on_colour(colors: dict[str, str], token: str) -> str:
    """The text colour on ``token``'s colour: the pack's ``on_<token>`` if it set one, else black or white."""
    return colors.get(f"on_{token}") or text_on(colors[token])


def pairs(colors: dict[str, str], phases: tuple[str, ...]) -> list[Pair]:
    """Every text/background pair the built-in layouts draw from these tokens (HTML, PDF and Word)."""
    c = colors
    bg, fg = c["background"], c["foreground"]
    out = [
        Pair(fg, bg, "foreground", "background", "body text (every format)"),
        Pair(c["primary"], bg, "primary", "background", "headings and the title (HTML, PDF, Word)"),
        Pair(
            c["secondary"],
            bg,
            "secondary",
            "background",
            "notes, ids and labels (HTML, PDF); Heading 4, captions (Word)",
        ),
        Pair(c["secondary"], ZEBRA, "secondary", "background", "ids in shaded table rows"),
        Pair(c["secondary"], c["muted"], "secondary", "muted", "dates on the Gantt's axis"),
        Pair(c["accent"], bg, "accent", "background", "links and cross-references (HTML, PDF); Heading 3 (Word)"),
        Pair(c["accent"], ZEBRA, "accent", "background", "links in shaded table rows (HTML, PDF)"),
        Pair(fg, c["muted"], "foreground", "muted", "phase rows of the task table, badges, the Gantt's axis"),
        Pair(c["off_track"], bg, "off_track", "background", "the confidentiality notice on the cover"),
        Pair(c["critical"], bg, "critical", "background", "the critical-path mark"),
        Pair(on_colour(c, "primary"), c["primary"], "", "primary", "table header rows (HTML, PDF, Word)"),
        Pair(on_colour(c, "secondary"), c["secondary"], "", "secondary", "'changed' badges of the change report"),
    ]
    for token in STATUS_TOKENS:
        out.append(Pair(on_colour(c, token), c[token], "", token, "status badges"))
    for token in ("risk_low", "risk_medium", "risk_high"):
        out.append(Pair(fg, c[token], "foreground", token, "risk matrix cells and priority badges"))
    for i, phase in enumerate(phases):
        where = f"phase {i + 1}: its number and stage badge"
        out.append(Pair(text_on(phase), phase, "", f"phases[{i}]", where))
        out.append(Pair(fg, tint(phase, 0.9), "", f"phases[{i}]", f"phase {i + 1}: its name on its band in the Gantt"))
    return [p for p in out if rgb(p.text) is not None and rgb(p.background) is not None]


def failing(colors: dict[str, str], phases: tuple[str, ...]) -> list[Pair]:
    """The pairs below 4.5:1, each once."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for pair in pairs(colors, phases):
        key = (pair.text, pair.background, pair.where)
        if not pair.passes and key not in seen:
            seen.add(key)
            out.append(pair)
    return out


@dataclass(frozen=True)
class Finding:
    """One brand colour to change: the failing pairs it is in, and the nearest colour that passes in all of them."""

    token: str  # "accent", "phases[1]"
    colour: str
    pairs: tuple[Pair, ...]
    fix: str | None

    def message(self) -> str:
        name = f"brand.color.{self.token}"
        shown = "; ".join(f"{p.text} on {p.background} = {p.ratio:.2f}:1 in {p.where}" for p in self.pairs)
        if self.fix:
            advice = f"use {self.fix} (the nearest colour of the same hue that reaches {AA_TEXT}:1)"
        else:
            advice = f"choose a colour that reaches {AA_TEXT}:1"
        if not self.pairs[0].text_token and not self.token.startswith("phases"):
            advice += f", or set brand.color.on_{self.token} to a text colour that does"
        return f"{RULE} {name} {self.colour} fails WCAG 2.1 AA text contrast ({AA_TEXT}:1): {shown}; {advice}"


def findings(colors: dict[str, str], phases: tuple[str, ...]) -> list[Finding]:
    """The failing pairs grouped by the colour to change (the text's, or the background's when outlookgen picks the text)."""
    grouped: dict[str, list[Pair]] = {}
    for pair in failing(colors, phases):
        token = pair.text_token or pair.background_token
        grouped.setdefault(token, []).append(pair)
    out = []
    for token, group in grouped.items():
        first = group[0]
        if first.text_token:
            colour, fix = first.text, nearest_passing(first.text, sorted({p.background for p in group}))
        else:
            colour, fix = first.background, nearest_passing(first.background, sorted({p.text for p in group}))
        out.append(Finding(token, colour, tuple(group), fix))
    return out
