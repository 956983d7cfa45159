"""``lint --portfolio``: the specs of one lint run judged together by the portfolio rules.

Each valid spec is summed up as it is linted (its portfolio facts, where its
roles and milestones are written), so the specs are read once; the findings
join the report of the spec they are located in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from outlookgen.errors import format_path


def project_of(loaded, path: Path, disabled: frozenset[str]):
    """What the portfolio rules see of one loaded, valid spec."""
    from outlookgen.lint.facts import LintContext
    from outlookgen.lint.portfolio import Place, PortfolioProject
    from outlookgen.project.names import relative_name, resolve_base
    from outlookgen.project.records import spec_facts

    outlook, spec = loaded.outlook, loaded.spec
    ctx = LintContext(outlook, spec.data)
    places = {}
    items = [(r, ("name",) if r.name else ()) for r in outlook.resources.roles]
    items += [(m, ()) for m in outlook.roadmap.milestones]
    for item, keys in items:
        where = ctx.path(item, *keys)
        file, line, column = spec.locate(where)
        places[item.id] = Place(file, line, column, format_path(where))
    from outlookgen.project.config import find_config

    config = find_config()
    name = relative_name(path, resolve_base(config.parent if config else None))
    return PortfolioProject(name, spec_facts(outlook), places, outlook.meta.locale, disabled)


def lint_together(together: Sequence[tuple], enabled: Iterable[str], lang: str | None) -> None:
    """Run the portfolio rules over ``(spec result, project)`` pairs; each finding joins its spec's result."""
    from outlookgen.lint.portfolio import lint_portfolio

    if len(together) < 2:
        return  # nothing to compare
    projects = [project for _, project in together]
    results = {id(project): result for result, project in together}
    by_file: dict[str, list] = {}
    for project in projects:
        for place in project.places.values():
            by_file.setdefault(place.file, []).append(results[id(project)])
    for finding in lint_portfolio(projects, enabled=set(enabled), lang=lang):
        owners = by_file.get(finding.file) or [results[id(projects[0])]]
        owners[0].findings.append(finding)
    for result, _ in together:
        result.findings.sort(key=lambda f: (f.file, f.line, f.column, f.code, f.path))
