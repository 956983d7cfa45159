"""Build the pack's reference.docx from its unzipped XML, or unzip a reference.docx into XML.

The default pack commits both: ``templates/default/docx/reference.docx`` (what
the writer opens) and ``templates/default/docx/reference/`` (the same parts as
indented XML, so a style change shows in a diff). Keep them in step::

    python -m tools.reference_docx build    # XML folder -> reference.docx (after editing the XML)
    python -m tools.reference_docx unpack   # reference.docx -> XML folder (after editing in Word)
    python -m tools.reference_docx check    # exit 1 when they differ (a test runs this)

``--pack DIR`` works on another pack folder (default: the built-in pack).
The zip is deterministic (see :mod:`.package`), so ``build`` twice gives the
same bytes and ``check`` can compare bytes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from outlookgen.render.docx.package import read_zip, write_zip


def default_pack_docx() -> Path:
    from outlookgen.package_data import data_dir

    return data_dir("templates") / "default" / "docx"


def _xml_folder(docx_dir: Path) -> Path:
    return docx_dir / "reference"


def build_bytes(folder: Path) -> bytes:
    """The reference.docx bytes for an unzipped folder (files taken as they are)."""
    parts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts[path.relative_to(folder).as_posix()] = path.read_bytes()
    if "[Content_Types].xml" not in parts or "word/document.xml" not in parts:
        raise SystemExit(f"{folder} does not look like an unzipped .docx (no [Content_Types].xml or word/document.xml)")
    return write_zip(parts)


def pretty(name: str, data: bytes) -> bytes:
    """XML parts indented two spaces (for diffs); other parts unchanged."""
    if not (name.endswith(".xml") or name.endswith(".rels")):
        return data
    from lxml import etree

    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) + b"\n"


def unpack(docx: Path, folder: Path) -> None:
    parts = read_zip(docx.read_bytes())
    if folder.exists():
        shutil.rmtree(folder)
    for name, data in parts.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pretty(name, data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.reference_docx", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("build", "unpack", "check"))
    parser.add_argument("--pack", type=Path, help="a pack folder (default: the built-in pack)")
    args = parser.parse_args(argv)
    docx_dir = (args.pack / "docx") if args.pack else default_pack_docx()
    target = docx_dir / "reference.docx"
    folder = _xml_folder(docx_dir)
    if args.action == "build":
        target.write_bytes(build_bytes(folder))
        print(f"wrote {target}")
    elif args.action == "unpack":
        unpack(target, folder)
        print(f"wrote {folder}/")
    else:
        if not target.is_file() or target.read_bytes() != build_bytes(folder):
            print(
                f"{target} differs from {folder}/; run: python -m tools.reference_docx build",
                file=sys.stderr,
            )
            return 1
        print(f"{target} matches {folder}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
