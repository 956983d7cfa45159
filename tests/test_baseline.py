"""Baselines: `outlookgen baseline` stores planned dates; every format shows the slips and the ghost bars; lint warns."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import SAMPLES

from outlookgen.model import build_outlook
from outlookgen.project.pipeline import load_outlook

SAMPLE = SAMPLES / "bi-platform.en.yaml"
SLIPPED = "t.rollout-build"  # lengthened by two weeks below; the tasks and milestones after it slip too


def lengthen(spec: Path, task: str, weeks: int) -> None:
    """Make ``task`` last ``weeks`` longer, editing the text so the rest of the spec stays as it was."""
    text = spec.read_text(encoding="utf-8")
    block = re.search(rf"- id: {re.escape(task)}\n(?:\s+[a-z_]+:.*\n)*?\s+duration: (\d+)\n", text)
    assert block, task
    old = block.group(0)
    new = old.replace(f"duration: {block.group(1)}", f"duration: {int(block.group(1)) + weeks}")
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def slipped(tmp_path: Path, cli) -> Path:
    spec = tmp_path / "plan.yaml"
    spec.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = cli("baseline", spec)
    assert code == 0, err
    assert "plan.baseline.yaml" in out
    lengthen(spec, SLIPPED, 2)
    return spec


def test_baseline_stores_every_planned_date_beside_the_spec_the_same_bytes_each_time(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    spec.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("baseline", spec)[0] == 0
    stored = tmp_path / "plan.baseline.yaml"
    first = stored.read_bytes()
    assert cli("baseline", spec)[0] == 0
    assert stored.read_bytes() == first
    data = yaml.safe_load(first)
    outlook = load_outlook(spec).outlook
    assert data["tasks"] == {t.id: {"start": t.start_date, "finish": t.end_date} for t in outlook.roadmap.tasks}
    assert data["milestones"] == {m.id: m.date for m in outlook.roadmap.milestones}


def test_the_model_gives_each_task_and_milestone_its_slip_in_days(slipped):
    outlook = load_outlook(slipped).outlook
    tasks = {t.id: t for t in outlook.roadmap.tasks}
    assert tasks[SLIPPED].slip_days == 14
    assert tasks["t.requirements"].slip_days == 0
    late = {t.id for t in outlook.roadmap.tasks if t.slip_days}
    assert SLIPPED in late and "t.requirements" not in late
    milestones = {m.id: m for m in outlook.roadmap.milestones}
    assert any(m.slip_days == 14 for m in milestones.values())
    assert all(m.slip_days in (0, 14) for m in milestones.values())


def test_every_format_shows_the_slips_and_the_charts_the_baseline(slipped, tmp_path, cli):
    out = tmp_path / "out"
    code, _out, err = cli("build", slipped, "-o", out)
    assert code == 0, err
    outlook = load_outlook(slipped).outlook
    task = next(t for t in outlook.roadmap.tasks if t.id == SLIPPED)
    md = (out / "plan.md").read_text(encoding="utf-8")
    html = (out / "plan.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "plan.docx") as docx:
        word_xml = docx.read("word/document.xml").decode("utf-8")
    word = re.sub(r"<[^>]+>", "", word_xml)

    # The task table's slip column: +14 d for the slipped task, "on time" for one before it.
    row = next(line for line in md.splitlines() if line.startswith(f"| {SLIPPED} |"))
    assert "+14 d" in row
    assert "on time" in next(line for line in md.splitlines() if line.startswith("| t.requirements |"))
    assert "+14 d" in html and "on time" in html
    assert "+14 d" in word and "on time" in word
    for text in (md, html, word):
        assert "Slip: calendar days past the baseline" in text  # what the slips are measured against

    # Mermaid: a grey row at the baseline dates under the current bar.
    planned = task.baseline_start.isoformat()
    assert re.search(
        rf"\(Baseline\) :done, b\d+_\d+, {planned}, {(task.baseline_end - task.baseline_start).days + 1}d", md
    )
    # The HTML Gantt: one thin grey bar per task, hollow diamonds for milestones.
    assert html.count('<rect class="baseline"') == len(outlook.roadmap.tasks)
    assert html.count('<path class="baseline"') == len(outlook.roadmap.milestones)
    # The Word Gantt: a thin grey row under each task, shaded over the columns the baseline had it in.
    ghosts = re.findall(
        r'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="80" w:hRule="exact"/></w:trPr>(.*?)</w:tr>', word_xml
    )
    assert len(ghosts) == len(outlook.roadmap.tasks)
    assert all("w:shd" in row for row in ghosts)
    assert "▬ Baseline" in word  # and the legend says what they are


def test_an_unmoved_milestones_ghost_sits_under_it_in_both_charts(slipped, tmp_path, cli):
    outlook = load_outlook(slipped).outlook
    on_time = next(m for m in outlook.roadmap.milestones if m.slip_days == 0)
    assert on_time.baseline_day == on_time.day
    code, _out, err = cli("build", slipped, "-f", "md", "-o", tmp_path / "out")
    assert code == 0, err
    md = (tmp_path / "out" / "plan.md").read_text(encoding="utf-8")
    current = re.search(rf"{re.escape(on_time.name)} :milestone[^,]*, m\d+_\d+, (\S+), 0d", md)
    ghost = re.search(rf"{re.escape(on_time.name)} \(Baseline\) :milestone, done, bm\d+_\d+, (\S+), 0d", md)
    assert current and ghost and current.group(1) == ghost.group(1)


def test_lint_warns_when_a_milestone_slipped_past_the_tolerance(slipped, cli):
    _code, out, _err = cli("lint", slipped)
    assert "OG606" in out and "days past its baseline" in out
    text = slipped.read_text(encoding="utf-8").replace(
        "  start: 2026-02-02\n", "  start: 2026-02-02\n  baseline: {from: plan.baseline.yaml, tolerance: 20}\n", 1
    )
    assert text != slipped.read_text(encoding="utf-8")
    slipped.write_text(text, encoding="utf-8")
    _code, out, _err = cli("lint", slipped)
    assert "OG606" not in out  # two weeks are within a 20-day tolerance


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_the_baseline_can_be_the_spec_as_it_was_at_a_git_tag(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    spec.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "plan.yaml")
    git(tmp_path, "commit", "-qm", "v1")
    git(tmp_path, "tag", "v1.0")
    lengthen(spec, SLIPPED, 2)
    text = spec.read_text(encoding="utf-8").replace(
        "  start: 2026-02-02\n", "  start: 2026-02-02\n  baseline: git:v1.0\n", 1
    )
    spec.write_text(text, encoding="utf-8")
    outlook = load_outlook(spec).outlook
    assert {t.id: t.slip_days for t in outlook.roadmap.tasks}[SLIPPED] == 14
    assert outlook.roadmap.baseline is not None and "v1.0" in outlook.roadmap.baseline.source


@pytest.mark.parametrize(
    "setting, words",
    [
        ("missing.baseline.yaml", "missing.baseline.yaml"),
        ("../outside.yaml", "outside"),
        ("git:--output=x", "git"),
    ],
    ids=["missing-file", "outside-the-project", "option-as-ref"],
)
def test_a_bad_baseline_is_a_located_error(setting, words, tmp_path, cli):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / ".git").mkdir()
    (tmp_path / "outside.yaml").write_text("outlook-baseline: 1\ntasks: {}\nmilestones: {}\n", encoding="utf-8")
    spec = tmp_path / "project" / "plan.yaml"
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "  start: 2026-02-02\n", f"  start: 2026-02-02\n  baseline: '{setting}'\n", 1
    )
    spec.write_text(text, encoding="utf-8")
    code, _out, err = cli("build", spec, "-f", "md", "-o", tmp_path / "out")
    assert code == 1
    line = next(n for n, text in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if "  baseline: '" in text)
    assert re.match(rf"{re.escape(str(spec))}:{line}:\d+: error: roadmap\.baseline", err), err
    assert words in err


def test_a_plan_without_a_baseline_shows_no_slip_column(tmp_path):
    outlook = build_outlook(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    assert outlook.roadmap.baseline is None
    assert all(t.slip_days is None for t in outlook.roadmap.tasks)
    assert outlook.roadmap.start == date(2026, 2, 2)


def test_the_baseline_can_be_an_older_copy_of_the_spec(tmp_path):
    (tmp_path / ".git").mkdir()  # the project folder
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "plan-v1.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    spec = tmp_path / "plan.yaml"
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "  start: 2026-02-02\n", "  start: 2026-02-02\n  baseline: releases/plan-v1.yaml\n", 1
    )
    spec.write_text(text, encoding="utf-8")
    lengthen(spec, SLIPPED, 1)
    outlook = load_outlook(spec).outlook
    assert {t.id: t.slip_days for t in outlook.roadmap.tasks}[SLIPPED] == 7
