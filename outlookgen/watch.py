"""``outlookgen watch``: build, then rebuild whenever a spec, fragment, pack file or config is saved.

Uses the optional ``watchfiles`` package (``pip install 'outlookgen[watch]'``):
file-system events instead of polling, with debouncing, so saving from an
editor triggers one rebuild. Each rebuild is incremental — only specs whose
inputs changed are rendered again.
"""

from __future__ import annotations

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


def watched_folders(specs: Sequence[Path], pack_roots: Sequence[Path], config: Path | None) -> list[Path]:
    """The folders to watch: each spec's folder, the pack chain's folders and the config's folder."""
    folders = {p.resolve() if p.is_dir() else p.resolve().parent for p in specs}
    folders |= {root.resolve() for root in pack_roots}
    if config is not None:
        folders.add(config.resolve().parent)
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
    another build.
    """
    watchfiles = require_watchfiles()
    ignored = [p.resolve() for p in ignore]

    def relevant(_change, path: str) -> bool:
        candidate = Path(path)
        if candidate.name.startswith(".") or candidate.suffix.lower() not in WATCHED_SUFFIXES:
            return False
        resolved = candidate.resolve()
        return not any(resolved.is_relative_to(folder) for folder in ignored)

    def run_once() -> None:
        try:
            rebuild()
        except OutlookgenError as exc:
            on_error(exc)  # a broken save is reported; watching goes on

    run_once()
    for _changes in watchfiles.watch(*folders, watch_filter=relevant, stop_event=stop_event, raise_interrupt=False):
        run_once()
