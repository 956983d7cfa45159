"""The build: specs in, documents out — validate every spec, render every format, then write all at once."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from outlookgen import writer
from outlookgen.discovery import find_specs, is_folder
from outlookgen.errors import Diagnostic, FeatureUnavailable, OutlookgenError, OutputError, SpecError, one_line
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
    """The spec files named on the command line; a folder stands for every spec below it.

    Below a folder, symlinked folders are not entered and a file reached by
    several names counts once (outlookgen.discovery says why).
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if is_folder(path):
            found.extend(find_specs(path))
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
        return _out_of_memory(spec)
    except (OSError, UnicodeDecodeError) as exc:
        # The spec and its fragments are read with located errors; what is left is
        # a pack file the system will not give (permissions, an I/O error) or one in
        # another encoding. Named on the spec, so every spec it stops is listed.
        return SpecOutcome(spec, problems=(Diagnostic(str(spec), 1, 1, "$", f"cannot be built: {system_error(exc)}"),))
    dependencies = loaded.includes
    if options.changes_since is not None:
        dependencies = (*dependencies, str(Path(options.changes_since).resolve()))
    return SpecOutcome(spec, outputs=outputs, dependencies=dependencies)


def _out_of_memory(spec: Path) -> SpecOutcome:
    # Memory grows with the spec (a 5 MB spec of dense inline markup needs
    # gigabytes for Word); under a memory limit that is the input's fault, not a crash.
    message = "ran out of memory while building this spec; it is too large for this process's memory limit"
    return SpecOutcome(spec, problems=(Diagnostic(str(spec), 1, 1, "$", message),))


# --------------------------------------------------------------------------- errors from the system, and bugs

# What the system can do to any build, whatever the input: refuse a file, fail a
# disk, run out of memory, hand over a file in another encoding. Each is one error
# line; anything else escaping a build is a bug in outlookgen.
SYSTEM_ERRORS = (OSError, UnicodeDecodeError, MemoryError)


def system_error(exc: BaseException) -> OutlookgenError:
    """One of SYSTEM_ERRORS as the error a user reads: ``/pack/x.css: Permission denied``."""
    if isinstance(exc, MemoryError):
        return OutlookgenError("ran out of memory; give outlookgen more memory, or build fewer specs at once (-j)")
    if isinstance(exc, UnicodeDecodeError):
        byte = (
            f"byte 0x{exc.object[exc.start]:02x} at position {exc.start}" if exc.start < len(exc.object) else "its end"
        )
        return OutlookgenError(f"a file of the template pack is not valid UTF-8 ({byte}); save it as UTF-8")
    message = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    name = getattr(exc, "filename", None)
    if isinstance(name, (str, bytes, os.PathLike)):
        return OutlookgenError(f"{one_line(os.fsdecode(name))}: {one_line(message)}")
    return OutlookgenError(one_line(message))


def internal_error(exc: BaseException) -> OutlookgenError:
    """An exception outlookgen did not expect, in one line that asks for a bug report (for ``watch``)."""
    return OutlookgenError(
        f"unexpected {type(exc).__name__}: {one_line(str(exc))}; this is a bug in outlookgen,"
        " please report it with the files that caused it"
    )


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
    _refuse_overwriting_inputs(plan, _inputs_known_before_reading(spec_paths, options, pack))
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
    # A broken pack file fails every spec the same way: say it once.
    problems = list(dict.fromkeys(d for o in outcomes for d in o.problems))
    if problems:
        raise SpecError(diagnostics=problems)
    _refuse_overwriting_inputs({o.spec: plan[o.spec] for o in outcomes}, _fragments(outcomes, options))

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
    writer.remove_stale_temp_files(result.skipped)  # commit did it for what it wrote
    _save_manifests(manifests, outputs)
    return result


# --------------------------------------------------------------------------- outputs that are inputs


def _inputs_known_before_reading(specs: Sequence[Path], options: BuildOptions, pack) -> list[tuple[Path, str]]:
    """The inputs known before any spec is read: the specs, the --changes-since file, the pack chain's files."""
    inputs = [(spec, "the spec") for spec in specs]
    if options.changes_since is not None:
        inputs.append((Path(options.changes_since), "the --changes-since file"))
    for link in pack.chain():
        inputs.extend((path, "the template pack file") for path in sorted(link.root.rglob("*")) if path.is_file())
    return inputs


def _fragments(outcomes: Sequence[SpecOutcome], options: BuildOptions) -> list[tuple[str, str]]:
    """The included files the specs read, known only once they are read."""
    older = str(Path(options.changes_since).resolve()) if options.changes_since is not None else None
    return [(path, "the included file") for o in outcomes for path in o.dependencies if path != older]


def _refuse_overwriting_inputs(plan: Mapping[Path, Mapping[str, Path]], inputs: Iterable[tuple]) -> None:
    """An output that is one of the build's inputs is an error before anything is written.

    Its rename would replace the spec, a fragment or a pack file with a
    document (or, for a link, cut the link), and the next build would read that.
    """
    owner = {target: spec for spec, targets in plan.items() for target in targets.values()}
    clashes = writer.inputs_in_the_way(owner, inputs)
    if clashes:
        raise OutputError(
            diagnostics=[
                Diagnostic(
                    str(owner[target]),
                    1,
                    1,
                    "$",
                    f"would write {target}, which is {what} {path}; build into another folder (-o)",
                )
                for target, what, path in clashes
            ]
        )


