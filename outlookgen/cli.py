"""The command line: options in, one API call, exit code out (0 done, 1 input wrong, 2 usage wrong)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from outlookgen import __version__
from outlookgen.errors import OutlookgenError

LOCALES = ("en", "zh-CN")


def _report(diagnostics, report_format: str = "text") -> None:
    """Error lines on stderr; in GitHub Actions also annotations, so problems show on the pull request."""
    from outlookgen.report import as_github, as_text

    if report_format == "github":
        click.echo(as_github(diagnostics), nl=False)
        return
    click.echo(as_text(diagnostics), err=True, nl=False)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        click.echo(as_github(diagnostics), nl=False)


def _show(exc: OutlookgenError) -> None:
    """A user's mistake as error lines on stderr."""
    from outlookgen.errors import one_line

    if exc.diagnostics:
        _report(exc.diagnostics)
    else:
        # The message may quote a pack name, an extends: value or a file name: one line, escaped.
        click.echo(f"outlookgen: error: {one_line(str(exc))}", err=True)


def _fail(exc: OutlookgenError) -> None:
    """Report a user's mistake as error lines on stderr and exit 1 — never a traceback."""
    from outlookgen.build import NoProject

    if isinstance(exc, NoProject):
        raise click.UsageError(str(exc))  # exit 2: the command line is what is wrong
    _show(exc)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="outlookgen")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Turn an implementation-outlook spec (YAML) into Markdown, HTML and Word documents."""
    if ctx.invoked_subcommand is None:
        # No command is a command-line mistake (exit 2) on every click version;
        # click before 8.2 would show the help and exit 0.
        click.echo(ctx.get_help(), err=True)
        ctx.exit(2)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
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
    import time

    from outlookgen.build import SYSTEM_ERRORS, BuildOptions, system_error, with_project
    from outlookgen.build import build as run_build

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
            _fail(exc)
        except SYSTEM_ERRORS as exc:  # a file the system refuses, memory it cannot give: not a bug
            progress.close()
            _fail(system_error(exc))
    if quiet:
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    seconds = time.perf_counter() - started
    if check:
        click.echo(f"up to date: {result.built_specs} spec(s) checked in {seconds:.1f} s")
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


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: error lines on stderr; json: one JSON document on stdout; github: Actions annotations.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing for valid specs.")
def validate(specs: tuple[Path, ...], report_format: str, quiet: bool) -> None:
    """Check SPECS against the schema and the reference rules; print every problem.

    With no SPEC, checks the specs of the project's outlookgen.yaml.
    """
    import json

    from outlookgen.build import BuildOptions, validate_files, with_project

    try:
        chosen, _ = with_project(specs, BuildOptions())
    except OutlookgenError as exc:
        _fail(exc)
    results = validate_files(chosen)
    if not results:
        _fail(OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')"))
    failed = any(problems for _, problems in results)
    if report_format == "json":
        from dataclasses import asdict

        document = [
            {"file": str(spec), "valid": not problems, "problems": [asdict(p) for p in problems]}
            for spec, problems in results
        ]
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for spec, problems in results:
            if problems:
                _report(problems, report_format)
            elif not quiet and report_format == "text":
                click.echo(f"{spec}: valid")
    sys.exit(1 if failed else 0)


def _split_rules(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    from outlookgen.lint import UnknownSelector, resolve_selectors

    selectors = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    try:
        resolve_selectors(selectors)
    except UnknownSelector as exc:
        raise click.BadParameter(str(exc)) from None
    return selectors


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Exit 1 when a finding is at least this severe. Default: the project config's, else error.",
)
@click.option(
    "--format",
    "report_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: finding lines on stdout; json: one JSON document; github: Actions annotations.",
)
@click.option(
    "--select",
    multiple=True,
    callback=_split_rules,
    metavar="CODES",
    help="Only these rules (codes, names or prefixes such as OG3; comma-separated).",
)
@click.option(
    "--ignore",
    multiple=True,
    callback=_split_rules,
    metavar="CODES",
    help="Skip these rules (codes, names or prefixes; comma-separated).",
)
@click.option("--lang", type=click.Choice(LOCALES), help="Language of the messages (default: each spec's meta.locale).")
@click.option("--explain", "explain_rule", metavar="CODE", help="Print what a rule checks and why, then exit.")
def lint(
    specs: tuple[Path, ...],
    fail_on: str | None,
    report_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    lang: str | None,
    explain_rule: str | None,
) -> None:
    """Check SPECS for plan-quality pitfalls; every finding has a rule code and a fix hint.

    With no SPEC, lints the specs of the project's outlookgen.yaml. Rules are
    listed in docs/lint-rules.md; --explain CODE prints one.
    """
    from outlookgen.lint import LintOptions, UnknownSelector, explain, lint_files

    if explain_rule:
        try:
            click.echo(explain(explain_rule, lang or "en"), nl=False)
        except UnknownSelector as exc:
            raise click.BadParameter(str(exc), param_hint="--explain") from None
        return
    from outlookgen.build import BuildOptions, with_project

    try:
        chosen, _ = with_project(specs, BuildOptions())
        report = lint_files(chosen, LintOptions(select=select, ignore=ignore, lang=lang))
    except OutlookgenError as exc:
        _fail(exc)
    if not report.results:
        _fail(OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')"))
    _print_lint(report, report_format)
    sys.exit(1 if report.fails(fail_on or report.config_fail_on or "error") else 0)


def _print_lint(report, report_format: str) -> None:
    from outlookgen.report import as_github, as_text, lint_json

    if report_format == "json":
        click.echo(lint_json(report), nl=False)
    elif report_format == "github":
        click.echo(as_github([*report.problems, *report.findings]), nl=False)
    else:
        if report.problems:
            _report(report.problems)
        click.echo(as_text(report.findings), nl=False)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(as_github(report.findings), nl=False)
        counts = report.counts()
        click.echo(
            f"{len(report.results)} spec(s) linted: {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['info']} info",
            err=True,
        )


@main.command()
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
    from outlookgen.starter import write_starter

    try:
        written = write_starter(path, locale, force=force)
    except OutlookgenError as exc:
        _fail(exc)
    for output in written:
        click.echo(f"wrote {output}")
    click.echo(f"next: outlookgen build {path}")


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f", "--format", "formats", multiple=True, callback=_split_formats, help="Output formats (as for build)."
)
@click.option("-o", "--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack: a built-in name or a pack folder.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of labels and dates (overrides meta.locale).")
def watch(
    specs: tuple[Path, ...], formats: tuple[str, ...], output_dir: Path | None, pack: str | None, locale: str | None
) -> None:
    """Build SPECS (or the project), then rebuild on every save until Ctrl-C."""
    from outlookgen import watch as watching
    from outlookgen.build import BuildOptions, with_project
    from outlookgen.build import build as run_build
    from outlookgen.config import find_config
    from outlookgen.packs import resolve_pack

    try:
        watching.require_watchfiles()
        chosen, options = with_project(
            specs, BuildOptions(formats=formats, output_dir=output_dir, pack=pack, locale=locale)
        )
        roots = [p.root for p in resolve_pack(options.pack).chain()]
    except OutlookgenError as exc:
        _fail(exc)
    folders = watching.watched_folders([Path(s) for s in chosen], roots, find_config())

    def rebuild() -> None:
        result = run_build(chosen, options)
        for path in result.written:
            click.echo(f"wrote {path}")
        click.echo(f"built {result.built_specs}, skipped {result.skipped_specs}; watching for changes (Ctrl-C stops)")

    ignore = [options.output_dir] if options.output_dir else []
    try:
        watching.watch(rebuild, _show, folders, ignore=ignore)
    except OutlookgenError as exc:  # watching itself cannot start (the system's limit on watches)
        _fail(exc)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here instead of stdout."
)
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack (labels and layout).")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of the report (default: the new spec's).")
def diff(old: Path, new: Path, fmt: str, output: Path | None, pack: str | None, locale: str | None) -> None:
    """Report what changed from OLD to NEW: objectives, scope, schedule slips, owners, budget, risks, KPIs."""
    from outlookgen.diff import diff_files

    try:
        report = diff_files(old, new, fmt=fmt, pack=pack, locale=locale)
        if output is not None:
            from outlookgen import writer

            writer.refuse_overwriting_inputs(output, new, [(old, "the old spec"), (new, "the new spec")])
            writer.commit({output: report.encode("utf-8")})
    except OutlookgenError as exc:
        _fail(exc)
    if output is None:
        click.echo(report, nl=False)
    else:
        click.echo(f"wrote {output}")


@main.command()
@click.argument("spec", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="The .ics file (or a folder). Default: beside the spec."
)
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack whose labels name the events.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of event names (overrides meta.locale).")
def ics(spec: Path, output: Path | None, pack: str | None, locale: str | None) -> None:
    """Write SPEC's milestones and review meetings as an iCalendar (.ics) file."""
    from outlookgen.build import SYSTEM_ERRORS, system_error
    from outlookgen.ics import write_calendar

    try:
        click.echo(f"wrote {write_calendar(spec, output, pack=pack, locale=locale)}")
    except OutlookgenError as exc:
        _fail(exc)
    except SYSTEM_ERRORS as exc:  # a file the system refuses, memory it cannot give: not a bug
        _fail(system_error(exc))


