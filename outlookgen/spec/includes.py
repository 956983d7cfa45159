"""Shared fragments: a spec's ``include:`` files merged in, every node still located in its own file.

The merge rule (documented in docs/spec-format.md):
- a key only one file sets is taken as it is;
- two mappings under one key merge key by key;
- two lists under one key are joined: the including file's entries first,
  then each fragment's in ``include:`` order;
- anything else set in two files is a conflict, reported at the second place
  and naming the first — never a silent override.

Fragments are untrusted like specs: they load through the same loader and
limits, must stay inside the project folder (symlinks resolved), may include
further fragments, and a cycle is named. The spec itself must stay inside its
project too: a symlink planted in a project cannot make it read a spec from
elsewhere.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, SpecError, format_path
from outlookgen.spec.loader import Limits, LoadedSpec, load_spec
from outlookgen.spec.project_folder import project_root

MAX_FRAGMENTS = 64  # include files per spec, all levels together
# Longer than any path the file system takes (Linux PATH_MAX): refused before
# resolving, so a megabyte-long entry costs nothing.
_MAX_PATH_BYTES = 4096


def _real(path: Path) -> Path:
    """``path`` with every symlink that resolves followed (never raises for a loop or a missing file)."""
    return Path(os.path.realpath(path))


def refuse_escaping_spec(path: Path, *, name: str | None = None, root: Path | None = None) -> None:
    """SpecError when the spec at ``path`` (as named) is reached through a symlink that leads out of its
    project folder (``root``, else :func:`project_root`); ``name`` is its name in the error line.

    The same rule as for fragments: a spec named where it really is (even
    ``../other/plan.yaml``) is always inside its own project; only a symlink —
    the file or a folder on the way — can lead out, and that is refused.
    Needs no more than ``stat`` and ``realpath``: it may run before the spec is read.
    """
    try:
        root = _real(root) if root is not None else project_root(path)
        inside = _real(path).is_relative_to(root)
    except ValueError:
        return  # a name the file system cannot take: the loader refuses it
    if not inside:
        message = (
            f"reached through a symlink that leads outside the project folder {root}; "
            "a spec, like the fragments it includes, must stay inside it"
        )
        raise SpecError(diagnostics=[Diagnostic(name or str(path), 1, 1, "$", message)])


class CompositeSource:
    """A source map over several files: each node answers from the file it came from."""

    def __init__(self, main: LoadedSpec, origins: dict[tuple, tuple[LoadedSpec, tuple]]) -> None:
        self._main = main
        self._origins = origins  # merged path of a fragment's subtree -> (fragment, its path there)

    def _find(self, path: tuple) -> tuple[LoadedSpec, tuple]:
        path = tuple(path)
        origins = self._origins
        for cut in range(len(path), 0, -1):
            found = origins.get(path[:cut])
            if found is not None:
                spec, original = found
                return spec, original + path[cut:]
        return self._main, path

    def locate(self, path: tuple, *, key: bool = False) -> tuple[str, int, int]:
        spec, original = self._find(path)
        return spec.locate(original, key=key)

    def value(self, path: tuple) -> tuple[int, int]:
        return self.locate(path)[1:]

    def key(self, path: tuple) -> tuple[int, int]:
        return self.locate(path, key=True)[1:]

    def raw(self, path: tuple) -> str | None:
        spec, original = self._find(path)
        return spec.source.raw(original)


def resolve_includes(
    spec: LoadedSpec, path: Path, *, root: Path | None = None, limits: Limits | None = None
) -> LoadedSpec:
    """The spec with its ``include:`` fragments merged in (the spec itself when it includes nothing).

    ``path`` is the spec's path as it was named; SpecError when a symlink leads it out of its project.
    """
    root = _real(root) if root is not None else project_root(path)
    refuse_escaping_spec(path, name=spec.file, root=root)
    if not _include_list(spec.data):
        return spec
    state = _State(root=root, limits=limits or Limits())
    real = _real(path)
    return _resolve(spec, real, state, chain=(real,))


class _State:
    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self.loaded = 0


def _include_list(data: Any) -> list[tuple[int, str]]:
    entries = data.get("include") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []  # absent, or malformed: the schema check reports it
    return [(i, e) for i, e in enumerate(entries) if isinstance(e, str) and e.strip()]


def _resolve(spec: LoadedSpec, path: Path, state: _State, chain: tuple[Path, ...]) -> LoadedSpec:
    problems: list[Diagnostic] = list(spec.problems)
    data = dict(spec.data)
    origins: dict[tuple, tuple[LoadedSpec, tuple]] = {}

    def fail(at: tuple, message: str) -> None:
        file, line, column = spec.locate(at)
        problems.append(Diagnostic(file, line, column, format_path(at), message))

    fragments: list[LoadedSpec] = []
    files: list[str] = []
    for index, entry in _include_list(spec.data):
        at = ("include", index)
        if at in spec.reported:
            continue  # the loader refused the text itself (a NUL, a lone surrogate): one error is enough
        target = _fragment_file(path.parent, entry, state.root)
        if isinstance(target, str):
            fail(at, target)
            continue
        if target in chain:
            names = " → ".join(p.name for p in (*chain[chain.index(target) :], target))
            fail(at, f"include cycle: {names}")
            continue
        state.loaded += 1
        if state.loaded > MAX_FRAGMENTS:
            fail(at, f"more than {MAX_FRAGMENTS} included files; a spec this fragmented is refused")
            break
        display = _display_name(spec.file, target, entry)
        try:
            fragment = load_spec(target, name=display, limits=state.limits)
            fragment = _resolve(fragment, target, state, (*chain, target))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
            continue
        problems.extend(fragment.problems)
        fragments.append(fragment)
        files += [str(target), *fragment.includes]

    for fragment in fragments:
        _merge(spec, data, fragment, fragment.data, (), (), origins, problems)

    # Include problems are errors, but none stops the other checks: the spec
    # is still validated, so one run lists everything that is wrong.
    reported = set(spec.reported)
    for fragment in fragments:
        reported |= _translate_reported(fragment, origins)
    digest = hashlib.sha256("\0".join([spec.digest, *(f"{f.file}\0{f.digest}" for f in fragments)]).encode())
    return LoadedSpec(
        spec.file,
        data,
        CompositeSource(spec, origins),
        tuple(problems),
        frozenset(reported),
        tuple(dict.fromkeys(files)),
        digest=digest.hexdigest(),
    )


def _fragment_file(folder: Path, entry: str, root: Path) -> Path | str:
    """The real path of the regular file an include entry names, or why it cannot be included.

    Every answer comes from ``stat`` and ``realpath``, never from opening the
    file, and every way the file system can refuse a name — too long, a
    symlink loop, no permission, a NUL — is a message, never an exception.
    """
    candidate = folder / entry
    try:
        if len(os.fsencode(candidate)) > _MAX_PATH_BYTES:
            return f"'{entry}' cannot be read: the path is too long for the file system"
        loose = _real(candidate)  # symlinks followed as far as they resolve
    except ValueError:  # a NUL, or a lone surrogate the file system cannot encode
        return f"'{entry}' is not a usable file name"
    if not loose.is_relative_to(root):
        return f"'{entry}' is outside the project folder {root}; fragments must stay inside it"
    try:
        target = Path(os.path.realpath(candidate, strict=True))
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return f"included file '{entry}' not found"
    except OSError as exc:
        return f"'{entry}' cannot be read: {_os_reason(exc)}"
    if not target.is_relative_to(root):  # the links changed between the two looks
        return f"'{entry}' is outside the project folder {root}; fragments must stay inside it"
    if not stat.S_ISREG(mode):
        return f"'{entry}' is not a file"  # a folder, a FIFO, a device: never opened
    return target


_OS_REASONS = {
    errno.ELOOP: "its symlinks form a loop",
    errno.ENAMETOOLONG: "the name is too long for the file system",
    errno.EACCES: "permission denied",
}


def _os_reason(exc: OSError) -> str:
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def _display_name(parent_display: str, target: Path, entry: str) -> str:
    """Name a fragment the way the user wrote its spec's path: ``specs/plan.yaml`` + ``../shared/r.yaml``."""
    base = Path(parent_display).parent
    candidate = base / entry
    try:
        return str(Path(*_normalise(candidate.parts)))
    except (ValueError, TypeError):
        return str(target)


