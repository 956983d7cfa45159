"""Linting files as a project does: each spec validated, then linted with the rules its project leaves on.

Which rules run: ``--select`` (default: all), minus the project config's
``lint: {disable: [...]}``, minus the spec's ``x-lint: {disable: [...]}``,
minus ``--ignore``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, SpecError
from outlookgen.lint import (
    LintReport,
    SpecLint,
    UnknownSelector,
    all_rules,
    checklist,
    lint_spec,
    resolve_selectors,
    spec_settings,
)
from outlookgen.lint.registry import match_selector, portfolio_rules


@dataclass(frozen=True)
class LintOptions:
    """What to lint with. ``lang`` None: each spec's ``meta.locale``."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    lang: str | None = None
    use_project_config: bool = True
    config_start: Path | None = None  # where the search for outlookgen.yaml starts (default: cwd)
    portfolio: bool = False  # also the rules that judge the specs together (outlookgen.project.portfolio_lint)


@dataclass(frozen=True)
class _ConfigLint:
    """What the project config's ``lint:`` section says, and what is wrong with it."""

    path: Path | None = None
    disable: frozenset[str] = frozenset()
    fail_on: str | None = None
    problems: tuple[Diagnostic, ...] = ()


def config_lint(options: LintOptions) -> _ConfigLint:
    """The project config's ``lint`` section (``outlookgen.yaml`` or ``[tool.outlookgen.lint]``).

    The config loader has checked its shape (schema); the rule names in it
    are checked here, where the rules are known.
    """
    if not options.use_project_config:
        return _ConfigLint()
    from outlookgen.project.config import find_config, load_config

    path = find_config(options.config_start)
    if path is None:
        return _ConfigLint()
    try:
        config = load_config(path)
    except SpecError as exc:
        return _ConfigLint(path=path, problems=exc.diagnostics)
    section = config.lint
    codes: set[str] = set()
    problems = []
    for i, selector in enumerate(section.get("disable") or ()):
        try:
            codes.update(r.code for r in match_selector(selector))
        except UnknownSelector as exc:
            problems.append(config.diagnostic(("lint", "disable", i), str(exc)))
    return _ConfigLint(path=path, disable=frozenset(codes), fail_on=section.get("fail_on"), problems=tuple(problems))


def lint_files(specs: Sequence[str | os.PathLike], options: LintOptions = LintOptions()) -> LintReport:
    """Validate and lint every spec (a folder stands for every spec below it).

    An invalid spec gets its validation errors as problems and no findings.
    Raises :class:`UnknownSelector` for an unknown ``select``/``ignore``
    entry: that is a mistake on the command line, not in a file.
    """
    from outlookgen.project.discovery import discover
    from outlookgen.project.pipeline import load_outlook

    config = config_lint(options)
    every = all_rules() + (portfolio_rules() if options.portfolio else ())
    selected = resolve_selectors(options.select) if options.select else frozenset(r.code for r in every)
    ignored = resolve_selectors(options.ignore) | config.disable
    report = LintReport(config_problems=list(config.problems), config_path=config.path, config_fail_on=config.fail_on)
    together = []  # what the portfolio rules see of each valid spec
    for path in discover(specs):
        result = SpecLint(spec=Path(path))
        report.results.append(result)
        try:
            loaded = load_outlook(path)
        except SpecError as exc:
            result.problems = list(exc.diagnostics)
            result.valid = False
            continue
        spec_disabled, result.problems = spec_settings(loaded.spec)
        result.enabled = selected - spec_disabled - ignored
        result.findings = lint_spec(loaded.spec, outlook=loaded.outlook, lang=options.lang, enabled=result.enabled)
        if options.portfolio:
            from outlookgen.project.portfolio_lint import project_of

            together.append((result, project_of(loaded, Path(path), spec_disabled)))
    if options.portfolio:
        from outlookgen.project.portfolio_lint import lint_together

        lint_together(together, selected - ignored, options.lang)
    return report


def checklist_for(spec, outlook=None, *, lang: str = "en", options: LintOptions = LintOptions()) -> dict[str, Any]:
    """The checklist as ``build --lint-appendix`` shows it: the rules the project config and the
    spec's ``x-lint`` leave on. A broken setting raises :class:`SpecError` (the build stops)."""
    config = config_lint(options)
    spec_disabled, spec_problems = spec_settings(spec)
    problems = [*config.problems, *spec_problems]
    if problems:
        raise SpecError(diagnostics=problems)
    every = frozenset(r.code for r in all_rules())
    return checklist(spec, outlook, lang=lang, enabled=every - config.disable - spec_disabled)
