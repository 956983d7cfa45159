"""Validation of a loaded spec: loader problems, schema errors and reference checks, all at once."""

from __future__ import annotations

from pathlib import Path

from outlookgen.errors import Diagnostic, SpecError
from outlookgen.spec import verdicts
from outlookgen.spec.includes import refuse_escaping_spec, resolve_includes
from outlookgen.spec.loader import Limits, LoadedSpec, load_spec
from outlookgen.spec.project_folder import project_root
from outlookgen.spec.references import reference_problems
from outlookgen.spec.review_time import review_time_problems
from outlookgen.spec.schema import schema_problems


def validate(spec: LoadedSpec) -> list[Diagnostic]:
    """Every problem in a loaded spec, sorted by position (empty when valid)."""
    problems = list(spec.problems)
    problems += schema_problems(spec)
    problems += reference_problems(spec)
    problems += review_time_problems(spec)
    return sorted(set(problems))


def load_resolved(path: str | Path, *, name: str | None = None, limits: Limits | None = None) -> LoadedSpec:
    """Load one spec file with its ``include:`` fragments merged in (fatal read errors raise SpecError)."""
    limits = limits or Limits()
    path = Path(path)
    root = project_root(path)
    # Before the read: a file outside the project must not be read at all, so
    # not even a syntax error in it can quote its lines back.
    refuse_escaping_spec(path, name=name or str(path), root=root)
    spec = load_spec(path, name=name, limits=limits)
    return resolve_includes(spec, path, root=root, limits=limits)


def load_valid(path: str | Path, *, name: str | None = None, limits: Limits | None = None) -> LoadedSpec:
    """Load and validate one spec file; raise SpecError listing every problem found."""
    spec = load_resolved(path, name=name, limits=limits)
    if not spec.problems and verdicts.known_valid(spec.digest, verdicts.spec_checker()):
        return spec  # this very text was found valid before: the schema check need not even be imported
    problems = validate(spec)
    if problems:
        raise SpecError(diagnostics=problems)
    verdicts.remember_valid(spec.digest, verdicts.spec_checker())
    return spec
