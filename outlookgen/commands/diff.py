"""``outlookgen diff``: a semantic change report between two versions of a spec."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here instead of stdout."
)
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack (labels and layout).")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of the report (default: the new spec's).")
def diff(old: Path, new: Path, fmt: str, output: Path | None, pack: str | None, locale: str | None) -> None:
    """Report what changed from OLD to NEW: objectives, scope, schedule slips, owners, budget, risks, KPIs."""
    from outlookgen.output import files as writer
    from outlookgen.project.diff import diff_report

    try:
        report = diff_report(old, new, fmt=fmt, pack=pack, locale=locale)
        if output is not None:
            writer.refuse_overwriting_inputs(output, new, [(old, "the old spec"), (new, "the new spec")])
            writer.commit({output: report.encode("utf-8")})
    except OutlookgenError as exc:
        fail(exc)
    if output is None:
        click.echo(report, nl=False)
    else:
        click.echo(f"wrote {output}")
