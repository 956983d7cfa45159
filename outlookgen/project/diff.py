"""``outlookgen diff``: what changed from one version of a spec to another, as text, Markdown or an HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outlookgen.errors import Diagnostic, printable
from outlookgen.project.pipeline import load_outlook

FORMATS = ("text", "md", "html")


@dataclass(frozen=True)
class DiffResult:
    """The worded report, whether anything changed (for ``--exit-code``), and warnings for stderr."""

    report: str
    changed: bool
    warnings: tuple[Diagnostic, ...] = ()


def diff_specs(
    old_path, new_path, *, fmt: str = "text", pack: str | None = None, locale: str | None = None
) -> DiffResult:
    """Validate both specs, word what changed, and warn when they look like two different plans."""
    from outlookgen.model.compare import compare
    from outlookgen.packs import resolve_pack
    from outlookgen.render.changes import render_text, report_context

    old = load_outlook(old_path).outlook
    new = load_outlook(new_path).outlook
    chosen = resolve_pack(pack)
    locale = locale or new.meta.locale
    labels = chosen.labels(locale)
    typed = compare(old, new)
    context = report_context(typed, labels)
    if fmt == "md":
        from outlookgen.render.markdown import changes_report

        report = changes_report(context, chosen, labels)
    elif fmt == "html":
        from outlookgen.render.html import changes_page

        report = changes_page(context, chosen, labels, locale)
    else:
        # The text report goes to a terminal, one line per change: a line break, ESC or
        # C1 control in a spec's text or a pack's label is shown escaped, never obeyed.
        report = render_text(_terminal_safe(context), _terminal_safe(labels))
    return DiffResult(report, bool(typed.changes), _unrelated_warning(typed, old_path, new_path))


def _unrelated_warning(typed, old_path, new_path) -> tuple[Diagnostic, ...]:
    """A warning when the two specs share almost no ids: the report pairs nothing, so every item is "changed"."""
    if not typed.looks_unrelated:
        return ()
    message = (
        f"{old_path} and {new_path} share {typed.shared_ids} of {min(typed.old_ids, typed.new_ids)} ids"
        f" ({typed.shared_share:.0%}): they look like different plans, not two versions of one"
        " (the report matches objectives, scope, tasks, milestones, risks and KPIs by id)"
    )
    return (Diagnostic(str(new_path), 1, 1, "$", message, severity="warning"),)


def _terminal_safe(value: Any) -> Any:
    """``value`` with every text in it passed through errors.printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _terminal_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_terminal_safe(v) for v in value]
    return value
