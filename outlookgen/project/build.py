"""The build: specs in, documents out — validate every spec, render every format, then write all at once.

Which specs one run builds can be narrowed (a CI shard, the specs a change
touches); what it did can be written as a report (one record per spec), which
``outlookgen merge`` combines across shards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from outlookgen.errors import Diagnostic, OutlookgenError, OutputError, SpecError
from outlookgen.fields_repr import fields_repr
from outlookgen.output import files as writer
from outlookgen.project import workers
from outlookgen.project.discovery import discover
from outlookgen.project.pipeline import BuildOptions, SpecOutcome, reap_children
from outlookgen.render import registry
from outlookgen.source_date import source_date_epoch

if TYPE_CHECKING:  # a build that is not sharded does not load shards.py (~2 ms)
    from outlookgen.project.shards import Shard


@dataclass(repr=False)
class BuildResult:
    """What a build did: the files written and left alone, the specs built and skipped, its warnings."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    built_specs: int = 0
    skipped_specs: int = 0
    project_specs: int = 0  # specs found, before a shard or --affected-since narrowed them
    selected_specs: int = 0  # specs this run was about
    report: Path | None = None  # the build report written, if one was asked for
    warnings: list[Diagnostic] = field(default_factory=list)  # printed as warning lines; the build still succeeds

    __repr__ = fields_repr


