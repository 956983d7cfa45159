"""The ``outlookgen`` command's own process: the cycle collector set before the command line loads, and
what the command made frozen before the interpreter ends."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

_ENTRY_POINT = """
from outlookgen.__main__ import run
try:
    run()
except SystemExit:
    pass
"""


def _last_line(program: str) -> int:
    """What ``program`` printed last, run in a fresh interpreter as ``outlookgen --version``."""
    setup = 'import gc, sys\nsys.argv = ["outlookgen", "--version"]\n'
    proc = subprocess.run([sys.executable, "-c", setup + program], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(proc.stdout.strip().splitlines()[-1])


def _collections(load: str) -> int:
    """How many times the collector ran while ``load`` ran."""
    count = "runs = []\ngc.callbacks.append(lambda phase, info: phase == 'start' and runs.append(1))\n"
    return _last_line(count + load + "\nprint(len(runs))\n")


def test_loading_the_command_line_does_not_run_the_collector_over_and_over():
    """At Python's default thresholds, loading click and the package alone runs it many times."""
    assert _collections("import outlookgen.cli") >= 5
    assert _collections(_ENTRY_POINT) <= 1


def test_what_a_command_made_is_frozen_before_the_interpreter_ends():
    """Its final collections would walk every object again, only to free what the system frees anyway."""
    at_exit = "import atexit\natexit.register(lambda: print(gc.get_freeze_count()))\n"
    assert _last_line(at_exit + "import outlookgen.cli\n") == 0
    assert _last_line(at_exit + _ENTRY_POINT) > 10_000


def test_the_module_and_the_console_script_run_the_same_command_line():
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "--version"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert proc.stdout.startswith("outlookgen, version ")
