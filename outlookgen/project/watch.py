"""``outlookgen watch``: build, then rebuild whenever a spec, fragment, pack file or config is saved.

Uses the optional ``watchfiles`` package (``pip install 'outlookgen[watch]'``):
file-system events instead of polling, with debouncing, so saving from an
editor triggers one rebuild. Each rebuild is incremental — only specs whose
inputs changed are rendered again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from outlookgen.errors import FeatureUnavailable, OutlookgenError

WATCHED_SUFFIXES = (".yaml", ".yml", ".toml", ".j2", ".css", ".docx", ".png", ".svg", ".jpg", ".jpeg")


def require_watchfiles():
    try:
        import watchfiles
    except ImportError:
        raise FeatureUnavailable(
            "watch needs the optional watchfiles package: pip install 'outlookgen[watch]'"
        ) from None
    return watchfiles


def _real(path: Path) -> Path:
    # os.path.realpath, unlike Path.resolve, never raises: a symlink loop saved in a
    # watched folder (or named on the command line) is the build's to report.
    return Path(os.path.realpath(path))


def watched_folders(specs: Sequence[Path], pack_roots: Sequence[Path], config: Path | None) -> list[Path]:
    """The folders to watch: each spec's folder, the pack chain's folders and the config's folder."""
    folders = {_real(p) if p.is_dir() else _real(p).parent for p in specs}
    folders |= {_real(root) for root in pack_roots}
    if config is not None:
        folders.add(_real(config).parent)
    # Watching a folder covers everything below it: drop folders inside others.
    ordered = sorted(folders, key=lambda f: len(f.parts))
    kept: list[Path] = []
    for folder in ordered:
        if not any(folder.is_relative_to(k) for k in kept):
            kept.append(folder)
    return kept


def watch(
    rebuild: Callable[[], None],
    on_error: Callable[[OutlookgenError], None],
    folders: Sequence[Path],
    ignore: Sequence[Path] = (),
    stop_event=None,
) -> None:
    """Run ``rebuild`` now and after every relevant change below ``folders`` until stopped.

    ``ignore`` holds output folders: writing the documents must not trigger
    another build. Whatever a save makes a build raise is reported through
    ``on_error`` and watching goes on; OutlookgenError when watching cannot start.
    """
    from outlookgen.project.faults import SYSTEM_ERRORS, internal_error, system_error

    watchfiles = require_watchfiles()
    ignored = [_real(p) for p in ignore]
    # Checked here, not left to watchfiles: its error names no folder. Watching the
    # nearest folder above instead could mean watching all of "/".
    for folder in folders:
        if not folder.is_dir():
            raise OutlookgenError(f"cannot watch {folder}: there is no such folder")

    def relevant(_change, path: str) -> bool:
        candidate = Path(path)
        if candidate.name.startswith(".") or candidate.suffix.lower() not in WATCHED_SUFFIXES:
            return False
        resolved = _real(candidate)
        return not any(resolved.is_relative_to(folder) for folder in ignored)

    def run_once() -> None:
        # A save can leave anything behind: a broken spec, a file the system will not
        # give, a template in another encoding, too little memory, or a case that
        # finds a bug. Each is one error line; the next save builds again.
        try:
            rebuild()
        except OutlookgenError as exc:
            on_error(exc)
        except SYSTEM_ERRORS as exc:
            on_error(system_error(exc))
        except Exception as exc:  # a bug: asked to be reported, and the watcher outlives it
            on_error(internal_error(exc))

    run_once()
    try:
        for _changes in watchfiles.watch(*folders, watch_filter=relevant, stop_event=stop_event, raise_interrupt=False):
            run_once()
    except OSError as exc:  # a folder gone before watching began, the system's limit on watches
        raise OutlookgenError(f"cannot watch for changes: {system_error(exc)}") from None
