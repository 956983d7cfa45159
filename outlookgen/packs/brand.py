"""Brand tokens of a template pack (``brand:`` in pack.yaml, modelled on Quarto's ``_brand.yml``).

Any output format reads them from here: colours resolved and checked, the
logo read from the pack. A pack's ``brand`` merges over its parent's, key by
key (a child that sets ``color.phases`` replaces the whole list).

    brand:
      color:
        palette: {navy: "#1f3a5f", ...}   # named colours
        primary: navy                    # a palette name or a colour
        phases: [navy, "#1b8a7a", ...]  # one per phase, reused in turn
        on_track: green
      logo: images/logo.png              # relative to the pack folder

Colours must be ``#rgb``, ``#rrggbb`` (with optional alpha) or a CSS colour
keyword: they end up in CSS and SVG attributes, so nothing else is accepted.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.fields_repr import fields_repr
from outlookgen.packs import Pack
from outlookgen.packs.files import PackFileError, display_path, read_regular

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_KEYWORD = re.compile(r"^[a-zA-Z]{3,20}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")

# Token names every format may rely on, with a fallback when a pack sets none.
COLOR_TOKENS = {
    "foreground": "#1d232a",
    "background": "#ffffff",
    "primary": "#1f3a5f",
    "secondary": "#5b6770",
    "accent": "#1b7f79",
    "muted": "#eef1f4",
    "critical": "#c62828",
    "on_track": "#2e7d32",
    "at_risk": "#b26a00",
    "off_track": "#c62828",
    "no_data": "#7a848d",
    "risk_low": "#d7eedb",
    "risk_medium": "#fbe7b5",
    "risk_high": "#f6c4bd",
}
ON_TOKENS = tuple(f"on_{t}" for t in ("primary", "secondary", "on_track", "at_risk", "off_track", "no_data"))
DEFAULT_PHASES = ("#2f6db5", "#1b8a7a", "#8a5cb8", "#c7801a", "#b5495b", "#4f7f2f")

_LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
_MAX_LOGO = 512 * 1024


@dataclass(frozen=True, repr=False)
class Brand:
    """Resolved brand tokens: every colour a checked CSS colour, the logo a data URI or None."""

    colors: dict[str, str]
    phases: tuple[str, ...]
    palette: dict[str, str] = field(default_factory=dict)
    logo: str | None = None  # data: URI of the large logo (cover)
    logo_small: str | None = None  # data: URI of the small logo (running header/footer); the large one if unset
    # brand.logo.alt: the logo's alt text, per locale ("*": every locale); empty when the pack sets none
    logo_alt: dict[str, str] = field(default_factory=dict)
    # role (base, headings, monospace) -> {"family": Latin font, "east_asian": font for CJK characters}
    typography: dict[str, dict[str, str]] = field(default_factory=dict)
    # Where each token was set: "color.primary", "typography.base.east_asian"… -> the index in
    # pack.chain() of the pack that set it (0: the pack itself). Word needs it: a token set
    # nearer than the pack that supplies reference.docx restyles that file; an inherited one
    # does not overwrite a firm's own Word styles.
    sources: dict[str, int] = field(default_factory=dict)

    def set_within(self, key: str, depth: int) -> bool:
        """Whether ``key`` was set by the pack at chain index ``depth`` or by one nearer the leaf."""
        return key in self.sources and self.sources[key] <= depth

    def logo_alt_for(self, locale: str) -> str | None:
        """The pack's alt text for its logo in ``locale``, or None (the formats then word one from the labels)."""
        return self.logo_alt.get(locale) or self.logo_alt.get("*")

    def phase_color(self, index: int) -> str:
        """The colour of the phase at ``index`` (0-based); the list repeats."""
        return self.phases[index % len(self.phases)]

    __repr__ = fields_repr


