"""One spec as it is on disk now: its HTML page (the bytes ``outlookgen build -f html`` writes), or its problems;
then its lint findings; the source line of each problem.

Nothing here raises for what a save can leave behind: a half-written or empty
file, a YAML syntax error, a broken template, a file the system refuses, a
bug — each becomes problems, and the preview keeps the last good page.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from outlookgen.errors import Diagnostic, OutlookgenError, SpecError
from outlookgen.project.faults import SYSTEM_ERRORS, internal_error, system_error
from outlookgen.project.lint import LintOptions
from outlookgen.project.pipeline import BuildOptions

# A source line is shown only from a file this big at most, cut to this many characters.
_MAX_SOURCE_FILE = 5 * 1024 * 1024
_MAX_SOURCE_LINE = 400
_SOURCE_SUFFIXES = (".yaml", ".yml", ".toml", ".j2", ".css")


@dataclass(frozen=True)
class Problem:
    """One error as the terminal prints it, with the line of the file it points at."""

    text: str  # the terminal's line: ``plan.yaml:42:7: error: path: message`` or ``outlookgen: error: message``
    line: int = 0  # 0: no place in a file
    column: int = 0
    source: str = ""  # that line of the file ("" when it cannot or may not be shown)

    def as_json(self) -> dict:
        return {"text": self.text, "line": self.line, "column": self.column, "source": self.source}


@dataclass(frozen=True)
class Rendered:
    """What rendering one spec gave: ``payload`` and no problems, or problems and no payload."""

    spec: Path
    payload: bytes | None = None
    dependencies: tuple[str, ...] = ()  # the fragments read (their real paths)
    problems: tuple[Problem, ...] = ()
    error: OutlookgenError | None = None  # the problems as the terminal reports them


@dataclass(frozen=True)
class Linted:
    """What the linter says of a spec that rendered, worded as ``outlookgen lint`` prints it."""

    title: str = ""
    locale: str = "en"
    findings: tuple[Problem, ...] = ()  # lint findings (and x-lint or config problems)
    codes: tuple[str, ...] = ()  # the rule code of each finding ("" for a problem)


def render(spec: Path, fmt: str, options: BuildOptions, readable: Iterable[str]) -> Rendered:
    """Render ``spec`` in one format as ``outlookgen build`` does (``pipeline.build_spec``).

    ``readable`` names the files (besides the spec and its fragments) whose
    lines an error may quote: the project configuration and the pack's files.
    """
    from outlookgen.project.pipeline import build_spec

    try:
        outcome = build_spec(spec, (fmt,), options)
    except SYSTEM_ERRORS as exc:
        return failed(spec, system_error(exc), readable)
    except Exception as exc:  # a bug: reported on the page and in the terminal, and the preview goes on
        return failed(spec, internal_error(exc), readable)
    if outcome.problems:
        return failed(spec, SpecError(diagnostics=outcome.problems), readable, outcome.dependencies)
    dependencies = tuple(os.path.realpath(d) for d in outcome.dependencies)
    return Rendered(spec, payload=outcome.outputs[fmt], dependencies=dependencies)


def lint(rendered: Rendered, options: BuildOptions, lint_options: LintOptions, readable: Iterable[str]) -> Linted:
    """The title, locale and lint findings of a spec that rendered (loading it again costs little: the
    valid verdict is remembered); a spec saved broken since the render gets its problems instead."""
    from outlookgen.project.pipeline import load_outlook

    quotable = [str(rendered.spec), *rendered.dependencies, *readable]
    try:
        loaded = load_outlook(rendered.spec)
        findings, codes = _lint(loaded, lint_options, quotable)
        locale = options.locale or loaded.outlook.meta.locale
        return Linted(str(loaded.outlook.meta.title), locale, findings, codes)
    except OutlookgenError as exc:  # saved again since the render: the next refresh renders it again
        problems = problems_of(exc, quotable)
    except SYSTEM_ERRORS as exc:
        problems = problems_of(system_error(exc), ())
    except Exception as exc:
        problems = problems_of(internal_error(exc), ())
    return Linted(locale=options.locale or "en", findings=problems, codes=("",) * len(problems))


def failed(spec: Path, error: OutlookgenError, readable: Iterable[str], dependencies: Sequence[str] = ()) -> Rendered:
    """A spec that did not render: its problems, each with its source line when the file may be quoted."""
    quotable = [str(spec), *dependencies, *readable]
    # A fragment with an error is a dependency too, even before the spec renders once.
    named = tuple(os.path.realpath(d.file) for d in error.diagnostics if d.file and _exists(d.file))
    return Rendered(
        spec,
        dependencies=tuple(dict.fromkeys((*map(os.path.realpath, dependencies), *named))),
        problems=problems_of(error, quotable),
        error=error,
    )


def _lint(loaded, options: LintOptions, quotable: Sequence[str]) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """The findings ``outlookgen lint`` reports for this spec, with the project's and the spec's settings."""
    from outlookgen.lint import Finding, all_rules, lint_spec, spec_settings
    from outlookgen.project.lint import config_lint

    config = config_lint(options)
    disabled, settings_problems = spec_settings(loaded.spec)
    enabled = frozenset(r.code for r in all_rules()) - disabled - config.disable
    findings = lint_spec(loaded.spec, outlook=loaded.outlook, lang=options.lang, enabled=enabled)
    diagnostics: list[Diagnostic] = [*config.problems, *settings_problems, *findings]
    problems = tuple(_problem(d, quotable) for d in diagnostics)
    return problems, tuple(d.code if isinstance(d, Finding) else "" for d in diagnostics)


def problems_of(error: OutlookgenError, quotable: Iterable[str]) -> tuple[Problem, ...]:
    """An error as the lines the terminal prints, each with its source line where it may be quoted."""
    from outlookgen.errors import one_line

    if not error.diagnostics:
        return (Problem(f"outlookgen: error: {one_line(str(error))}"),)
    quotable = list(quotable)
    return tuple(_problem(d, quotable) for d in error.diagnostics)


def _problem(diagnostic: Diagnostic, quotable: Sequence[str]) -> Problem:
    from outlookgen.output.reporters import as_text

    return Problem(
        as_text([diagnostic]).rstrip("\n"),  # the terminal's line, as ``outlookgen build`` prints it
        diagnostic.line,
        diagnostic.column,
        source_line(diagnostic.file, diagnostic.line, quotable),
    )


def source_line(file: str, line: int, quotable: Sequence[str]) -> str:
    """Line ``line`` of ``file``, when the file is one the preview may quote; else "".

    Only the spec, its fragments, the project configuration and the pack's
    files are quoted (the page can be seen by whoever reaches the server), and
    only text files of a spec's size: an error line names a file, it never
    makes the preview read any file it names.
    """
    if line < 1 or not file or not file.lower().endswith(_SOURCE_SUFFIXES):
        return ""
    real = os.path.realpath(file)
    allowed = {os.path.realpath(q) for q in quotable}
    if real not in allowed and not any(real.startswith(q.rstrip(os.sep) + os.sep) for q in allowed if _is_dir(q)):
        return ""
    from outlookgen.fileio import read_bounded

    try:
        text = read_bounded(real, _MAX_SOURCE_FILE).decode("utf-8", "replace")
    except Exception:  # unreadable, not a regular file, too large: the error line alone
        return ""
    lines = text.splitlines()
    if line > len(lines):
        return ""
    wanted = lines[line - 1].rstrip()
    from outlookgen.errors import printable

    return printable(wanted[:_MAX_SOURCE_LINE])


def _exists(path: str) -> bool:
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def _is_dir(path: str) -> bool:
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False
