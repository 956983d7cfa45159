"""One spec through the pipeline: load, validate, model — then every format rendered from one prepared document."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, OutlookgenError, SpecError, format_path
from outlookgen.fields_repr import fields_repr
from outlookgen.project.discovery import discover
from outlookgen.project.faults import system_error
from outlookgen.spec.validate import load_valid


@dataclass(frozen=True, repr=False)
class BuildOptions:
    """What a build is asked for besides the specs: formats, folders, pack, locale and the rest of the options."""

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
    toc_pages: bool = False  # page numbers in the Word contents, from LibreOffice's layout (render/docx/toc_pages.py)
    layout: str | None = None  # with output_dir: "tree" keeps the specs' folders below it, "flat" (default) does not
    base: Path | None = None  # the project's folder (names in caches, shards, reports); None: the working folder
    strict: bool = False  # a pack whose colours fail WCAG contrast (A11Y101) is an error, not a warning

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class LoadedOutlook:
    """A valid spec and the outlook modelled from it."""

    spec: object  # spec.loader.LoadedSpec: where each value was written, the fragments read
    outlook: object  # model.Outlook
    baseline_files: tuple[str, ...] = ()  # the baseline file read (a dependency of the outputs)

    __repr__ = fields_repr


def load_outlook(path: str | Path) -> LoadedOutlook:
    """Load, validate and model one spec; SpecError listing every problem (the one way every command reads a spec).

    The spec's baseline (``roadmap.baseline``, or the baseline file beside it)
    is read too, so every document and check sees the same slips.
    """
    from outlookgen.model import build_outlook
    from outlookgen.model.calendar import PlanProblem
    from outlookgen.project.baseline import find_baseline, read_baseline

    loaded = load_valid(path)
    source = find_baseline(Path(path), loaded)
    baseline = read_baseline(Path(path), loaded, source) if source is not None else None
    try:
        outlook = build_outlook(loaded.data, baseline=baseline)
    except PlanProblem as problem:
        file, line, column = loaded.locate(problem.path)
        raise SpecError(
            diagnostics=[Diagnostic(file, line, column, format_path(problem.path), problem.message)]
        ) from None
    files = (str(source.file.resolve()),) if source is not None and source.file is not None else ()
    return LoadedOutlook(loaded, outlook, files)


def calendar_warnings(loaded: LoadedOutlook) -> tuple[Diagnostic, ...]:
    """A warning for each year the calendar preset could only estimate, located at the preset."""
    from outlookgen.model.calendar import describe_note

    notes = loaded.outlook.roadmap.calendar.notes
    if not notes:
        return ()
    file, line, column = loaded.spec.locate(("roadmap", "calendar", "preset"))
    return tuple(
        Diagnostic(file, line, column, "roadmap.calendar.preset", describe_note(note), severity="warning")
        for note in notes
    )


@dataclass(frozen=True, repr=False)
class SpecOutcome:
    """What building one spec produced: outputs, the fragments it read, or its problems."""

    spec: Path
    outputs: dict[str, bytes] = field(default_factory=dict)
    dependencies: tuple[str, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()  # worth saying, but the outputs are written (exit 0)
    # What the build learnt of the spec on the way (outlookgen.project.records), for the cache and reports.
    facts: dict | None = None
    findings: list | None = None
    tasks: int | None = None
    seconds: float = 0.0

    __repr__ = fields_repr


def _checklist(loaded, outlook, locale: str) -> dict:
    """The plan quality checklist for --lint-appendix, honouring the spec's x-lint and the project config."""
    from outlookgen.project.lint import checklist_for

    return checklist_for(loaded, outlook, lang=locale)


