"""The rule registry: what a rule is, finding every rule module, and choosing rules by code or name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "GROUPS",
    "SEVERITIES",
    "Rule",
    "UnknownSelector",
    "all_rules",
    "every_rule",
    "match_selector",
    "portfolio_rules",
    "rule",
]

# Most severe first; ``--fail-on X`` fails on X and everything before it.
SEVERITIES = ("error", "warning", "info")

# The hundreds digit of a code names the pitfall a rule answers.
GROUPS = {
    "1": "SMART objectives",
    "2": "Business value",
    "3": "Executability",
    "4": "People and change",
    "5": "Data governance",
    "6": "Flexibility",
    "7": "Resources and budget",
    "8": "Risks",
    "9": "Long-term evolution",
}

_CODE = re.compile(r"^OG[1-9]\d\d$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_DOC_SECTIONS = ("What it checks", "Why it matters", "Example", "Instead")
_SCOPES = ("spec", "portfolio")


@dataclass(frozen=True)
class Rule:
    """One plan-quality rule: ``check(ctx)`` yields the hits of one spec (see ``LintContext.hit``)."""

    code: str
    name: str
    severity: str
    check: Callable[[Any], Iterable[Any]]
    doc: str
    scope: str = "spec"  # "portfolio": judges several specs together (lint --portfolio)

    @property
    def group(self) -> str:
        return GROUPS[self.code[2]]

    def sections(self) -> dict[str, str]:
        """The docstring's sections by heading (``What it checks`` → its text)."""
        found: dict[str, list[str]] = {}
        current: list[str] | None = None
        for line in self.doc.splitlines():
            heading, colon, rest = line.partition(":")
            if colon and heading in _DOC_SECTIONS:  # "Instead:" alone, or "Instead: text" on one line
                current = found.setdefault(heading, [])
                if rest.strip():
                    current.append(rest.strip())
                continue
            if current is not None:
                current.append(line)
        return {key: inspect.cleandoc("\n".join(lines)) for key, lines in found.items()}


def rule(
    code: str, name: str, severity: str, *, scope: str = "spec"
) -> Callable[[Callable[[Any], Iterable[Any]]], Rule]:
    """Declare a rule; the decorated function's docstring is its documentation.

    A ``spec`` rule's ``check(ctx)`` judges one spec (:class:`outlookgen.lint.facts.LintContext`); a
    ``portfolio`` rule's judges the projects of ``lint --portfolio`` together
    (:class:`outlookgen.lint.portfolio.PortfolioContext`).
    """
    if not _CODE.match(code) or not _NAME.match(name) or severity not in SEVERITIES or scope not in _SCOPES:
        raise ValueError(f"bad rule declaration {code!r} {name!r} {severity!r} {scope!r}")

    def declare(check: Callable[[Any], Iterable[Any]]) -> Rule:
        doc = inspect.cleandoc(check.__doc__ or "")
        missing = [s for s in _DOC_SECTIONS if f"{s}:" not in doc]
        if missing:
            raise ValueError(f"{code} docstring lacks the section(s) {', '.join(missing)}")
        return Rule(code=code, name=name, severity=severity, check=check, doc=doc, scope=scope)

    return declare


@cache
def _rules_in(package_name: str, scope: str) -> tuple[Rule, ...]:
    """Every rule of ``scope`` in a package (one module each), ordered by code."""
    package = importlib.import_module(package_name)
    found: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if not isinstance(value, Rule):
                continue
            if value.scope != scope:
                raise RuntimeError(f"{value.code} is a {value.scope} rule in the {scope} rules' package")
            if value.code in found or value.name in names:
                raise RuntimeError(f"two rules share the code {value.code} or the name {value.name}")
            found[value.code] = value
            names[value.name] = value.code
    return tuple(found[code] for code in sorted(found))


def all_rules() -> tuple[Rule, ...]:
    """Every rule that judges one spec (``outlookgen.lint.rules``), ordered by code."""
    return _rules_in("outlookgen.lint.rules", "spec")


def portfolio_rules() -> tuple[Rule, ...]:
    """Every rule that judges several specs together (``outlookgen.lint.portfolio_rules``), ordered by code."""
    return _rules_in("outlookgen.lint.portfolio_rules", "portfolio")


@cache
def every_rule() -> tuple[Rule, ...]:
    """Spec and portfolio rules, ordered by code: what selectors, ``--explain`` and the docs know."""
    rules = all_rules() + portfolio_rules()
    if len({r.code for r in rules}) != len(rules) or len({r.name for r in rules}) != len(rules):
        raise RuntimeError("a portfolio rule shares a code or a name with a spec rule")
    return tuple(sorted(rules, key=lambda r: r.code))


class UnknownSelector(ValueError):
    """A code or name that matches no rule; ``suggestion`` is the closest known one, if any."""

    def __init__(self, selector: str, suggestion: str | None) -> None:
        self.selector = selector
        self.suggestion = suggestion
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        super().__init__(f"unknown lint rule '{selector}'{hint}")


def match_selector(selector: str) -> tuple[Rule, ...]:
    """The rules a selector names: a code (OG301), a name (task-no-owner) or a code prefix (OG3, OG).

    Raises :class:`UnknownSelector` when it names none.
    """
    text = str(selector).strip()
    upper = text.upper()
    rules = every_rule()
    if upper == "ALL":
        return rules
    by_name = [r for r in rules if r.name == text.lower()]
    if by_name:
        return tuple(by_name)
    if re.fullmatch(r"OG\d{0,3}", upper):
        chosen = tuple(r for r in rules if r.code.startswith(upper))
        if chosen:
            return chosen
    import difflib

    candidates = [r.code for r in rules] + [r.name for r in rules]
    close = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    raise UnknownSelector(text, close[0] if close else None)
