"""Project configuration: ``outlookgen.yaml`` (or ``[tool.outlookgen]`` in pyproject.toml), found by walking up.

It says what ``outlookgen build``, ``validate``, ``lint`` and ``portfolio`` do
when no spec is named: which specs, formats, output folder and layout, pack,
locale, jobs, lint settings and the portfolio document. Paths in it are
relative to the file that holds it. Errors are located like spec errors
(``outlookgen.yaml:3:5: error: formats[1]: ...``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, OutlookgenError, SpecError, format_path
from outlookgen.fields_repr import fields_repr
from outlookgen.spec.project_folder import has_tool_table

CONFIG_NAMES = ("outlookgen.yaml", "outlookgen.yml")
CONFIG_SCHEMA = "config.schema.json"


@dataclass(frozen=True, repr=False)
class ProjectConfig:
    """One project's settings; ``root`` is the folder of the file they came from."""

    path: Path
    root: Path
    specs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    output: Path | None = None
    template: str | None = None
    locale: str | None = None
    jobs: int | None = None
    lint: dict[str, Any] = field(default_factory=dict)  # the raw `lint:` section (outlookgen.lint reads it)
    layout: str | None = None  # outputs.layout: tree keeps the specs' folders below `output`
    portfolio: dict[str, Any] = field(default_factory=dict)  # the raw `portfolio:` section (project.portfolio)
    _locate: Any = field(default=None, compare=False, repr=False)

    def locate(self, path: tuple, *, key: bool = False) -> tuple[int, int]:
        """Line and column of a setting in the configuration file."""
        if self._locate is None:
            return (1, 1)
        return self._locate(path, key=key)[1:]

    def no_specs_error(self, path: tuple = ("specs",)) -> OutlookgenError:
        """The globs at ``path`` named no spec: said at the setting, not as "no outlookgen.yaml found"."""
        return OutlookgenError(
            diagnostics=[
                self.diagnostic(
                    path, "these globs match no file; a glob names files, e.g. specs/*.yaml or specs/**/*.yaml"
                )
            ]
        )

    def diagnostic(self, path: tuple, message: str) -> Diagnostic:
        """A located problem with a setting."""
        line, column = self.locate(path)
        return Diagnostic(str(self.path), line, column, format_path(path), message)

    def spec_files(self) -> list[Path]:
        """The specs the globs name, in a stable order (every spec below the root when no glob is set).

        A wildcard never leads through a symlinked folder, and a file reached
        by several names is listed once (see outlookgen.project.discovery).
        """
        if not self.specs:
            return [self.root]  # a folder: build.discover finds the specs below it
        from outlookgen.project.discovery import glob_files, one_per_file

        found: dict[Path, None] = {}
        cwd = os.path.realpath(os.getcwd())
        for pattern in self.specs:
            for match in glob_files(pattern, self.root):
                found.setdefault(Path(os.path.relpath(match)) if _inside(str(match), cwd) else match, None)
        return one_per_file(found)

    __repr__ = fields_repr


def _inside(path: str, folder: str) -> bool:
    """Whether ``path``, symlinks resolved, is ``folder`` (a real path) or below it."""
    real = os.path.realpath(path)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def find_config(start: Path | None = None) -> Path | None:
    """The nearest outlookgen.yaml, or pyproject.toml with a [tool.outlookgen] table, at or above ``start``."""
    from outlookgen.project.discovery import is_file  # answers False for a name too long, never raises

    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if is_file(candidate / name):
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if is_file(pyproject) and has_tool_table(pyproject):
            return pyproject
    return None


def find_project_config(start: Path | None = None) -> Path | None:
    return find_config(start)


def load_project_config(path: Path) -> ProjectConfig:
    return load_config(path)


def load_project(start: Path | None = None) -> ProjectConfig | None:
    """The project configuration that applies here, or None when there is none."""
    path = find_config(start)
    return None if path is None else load_config(path)


def load_config(path: Path) -> ProjectConfig:
    """Read and check one configuration file; raise SpecError with located problems."""
    if path.name == "pyproject.toml":
        data, locate = _read_pyproject(path)
    else:
        data, locate = _read_yaml(path)
    return _to_config(path, data, locate)


def _read_yaml(path: Path):
    from outlookgen.spec import verdicts
    from outlookgen.spec.loader import load_spec

    loaded = load_spec(path, name=str(path))
    # A configuration found valid before is not checked again: jsonschema alone
    # costs a quarter of a second, most of a no-op build.
    checker = f"config\0{verdicts.spec_checker()}"
    if not loaded.problems and verdicts.known_valid(loaded.digest, checker):
        return loaded.data, loaded.locate
    from outlookgen.spec.schema import schema_problems

    problems = list(loaded.problems) + schema_problems(loaded, CONFIG_SCHEMA)
    if problems:
        raise SpecError(diagnostics=problems)
    verdicts.remember_valid(loaded.digest, checker)
    return loaded.data, loaded.locate


def _read_pyproject(path: Path):
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        raise OutlookgenError(
            f"{path}: reading [tool.outlookgen] needs Python 3.11 or newer; use outlookgen.yaml instead"
        ) from None
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(diagnostics=[Diagnostic(str(path), 1, 1, "$", f"TOML syntax: {exc}")]) from None
    data = document.get("tool", {}).get("outlookgen", {})
    # tomllib keeps no positions: point at the table header, the best we can say.
    header = next((i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[tool.outlookgen")), 1)

    def locate(_path: tuple, *, key: bool = False) -> tuple[str, int, int]:
        return str(path), header, 1

    _check_data(data, str(path), locate)
    return data, locate


def _check_data(data: Any, file: str, locate) -> None:
    """Schema-check configuration data that did not come through the YAML loader."""
    from outlookgen.spec.loader import LoadedSpec, SourceMap
    from outlookgen.spec.schema import schema_problems

    class _Fixed(SourceMap):
        def __init__(self) -> None:
            super().__init__({}, {}, {})

        def locate(self, path: tuple, *, key: bool = False) -> tuple[str, int, int]:
            return locate(path, key=key)

    spec = LoadedSpec(file, data if isinstance(data, dict) else {}, _Fixed(), (), frozenset())
    problems = schema_problems(spec, CONFIG_SCHEMA)
    if problems:
        raise SpecError(diagnostics=problems)


def _to_config(path: Path, data: dict[str, Any], locate) -> ProjectConfig:
    root = path.parent
    template = data.get("template")
    if template and ("/" in template or template.startswith(".")):
        template = str(root / template)  # a folder, relative to the config file
    output = data.get("output")
    return ProjectConfig(
        path=path,
        root=root,
        specs=tuple(data.get("specs") or ()),
        formats=tuple(data.get("formats") or ()),
        output=(root / output) if output else None,
        template=template,
        locale=data.get("locale"),
        jobs=data.get("jobs"),
        lint=dict(data.get("lint") or {}),
        layout=(data.get("outputs") or {}).get("layout"),
        portfolio=dict(data.get("portfolio") or {}),
        _locate=locate,
    )
