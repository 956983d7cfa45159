"""The build: specs in, documents out — validate every spec, render every format, then write all at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outlookgen import writer
from outlookgen.errors import Diagnostic, FeatureUnavailable, OutlookgenError, SpecError
from outlookgen.spec.loader import peek_is_spec
from outlookgen.spec.validate import load_valid

FORMATS = ("md", "html", "docx")
FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "docx": "Word (.docx)"}


def _render_md(outlook, pack, locale: str) -> bytes:
    from outlookgen.render.markdown import render_markdown

    return render_markdown(outlook, pack, locale).encode("utf-8")


# Formats this version can write. A format listed in FORMATS but missing here
# is answered with a clear "not available yet" instead of a traceback.
RENDERERS: dict[str, Callable[..., bytes]] = {"md": _render_md}


def available_formats() -> tuple[str, ...]:
    return tuple(f for f in FORMATS if f in RENDERERS)


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = ()  # empty: every available format
    output_dir: Path | None = None
    pack: str | None = None
    locale: str | None = None  # overrides meta.locale for labels and dates


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The spec files named on the command line; a folder stands for every spec below it."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".yaml", ".yml"))
            found.extend(p for p in candidates if peek_is_spec(p))
        else:
            found.append(path)  # the loader reports a missing or unreadable file, located
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(formats)) or available_formats()
    missing = [f for f in chosen if f not in RENDERERS]
    if missing:
        names = ", ".join(FORMAT_NAMES.get(f, f) for f in missing)
        have = ", ".join(available_formats())
        raise FeatureUnavailable(
            f"{names} output is not available yet in this version of outlookgen (available: {have})"
        )
    return chosen


def build(specs: Sequence[str | Path], options: BuildOptions = BuildOptions()) -> BuildResult:
    """Validate and render every spec, then write every output; any problem writes nothing.

    All problems of all specs are collected before stopping, so one run shows
    the whole list.
    """
    from outlookgen.model import build_outlook
    from outlookgen.packs import resolve_pack

    formats = check_formats(options.formats)
    spec_paths = discover(specs)
    if not spec_paths:
        raise OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')")
    plan = writer.plan_outputs(spec_paths, formats, options.output_dir)
    pack = resolve_pack(options.pack)

    problems: list[Diagnostic] = []
    outputs: dict[Path, bytes] = {}
    for spec_path in spec_paths:
        try:
            loaded = load_valid(spec_path)
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        outlook = build_outlook(loaded.data)
        locale = options.locale or outlook.meta.locale
        for fmt in formats:
            outputs[plan[spec_path][fmt]] = RENDERERS[fmt](outlook, pack, locale)
    if problems:
        raise SpecError(diagnostics=problems)
    return BuildResult(written=writer.commit(outputs))


def validate_files(specs: Sequence[str | Path]) -> list[tuple[Path, list[Diagnostic]]]:
    """(spec, problems) for each spec; an empty list means valid."""
    from outlookgen.spec.loader import load_spec
    from outlookgen.spec.validate import validate

    results = []
    for spec_path in discover(specs):
        try:
            problems = validate(load_spec(spec_path))
        except SpecError as exc:
            problems = list(exc.diagnostics)
        results.append((spec_path, problems))
    return results