@main.command()
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write the schema to this file (or folder) instead."
)
def schema(output: Path | None) -> None:
    """Print the spec format's JSON Schema (for editors and other tools)."""
    from outlookgen.resources import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
        return
    from outlookgen.starter import write_schema

    try:
        click.echo(f"wrote {write_schema(output)}")
    except OutlookgenError as exc:
        _fail(exc)


@main.group()
def templates() -> None:
    """Template packs: list them, scaffold a firm's own, check one."""


@templates.command("list")
def templates_list() -> None:
    """Show every pack outlookgen can find by name: built-in and installed ones."""
    from outlookgen.packs import known_packs, resolve_pack

    try:
        rows = []
        for name, _, origin in known_packs():
            pack = resolve_pack(name)
            rows.append((name, pack.version or "-", origin, pack.parent.name if pack.parent else "-", pack.description))
    except OutlookgenError as exc:
        _fail(exc)
    widths = [max(len(r[i]) for r in [("name", "version", "origin", "extends", ""), *rows]) for i in range(4)]
    header = ("name", "version", "origin", "extends", "description")
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])


@templates.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def templates_new(folder: Path) -> None:
    """Scaffold a pack in FOLDER that extends default, with commented examples of every override."""
    from outlookgen.scaffold import new_pack

    try:
        written = new_pack(folder)
    except OutlookgenError as exc:
        _fail(exc)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: outlookgen templates check {folder}")


@templates.command("check")
@click.argument("pack")
def templates_check(pack: str) -> None:
    """Report problems in PACK (a name or a folder): templates, blocks, labels, brand, reference.docx."""
    from outlookgen.packcheck import check_pack

    problems = check_pack(pack)
    if problems:
        _report(problems)
        sys.exit(1)
    click.echo(f"{pack}: no problems found")
