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
