"""A reference document that passed its check is kept by digest (packs/reference_store.py).

An unchanged file is not checked again; a changed one is; a refused one is
never kept, so its error lines always come from a fresh check; an entry that
does not match its digest is checked again and rewritten.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

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
    code = (
        "import sys; from outlookgen.cli import main\n"
        "try:\n    main(['build', '-q', '-j', '1', '--force', '-f', 'docx', *sys.argv[1:]])\nexcept SystemExit:\n    pass\n"
        "print('outlookgen.packs.reference_docx' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), OUTLOOKGEN_CACHE_DIR=str(tmp_path / "cache"))
    loaded, documents = [], []
    for run in ("first", "second"):
        out = tmp_path / run
        done = subprocess.run(
            [sys.executable, "-c", code, str(MINIMAL), "-o", str(out)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        loaded.append(done.stdout.strip())
        documents.append([p.read_bytes() for p in sorted(out.glob("*.docx"))])
    assert loaded == ["True", "False"]
    assert documents[0] == documents[1] and documents[0]
