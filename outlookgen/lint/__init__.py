"""The plan-quality linter: the four pitfalls, SMART objectives and an executable plan, as located findings.

:func:`lint_spec` lints one loaded spec; :mod:`outlookgen.project.lint` lints
files with the project's settings, and the command line only picks the
options, prints the report and turns :meth:`LintReport.fails` into an exit
code. Rules live one per module in :mod:`outlookgen.lint.rules` and judge the
normalised :class:`~outlookgen.model.Outlook`; the loaded spec only says where
each item was written.

Which rules run: ``--select`` (default: all), minus the project config's
``lint: {disable: [...]}``, minus the spec's ``x-lint: {disable: [...]}``,
minus ``--ignore``. Selectors are codes (OG301), names (task-without-owner) or code
prefixes (OG3); one that matches no rule is an error, reported where it was
written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, format_path, printable
from outlookgen.lint import messages
from outlookgen.lint.registry import SEVERITIES, Rule, UnknownSelector, all_rules, match_selector

__all__ = [
    "SEVERITIES",
    "Finding",
    "LintReport",
    "Rule",
    "SpecLint",
    "UnknownSelector",
    "all_rules",
    "checklist",
    "explain",
    "lint_spec",
    "resolve_selectors",
    "spec_settings",
]


@dataclass(frozen=True, order=True)
class Finding(Diagnostic):
    """A located plan-quality finding: a :class:`Diagnostic` with the rule's name and a fix hint.

    ``message`` and ``hint`` are worded in the finding's language; ``code``
    is the rule code.
    """

    name: str = ""
    hint: str = ""
    lang: str = "en"

    def format(self) -> str:
        """``plan.yaml:42:7: warning: roadmap.phases[0].tasks[3]: OG301 message; hint: fix``."""
        hint_word = messages.LINE_WORDS.get(self.lang, messages.LINE_WORDS["en"])["hint"]
        text = f"{self.code} {self.message}; {hint_word}: {self.hint}"
        return f"{printable(self.file)}:{self.line}:{self.column}: {self.severity}: {printable(self.path)}: {printable(text)}"


@dataclass
class SpecLint:
    """One spec's outcome: ``problems`` are errors that are not findings (invalid spec, bad x-lint)."""

    spec: Path
    problems: list[Diagnostic] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    enabled: frozenset[str] = frozenset()
    valid: bool = True


@dataclass
class LintReport:
    """Everything one lint run found, spec by spec; ``config_problems`` belong to the project config."""

    results: list[SpecLint] = field(default_factory=list)
    config_problems: list[Diagnostic] = field(default_factory=list)
    config_path: Path | None = None
    config_fail_on: str | None = None  # the project config's lint.fail_on, when set

    @property
    def problems(self) -> list[Diagnostic]:
        return [*self.config_problems, *(p for r in self.results for p in r.problems)]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def fails(self, fail_on: str = "error") -> bool:
        """True when there is a problem, or a finding at or above ``fail_on`` (error > warning > info)."""
        if self.problems:
            return True
        limit = SEVERITIES.index(fail_on)
        return any(SEVERITIES.index(f.severity) <= limit for f in self.findings)


# --------------------------------------------------------------------------- selection


def resolve_selectors(selectors: Iterable[str]) -> frozenset[str]:
    """The codes a list of selectors names; raises :class:`UnknownSelector` for the first unknown one."""
    codes: set[str] = set()
    for selector in selectors:
        codes.update(r.code for r in match_selector(selector))
    return frozenset(codes)


def spec_settings(spec) -> tuple[frozenset[str], list[Diagnostic]]:
    """The rules a spec disables for itself (``x-lint: {disable: [...]}``), and what is wrong there."""
    settings = spec.data.get("x-lint")
    if settings is None:
        return frozenset(), []

    def problem(path: tuple, message: str, *, key: bool = False) -> Diagnostic:
        file, line, column = spec.locate(path, key=key)
        return Diagnostic(file, line, column, format_path(path), message)

    if not isinstance(settings, dict):
        return frozenset(), [problem(("x-lint",), "x-lint must be a mapping such as {disable: [OG901]}")]
    problems = [
        problem(("x-lint", key), f"unknown key '{key}' in x-lint (known: disable)", key=True)
        for key in settings
        if key != "disable" and not str(key).startswith("x-")
    ]
    disable = settings.get("disable")
    if isinstance(disable, str):
        disable = [disable]
    codes: set[str] = set()
    if disable is not None and not isinstance(disable, list):
        problems.append(problem(("x-lint", "disable"), "x-lint.disable must be a list of rule codes or names"))
        disable = []
    for i, selector in enumerate(disable or ()):
        try:
            codes.update(r.code for r in match_selector(str(selector)))
        except UnknownSelector as exc:
            problems.append(problem(("x-lint", "disable", i), str(exc)))
    return frozenset(codes), sorted(problems)


