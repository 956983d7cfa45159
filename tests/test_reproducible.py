"""Same inputs, same bytes: builds under other time zones, hash seeds and working folders match exactly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE_FILES

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
