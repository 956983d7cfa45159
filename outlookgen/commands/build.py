"""``outlookgen build``: validate specs and write their documents."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, fail_on_system_error, split_formats
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    callback=split_formats,
    help="Output formats, comma-separated or repeated: md, html, docx, pdf (pdf needs the [pdf] extra)."
    " Default: md, html and docx.",
)
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write outputs into this folder instead of beside each spec.",
)
@click.option(
    "-t", "--template", "pack", metavar="PACK", help="Template pack: a built-in name or a folder with a pack.yaml."
)
@click.option("--locale", type=click.Choice(LOCALES), help="Language of labels and dates (overrides meta.locale).")
@click.option("--force", is_flag=True, help="Rebuild every output, even those that are up to date.")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 listing every output that is missing or out of date."
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Build this many specs at once (default: one per CPU).")
@click.option(
    "--lint-appendix", is_flag=True, help="Add the plan quality checklist (the lint findings) as the last appendix."
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Day the status view is for, YYYY-MM-DD (default: each spec's meta.date).",
)
@click.option(
    "--changes-since",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An older version of the spec: add a 'Changes since version X' section.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def build(
    specs: tuple[Path, ...],
    formats: tuple[str, ...],
    output_dir: Path | None,
    pack: str | None,
    locale: str | None,
    force: bool,
    check: bool,
    jobs: int | None,
    lint_appendix: bool,
    as_of,
    changes_since: Path | None,
    quiet: bool,
) -> None:
    """Validate SPECS and render them. A SPEC may be a folder: every spec below it is built.

    With no SPEC, builds the project described by the nearest outlookgen.yaml
    (or [tool.outlookgen] in pyproject.toml), whose settings also fill any
    option not given here. Outputs whose spec, fragments, pack and options
    have not changed since they were written are skipped (--force rebuilds).
    """
    from outlookgen.project.build import BuildOptions, with_project
    from outlookgen.project.build import build as run_build
    from outlookgen.project.faults import SYSTEM_ERRORS

    options = BuildOptions(
        formats=formats,
        output_dir=output_dir,
        pack=pack,
        locale=locale,
        force=force,
        check=check,
        jobs=jobs,
        lint_appendix=lint_appendix,
        as_of=as_of.date() if as_of else None,
        changes_since=changes_since,
    )
    started = time.perf_counter()
    with _Progress(enabled=not quiet) as progress:
        try:
            chosen, options = with_project(specs, options)
            result = run_build(chosen, options, progress=progress.update)
        except OutlookgenError as exc:
            progress.close()
            fail(exc)
        except SYSTEM_ERRORS as exc:
            progress.close()
            fail_on_system_error(exc)
    if quiet:
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    seconds = time.perf_counter() - started
    if check:
        checked = result.built_specs + result.skipped_specs
        click.echo(f"up to date: {checked} spec(s) checked in {seconds:.1f} s")
    elif result.built_specs + result.skipped_specs > 1 or result.skipped_specs:
        click.echo(
            f"built {result.built_specs}, skipped {result.skipped_specs} (up to date), failed 0 in {seconds:.1f} s"
        )


class _Progress:
    """A progress bar on stderr while several specs build — only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None

    def __enter__(self) -> _Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="building", file=sys.stderr, show_pos=True)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __exit__(self, *exc_info) -> None:
        self.close()
