"""Linting several specs together (``lint --portfolio``): what no single spec can show.

A portfolio rule sees every project's portfolio facts
(:mod:`outlookgen.model.project_facts`) and the cross-project facts worked
out from them once (:mod:`outlookgen.model.portfolio`); a finding is located
at an item of one spec (a role, a milestone) and names the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from outlookgen.errors import printable
from outlookgen.lint import Finding, messages
from outlookgen.lint.facts import Hit
from outlookgen.lint.registry import portfolio_rules


@dataclass(frozen=True)
class Place:
    """Where an item was written: file, line, column and its path in the spec."""

    file: str
    line: int
    column: int
    path: str


@dataclass
class PortfolioProject:
    """One spec as the portfolio rules see it: its name, facts, where its roles and milestones are written,
    the language of its findings and the rules it switches off for itself (``x-lint``)."""

    name: str
    facts: Mapping[str, Any]
    places: dict[str, Place] = field(default_factory=dict)  # item id -> where it is written
    lang: str = "en"
    disabled: frozenset[str] = frozenset()


class PortfolioContext:
    """The projects a portfolio rule judges; rules report with :meth:`hit`."""

    def __init__(self, projects: Sequence[PortfolioProject]) -> None:
        self.projects = list(projects)

    @cached_property
    def inputs(self):
        from outlookgen.model.portfolio import ProjectInput

        return [ProjectInput(p.name, p.facts) for p in self.projects]

    def title(self, index: int) -> str:
        """A project as findings name it: its title."""
        return str(self.projects[index].facts.get("title") or self.projects[index].name)

    def hit(self, project: int, item_id: str, variant: str = "", **params: Any) -> Hit:
        """A finding at an item of one project (``path`` is ``(project index, item id)``)."""
        return Hit(path=(project, item_id), params=params, variant=variant)


def lint_portfolio(
    projects: Sequence[PortfolioProject], *, enabled: Iterable[str] | None = None, lang: str | None = None
) -> list[Finding]:
    """The findings of the ``enabled`` portfolio rules (default: all) across ``projects``, by position."""
    chosen = None if enabled is None else frozenset(enabled)
    ctx = PortfolioContext(projects)
    findings = []
    for rule in portfolio_rules():
        if chosen is not None and rule.code not in chosen:
            continue
        for hit in rule.check(ctx):
            index, item = hit.path
            project = projects[index]
            if rule.code in project.disabled:
                continue
            where = project.places.get(item) or Place(project.name, 1, 1, "$")
            language = lang or project.lang
            if language not in messages.LANGUAGES:
                language = "en"
            findings.append(
                Finding(
                    file=where.file,
                    line=where.line,
                    column=where.column,
                    path=where.path,
                    message=messages.fill(messages.text(language, rule.code, "message", hit.variant), hit.params),
                    severity=rule.severity,
                    code=rule.code,
                    name=rule.name,
                    hint=messages.fill(messages.text(language, rule.code, "hint", hit.variant), hit.params),
                    lang=language,
                )
            )
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code, printable(f.path)))
