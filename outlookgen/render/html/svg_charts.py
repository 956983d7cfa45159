"""The budget charts' bars for the HTML page: one horizontal bar per budget row.

Each bar is a CSS box in its table cell, so labels and amounts stay HTML text
(they wrap, they are searchable, they print sharp) while the bar scales with
the page. A box, not an SVG: the bar only repeats the amount beside it, and a
tagged PDF keeps a box's background out of its structure tree, where an
inline SVG would be a Figure without alternative text. Only numbers and
checked brand colours go into the style, never spec text.
"""

from __future__ import annotations

from markupsafe import Markup


def bar(share: float, color: str) -> Markup:
    """A bar filling ``share`` percent (0–100) of its box, on a faint track."""
    share = max(0.0, min(100.0, share))
    # At least a sliver for any amount above zero, so a small line still shows.
    width = "0" if share == 0 else f"{max(share, 0.5):.1f}".removesuffix(".0")
    return Markup(
        f'<span class="bar" aria-hidden="true"><span style="width: {width}%; background: {color}"></span></span>'
    )
