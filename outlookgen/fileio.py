"""Reading a file someone else chose: regular files only, never blocking, never more than a limit."""

from __future__ import annotations

import os
import stat

# Non-blocking, so a FIFO swapped in after the stat cannot hang the open; no
# controlling terminal from a tty; binary on Windows.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class NotARegularFile(Exception):
    """The path is a folder, FIFO, device or socket; ``mode`` says which."""

    def __init__(self, mode: int) -> None:
        super().__init__(what(mode))
        self.mode = mode


class TooLarge(Exception):
    """The file holds more than the limit: ``size`` bytes, or at least that many when not ``exact``."""

    def __init__(self, size: int, *, exact: bool = True) -> None:
        super().__init__(f"{size} bytes")
        self.size = size
        self.exact = exact  # False: a file that reports no size (/proc) and read past the limit


def what(mode: int) -> str:
    """What a file of this mode is, in words: 'a FIFO', 'a device', 'a folder'…"""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_bounded(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of the regular file at ``path``; NotARegularFile, TooLarge or the OSError otherwise.

    ``os.stat`` comes first, so a FIFO or a device is refused without being
    opened; the open is non-blocking and checked again with ``fstat`` (the file
    may have been swapped in between). At most ``limit + 1`` bytes are read, so
    a file that reports no size (``/proc``) cannot make it endless.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(st.st_mode)
    if st.st_size > limit:
        raise TooLarge(st.st_size)
    fd = os.open(path, OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFile(mode)
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(len(data), exact=False)
    return data
