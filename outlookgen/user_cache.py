"""Where outlookgen keeps what it may throw away: build manifests, compiled templates, texts read before.

An entry of :func:`write_entry` carries the digest of what it holds and is
written whole or not at all; :func:`read_entry` hands back nothing for an
entry that cannot be read or does not match, so a damaged cache costs the
work it saved, never the build.

The folder stays under a size cap (:func:`prune_if_due`, once a day at the
end of a build): an entry's modification time says when it was last used
(:func:`mark_used`), and what was used longest ago goes first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path

_DIGEST = 32  # bytes of sha256 in front of an entry's content

# The cache's own folders; nothing else below the cache folder is ever removed.
FOLDERS = ("specs", "templates", "parsed", "valid", "reference")
DEFAULT_MAX_MB = 256  # OUTLOOKGEN_CACHE_MAX_MB sets another cap; 0 keeps everything
_DAY = 24 * 60 * 60
_STAMP = ".pruned"  # its modification time: when the folder was last kept under its cap


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
    if hashlib.sha256(content).digest() != raw[:_DIGEST]:
        return None
    mark_used(entry)
    return content


def mark_used(entry: Path) -> None:
    """Say that ``entry`` was used now, for :func:`prune`: at most once a day, so a read rarely writes."""
    with contextlib.suppress(OSError):
        if time.time() - os.stat(entry).st_mtime > _DAY:
            os.utime(entry)


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


def max_bytes() -> int | None:
    """The cache folder's cap: ``OUTLOOKGEN_CACHE_MAX_MB`` megabytes (0: none), else :data:`DEFAULT_MAX_MB`.

    A value that is not a whole number leaves the default: the cache is a
    convenience, and no build fails for it.
    """
    raw = os.environ.get("OUTLOOKGEN_CACHE_MAX_MB", "").strip()
    megabytes = int(raw) if raw.isdigit() else DEFAULT_MAX_MB
    return megabytes * 1024 * 1024 if megabytes else None


def prune_if_due() -> None:
    """:func:`prune` to :func:`max_bytes`, unless the folder was pruned less than a day ago (a build calls it)."""
    cap = max_bytes()
    stamp = cache_dir() / _STAMP
    try:
        if cap is None or time.time() - os.stat(stamp).st_mtime < _DAY:
            return
    except OSError:
        pass  # never pruned (or the stamp cannot be read): prune now
    prune(cap)
    with contextlib.suppress(OSError):
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()


def prune(cap: int) -> int:
    """Remove the entries used longest ago until the cache's folders hold at most three quarters of ``cap``
    bytes (when they hold more than ``cap``), and temporary files a killed process left; the bytes removed.

    Only regular files in :data:`FOLDERS` are counted or removed. Another
    process may be reading or pruning at the same time: an entry removed
    under it is one it computes again.
    """
    entries: list[tuple[float, int, str]] = []
    removed = 0
    now = time.time()
    for folder in FOLDERS:
        for path, st in _files(os.path.join(cache_dir(), folder)):
            if os.path.basename(path).startswith(".") and now - st.st_mtime > _DAY:
                removed += _remove(path, st.st_size)  # a temporary file a killed process left
            else:
                entries.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    if total <= cap:
        return removed
    entries.sort(key=lambda e: (e[0], e[2]))  # used longest ago first; ties by name, so two runs agree
    for _, size, path in entries:
        if total <= cap * 3 // 4:
            break
        freed = _remove(path, size)
        total -= freed
        removed += freed
    return removed


def _files(folder: str):
    """(path, stat) of every regular file below ``folder``; links are neither followed nor counted."""
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return
    for entry in listing:
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path)
            elif entry.is_file(follow_symlinks=False):
                yield entry.path, entry.stat(follow_symlinks=False)


def _remove(path: str, size: int) -> int:
    try:
        os.unlink(path)
    except OSError:  # gone already (another process pruned it), or not ours to remove
        return 0
    return size
