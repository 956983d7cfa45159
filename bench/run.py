"""outlookgen's speed as a user meets it, each figure against what it is judged by, measured in the same run.

    python bench/run.py                 # installs the wheel into a fresh venv first (as a user gets it)
    python bench/run.py --here          # the current interpreter and checkout instead
    python bench/run.py --repeat 9 --large 20000

Prints medians of whole commands (interpreter start included) and the ratios
issue 13 sets as targets; ``ok`` or ``MISSED`` says whether each holds here.
It also prints the floor under the first ratio: the interpreter starting and
importing the libraries a Word build loads (click, jinja2, lxml; PyYAML only
for a text not read before, python-docx only for a logo), before outlookgen
does anything, set beside pandoc, and what is
left of the build above it (outlookgen's own share):

* a cold ``build --force SAMPLE -f html,docx`` <= 0.35 x pandoc turning the same
  outlook's Markdown into HTML and Word (pandoc -f gfm -t html, -t docx);
* ``validate`` of a sample <= 0.5 x that cold build;
* 2,000 tasks to all three formats <= 1.2 s, and 200 -> 2,000 tasks <= 6 x;
* ``build --check`` of an unchanged project <= 2 x a no-op build of it;
* 20,000 tasks to all three formats: the time and the peak memory.

"Cold" is a new process each time; compiled templates, validation verdicts,
texts read before and checked reference documents stay in the user's cache
between runs, as they do for a user (the first run fills them and is not
timed); a build with an empty cache (a user's very first) is printed too.
A build and pandoc are timed in alternation, so both see the same machine.
Tests never assert timings; these figures go in closing notes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from genspec import generate  # noqa: E402

SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))


def timed(cmd: list[str], repeat: int, env: dict[str, str]) -> float:
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm the file cache and the user cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def timed_pair(first: list[str], second: list[str], repeat: int, env: dict[str, str]) -> tuple[float, float]:
    """Medians of two commands run in alternation (a slower spell of the machine falls on both)."""
    for cmd in (first, second):
        subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm both
    runs: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for cmd, times in zip((first, second), runs, strict=True):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - start)
    return statistics.median(runs[0]), statistics.median(runs[1])


def timed_empty_cache(cmd: list[str], repeat: int, env: dict[str, str], folder: Path) -> float:
    """Median of ``cmd`` with a user cache emptied before every run (what a first build pays)."""
    runs = []
    for _ in range(repeat):
        run_env = dict(env, OUTLOOKGEN_CACHE_DIR=tempfile.mkdtemp(dir=folder, prefix="empty-cache-"))
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=run_env)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def peak_memory_mb(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak resident MB) of one run of ``cmd`` (its own process, measured by the kernel)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(after, before) / 1024  # ru_maxrss is in KB on Linux


def install(tmp: Path) -> list[str]:
    """A fresh venv with the wheel of this tree installed (pip compiles the bytecode, as for a user)."""
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # A copy of the checkout's files, so no leftover build/ folder of setuptools' slips into the wheel.
    source = tmp / "source"
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    for name in listed:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(source)], check=True, capture_output=True)
    return [str(python), "-m", "outlookgen"]


def row(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{name:<58} {value:>14}  {target:<12} {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--here", action="store_true", help="use this interpreter and checkout, not a fresh venv")
    parser.add_argument("--large", type=int, default=20000, help="tasks in the large case (0 skips it)")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        env["OUTLOOKGEN_CACHE_DIR"] = str(tmp / "cache")
        exe = [sys.executable, "-m", "outlookgen"] if args.here else install(tmp)
        out = tmp / "out"
        print(f"{'figure':<58} {'median':>14}  {'target':<12}")

        bare = timed([exe[0], "-c", "pass"], args.repeat, env)
        row("python start (nothing imported)", f"{bare * 1000:.0f} ms")
        # What any build pays before outlookgen runs a line of its own: the interpreter and the
        # libraries a Word build loads (python-docx only puts a logo in, render/docx/opc.py; PyYAML
        # only reads a text not read before, spec/parsed.py). Set beside pandoc, it is the floor under the ratio.
        floor = timed([exe[0], "-c", "import click, jinja2, lxml.etree"], args.repeat, env)
        row("python + import click, jinja2, lxml", f"{floor * 1000:.0f} ms")
        for sample in SAMPLES:
            build = exe + ["build", "-q", "--force", "-f", "html,docx", "-o", str(out), str(sample)]
            subprocess.run(exe + ["build", "-q", "-f", "md", "-o", str(out), str(sample)], check=True, env=env)
            markdown = out / (sample.stem + ".md")
            pandoc = shutil.which("pandoc")
            if pandoc:
                both = [
                    "sh",
                    "-c",
                    f'"{pandoc}" -f gfm -t html -s --metadata title=x "{markdown}" -o "{tmp}/p.html"'
                    f' && "{pandoc}" -f gfm -t docx "{markdown}" -o "{tmp}/p.docx"',
                ]
                cold, reference = timed_pair(build, both, args.repeat, env)
            else:
                cold = timed(build, args.repeat, env)
            row(f"{sample.name}: build --force -f html,docx", f"{cold * 1000:.0f} ms")
            first = timed_empty_cache(build, args.repeat, env, tmp)
            row(f"{sample.name}: the same, user cache empty (a first build)", f"{first * 1000:.0f} ms")
            if pandoc:
                row(f"{sample.name}: pandoc md->html + md->docx", f"{reference * 1000:.0f} ms")
                row(
                    f"{sample.name}: build / pandoc", f"{cold / reference:.2f} x", "<= 0.35 x", cold / reference <= 0.35
                )
                row(f"{sample.name}: of which the floor above / pandoc", f"{floor / reference:.2f} x")
                row(f"{sample.name}: of which outlookgen's own / pandoc", f"{(cold - floor) / reference:.2f} x")
            else:
                row("pandoc is not installed: no ratio", "-")
            validate = timed(exe + ["validate", "-q", str(sample)], args.repeat, env)
            row(f"{sample.name}: validate", f"{validate * 1000:.0f} ms")
            row(f"{sample.name}: validate / cold build", f"{validate / cold:.2f} x", "<= 0.5 x", validate / cold <= 0.5)

        all_three = {}
        for tasks in (200, 2000):
            spec = tmp / f"gen-{tasks}.yaml"
            spec.write_text(generate(tasks), encoding="utf-8")
            cmd = exe + ["build", "-q", "--force", "-f", "md,html,docx", "-o", str(out), str(spec)]
            all_three[tasks] = timed(cmd, args.repeat, env)
        row("200 tasks: build --force -f md,html,docx", f"{all_three[200]:.2f} s")
        row(
            "2,000 tasks: build --force -f md,html,docx", f"{all_three[2000]:.2f} s", "<= 1.2 s", all_three[2000] <= 1.2
        )
        growth = all_three[2000] / all_three[200]
        row("2,000 / 200 tasks", f"{growth:.1f} x", "<= 6 x", growth <= 6)

        project = tmp / "project"
        (project / "specs").mkdir(parents=True)
        for i in range(20):
            (project / "specs" / f"plan{i:02d}.yaml").write_text(generate(40), encoding="utf-8")
        (project / "outlookgen.yaml").write_text('specs: ["specs/*.yaml"]\noutput: out\nformats: [md, html, docx]\n')
        subprocess.run(exe + ["build", "-q"], check=True, cwd=project, env=env)

        def in_project(*extra: str) -> float:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                subprocess.run(exe + ["build", "-q", *extra], check=True, cwd=project, env=env, capture_output=True)
                runs.append(time.perf_counter() - start)
            return statistics.median(runs)

        noop, check = in_project(), in_project("--check")
        row("project of 20 specs: no-op build", f"{noop * 1000:.0f} ms")
        row("project of 20 specs: build --check, nothing changed", f"{check * 1000:.0f} ms")
        row("--check / no-op build", f"{check / noop:.2f} x", "<= 2 x", check / noop <= 2)

        if args.large:
            spec = tmp / f"gen-{args.large}.yaml"
            spec.write_text(generate(args.large), encoding="utf-8")
            cmd = exe + ["build", "-q", "--force", "-f", "md,html,docx", "-o", str(out), str(spec)]
            seconds, peak = peak_memory_mb(cmd, env)
            row(f"{args.large:,} tasks: build -f md,html,docx", f"{seconds:.1f} s")
            row(f"{args.large:,} tasks: peak memory", f"{peak:.0f} MB")


if __name__ == "__main__":
    main()
