"""Same inputs, same bytes: builds under other time zones, hash seeds and working folders match exactly."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE_FILES, SAMPLES

pytestmark = pytest.mark.slow


def build_in(tmp_path, name: str, env_changes: dict[str, str], cwd) -> dict[str, bytes]:
    out = tmp_path / name
    env = dict(os.environ, PYTHONPATH=str(ROOT), OUTLOOKGEN_CACHE_DIR=str(tmp_path / f"cache-{name}"), **env_changes)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "outlookgen",
            "build",
            *map(str, SAMPLE_FILES),
            "-f",
            "md,html,docx",
            "-o",
            str(out),
            "-q",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_time_zone_hash_seed_and_working_folder_change_nothing(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    first = build_in(tmp_path, "a", {"TZ": "UTC", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}, ROOT)
    second = build_in(
        tmp_path, "b", {"TZ": "Asia/Shanghai", "PYTHONHASHSEED": "12345", "LANG": "zh_CN.UTF-8"}, tmp_path / "elsewhere"
    )
    assert len(first) == 3 * len(SAMPLE_FILES)
    assert first == second


def test_source_date_epoch_sets_word_dates_and_only_them(tmp_path):
    plain = build_in(tmp_path, "plain", {}, ROOT)
    stamped = build_in(tmp_path, "stamped", {"SOURCE_DATE_EPOCH": "1767225600"}, ROOT)
    assert {n for n in plain if plain[n] != stamped[n]} == {n for n in plain if n.endswith(".docx")}
    import zipfile

    name = next(n for n in stamped if n.endswith(".docx"))
    with zipfile.ZipFile(tmp_path / "stamped" / name) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2026-01-01T00:00:00Z" in core


def _generated_spec(folder, tasks: int):
    """A spec of ``tasks`` tasks written by the bench's generator."""
    sys.path.insert(0, str(ROOT / "bench"))
    from genspec import generate

    spec = folder / "plan.yaml"
    spec.write_text(generate(tasks), encoding="utf-8")
    return spec


def _watched_forks(monkeypatch) -> list:
    """The formats each forked child is given, in the order children are forked (they still run)."""
    from outlookgen.project import pipeline

    forks = []
    fork = pipeline._fork_rendering
    monkeypatch.setattr(pipeline, "_fork_rendering", lambda *a: forks.append(a[1]) or fork(*a))
    return forks


@pytest.mark.skipif(
    os.cpu_count() == 1 or sys.platform == "win32", reason="renders side by side only with fork and CPUs"
)
def test_a_spec_rendered_side_by_side_gives_what_one_process_gives(tmp_path, monkeypatch):
    """Word in this process (its block markup made by the child first), the other formats, facts and
    findings in a forked child: the same bytes and the same report; and when the child fails, this
    process does its work and nothing is lost."""
    from typing import Any

    from outlookgen.project import pipeline, workers
    from outlookgen.project.build import BuildOptions, build
    from outlookgen.render import registry

    spec = _generated_spec(tmp_path, 40)
    forks = _watched_forks(monkeypatch)
    outcomes = []  # one spec is built in this process, whatever the jobs
    monkeypatch.setattr(
        workers, "build_spec", lambda *a, **k: outcomes.append(pipeline.build_spec(*a, **k)) or outcomes[-1]
    )

    def run(name: str, jobs: int) -> tuple[dict[str, bytes], Any, Any]:
        out = tmp_path / name
        options = BuildOptions(formats=("md", "html", "docx"), output_dir=out, jobs=jobs, force=True)
        assert len(build([spec], options).written) == 3
        return {p.name: p.read_bytes() for p in out.iterdir()}, outcomes[-1].facts, outcomes[-1].findings

    alone = run("alone", 1)
    assert forks == []
    side_by_side = run("side", 2)
    assert forks == [["md", "html"]]
    assert side_by_side == alone
    assert alone[1]["title"] and any(f["code"] == "OG401" for f in alone[2])  # facts and findings were made

    parent = os.getpid()
    html, renderer = registry.renderer("html"), registry.renderer

    def fails_in_a_child(document):
        if os.getpid() != parent:
            raise RuntimeError("a crash in the forked child")
        return html(document)

    monkeypatch.setattr(registry, "renderer", lambda fmt: fails_in_a_child if fmt == "html" else renderer(fmt))
    assert run("child-failed", 2) == alone
    assert len(forks) == 2

    # Word's first half (its block markup) is the child's first task: failing there, it is made here.
    from outlookgen.render import docx

    markup = docx.markup
    made = []

    def markup_fails_in_a_child(document):
        if os.getpid() != parent:
            raise RuntimeError("a crash in the forked child")
        made.append(document)
        return markup(document)

    monkeypatch.setattr(docx, "markup", markup_fails_in_a_child)
    assert run("markup-failed", 2) == alone
    assert len(forks) == 3 and len(made) == 1


