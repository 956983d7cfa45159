"""How long ``outlookgen absorb`` takes on a reviewed Word file, as medians of whole commands.

    python bench/absorb.py [--repeat 5] [--tasks 200,2000]

For each size, a generated spec (bench/genspec.py) is built to Word; then

* the untouched file is absorbed (``no changes``);
* a review is simulated the way Word writes one: every tenth task name gets a
  tracked replacement (``w:del`` + ``w:ins``) and a comment, and the diff is
  printed (``absorb`` without ``--write``, so every run starts alike).

Interpreter start is included (this is what a consultant waits for). There
is no target in the issue; the figures go in the closing note. Tests never
assert timings.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from genspec import generate  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def review(docx: Path, out: Path) -> int:
    """Every tenth task name replaced with tracked changes, and commented; the number of edits."""
    from lxml import etree

    parts = {n: zipfile.ZipFile(docx).read(n) for n in zipfile.ZipFile(docx).namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    custom = etree.fromstring(parts["docProps/custom.xml"])
    pointers = {p.get("name"): p[0].text for p in custom}
    wanted = {n for n, v in pointers.items() if v and v.endswith("/name") and "/tasks/" in v}
    wanted = set(sorted(wanted)[::10])
    comments = etree.Element(W + "comments")
    edits = 0
    for start in list(root.iter(W + "bookmarkStart")):
        if start.get(W + "name") not in wanted:
            continue
        wanted.discard(start.get(W + "name"))
        run = start.getnext()
        if run is None or run.tag != W + "r" or run.find(W + "t") is None:
            continue
        deleted = etree.Element(W + "del", {W + "id": str(90000 + edits), W + "author": "Bench"})
        run.addprevious(deleted)
        deleted.append(run)
        run.find(W + "t").tag = W + "delText"
        inserted = etree.SubElement(etree.Element("x"), W + "ins", {W + "id": str(95000 + edits)})
        new = etree.fromstring(etree.tostring(run))
        new.find(W + "delText").tag = W + "t"
        new.find(W + "t").text = "Reviewed task " + str(edits)
        inserted.append(new)
        deleted.addnext(inserted)
        inserted.addnext(etree.Element(W + "commentRangeStart", {W + "id": str(edits)}))
        comment = etree.SubElement(comments, W + "comment", {W + "id": str(edits), W + "author": "Bench"})
        etree.SubElement(etree.SubElement(etree.SubElement(comment, W + "p"), W + "r"), W + "t").text = "Why?"
        edits += 1
    parts["word/document.xml"] = etree.tostring(root)
    parts["word/comments.xml"] = etree.tostring(comments)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return edits


def timed(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tasks", default="200,2000")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = [sys.executable, "-m", "outlookgen"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for tasks in (int(t) for t in args.tasks.split(",")):
            spec = tmp / f"gen-{tasks}.yaml"
            spec.write_text(generate(tasks), encoding="utf-8")
            subprocess.run([*exe, "build", str(spec), "-f", "docx", "-o", str(tmp)], check=True, capture_output=True)
            docx = tmp / f"gen-{tasks}.docx"
            reviewed = tmp / f"gen-{tasks}.reviewed.docx"
            edits = review(docx, reviewed)
            size = docx.stat().st_size / 1024
            untouched = timed([*exe, "absorb", str(docx), str(spec)], args.repeat)
            edited = timed([*exe, "absorb", str(reviewed), str(spec)], args.repeat)
            print(
                f"{tasks:>6} tasks ({size:,.0f} KB .docx): untouched {untouched:.2f} s; "
                f"{edits} tracked edits + {edits} comments {edited:.2f} s  (median of {args.repeat})"
            )


if __name__ == "__main__":
    main()
