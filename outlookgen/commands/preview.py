"""``outlookgen preview``: serve the HTML outlook locally and repaint it in the browser on every save, until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, show
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack: a built-in name or a pack folder.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of labels and dates (overrides meta.locale).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to serve on; 0, or a port in use, picks a free one (and says which).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on. Anything but loopback lets other machines read the outlooks (a warning says so).",
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in the default browser; only print its URL.")
def preview(
    specs: tuple[Path, ...], pack: str | None, locale: str | None, port: int, host: str, no_browser: bool
) -> None:
    """Serve SPECS (or the project) as HTML pages and repaint them in the browser on every save.

    A spec that stops validating keeps its last good page, with its errors
    shown over it; the page links to the Word, PDF and Markdown of the
    current state. Several specs (or a project folder) get an index page.
    Needs the [watch] extra.
    """
    from outlookgen.project.preview import PreviewSettings, Reporter, serve

    settings = PreviewSettings(specs, pack, locale, host, port, open_browser=not no_browser)
    reporter = Reporter(info=click.echo, error=show)
    try:
        serve(
            settings, reporter, say=click.echo, warn=lambda text: click.echo(f"outlookgen: warning: {text}", err=True)
        )
    except OutlookgenError as exc:
        fail(exc)
    except KeyboardInterrupt:  # Ctrl-C while the first pages render: stopped as asked, not an error
        pass
