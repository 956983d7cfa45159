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
import re
import time
from pathlib import Path

_DIGEST = 32  # bytes of sha256 in front of an entry's content

# The cache's own folders, and the names outlookgen gives what it keeps there: a SHA-256 in hex
# (with its kind), the temporary files it writes them through, and specs/'s folders named by a
# record's first two digits. Nothing else is counted or removed, wherever the folder points.
FOLDERS = ("specs", "templates", "parsed", "valid", "reference")
_ENTRY = r"[0-9a-f]{64}(?:\.jinja|\.json|\.learnt\.json)?"
_TEMPORARY = r"\.(?:[0-9a-f]{64}(?:\.jinja|\.json|\.learnt\.json)?\.)?[a-z0-9_]{8}\.tmp"
_SHARD = r"[0-9a-f]{2}"
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
    """:func:`prune` to :func:`max_bytes`, unless the folder was pruned less than a day ago.

    The command line calls it as each command ends; it never fails.
    """
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

    Only regular files that :data:`FOLDERS` hold under the names outlookgen
    gives are counted or removed; links are not followed. Another process may
    be reading or pruning at the same time: an entry removed under it is one
    it computes again.
    """
    entries: list[tuple[float, int, str]] = []
    removed = 0
    now = time.time()
    for folder in FOLDERS:
        for path, st, temporary in _files(os.path.join(cache_dir(), folder), shards=folder == "specs"):
            if temporary:
                if now - st.st_mtime > _DAY:  # not one being written now: a killed process left it
                    removed += _remove(path, st.st_size)
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


def _files(folder: str, *, shards: bool = False):
    """(path, stat, is temporary) of the entries and temporary files in ``folder`` (and in its two-digit
    folders, with ``shards``); a link, or a file outlookgen would not have named so, is left alone."""
    try:
        if os.path.islink(folder):
            return
        listing = list(os.scandir(folder))
    except OSError:
        return
    for entry in listing:
        with contextlib.suppress(OSError):
            if shards and entry.is_dir(follow_symlinks=False) and re.fullmatch(_SHARD, entry.name):
                yield from _files(entry.path)
            elif entry.is_file(follow_symlinks=False):
                if re.fullmatch(_ENTRY, entry.name):
                    yield entry.path, entry.stat(follow_symlinks=False), False
                elif re.fullmatch(_TEMPORARY, entry.name):
                    yield entry.path, entry.stat(follow_symlinks=False), True


def _remove(path: str, size: int) -> int:
    try:
        os.unlink(path)
    except OSError:  # gone already (another process pruned it), or not ours to remove
        return 0
    return size
