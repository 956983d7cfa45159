"""Time outlookgen's commands end to end (interpreter start included) and print medians.

    python bench/run.py                      # all cases, Markdown
    python bench/run.py --formats md,html    # and the HTML page
    python bench/run.py --repeat 9

Targets (issue 2): `validate` of a sample <= 250 ms wall; Markdown build of a
2,000-task spec <= 2 s. Issue 3: HTML build of the 2,000-task spec <= 1.5 s.
Figures go in closing notes; tests never assert timings.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from genspec import generate  # noqa: E402


def timed(cmd: list[str], repeat: int) -> float:
    subprocess.run(cmd, check=True, capture_output=True)  # warm the file cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--formats", default="md", help="formats to build, comma-separated")
    args = parser.parse_args()

    exe = [sys.executable, "-m", "outlookgen"]
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        cases: list[tuple[str, Path]] = [(p.name, p) for p in sorted((ROOT / "samples").glob("*.yaml"))]
        for n in (200, 2000):
            spec = tmpdir / f"gen-{n}.yaml"
            spec.write_text(generate(n), encoding="utf-8")
            cases.append((f"generated {n} tasks", spec))
        baseline = timed([sys.executable, "-c", "import yaml, jsonschema, click, jinja2, docx"], args.repeat)
        print(f"{'case':<34} {'command':<26} {'median':>9}")
        print(f"{'(python + the five libraries)':<34} {'import only':<26} {baseline * 1000:>7.0f} ms")
        for name, spec in cases:
            t = timed(exe + ["validate", "-q", str(spec)], args.repeat)
            print(f"{name:<34} {'validate':<26} {t * 1000:>7.0f} ms")
            for fmt in args.formats.split(","):
                # --force: a repeated build must render again, not hit the up-to-date check.
                cmd = exe + ["build", "-q", "--force", "-f", fmt, "-o", str(tmpdir / "out"), str(spec)]
                t = timed(cmd, args.repeat)
                print(f"{name:<34} {'build -f ' + fmt:<26} {t * 1000:>7.0f} ms")


if __name__ == "__main__":
    main()
