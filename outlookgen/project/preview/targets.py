"""What a preview shows: the specs named on the command line (or a project's), with the pack, locale and settings.

Resolved again whenever the project configuration or the set of spec files
changes, so a spec added to a previewed folder appears on the index page.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from outlookgen.errors import OutlookgenError
from outlookgen.project.lint import LintOptions
from outlookgen.project.pipeline import BuildOptions

NO_SPECS = "no spec files found (a spec is a .yaml file whose top level has 'outlook:')"


@dataclass(frozen=True)
class Targets:
    """The specs previewed and how they are rendered."""

    specs: tuple[Path, ...]
    options: BuildOptions  # pack and locale; the formats and output folder are the preview's own
    lint: LintOptions  # the project configuration whose lint settings apply
    config: Path | None  # the project configuration read, watched: a change resolves the targets again
    discovered: bool  # the specs were found below folders or by the project's globs (a new file may join)


def resolve(
    arguments: Sequence[Path], pack: str | None, locale: str | None, files: frozenset[Path] = frozenset()
) -> Targets:
    """The specs and settings for ``outlookgen preview ARGUMENTS``.

    A single folder holding ``outlookgen.yaml`` (or a ``pyproject.toml`` with
    ``[tool.outlookgen]``) is that project: its specs, pack and locale. Any
    other arguments are specs or folders of specs, with the settings of the
    project around the working folder, as ``outlookgen build`` takes them;
    no argument means that project. Raises ``NoProject`` (a command-line
    mistake) when nothing is named and there is no project.

    ``files`` are the arguments that were spec files when the preview
    started: they stay one spec each, even while a save has put a folder in
    their place (that is an error on their page, not a new set of specs).
    """
    from outlookgen.project.build import with_project
    from outlookgen.project.config import find_config, load_config
    from outlookgen.project.discovery import discover

    options = BuildOptions(formats=("html",), pack=pack, locale=locale)
    own = _own_config(arguments[0]) if len(arguments) == 1 else None
    if own is not None:
        project = load_config(own)
        chosen: list = project.spec_files()
        options = replace(options, pack=pack or project.template, locale=locale or project.locale)
        config, lint = own, LintOptions(lang=locale, config_start=own.parent)
    else:
        chosen, options = with_project(arguments, options)
        options = replace(options, formats=("html",), output_dir=None, jobs=None)
        config, lint = find_config(), LintOptions(lang=locale)
    specs = tuple(dict.fromkeys(p for c in chosen for p in ([Path(c)] if Path(c) in files else discover([c]))))
    if not specs:
        raise OutlookgenError(NO_SPECS)
    discovered = not arguments or own is not None or any(a not in files and os.path.isdir(a) for a in arguments)
    return Targets(specs, options, lint, config, discovered)


def _own_config(folder: Path) -> Path | None:
    """The configuration file a project folder holds itself (not one found above it)."""
    from outlookgen.project.config import find_config

    if not os.path.isdir(folder):
        return None
    found = find_config(folder)
    return found if found is not None and found.parent == Path(folder).resolve() else None
