"""``outlookgen diff``: a semantic change report between two versions of a spec."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, report, show
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
@click.option(
    "--exit-code",
    is_flag=True,
    help="For CI, like diff(1): exit 1 when the plans differ, 0 when they do not, 2 on any error.",
)
def diff(
    old: Path, new: Path, fmt: str, output: Path | None, pack: str | None, locale: str | None, exit_code: bool
) -> None:
    """Report what changed from OLD to NEW: objectives, scope, schedule slips, owners, budget, risks, KPIs."""
    from outlookgen.output import files as writer
    from outlookgen.project.diff import diff_specs

    try:
        result = diff_specs(old, new, fmt=fmt, pack=pack, locale=locale)
        if output is not None:
            writer.refuse_overwriting_inputs(output, new, [(old, "the old spec"), (new, "the new spec")])
            writer.commit({output: result.report.encode("utf-8")})
    except OutlookgenError as exc:
        if not exit_code:
            fail(exc)
        # With --exit-code, 1 means "changed": an error must not read as one.
        show(exc)
        sys.exit(2)
    if result.warnings:
        report(result.warnings)
    if output is None:
        click.echo(result.report, nl=False)
    else:
        click.echo(f"wrote {output}")
    if exit_code and result.changed:
        sys.exit(1)
