"""Rewrite the golden outputs in tests/golden/ from the samples: ``python tests/regen_golden.py``.

Review the diff before committing: a golden file is the document a reader
gets, so every change in it should be one you meant.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outlookgen.build import BuildOptions, build  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
FORMATS = ("md", "html")


def main() -> None:
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    result = build(samples, BuildOptions(formats=FORMATS, output_dir=GOLDEN))
    for path in result.written:
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
