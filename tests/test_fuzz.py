"""The fuzz harness (bench/fuzz.py): a short run in CI, and proof that its limits catch bombs.

The long runs are ``python bench/fuzz.py --seconds 600`` (atheris when
installed, else hypothesis); their figures are in docs/security.md.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the harness forks and sets resource limits")

FUZZ = ROOT / "bench" / "fuzz.py"


def harness():
    spec = importlib.util.spec_from_file_location("outlookgen_fuzz", FUZZ)
    module = importlib.util.module_from_spec(spec)
    sys.modules["outlookgen_fuzz"] = module
    spec.loader.exec_module(module)
    return module


def run_fuzz(*args: str, timeout: int = 600) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, str(FUZZ), "--json", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and not report["findings"], json.dumps(report["findings"], indent=1)[:4000]
    return report


@pytest.mark.slow
def test_a_short_fuzz_run_finds_nothing(tmp_path):
    report = run_fuzz("--engine", "hypothesis", "--seconds", "20", "--findings", str(tmp_path))
    assert report["executions"] > 0
    assert set(report["outcomes"]) <= {"built", "refused"}


@pytest.mark.slow
def test_a_short_atheris_run_finds_nothing(tmp_path):
    pytest.importorskip("atheris", reason="atheris is optional: pip install atheris")
    report = run_fuzz("--engine", "atheris", "--runs", "150", "--findings", str(tmp_path))
    assert report["executions"] >= 150


def _spin(data: bytes) -> str:
    while True:
        pass


def _hoard(data: bytes) -> str:
    chunks = []
    while True:
        chunks.append(bytearray(64 * 1024 * 1024))


def _block(data: bytes) -> str:
    fifo = Path(data.decode())
    fifo.read_bytes()  # no writer ever comes: blocks without using CPU
    return "built"


def _raise(data: bytes) -> str:
    raise KeyError("a bug")


def _crash(data: bytes) -> str:
    os.kill(os.getpid(), 11)
    return "built"


@pytest.mark.parametrize(
    ("target", "outcome"),
    [(_spin, "cpu"), (_hoard, "memory"), (_block, "hang"), (_raise, "exception"), (_crash, "crash")],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_limits_turn_bombs_and_hangs_into_findings(tmp_path, target, outcome):
    fuzz = harness()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    limits = fuzz.Limits(memory_mb=512, cpu_seconds=1, wall_seconds=3)
    found, detail = fuzz.run_isolated(target, str(fifo).encode(), limits)
    assert found == outcome, detail


def test_every_hostile_and_valid_seed_runs_the_pipeline_within_the_limits():
    fuzz = harness()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for path in fuzz.seed_files():
            data = path.read_bytes().replace(b"@SENTINEL@", str(Path(tmp) / "SENTINEL").encode())
            outcome, detail = fuzz.run_isolated(lambda b: fuzz.pipeline(b, Path(tmp)), data, fuzz.Limits())
            assert outcome in ("built", "refused"), (path.name, outcome, detail)
            assert (outcome == "built") == (path.parent.name != "hostile" or path.name.startswith("aliases-")), path
            assert not (Path(tmp) / "SENTINEL").exists()


def test_decoding_is_deterministic_and_reaches_every_mode():
    fuzz = harness()
    for mode in range(4):
        data = bytes([mode]) + bytes(range(256)) * 2
        assert fuzz.decode(data) == fuzz.decode(data)
    assert fuzz.decode(b"\x00raw bytes") == b"raw bytes"
