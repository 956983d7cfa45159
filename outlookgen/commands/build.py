"""``outlookgen build``: validate specs and write their documents."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, fail_on_system_error, split_formats
from outlookgen.errors import OutlookgenError


def _shard(_ctx, _param, value: str | None) -> str | None:
    """K/N checked on the command line: a malformed value is a usage error (exit 2)."""
    if value is not None:
        from outlookgen.project.shards import Shard

        try:
            Shard.parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


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
@click.option(
    "--layout",
    type=click.Choice(["flat", "tree"]),
    help="With -o: flat puts every document straight in the folder; tree keeps each spec's folder below it"
    " (default: the project's outputs.layout, else flat).",
)
@click.option(
    "--shard",
    metavar="K/N",
    callback=_shard,
    help="Build only job K's share of N (a CI matrix); N jobs together build every spec exactly once.",
)
@click.option(
    "--shard-by",
    type=click.Choice(["name", "tasks", "time"]),
    default="name",
    show_default=True,
    help="Split by a digest of each spec's project-relative path, or deal specs out balanced by task count,"
    " or by the seconds each took last time (--shard-timings).",
)
@click.option(
    "--shard-timings",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="REPORT",
    help="With --shard-by time: a build report (build --report, or outlookgen merge) of an earlier build;"
    " every job of the matrix must be given the same one.",
)
@click.option(
    "--affected-since",
    metavar="REF",
    help="Build only specs whose spec, fragments, pack or config changed since this git ref (its merge base).",
)
@click.option(
    "--touched",
    is_flag=True,
    help="SPECS are changed files (what pre-commit passes): build only the project's specs they touch.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON record per spec here (inputs digest, outputs, time, findings); see outlookgen merge.",
)
@click.option(
    "--toc-pages",
    is_flag=True,
    help="Page numbers in the Word contents, from LibreOffice's layout (needs soffice and pdfinfo).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) when the pack's brand colours fail WCAG 2.1 AA text contrast (A11Y101) instead of warning.",
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
    layout: str | None,
    shard: str | None,
    shard_by: str,
    shard_timings: Path | None,
    affected_since: str | None,
    touched: bool,
    report: Path | None,
    toc_pages: bool,
    strict: bool,
    quiet: bool,
) -> None:
    """Validate SPECS and render them. A SPEC may be a folder: every spec below it is built.

    With no SPEC, builds the project described by the nearest outlookgen.yaml
    (or [tool.outlookgen] in pyproject.toml), whose settings also fill any
    option not given here. Outputs whose spec, fragments, pack and options
    have not changed since they were written are skipped (--force rebuilds).
    """
    from outlookgen.project.build import BuildOptions, Scope, with_project
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
        layout=layout,
        toc_pages=toc_pages,
        strict=strict,
    )
    if (shard_by == "time") != (shard_timings is not None):
        raise click.UsageError("--shard-by time and --shard-timings REPORT go together")
    if shard_timings is not None and shard is None:
        raise click.UsageError("--shard-timings is for a sharded build: give --shard K/N too")
    started = time.perf_counter()
    with _Progress(enabled=not quiet) as progress:
        try:
            timings = None
            if shard_timings is not None:
                from outlookgen.project.shards import read_timings

                timings = read_timings(shard_timings)
            if timings is not None and timings.missing:
                from outlookgen.commands.common import report as print_lines
                from outlookgen.errors import Diagnostic

                message = "no such report yet: specs are dealt by their estimated work, as --shard-by tasks does"
                print_lines([Diagnostic(str(shard_timings), 1, 1, "$", message, severity="warning")])
            if shard:
                from outlookgen.project.shards import Shard
            scope = Scope(
                shard=Shard.parse(shard, shard_by, timings) if shard else None,
                affected_since=affected_since,
                touched=specs if touched else None,
                report=report,
            )
            # --touched: the names are changed files; the project's specs are what may be built.
            chosen, options = with_project(() if touched else specs, options)
            result = run_build(chosen, options, progress=progress.update, scope=scope)
        except OutlookgenError as exc:
            progress.close()
            fail(exc)
        except SYSTEM_ERRORS as exc:
            progress.close()
            fail_on_system_error(exc)
    if result.warnings:  # warning lines on stderr, even with -q; the build succeeded (exit 0)
        from outlookgen.commands.common import report as print_lines

        print_lines(result.warnings)
    if quiet:
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    seconds = time.perf_counter() - started
    narrowed = _narrowed(scope, result)
    if check:
        checked = result.built_specs + result.skipped_specs
        click.echo(f"up to date: {checked} spec(s) checked{narrowed} in {seconds:.1f} s")
    elif result.built_specs + result.skipped_specs > 1 or result.skipped_specs or narrowed:
        click.echo(
            f"built {result.built_specs}, skipped {result.skipped_specs} (up to date), failed 0{narrowed}"
            f" in {seconds:.1f} s"
        )


def _narrowed(scope, result) -> str:
    """ ", shard 2/4 of 1000 specs": what the summary line adds when a run built only part of the project."""
    parts = []
    if scope.shard is not None:
        parts.append(f"shard {scope.shard}")
    if scope.affected_since is not None or scope.touched is not None:
        parts.append("affected by the change")
    if not parts:
        return ""
    return f" ({', '.join(parts)}: {result.selected_specs} of {result.project_specs} specs)"


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
