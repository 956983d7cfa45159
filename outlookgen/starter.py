"""``outlookgen init``: a commented starter spec, in English or Chinese."""

from __future__ import annotations

from pathlib import Path

from outlookgen import writer
from outlookgen.errors import OutputError
from outlookgen.resources import starter_path


def write_starter(path: Path, locale: str, *, force: bool = False) -> Path:
    """Write the starter for ``locale`` to ``path``; never overwrite unless ``force``."""
    if path.exists() and not force:
        raise OutputError(f"{path} exists already; choose another name or pass --force")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name such as {path / 'outlook.yaml'}")
    writer.commit({path: starter_path(locale).read_bytes()})
    return path
