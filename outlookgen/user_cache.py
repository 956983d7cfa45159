"""Where outlookgen keeps what it may throw away: build manifests, compiled templates, texts read before.

An entry of :func:`write_entry` carries the digest of what it holds and is
written whole or not at all; :func:`read_entry` hands back nothing for an
entry that cannot be read or does not match, so a damaged cache costs the
work it saved, never the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

_DIGEST = 32  # bytes of sha256 in front of an entry's content


def cache_dir() -> Path:
    """``OUTLOOKGEN_CACHE_DIR``, else the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)/outlookgen."""
    explicit = os.environ.get("OUTLOOKGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "outlookgen"


def read_entry(entry: Path) -> bytes | None:
    """The content of a kept entry, or None (missing, unreadable, or not matching its digest)."""
    try:
        raw = entry.read_bytes()
    except OSError:
        return None
    content = raw[_DIGEST:]
    return content if hashlib.sha256(content).digest() == raw[:_DIGEST] else None


def write_entry(entry: Path, content: bytes) -> None:
    """Keep ``content`` at ``entry``: whole or not at all, and no temporary file left, whatever happens."""
    import tempfile

    with contextlib.suppress(OSError):  # a cache that cannot be written costs the work next time
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(content).digest() + content)
            os.replace(tmp, entry)
        except BaseException:  # a failed write or Ctrl-C leaves no temporary file behind
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