@pytest.mark.skipif(
    os.cpu_count() == 1 or sys.platform == "win32", reason="renders side by side only with fork and CPUs"
)
def test_a_spec_built_from_a_thread_renders_in_one_process(tmp_path, monkeypatch):
    """A fork copies only the calling thread, and a lock another thread held stays held in the child: a build
    from a thread (a server embedding outlookgen) forks no child, and gives the same bytes."""
    import threading

    from outlookgen.project.build import BuildOptions, build

    spec = _generated_spec(tmp_path, 40)
    forks = _watched_forks(monkeypatch)

    def run(name: str) -> dict[str, bytes]:
        out = tmp_path / name
        build([spec], BuildOptions(formats=("md", "html", "docx"), output_dir=out, jobs=2, force=True))
        return {p.name: p.read_bytes() for p in out.iterdir()}

    alone = run("main")
    assert len(forks) == 1  # the only thread: the child renders beside it
    built = {}
    worker = threading.Thread(target=lambda: built.update(run("thread")))
    worker.start()
    worker.join()
    assert len(forks) == 1
    assert built == alone and len(built) == 3


@pytest.mark.skipif(
    os.cpu_count() == 1 or sys.platform == "win32", reason="renders side by side only with fork and CPUs"
)
def test_a_gantt_chart_made_while_the_child_makes_the_markup_numbers_its_links_in_document_order(tmp_path, cli):
    """The Word Gantt chart is made before the markup arrives (render/docx/writer.py, gantt_ahead); a link in a
    task's name would take its rId before the links written above the chart, so such a chart is made in its
    place: the document is the bytes one process makes, links numbered in reading order."""
    import zipfile

    sys.path.insert(0, str(ROOT / "bench"))
    from genspec import generate

    text = generate(40)
    text = text.replace("Generated for benchmarks.", "Generated for [benchmarks](https://bench.example/above).", 1)
    text = text.replace("name: Task 7 — configure", "name: Task 7 — [configure](https://vendor.example/in-chart)", 1)
    spec = tmp_path / "linked.yaml"
    spec.write_text(text, encoding="utf-8")
    documents = []
    for jobs in ("1", "2"):
        code, _, err = cli("build", spec, "-f", "md,html,docx", "-o", tmp_path / jobs, "-j", jobs, "-q")
        assert code == 0, err
        documents.append((tmp_path / jobs / "linked.docx").read_bytes())
    assert documents[0] == documents[1]
    with zipfile.ZipFile(tmp_path / "2" / "linked.docx") as word:
        rels = word.read("word/_rels/document.xml.rels").decode()
        body = word.read("word/document.xml").decode()
    above, in_chart = (
        re.search(rf'Id="(rId\d+)"[^>]*Target="{url}"', rels)
        for url in ("https://bench.example/above", "https://vendor.example/in-chart")
    )
    assert above and in_chart
    assert int(above.group(1)[3:]) < int(in_chart.group(1)[3:])  # numbered as they are read
    gantt = body[body.index('w:val="GanttTable"') :]
    assert f'<w:hyperlink r:id="{in_chart.group(1)}"' in gantt


@pytest.mark.skipif(
    os.cpu_count() == 1 or sys.platform == "win32", reason="renders side by side only with fork and CPUs"
)
def test_a_built_spec_leaves_no_child_behind(tmp_path, cli):
    """The child is left to exit while the outputs are written, then reaped: none is left behind (a watch
    process would gather them)."""
    for run in ("1", "2"):
        code, _, err = cli("build", SAMPLES / "bi-platform.en.yaml", "-f", "html,docx", "-o", tmp_path / run, "-j", "2")
        assert code == 0, err
        with pytest.raises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)


@pytest.mark.skipif(
    os.cpu_count() == 1 or sys.platform == "win32", reason="renders side by side only with fork and CPUs"
)
def test_a_spec_side_by_side_reports_a_packs_errors_in_the_same_order(tmp_path, cli):
    """Word's reference is opened while the child makes the markup; a pack whose template and reference
    are both broken still gets the template's error first, as one process reports it; and the child is
    not left behind (a watch process would gather them)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from genspec import generate

    spec = tmp_path / "plan.yaml"
    spec.write_text(generate(40), encoding="utf-8")
    pack = tmp_path / "broken"
    (pack / "docx").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: broken\nextends: default\n", encoding="utf-8")
    (pack / "docx" / "outlook.docx.j2").write_text("<p>unclosed\n", encoding="utf-8")
    (pack / "docx" / "reference.docx").write_bytes(b"not a zip")
    errors = []
    for jobs in ("1", "2"):
        code, _, err = cli("build", spec, "-t", pack, "-f", "md,html,docx", "-o", tmp_path / jobs, "-j", jobs)
        assert code == 1 and "Traceback" not in err
        with pytest.raises(ChildProcessError):  # no child left waiting to send what nobody reads, nor unreaped
            os.waitpid(-1, os.WNOHANG)
        errors.append([line for line in err.splitlines() if ": error: " in line])
    assert errors[0] == errors[1]
    assert "block markup" in errors[0][0]
