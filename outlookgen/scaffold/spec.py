"""``outlookgen init``: a commented starter spec, in English or Chinese, wired to the JSON Schema for editors."""

from __future__ import annotations

import json
from pathlib import Path

from outlookgen.errors import OutputError
from outlookgen.output import files as writer
from outlookgen.package_data import schema_text, starter_path

SCHEMA_FILE = "outlook.schema.json"
_SCHEMA_ID = "urn:outlookgen:schema:outlook:1"


def write_starter(path: Path, locale: str, *, force: bool = False) -> list[Path]:
    """Write the starter for ``locale`` to ``path``, and the schema beside it; never overwrite unless ``force``.

    The spec's first line points editors with the YAML language server
    (VS Code, JetBrains, Neovim...) at the schema file written next to it,
    so keys complete and mistakes are underlined while typing.
    """
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name such as {path / 'outlook.yaml'}")
    if path.exists() and not force:
        raise OutputError(f"{path} exists already; choose another name or pass --force")
    header = f"# yaml-language-server: $schema=./{SCHEMA_FILE}\n"
    outputs = {path: header.encode("utf-8") + starter_path(locale).read_bytes()}
    schema_file = path.parent / SCHEMA_FILE
    if _ours_or_missing(schema_file):
        outputs[schema_file] = schema_text().encode("utf-8")
    return writer.commit(outputs)


def write_schema(path: Path) -> Path:
    """Write (or refresh) the JSON Schema file editors read."""
    if path.is_dir():
        path = path / SCHEMA_FILE
    writer.commit({path: schema_text().encode("utf-8")})
    return path


def _ours_or_missing(path: Path) -> bool:
    """Refresh a schema file outlookgen wrote; never overwrite someone else's file of that name."""
    if not path.exists():
        return True
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("$id") == _SCHEMA_ID
    except (OSError, ValueError, AttributeError):
        return False
