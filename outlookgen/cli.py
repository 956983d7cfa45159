"""The command line: options in, one API call, exit code out (0 done, 1 input wrong, 2 usage wrong)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from outlookgen import __version__
from outlookgen.errors import OutlookgenError

LOCALES = ("en", "zh-CN")


def _fail(exc: OutlookgenError) -> None:
    """Report a user's mistake as error lines on stderr and exit 1 — never a traceback."""
    if exc.diagnostics:
        from outlookgen.report import as_text

        click.echo(as_text(exc.diagnostics), err=True, nl=False)
    else:
        click.echo(f"outlookgen: error: {exc}", err=True)
    sys.exit(1)


def _split_formats(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    from outlookgen.build import FORMATS

    formats: list[str] = []
    for value in values:
        for fmt in value.split(","):
            fmt = fmt.strip().lower()
            if fmt == "markdown":
                fmt = "md"
            if fmt not in FORMATS:
                raise click.BadParameter(f"'{fmt}' is not a format; choose from {', '.join(FORMATS)}")
            formats.append(fmt)
    return tuple(formats)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="outlookgen")
def main() -> None:
    """Turn an implementation-outlook spec (YAML) into Markdown, HTML and Word documents."""


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    callback=_split_formats,
    help="Output formats, comma-separated or repeated: md, html, docx. Default: every available format.",
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
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing every output that is missing or out of date.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Build this many specs at once (default: one per CPU).")
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
    quiet: bool,
) -> None:
    """Validate SPECS and render them. A SPEC may be a folder: every spec below it is built.

    Outputs whose spec, fragments, pack and options have not changed since
    they were written are skipped (--force rebuilds them).
    """
    import time

    from outlookgen.build import BuildOptions
    from outlookgen.build import build as run_build

    options = BuildOptions(
        formats=formats, output_dir=output_dir, pack=pack, locale=locale, force=force, check=check, jobs=jobs
    )
    started = time.perf_counter()
    with _Progress(enabled=not quiet) as progress:
        try:
            result = run_build(specs, options, progress=progress.update)
        except OutlookgenError as exc:
            progress.close()
            _fail(exc)
    if quiet:
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    seconds = time.perf_counter() - started
    if check:
        click.echo(f"up to date: {result.built_specs} spec(s) checked in {seconds:.1f} s")
    elif result.built_specs + result.skipped_specs > 1 or result.skipped_specs:
        click.echo(f"built {result.built_specs}, skipped {result.skipped_specs} (up to date), failed 0 in {seconds:.1f} s")


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


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Print nothing for valid specs.")
def validate(specs: tuple[Path, ...], quiet: bool) -> None:
    """Check SPECS against the schema and the reference rules; print every problem."""
    from outlookgen.build import validate_files
    from outlookgen.report import as_text

    results = validate_files(specs)
    if not results:
        _fail(OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')"))
    failed = False
    for spec, problems in results:
        if problems:
            failed = True
            click.echo(as_text(problems), err=True, nl=False)
        elif not quiet:
            click.echo(f"{spec}: valid")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("path", required=False, default="outlook.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--locale", type=click.Choice(LOCALES), default="en", show_default=True, help="Language of the starter spec."
)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, locale: str, force: bool) -> None:
    """Write a commented starter spec that validates and builds as it is."""
    from outlookgen.starter import write_starter

    try:
        write_starter(path, locale, force=force)
    except OutlookgenError as exc:
        _fail(exc)
    click.echo(f"wrote {path}; next: outlookgen build {path}")


@main.command()
def schema() -> None:
    """Print the spec format's JSON Schema (for editors and other tools)."""
    from outlookgen.resources import schema_text

    click.echo(schema_text(), nl=False)
