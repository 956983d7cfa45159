"""Where the packaged data (template packs, the JSON Schema, starters) lives."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def data_dir(name: str) -> Path:
    """The folder ``templates`` or ``schemas`` as shipped with this installation.

    In a wheel, setup.cfg maps the top-level ``templates/`` and ``schemas/``
    into the package, so they are folders of the installed package. In a
    source checkout (tests, editable installs) they sit beside the package
    instead; that is the only reason for the second lookup. Both are plain
    folders (a build reads pack files by path), so no importlib.resources
    lookup is needed: it imported ~3 ms of zip readers into every build.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"outlookgen is installed without its {name}/ folder")


def starter_path(locale: str) -> Path:
    """The commented starter spec that ``outlookgen init`` copies."""
    from importlib import resources  # ~4 ms of zip readers: only `init` asks

    return Path(str(resources.files("outlookgen.scaffold").joinpath("starters", f"starter.{locale}.yaml")))


def schema_path() -> Path:
    return data_dir("schemas") / "outlook.schema.json"


@lru_cache(maxsize=4)
def schema(name: str = "outlook.schema.json") -> dict[str, Any]:
    """A packaged JSON Schema, parsed once per process (default: the spec format's)."""
    return json.loads((data_dir("schemas") / name).read_text(encoding="utf-8"))


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")
