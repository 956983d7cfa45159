"""The wheel a user installs works on its own: built from this tree, installed into a fresh venv, run elsewhere."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = dist.glob("outlookgen-*.whl")
    return built


def test_wheel_ships_templates_schema_and_starters(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "outlookgen/templates/default/pack.yaml",
        "outlookgen/templates/default/md/outlook.md.j2",
        "outlookgen/templates/default/labels/en.yaml",
        "outlookgen/templates/default/labels/zh-CN.yaml",
        "outlookgen/schemas/outlook.schema.json",
        "outlookgen/scaffold/starters/starter.en.yaml",
        "outlookgen/scaffold/starters/starter.zh-CN.yaml",
        "outlookgen/project/preview/client.js",  # the script outlookgen preview injects
    ):
        assert needed in names
    assert not any(n.startswith(("tests/", "samples/", "bench/")) for n in names)


def test_installed_wheel_builds_a_sample_from_another_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sample = ROOT / "samples" / "erp-manufacturing.zh-CN.yaml"
    proc = subprocess.run(
        [str(bin_dir / "outlookgen"), "build", str(sample), "-o", "out"], cwd=elsewhere, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    text = (elsewhere / "out" / "erp-manufacturing.zh-CN.md").read_text(encoding="utf-8")
    assert "## 第一步 背景与目标陈述" in text
    schema = subprocess.run([str(bin_dir / "outlookgen"), "schema"], cwd=elsewhere, capture_output=True, text=True)
    assert schema.returncode == 0
    assert schema.stdout == (ROOT / "schemas" / "outlook.schema.json").read_text(encoding="utf-8")
    init = subprocess.run(
        [str(bin_dir / "outlookgen"), "init", "--locale", "zh-CN"], cwd=elsewhere, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    assert subprocess.run([str(bin_dir / "outlookgen"), "validate", "outlook.yaml"], cwd=elsewhere).returncode == 0
    # installed from a wheel, without the [pdf] extra: the hint names the package, not a checkout
    pdf = subprocess.run(
        [str(bin_dir / "outlookgen"), "build", "outlook.yaml", "-f", "pdf"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert pdf.returncode == 1
    assert "pip install 'outlookgen[pdf]'" in pdf.stderr, pdf.stderr
