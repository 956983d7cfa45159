"""The build: specs in, documents out — validate every spec, render every format, then write all at once."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from outlookgen import writer
from outlookgen.errors import Diagnostic, FeatureUnavailable, OutlookgenError, OutputError, SpecError
from outlookgen.spec.loader import peek_is_spec
from outlookgen.spec.validate import load_valid

FORMATS = ("md", "html", "docx", "pdf")
FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "docx": "Word (.docx)", "pdf": "PDF"}
# Built only when asked for (-f pdf): they need an optional extra.
OPT_IN_FORMATS = ("pdf",)


# Every renderer takes (outlook, pack, locale, extras) — extras being a
# render.context.Extras: the lint checklist, the status day, the previous version.
def _render_md(outlook, pack, locale: str, extras) -> bytes:
    from outlookgen.render.markdown import render_markdown

    return render_markdown(outlook, pack, locale, extras=extras).encode("utf-8")


def _render_html(outlook, pack, locale: str, extras) -> bytes:
    from outlookgen.render.html import render_html

    return render_html(outlook, pack, locale, extras=extras).encode("utf-8")


def _render_docx(outlook, pack, locale: str, extras) -> bytes:
    from outlookgen.render.docx import render_docx

    return render_docx(outlook, pack, locale, extras=extras)


def _render_pdf(outlook, pack, locale: str, extras) -> bytes:
    from outlookgen.render.pdf import render_pdf

    return render_pdf(outlook, pack, locale, extras=extras)


def _pdf_preflight() -> None:
    from outlookgen.render.pdf import require_weasyprint

    require_weasyprint()  # FeatureUnavailable before any work when the extra is missing


# Modules a renderer needs, imported before worker processes fork.
RENDERER_MODULES = {
    "md": "outlookgen.render.markdown",
    "html": "outlookgen.render.html",
    "docx": "outlookgen.render.docx",
    "pdf": "outlookgen.render.html",  # WeasyPrint itself is imported only when a PDF is rendered
}

# Formats this version can write. A format listed in FORMATS but missing here
# is answered with a clear "not available yet" instead of a traceback.
RENDERERS: dict[str, Callable[..., bytes]] = {
    "md": _render_md,
    "html": _render_html,
    "docx": _render_docx,
    "pdf": _render_pdf,
}
# Renderers that take ``lint=`` (the plan quality checklist) for --lint-appendix.
LINT_APPENDIX_FORMATS = ("md", "html", "pdf", "docx")
# Checks run once before any spec is read, for formats that need something optional.
PREFLIGHT: dict[str, Callable[[], None]] = {"pdf": _pdf_preflight}


def available_formats() -> tuple[str, ...]:
    return tuple(f for f in FORMATS if f in RENDERERS)


@dataclass(frozen=True)
class BuildOptions:
    formats: tuple[str, ...] = ()  # empty: every available format
    output_dir: Path | None = None
    pack: str | None = None
    locale: str | None = None  # overrides meta.locale for labels and dates
    force: bool = False  # rebuild even what the manifest says is up to date
    check: bool = False  # build in memory, write nothing, report outputs that differ
    jobs: int | None = None  # worker processes; None: one per CPU
    lint_appendix: bool = False  # add the plan quality checklist (lint findings) as the last appendix
    as_of: date | None = None  # the day the status view is for (default: each spec's meta.date)
    changes_since: Path | None = None  # an older version of the spec: add "Changes since version X"


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    built_specs: int = 0
    skipped_specs: int = 0


@dataclass(frozen=True)
class SpecOutcome:
    """What building one spec produced: outputs, the fragments it read, or its problems."""

    spec: Path
    outputs: dict[str, bytes] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()
    problems: tuple[Diagnostic, ...] = ()


class NoProject(OutlookgenError):
    """No spec named and no project configuration to name them: a command-line mistake."""


def with_project(specs: Sequence[str | Path], options: BuildOptions) -> tuple[list[str | Path], BuildOptions]:
    """Fill what the command line left open from the project configuration (outlookgen.yaml), if any.

    Explicit options win; with no SPEC named, the project's spec globs are
    used, and without a project configuration that is an error.
    """
    from dataclasses import replace

    from outlookgen.config import load_project

    project = load_project()
    if project is None:
        if not specs:
            raise NoProject("no SPEC given and no outlookgen.yaml (or [tool.outlookgen]) found here or above")
        return list(specs), options
    chosen = list(specs) or project.spec_files()
    return chosen, replace(
        options,
        formats=options.formats or project.formats,
        output_dir=options.output_dir or project.output,
        pack=options.pack or project.template,
        locale=options.locale or project.locale,
        jobs=options.jobs or project.jobs,
    )


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
    chosen = tuple(dict.fromkeys(formats)) or tuple(f for f in available_formats() if f not in OPT_IN_FORMATS)
    missing = [f for f in chosen if f not in RENDERERS]
    if missing:
        names = ", ".join(FORMAT_NAMES.get(f, f) for f in missing)
        have = ", ".join(available_formats())
        raise FeatureUnavailable(
            f"{names} output is not available yet in this version of outlookgen (available: {have})"
        )
    for fmt in chosen:
        if fmt in PREFLIGHT:
            PREFLIGHT[fmt]()
    return chosen


def _check_lint_appendix(formats: Sequence[str]) -> None:
    missing = [f for f in formats if f not in LINT_APPENDIX_FORMATS]
    if missing:
        names = ", ".join(FORMAT_NAMES.get(f, f) for f in missing)
        raise FeatureUnavailable(
            f"the plan quality checklist (--lint-appendix) is not available yet for {names}"
            f" (available: {', '.join(LINT_APPENDIX_FORMATS)}; choose with -f)"
        )


def _checklist(loaded, outlook, locale: str) -> dict:
    """The plan quality checklist for --lint-appendix, honouring the spec's x-lint and the project config."""
    from outlookgen.lint import checklist_for

    return checklist_for(loaded, outlook, lang=locale)


