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
further fragments, and a cycle is named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, SpecError, format_path
from outlookgen.spec.loader import Limits, LoadedSpec, load_spec

MAX_FRAGMENTS = 64  # include files per spec, all levels together
_PROJECT_MARKERS = ("outlookgen.yaml", "outlookgen.yml", ".git")


def project_root(spec_path: Path) -> Path:
    """The folder includes must stay in: the nearest one above the spec holding
    outlookgen.yaml or a .git folder, else the spec's own folder."""
    start = spec_path.resolve().parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return folder
    return start


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
    """The spec with its ``include:`` fragments merged in (the spec itself when it includes nothing)."""
    if not _include_list(spec.data):
        return spec
    state = _State(root=(root or project_root(path)).resolve(), limits=limits or Limits())
    return _resolve(spec, path.resolve(), state, chain=(path.resolve(),))


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
        target = (path.parent / entry).resolve()
        if not target.is_relative_to(state.root):
            fail(at, f"'{entry}' is outside the project folder {state.root}; fragments must stay inside it")
            continue
        if target in chain:
            names = " → ".join(p.name for p in (*chain[chain.index(target) :], target))
            fail(at, f"include cycle: {names}")
            continue
        if not target.is_file():
            fail(at, f"included file '{entry}' not found" if not target.exists() else f"'{entry}' is not a file")
            continue
        state.loaded += 1
        if state.loaded > MAX_FRAGMENTS:
            fail(at, f"more than {MAX_FRAGMENTS} included files; a spec this fragmented is refused")
            break
        display = _display_name(spec.file, path, target, entry)
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
    return LoadedSpec(
        spec.file,
        data,
        CompositeSource(spec, origins),
        tuple(problems),
        frozenset(reported),
        tuple(dict.fromkeys(files)),
    )


def _display_name(parent_display: str, parent: Path, target: Path, entry: str) -> str:
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
