"""Texts found valid, remembered by digest: an unchanged spec (or labels file) is not checked twice.

A check is a pure function of the text it reads and of the code and schema
that check it, so its verdict can be kept under a digest of both. Only
"valid" is kept: a text with problems is checked again every time, so its
error lines always come from a fresh check. Markers live in the user's cache
folder (``OUTLOOKGEN_CACHE_DIR``); a marker that cannot be read or written
costs a check, never the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from outlookgen import __version__
from outlookgen.package_data import data_dir
from outlookgen.user_cache import cache_dir, mark_used


def checker_digest(files: Iterable[Path]) -> str:
    """The digest of the code (and data) that makes a verdict, with outlookgen's version."""
    h = hashlib.sha256(__version__.encode())
    for path in files:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def spec_checker() -> str:
    """What besides a spec decides its verdict: the checking code of this package and the schemas."""
    here = Path(__file__).resolve().parent
    return checker_digest([*sorted(here.glob("*.py")), *sorted(data_dir("schemas").glob("*.json"))])


def _marker(digest: str, checker: str) -> Path | None:
    if not digest:
        return None
    return cache_dir() / "valid" / hashlib.sha256(f"{checker}\0{digest}".encode()).hexdigest()


def known_valid(digest: str, checker: str) -> bool:
    """Whether the text with this digest was found valid before by this checker."""
    marker = _marker(digest, checker)
    try:
        known = marker is not None and marker.is_file()
    except OSError:
        return False
    if known:
        mark_used(marker)
    return known


def remember_valid(digest: str, checker: str) -> None:
    marker = _marker(digest, checker)
    if marker is None:
        return
    with contextlib.suppress(OSError):
        marker.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o644))
