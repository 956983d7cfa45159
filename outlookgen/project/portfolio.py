"""``outlookgen portfolio``: many specs' facts gathered, the portfolio worked out once, written in every format.

Facts come from the cheapest place that is still right: a build report
(``--report``, e.g. the merged reports of a CI matrix), else the build
cache, else the spec itself — loaded (in parallel when there are many) and
its facts kept in the cache for next time. A report's or the cache's facts
are used only when the spec and every fragment it read still have the bytes
they were taken from. Settings come from the command line, else the
``portfolio:`` section of outlookgen.yaml, else the project's own settings.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, OutlookgenError, SpecError

DEFAULT_NAME = "portfolio"
# Below this many specs to load, one process does it: starting workers costs more.
_PARALLEL_FROM = 24


@dataclass(frozen=True)
class PortfolioOptions:
    """What the command line says; None and empty values leave it to the configuration."""

    specs: tuple[str | Path, ...] = ()
    output_dir: Path | None = None
    formats: tuple[str, ...] = ()
    pack: str | None = None
    locale: str | None = None
    as_of: date | None = None
    report: Path | None = None
    name: str | None = None
    jobs: int | None = None


@dataclass
class PortfolioResult:
    written: list[Path] = field(default_factory=list)
    projects: int = 0
    loaded: int = 0  # specs read because neither a report nor the cache knew them
    from_report: int = 0
    from_cache: int = 0
    portfolio: Any = None  # the model, for callers that look further (tests, lint)


def make_portfolio(options: PortfolioOptions, progress: Callable[[int, int], None] | None = None) -> PortfolioResult:
    """Gather, compute and write the portfolio; any problem writes nothing."""
    from outlookgen.model.portfolio import MissingRate, build_portfolio
    from outlookgen.output import files as writer
    from outlookgen.packs import resolve_pack
    from outlookgen.project.build import check_formats
    from outlookgen.project.config import load_project
    from outlookgen.project.discovery import discover
    from outlookgen.project.names import resolve_base
    from outlookgen.render.portfolio import Heading, prepare, render
    from outlookgen.render.registry import FORMATS

    project = load_project()
    section = dict(project.portfolio) if project else {}
    base = resolve_base(project.root if project else None)
    specs = list(options.specs) or _configured_specs(project, section)
    if not specs and project is not None:
        raise project.no_specs_error(("portfolio", "specs") if section.get("specs") else ("specs",))
    if not specs:
        from outlookgen.project.build import NoProject

        raise NoProject("no SPEC given and no outlookgen.yaml (or [tool.outlookgen]) found here or above")
    spec_paths = discover(specs)
    if not spec_paths:
        raise OutlookgenError("no spec files found (a spec is a .yaml file whose top level has 'outlook:')")
    formats = check_formats(
        options.formats or tuple(section.get("formats") or ()) or (project.formats if project else ())
    )
    pack = resolve_pack(
        options.pack or _path_setting(project, section.get("template")) or (project.template if project else None)
    )
    report = _read_report(options.report) if options.report else None
    gathered = gather(spec_paths, base, report, options.jobs or (project.jobs if project else None), progress)
    settings = _settings(gathered.inputs, section, project, options)
    try:
        portfolio = build_portfolio(gathered.inputs, settings)
    except MissingRate as exc:
        raise _rate_problem(exc, project, section, settings.currency) from None
    locale = (
        options.locale
        or section.get("locale")
        or (project.locale if project else None)
        or _usual_locale(gathered.inputs)
    )
    heading = Heading(title=section.get("title"), organization=section.get("organization"))
    document = prepare(portfolio, pack, locale, heading)
    name = options.name or section.get("name") or DEFAULT_NAME
    folder = (
        options.output_dir
        or _path_setting(project, section.get("output"), as_path=True)
        or (project.output if project else None)
        or Path(".")
    )
    outputs = {Path(folder) / f"{name}{FORMATS[fmt].extension}": render(document, fmt) for fmt in formats}
    _refuse_overwriting_specs(outputs, spec_paths)
    written = writer.commit(outputs)
    return PortfolioResult(
        written=written,
        projects=len(gathered.inputs),
        loaded=gathered.loaded,
        from_report=gathered.from_report,
        from_cache=gathered.from_cache,
        portfolio=portfolio,
    )


def _configured_specs(project, section: Mapping[str, Any]) -> list[str | Path]:
    if project is None:
        return []
    if section.get("specs"):
        from dataclasses import replace

        return list(replace(project, specs=tuple(section["specs"])).spec_files())
    return list(project.spec_files())


def _path_setting(project, value: str | None, *, as_path: bool = False):
    """A path from the configuration, relative to its file; a pack name stays a name."""
    if not value or project is None:
        return value
    if as_path or "/" in value or value.startswith("."):
        return project.root / value if as_path else str(project.root / value)
    return value


def _usual_locale(inputs) -> str:
    """The language most projects are written in (English on a tie)."""
    counts: dict[str, int] = {}
    for p in inputs:
        counts[p.facts.get("locale") or "en"] = counts.get(p.facts.get("locale") or "en", 0) + 1
    return max(sorted(counts), key=lambda k: (counts[k], k == "en")) if counts else "en"


def _refuse_overwriting_specs(outputs: Mapping[Path, bytes], specs: Sequence[Path]) -> None:
    from outlookgen.output.files import refuse_overwriting_inputs

    for target in outputs:
        refuse_overwriting_inputs(target, target, [(spec, "the spec") for spec in specs])


# --------------------------------------------------------------------------- settings


def _settings(inputs, section: Mapping[str, Any], project, options: PortfolioOptions):
    from outlookgen.model.portfolio import RoleGroup, Settings

    as_of = options.as_of or _date(section.get("as_of"))
    if as_of is None:
        dates = [p.facts.get("date") for p in inputs if p.facts.get("date")]
        if not dates:
            raise OutlookgenError("no project has a meta.date to report on; give --as-of YYYY-MM-DD")
        as_of = date.fromisoformat(max(dates))
    currencies = sorted({p.facts["currency"] for p in inputs if p.facts.get("currency") and p.facts.get("budget")})
    currency = section.get("currency")
    if currency is None:
        if len(currencies) > 1:
            where = f"{project.path}: " if project else ""
            raise OutlookgenError(
                f"{where}the projects' budgets are in {', '.join(currencies)}: set portfolio.currency and"
                " portfolio.rates in outlookgen.yaml (rates are never fetched)"
            )
        currency = currencies[0] if currencies else "USD"
    rates = {k: float(v) for k, v in (section.get("rates") or {}).items() if not str(k).startswith("x-")}
    groups = tuple(
        RoleGroup(
            key=str(key),
            title=spec.get("title"),
            match=frozenset(str(m) for m in spec.get("match") or ()),
            capacity=float(spec.get("capacity") or 100),
        )
        for key, spec in (section.get("roles") or {}).items()
        if isinstance(spec, Mapping)
    )
    return Settings(
        as_of=as_of,
        currency=currency,
        rates=rates,
        roles=groups,
        weeks=int(section.get("weeks") or 13),
        quarters=int(section.get("quarters") or 4),
    )


def _date(value) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _rate_problem(exc, project, section: Mapping[str, Any], currency: str) -> OutlookgenError:
    """A missing conversion rate, located at the configuration's rates (or portfolio section)."""
    shown = ", ".join(exc.projects[:3]) + (f" and {len(exc.projects) - 3} more" if len(exc.projects) > 3 else "")
    message = (
        f"no conversion rate for {exc.currency} (used by {shown}); add {exc.currency}: <{currency} per"
        f" {exc.currency}> under portfolio.rates (rates are never fetched)"
    )
    if project is None:
        return OutlookgenError(message)
    path = ("portfolio", "rates") if "rates" in section else ("portfolio",) if section else ()
    return SpecError(diagnostics=[project.diagnostic(path, message)])


