"""Project-relative names: a spec, fragment or output named the same on every machine and in every checkout.

Shards pick specs, the build cache keys its records and build reports name
specs by these names, so a CI job on another machine, in another folder,
agrees with this one. The base is the folder of the project configuration
(outlookgen.yaml or a pyproject.toml with [tool.outlookgen]) when there is
one, else the working folder. A file outside the base keeps its absolute
name: it is named correctly, just not portably.
"""

from __future__ import annotations

import os
from pathlib import Path


def resolve_base(base: Path | None) -> Path:
    """The folder names are relative to: ``base`` when given, else the working folder; absolute, links kept."""
    return Path(os.path.abspath(base if base is not None else os.getcwd()))


def relative_name(path: str | os.PathLike, base: Path) -> str:
    """``path`` relative to ``base`` with ``/`` separators (``specs/erp/plan.yaml``); absolute when outside it.

    Both are made absolute without resolving symlinks, so a spec is named
    where it was named, as the user sees it.
    """
    absolute = os.path.abspath(path)
    # Fragments are known by their real path (links resolved): try the base's real path too.
    for start, target in ((base, absolute), (os.path.realpath(base), os.path.realpath(absolute))):
        try:
            relative = os.path.relpath(target, start)
        except ValueError:  # another drive on Windows
            continue
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return Path(relative).as_posix()
    return Path(absolute).as_posix()


def is_inside(path: str | os.PathLike, base: Path) -> bool:
    """Whether ``path`` is at or below ``base`` (as named, symlinks not followed)."""
    return not os.path.isabs(relative_name(path, base)) or os.path.abspath(path) == str(base)