# --------------------------------------------------------------------------- linting


def lint_spec(
    spec,
    *,
    outlook=None,
    lang: str | None = None,
    enabled: Iterable[str] | None = None,
) -> list[Finding]:
    """The findings of the ``enabled`` rules (default: all) on one valid loaded spec, sorted by position."""
    from outlookgen.lint.facts import LintContext

    if outlook is None:
        from outlookgen.model import build_outlook

        outlook = build_outlook(spec.data)
    lang = lang or outlook.meta.locale
    if lang not in messages.LANGUAGES:
        lang = "en"
    chosen = None if enabled is None else frozenset(enabled)
    ctx = LintContext(outlook, spec.data)
    ctx.lang = lang
    findings = []
    for rule in all_rules():
        if chosen is not None and rule.code not in chosen:
            continue
        for hit in rule.check(ctx):
            file, line, column = spec.locate(hit.path)
            findings.append(
                Finding(
                    file=file,
                    line=line,
                    column=column,
                    path=format_path(hit.path),
                    message=messages.fill(messages.text(lang, rule.code, "message", hit.variant), hit.params),
                    severity=rule.severity,
                    code=rule.code,
                    name=rule.name,
                    hint=messages.fill(messages.text(lang, rule.code, "hint", hit.variant), hit.params),
                    lang=lang,
                )
            )
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.code, f.path))


# --------------------------------------------------------------------------- documentation and checklist


def find_rule(code_or_name: str) -> Rule:
    """The one rule a code or name stands for; :class:`UnknownSelector` otherwise."""
    from outlookgen.lint.registry import every_rule

    text = code_or_name.strip()
    for rule in every_rule():
        if text.upper() == rule.code or text.lower() == rule.name:
            return rule
    import difflib

    candidates = [r.code for r in every_rule()] + [r.name for r in every_rule()]
    close = difflib.get_close_matches(text, candidates, n=1, cutoff=0.6)
    raise UnknownSelector(text, close[0] if close else None)


def explain(code_or_name: str, lang: str = "en") -> str:
    """A rule's documentation as ``--explain`` prints it: heading, checklist line, then the docstring."""
    rule = find_rule(code_or_name)
    lang = lang if lang in messages.LANGUAGES else "en"
    title = messages.text(lang, rule.code, "title")
    lines = [f"{rule.code} {rule.name} ({rule.severity}) · {rule.group}", "", title, "", rule.doc]
    if lang != "en":
        lines[3:3] = [messages.text("en", rule.code, "title"), ""]
    return "\n".join(lines).rstrip() + "\n"


def checklist(spec, outlook=None, *, lang: str = "en", enabled: Iterable[str] | None = None) -> dict[str, Any]:
    """The plan quality checklist of one valid spec as plain data, for the build's ``lint`` context key.

    ``rules``: every rule in code order with ``status`` passed, failed or
    disabled; ``findings``: every finding in position order. Texts are in
    ``lang``; templates add their own labels for headings and statuses.
    """
    if outlook is None:
        from outlookgen.model import build_outlook

        outlook = build_outlook(spec.data)
    lang = lang if lang in messages.LANGUAGES else "en"
    if enabled is None:
        spec_disabled, _ = spec_settings(spec)
        enabled = frozenset(r.code for r in all_rules()) - spec_disabled
    enabled = frozenset(enabled)
    findings = lint_spec(spec, outlook=outlook, lang=lang, enabled=enabled)
    per_rule: dict[str, int] = {}
    for finding in findings:
        per_rule[finding.code] = per_rule.get(finding.code, 0) + 1
    rules = []
    for rule in all_rules():
        if rule.code not in enabled:
            status = "disabled"
        else:
            status = "failed" if per_rule.get(rule.code) else "passed"
        rules.append(
            {
                "code": rule.code,
                "name": rule.name,
                "severity": rule.severity,
                "group": rule.group,
                "title": messages.text(lang, rule.code, "title"),
                "status": status,
                "count": per_rule.get(rule.code, 0),
            }
        )
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return {
        "rules": rules,
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "severity": f.severity,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "hint": f.hint,
            }
            for f in findings
        ],
        "counts": counts,
        "checked": sum(1 for r in rules if r["status"] != "disabled"),
        "passed": sum(1 for r in rules if r["status"] == "passed"),
        "failed": sum(1 for r in rules if r["status"] == "failed"),
        "disabled": sum(1 for r in rules if r["status"] == "disabled"),
    }