# --------------------------------------------------------------------------- gathering facts


@dataclass
class Gathered:
    inputs: list = field(default_factory=list)
    loaded: int = 0
    from_report: int = 0
    from_cache: int = 0


def _read_report(path: Path) -> dict[str, Mapping[str, Any]]:
    from outlookgen.project.report import read_report

    return {r["spec"]: r for r in read_report(path)["specs"]}


def _fresh(facts: Any, sources: Any, dependencies: Any, spec: Path, base: Path) -> bool:
    """Whether facts taken from ``sources`` still hold: the spec and every file it read are unchanged."""
    from outlookgen.model.project_facts import FACTS_FORMAT
    from outlookgen.project.cache import sources_digest

    if not isinstance(facts, dict) or facts.get("format") != FACTS_FORMAT or not isinstance(sources, str):
        return False
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        return False
    return sources_digest(spec, dependencies, base) == sources


def gather(
    specs: Sequence[Path],
    base: Path,
    report: Mapping[str, Mapping[str, Any]] | None,
    jobs: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> Gathered:
    """Every spec's facts, in the order given (see the module docstring); SpecError listing every spec that
    does not load."""
    from outlookgen.model.portfolio import ProjectInput
    from outlookgen.project import cache
    from outlookgen.project.names import relative_name

    out = Gathered()
    facts: dict[Path, dict] = {}
    outcomes: dict[Path, Mapping[str, Any]] = {}
    records: dict[Path, cache.SpecRecord] = {}
    todo: list[Path] = []
    names = {spec: relative_name(spec, base) for spec in specs}
    for spec in specs:
        line = report.get(names[spec]) if report else None
        if line is not None:
            outcomes[spec] = line
            if _fresh(line.get("facts"), line.get("sources"), line.get("dependencies"), spec, base):
                facts[spec] = line["facts"]
                out.from_report += 1
                continue
        digest = cache.digest_file(spec)
        if digest is not None:
            record = records[spec] = cache.SpecRecord.read(cache.spec_key(names[spec], digest), names[spec])
            if _fresh(record.facts, record.sources, list(record.dependencies), spec, base):
                facts[spec] = record.facts
                out.from_cache += 1
                continue
        todo.append(spec)
    problems: list[Diagnostic] = []
    for spec, result in _load_all(todo, jobs, progress):
        if isinstance(result, tuple) and result and isinstance(result[0], Diagnostic):
            problems.extend(result)
            continue
        spec_facts, dependencies, tasks = result
        facts[spec] = spec_facts
        deps = [relative_name(d, base) for d in dependencies]
        sources = cache.sources_digest(spec, deps, base)
        record = records.get(spec)
        if sources is not None and record is not None:
            record.renew(sources, deps)
            record.learn(spec_facts, None, tasks)
    out.loaded = len(todo)
    if problems:
        raise SpecError(diagnostics=list(dict.fromkeys(problems)))
    cache.save_records(records.values())
    out.inputs = [ProjectInput(names[spec], facts[spec], outcomes.get(spec)) for spec in specs]
    return out


def load_facts(spec: Path):
    """(facts, fragments read, task count) of one spec, or its problems (a tuple of Diagnostic)."""
    from outlookgen.project.pipeline import load_outlook
    from outlookgen.project.records import spec_facts

    try:
        loaded = load_outlook(spec)
    except OutlookgenError as exc:
        return tuple(exc.diagnostics or (Diagnostic(str(spec), 1, 1, "$", str(exc)),))
    except MemoryError:
        return (Diagnostic(str(spec), 1, 1, "$", "ran out of memory while reading this spec"),)
    except (OSError, UnicodeDecodeError) as exc:
        from outlookgen.project.faults import system_error

        return (Diagnostic(str(spec), 1, 1, "$", f"cannot be read: {system_error(exc)}"),)
    return spec_facts(loaded.outlook), tuple(loaded.spec.includes), len(loaded.outlook.roadmap.tasks)


def _load_all(specs: Sequence[Path], jobs: int | None, progress):
    """(spec, load_facts result) for each spec, in the order given; in worker processes when it pays."""
    workers = min(jobs or os.cpu_count() or 1, len(specs))
    if workers <= 1 or len(specs) < _PARALLEL_FROM:
        for n, spec in enumerate(specs, 1):
            yield spec, load_facts(spec)
            if progress:
                progress(n, len(specs))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import outlookgen.model  # noqa: F401 — loaded once here, shared by the forked workers
    import outlookgen.spec.schema as schema_check

    schema_check.validator()
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for n, result in enumerate(pool.map(load_facts, specs, chunksize=max(1, len(specs) // (workers * 8))), 1):
            yield specs[n - 1], result
            if progress:
                progress(n, len(specs))
