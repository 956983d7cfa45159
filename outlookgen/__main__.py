"""The ``outlookgen`` command and ``python -m outlookgen``: the command line in a process of its own."""

import gc

from outlookgen import COLLECTOR_THRESHOLDS


def run() -> None:
    """The command line, with the cycle collector set as :func:`outlookgen.cli.main` sets it, before anything loads.

    Loading click and the package makes some 100,000 objects that live as long
    as the process; at Python's default thresholds the collector walked them 25
    times (~5 ms) before a command began. The process is outlookgen's alone
    here, so the setting comes first; ``main`` sets it too, for a program that
    calls it in its own process (the tests' runner).
    """
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    from outlookgen.cli import main

    main()


if __name__ == "__main__":
    run()
