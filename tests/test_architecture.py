"""The house rules of the code: imports point down the pipeline, no module reaches into another's private names."""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "outlookgen"


def _layers() -> list[set[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    raw = config["importlinter:contract:pipeline"]["layers"]
    return [{name.strip() for name in line.split("|")} for line in raw.strip().splitlines()]


def test_imports_point_down_the_pipeline():
    """import-linter's layers contract in setup.cfg: cli → commands → project → render/lint → packs → model → spec…"""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "KEPT" in proc.stdout


def test_every_part_of_the_package_has_a_place_in_the_layers():
    """A new top-level module or package outside the contract would be free to import anything."""
    placed = {name for layer in _layers() for name in layer}
    parts = {
        f"outlookgen.{p.stem if p.is_file() else p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__")) or (p / "__init__.py").exists()
    }
    assert parts - placed == set(), f"not in any layer of [importlinter:contract:pipeline]: {sorted(parts - placed)}"


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_another_modules_private_names(path):
    """``from outlookgen.x import _helper`` or ``x._helper(...)`` ties two modules by what one keeps to itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _module_name(path)
    imported_modules: dict[str, str] = {}  # local name -> module
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("outlookgen"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and node.module != own:
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                imported_modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("outlookgen") and alias.asname:
                    imported_modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    assert not found, found
