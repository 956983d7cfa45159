"""``outlookgen watch`` rebuilds on save, keeps going after a broken save, and says clearly when the extra is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import ROOT

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"


def _wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_watch_rebuilds_on_save(tmp_path):
    pytest.importorskip("watchfiles")
    spec = tmp_path / "specs" / "plan.yaml"
    spec.parent.mkdir()
    shutil.copy(MINIMAL, spec)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OUTLOOKGEN_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "outlookgen", "watch", str(spec), "-f", "md", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        md = out / "plan.md"
        assert _wait_for(md.exists), "first build did not happen"
        time.sleep(0.5)  # let the watcher start
        spec.write_text(spec.read_text(encoding="utf-8").replace("Minimal outlook", "Saved again"), encoding="utf-8")
        assert _wait_for(lambda: "# Saved again" in md.read_text(encoding="utf-8")), "no rebuild after save"
        spec.write_text(spec.read_text(encoding="utf-8").replace("owner: PM\n", "owner: GHOST\n", 1), encoding="utf-8")
        time.sleep(1.5)
        assert proc.poll() is None, "a broken save must not stop watching"
        spec.write_text(
            spec.read_text(encoding="utf-8").replace("GHOST", "PM").replace("Saved again", "Fixed"), encoding="utf-8"
        )
        assert _wait_for(lambda: "# Fixed" in md.read_text(encoding="utf-8")), "no rebuild after the fix"
    finally:
        proc.terminate()
        stdout, stderr = proc.communicate(timeout=30)
    assert "unknown role 'GHOST'" in stderr
    assert "Traceback" not in stderr
    assert "watching for changes" in stdout


def test_watch_without_the_extra_says_how_to_install(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "watchfiles.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "watch", str(MINIMAL)], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert "pip install 'outlookgen[watch]'" in proc.stderr
    assert "Traceback" not in proc.stderr


class Watcher:
    """``outlookgen watch ARGS`` in a child process (with the fault hook of test_faults), its output in files."""

    def __init__(self, tmp_path, *args):
        from test_faults import fault_env

        env = fault_env(tmp_path, OUTLOOKGEN_CACHE_DIR=str(tmp_path / "cache"))
        self.stdout, self.stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
        with open(self.stdout, "wb") as stdout, open(self.stderr, "wb") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "outlookgen", "watch", *map(str, args)],
                stdout=stdout,
                stderr=stderr,
                env=env,
                cwd=tmp_path,
            )

    def err(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def wait_for_error(self, text: str, what: str) -> None:
        found = _wait_for(lambda: text in self.err() or self.proc.poll() is not None)
        assert self.proc.poll() is None, f"{what}: the watcher stopped:\n{self.err()[-3000:]}"
        assert found and text in self.err(), f"{what}: no error line with {text!r}:\n{self.err()[-3000:]}"

    def stop(self) -> str:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        return self.err()


def _write_spec(spec, title):
    spec.write_text(MINIMAL.read_text(encoding="utf-8").replace("Minimal outlook", title), encoding="utf-8")


def test_watch_outlives_every_error_a_save_can_cause(tmp_path):
    # Found by these tests: an unreadable pack file, a template in another encoding,
    # a MemoryError, a symlink loop saved beside the spec and any bug ended the watcher
    # with a traceback; only outlookgen's own errors were reported.
    pytest.importorskip("watchfiles")
    from test_hostile import check_error_lines

    specs, pack, out = tmp_path / "specs", tmp_path / "acme", tmp_path / "out"
    (pack / "md").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: acme\nextends: default\n", encoding="utf-8")
    specs.mkdir()
    spec = specs / "plan.yaml"
    _write_spec(spec, "Round 0")
    md = out / "plan.md"
    template = pack / "md" / "outlook.md.j2"
    watcher = Watcher(tmp_path, spec, "-f", "md", "-o", out, "-t", pack)

    def trigger(name):
        return lambda: (pack / name).write_text("body {}\n", encoding="utf-8"), lambda: (pack / name).unlink()

    def replace_spec_by_folder():
        spec.unlink()
        spec.mkdir()

    rounds = [
        (
            "a pack file that cannot be read",
            *trigger("fault-raise-PermissionError.css"),
            "cannot be read: permission denied",
        ),
        ("running out of memory", *trigger("fault-raise-MemoryError.css"), "outlookgen: error: ran out of memory"),
        ("a bug in outlookgen", *trigger("fault-raise-ZeroDivisionError.css"), "this is a bug in outlookgen"),
        ("a template not in UTF-8", lambda: template.write_bytes(b"\xff\xfe"), template.unlink, "not valid UTF-8"),
        ("the spec deleted", spec.unlink, lambda: None, "no such file"),
        ("a folder in place of the spec", replace_spec_by_folder, spec.rmdir, "no spec files found"),
        ("a symlink loop beside the spec", lambda: (specs / "loop.yaml").symlink_to("loop.yaml"), lambda: None, None),
    ]
    try:
        assert _wait_for(lambda: md.exists() and "# Round 0" in md.read_text(encoding="utf-8")), watcher.err()
        time.sleep(0.5)  # let the watcher start
        for number, (what, break_it, fix, error) in enumerate(rounds, start=1):
            break_it()
            if error:
                watcher.wait_for_error(error, what)
            else:
                time.sleep(2.5)
                assert watcher.proc.poll() is None, f"{what}: the watcher stopped:\n{watcher.err()[-3000:]}"
            fix()
            _write_spec(spec, f"Round {number}")
            assert _wait_for(lambda n=number: f"# Round {n}" in md.read_text(encoding="utf-8")), (
                f"{what}: no rebuild after the fix:\n{watcher.err()[-3000:]}"
            )
    finally:
        stderr = watcher.stop()
    lines = check_error_lines(stderr)  # error lines only: no traceback
    assert sum("please report it" in line for line in lines) == 1, lines


def test_watch_starts_on_a_spec_that_is_a_symlink_loop_and_builds_once_it_is_fixed(tmp_path):
    # Found by these tests: Path.resolve raised RuntimeError on the loop before the first event.
    pytest.importorskip("watchfiles")
    from test_hostile import check_error_lines

    spec = tmp_path / "specs" / "plan.yaml"
    spec.parent.mkdir()
    spec.symlink_to("plan.yaml")
    out = tmp_path / "out"
    watcher = Watcher(tmp_path, spec, "-f", "md", "-o", out)
    try:
        watcher.wait_for_error(f"{spec}:1:1: error: $: ", "a symlink loop")
        time.sleep(0.5)
        spec.unlink()
        _write_spec(spec, "Arrived")
        assert _wait_for(lambda: (out / "plan.md").exists()), f"no build once the spec arrived:\n{watcher.err()}"
    finally:
        stderr = watcher.stop()
    assert len(check_error_lines(stderr)) == 1


def test_watch_in_a_folder_that_does_not_exist_is_an_error_line(tmp_path):
    # Found by these tests: watchfiles' FileNotFoundError ("No path was found.") was a traceback.
    pytest.importorskip("watchfiles")
    from test_hostile import check_error_lines

    spec = tmp_path / "specs" / "plan.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "watch", str(spec)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT), OUTLOOKGEN_CACHE_DIR=str(tmp_path / "cache")),
        timeout=60,
    )
    assert proc.returncode == 1
    assert check_error_lines(proc.stderr) == [f"outlookgen: error: cannot watch {spec.parent}: there is no such folder"]
