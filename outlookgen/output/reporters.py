"""Reporters: diagnostics as compiler-style text lines, JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict

from outlookgen.errors import Diagnostic


def as_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(d.format() + "\n" for d in diagnostics)


def validation_json(results) -> str:
    """``validate --format json``: per spec, whether it is valid and its problems."""
    document = [
        {"file": str(spec), "valid": not problems, "problems": [asdict(p) for p in problems]}
        for spec, problems in results
    ]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_github(value: str, *, prop: bool = False) -> str:
    # Workflow commands percent-encode these; properties also ':' and ','.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def as_github(diagnostics: Iterable[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        level = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
        props = f"file={_escape_github(d.file, prop=True)},line={d.line},col={d.column}"
        title = f"{d.code} {d.path}".strip()
        hint = getattr(d, "hint", "")  # lint findings carry a fix hint
        message = f"{d.message} (hint: {hint})" if hint else d.message
        lines.append(f"::{level} {props},title={_escape_github(title, prop=True)}::{_escape_github(message)}\n")
    return "".join(lines)


def lint_json(report) -> str:
    """A lint report as one JSON document: per spec its problems and findings, then the totals."""
    specs = [
        {
            "file": str(result.spec),
            "valid": result.valid,
            "problems": [asdict(p) for p in result.problems],
            "findings": [_finding(f) for f in result.findings],
        }
        for result in report.results
    ]
    document = {
        "specs": specs,
        "config": {"file": str(report.config_path), "problems": [asdict(p) for p in report.config_problems]}
        if report.config_path
        else None,
        "counts": report.counts(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _finding(finding) -> dict:
    data = asdict(finding)
    data.pop("lang", None)
    return data
