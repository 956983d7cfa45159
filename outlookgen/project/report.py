"""Build reports: one JSON record per spec (``build --report``), and shards' reports merged into one.

A record says what became of one spec: its inputs digest, each output (its
path, digest and whether it was written, left as it was, or found stale),
the time it took, its problems and lint findings, and its portfolio facts.
Names are project-relative (:mod:`outlookgen.project.names`), so reports from
CI jobs on different machines merge into one, and ``outlookgen portfolio
--report`` reads the facts back instead of loading a thousand specs.

Merging checks what the shards promise: each spec in one report only, and,
when the reports name their shard, every shard of the split present.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from outlookgen import __version__
from outlookgen.errors import Diagnostic, SpecError

REPORT_FORMAT = 1
MAX_REPORT_BYTES = 512 * 1024 * 1024  # a report of 10,000 large specs is about 200 MB


def _problem(diagnostic: Diagnostic, base: Path) -> dict[str, Any]:
    from outlookgen.project.names import relative_name

    record = asdict(diagnostic)
    record["file"] = relative_name(diagnostic.file, base)
    return record


def _finding(finding: Mapping[str, Any], base: Path) -> dict[str, Any]:
    from outlookgen.project.names import relative_name

    return {**finding, "file": relative_name(finding["file"], base)}


def build_report(
    chosen: Sequence[Path],
    names: Mapping[Path, str],
    plan: Mapping[Path, Mapping[str, Path]],
    base: Path,
    records: Mapping[Path, Any],
    outcomes: Sequence[Any],
    fresh_inputs: Mapping[Path, str],
    built: Mapping[Path, str | None],
    options: Any,
    scope: Any,
    result: Any,
) -> dict[str, Any]:
    """The report of one build (see the module docstring), specs in the order they were found."""
    from outlookgen.project import cache
    from outlookgen.project.names import relative_name

    by_spec = {o.spec: o for o in outcomes}
    specs = []
    for spec in chosen:
        outcome = by_spec.get(spec)
        record = records.get(spec)
        outputs = []
        for fmt, target in plan[spec].items():
            entry: dict[str, Any] = {"format": fmt, "path": relative_name(target, base)}
            if outcome is None:
                entry["digest"] = record.outputs(fresh_inputs[spec]).get(fmt) if record else None
                entry["state"] = "current" if options.check else "unchanged"
            elif outcome.problems:
                entry["digest"], entry["state"] = None, "failed"
            else:
                entry["digest"] = cache.digest_bytes(outcome.outputs[fmt])
                entry["state"] = _checked(target, entry["digest"]) if options.check else "written"
            outputs.append(entry)
        failed = outcome is not None and bool(outcome.problems)
        usable = record is not None and not failed
        specs.append(
            {
                "spec": names[spec],
                "state": "skipped" if outcome is None else "failed" if failed else "built",
                "inputs": fresh_inputs.get(spec) if outcome is None else built.get(spec),
                "sources": (record.sources or None) if usable else None,
                "dependencies": list(record.dependencies) if usable else [],
                "outputs": outputs,
                "seconds": round(outcome.seconds, 3) if outcome is not None else 0.0,
                "build_seconds": _build_seconds(outcome, record, failed),
                "tasks": record.tasks if usable else None,
                "problems": [_problem(d, base) for d in outcome.problems] if failed else [],
                "findings": [_finding(f, base) for f in record.findings or ()] if usable else [],
                "findings_known": usable and record.findings is not None,
                "facts": record.facts if usable else None,
            }
        )
    return {
        "format": REPORT_FORMAT,
        "outlookgen": __version__,
        "shard": None if scope.shard is None else {"index": scope.shard.index, "count": scope.shard.count},
        "split_by": None if scope.shard is None else scope.shard.by,
        # --shard-by time: the timings the specs were dealt by; shards dealt from different ones overlap
        "split_timings": None if scope.shard is None or scope.shard.timings is None else scope.shard.timings.digest,
        "affected_since": scope.affected_since,
        "touched": scope.touched is not None,  # only the specs named changed files reach (--touched)
        "project_specs": result.project_specs,
        "check": bool(options.check),
        "specs": specs,
    }


def _build_seconds(outcome, record, failed: bool) -> float | None:
    """What a spec's outputs took when they were built, this run or an earlier one (``--shard-by time``)."""
    if outcome is not None:
        return None if failed else round(outcome.seconds, 3)
    return record.seconds if record is not None else None


