"""The ``outlookgen`` command's own process: the cycle collector is set before the command line loads."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

_COUNT = """
import gc, sys
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
sys.argv = ["outlookgen", "--version"]
{load}
print(len(runs))
"""

_ENTRY_POINT = """
from outlookgen.__main__ import run
try:
    run()
except SystemExit:
    pass
"""


def _collections(load: str) -> int:
    """How many times the collector ran while ``load`` ran in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-c", _COUNT.format(load=load)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(proc.stdout.strip().splitlines()[-1])


def test_loading_the_command_line_does_not_run_the_collector_over_and_over():
    """At Python's default thresholds, loading click and the package alone runs it many times."""
    assert _collections("import outlookgen.cli") >= 5
    assert _collections(_ENTRY_POINT) <= 1


def test_the_module_and_the_console_script_run_the_same_command_line():
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "--version"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.startswith("outlookgen, version ")