def _save_manifests(manifests, outputs: dict[Path, bytes]) -> None:
    """Record what was built; the cache is a convenience, so failing to write it is not an error."""
    updated = {m.path: m.serialise() for folder, m in manifests.items() if any(t.parent == folder for t in outputs)}
    with contextlib.suppress(OutputError):
        writer.commit(updated)


def _run(
    specs: list[Path], formats: Sequence[str], options: BuildOptions, progress: Callable[[int, int], None] | None
) -> list[SpecOutcome]:
    """Build specs one after another, or in worker processes when there are several and jobs allow."""
    jobs = options.jobs or os.cpu_count() or 1
    total = len(specs)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    if jobs <= 1 or total <= 1:
        outcomes = []
        for spec in specs:
            outcomes.append(build_spec(spec, formats, options))
            tick()
        return outcomes
    _warm_up(formats)
    workers = min(jobs, total)
    results = _run_pool(specs, formats, options, workers, tick)
    lost = [spec for spec in specs if spec not in results]
    if lost:
        # A worker that dies (the OOM killer, a CPU limit, a crash) breaks the whole
        # pool: every spec not finished yet fails with it, and the pool cannot say
        # which one killed it. Build those again, each in a process of its own, so
        # the others are built and only the spec that kills its process is named.
        results.update(_run_isolated(lost, formats, options, min(workers, len(lost)), tick))
    return [results[spec] for spec in specs]  # input order: deterministic whatever finished first


def _run_pool(
    specs: list[Path], formats: Sequence[str], options: BuildOptions, workers: int, tick: Callable[[], None]
) -> dict[Path, SpecOutcome]:
    """The outcomes of the specs a process pool finished; those lost when the pool broke are missing."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: dict[Path, SpecOutcome] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
        futures = {}
        for spec in specs:
            try:
                futures[pool.submit(build_spec, spec, formats, options)] = spec
            except BrokenProcessPool:
                break  # a worker already died: the rest is built in isolation
        for future in as_completed(futures):
            spec = futures[future]
            try:
                results[spec] = future.result()
            except BrokenProcessPool:
                continue
            except MemoryError:  # the outcome was too big to send back
                results[spec] = _out_of_memory(spec)
            tick()
    return results


def _run_isolated(
    specs: list[Path], formats: Sequence[str], options: BuildOptions, workers: int, tick: Callable[[], None]
) -> dict[Path, SpecOutcome]:
    """Build each spec in a process of its own, ``workers`` at a time.

    A process that dies takes only its own spec with it, and how it ended
    (its exit status) says why.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    context = _pool_context() or multiprocessing.get_context()
    waiting = list(reversed(specs))
    running: dict = {}  # receiving end of the pipe -> (spec, process)
    results: dict[Path, SpecOutcome] = {}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                spec = waiting.pop()
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_build_and_send, args=(sender, spec, formats, options), daemon=True)
                process.start()
                sender.close()  # the child holds the only sending end: its death reads as the pipe's end
                running[receiver] = (spec, process)
            for receiver in wait(list(running)):
                spec, process = running.pop(receiver)
                results[spec] = _receive(receiver, process, spec)
                tick()
    finally:
        for receiver, (_, process) in running.items():  # a bug or Ctrl-C: stop the others
            process.kill()
            process.join()
            receiver.close()
    return results


def _build_and_send(sender, spec: Path, formats: Sequence[str], options: BuildOptions) -> None:
    """A child process's whole work: build one spec and send back its outcome, or the exception of a bug."""
    try:
        message = ("done", build_spec(spec, formats, options))
    except Exception as exc:  # raised again in the parent, as the pool would
        message = ("raised", exc)
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("done", _out_of_memory(spec)))
    except Exception as exc:  # an exception that does not pickle
        sender.send(("raised", RuntimeError(f"{type(message[1]).__name__}: {message[1]} ({exc})")))
    finally:
        sender.close()


def _receive(receiver, process, spec: Path) -> SpecOutcome:
    """What one child sent, or, when it died first, an error saying how it ended."""
    with receiver:
        try:
            kind, value = receiver.recv()
        except (EOFError, OSError):
            kind, value = "died", None
    process.join()
    if kind == "raised":
        raise value
    if kind == "died":
        message = f"the build of this spec was stopped: {_how_it_ended(process.exitcode)}"
        return SpecOutcome(spec, problems=(Diagnostic(str(spec), 1, 1, "$", message),))
    return value


_CRASHES = ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGABRT")


def _how_it_ended(exitcode: int | None) -> str:
    """Why a worker process ended without a result, as a user reads it."""
    import signal

    if exitcode is None or exitcode >= 0:
        return (
            f"its process ended without a result (exit code {exitcode}); this is a bug in outlookgen, please report it"
        )
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = "an unknown signal"
    said = f"(signal {-exitcode}, {name})"
    if name == "SIGKILL":
        cpu = ", or at its CPU time limit (ulimit -t)" if _cpu_limited() else ""
        return (
            f"its process was killed {said}, most often because the system ran out of memory{cpu};"
            " set a memory limit (ulimit -v) to get a clear error instead"
        )
    if name == "SIGXCPU":
        return f"its process used up its CPU time limit {said}; raise the limit (ulimit -t) or build this spec alone"
    if name in _CRASHES:
        return f"its process crashed {said}; this is a bug in outlookgen or a library it uses, please report it"
    return f"its process was killed {said}"


def _cpu_limited() -> bool:
    """Whether a hard CPU time limit is set: reaching it is a SIGKILL too."""
    try:
        import resource
    except ImportError:  # not on Windows
        return False
    return resource.getrlimit(resource.RLIMIT_CPU)[1] != resource.RLIM_INFINITY


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
