"""Incremental builds: what each output was built from, so an unchanged output is not built again.

For each output folder a manifest records, per output file, the digest of
everything it was built from (the spec, its included fragments, the template
pack's files, the build options and outlookgen's own code) and the digest of the
bytes written. An output is skipped only when both still match — an edited,
deleted or hand-touched output is rebuilt — so a lost or stale manifest can
only cost time, never leave a wrong file.

Manifests live in the user's cache folder, not beside the outputs, so output
folders hold nothing but documents: ``$OUTLOOKGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/outlookgen``, else ``~/.cache/outlookgen``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from outlookgen import __version__
from outlookgen.user_cache import cache_dir

_FORMAT = 1


def manifest_path(folder: Path) -> Path:
    """The manifest file of one output folder (named by a digest of the folder's absolute path)."""
    key = hashlib.sha256(os.path.abspath(folder).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir() / "manifests" / f"{key}.json"


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file; None when it is missing, unreadable or anything else.

    A FIFO or a device planted where a spec, fragment or output was would
    block or never end, so nothing but a regular file is read (opened
    without blocking, then checked).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def digest_file(path: Path) -> str | None:
    data = read_regular(path)
    return None if data is None else digest_bytes(data)


def tree_digest(folders: Iterable[Path]) -> str:
    """One digest over every file below the folders (a template pack chain), by relative name.

    Pack folders come from others: resolving a pack already refused FIFOs,
    devices, unreadable files and links out of it (outlookgen.packs.files), but
    this digest must not hang or fail whatever it meets (a file swapped since,
    a digest asked for without resolving). Only what ``os.stat`` calls a
    regular file is opened, without blocking; anything else, and a file that
    cannot be read, enters the digest as a marker, which costs a rebuild at
    worst. Links to folders are not followed (rglob), so a link loop cannot
    make the walk endless.
    """
    h = hashlib.sha256()
    for folder in folders:
        h.update(b"\0pack\0" + str(folder).encode("utf-8", "surrogateescape"))
        for path in sorted(folder.rglob("*")):
            try:
                mode = os.stat(path).st_mode
            except (OSError, ValueError):
                mode = 0  # a link to nothing, a loop: a marker
            if stat.S_ISDIR(mode):
                continue
            h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            # stat before open: even opening a device can do something (a watchdog, a tape drive).
            data = read_regular(path) if stat.S_ISREG(mode) else None
            h.update(b"\0unreadable\0" if data is None else data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """outlookgen's own code: a different install (or an edited checkout) never reuses old outputs."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def inputs_digest(spec: Path, dependencies: Iterable[str], context: str) -> str | None:
    """Digest of a spec, its fragments and the build context; None when any input is unreadable."""
    h = hashlib.sha256(f"outlookgen {tool_digest()}\0{context}\0".encode())
    for path in (str(spec), *sorted(dependencies)):
        file_digest = digest_file(Path(path))
        if file_digest is None:
            return None
        h.update(f"{path}\0{file_digest}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    """What one output file was built from."""

    inputs: str
    output: str
    dependencies: tuple[str, ...]


class Manifest:
    """The manifest of one output folder."""

    def __init__(self, folder: Path, entries: dict[str, Entry]) -> None:
        self.folder = folder
        self.path = manifest_path(folder)
        self.entries = entries

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        entries: dict[str, Entry] = {}
        try:
            raw = json.loads(read_regular(manifest_path(folder)) or b"{}")
            if raw.get("format") != _FORMAT:
                return cls(folder, {})
            for name, e in raw.get("outputs", {}).items():
                deps = e.get("dependencies", [])
                strings = (e["inputs"], e["output"], *deps) if isinstance(deps, list) else ()
                if strings and all(isinstance(v, str) for v in strings):
                    entries[name] = Entry(e["inputs"], e["output"], tuple(deps))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            # A missing or damaged manifest only costs a full rebuild.
            entries = {}
        return cls(folder, entries)

    def up_to_date(self, output: Path, inputs: str | None) -> bool:
        entry = self.entries.get(output.name)
        if entry is None or inputs is None or entry.inputs != inputs:
            return False
        return digest_file(output) == entry.output

    def record(self, output: Path, inputs: str, payload: bytes, dependencies: Iterable[str]) -> None:
        self.entries[output.name] = Entry(inputs, digest_bytes(payload), tuple(sorted(dependencies)))

    def serialise(self) -> bytes:
        outputs = {
            name: {"inputs": e.inputs, "output": e.output, "dependencies": list(e.dependencies)}
            for name, e in sorted(self.entries.items())
        }
        document = {"format": _FORMAT, "folder": os.path.abspath(self.folder), "outputs": outputs}
        return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode("utf-8")


def read_manifests(folders: Iterable[Path]) -> dict[Path, Manifest]:
    return {folder: Manifest.read(folder) for folder in set(folders)}


def dependencies_of(manifests: Mapping[Path, Manifest], outputs: Iterable[Path]) -> tuple[str, ...] | None:
    """The fragments the outputs were last built from (None if any output is unknown)."""
    deps: set[str] = set()
    for output in outputs:
        entry = manifests[output.parent].entries.get(output.name)
        if entry is None:
            return None
        deps.update(entry.dependencies)
    return tuple(sorted(deps))
