"""``outlookgen ics``: milestones and review meetings as an iCalendar file."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, fail_on_system_error
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="The .ics file (or a folder). Default: beside the spec."
)
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack whose labels name the events.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of event names (overrides meta.locale).")
def ics(spec: Path, output: Path | None, pack: str | None, locale: str | None) -> None:
    """Write SPEC's milestones and review meetings as an iCalendar (.ics) file."""
    from outlookgen.project.calendar import write_calendar
    from outlookgen.project.faults import SYSTEM_ERRORS

    try:
        click.echo(f"wrote {write_calendar(spec, output, pack=pack, locale=locale)}")
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
