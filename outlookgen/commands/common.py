"""What every command shares: reporting problems, exiting, and the options several commands take."""

from __future__ import annotations

import os
import sys

import click

from outlookgen.errors import OutlookgenError

LOCALES = ("en", "zh-CN")
NO_SPECS = "no spec files found (a spec is a .yaml file whose top level has 'outlook:')"


def report(diagnostics, report_format: str = "text") -> None:
    """Error lines on stderr; in GitHub Actions also annotations, so problems show on the pull request."""
    from outlookgen.output.reporters import as_github, as_text

    if report_format == "github":
        click.echo(as_github(diagnostics), nl=False)
        return
    click.echo(as_text(diagnostics), err=True, nl=False)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        click.echo(as_github(diagnostics), nl=False)


def show(exc: OutlookgenError) -> None:
    """A user's mistake as error lines on stderr."""
    from outlookgen.errors import one_line

    if exc.diagnostics:
        report(exc.diagnostics)
    else:
        # The message may quote a pack name, an extends: value or a file name: one line, escaped.
        click.echo(f"outlookgen: error: {one_line(str(exc))}", err=True)


def fail(exc: OutlookgenError) -> None:
    """Report a user's mistake as error lines on stderr and exit 1 — never a traceback."""
    from outlookgen.project.build import NoProject

    if isinstance(exc, NoProject):
        raise click.UsageError(str(exc))  # exit 2: the command line is what is wrong
    show(exc)
    sys.exit(1)


def fail_on_system_error(exc: BaseException) -> None:
    """A file the system refuses or memory it cannot give, as one error line and exit 1: not a bug."""
    from outlookgen.project.faults import system_error

    fail(system_error(exc))


def split_formats(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    """-f md,html -f docx → ("md", "html", "docx"); an unknown name is a usage error."""
    from outlookgen.render.registry import ALIASES, FORMATS

    formats: list[str] = []
    for value in values:
        for fmt in value.split(","):
            fmt = fmt.strip().lower()
            fmt = ALIASES.get(fmt, fmt)
            if fmt not in FORMATS:
                raise click.BadParameter(f"'{fmt}' is not a format; choose from {', '.join(FORMATS)}")
            formats.append(fmt)
    return tuple(formats)
