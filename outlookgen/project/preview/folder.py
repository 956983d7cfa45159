"""The preview's own output folder: what the preview writes there, and the only files it will ever serve.

The folder is a fresh private temporary folder, never an output folder of
``outlookgen build``, so previewing changes nothing a build wrote. A file is
served only when the preview registered its name (a single name, no
folders) and only when it is a regular file opened without following a
symlink, relative to the folder's own descriptor: a request cannot leave the
folder through ``..``, an encoded slash, an absolute path, or a link someone
planted in it.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

from outlookgen.output import files as writer

# A served file is read whole into memory; nothing the preview writes comes near this.
MAX_SERVED_BYTES = 256 * 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotServed(Exception):
    """The name is not one of the preview's files, or what is there now is not a regular file."""


class OutputFolder:
    """A private temporary folder the preview writes into and serves from; removed by :meth:`close`."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="outlookgen-preview-"))
        self._names: set[str] = set()
        self._lock = threading.Lock()
        self._dir_fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if _HAS_DIR_FD else None

    def write(self, name: str, payload: bytes) -> Path:
        """Write ``name`` atomically (the page on screen is never half a page) and register it to be served."""
        if not is_plain_name(name):
            raise ValueError(f"not a plain file name: {name!r}")
        target = self.path / name
        writer.commit({target: payload})
        with self._lock:
            self._names.add(name)
        return target

    def read(self, name: str) -> bytes:
        """The bytes of a registered file; :class:`NotServed` for anything else."""
        with self._lock:
            if name not in self._names:
                raise NotServed(name)
        try:
            if self._dir_fd is not None:
                fd = os.open(name, _OPEN_FLAGS, dir_fd=self._dir_fd)
            else:  # no dir_fd on this platform: the name is still a single registered component
                fd = os.open(self.path / name, _OPEN_FLAGS)
        except OSError:  # gone, or a symlink (O_NOFOLLOW: ELOOP)
            raise NotServed(name) from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SERVED_BYTES:
                raise NotServed(name)
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            raise NotServed(name) from None
        finally:
            os.close(fd)

    def close(self) -> None:
        if self._dir_fd is not None:
            os.close(self._dir_fd)
            self._dir_fd = None
        shutil.rmtree(self.path, ignore_errors=True)


_HAS_DIR_FD = os.open in os.supports_dir_fd


def is_plain_name(name: str) -> bool:
    """A single file name: no folder separator, no ``.``/``..``, no NUL, not hidden."""
    return bool(name) and not name.startswith(".") and not any(c in name for c in "/\\\0")
