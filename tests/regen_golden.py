"""Rewrite the golden outputs in tests/golden/ from the samples: ``python tests/regen_golden.py``.

Review the diff before committing: a golden file is the document a reader
gets, so every change in it should be one you meant.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outlookgen.project.build import BuildOptions, build  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
FORMATS = ("md", "html")


def write_docx_dumps(samples: list[Path]) -> None:
    """Word output is compared as text: tests/golden/<sample>.docx.txt (see tools.docx_dump)."""
    import tempfile

    from tools.docx_dump import dump

    with tempfile.TemporaryDirectory() as tmp:
        result = build(samples, BuildOptions(formats=("docx",), output_dir=Path(tmp)))
        for path in result.written:
            target = GOLDEN / (path.name + ".txt")
            target.write_text(dump(path.read_bytes()), encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    samples = sorted((ROOT / "samples").glob("*.yaml"))
    result = build(samples, BuildOptions(formats=FORMATS, output_dir=GOLDEN))
    for path in result.written:
        print(f"wrote {path.relative_to(ROOT)}")
    write_docx_dumps(samples)


if __name__ == "__main__":
    main()
