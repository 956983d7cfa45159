"""``outlookgen absorb``: the edits and comments of a reviewed Word file, as a spec diff (or into the spec)."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import fail, fail_on_system_error, report
from outlookgen.errors import OutlookgenError


@click.command("absorb")
@click.argument("reviewed", metavar="REVIEWED.docx", type=click.Path(path_type=Path))
@click.argument("spec", metavar="SPEC", type=click.Path(path_type=Path))
@click.option("--write", is_flag=True, help="Apply the changes to SPEC and record the comments in its review: list.")
@click.option(
    "--base",
    metavar="REF",
    help="The git commit the document was built from, when SPEC has changed since: the review is merged three ways.",
)
def absorb(reviewed: Path, spec: Path, write: bool, base: str | None) -> None:
    """Read the tracked changes, edits and comments of REVIEWED.docx back into SPEC (a diff unless --write)."""
    from outlookgen.project.faults import SYSTEM_ERRORS
    from outlookgen.project.review import absorb as run

    try:
        result = run(reviewed, spec, write=write, base=base)
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
    if result.warnings:
        report(result.warnings)
    if result.diff:
        click.echo(result.diff, nl=False)
    if result.comments:
        click.echo("comments:")
        for c in result.comments:
            state = " [resolved]" if c.resolved else ""
            click.echo(f"  {c.path or '(document)'}: {c.author} ({c.date}){state}: {' '.join(c.text.split())}")
            for reply in c.replies:
                click.echo(
                    f"    reply: {reply.get('author', '')} ({reply.get('date', '')}): {' '.join(reply.get('text', '').split())}"
                )
    if not result.changes and not result.comments:
        click.echo("no changes")
    elif result.written:
        click.echo(f"updated {spec}: {result.changes} change(s), {len(result.comments)} comment(s)")
    else:
        click.echo(f"{result.changes} change(s), {len(result.comments)} comment(s)")
