"""The user's cache folder stays under its cap: what was used longest ago goes first, once a day."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from conftest import SAMPLES

from outlookgen import user_cache

DAY = 24 * 60 * 60


def _hex(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def _entry(root: Path, name: str, size: int, days_ago: float) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    then = time.time() - days_ago * DAY
    os.utime(path, (then, then))
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OUTLOOKGEN_CACHE_MAX_MB", raising=False)
    return tmp_path / "cache"


def test_what_was_used_longest_ago_goes_first_down_to_three_quarters_of_the_cap(cache):
    old = [_entry(cache, f"parsed/{_hex(f'old{i}')}", 1000, days_ago=30 - i) for i in range(4)]
    recent = [_entry(cache, f"templates/{_hex(f'new{i}')}.jinja", 1000, days_ago=1) for i in range(4)]
    assert user_cache.prune(8000) == 0  # at the cap: nothing goes
    assert user_cache.prune(7000) == 3000  # over it: down to 5,250 bytes, the oldest first
    assert [p.exists() for p in old] == [False, False, False, True]
    assert all(p.exists() for p in recent)


def test_an_entry_read_is_marked_used_and_outlives_newer_ones(cache):
    kept = cache / "parsed" / _hex("kept")
    user_cache.write_entry(kept, b"payload")
    then = time.time() - 40 * DAY
    os.utime(kept, (then, then))
    newer = _entry(cache, f"parsed/{_hex('newer')}", 1000, days_ago=10)
    assert user_cache.read_entry(kept) == b"payload"
    user_cache.prune(1000)
    assert kept.exists() and not newer.exists()


def test_records_in_their_two_digit_folders_are_entries_too(cache):
    key = _hex("record")
    record = _entry(cache, f"specs/{key[:2]}/{key}.json", 3000, days_ago=9)
    learnt = _entry(cache, f"specs/{key[:2]}/{key}.learnt.json", 3000, days_ago=8)
    assert user_cache.prune(4000) == 3000  # down to 3,000 bytes: the record, used longer ago, goes
    assert not record.exists() and learnt.exists()


def test_nothing_it_did_not_name_is_touched_and_links_are_not_followed(cache, tmp_path):
    """Pointed at the wrong folder (OUTLOOKGEN_CACHE_DIR=$HOME), it still removes only its own files."""
    outside = _entry(tmp_path, f"elsewhere/{_hex('outside')}", 5000, days_ago=99)
    (cache / "parsed").mkdir(parents=True)
    (cache / "parsed" / _hex("link")).symlink_to(outside)
    (cache / "valid").symlink_to(outside.parent, target_is_directory=True)
    mine = [
        _entry(cache, "templates/report.docx", 5000, days_ago=99),  # a user's file in a folder of that name
        _entry(cache, "specs/notes/" + _hex("deep") + ".json", 5000, days_ago=99),
        _entry(cache, "stranger/" + _hex("other"), 5000, days_ago=99),
    ]
    leftover = _entry(cache, "templates/.abcd_123.tmp", 10, days_ago=2)
    writing = _entry(cache, "templates/.efgh_456.tmp", 10, days_ago=0)
    assert user_cache.prune(1) == 10  # over any cap, yet only a temporary file a killed process left goes
    assert outside.exists() and all(p.exists() for p in mine) and writing.exists()
    assert (cache / "parsed" / _hex("link")).is_symlink() and not leftover.exists()


def test_pruned_at_most_once_a_day_and_not_at_all_with_a_cap_of_0(cache, monkeypatch):
    monkeypatch.setenv("OUTLOOKGEN_CACHE_MAX_MB", "1")
    big = _entry(cache, f"parsed/{_hex('big')}", 2 * 1024 * 1024, days_ago=5)
    user_cache.prune_if_due()
    assert not big.exists()
    again = _entry(cache, f"parsed/{_hex('again')}", 2 * 1024 * 1024, days_ago=5)
    user_cache.prune_if_due()  # pruned less than a day ago
    assert again.exists()
    then = time.time() - 2 * DAY
    os.utime(cache / ".pruned", (then, then))
    monkeypatch.setenv("OUTLOOKGEN_CACHE_MAX_MB", "0")
    user_cache.prune_if_due()
    assert again.exists()
    monkeypatch.setenv("OUTLOOKGEN_CACHE_MAX_MB", "lots")  # not a number: the default cap, 256 MB
    user_cache.prune_if_due()
    assert again.exists() and user_cache.max_bytes() == 256 * 1024 * 1024


def test_a_command_keeps_the_folder_under_its_cap(cache, monkeypatch, cli, tmp_path):
    monkeypatch.setenv("OUTLOOKGEN_CACHE_MAX_MB", "1")
    stale = []
    for i in range(8):
        key = _hex(f"stale{i}")
        stale.append(_entry(cache, f"specs/{key[:2]}/{key}.json", 300 * 1024, days_ago=60 - i))
    code, _, err = cli("build", SAMPLES / "bi-platform.en.yaml", "-f", "md", "-o", tmp_path / "out")
    assert code == 0, err
    assert (tmp_path / "out" / "bi-platform.en.md").exists()
    size = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    assert size <= 768 * 1024  # down to three quarters of the cap, the stale records first
    assert not stale[0].exists() and (cache / ".pruned").exists()
