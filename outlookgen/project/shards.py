"""Splitting a project's specs across N CI jobs: ``build --shard K/N``.

Every job computes the same split from the same checkout, with nothing but
the specs' project-relative names (and, when balancing, their text), so N
jobs of a matrix build disjoint sets that together cover every spec exactly
once — whatever machine, folder or order each job sees them in.

- By name (the default): a spec's shard is a digest of its project-relative
  name modulo N. Adding or removing a spec never moves another one.
- Balanced by task count (``--shard-by tasks``): specs are dealt out largest
  first to the shard with the least work so far (the first such shard on a
  tie), so shards take about the same time. A spec's work is its task count,
  estimated from its text (the ``duration:`` keys every task has) without
  parsing it, plus :data:`SPEC_COST`: what building any spec costs before its
  first task, so a job of many small specs is not given as many tasks as a
  job of a few big ones.
- Balanced by measured time (``--shard-by time --shard-timings REPORT``):
  dealt out the same way, each spec weighing the seconds its last build took
  as a build report records them (``build --report``, or the report
  ``outlookgen merge`` makes of the previous run's shards). Tasks are not
  what a spec costs: locales, fragments, budgets and long texts weigh too,
  and shards of equal tasks measured a quarter apart in CPU time. A spec the
  report does not know (new, or never built) weighs its work estimate,
  converted to seconds at the rate of the specs the report does know. Every
  job must read the same report: each job's report records its digest, and
  ``merge`` refuses shards dealt from different ones.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BY = ("name", "tasks", "time")
# The fixed cost of one spec (reading, validating, the document around the plan, three files
# written), in tasks: ~100 ms against ~1.4 ms a task for md+html+docx, measured in one build
# of 8 specs each of 10, 60 and 200 tasks (135 ms + 1.38 ms × tasks per spec, interpreter start
# shared). A shard job starts the interpreter once, hence the rounder, lower figure.
SPEC_COST = 70
_DURATION = re.compile(rb"(?:^|[\s{,])duration\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Timings:
    """How long each spec's last build took, in whole milliseconds, read from a build report."""

    source: str  # the report, as named on the command line
    digest: str  # of the milliseconds themselves: jobs that read equal timings deal equally
    milliseconds: Mapping[str, int] = field(compare=False, hash=False)
    missing: bool = False  # no report there yet (a CI's first run): every spec weighs its estimate


@dataclass(frozen=True)
class Shard:
    """Job ``index`` (1-based) of ``count``; ``by`` is how specs are dealt out (name, tasks or time)."""

    index: int
    count: int
    by: str = "name"
    timings: Timings | None = None  # what ``by == "time"`` deals by

    @classmethod
    def parse(cls, text: str, by: str = "name", timings: Timings | None = None) -> Shard:
        """``"K/N"`` with 1 ≤ K ≤ N; ValueError saying what is wrong otherwise."""
        index, slash, count = text.strip().partition("/")
        if not slash or not index.strip().isdigit() or not count.strip().isdigit():
            raise ValueError(f"'{text}' is not K/N (this job's number and the number of jobs, such as 2/4)")
        k, n = int(index), int(count)
        if n < 1 or not 1 <= k <= n:
            raise ValueError(f"'{text}': K must be between 1 and N (N at least 1)")
        if by not in BY:
            raise ValueError(f"'{by}' is not a way to split; choose from {', '.join(BY)}")
        if by == "time" and timings is None:
            raise ValueError("splitting by time needs the seconds of a previous build (--shard-timings REPORT)")
        return cls(k, n, by, timings if by == "time" else None)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def _rank(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8", "surrogateescape")).digest()[:8], "big")


def shard_of(name: str, count: int) -> int:
    """The 0-based shard of a spec by its project-relative name."""
    return _rank(name) % count


def estimate_tasks(spec: Path) -> int:
    """About how many tasks a spec has: its ``duration:`` keys (at least 1; an unreadable file counts 1)."""
    from outlookgen.project.cache import read_regular

    data = read_regular(spec)
    return max(1, len(_DURATION.findall(data))) if data else 1


def estimate_cost(spec: Path) -> int:
    """The work of building a spec, in tasks: its estimated tasks plus the fixed cost of any spec."""
    return estimate_tasks(spec) + SPEC_COST


def read_timings(path: Path) -> Timings:
    """The milliseconds each spec's last build took, from a build report; SpecError located at it when it is not one.

    A spec built in that run weighs its ``seconds``; one the run found up to
    date weighs ``build_seconds``, what its outputs took when they were built.
    A report that does not exist yet (the first run of a CI whose later runs
    restore the last one) is no timings: specs are dealt by their estimated
    work, and the digest says so, so a job that did find one is not merged
    with jobs that did not.
    """
    import json

    from outlookgen.project.report import read_report

    if not os.path.lexists(path):
        return Timings(str(path), hashlib.sha256(b"[]").hexdigest(), {}, missing=True)
    document = read_report(path)
    milliseconds: dict[str, int] = {}
    for record in document["specs"]:
        seconds = record.get("build_seconds")
        if not _seconds(seconds) and record.get("state") == "built":
            seconds = record.get("seconds")
        if _seconds(seconds):
            milliseconds[record["spec"]] = max(1, round(seconds * 1000))
    canonical = json.dumps(sorted(milliseconds.items()), ensure_ascii=True).encode("ascii")
    return Timings(str(path), hashlib.sha256(canonical).hexdigest(), milliseconds)


def _seconds(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e6


def timed_weights(names: Sequence[str], timings: Timings, cost: Callable[[str], int]) -> dict[str, int]:
    """Each spec's weight in milliseconds: as measured, or its work estimate at the measured specs' rate.

    The rate is a ratio of integers summed in one order, so every job works
    out the same weights from the same report and checkout.
    """
    known = {name: timings.milliseconds[name] for name in names if name in timings.milliseconds}
    unknown = [name for name in names if name not in known]
    if not unknown:
        return known
    costs = {name: cost(name) for name in unknown}
    measured_cost = sum(cost(name) for name in sorted(known)) if known else 0
    measured_ms = sum(known.values())
    weights = dict(known)
    for name in unknown:
        weights[name] = max(1, (costs[name] * measured_ms) // measured_cost) if measured_cost else costs[name]
    return weights


def assign(
    names: Sequence[str], count: int, by: str = "name", weight: Callable[[str], int] | None = None
) -> dict[str, int]:
    """Each name's 0-based shard. ``weight(name)`` gives a spec's work when ``by`` is tasks or time."""
    if by == "name" or weight is None:
        return {name: shard_of(name, count) for name in names}
    weights = {name: weight(name) for name in names}
    loads = [0] * count
    out: dict[str, int] = {}
    for name in sorted(names, key=lambda n: (-weights[n], _rank(n), n)):
        target = min(range(count), key=lambda i: (loads[i], i))
        out[name] = target
        loads[target] += weights[name]
    return out


def pick(specs: Sequence[Path], names: Mapping[Path, str], shard: Shard) -> list[Path]:
    """The specs of ``shard``, in the order given."""
    by_name = {names[spec]: spec for spec in specs}

    def cost(name: str) -> int:
        return estimate_cost(by_name[name])

    if shard.by == "time" and shard.timings is not None:
        weights = timed_weights(list(by_name), shard.timings, cost)
        chosen = assign(list(by_name), shard.count, shard.by, weights.__getitem__)
    else:
        chosen = assign(list(by_name), shard.count, shard.by, cost)
    return [spec for spec in specs if chosen[names[spec]] == shard.index - 1]