def _merged(pack: Pack) -> tuple[dict[str, Any], dict[str, Path], dict[str, int]]:
    """The brand mapping along the chain (child wins), per key the pack root it came from, and where each key was set."""
    merged: dict[str, Any] = {}
    logo_root: dict[str, Path] = {}
    sources: dict[str, int] = {}
    chain = pack.chain()
    for depth, p in reversed(list(enumerate(chain))):
        own = p.meta.get("brand") or {}
        if not isinstance(own, dict):
            raise _error(p, "brand", "must be a mapping")
        for key, value in own.items():
            if key == "color" and isinstance(value, dict) and isinstance(merged.get("color"), dict):
                color = dict(merged["color"])
                for ck, cv in value.items():
                    if ck == "palette" and isinstance(cv, dict) and isinstance(color.get("palette"), dict):
                        color["palette"] = {**color["palette"], **cv}
                    else:
                        color[ck] = cv
                merged["color"] = color
            elif key == "typography" and isinstance(value, dict) and isinstance(merged.get("typography"), dict):
                typography = dict(merged["typography"])
                for role, fonts in value.items():
                    base = typography.get(role)
                    both = isinstance(base, dict) and isinstance(fonts, dict)
                    typography[role] = {**base, **fonts} if both else fonts
                merged["typography"] = typography
            else:
                merged[key] = value
            if key == "logo":
                logo_root["logo"] = p.root
            sources.update(_set_keys(key, value, depth))
    return merged, logo_root, sources


def _set_keys(key: str, value: Any, depth: int) -> dict[str, int]:
    """The dotted token names one pack's ``brand.<key>`` sets (``color.primary``, ``typography.base.family``…)."""
    if key == "color" and isinstance(value, dict):
        out = {}
        for ck, cv in value.items():
            if ck == "palette" and isinstance(cv, dict):
                out.update({f"color.palette.{name}": depth for name in cv})
            else:
                out[f"color.{ck}"] = depth
        return out
    if key == "typography" and isinstance(value, dict):
        out = {}
        for role, fonts in value.items():
            if isinstance(fonts, dict):
                out.update({f"typography.{role}.{k}": depth for k in fonts})
            else:  # a bare name is the role's family
                out[f"typography.{role}.family"] = depth
        return out
    return {key: depth}


def _error(pack: Pack, path: str, message: str) -> TemplateError:
    return TemplateError(diagnostics=[Diagnostic(display_path(pack.root / "pack.yaml"), 1, 1, path, message)])


def load_brand(pack: Pack) -> Brand:
    """The pack's brand tokens, checked; a bad colour or logo is a TemplateError naming the key."""
    brand, roots, sources = _merged(pack)
    color = brand.get("color") or {}
    if not isinstance(color, dict):
        raise _error(pack, "brand.color", "must be a mapping")
    palette_raw = color.get("palette") or {}
    if not isinstance(palette_raw, dict):
        raise _error(pack, "brand.color.palette", "must be a mapping of names to colours")
    palette: dict[str, str] = {}
    for name in sorted(palette_raw):
        if not isinstance(name, str) or not _NAME.match(name):
            raise _error(pack, "brand.color.palette", f"'{name}' is not a colour name (a-z, 0-9, -)")
        palette[name] = _color(pack, f"brand.color.palette.{name}", palette_raw[name], {})

    colors = {}
    for token, fallback in COLOR_TOKENS.items():
        value = color.get(token)
        colors[token] = fallback if value is None else _color(pack, f"brand.color.{token}", value, palette)
        if isinstance(value, str) and value in palette and f"color.{token}" in sources:
            # "primary: navy" changes when a nearer pack redefines navy in the palette.
            named = sources.get(f"color.palette.{value}", sources[f"color.{token}"])
            sources[f"color.{token}"] = min(sources[f"color.{token}"], named)
    # Optional text colours on a brand colour (on_primary, on_at_risk…): unset, the formats pick black or
    # white, whichever passes WCAG contrast (outlookgen.packs.contrast.on_colour).
    for token in ON_TOKENS:
        if color.get(token) is not None:
            colors[token] = _color(pack, f"brand.color.{token}", color[token], palette)

    phases_raw = color.get("phases")
    if phases_raw is None:
        phases = DEFAULT_PHASES
    elif isinstance(phases_raw, list) and phases_raw:
        phases = tuple(_color(pack, f"brand.color.phases[{i}]", v, palette) for i, v in enumerate(phases_raw))
    else:
        raise _error(pack, "brand.color.phases", "must be a non-empty list of colours")

    logo = logo_small = None
    raw_logo = brand.get("logo")
    if raw_logo:
        root = roots.get("logo", pack.root)
        if isinstance(raw_logo, dict):
            large = raw_logo.get("large") or raw_logo.get("medium") or raw_logo.get("small")
            small = raw_logo.get("small") or large
        else:
            large = small = raw_logo
        logo = _logo(pack, large, root)
        logo_small = logo if small == large else _logo(pack, small, root)
    return Brand(
        logo_alt=_logo_alt(pack, raw_logo),
        colors=colors,
        phases=phases,
        palette=palette,
        logo=logo,
        logo_small=logo_small,
        typography=_typography(pack, brand.get("typography")),
        sources=sources,
    )