def _normalise(parts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out and out[-1] not in ("..", "/"):
                out.pop()
                continue
        elif part == ".":
            continue
        out.append(part)
    return out or ["."]


def _merge(
    main: LoadedSpec,
    base: dict,
    fragment: LoadedSpec,
    incoming: dict,
    at: tuple,
    original: tuple,
    origins: dict[tuple, tuple[LoadedSpec, tuple]],
    problems: list[Diagnostic],
) -> None:
    for key, value in incoming.items():
        if not at and key in ("include", "outlook"):
            if key == "outlook":
                file, line, column = fragment.locate(("outlook",), key=True)
                problems.append(
                    Diagnostic(
                        file,
                        line,
                        column,
                        "outlook",
                        "a fragment has no 'outlook:'; only the spec that includes it does",
                    )
                )
            continue
        here, there = (*at, key), (*original, key)
        if key not in base:
            base[key] = value
            origins[here] = (fragment, there)
            continue
        current = base[key]
        if isinstance(current, dict) and isinstance(value, dict):
            merged = dict(current)
            base[key] = merged
            _merge(main, merged, fragment, value, here, there, origins, problems)
        elif isinstance(current, list) and isinstance(value, list):
            offset = len(current)
            base[key] = current + value
            for i in range(len(value)):
                origins[(*here, offset + i)] = (fragment, (*there, i))
        else:
            first_file, first_line, _ = CompositeSource(main, origins).locate(here, key=True)
            file, line, column = fragment.locate(there, key=True)
            problems.append(
                Diagnostic(
                    file,
                    line,
                    column,
                    format_path(here),
                    f"'{format_path(here)}' is already set in {first_file}:{first_line}; "
                    "a value may be set in one file only (lists are joined, mappings merged)",
                )
            )


def _translate_reported(fragment: LoadedSpec, origins: dict[tuple, tuple[LoadedSpec, tuple]]) -> set[tuple]:
    """The fragment's already-reported paths, as paths of the merged spec."""
    out: set[tuple] = set()
    for merged_path, (spec, original) in origins.items():
        if spec is not fragment:
            continue
        for reported in fragment.reported:
            if reported[: len(original)] == original:
                out.add(merged_path + reported[len(original) :])
    return out
