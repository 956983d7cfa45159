"""``outlookgen validate``: schema and reference checks, every problem one line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from outlookgen.commands.common import NO_SPECS, fail, report
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: error lines on stderr; json: one JSON document on stdout; github: Actions annotations.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing for valid specs.")
def validate(specs: tuple[Path, ...], report_format: str, quiet: bool) -> None:
    """Check SPECS against the schema and the reference rules; print every problem.

    With no SPEC, checks the specs of the project's outlookgen.yaml.
    """
    from outlookgen.output.reporters import validation_json
    from outlookgen.project.build import BuildOptions, with_project
    from outlookgen.project.pipeline import validate_files

    try:
        chosen, _ = with_project(specs, BuildOptions())
    except OutlookgenError as exc:
        fail(exc)
    results = validate_files(chosen)
    if not results:
        fail(OutlookgenError(NO_SPECS))
    if report_format == "json":
        click.echo(validation_json(results), nl=False)
    else:
        for spec, problems in results:
            if problems:
                report(problems, report_format)
            elif not quiet and report_format == "text":
                click.echo(f"{spec}: valid")
    sys.exit(1 if any(problems for _, problems in results) else 0)
