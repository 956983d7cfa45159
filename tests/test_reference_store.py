"""A reference document that passed its check is kept by digest (packs/reference_store.py).

An unchanged file is not checked again; a changed one is; a refused one is
never kept, so its error lines always come from a fresh check; an entry that
does not match its digest is checked again and rewritten.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build_loading

from outlookgen.errors import TemplateError
from outlookgen.packs import reference_store
from outlookgen.packs.reference_docx import check_reference_bytes

DEFAULT = ROOT / "templates" / "default" / "docx" / "reference.docx"
MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"


def _entries(cache) -> list:
    folder = cache / "reference"
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def test_a_file_that_passed_is_kept_and_served_as_the_check_made_it(tmp_path):
    cache = Path(os.environ["OUTLOOKGEN_CACHE_DIR"])
    reference = tmp_path / "reference.docx"
    shutil.copy(DEFAULT, reference)
    checked = check_reference_bytes(reference.read_bytes(), "reference.docx").package
    assert reference_store.safe_package(reference, "reference.docx") == checked
    kept = _entries(cache)
    assert len(kept) == 1
    assert reference_store.safe_package(reference, "reference.docx") == checked  # from the entry
    assert _entries(cache) == kept


def test_a_changed_file_is_checked_again(tmp_path):
    reference = tmp_path / "reference.docx"
    shutil.copy(DEFAULT, reference)
    reference_store.safe_package(reference, "reference.docx")
    reference.write_bytes(reference.read_bytes()[:-200])  # no longer a whole zip
    with pytest.raises(TemplateError) as refused:
        reference_store.safe_package(reference, "reference.docx")
    assert refused.value.diagnostics and refused.value.diagnostics[0].file == "reference.docx"


def test_a_refused_file_is_never_kept(tmp_path):
    cache = Path(os.environ["OUTLOOKGEN_CACHE_DIR"])
    reference = tmp_path / "reference.docx"
    reference.write_bytes(b"not a zip")
    lines = []
    for _ in range(2):
        with pytest.raises(TemplateError) as refused:
            reference_store.safe_package(reference, "reference.docx")
        lines.append(refused.value.diagnostics)
    assert lines[0] == lines[1] and lines[0]
    assert _entries(cache) == []


def test_an_entry_that_does_not_match_its_digest_is_checked_again(tmp_path):
    cache = Path(os.environ["OUTLOOKGEN_CACHE_DIR"])
    reference = tmp_path / "reference.docx"
    shutil.copy(DEFAULT, reference)
    checked = reference_store.safe_package(reference, "reference.docx")
    (entry,) = _entries(cache)
    damaged = bytearray(entry.read_bytes())
    damaged[-10] ^= 0xFF
    entry.write_bytes(bytes(damaged))
    assert reference_store.safe_package(reference, "reference.docx") == checked
    assert entry.read_bytes() != bytes(damaged)  # written again, whole


def test_a_second_build_does_not_load_the_checker(tmp_path):
    # The checker's module is ~6 ms to import and its check ~6 ms: a build whose pack's reference
    # is kept loads neither, and writes the same bytes.
    checker = "outlookgen.packs.reference_docx"
    first = build_loading([MINIMAL, "-f", "docx"], tmp_path / "first", tmp_path / "cache", (checker,))
    second = build_loading([MINIMAL, "-f", "docx"], tmp_path / "second", tmp_path / "cache", (checker,))
    assert (first[0], second[0]) == ([checker], [])
    assert first[1] == second[1] and first[1]
