"""The preview's watcher: file-system events (``watchfiles``) below the spec, fragment, pack and config folders.

watchfiles groups the events of one save (an editor's write, rename and write
again) into one batch: it yields once no new event came for 50 ms, or after
1.6 s of events at most, so 500 saves in a row cost a handful of refreshes.
When a save adds a folder to watch (a fragment elsewhere), watching starts
again with the new set, and the specs are checked once, as soon as events
are watched again, for what was saved in between.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from outlookgen.project.preview.session import Session
from outlookgen.project.watch import WATCHED_SUFFIXES, require_watchfiles

# How long to wait before watching again when watching failed (a watched folder deleted).
_RETRY_SECONDS = 1.0
# With no event for this long watchfiles hands back an empty batch: the first says watching has begun.
_READY_MS = 200


class Watcher(threading.Thread):
    """Refreshes ``session`` after every batch of relevant changes, until ``stop`` is set.

    ``ready`` is set once events are being watched: what was saved before
    that is caught by one refresh then, so no save between the first render
    and the start of watching is lost.
    """

    def __init__(self, session: Session, stop: threading.Event) -> None:
        super().__init__(name="outlookgen-preview-watcher", daemon=True)
        self.session = session
        self.stop = stop
        self.ready = threading.Event()
        self.batches = 0  # batches of changes seen (a figure for tests and the bench)
        self._watchfiles = require_watchfiles()
        self._last_error = ""

    def run(self) -> None:
        while not self.stop.is_set():
            folders, output, _config = self.session.watched()
            if not folders:
                self.ready.set()
                self.stop.wait(_RETRY_SECONDS)
                continue
            self._watch(folders, output)

    def _refresh(self, changes) -> None:
        try:
            self.session.refresh(changes)
        except Exception as exc:  # a bug in the preview itself: said once, and the preview goes on
            from outlookgen.project.faults import internal_error

            self.session.reporter.error(internal_error(exc))

    def _watch(self, folders: list[Path], output: Path) -> None:
        """Watch ``folders`` until stopped, or until the folders to watch change (a fragment elsewhere)."""
        ignored = os.path.realpath(output)

        def relevant(_change, path: str) -> bool:
            name = os.path.basename(path)
            if name.startswith(".") or not name.lower().endswith(WATCHED_SUFFIXES):
                return False  # editors' swap and backup files, hidden files
            return not os.path.realpath(path).startswith(ignored + os.sep)

        watching = False
        try:
            # A timeout yields an empty batch: the first one says events are being watched.
            for changes in self._watchfiles.watch(
                *folders,
                watch_filter=relevant,
                stop_event=self.stop,
                raise_interrupt=False,
                rust_timeout=_READY_MS,
                yield_on_timeout=True,
            ):
                if not watching:
                    watching = True
                    self._refresh(None)  # whatever was saved before watching began
                    self.ready.set()
                if changes:
                    self.batches += 1
                    self._refresh(changes)
                    if self.session.watched()[0] != folders:
                        return
        except (OSError, RuntimeError) as exc:  # a watched folder deleted, the system's limit on watches
            from outlookgen.errors import OutlookgenError
            from outlookgen.project.faults import system_error

            error = system_error(exc) if isinstance(exc, OSError) else OutlookgenError(str(exc))
            if str(error) != self._last_error:  # said once, not once a second while it lasts
                self._last_error = str(error)
                self.session.reporter.error(OutlookgenError(f"watching for changes stopped, starting again: {error}"))
            self.ready.set()
            self.stop.wait(_RETRY_SECONDS)
