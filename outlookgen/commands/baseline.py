"""``outlookgen baseline``: store a spec's planned dates as its baseline file (``plan.baseline.yaml``)."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import fail, fail_on_system_error
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The baseline file (or a folder). Default: beside the spec, plan.yaml → plan.baseline.yaml.",
)
def baseline(spec: Path, output: Path | None) -> None:
    """Store SPEC's planned dates as its baseline; documents then show the slip of every task and milestone."""
    from outlookgen.project.baseline import write_baseline
    from outlookgen.project.faults import SYSTEM_ERRORS

    try:
        path, tasks, milestones = write_baseline(spec, output)
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
    click.echo(f"wrote {path} ({tasks} tasks, {milestones} milestones)")
