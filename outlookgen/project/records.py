"""What a build learns about a spec besides its documents: its portfolio facts, lint findings and size.

Worked out while the spec is in memory anyway (a few milliseconds beside a
render), kept in the build cache and in build reports, so a portfolio or a
CI summary of a thousand specs reads them back instead of loading the specs.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any


def is_go_live(name: str) -> bool:
    """A milestone whose name says go-live, cutover, launch, 上线, 切换… (the linter's own word list)."""
    from outlookgen.lint.facts import GO_LIVE_WORDS, mentions

    return mentions(name, GO_LIVE_WORDS)


def spec_facts(outlook) -> dict[str, Any]:
    """The portfolio facts of one outlook (outlookgen.model.project_facts)."""
    from outlookgen.model.project_facts import project_facts

    return project_facts(outlook, is_go_live)


def finding_record(finding) -> dict[str, Any]:
    """A lint finding as plain data (reports, the cache)."""
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "message": finding.message,
        "hint": finding.hint,
    }


@lru_cache(maxsize=8)
def _disabled_by_config(config: str | None, _stamp: tuple) -> frozenset[str] | None:
    """The rule codes the project config switches off; None when its lint section is broken."""
    from pathlib import Path

    from outlookgen.project.lint import LintOptions, config_lint

    settings = config_lint(LintOptions(config_start=Path(config).parent if config else None))
    return None if settings.problems else settings.disable


def _config_disabled() -> frozenset[str] | None:
    from outlookgen.project.config import find_config

    config = find_config()
    stamp: tuple = ()
    if config is not None:
        try:
            st = os.stat(config)
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = ("unreadable",)
    return _disabled_by_config(str(config) if config else None, stamp)


def spec_findings(spec, outlook) -> list[dict[str, Any]] | None:
    """The lint findings of a valid spec with the rules its project and its ``x-lint`` leave on.

    None when those settings are broken: ``outlookgen lint`` reports that;
    a build is not the place to fail for it.
    """
    from outlookgen.lint import all_rules, lint_spec, spec_settings

    disabled = _config_disabled()
    own, problems = spec_settings(spec)
    if disabled is None or problems:
        return None
    enabled = frozenset(r.code for r in all_rules()) - disabled - own
    return [finding_record(f) for f in lint_spec(spec, outlook=outlook, enabled=enabled)]