@dataclass(frozen=True, repr=False)
class Scope:
    """Which of the specs found one run builds, and whether it writes a report.

    ``shard``: this CI job's share (``--shard K/N``); ``affected_since``: only
    specs a change since that git ref touches; ``touched``: only specs the
    named changed files touch (what pre-commit passes); ``report``: where to
    write the build report.
    """

    shard: Shard | None = None
    affected_since: str | None = None
    touched: tuple[Path, ...] | None = None
    report: Path | None = None

    __repr__ = fields_repr


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
    if not chosen:
        raise project.no_specs_error()
    return chosen, replace(
        options,
        formats=options.formats or project.formats,
        output_dir=options.output_dir or project.output,
        pack=options.pack or project.template,
        locale=options.locale or project.locale,
        jobs=options.jobs or project.jobs,
        layout=options.layout or project.layout,
        base=options.base or project.root,
    )


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats to build (default: every one that needs no extra), each able to run here."""
    chosen = tuple(dict.fromkeys(formats)) or registry.default_formats()
    registry.unknown(chosen)
    registry.preflight(chosen)
    return chosen


# BuildOptions fields that decide where outputs go or how the work is done, never
# what the documents hold: left out of the inputs digest. Every other field —
# including those added later — is part of it, so no option can reuse a stale output.
_NOT_IN_OUTPUTS = frozenset({"formats", "output_dir", "force", "check", "jobs", "layout", "base", "strict"})


def build(
    specs: Sequence[str | Path],
    options: BuildOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    scope: Scope | None = None,
) -> BuildResult:
    """Validate and render every spec that changed, then write every output; any problem writes nothing.

    All problems of all specs are collected before stopping, so one run shows
    the whole list. ``progress(done, total)`` is called as specs finish.
    """
    from outlookgen.packs import resolve_pack
    from outlookgen.project import cache
    from outlookgen.project.names import relative_name, resolve_base

    options = options or BuildOptions()
    scope = scope or Scope()
    formats = check_formats(options.formats)
    base = resolve_base(options.base)
    spec_paths = discover(specs)
    if not spec_paths:
        raise OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')")
    if options.layout not in (None, "flat", "tree"):
        raise OutlookgenError(f"'{options.layout}' is not an output layout; choose flat or tree")
    extensions = {fmt: registry.FORMATS[fmt].extension for fmt in formats}
    # Planned for every spec, whatever this run builds: a clash between two shards is found in each.
    plan = writer.plan_outputs(
        spec_paths, extensions, options.output_dir, tree_base=base if options.layout == "tree" else None
    )
    pack = resolve_pack(options.pack)  # an unknown pack fails here, once, before any work
    contrast = _pack_contrast(pack, formats, options.strict)  # said once per build, not per spec
    names = {spec: relative_name(spec, base) for spec in spec_paths}
    chosen = _select(spec_paths, names, scope, options, pack, base)
    plan = {spec: plan[spec] for spec in chosen}
    _refuse_overwriting_inputs(plan, _inputs_known_before_reading(chosen, options, pack))
    context = _context(options, pack, base)

    result = BuildResult(project_specs=len(spec_paths), selected_specs=len(chosen))
    records: dict[Path, cache.SpecRecord] = {}
    todo: list[Path] = []
    fresh_inputs: dict[Path, str] = {}
    for spec in chosen:
        record = _record(spec, names[spec])
        if record is not None:
            records[spec] = record
        inputs = _up_to_date(record, spec, plan[spec], context, base) if not options.force else None
        # --check of an output whose inputs are unchanged and whose file is still the
        # one recorded for them needs no render: the build is deterministic.
        if inputs is not None:
            fresh_inputs[spec] = inputs
            result.skipped.extend(plan[spec].values())
            result.skipped_specs += 1
        else:
            todo.append(spec)

    outcomes = workers.run(todo, formats, options, progress, pack)
    built: dict[Path, str | None] = {}
    outputs: dict[Path, bytes] = {}
    for outcome in outcomes:
        if outcome.problems:
            continue
        built[outcome.spec] = _remember(records, outcome, names[outcome.spec], context, base)
        for fmt, payload in outcome.outputs.items():
            outputs[plan[outcome.spec][fmt]] = payload
    result.built_specs = len(outcomes)
    result.warnings = contrast + sorted(dict.fromkeys(w for o in outcomes for w in o.warnings))
    # A broken pack file fails every spec the same way: say it once.
    problems = list(dict.fromkeys(d for o in outcomes for d in o.problems))
    stale: list[Diagnostic] = []
    if not problems:
        _refuse_overwriting_inputs({o.spec: plan[o.spec] for o in outcomes}, _fragments(outcomes, options))
        if options.check:
            stale = _check(outputs, plan)
    document = None
    if scope.report is not None:
        from outlookgen.project.report import build_report

        document = build_report(
            chosen, names, plan, base, records, outcomes, fresh_inputs, built, options, scope, result
        )
    # The outputs first, then the report and the cache: a fault or a kill while
    # writing them finds the outputs' files first, and the report and what was
    # learnt are kept even when the build stops on a problem.
    try:
        if problems:
            raise SpecError(diagnostics=problems)
        if stale:
            raise OutputError(diagnostics=stale)
        if not options.check:
            result.written = writer.commit(outputs)
            writer.remove_stale_temp_files(result.skipped)  # commit did it for what it wrote
    finally:
        cache.save_records(records.values())  # never fails: the cache is a convenience
        if document is not None:
            from outlookgen.project.report import write_report

            result.report = write_report(scope.report, document)
        reap_children()  # a forked child was left exiting while the outputs were written
    return result


def _pack_contrast(pack, formats: Sequence[str], strict: bool) -> list[Diagnostic]:
    """The pack's brand colours that fail WCAG text contrast (A11Y101): warnings, or with ``strict`` the error."""
    from outlookgen.errors import TemplateError
    from outlookgen.packs.check import contrast_findings

    if not set(formats) & {"html", "pdf", "docx"}:
        return []  # Markdown has no colours
    try:
        findings = contrast_findings(pack, severity="error" if strict else "warning")
    except OutlookgenError:
        return []  # a brand that does not load is reported where every spec renders, as before
    if strict and findings:
        raise TemplateError(diagnostics=findings)
    return findings


# --------------------------------------------------------------------------- which specs


