"""The version ranges setup.cfg promises are the ones CI tests at both ends."""

from __future__ import annotations

import configparser
import re

from conftest import ROOT

MINIMUM = ROOT / ".ci" / "minimum-versions.txt"
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> dict[str, str]:
    """name -> version specifier of every requirement setup.cfg names (install_requires and extras)."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines()
    for extra in config["options.extras_require"].values():
        lines += extra.splitlines()
    declared: dict[str, str] = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, spec = _REQUIREMENT.match(line).groups()
            declared[_canonical(name)] = spec.replace(" ", "")
    return declared


def _pinned() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in MINIMUM.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[_canonical(name)] = version
    return pins


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 1.1 and 1.1.0 are one release
    return tuple(parts)


def test_every_dependency_has_a_lower_bound_and_ci_pins_exactly_it():
    declared, pinned = _declared(), _pinned()
    assert declared, "setup.cfg names no dependencies?"
    for name, spec in declared.items():
        lower = re.search(r">=([0-9][0-9.]*)", spec)
        assert lower, f"{name}: setup.cfg gives no lower bound ({spec!r}); CI cannot test the oldest version"
        assert name in pinned, f"{name} >= {lower.group(1)} is not pinned in {MINIMUM.name}"
        assert _release(pinned[name]) == _release(lower.group(1)), (
            f"{name}: setup.cfg says >={lower.group(1)} but {MINIMUM.name} tests {pinned[name]}"
        )
    assert set(pinned) <= set(declared), f"{MINIMUM.name} pins packages setup.cfg does not name"


def test_ci_runs_the_readme_test_command_then_the_minimum_versions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "pip install '.[test]' && python -m pytest"
    assert command in readme
    assert command in script
    assert "minimum-versions.txt" in script


def test_every_package_of_the_source_tree_ships_in_the_wheel():
    # setup.cfg lists packages by name: a new package left out installs without it, and every
    # command that imports it fails with ModuleNotFoundError on a user's machine (CI caught it once)
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = {line.strip() for line in config["options"]["packages"].splitlines() if line.strip()}
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "outlookgen").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set(), "add these to [options] packages in setup.cfg"