def _checked(target: Path, digest: str) -> str:
    """What --check found at an output: current, stale or missing."""
    from outlookgen.project import cache

    if not target.exists():
        return "missing"
    return "current" if cache.digest_file(target) == digest else "stale"


def write_report(path: Path, document: Mapping[str, Any]) -> Path:
    """Write a report atomically; its path."""
    from outlookgen.output.files import commit

    commit({Path(path): (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")})
    return Path(path)


# --------------------------------------------------------------------------- reading and merging


@dataclass
class Merged:
    """Several reports as one: every spec record once, and what the merge found."""

    document: dict[str, Any]
    sources: list[Path] = field(default_factory=list)


def read_report(path: Path) -> dict[str, Any]:
    """One report file, checked enough to merge; SpecError located at the file when it is not one."""
    from outlookgen.fileio import NotARegularFile, TooLarge, read_bounded

    def bad(message: str) -> SpecError:
        return SpecError(diagnostics=[Diagnostic(str(path), 1, 1, "$", message)])

    try:
        data = read_bounded(path, MAX_REPORT_BYTES)
    except NotARegularFile as exc:
        raise bad(f"is {exc}, not a build report") from None
    except TooLarge:
        raise bad(f"is larger than {MAX_REPORT_BYTES // (1024 * 1024)} MB; not a build report") from None
    except OSError as exc:
        raise bad(f"cannot be read: {exc.strerror or exc}") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise bad(f"is not a build report (not JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("format") != REPORT_FORMAT:
        raise bad(f"is not a build report of format {REPORT_FORMAT} (write it with outlookgen build --report)")
    specs = document.get("specs")
    if not isinstance(specs, list) or not all(isinstance(s, dict) and isinstance(s.get("spec"), str) for s in specs):
        raise bad("is not a build report: 'specs' must be a list of records, each naming its spec")
    return document


def merge_reports(paths: Sequence[Path]) -> dict[str, Any]:
    """The reports at ``paths`` as one; SpecError when two name one spec or a shard of their split is missing."""
    problems: list[Diagnostic] = []
    seen: dict[str, Path] = {}
    merged: list[dict[str, Any]] = []
    shards: dict[int, Path] = {}
    counts: set[int] = set()
    splits: dict[tuple[str, str], Path] = {}  # (how, timings digest) -> the first report dealt that way
    project_specs: set[int] = set()
    narrowed = False  # a change picked the specs (--affected-since, --touched): not every spec is in a shard
    for path in paths:
        document = read_report(path)
        narrowed = narrowed or bool(document.get("affected_since")) or document.get("touched") is True
        shard = document.get("shard")
        if isinstance(shard, dict) and isinstance(shard.get("index"), int) and isinstance(shard.get("count"), int):
            counts.add(shard["count"])
            # as text: a hand-edited report may hold anything there, and a list is no dict key
            how = (str(document.get("split_by")), str(document.get("split_timings")))
            splits.setdefault(how, path)
            if shard["index"] in shards:
                message = f"is shard {shard['index']}/{shard['count']} too, like {shards[shard['index']]}"
                problems.append(Diagnostic(str(path), 1, 1, "shard", message))
            shards.setdefault(shard["index"], path)
        if isinstance(document.get("project_specs"), int):
            project_specs.add(document["project_specs"])
        for record in document["specs"]:
            name = record["spec"]
            if name in seen:
                message = f"reports {name}, which {seen[name]} reports too; shards must not overlap"
                problems.append(Diagnostic(str(path), 1, 1, "specs", message))
                continue
            seen[name] = path
            merged.append(record)
    if len(splits) > 1:
        (how, first), (other, second) = list(splits.items())[:2]
        message = f"was dealt {_split_words(how)}, but {second} {_split_words(other)}; every shard must be dealt alike"
        problems.append(Diagnostic(str(first), 1, 1, "split_by", message))
    if len(counts) > 1:
        problems.append(
            Diagnostic(str(paths[0]), 1, 1, "shard", f"the reports come from different splits: {sorted(counts)} jobs")
        )
    elif counts:
        count = counts.pop()
        missing = [k for k in range(1, count + 1) if k not in shards]
        if missing:
            listed = ", ".join(f"{k}/{count}" for k in missing)
            problems.append(Diagnostic(str(paths[0]), 1, 1, "shard", f"shard(s) {listed} missing from the merge"))
        elif not narrowed and len(project_specs) == 1 and len(merged) != (total := project_specs.pop()):
            message = f"the shards report {len(merged)} spec(s) of a project of {total}; every spec must be in one"
            problems.append(Diagnostic(str(paths[0]), 1, 1, "specs", message))
    if problems:
        raise SpecError(diagnostics=problems)
    merged.sort(key=lambda r: r["spec"])
    return {
        "format": REPORT_FORMAT,
        "outlookgen": __version__,
        "shard": None,
        "merged_from": len(paths),
        "project_specs": len(merged),
        "specs": merged,
    }


def _split_words(how: tuple[str, str]) -> str:
    by, timings = how
    if by == "time":
        return f"by time from timings {str(timings)[:12]}"
    return f"by {by}"


def summary(document: Mapping[str, Any]) -> dict[str, Any]:
    """The counts a CI summary shows."""
    specs = document["specs"]
    severities = {"error": 0, "warning": 0, "info": 0}
    for record in specs:
        for finding in record.get("findings") or ():
            if finding.get("severity") in severities:
                severities[finding["severity"]] += 1
    states = {"built": 0, "skipped": 0, "failed": 0}
    for record in specs:
        if record.get("state") in states:
            states[record["state"]] += 1
    stale = sum(1 for r in specs for o in r.get("outputs") or () if o.get("state") in ("stale", "missing"))
    seconds = sum(float(r.get("seconds") or 0) for r in specs)
    slowest = sorted(specs, key=lambda r: -float(r.get("seconds") or 0))[:5]
    return {
        "specs": len(specs),
        **states,
        "stale": stale,
        "findings": severities,
        "seconds": round(seconds, 1),
        "slowest": [(r["spec"], float(r.get("seconds") or 0)) for r in slowest if r.get("seconds")],
    }


def summary_markdown(document: Mapping[str, Any]) -> str:
    """A short Markdown summary (for ``$GITHUB_STEP_SUMMARY``): counts, failed specs, the slowest ones."""
    s = summary(document)
    f = s["findings"]
    lines = [
        "## outlookgen build",
        "",
        "| specs | built | up to date | failed | stale outputs | errors | warnings | infos | build time |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {s['specs']} | {s['built']} | {s['skipped']} | {s['failed']} | {s['stale']} | {f['error']} "
        f"| {f['warning']} | {f['info']} | {s['seconds']} s |",
    ]
    failed = [r for r in document["specs"] if r.get("state") == "failed"]
    if failed:
        lines += ["", "### Failed", ""]
        for record in failed[:50]:
            for p in (record.get("problems") or [])[:5]:
                lines.append(f"- `{_code(p.get('file'))}:{p.get('line')}:{p.get('column')}` {_code(p.get('message'))}")
    if s["slowest"]:
        lines += ["", "### Slowest specs", ""]
        lines += [f"- `{_code(name)}` {seconds:.2f} s" for name, seconds in s["slowest"]]
    return "\n".join(lines) + "\n"


def _code(value: Any) -> str:
    return str(value).replace("`", "'").replace("\n", " ")
