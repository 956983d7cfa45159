"""``outlookgen ics``: milestones and review meetings as an iCalendar file."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, fail_on_system_error
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write the .ics file here (or into this folder) instead of stdout.",
)
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack whose labels name the events.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of event names (overrides meta.locale).")
def ics(spec: Path, output: Path | None, pack: str | None, locale: str | None) -> None:
    """Print SPEC's milestones and review meetings as an iCalendar (.ics) file (-o writes it)."""
    from outlookgen.project.calendar import calendar_bytes, write_calendar
    from outlookgen.project.faults import SYSTEM_ERRORS

    try:
        if output is None:
            click.echo(calendar_bytes(spec, pack=pack, locale=locale), nl=False)  # bytes: CRLF lines as they are
        else:
            click.echo(f"wrote {write_calendar(spec, output, pack=pack, locale=locale)}")
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
