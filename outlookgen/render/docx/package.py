"""Deterministic .docx zips: a fixed entry order, fixed timestamps and attributes, one compression level."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime

# Where OPC readers look first; the rest follows in name order.
_FIRST = ("[Content_Types].xml", "_rels/.rels")
# A zip entry's MS-DOS timestamp holds the years 1980 to 2107 (7 bits from 1980),
# in steps of two seconds.
_ZIP_FIRST = (1980, 1, 1, 0, 0, 0)
_ZIP_LAST = (2107, 12, 31, 23, 59, 58)


def entry_order(names: Iterable[str]) -> list[str]:
    """[Content_Types].xml, then _rels/.rels, then every other part by name."""
    names = list(names)
    first = [n for n in _FIRST if n in names]
    return first + sorted(n for n in names if n not in _FIRST)


def zip_time(when: datetime | None) -> tuple[int, int, int, int, int, int]:
    """A zip entry timestamp: ``when`` clamped into the years zip can store (it has no time zone).

    Nothing reads a .docx's entry times — Word shows the core properties,
    which keep the real date — so a document dated before 1980 or after 2107
    gets the nearest time zip can hold, as reproducible-builds.org advises for
    zip, instead of failing.
    """
    if when is None:
        return _ZIP_FIRST
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    return min(max(stamp, _ZIP_FIRST), _ZIP_LAST)


def write_zip(parts: Mapping[str, bytes], when: datetime | None = None) -> bytes:
    """The parts as a zip that is byte-identical for identical input on any machine.

    Each entry gets the same timestamp (``when``, or 1980-01-01), Unix
    "regular file 0644" attributes, create_system 3 and deflate level 6, so
    nothing about the machine, the clock or the dict order reaches the bytes.
    """
    stamp = zip_time(when)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in entry_order(parts):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return out.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
