"""``outlookgen init`` and ``outlookgen schema``: a starter spec, and the JSON Schema editors read."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("path", required=False, default="outlook.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--locale", type=click.Choice(LOCALES), default="en", show_default=True, help="Language of the starter spec."
)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, locale: str, force: bool) -> None:
    """Write a commented starter spec that validates and builds as it is.

    Also writes outlook.schema.json beside it, which the spec's first line
    points editors at for completion and checking.
    """
    from outlookgen.scaffold.spec import write_starter

    try:
        written = write_starter(path, locale, force=force)
    except OutlookgenError as exc:
        fail(exc)
    for output in written:
        click.echo(f"wrote {output}")
    click.echo(f"next: outlookgen build {path}")


@click.command()
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the schema to this file (or folder) instead."
)
def schema(output: Path | None) -> None:
    """Print the spec format's JSON Schema (for editors and other tools)."""
    from outlookgen.package_data import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
        return
    from outlookgen.scaffold.spec import write_schema

    try:
        click.echo(f"wrote {write_schema(output)}")
    except OutlookgenError as exc:
        fail(exc)
