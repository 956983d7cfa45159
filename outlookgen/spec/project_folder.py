"""Which folder a spec belongs to: the project its includes (and the spec itself) must stay inside."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from outlookgen.fileio import read_bounded

# A folder holding one of these is a project folder (so is one whose
# pyproject.toml has a [tool.outlookgen] table).
PROJECT_MARKERS = ("outlookgen.yaml", "outlookgen.yml", ".git")
_MAX_PYPROJECT = 1024 * 1024


def project_root(spec_path: Path) -> Path:
    """The project folder of a spec, symlinks resolved: the nearest folder at or above the one the
    spec is named in that holds outlookgen.yaml, a pyproject.toml with [tool.outlookgen], or .git;
    else the spec's own folder.

    The search starts where the spec is *named*, not where a symlink leads, so
    a link planted in a project cannot make another folder the project.
    """
    start = Path(os.path.abspath(spec_path)).parent
    for folder in (start, *start.parents):
        if _is_project_folder(folder):
            return _real(folder)
    return _real(start)


def _is_project_folder(folder: Path) -> bool:
    if any(_exists(folder / marker) for marker in PROJECT_MARKERS):
        return True
    pyproject = folder / "pyproject.toml"
    return _is_regular(pyproject) and has_tool_table(pyproject)


def _exists(path: Path) -> bool:
    """Path.exists() that answers False where the file system cannot say (no permission, a name too long)."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def has_tool_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds a [tool.outlookgen] table (it then marks a project folder)."""
    try:
        return b"[tool.outlookgen" in read_bounded(pyproject, _MAX_PYPROJECT)
    except Exception:  # not a readable regular file, or too big: not a marker
        return False


def _real(path: Path) -> Path:
    """``path`` with every symlink that resolves followed (never raises for a loop or a missing file)."""
    return Path(os.path.realpath(path))
