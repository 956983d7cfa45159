"""Issue 12, paths and dates: what the hostile corpus cannot express as one build.

SOURCE_DATE_EPOCH in every command that stamps a date, Word dates at both
ends of what zip and Word hold, specs reached through symlinks, and folder
discovery through loops, fan-out and deep trees.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import etree

from outlookgen.project.pipeline import validate_files

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
DCTERMS = "{http://purl.org/dc/terms/}"
SECRET = "SECRET-OUTSIDE-5e1c"


def minimal(*replacements: tuple[str, str]) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def run(*args, cwd: Path, env: dict[str, str] | None = None, timeout: int = 60) -> subprocess.CompletedProcess:
    """``python -m outlookgen ARGS`` in a child process: a walk that never ends fails the test instead of hanging it."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    try:
        return subprocess.run(
            [sys.executable, "-m", "outlookgen", *map(str, args)],
            cwd=cwd,
            env=dict(os.environ, PYTHONPATH=path, **(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"outlookgen {' '.join(map(str, args))} did not finish in {timeout} s")


def word_dates(docx: Path) -> tuple[str, set[str]]:
    """The Word file's created date (modified must match) and the set of its zip entries' timestamps."""
    with zipfile.ZipFile(docx) as archive:
        core = etree.fromstring(archive.read("docProps/core.xml"))
        stamps = {"{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*i.date_time) for i in archive.infolist()}
    created, modified = (core.find(DCTERMS + name).text for name in ("created", "modified"))
    assert created == modified
    return created, stamps


# --------------------------------------------------------------------------- SOURCE_DATE_EPOCH

BAD_EPOCHS = {
    "negative": "-1",
    "fraction": "1.5",
    "exponent": "1e30",
    "space": " 12",
    "plus": "+12",
    "underscore": "1_000",
    "arabic-indic-digits": "\u0661\u0662",
    "past-9999": "253402300800",
    "5000-digits": "9" * 5000,
    "newline": "12\n3",
}


@pytest.mark.parametrize("value", BAD_EPOCHS.values(), ids=BAD_EPOCHS.keys())
def test_a_malformed_source_date_epoch_is_one_error_in_every_command(value, tmp_path, cli, monkeypatch):
    spec = tmp_path / "plan.yaml"
    spec.write_text(minimal(), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    commands = [
        ("build", spec, "-f", "md", "-o", tmp_path / "out", "-q"),  # Markdown stamps no date, but the build is one
        ("build", spec, "-f", "docx", "-o", tmp_path / "out", "-q"),
        ("build", spec, "-f", "html", "-o", tmp_path / "out", "--check"),
        ("ics", spec, "-o", tmp_path / "out.ics"),
    ]
    for command in commands:
        code, _, err = cli(*command)
        assert code == 1, (command, err)
        [line] = err.splitlines()
        assert line.startswith(
            "outlookgen: error: SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, "
            "0 to 253402300799 (the end of 9999), not '"
        ), line
        assert len(line) < 300
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]


def test_source_date_epoch_dates_word_files_and_calendars_up_to_the_end_of_9999(tmp_path, cli, monkeypatch):
    spec = tmp_path / "plan.yaml"
    spec.write_text(minimal(), encoding="utf-8")
    expected = {
        "": ("2026-03-02T00:00:00Z", "2026-03-02 00:00:00", "20260302T000000Z"),  # empty is unset: meta.date
        "0": ("1970-01-01T00:00:00Z", "1980-01-01 00:00:00", "19700101T000000Z"),
        "99999999999": ("5138-11-16T09:46:39Z", "2107-12-31 23:59:58", "51381116T094639Z"),
        "253402300799": ("9999-12-31T23:59:59Z", "2107-12-31 23:59:58", "99991231T235959Z"),
    }
    for value, (created, stamp, dtstamp) in expected.items():
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        out = tmp_path / f"epoch-{value}"
        code, _, err = cli("build", spec, "-f", "docx", "-o", out, "-q")
        assert code == 0, (value, err)
        assert word_dates(out / "plan.docx") == (created, {stamp}), value
        code, _, err = cli("ics", spec, "-o", out / "plan.ics")
        assert code == 0, (value, err)
        assert f"DTSTAMP:{dtstamp}\r\n".encode() in (out / "plan.ics").read_bytes(), value


# --------------------------------------------------------------------------- dates in Word and zip


def test_zip_timestamps_are_clamped_to_the_years_zip_can_hold():
    from outlookgen.render.docx.package import write_zip

    for when, stamp in (
        (datetime(1975, 6, 1, 12, 0, 0), (1980, 1, 1, 0, 0, 0)),
        (datetime(2026, 3, 2, 10, 11, 13), (2026, 3, 2, 10, 11, 12)),  # zip counts in steps of two seconds
        (datetime(2107, 12, 31, 23, 59, 59), (2107, 12, 31, 23, 59, 58)),
        (datetime(2108, 1, 1), (2107, 12, 31, 23, 59, 58)),
        (datetime(9999, 12, 31, 23, 59, 59), (2107, 12, 31, 23, 59, 58)),
    ):
        data = write_zip({"a.xml": b"<a/>"}, when)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.infolist()[0].date_time == stamp, when


def test_meta_date_is_a_located_error_before_1601(tmp_path):
    early = tmp_path / "early.yaml"
    early.write_text(minimal(("date: 2026-03-02", "date: 1600-12-31")), encoding="utf-8")
    first = tmp_path / "first.yaml"
    first.write_text(minimal(("date: 2026-03-02", "date: 1601-01-01")), encoding="utf-8")
    results = {spec.name: [p.format() for p in problems] for spec, problems in validate_files([early, first])}
    assert results == {
        "early.yaml": [
            f"{early}:5:9: error: meta.date: 1600-12-31 is before 1601-01-01, the first date a Word file can "
            "carry as its created date; check the year"
        ],
        "first.yaml": [],
    }


def test_far_future_dates_build_in_every_format(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    spec.write_text(
        minimal(("date: 2026-03-02", "date: 2150-01-01"), ("  start: 2026-03-02", "  start: 2150-01-05")),
        encoding="utf-8",
    )
    code, _, err = cli("build", spec, "-f", "md,html,docx", "-o", tmp_path / "out", "--as-of", "2150-03-01", "-q")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["plan.docx", "plan.html", "plan.md"]
    assert word_dates(tmp_path / "out" / "plan.docx") == ("2150-01-01T00:00:00Z", {"2107-12-31 23:59:58"})


# --------------------------------------------------------------------------- specs reached through symlinks


@pytest.fixture
def linked(tmp_path):
    """proj/ (a .git project) with a spec, a link to it, a link to a spec outside and a folder link out."""
    proj, outside = tmp_path / "proj", tmp_path / "outside"
    (proj / ".git").mkdir(parents=True)
    (proj / "specs").mkdir()
    outside.mkdir()
    (outside / "plan.yaml").write_text(minimal(("title: Minimal outlook", f"title: {SECRET}")), encoding="utf-8")
    (proj / "specs" / "real.yaml").write_text(minimal(), encoding="utf-8")
    (proj / "specs" / "inside.yaml").symlink_to("real.yaml")
    (proj / "specs" / "out.yaml").symlink_to(outside / "plan.yaml")
    (proj / "linked").symlink_to(outside, target_is_directory=True)
    return proj


def test_only_a_symlink_out_of_the_project_is_refused(linked, cli):
    refused = "1:1: error: $: reached through a symlink that leads outside the project folder"
    for spec, ok in (
        ("specs/real.yaml", True),
        ("specs/inside.yaml", True),  # a link that stays in the project
        ("../outside/plan.yaml", True),  # a plain file in another folder: its own project
        ("specs/out.yaml", False),
        ("linked/plan.yaml", False),  # a folder link out of the project
    ):
        code, out, err = cli("build", spec, "-f", "md", "-o", linked / "out", "-q", cwd=linked)
        assert (code == 0) == ok, (spec, err)
        if not ok:
            root = os.path.realpath(linked)
            assert err == f"{spec}:{refused} {root}; a spec, like the fragments it includes, must stay inside it\n"
            assert SECRET not in out + err


def test_folder_discovery_reports_a_spec_symlink_out_of_the_project(linked, cli):
    code, out, err = cli("validate", "specs", cwd=linked)
    assert code == 1
    assert out == "specs/real.yaml: valid\n"  # inside.yaml is the same file: listed once
    assert err.startswith("specs/out.yaml:1:1: error: $: reached through a symlink that leads outside")
    assert SECRET not in out + err


def test_a_pyproject_with_tool_outlookgen_marks_the_project_for_includes(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.outlookgen]\nformats = ["md"]\n', encoding="utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "x.yaml").write_text("x-shared: 1\n", encoding="utf-8")
    spec = tmp_path / "specs" / "plan.yaml"
    spec.write_text(minimal(("outlook: 1\n", "outlook: 1\ninclude: [../shared/x.yaml]\n")), encoding="utf-8")
    assert validate_files([spec]) == [(spec, [])]


# --------------------------------------------------------------------------- folder discovery


def test_folder_discovery_does_not_follow_symlinked_folders_and_counts_a_file_once(tmp_path):
    specs = tmp_path / "specs"
    (specs / "many").mkdir(parents=True)
    (specs / "plan.yaml").write_text(minimal(), encoding="utf-8")
    (specs / "up").symlink_to("..", target_is_directory=True)
    (specs / "root").symlink_to("/", target_is_directory=True)
    for i in range(1000):
        (specs / "many" / f"d{i}").symlink_to("..", target_is_directory=True)
        (specs / "many" / f"f{i}.yaml").symlink_to("../plan.yaml")
    proc = run("validate", "specs", cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "specs/plan.yaml: valid\n", "")


def test_folder_discovery_walks_a_tree_deeper_than_the_recursion_limit(tmp_path):
    top = tmp_path / "t"
    top.mkdir()
    (top / "plan.yaml").write_text(minimal(), encoding="utf-8")
    depth = 1000
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):  # by descriptor: os.makedirs itself recurses
            os.mkdir("a", dir_fd=fd)
            fd, parent = os.open("a", os.O_RDONLY, dir_fd=fd), fd
            os.close(parent)
        with open(os.open("deep.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w", encoding="utf-8") as f:
            f.write(minimal())
    finally:
        os.close(fd)
    try:
        proc = run("validate", "t", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout.splitlines() == ["t/" + "a/" * depth + "deep.yaml: valid", "t/plan.yaml: valid"]
    finally:
        _remove_deep(top / "a", depth)


def _remove_deep(folder: Path, depth: int) -> None:
    """Remove a chain of nested folders from the bottom up (shutil.rmtree recurses too deep for it)."""
    base = str(folder.parent)
    os.remove(os.path.join(base, *["a"] * depth, "deep.yaml"))
    for level in range(depth, 0, -1):
        os.rmdir(os.path.join(base, *["a"] * level))
