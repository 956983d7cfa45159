"""Reference documents found safe, kept by digest: an unchanged reference.docx is not checked again.

Checking a pack's ``docx/reference.docx`` (:mod:`.reference_docx`) is a pure
function of its bytes and of the checking code: about 12 ms of a small
build, half of it loading the checker. So the package a check vouched for is
kept in the user's cache folder under a digest of the file's bytes and of
the checker, as the validation verdicts are (:mod:`outlookgen.spec.verdicts`).
Only a file that passed is kept: one with problems is checked every time, so
its error lines always come from a fresh check. An entry carries the digest
of what it holds and is written whole or not at all; an entry that cannot be
read, or does not match its digest, costs a check, never the build.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from outlookgen.errors import Diagnostic, TemplateError

if TYPE_CHECKING:
    from outlookgen.packs import Pack

NAMES = ("reference.docx", "reference.dotx")  # looked for in this order in a pack's docx/ folder
MAX_FILE_BYTES = 20 * 1024 * 1024  # the .docx file itself


def find_reference(pack: Pack) -> Path | None:
    """This pack's own ``docx/reference.docx`` or ``docx/reference.dotx`` (None: it has neither).

    Both at once is a mistake (which one is the firm's?), not a choice to guess.
    """
    from outlookgen.packs.files import display_path

    found = [p for p in (pack.own_file(f"docx/{name}") for name in NAMES) if p is not None]
    if len(found) > 1:
        raise TemplateError(
            diagnostics=[
                Diagnostic(
                    display_path(found[1]),
                    1,
                    1,
                    "$",
                    f"refused: the pack has both docx/{NAMES[0]} and docx/{NAMES[1]}; keep one",
                )
            ]
        )
    return found[0] if found else None


def safe_package(path: Path, shown: str) -> bytes:
    """The package the Word writer may open for the reference at ``path``: kept, or checked now.

    ``shown`` is how error lines name the file; a file with problems raises
    TemplateError with the check's lines.
    """
    from outlookgen.packs.files import PackFileError, read_regular

    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except PackFileError as exc:
        raise TemplateError(diagnostics=[Diagnostic(shown, 1, 1, "$", f"refused: it {exc}")]) from None
    from outlookgen.user_cache import read_entry, write_entry

    entry = _entry(hashlib.sha256(data).hexdigest())
    kept = read_entry(entry)
    if kept is not None:
        return kept
    from outlookgen.packs.reference_docx import check_reference_bytes

    checked = check_reference_bytes(data, shown)
    if checked.problems:
        raise TemplateError(diagnostics=checked.problems)
    write_entry(entry, checked.package)
    return checked.package


@lru_cache(maxsize=1)
def _checker() -> str:
    """What besides the file decides the package: the checking code, the version, and lxml's (it writes the parts)."""
    import lxml

    from outlookgen.spec.verdicts import checker_digest

    here = Path(__file__).resolve().parent
    code = [here / "reference_docx.py", here / "reference_rules.py", here.parent / "untrusted_xml.py"]
    return checker_digest(code) + lxml.__version__


def _entry(digest: str) -> Path:
    from outlookgen.user_cache import cache_dir

    name = hashlib.sha256(f"{_checker()}\0{digest}".encode()).hexdigest()
    return cache_dir() / "reference" / name
