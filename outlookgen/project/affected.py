"""Which specs a change touches: ``build --affected-since REF`` and the file names pre-commit passes.

A spec is affected when the spec itself changed, or a fragment it includes
(at any depth: the reverse ``include:`` graph), and every spec is when the
template pack or the project configuration changed — they shape every
document. Changed files come from git: everything that differs between the
merge base of REF and HEAD and the working tree (committed, staged,
unstaged, and new files git does not ignore), so on a pull request
``--affected-since origin/main`` means "what this branch changed".

Finding a spec's fragments needs its ``include:`` list: a spec whose text
never says ``include`` has none and is not parsed; the others are read with
the same loader and include rules as a build. A spec whose includes cannot
be worked out (a broken file) counts as affected, so the build reports it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from outlookgen.errors import OutlookgenError

_GIT_SECONDS = 120


class GitError(OutlookgenError):
    """git is missing, this is not a repository, or the ref names no commit."""


def _real(path: str | os.PathLike) -> str:
    return os.path.realpath(path)


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=_GIT_SECONDS, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise GitError("--affected-since needs git, which is not installed here") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {_GIT_SECONDS} s") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {said[-1] if said else f'exit code {done.returncode}'}")
    return done.stdout


def changed_since(ref: str, where: Path) -> set[str]:
    """Real paths of the files that differ between the merge base of ``ref`` and HEAD and the working tree."""
    if not ref or ref.startswith("-"):
        raise GitError(f"--affected-since: '{ref}' is not a git ref")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], where).decode("utf-8", "surrogateescape").strip())
    except GitError:
        raise GitError(f"--affected-since needs a git repository; {where} is not in one") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    except GitError:
        raise GitError(f"--affected-since: '{ref}' names no commit in this repository") from None
    try:
        base = _git(["merge-base", ref, "HEAD"], top).decode().strip()
    except GitError:
        raise GitError(
            f"--affected-since: '{ref}' and HEAD share no history here"
            " (a shallow clone? in GitHub Actions check out with fetch-depth: 0)"
        ) from None
    names = _git(["diff", "--name-only", "--no-renames", "-z", base, "--"], top).split(b"\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split(b"\0")
    return {_real(top / os.fsdecode(name)) for name in names if name}


def touched(files: Iterable[str | os.PathLike]) -> set[str]:
    """Real paths of files named as changed (pre-commit passes the staged files' names)."""
    return {_real(f) for f in files}


def include_closure(spec: Path) -> tuple[str, ...] | None:
    """Real paths of every fragment the spec includes, at any depth; None when they cannot be worked out."""
    from outlookgen.errors import SpecError
    from outlookgen.project.cache import read_regular
    from outlookgen.spec.includes import resolve_includes
    from outlookgen.spec.loader import load_spec

    data = read_regular(spec)
    if data is None:
        return None
    # Only text that says "include" can have the key. Escapes could spell it
    # otherwise ("\x69nclude"), and UTF-16 puts NULs between its letters:
    # text with either is parsed too.
    if b"include" not in data and b"\\" not in data and b"\0" not in data:
        return ()
    try:
        loaded = resolve_includes(load_spec(spec), spec)
    except (SpecError, OSError, UnicodeError, MemoryError, RecursionError):
        return None
    if loaded.problems:
        return None
    return tuple(_real(p) for p in loaded.includes)


def affected(specs: Sequence[Path], changed: set[str], shared: Iterable[str | os.PathLike]) -> list[Path]:
    """The specs ``changed`` touches, in the order given; all of them when a ``shared`` file changed."""
    if any(_real(f) in changed for f in shared):
        return list(specs)
    out = []
    for spec in specs:
        if _real(spec) in changed:
            out.append(spec)
            continue
        fragments = include_closure(spec)
        if fragments is None or any(f in changed for f in fragments):
            out.append(spec)
    return out
