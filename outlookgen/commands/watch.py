"""``outlookgen watch``: build, then rebuild on every save until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, show, split_formats
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, callback=split_formats, help="Output formats (as for build).")
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack: a built-in name or a pack folder.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of labels and dates (overrides meta.locale).")
def watch(
    specs: tuple[Path, ...], formats: tuple[str, ...], output_dir: Path | None, pack: str | None, locale: str | None
) -> None:
    """Build SPECS (or the project), then rebuild on every save until Ctrl-C."""
    from outlookgen.packs import resolve_pack
    from outlookgen.project import watch as watching
    from outlookgen.project.build import BuildOptions, with_project
    from outlookgen.project.build import build as run_build
    from outlookgen.project.config import find_config

    try:
        watching.require_watchfiles()
        chosen, options = with_project(
            specs, BuildOptions(formats=formats, output_dir=output_dir, pack=pack, locale=locale)
        )
        roots = [p.root for p in resolve_pack(options.pack).chain()]
    except OutlookgenError as exc:
        fail(exc)
    folders = watching.watched_folders([Path(s) for s in chosen], roots, find_config())

    def rebuild() -> None:
        result = run_build(chosen, options)
        for path in result.written:
            click.echo(f"wrote {path}")
        click.echo(f"built {result.built_specs}, skipped {result.skipped_specs}; watching for changes (Ctrl-C stops)")

    ignore = [options.output_dir] if options.output_dir else []
    try:
        watching.watch(rebuild, show, folders, ignore=ignore)
    except OutlookgenError as exc:  # watching itself cannot start (the system's limit on watches)
        fail(exc)
