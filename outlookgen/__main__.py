"""The ``outlookgen`` command and ``python -m outlookgen``: the command line in a process of its own."""

import gc

from outlookgen import COLLECTOR_THRESHOLDS


def run() -> None:
    """The command line, in a process that is outlookgen's alone: the cycle collector is set for it.

    First, as :func:`outlookgen.cli.main` sets it, but before anything loads:
    loading click and the package makes some 100,000 objects that live as long
    as the process, and at Python's default thresholds the collector walked
    them 25 times (~5 ms) before a command began. ``main`` sets it too, for a
    program that calls it in its own process (the tests' runner).

    Last, whatever the command made is frozen: when the process ends, the
    interpreter's final collections would walk all of it again (~14 ms of a
    small build) only to free memory the system takes back anyway.
    Everything still closes and flushes as usual (atexit, files, streams).
    """
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    from outlookgen.cli import main

    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
