"""Small inline SVG pictures for the HTML page: one horizontal bar per budget row.

Each bar is its own tiny SVG that stretches to its table cell, so labels and
amounts stay HTML text (they wrap, they are searchable, they print sharp)
while the picture scales with the page. Only numbers and checked brand
colours go into these SVGs, never spec text.
"""

from __future__ import annotations

from markupsafe import Markup


def bar(share: float, color: str) -> Markup:
    """A bar filling ``share`` percent (0–100) of its box, on a faint track."""
    share = max(0.0, min(100.0, share))
    # At least a sliver for any amount above zero, so a small line still shows.
    width = "0" if share == 0 else f"{max(share, 0.5):.1f}".removesuffix(".0")
    return Markup(
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">'
        '<rect width="100" height="10" fill="#eef1f4"/>'
        f'<rect width="{width}" height="10" fill="{color}"/></svg>'
    )