def build_spec(spec: Path, formats: Sequence[str], options: BuildOptions) -> SpecOutcome:
    """Validate one spec and render it in every format, in memory (runs in a worker process)."""
    from outlookgen.model import build_outlook
    from outlookgen.packs import resolve_pack
    from outlookgen.render.context import Extras

    try:
        loaded = load_valid(spec)
        pack = resolve_pack(options.pack)
        outlook = build_outlook(loaded.data)
        locale = options.locale or outlook.meta.locale
        previous = None
        if options.changes_since is not None:
            previous = build_outlook(load_valid(options.changes_since).data)
        extras = Extras(
            lint=_checklist(loaded, outlook, locale) if options.lint_appendix else None,
            as_of=options.as_of,
            previous=previous,
        )
        outputs = {fmt: RENDERERS[fmt](outlook, pack, locale, extras) for fmt in formats}
    except OutlookgenError as exc:
        problems = exc.diagnostics or (Diagnostic(str(spec), 1, 1, "$", str(exc)),)
        return SpecOutcome(spec, problems=tuple(problems))
    except MemoryError:
        # Memory grows with the spec (a 5 MB spec of dense inline markup needs
        # gigabytes for Word); under a memory limit that is the input's fault, not a crash.
        message = "ran out of memory while building this spec; it is too large for this process's memory limit"
        return SpecOutcome(spec, problems=(Diagnostic(str(spec), 1, 1, "$", message),))
    dependencies = loaded.includes
    if options.changes_since is not None:
        dependencies = (*dependencies, str(Path(options.changes_since).resolve()))
    return SpecOutcome(spec, outputs=outputs, dependencies=dependencies)