def _select(specs: list[Path], names: Mapping[Path, str], scope: Scope, options: BuildOptions, pack, base: Path):
    """The specs this run builds: the shard's share, then those a change touches."""
    chosen = specs
    if scope.shard is not None:
        from outlookgen.project.shards import pick

        chosen = pick(chosen, names, scope.shard)
    if scope.affected_since is not None or scope.touched is not None:
        from outlookgen.project import affected

        changed: set[str] = set()
        if scope.affected_since is not None:
            changed |= affected.changed_since(scope.affected_since, base)
        if scope.touched is not None:
            changed |= affected.touched(scope.touched)
        chosen = affected.affected(chosen, changed, _shared_inputs(options, pack))
    return chosen


def _shared_inputs(options: BuildOptions, pack) -> list[Path]:
    """Files every document is built from: the pack chain's files, the configuration, --changes-since."""
    from outlookgen.project.config import find_config

    shared = [path for link in pack.chain() for path in sorted(link.root.rglob("*")) if path.is_file()]
    config = find_config()
    if config is not None:
        shared.append(config)
    if options.changes_since is not None:
        shared.append(Path(options.changes_since))
    return shared


# --------------------------------------------------------------------------- the cache


def _context(options: BuildOptions, pack, base: Path) -> str:
    """Everything but the specs' own sources that shapes the outputs, as one string (no absolute path in it)."""
    from outlookgen.project import cache
    from outlookgen.project.names import relative_name

    values = []
    for f in dataclasses.fields(options):
        if f.name in _NOT_IN_OUTPUTS:
            continue
        value = getattr(options, f.name)
        if f.name == "pack":
            value = pack.name  # the folder it was found in is not what it is: its files are
        elif isinstance(value, Path):
            value = relative_name(value, base)
        values.append(f"{f.name}={value!r}")
    return "\0".join([cache.tree_digest(p.root for p in pack.chain()), *values, source_date_epoch()])


def _record(spec: Path, name: str):
    """The cache's record of the spec as it is now; None when the spec cannot be read (the build says why)."""
    from outlookgen.project import cache

    digest = cache.digest_file(spec)
    if digest is None:
        return None
    record = cache.SpecRecord.read(cache.spec_key(name, digest), name)
    record.spec_digest = digest
    return record


def _up_to_date(record, spec: Path, targets: Mapping[str, Path], context: str, base: Path) -> str | None:
    """The inputs digest when every output of the spec is current (its file has the digest recorded for
    today's inputs); None when something must be built."""
    from outlookgen.project import cache

    if record is None or not record.sources:
        return None
    if cache.sources_digest(spec, record.dependencies, base, record.spec_digest) != record.sources:
        return None
    inputs = cache.build_digest(record.sources, context)
    recorded = record.outputs(inputs)
    if all(fmt in recorded and cache.digest_file(target) == recorded[fmt] for fmt, target in targets.items()):
        return inputs
    return None


def _remember(records, outcome: SpecOutcome, name: str, context: str, base: Path) -> str | None:
    """Record what one spec was built into and what was learnt of it; its inputs digest (None: unreadable)."""
    from outlookgen.project import cache
    from outlookgen.project.names import relative_name

    record = records.get(outcome.spec)
    if record is None:
        record = _record(outcome.spec, name)
        if record is None:
            return None
        records[outcome.spec] = record
    dependencies = [relative_name(d, base) for d in outcome.dependencies]
    sources = cache.sources_digest(outcome.spec, dependencies, base)
    if sources is None:
        return None
    record.renew(sources, dependencies)
    inputs = cache.build_digest(sources, context)
    for fmt, payload in outcome.outputs.items():
        record.record(inputs, fmt, cache.digest_bytes(payload))
    record.learn(outcome.facts, outcome.findings, outcome.tasks, outcome.seconds if not outcome.problems else None)
    return inputs


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


def _check(outputs: dict[Path, bytes], plan: Mapping[Path, Mapping[str, Path]]) -> list[Diagnostic]:
    """Every output that is missing or differs from what the specs build now, as error lines."""
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
    return stale
