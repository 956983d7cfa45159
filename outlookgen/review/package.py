"""A reviewed Word file read as untrusted input: the zip, the parts absorb needs, parsed safely.

A reviewed ``.docx`` comes back from a client, so it gets the limits of a
pack's ``reference.docx`` (:mod:`outlookgen.packs.reference_docx`): the file
size, the unpacked size, the number of entries and the compression ratio are
bounded before anything is inflated, every read is bounded again (a zip
header can lie), and each part is parsed by :mod:`outlookgen.untrusted_xml`
(no DOCTYPE, no entities, libxml2's depth and size limits), its refusals
located in the part.

Only five parts are read: the main document and its relationships (link targets), ``docProps/custom.xml`` (what
outlookgen wrote: the spec's name and digest, bookmark → pointer), and the
comments with their extension (threads, resolved flags).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from outlookgen.errors import Diagnostic, OutlookgenError
from outlookgen.packs.reference_docx import MAX_ENTRIES, MAX_FILE_BYTES, MAX_RATIO, MAX_UNZIPPED, RATIO_FROM
from outlookgen.untrusted_xml import RefusedXml, parse_untrusted

__all__ = ["MAX_PART_BYTES", "Part", "ReviewedPackage", "read_package"]

MAX_PART_BYTES = 32 * 1024 * 1024  # a 2,000-task outlook's document.xml is ~10 MB
DOCUMENT = "word/document.xml"
CUSTOM = "docProps/custom.xml"
COMMENTS = "word/comments.xml"
COMMENTS_EXTENDED = "word/commentsExtended.xml"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
_PARTS = (DOCUMENT, DOCUMENT_RELS, CUSTOM, COMMENTS, COMMENTS_EXTENDED)


@dataclass(frozen=True)
class Part:
    name: str
    root: Any  # lxml element


@dataclass
class ReviewedPackage:
    """The parts of a reviewed file absorb reads (a missing optional part is None)."""

    shown: str
    parts: dict[str, Part] = field(default_factory=dict)

    def part(self, name: str) -> Part | None:
        return self.parts.get(name)


def _refuse(shown: str, part: str, message: str, line: int = 1, column: int = 1) -> OutlookgenError:
    return OutlookgenError(diagnostics=[Diagnostic(shown, max(line, 1), max(column, 1), part, f"refused: {message}")])


def read_package(data: bytes, shown: str) -> ReviewedPackage:
    """The parts of the reviewed file ``data``; OutlookgenError (located, ``shown`` names the file) otherwise."""
    mb = 1024 * 1024
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(shown, "$", f"it is over {MAX_FILE_BYTES // mb} MB; a reviewed document is at most that")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse(shown, "$", "it is not a Word document (.docx is a zip file; this is not one)") from None
    if len(infos) > MAX_ENTRIES:
        raise _refuse(shown, "$", f"it holds {len(infos)} zip entries; the limit is {MAX_ENTRIES}")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED:
        raise _refuse(shown, "$", f"it unpacks to {total // mb} MB; the limit is {MAX_UNZIPPED // mb} MB")
    package = ReviewedPackage(shown)
    by_name = {info.filename: info for info in infos}
    for name in _PARTS:
        info = by_name.get(name)
        if info is None:
            continue
        raw = _read_entry(archive, info, shown)
        package.parts[name] = Part(name, _parse(raw, name, shown))
    if DOCUMENT not in package.parts:
        raise _refuse(shown, "$", "it is not a Word document (it has no word/document.xml)")
    return package


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> bytes:
    name = info.filename
    if info.flag_bits & 0x1:
        raise _refuse(shown, name, "the entry is encrypted")
    if info.file_size > MAX_PART_BYTES:
        raise _refuse(shown, name, f"the part is {info.file_size:,} bytes; the limit is {MAX_PART_BYTES:,}")
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _refuse(
            shown,
            name,
            f"the entry unpacks {info.file_size // max(info.compress_size, 1)} times its size "
            f"(a zip bomb's trick; the limit is {MAX_RATIO} to 1)",
        )
    try:
        with archive.open(info) as stream:
            raw = stream.read(MAX_PART_BYTES + 1)  # bounded even if the header lies about the size
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _refuse(shown, name, f"the entry is damaged ({exc})") from None
    if len(raw) > MAX_PART_BYTES or len(raw) != info.file_size:
        raise _refuse(shown, name, "the entry is not the size the zip says it is")
    return raw


def _parse(raw: bytes, name: str, shown: str):
    try:
        return parse_untrusted(raw, "Word")
    except RefusedXml as exc:
        raise _refuse(shown, name, str(exc), exc.line, exc.column) from None