def build(
    specs: Sequence[str | Path],
    options: BuildOptions = BuildOptions(),
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Validate and render every spec that changed, then write every output; any problem writes nothing.

    All problems of all specs are collected before stopping, so one run shows
    the whole list. ``progress(done, total)`` is called as specs finish.
    """
    from outlookgen import manifest
    from outlookgen.packs import resolve_pack

    formats = check_formats(options.formats)
    if options.lint_appendix:
        _check_lint_appendix(formats)
    spec_paths = discover(specs)
    if not spec_paths:
        raise OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')")
    plan = writer.plan_outputs(spec_paths, formats, options.output_dir)
    pack = resolve_pack(options.pack)  # an unknown pack fails here, once, before any work
    context = "\0".join(
        [
            manifest.tree_digest(p.root for p in pack.chain()),
            options.pack or "",
            options.locale or "",
            "lint-appendix" if options.lint_appendix else "",
            options.as_of.isoformat() if options.as_of else "",
            str(Path(options.changes_since).resolve()) if options.changes_since else "",
            manifest.source_date_epoch(),
        ]
    )
    manifests = manifest.read_manifests(t.parent for targets in plan.values() for t in targets.values())

    result = BuildResult()
    todo: list[Path] = []
    inputs: dict[tuple[Path, str], str | None] = {}
    for spec in spec_paths:
        targets = plan[spec]
        deps = manifest.dependencies_of(manifests, targets.values())
        fresh = True
        for fmt, target in targets.items():
            digest = manifest.inputs_digest(spec, deps or (), f"{context}\0{fmt}") if deps is not None else None
            inputs[(spec, fmt)] = digest
            fresh = fresh and manifests[target.parent].up_to_date(target, digest)
        if fresh and not (options.force or options.check):
            result.skipped.extend(targets.values())
            result.skipped_specs += 1
        else:
            todo.append(spec)

    outcomes = _run(todo, formats, options, progress)
    problems = [d for o in outcomes for d in o.problems]
    if problems:
        raise SpecError(diagnostics=problems)

    outputs: dict[Path, bytes] = {}
    for outcome in outcomes:
        for fmt, payload in outcome.outputs.items():
            target = plan[outcome.spec][fmt]
            outputs[target] = payload
            digest = manifest.inputs_digest(outcome.spec, outcome.dependencies, f"{context}\0{fmt}")
            if digest is not None:
                manifests[target.parent].record(target, digest, payload, outcome.dependencies)
    result.built_specs = len(outcomes)
    if options.check:
        _check(outputs, plan)
        return result
    result.written = writer.commit(outputs)
    _save_manifests(manifests, outputs)
    return result


def _save_manifests(manifests, outputs: dict[Path, bytes]) -> None:
    """Record what was built; the cache is a convenience, so failing to write it is not an error."""
    updated = {m.path: m.serialise() for folder, m in manifests.items() if any(t.parent == folder for t in outputs)}
    with contextlib.suppress(OutputError):
        writer.commit(updated)


def _run(
    specs: list[Path], formats: Sequence[str], options: BuildOptions, progress: Callable[[int, int], None] | None
) -> list[SpecOutcome]:
    """Build specs one after another, or in a process pool when there are several and jobs allow."""
    jobs = options.jobs or os.cpu_count() or 1
    total = len(specs)
    if jobs <= 1 or total <= 1:
        outcomes = []
        for done, spec in enumerate(specs, start=1):
            outcomes.append(build_spec(spec, formats, options))
            if progress:
                progress(done, total)
        return outcomes
    _warm_up(formats)
    from concurrent.futures import ProcessPoolExecutor, as_completed

    results: dict[Path, SpecOutcome] = {}
    with ProcessPoolExecutor(max_workers=min(jobs, total), mp_context=_pool_context()) as pool:
        futures = [pool.submit(build_spec, spec, formats, options) for spec in specs]
        for done, future in enumerate(as_completed(futures), start=1):
            outcome = future.result()
            results[outcome.spec] = outcome
            if progress:
                progress(done, total)
    return [results[spec] for spec in specs]  # input order: deterministic whatever finished first


def _warm_up(formats: Sequence[str]) -> None:
    """Import the model and renderers once in the parent, so forked workers start with them loaded."""
    import outlookgen.model  # noqa: F401
    import outlookgen.spec.schema_check as schema_check

    schema_check._validator()
    for fmt in formats:
        module = RENDERER_MODULES.get(fmt)
        if module:
            __import__(module)


def _pool_context():
    import multiprocessing

    # fork shares the warmed-up imports; platforms without it use their default.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


def _check(outputs: dict[Path, bytes], plan: dict[Path, dict[str, Path]]) -> None:
    """Raise listing every output that is missing or differs from what the specs build now."""
    stale: list[Diagnostic] = []
    for spec, targets in plan.items():
        for target in targets.values():
            if target not in outputs:
                continue
            if target.exists() and not target.is_file():  # a FIFO would block the check forever
                stale.append(Diagnostic(str(spec), 1, 1, "$", f"{target} is not a regular file; run outlookgen build"))
                continue
            try:
                current = target.read_bytes()
            except FileNotFoundError:
                stale.append(Diagnostic(str(spec), 1, 1, "$", f"{target} is missing; run outlookgen build"))
                continue
            except OSError as exc:
                stale.append(Diagnostic(str(spec), 1, 1, "$", f"{target} cannot be read: {exc.strerror}"))
                continue
            if current != outputs[target]:
                stale.append(Diagnostic(str(spec), 1, 1, "$", f"{target} is out of date; run outlookgen build"))
    if stale:
        raise OutputError(diagnostics=stale)


def validate_files(specs: Sequence[str | Path]) -> list[tuple[Path, list[Diagnostic]]]:
    """(spec, problems) for each spec; an empty list means valid."""
    from outlookgen.spec.validate import load_resolved, validate

    results = []
    for spec_path in discover(specs):
        try:
            problems = validate(load_resolved(spec_path))
        except SpecError as exc:
            problems = list(exc.diagnostics)
        results.append((spec_path, problems))
    return results
