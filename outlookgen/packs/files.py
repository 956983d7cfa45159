"""What a template pack folder may hold, and reading its files without ever blocking.

A pack folder comes from someone else. Anything outlookgen reads from it —
templates, the stylesheet, the logo, labels, ``reference.docx``, and every
file the build cache digests — must be a regular file inside the pack:

* a FIFO or a device (``/dev/zero`` as a font) would block a read or never
  end it, so nothing that is not a regular file is ever opened, and files are
  opened with ``O_NONBLOCK`` after ``os.stat`` says what they are;
* a symlink is resolved first: pointing out of the pack (``/etc/passwd``,
  ``/proc/self/environ``, another user's files) it is refused;
* an unreadable file or folder would end in a traceback halfway through a
  build, so it is refused up front.

:func:`scan` checks a whole pack folder when the pack is resolved, so every
command sees one located error per bad entry before any work; the readers
below hold on their own too (a file swapped for a FIFO after the scan is
still never opened blocking).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from outlookgen.errors import Diagnostic
from outlookgen.fileio import OPEN_FLAGS as _OPEN_FLAGS
from outlookgen.fileio import NotARegularFile, TooLarge, read_bounded
from outlookgen.fileio import what as _what

MAX_ENTRIES = 10_000  # files and folders in one pack folder
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all the files of one pack folder


def display_path(path: str | os.PathLike) -> str:
    """A pack file as a path the user can open: relative to the working folder when inside it, else absolute.

    Error lines name pack files this way, never as ``<pack name>/...``: a pack
    named ``acme`` may live in ``firm-templates/``, and an editor or a terminal
    must be able to jump to the file from the line.
    """
    absolute = Path(os.path.abspath(path))
    cwd = Path.cwd()
    for candidate, folder in ((absolute, cwd), (absolute.resolve(), cwd.resolve())):
        try:
            return str(candidate.relative_to(folder))
        except ValueError:
            continue
    return str(absolute)


class PackFileError(Exception):
    """A pack file that may not be read; the message says why ("is a FIFO, not a regular file")."""


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; PackFileError otherwise."""
    try:
        return read_bounded(path, limit)
    except NotARegularFile as exc:
        raise PackFileError(f"is {exc}, not a regular file") from None
    except TooLarge as exc:
        if not exc.exact:
            raise PackFileError(f"is more than {limit:,} bytes (the limit)") from None
        raise PackFileError(f"is {exc.size:,} bytes; the limit is {limit:,}") from None
    except OSError as exc:
        raise PackFileError(f"cannot be read: {_reason(exc)}") from None


def scan(root: Path) -> list[Diagnostic]:
    """Every entry of a pack folder that may not be there, as located errors (empty when the pack is sound).

    Refused: a symlink resolving outside the pack, a FIFO, device or socket,
    a file or folder that cannot be read, more than MAX_ENTRIES entries or
    MAX_TOTAL_BYTES in all. Symlinked folders are not entered (their target,
    inside the pack, is scanned where it is), so a link loop costs nothing.
    A link to nothing is left alone: there is nothing to read, and a template
    of that name is simply absent (editors leave such links as lock files).
    """
    try:
        real_root = root.resolve()
    except (OSError, RuntimeError) as exc:
        return [_diag(root, f"the pack folder cannot be resolved: {exc}")]
    problems: list[Diagnostic] = []
    entries = total = 0
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                children = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(_diag(folder, f"the folder cannot be read: {_reason(exc)}"))
            continue
        for entry in children:
            entries += 1
            if entries > MAX_ENTRIES:
                problems.append(_diag(root, f"the pack folder holds more than {MAX_ENTRIES:,} files and folders"))
                return problems
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    problems += _link_problems(path, real_root)
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                problems.append(_diag(path, f"cannot be read: {_reason(exc)}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append(path)
            elif stat.S_ISREG(st.st_mode):
                total += st.st_size
                problems += _unreadable(path)
            else:
                problems.append(
                    _diag(path, f"is {_what(st.st_mode)}, not a regular file; a pack holds only files and folders")
                )
    if total > MAX_TOTAL_BYTES:
        problems.append(
            _diag(root, f"the pack's files come to {total:,} bytes; the limit is {MAX_TOTAL_BYTES:,} bytes")
        )
    return problems


def _link_problems(path: Path, real_root: Path) -> list[Diagnostic]:
    try:
        target = Path(os.path.realpath(path))
    except (OSError, ValueError) as exc:
        return [_diag(path, f"a link that cannot be followed: {exc}")]
    if not target.is_relative_to(real_root):
        return [_diag(path, f"a link to {target}, outside the pack folder; a pack may only link to its own files")]
    try:
        os.stat(path)
    except FileNotFoundError:
        return []  # a link to nothing inside the pack: nothing to read
    except OSError as exc:
        return [_diag(path, f"a link that cannot be followed: {_reason(exc)}")]
    return []


def _unreadable(path: Path) -> list[Diagnostic]:
    # Opening is the only honest test of readability (os.access asks about the real, not the effective, user).
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return [_diag(path, f"cannot be read: {_reason(exc)}")]
    os.close(fd)
    return []


def _diag(path: Path, message: str) -> Diagnostic:
    return Diagnostic(str(path), 1, 1, "$", message)
