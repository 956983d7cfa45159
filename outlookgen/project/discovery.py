"""Finding spec files: below a folder (``outlookgen build specs/``) and by the project's globs.

Both walk the real tree and never pass through a symlinked folder below
where they start. A symlinked folder inside the project leads to files that
are already found by their real path; one that leads out of the project leads
to files that are not the project's. Following them would add nothing but
loops (a link to ``..``), the whole disk (a link to ``/``) and fan-out (a
thousand links to one folder). Each real folder is read once, so even a bind
mount that loops cannot make a walk endless; a folder that cannot be read is
skipped. A symlinked *file* is a candidate like any other, and several names
for one real file count once — whether that file may be used at all is the
loader's question (a symlink out of the project is refused there).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

SPEC_SUFFIXES = (".yaml", ".yml")
_MAGIC = frozenset("*?[")


def find_specs(folder: Path) -> list[Path]:
    """Every spec below ``folder`` (a .yaml/.yml file whose top level has ``outlook:``), sorted."""
    from outlookgen.spec.loader import peek_is_spec

    candidates = sorted(p for p in walk_files(folder) if p.suffix.lower() in SPEC_SUFFIXES)
    return [p for p in one_per_file(candidates) if peek_is_spec(p)]


def walk_files(folder: Path) -> Iterator[Path]:
    """Every non-folder entry below ``folder``, without descending into symlinked folders."""
    for directory, entries in _walk(folder):
        for entry in entries:
            if not _is_real_dir(entry):
                yield directory / entry.name


def glob_files(pattern: str, root: Path = Path(".")) -> list[Path]:
    """The regular files (symlinks to them too) a glob relative to ``root`` names, sorted; ``**`` is any
    number of folders.

    Like ``glob.glob(recursive=True)``, except that a wildcard never leads
    through a symlinked folder, each match is listed once, and ``root`` is
    never read as a pattern (a project folder may be called ``[draft]``). The
    pattern's literal start (``plans`` in ``plans/**/*.yaml``) is taken as
    written, symlinks and all: the configuration that holds it is trusted.
    """
    parts = Path(pattern).parts
    literal = next((i for i, part in enumerate(parts) if _MAGIC & set(part)), len(parts))
    base = root.joinpath(*parts[:literal])  # an absolute pattern replaces root
    segments = parts[literal:]
    if not segments:
        return [base] if is_file(base) else []
    found: set[Path] = set()
    todo = [(base, 0)]
    seen: set[tuple[tuple[int, int], int]] = set()
    while todo:
        folder, index = todo.pop()
        identity = _identity(folder)
        if identity is None or (identity, index) in seen:
            continue  # unreadable, or reached already by another way through `**`
        seen.add((identity, index))
        todo.extend(_glob_step(folder, segments, index, found))
    return sorted(p for p in found if is_file(p))


def _glob_step(folder: Path, segments: tuple[str, ...], index: int, found: set[Path]) -> list[tuple[Path, int]]:
    """Match one pattern segment in one folder: record matched files, return the folders to go on in."""
    segment, last = segments[index], index == len(segments) - 1
    entries = _entries(folder)
    if segment == "**":
        # Zero folders (the next segment here), or one more folder and `**` again.
        nxt = [(folder, index + 1)] if not last else []
        deeper = [(folder / e.name, index) for e in entries if _is_real_dir(e) and not e.name.startswith(".")]
        if last:
            found.update(folder / e.name for e in entries if not e.name.startswith(".") and not _is_real_dir(e))
        return nxt + deeper
    matched = [e for e in entries if _segment_matches(e.name, segment)]
    if last:
        found.update(folder / e.name for e in matched if not _is_real_dir(e))
        return []
    return [(folder / e.name, index + 1) for e in matched if _is_real_dir(e)]


def _segment_matches(name: str, segment: str) -> bool:
    if name.startswith(".") and not segment.startswith("."):
        return False  # glob's rule: a wildcard does not match a hidden name
    return fnmatch.fnmatch(name, segment)


def one_per_file(paths: Iterable[Path]) -> list[Path]:
    """``paths`` with every further name of one real file dropped (a symlink to a file already listed).

    The name kept is the file's own when it is listed, else the first link to it;
    the order of ``paths`` is kept.
    """
    paths = list(paths)
    chosen: dict[str, int] = {}  # real path -> index of the name kept for it
    for index in sorted(range(len(paths)), key=lambda i: (os.path.islink(paths[i]), i)):
        chosen.setdefault(os.path.realpath(paths[index]), index)
    kept = set(chosen.values())
    return [p for i, p in enumerate(paths) if i in kept]


def _walk(top: Path) -> Iterator[tuple[Path, list[os.DirEntry]]]:
    """(folder, its entries) for ``top`` and every real folder below it, each real folder once.

    A stack, not recursion: a tree may be nested deeper than Python's recursion limit.
    """
    stack = [top]
    seen: set[tuple[int, int]] = set()
    while stack:
        folder = stack.pop()
        identity = _identity(folder)
        if identity is None or identity in seen:
            continue
        seen.add(identity)
        entries = _entries(folder)
        yield folder, entries
        stack.extend(folder / e.name for e in reversed(entries) if _is_real_dir(e))


def _entries(folder: Path) -> list[os.DirEntry]:
    """A folder's entries by name; none when it cannot be read (no permission, too deep, gone)."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except (OSError, ValueError):
        return []


def _is_real_dir(entry: os.DirEntry) -> bool:
    """A folder that is not a symlink."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def is_folder(path: Path) -> bool:
    """Path.is_dir() that answers False where the file system cannot say (a name too long, no permission)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_file(path: Path) -> bool:
    """Path.is_file() that answers False where the file system cannot say."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The spec files named on the command line; a folder stands for every spec below it.

    Below a folder, symlinked folders are not entered and a file reached by
    several names counts once (see :func:`find_specs`).
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if is_folder(path):
            found.extend(find_specs(path))
        else:
            found.append(path)  # the loader reports a missing or unreadable file, located
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)
