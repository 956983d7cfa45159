"""Texts read before are kept by digest (spec/parsed.py): the same data and positions, no PyYAML loaded.

Only a text read without a problem is kept; any other byte, another display
name or other limits is a fresh read; an entry that fails its own digest is
read again and rewritten.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import ROOT, build_loading

from outlookgen.spec import parsed
from outlookgen.spec.loader import Limits, load_text

TEXT = """outlook: 1
meta:
  title: 'ERP 实施工作展望'
  version: 1.10
  count: 0755
  date: 2026-03-01
items:
  - {id: A, size: 3}
  - &b {id: B, size: 4}
  - *b
"""


def _entries() -> list[Path]:
    folder = Path(os.environ["OUTLOOKGEN_CACHE_DIR"]) / "parsed"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def _seen(loaded) -> tuple:
    paths = [(), ("meta", "title"), ("meta", "version"), ("items", 2, "id"), ("meta", "nope")]
    return (
        loaded.file,
        loaded.data,
        [loaded.locate(p) for p in paths],
        [loaded.locate(p, key=True) for p in paths],
        loaded.source.raw(("meta", "version")),
        loaded.digest,
        loaded.reported,
    )


def test_a_text_read_again_comes_back_the_same(monkeypatch):
    first = load_text(TEXT, "plan.yaml")
    assert len(_entries()) == 1
    read_again = []
    monkeypatch.setattr("outlookgen.spec.yaml_events.parse", lambda *a: read_again.append(a))
    second = load_text(TEXT, "plan.yaml")
    assert read_again == []  # from the entry
    assert _seen(second) == _seen(first)
    version, count = second.data["meta"]["version"], second.data["meta"]["count"]
    assert (type(version).__name__, version.source, type(count).__name__, count.source) == (
        "ScalarFloat",
        "1.10",
        "ScalarInt",
        "0755",
    )


def test_another_name_other_limits_or_another_byte_is_a_fresh_read():
    load_text(TEXT, "plan.yaml")
    moved = load_text(TEXT, "elsewhere/plan.yaml")
    assert moved.locate(("meta", "title"))[0] == "elsewhere/plan.yaml"
    load_text(TEXT, "plan.yaml", limits=Limits(max_depth=10))
    load_text(TEXT + "# one more line\n", "plan.yaml")
    assert len(_entries()) == 4


def test_a_text_with_problems_is_never_kept():
    text = "outlook: 1\na: .nan\n"
    problems = [load_text(text, "plan.yaml").problems for _ in range(2)]
    assert problems[0] == problems[1] and problems[0]
    assert _entries() == []


def test_an_entry_that_fails_its_digest_is_read_again():
    first = load_text(TEXT, "plan.yaml")
    (entry,) = _entries()
    damaged = bytearray(entry.read_bytes())
    damaged[-5] ^= 0xFF
    entry.write_bytes(bytes(damaged))
    assert parsed.recall(TEXT, "plan.yaml", Limits()) is None
    assert _seen(load_text(TEXT, "plan.yaml")) == _seen(first)
    assert entry.read_bytes() != bytes(damaged)


def test_a_second_build_does_not_load_pyyaml(tmp_path):
    # Spec, pack.yaml and labels were all read by the first build: the second neither imports
    # PyYAML nor parses, and writes the same bytes.
    args = [ROOT / "samples" / "erp-manufacturing.zh-CN.yaml", "-f", "md,html,docx"]
    first = build_loading(args, tmp_path / "first", tmp_path / "cache", ("yaml",))
    second = build_loading(args, tmp_path / "second", tmp_path / "cache", ("yaml",))
    assert (first[0], second[0]) == (["yaml"], [])
    assert first[1] == second[1] and len(first[1]) == 3


def test_a_large_text_is_read_every_time_not_kept():
    # A generated spec of thousands of tasks parses faster than its positions unpickle: not kept.
    big = TEXT + "".join(f"x{i}: {{id: T{i}, size: {i}}}\n" for i in range(parsed.MAX_KEPT // 24))
    assert len(big) > parsed.MAX_KEPT
    load_text(big, "plan.yaml")
    assert _entries() == []