def build_spec(
    spec: Path, formats: Sequence[str], options: BuildOptions, *, spare_cpu: bool = False, pack=None
) -> SpecOutcome:
    """Validate one spec and render it in every format, in memory (runs in a worker process).

    The document is prepared once (the template context, the status day, the
    changes) and every format lays out that same document; ``spare_cpu`` says
    no other spec is being built at the same time, so the document may
    render its formats side by side. ``pack`` is ``options.pack`` resolved,
    when the caller has it (a build resolves it once, before any spec).
    """
    import time

    from outlookgen.packs import resolve_pack
    from outlookgen.project.records import spec_facts, spec_findings
    from outlookgen.render.context import Extras, prepare

    started = time.perf_counter()
    try:
        loaded = load_outlook(spec)
        pack = pack or resolve_pack(options.pack)
        outlook = loaded.outlook
        locale = options.locale or outlook.meta.locale
        previous = load_outlook(options.changes_since).outlook if options.changes_since is not None else None
        extras = Extras(
            lint=_checklist(loaded.spec, outlook, locale) if options.lint_appendix else None,
            as_of=options.as_of,
            previous=previous,
            source=spec_source(spec),
        )
        document = prepare(outlook, pack, locale, extras)
        # The portfolio facts and lint findings go with the formats a forked child renders, if any.
        outputs, (facts, findings) = render_formats(
            document,
            formats,
            spare_cpu=spare_cpu,
            records=lambda: (spec_facts(outlook), spec_findings(loaded.spec, outlook)),
        )
        if options.toc_pages and "docx" in outputs:
            from outlookgen.render.docx.toc_pages import with_page_numbers

            outputs["docx"] = with_page_numbers(outputs["docx"])
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
    dependencies = (*loaded.spec.includes, *loaded.baseline_files)
    if options.changes_since is not None:
        dependencies = (*dependencies, str(Path(options.changes_since).resolve()))
    return SpecOutcome(
        spec,
        outputs=outputs,
        dependencies=dependencies,
        facts=facts,
        findings=findings,
        tasks=len(outlook.roadmap.tasks),
        seconds=time.perf_counter() - started,
        warnings=(*as_of_warnings(loaded, options.as_of), *calendar_warnings(loaded)),
    )


def spec_source(spec: Path) -> tuple[str, str] | None:
    """The spec's file name and the SHA-256 of its bytes: what a reviewed Word file says it came from."""
    from outlookgen.project.cache import digest_file

    digest = digest_file(spec)
    return None if digest is None else (spec.name, digest)


def as_of_warnings(loaded: LoadedOutlook, as_of: date | None) -> tuple[Diagnostic, ...]:
    """A warning when ``--as-of`` is outside the plan's span, located at ``roadmap.start`` and naming the span."""
    from outlookgen.model.status import outside_plan, plan_span

    where = outside_plan(loaded.outlook, as_of) if as_of is not None else None
    if where is None:
        return ()
    span = plan_span(loaded.outlook)
    runs = f"the plan runs from {span.start.isoformat()} to {span.end.isoformat()}"
    if where == "before":
        message = f"--as-of {as_of.isoformat()} is before the plan starts ({runs}); progress shows 0%"
    else:
        message = f"--as-of {as_of.isoformat()} is after the plan ends ({runs}); progress shows the last report"
    file, line, column = loaded.spec.locate(("roadmap", "start"))
    return (Diagnostic(file, line, column, "roadmap.start", message, severity="warning"),)


def render_formats(
    document, formats: Sequence[str], *, records: Callable[[], Any], spare_cpu: bool = False
) -> tuple[dict[str, bytes], Any]:
    """Every format of one prepared document and what ``records()`` gives; forked work where it pays.

    Word renders in this process and takes longest; the other formats and
    ``records`` (the spec's portfolio facts and lint findings) go to a
    forked child when a CPU is spare. The child only saves time: whatever
    goes wrong there (an error, a crash, no fork on this platform), what it
    had is done here instead, so errors and results are those of a plain
    sequential run.
    """
    from outlookgen.render.registry import halves, renderer

    heavy = "docx" if "docx" in formats else formats[-1]
    rest = [f for f in formats if f != heavy]
    # Forking pays for a document of any size: while the child makes Word's markup, the other
    # formats and the records, this process loads lxml and the writer and gets the reference
    # ready (docs/architecture.md: the two halves take about as long for a sample).
    if not (spare_cpu and rest and _can_fork()):
        return {fmt: renderer(fmt)(document) for fmt in formats}, records()
    split = halves(heavy)
    # A format made in two halves (Word) has the child make its first half before anything
    # else, while this process gets ready for the second.
    child = _fork_rendering(document, rest, records, split[0] if split else None)
    try:
        if split:
            markup, get_ready, from_markup = split
            ready = get_ready(document)
            text = child.first()
            outputs = {heavy: from_markup(markup(document) if text is None else text, document, ready)}
        else:
            outputs = {heavy: renderer(heavy)(document)}
    except BaseException:
        child.stop()  # nobody will read what it sends: in a long-lived process (watch) it would wait for ever
        raise
    done = child.rest()
    if done is None:
        done = {fmt: renderer(fmt)(document) for fmt in rest}, records()
    outputs.update(done[0])
    return {fmt: outputs[fmt] for fmt in formats}, done[1]


