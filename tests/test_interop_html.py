"""The HTML page as independent programs read it: the Nu HTML checker and headless Chromium.

These tests need the tools .ci/run installs; locally they skip when a tool is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest
from conftest import ROOT, SAMPLE_FILES, require_tool

from outlookgen.project.build import BuildOptions, build

pytestmark = pytest.mark.interop

SPECS = [*SAMPLE_FILES, ROOT / "tests" / "specs" / "valid" / "every-key.yaml"]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    build(SPECS, BuildOptions(formats=("html",), output_dir=out, jobs=1))
    return {spec: out / (spec.stem + ".html") for spec in SPECS}


def _vnu() -> list[str]:
    java = require_tool("java")
    if not VNU_JAR.is_file():
        message = f"{VNU_JAR.relative_to(ROOT)} is missing (npm ci installs vnu-jar)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [java, "-jar", str(VNU_JAR)]


def test_nu_html_checker_finds_no_error(pages):
    proc = subprocess.run([*_vnu(), "--errors-only", *map(str, pages.values())], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _chromium(*args: str) -> None:
    tool = require_tool("chromium")
    profile = tempfile.mkdtemp(prefix="og-chromium-")
    try:
        subprocess.run(
            [
                tool,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_chromium_screenshot(pages, sample, tmp_path):
    png = tmp_path / "s.png"
    _chromium(f"--screenshot={png}", "--window-size=1280,2000", pages[sample].as_uri())
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_chromium_prints_a4_pages(pages, sample, tmp_path):
    pdf = tmp_path / "p.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", pages[sample].as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page>") + data.count(b"/Type/Page") >= 0