TYPOGRAPHY_ROLES = ("base", "headings", "monospace")
# A font name goes into CSS and Word XML: letters (any script), digits, spaces and - _ . only.
_FONT = re.compile(r"^[\w][\w .\-]{0,63}$")


def _typography(pack: Pack, raw: Any) -> dict[str, dict[str, str]]:
    """``brand.typography``: per role a Latin ``family`` and an ``east_asian`` family (both optional)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _error(pack, "brand.typography", "must be a mapping of base, headings, monospace")
    out: dict[str, dict[str, str]] = {}
    for role, value in raw.items():
        if role not in TYPOGRAPHY_ROLES:
            raise _error(pack, f"brand.typography.{role}", f"unknown role; use {', '.join(TYPOGRAPHY_ROLES)}")
        if isinstance(value, str):
            value = {"family": value}
        if not isinstance(value, dict):
            raise _error(pack, f"brand.typography.{role}", "must be {family: ..., east_asian: ...}")
        fonts = {}
        for key, name in value.items():
            if key not in ("family", "east_asian"):
                raise _error(pack, f"brand.typography.{role}.{key}", "unknown key; use family and east_asian")
            if not isinstance(name, str) or not _FONT.match(name.strip()):
                raise _error(pack, f"brand.typography.{role}.{key}", f"{name!r} is not a font name")
            fonts[key] = name.strip()
        out[role] = fonts
    return out


def _color(pack: Pack, path: str, value: Any, palette: dict[str, str]) -> str:
    if isinstance(value, str):
        if value in palette:
            return palette[value]
        if _HEX.match(value) or _KEYWORD.match(value):
            return value.lower()
    raise _error(pack, path, f"{value!r} is not a colour: use #rrggbb, a CSS colour name or a palette name")


def logo_alt_of(pack: Pack, locale: str) -> str | None:
    """The pack's ``brand.logo.alt`` for ``locale`` (checked), without reading any logo file.

    Every format's cover says the same: render/context.py words it once, and a
    Markdown-only build never opens the pack's images for it.
    """
    brand, _roots, _sources = _merged(pack)
    alt = _logo_alt(pack, brand.get("logo"))
    return alt.get(locale) or alt.get("*")


_MAX_ALT = 250


def _logo_alt(pack: Pack, raw: Any) -> dict[str, str]:
    """``brand.logo.alt``: one text, or one per locale (``{en: …, zh-CN: …}``)."""
    alt = raw.get("alt") if isinstance(raw, dict) else None
    if alt is None:
        return {}
    if isinstance(alt, str):
        alt = {"*": alt}
    if not isinstance(alt, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() and len(v) <= _MAX_ALT for k, v in alt.items()
    ):
        raise _error(
            pack, "brand.logo.alt", f"must be a text of at most {_MAX_ALT} characters, or one per locale (en: …)"
        )
    return {k: " ".join(v.split()) for k, v in alt.items()}


def _logo(pack: Pack, value: Any, root: Path) -> str:
    # Quarto allows {small, medium, large}; the document uses the largest given.
    if isinstance(value, dict):
        value = value.get("large") or value.get("medium") or value.get("small")
    if not isinstance(value, str):
        raise _error(pack, "brand.logo", "must be a file path relative to the pack")
    path = (root / value).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        raise _error(pack, "brand.logo", f"'{value}' is outside the pack folder") from None
    mime = _LOGO_TYPES.get(path.suffix.lower())
    if mime is None:
        raise _error(pack, "brand.logo", f"'{value}': use a .png, .jpg, .gif, .webp or .svg file")
    # A regular file only, read without blocking: a FIFO or /dev/zero named as the logo must not hang the build.
    try:
        data = read_regular(path, _MAX_LOGO)
    except PackFileError as exc:
        raise _error(pack, "brand.logo", f"'{value}' {exc}") from None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