def _can_fork() -> bool:
    """Whether a forked child may render: fork exists, a second CPU does, and this is the process's only thread.

    A fork copies only the calling thread; a lock another thread held then
    (a module being imported, a logging handler) stays held in the child for
    ever, and this process would wait for ever on it. So a program that
    builds from a thread (a server) or beside other threads renders here.
    """
    import threading

    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


class _Child:
    """A forked child's answers, in the order it sends them: the first half (or None), then (outputs, records).

    One child, two messages, one pipe: ``os.fork`` and pickle, not
    multiprocessing, whose import and process set-up were ~6 ms of every
    small build's critical path (the parent waits for nothing else of it).
    """

    def __init__(self, pid: int, receiver, sends_first: bool):
        self.pid, self.receiver = pid, receiver
        self.first_taken = not sends_first

    def _receive(self) -> Any:
        import pickle

        try:
            return pickle.load(self.receiver)
        except Exception:  # the child died mid-message or sent nothing: this process does the work
            return None

    def first(self) -> str | None:
        self.first_taken = True
        text = self._receive()
        return text if isinstance(text, str) else None

    def rest(self) -> tuple[dict[str, bytes], Any] | None:
        with self.receiver:
            if not self.first_taken:
                self.first()
            result = self._receive()
        self._leave()
        return result if isinstance(result, tuple) and len(result) == 2 else None

    def _leave(self) -> None:
        """Reap the child if it is gone, else leave it to :func:`reap_children`.

        It has sent everything and is exiting: the system freeing its memory
        (~1.5 ms) goes on while this process writes the outputs.
        """
        try:
            gone, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return
        if not gone:
            _EXITING.append(self.pid)

    def stop(self) -> None:
        import contextlib
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)  # it holds nothing of ours: its outputs go nowhere
        self.receiver.close()
        self._reap()

    def _reap(self) -> None:
        import contextlib

        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


_EXITING: list[int] = []  # children that sent all they had, not reaped yet


def reap_children() -> None:
    """Wait for the children that sent all they had and were left exiting (a build calls it once written)."""
    import contextlib

    while _EXITING:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_EXITING.pop(), 0)


def _fork_rendering(document, formats: Sequence[str], records: Callable[[], Any], first: Callable | None = None):
    """Start ``first`` (if any), then ``formats`` and ``records`` in a forked child; a :class:`_Child` to wait for."""
    import sys

    reap_children()  # a caller that never did (a program calling build_spec) keeps one at most

    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child would hold a copy of what is buffered
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child starts with the document in its memory
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as sender:
                _render_and_send(sender, document, formats, records, first)
            code = 0
        finally:
            os._exit(code)  # no atexit handler, no buffer of the parent's flushed twice
    os.close(write_end)
    return _Child(pid, os.fdopen(read_end, "rb"), first is not None)


def _render_and_send(sender, document, formats: Sequence[str], records: Callable[[], Any], first) -> None:
    import pickle

    from outlookgen.render.registry import renderer

    def send(answer) -> None:
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception:  # something that does not pickle: the parent does it again
            data = pickle.dumps(None)
        sender.write(data)
        sender.flush()  # the parent may be waiting for this one

    if first is not None:
        try:
            text = first(document)
        except BaseException:  # the parent makes it again and reports the error itself
            text = None
        send(text)
    try:
        result = ({fmt: renderer(fmt)(document) for fmt in formats}, records())
    except BaseException:  # the parent does it all again and reports the error itself
        result = None
    send(result)


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
