"""The samples render exactly to the reviewed golden documents (regenerate: python tests/regen_golden.py)."""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLE_FILES

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_markdown_matches_golden(sample, tmp_path, cli):
    code, _, err = cli("build", sample, "-f", "md", "-o", tmp_path, "-q")
    assert code == 0, err
    name = sample.name.removesuffix(".yaml") + ".md"
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    actual = (tmp_path / name).read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from tests/golden/{name}; run python tests/regen_golden.py and review the diff"
    )
