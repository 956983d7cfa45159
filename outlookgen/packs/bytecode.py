"""Compiled templates kept between runs: compiling Jinja is most of a small build, the result never changes.

An entry is found by a key of everything that shapes the compiled code — the
template's name and file, the format's environment settings, the sandbox's
own code, Jinja's and Python's versions — and Jinja checks a second key, the
digest of the template's source, before it uses an entry: a pack's template
is only ever run as compiled from exactly its own text. A stranger's pack can
put nothing in the cache but its templates compiled by outlookgen.

The cache is a convenience: an entry that cannot be read, written or trusted
costs a compile, never the build. It lives in the user's cache folder
(``OUTLOOKGEN_CACHE_DIR``), which only the user can write; code in it runs as
that user, like the installed package does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from outlookgen import __version__
from outlookgen.fileio import read_bounded
from outlookgen.user_cache import cache_dir, mark_used

_MAX_ENTRY = 16 * 1024 * 1024  # a compiled template; a bigger file is not one of ours


@lru_cache(maxsize=1)
def _compiler_digest() -> str:
    """What besides the template decides the compiled code: the sandbox and environment code, the versions."""
    import jinja2

    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{__version__}\0{jinja2.__version__}\0{sys.version}\0".encode())
    for name in ("sandbox.py", "environment.py", "bytecode.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


class TemplateCache(BytecodeCache):
    """Jinja's bytecode cache in ``<cache>/templates``, one file per template and environment."""

    def __init__(self, settings: str) -> None:
        self.settings = settings  # the environment's options, as a string
        self.folder = cache_dir() / "templates"

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = f"{_compiler_digest()}\0{self.settings}\0{name}\0{filename or ''}"
        return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = read_bounded(self.folder / f"{bucket.key}.jinja", _MAX_ENTRY)
        except Exception:  # missing, unreadable, not a regular file: compile instead
            return
        # Jinja reads the magic header and the source checksum first and resets
        # the bucket when either differs (another Python, another source).
        with contextlib.suppress(Exception):
            bucket.bytecode_from_string(data)
            mark_used(self.folder / f"{bucket.key}.jinja")

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(bucket.bytecode_to_string())
                os.replace(tmp, self.folder / f"{bucket.key}.jinja")  # whole, or not at all
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except Exception:  # a read-only or full cache only costs the next run a compile
            return
