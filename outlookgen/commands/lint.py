"""``outlookgen lint``: plan-quality findings, each with a rule code and a fix hint."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, NO_SPECS, fail, report
from outlookgen.errors import OutlookgenError


def _split_rules(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    from outlookgen.lint import UnknownSelector, resolve_selectors

    selectors = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    try:
        resolve_selectors(selectors)
    except UnknownSelector as exc:
        raise click.BadParameter(str(exc)) from None
    return selectors


@click.command()
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
@click.option(
    "--portfolio",
    is_flag=True,
    help="Also judge the specs together: a person past 100% across projects, two go-lives of one organisation"
    " in one week (OG610, OG710).",
)
def lint(
    specs: tuple[Path, ...],
    fail_on: str | None,
    report_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    lang: str | None,
    explain_rule: str | None,
    portfolio: bool,
) -> None:
    """Check SPECS for plan-quality pitfalls; every finding has a rule code and a fix hint.

    With no SPEC, lints the specs of the project's outlookgen.yaml. Rules are
    listed in docs/lint-rules.md; --explain CODE prints one.
    """
    from outlookgen.lint import UnknownSelector, explain

    if explain_rule:
        try:
            click.echo(explain(explain_rule, lang or "en"), nl=False)
        except UnknownSelector as exc:
            raise click.BadParameter(str(exc), param_hint="--explain") from None
        return
    from outlookgen.project.build import BuildOptions, with_project
    from outlookgen.project.lint import LintOptions, lint_files

    try:
        chosen, _ = with_project(specs, BuildOptions())
        result = lint_files(chosen, LintOptions(select=select, ignore=ignore, lang=lang, portfolio=portfolio))
    except OutlookgenError as exc:
        fail(exc)
    if not result.results:
        fail(OutlookgenError(NO_SPECS))
    _print(result, report_format)
    sys.exit(1 if result.fails(fail_on or result.config_fail_on or "error") else 0)


def _print(result, report_format: str) -> None:
    from outlookgen.output.reporters import as_github, as_text, lint_json

    if report_format == "json":
        click.echo(lint_json(result), nl=False)
    elif report_format == "github":
        click.echo(as_github([*result.problems, *result.findings]), nl=False)
    else:
        if result.problems:
            report(result.problems)
        click.echo(as_text(result.findings), nl=False)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(as_github(result.findings), nl=False)
        counts = result.counts()
        click.echo(
            f"{len(result.results)} spec(s) linted: {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['info']} info",
            err=True,
        )
