"""One spec through the pipeline: load, validate, model — then every format rendered from one prepared document."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from outlookgen.errors import Diagnostic, OutlookgenError, SpecError
from outlookgen.project.discovery import discover
from outlookgen.project.faults import system_error
from outlookgen.spec.validate import load_valid


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


@dataclass(frozen=True)
class LoadedOutlook:
    """A valid spec and the outlook modelled from it."""

    spec: object  # spec.loader.LoadedSpec: where each value was written, the fragments read
    outlook: object  # model.Outlook


def load_outlook(path: str | Path) -> LoadedOutlook:
    """Load, validate and model one spec; SpecError listing every problem (the one way every command reads a spec)."""
    from outlookgen.model import build_outlook

    loaded = load_valid(path)
    return LoadedOutlook(loaded, build_outlook(loaded.data))


@dataclass(frozen=True)
class SpecOutcome:
    """What building one spec produced: outputs, the fragments it read, or its problems."""

    spec: Path
    outputs: dict[str, bytes] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()
    problems: tuple[Diagnostic, ...] = ()


def _checklist(loaded, outlook, locale: str) -> dict:
    """The plan quality checklist for --lint-appendix, honouring the spec's x-lint and the project config."""
    from outlookgen.project.lint import checklist_for

    return checklist_for(loaded, outlook, lang=locale)


def build_spec(spec: Path, formats: Sequence[str], options: BuildOptions, *, spare_cpu: bool = False) -> SpecOutcome:
    """Validate one spec and render it in every format, in memory (runs in a worker process).

    The document is prepared once (the template context, the status day, the
    changes) and every format lays out that same document; ``spare_cpu`` says
    no other spec is being built at the same time, so a large document may
    render its formats side by side.
    """
    from outlookgen.packs import resolve_pack
    from outlookgen.render.context import Extras, prepare

    try:
        loaded = load_outlook(spec)
        pack = resolve_pack(options.pack)
        outlook = loaded.outlook
        locale = options.locale or outlook.meta.locale
        previous = load_outlook(options.changes_since).outlook if options.changes_since is not None else None
        extras = Extras(
            lint=_checklist(loaded.spec, outlook, locale) if options.lint_appendix else None,
            as_of=options.as_of,
            previous=previous,
        )
        document = prepare(outlook, pack, locale, extras)
        outputs = render_formats(document, formats, spare_cpu=spare_cpu)
    except OutlookgenError as exc:
        problems = exc.diagnostics or (Diagnostic(str(spec), 1, 1, "$", str(exc)),)
        return SpecOutcome(spec, problems=tuple(problems))
    except MemoryError:
        return out_of_memory(spec)
    except (OSError, UnicodeDecodeError) as exc:
        # The spec and its fragments are read with located errors; what is left is
        # a pack file the system will not give (permissions, an I/O error) or one in
        # another encoding. Named on the spec, so every spec it stops is listed.
        return SpecOutcome(spec, problems=(Diagnostic(str(spec), 1, 1, "$", f"cannot be built: {system_error(exc)}"),))
    dependencies = loaded.spec.includes
    if options.changes_since is not None:
        dependencies = (*dependencies, str(Path(options.changes_since).resolve()))
    return SpecOutcome(spec, outputs=outputs, dependencies=dependencies)


# A document with this many tasks takes long enough to render (about 0.2 s a
# format) that rendering its formats side by side pays for starting a process.
_SPLIT_FROM_TASKS = 150


def render_formats(document, formats: Sequence[str], *, spare_cpu: bool = False) -> dict[str, bytes]:
    """Every format of one prepared document; Word in this process, the others in a forked one when it pays.

    The child only saves time: whatever goes wrong there (an error, a
    crash, no fork on this platform), the formats it had are rendered here
    instead, so errors and outputs are those of a plain sequential render.
    """
    from outlookgen.render.registry import renderer

    heavy = "docx" if "docx" in formats else formats[-1]
    rest = [f for f in formats if f != heavy]
    if not (spare_cpu and rest and len(document.outlook.roadmap.tasks) >= _SPLIT_FROM_TASKS and _can_fork()):
        return {fmt: renderer(fmt)(document) for fmt in formats}
    child = _fork_rendering(document, rest)
    outputs = {heavy: renderer(heavy)(document)}
    done = child() or {}
    outputs.update({fmt: done[fmt] if fmt in done else renderer(fmt)(document) for fmt in rest})
    return {fmt: outputs[fmt] for fmt in formats}


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _fork_rendering(document, formats: Sequence[str]):
    """Start rendering ``formats`` in a forked child; the returned function waits for {format: bytes} or None."""
    import multiprocessing

    context = multiprocessing.get_context("fork")  # the child starts with the document in its memory
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_render_and_send, args=(sender, document, formats), daemon=True)
    process.start()
    sender.close()

    def wait() -> dict[str, bytes] | None:
        with receiver:
            try:
                result = receiver.recv()
            except (EOFError, OSError):
                result = None
        process.join()
        return result if isinstance(result, dict) else None

    return wait


def _render_and_send(sender, document, formats: Sequence[str]) -> None:
    from outlookgen.render.registry import renderer

    try:
        result = {fmt: renderer(fmt)(document) for fmt in formats}
    except BaseException:  # the parent renders them again and reports the error itself
        result = None
    try:
        sender.send(result)
    finally:
        sender.close()


def out_of_memory(spec: Path) -> SpecOutcome:
    # Memory grows with the spec (a 5 MB spec of dense inline markup needs
    # gigabytes for Word); under a memory limit that is the input's fault, not a crash.
    message = "ran out of memory while building this spec; it is too large for this process's memory limit"
    return SpecOutcome(spec, problems=(Diagnostic(str(spec), 1, 1, "$", message),))


def validate_files(specs: Sequence[str | Path]) -> list[tuple[Path, list[Diagnostic]]]:
    """(spec, problems) for each spec; an empty list means valid."""
    results = []
    for spec_path in discover(specs):
        try:
            load_valid(spec_path)
        except SpecError as exc:
            results.append((spec_path, list(exc.diagnostics)))
        else:
            results.append((spec_path, []))
    return results
