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
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BY = ("name", "tasks")
# The fixed cost of one spec (reading, validating, the document around the plan, three files
# written), in tasks: ~100 ms against ~1.4 ms a task for md+html+docx, measured in one build
# of 8 specs each of 10, 60 and 200 tasks (135 ms + 1.38 ms × tasks per spec, interpreter start
# shared). A shard job starts the interpreter once, hence the rounder, lower figure.
SPEC_COST = 70
_DURATION = re.compile(rb"(?:^|[\s{,])duration\s*:", re.MULTILINE)


@dataclass(frozen=True)
class Shard:
    """Job ``index`` (1-based) of ``count``; ``by`` is how specs are dealt out (name or tasks)."""

    index: int
    count: int
    by: str = "name"

    @classmethod
    def parse(cls, text: str, by: str = "name") -> Shard:
        """``"K/N"`` with 1 ≤ K ≤ N; ValueError saying what is wrong otherwise."""
        index, slash, count = text.strip().partition("/")
        if not slash or not index.strip().isdigit() or not count.strip().isdigit():
            raise ValueError(f"'{text}' is not K/N (this job's number and the number of jobs, such as 2/4)")
        k, n = int(index), int(count)
        if n < 1 or not 1 <= k <= n:
            raise ValueError(f"'{text}': K must be between 1 and N (N at least 1)")
        if by not in BY:
            raise ValueError(f"'{by}' is not a way to split; choose from {', '.join(BY)}")
        return cls(k, n, by)

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


def assign(
    names: Sequence[str], count: int, by: str = "name", weight: Callable[[str], int] | None = None
) -> dict[str, int]:
    """Each name's 0-based shard. ``weight(name)`` gives a spec's work when ``by`` is tasks."""
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
    chosen = assign(list(by_name), shard.count, shard.by, lambda name: estimate_cost(by_name[name]))
    return [spec for spec in specs if chosen[names[spec]] == shard.index - 1]
