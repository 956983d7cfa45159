"""The build: specs in, documents out — validate every spec, render every format, then write all at once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outlookgen.errors import Diagnostic, OutlookgenError, OutputError, SpecError
from outlookgen.output import files as writer
from outlookgen.project import workers
from outlookgen.project.discovery import discover
from outlookgen.project.pipeline import BuildOptions, SpecOutcome
from outlookgen.render import registry
from outlookgen.source_date import source_date_epoch


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    built_specs: int = 0
    skipped_specs: int = 0


class NoProject(OutlookgenError):
    """No spec named and no project configuration to name them: a command-line mistake."""


def with_project(specs: Sequence[str | Path], options: BuildOptions) -> tuple[list[str | Path], BuildOptions]:
    """Fill what the command line left open from the project configuration (outlookgen.yaml), if any.

    Explicit options win; with no SPEC named, the project's spec globs are
    used, and without a project configuration that is an error.
    """
    from dataclasses import replace

    from outlookgen.project.config import load_project

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


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats to build (default: every one that needs no extra), each able to run here."""
    chosen = tuple(dict.fromkeys(formats)) or registry.default_formats()
    registry.unknown(chosen)
    registry.preflight(chosen)
    return chosen


def build(
    specs: Sequence[str | Path],
    options: BuildOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Validate and render every spec that changed, then write every output; any problem writes nothing.

    All problems of all specs are collected before stopping, so one run shows
    the whole list. ``progress(done, total)`` is called as specs finish.
    """
    from outlookgen.packs import resolve_pack
    from outlookgen.project import cache as manifest

    options = options or BuildOptions()
    formats = check_formats(options.formats)
    spec_paths = discover(specs)
    if not spec_paths:
        raise OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')")
    extensions = {fmt: registry.FORMATS[fmt].extension for fmt in formats}
    plan = writer.plan_outputs(spec_paths, extensions, options.output_dir)
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
            source_date_epoch(),
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
        # --check of an output whose inputs are unchanged and whose file is still the
        # one recorded for them needs no render: the build is deterministic.
        if fresh and not options.force:
            result.skipped.extend(targets.values())
            result.skipped_specs += 1
        else:
            todo.append(spec)

    outcomes = workers.run(todo, formats, options, progress)
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
