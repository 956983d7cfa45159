"""Word output side by side with pandoc, and the 2,000-task spec: ``python bench/docx_vs_pandoc.py``.

For each sample it prints medians of

* pandoc converting outlookgen's own Markdown output to .docx (``pandoc -f gfm -t docx``, a process per run);
* outlookgen's docx build of the spec in a warm process (load, validate, model, render, zip; what a
  build of many specs pays per spec, and what ``build`` pays after Python has started);
* the same as a cold command (``python -m outlookgen build -f docx --force``, interpreter start and
  imports included), for reference.

Targets (issue 4): warm docx build <= 0.5 x pandoc for the samples; the 2,000-task spec <= 3 s as a
cold command. Figures go in closing notes; tests never assert timings.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from genspec import generate  # noqa: E402


def median_of(func, repeat: int) -> float:
    func()  # warm caches (files, imports, the compiled template)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def docx_build(spec: Path, out: Path) -> None:
    """One spec to one .docx, as ``build`` does it for each spec (without the incremental manifest)."""
    from outlookgen.model import build_outlook
    from outlookgen.output import files as writer
    from outlookgen.packs import resolve_pack
    from outlookgen.render import docx
    from outlookgen.render.context import prepare
    from outlookgen.spec.validate import load_valid

    outlook = build_outlook(load_valid(spec).data)
    data = docx.render(prepare(outlook, resolve_pack(None), outlook.meta.locale))
    writer.commit({out / (spec.stem + ".docx"): data})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    exe = [sys.executable, "-m", "outlookgen"]
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        print(f"{'case':<32} {'pandoc md->docx':>16} {'docx (warm)':>12} {'ratio':>6} {'docx (cold cmd)':>16}")
        for spec in sorted((ROOT / "samples").glob("*.yaml")):
            subprocess.run(exe + ["build", "-q", "-f", "md", "--force", "-o", str(tmpdir), str(spec)], check=True)
            markdown = tmpdir / (spec.stem + ".md")
            if pandoc:
                cmd = [pandoc, "-f", "gfm", "-t", "docx", "-o", str(tmpdir / "pandoc.docx"), str(markdown)]
                t_pandoc = median_of(lambda cmd=cmd: subprocess.run(cmd, check=True), args.repeat)
            else:
                t_pandoc = float("nan")
            t_warm = median_of(lambda spec=spec: docx_build(spec, tmpdir), args.repeat)
            cold = exe + ["build", "-q", "-f", "docx", "--force", "-o", str(tmpdir), str(spec)]
            t_cold = median_of(lambda cold=cold: subprocess.run(cold, check=True), args.repeat)
            print(
                f"{spec.name:<32} {t_pandoc * 1000:>13.0f} ms {t_warm * 1000:>9.0f} ms "
                f"{t_warm / t_pandoc:>6.2f} {t_cold * 1000:>13.0f} ms"
            )
        big = tmpdir / "gen-2000.yaml"
        big.write_text(generate(2000), encoding="utf-8")
        t_warm = median_of(lambda: docx_build(big, tmpdir), max(3, args.repeat // 2))
        cold = exe + ["build", "-q", "-f", "docx", "--force", "-o", str(tmpdir), str(big)]
        t_cold = median_of(lambda: subprocess.run(cold, check=True), max(3, args.repeat // 2))
        print(f"{'generated 2000 tasks':<32} {'':>16} {t_warm * 1000:>9.0f} ms {'':>6} {t_cold * 1000:>13.0f} ms")
        if not pandoc:
            print("(pandoc is not installed: no side-by-side figure)")


if __name__ == "__main__":
    main()
