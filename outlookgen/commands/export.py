"""``outlookgen export``: a spec as MS Project XML (MSPDI) or as the PMO's Excel workbook."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, fail_on_system_error
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["mspdi", "xlsx"]),
    required=True,
    help="mspdi: MS Project XML (opens in MS Project, ProjectLibre, MPXJ); xlsx: the PMO workbook.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="The file (or a folder). Default: beside the spec."
)
@click.option(
    "-t", "--template", "pack", metavar="PACK", help="Template pack whose colours and words the workbook uses."
)
@click.option("--locale", type=click.Choice(LOCALES), help="Language of the workbook (overrides meta.locale).")
def export(spec: Path, fmt: str, output: Path | None, pack: str | None, locale: str | None) -> None:
    """Write SPEC's plan for MS Project (-f mspdi) or Excel (-f xlsx); `outlookgen import` reads it back."""
    from outlookgen.project.exchange import export_plan
    from outlookgen.project.faults import SYSTEM_ERRORS

    try:
        click.echo(f"wrote {export_plan(spec, fmt, output, pack=pack, locale=locale)}")
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
