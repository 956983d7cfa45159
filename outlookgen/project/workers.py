"""Building many specs at once: a process pool, and each spec in a process of its own when a worker dies."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from outlookgen.errors import Diagnostic
from outlookgen.project.pipeline import BuildOptions, SpecOutcome, build_spec, out_of_memory
from outlookgen.render.registry import FORMATS


def run(
    specs: list[Path],
    formats: Sequence[str],
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    pack=None,
) -> list[SpecOutcome]:
    """Build specs one after another, or in worker processes when there are several and jobs allow.

    ``pack``: ``options.pack`` already resolved, for the specs built in this process.
    """
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
            # one spec at a time: the other CPUs may render its formats side by side
            outcomes.append(build_spec(spec, formats, options, spare_cpu=jobs > 1, pack=pack))
            tick()
        return outcomes
    warm_up(formats)
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
                results[spec] = out_of_memory(spec)
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
        sender.send(("done", out_of_memory(spec)))
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


def warm_up(formats: Sequence[str]) -> None:
    """Import the model and renderers once in the parent, so forked workers start with them loaded."""
    import outlookgen.model  # noqa: F401
    import outlookgen.spec.schema as schema_check

    schema_check.validator()
    for fmt in formats:
        __import__(FORMATS[fmt].module)


def _pool_context():
    import multiprocessing

    # fork shares the warmed-up imports; platforms without it use their default.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None
