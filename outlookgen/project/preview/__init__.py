"""``outlookgen preview``: the HTML outlook served on a loopback port, repainted in the browser on every save.

Three parts run together: the :class:`~outlookgen.project.preview.session.Session`
(each spec's last good page, its problems and lint findings), the
:mod:`~outlookgen.project.preview.watcher` (file-system events, one refresh per
save) and the :mod:`~outlookgen.project.preview.server` (standard-library HTTP;
pages tell the browser to reload through Server-Sent Events). See docs/preview.md.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from outlookgen.project.preview.session import Reporter, Session

__all__ = ["Preview", "PreviewSettings", "Reporter", "serve"]

DEFAULT_PORT = 8000
# How long start() waits for the watcher to watch (it usually takes a fraction of a second).
_READY_SECONDS = 10.0


@dataclass(frozen=True)
class PreviewSettings:
    specs: Sequence[Path] = ()  # specs or folders; one folder holding outlookgen.yaml is that project
    pack: str | None = None
    locale: str | None = None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0, or a port in use: any free one
    open_browser: bool = True


class Preview:
    """A preview built and bound (raises OutlookgenError for what the command line got wrong); :meth:`start`
    serves and watches, :meth:`close` stops everything and removes the preview's folder."""

    def __init__(self, settings: PreviewSettings, reporter: Reporter | None = None) -> None:
        from outlookgen.project.preview.server import bind
        from outlookgen.project.watch import require_watchfiles

        require_watchfiles()
        self.settings = settings
        self.session = Session(settings.specs, settings.pack, settings.locale, reporter or Reporter())
        try:
            self.session.refresh()  # the first pages exist before the browser asks for them
            self.server, self.note = bind(self.session, settings.host, settings.port)
        except BaseException:
            self.session.close()
            raise
        self._stop = threading.Event()
        self._serving = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, name="outlookgen-preview-http", daemon=True
        )
        self.watcher = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        """Where a browser on this machine opens the preview: the page itself when there is one spec."""
        address = ipaddress.ip_address(self.server.server_address[0].split("%")[0])
        if address.is_unspecified:
            address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
        host = f"[{address}]" if address.version == 6 else str(address)
        entries = self.session.entries_in_order()
        page = entries[0].page if len(entries) == 1 else ""
        from urllib.parse import quote

        return f"http://{host}:{self.port}/{quote(page)}"

    @property
    def exposed(self) -> bool:
        """Whether other machines can reach it (bound to anything but loopback)."""
        from outlookgen.project.preview.server import is_loopback

        return not is_loopback(self.server)

    def start(self) -> Preview:
        from outlookgen.project.preview.watcher import Watcher

        self.watcher = Watcher(self.session, self._stop)
        self._serving.start()
        self.watcher.start()
        # Saves from now on are seen: a test (or a user quick on the keys) may save at once.
        self.watcher.ready.wait(_READY_SECONDS)
        return self

    def close(self) -> None:
        self._stop.set()
        if self.watcher is not None:
            self.watcher.join(timeout=10)
        if self._serving.is_alive():
            self.server.close()
        else:
            self.server.server_close()
        self.session.close()

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *_exc_info) -> None:
        self.close()


def serve(settings: PreviewSettings, reporter: Reporter, say=print, warn=print) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop cleanly; OutlookgenError when it cannot start."""
    import signal

    with Preview(settings, reporter) as preview:
        if preview.note:
            say(preview.note)
        if preview.exposed:
            warn(
                f"serving on {settings.host}, which other machines can reach: anyone on the network can read"
                " these outlooks; use the default 127.0.0.1 unless that is meant"
            )
        preview.start()
        count = len(preview.session.entries_in_order())
        say(f"previewing {count} outlook{'s' if count != 1 else ''} at {preview.url}")
        say("rendering again on every save; Ctrl-C stops")
        if settings.open_browser:
            _open_browser(preview.url)
        stopped = threading.Event()
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, lambda *_: stopped.set()) if main_thread else None
        try:
            while not stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)


def _open_browser(url: str) -> None:
    import webbrowser

    def open_it() -> None:
        with contextlib.suppress(Exception):  # no browser here: the URL is printed
            webbrowser.open(url)

    threading.Thread(target=open_it, name="outlookgen-preview-browser", daemon=True).start()
