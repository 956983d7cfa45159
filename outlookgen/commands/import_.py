"""``outlookgen import``: an MS Project XML file, a workbook or a CSV into a spec, or its progress into one."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import fail, fail_on_system_error
from outlookgen.errors import OutlookgenError


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The new spec (or a folder).")
@click.option(
    "--update",
    "update",
    type=click.Path(path_type=Path),
    metavar="SPEC",
    help="Take progress and actual dates from FILE into SPEC instead, keeping its comments and order.",
)
def import_(file: Path, output: Path | None, update: Path | None) -> None:
    """Turn FILE (MS Project XML, .xlsx task sheet or CSV) into a spec, or update SPEC's progress from it."""
    from outlookgen.project.exchange import import_plan, update_spec_from
    from outlookgen.project.faults import SYSTEM_ERRORS

    if (output is None) == (update is None):
        raise click.UsageError("give -o NEW.yaml to write a new spec, or --update SPEC to update one")
    try:
        if update is not None:
            changes, unmatched = update_spec_from(file, update)
            for change in changes:
                click.echo(change.text())
            for name in unmatched:
                click.echo(f"not in the spec, left out: {name}", err=True)
            click.echo(f"updated {update}: {len(changes)} change(s)" if changes else f"{update}: nothing to update")
        else:
            path, count = import_plan(file, output)
            click.echo(f"wrote {path} ({count} tasks and milestones); check it with: outlookgen validate {path}")
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
