"""``outlookgen diff``: what changed from one version of a spec to another, as text, Markdown or an HTML page."""

from __future__ import annotations

from typing import Any

from outlookgen.errors import printable
from outlookgen.project.pipeline import load_outlook

FORMATS = ("text", "md", "html")


def diff_report(old_path, new_path, *, fmt: str = "text", pack: str | None = None, locale: str | None = None) -> str:
    """Validate both specs and word what changed from the first to the second."""
    from outlookgen.model.compare import compare
    from outlookgen.packs import resolve_pack
    from outlookgen.render.changes import render_text, report_context

    old = load_outlook(old_path).outlook
    new = load_outlook(new_path).outlook
    chosen = resolve_pack(pack)
    locale = locale or new.meta.locale
    labels = chosen.labels(locale)
    context = report_context(compare(old, new), labels)
    if fmt == "md":
        from outlookgen.render.markdown import changes_report

        return changes_report(context, chosen, labels)
    if fmt == "html":
        from outlookgen.render.html import changes_page

        return changes_page(context, chosen, labels, locale)
    # The text report goes to a terminal, one line per change: a line break, ESC or
    # C1 control in a spec's text or a pack's label is shown escaped, never obeyed.
    return render_text(_terminal_safe(context), _terminal_safe(labels))


def _terminal_safe(value: Any) -> Any:
    """``value`` with every text in it passed through errors.printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _terminal_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_terminal_safe(v) for v in value]
    return value
