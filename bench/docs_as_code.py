"""Docs-as-code figures: 100 specs built with -j 1 and -j 2, and a no-op rebuild. Prints medians.

    python bench/docs_as_code.py [--specs 100] [--repeat 5] [--formats md]

Targets (issue 7): a no-op rebuild of 100 specs <= 0.5 s; -j 2 >= 1.7x faster
than -j 1 on 100 specs on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from genspec import generate  # noqa: E402


def timed(cmd: list[str], repeat: int, env: dict[str, str]) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=40, help="tasks per generated spec")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--formats", default="md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "specs"
        folder.mkdir()
        text = generate(args.tasks)
        for i in range(args.specs):
            (folder / f"plan-{i:03d}.yaml").write_text(
                text.replace("title: Generated", f"title: Plan {i}"), encoding="utf-8"
            )
        env = dict(os.environ, OUTLOOKGEN_CACHE_DIR=str(Path(tmp) / "cache"))
        exe = [
            sys.executable,
            "-m",
            "outlookgen",
            "build",
            str(folder),
            "-o",
            str(Path(tmp) / "out"),
            "-q",
            "-f",
            args.formats,
        ]
        one = timed([*exe, "--force", "-j", "1"], args.repeat, env)
        two = timed([*exe, "--force", "-j", "2"], args.repeat, env)
        noop = timed(exe, args.repeat * 2, env)
        check = timed([*exe, "--check"], args.repeat, env)
    print(f"{args.specs} specs x {args.tasks} tasks, -f {args.formats}, median of {args.repeat} runs")
    print(f"  full build -j 1        {one:7.2f} s")
    print(f"  full build -j 2        {two:7.2f} s   speed-up {one / two:.2f}x")
    print(f"  no-op rebuild          {noop * 1000:7.0f} ms")
    print(f"  build --check          {check:7.2f} s")


if __name__ == "__main__":
    main()
