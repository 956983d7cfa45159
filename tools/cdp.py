"""A small Chrome DevTools Protocol client over ``--remote-debugging-pipe``, standard library only.

Drives the system Chromium for the preview's browser test and benchmark: no
Playwright (a 165 MB wheel and its own browser download), no websocket
library. Chromium started with ``--remote-debugging-pipe`` reads commands on
file descriptor 3 and writes replies and events on 4, each a JSON message
ended by a NUL byte.

    with Chromium() as browser:
        page = browser.open("http://127.0.0.1:8000/plan.html")
        page.wait_for("document.title === 'Plan'", timeout=2)
"""

from __future__ import annotations

import base64
import collections
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or stopped answering."""


class Chromium:
    """One headless Chromium; :meth:`open` gives a tab. Close it (or use ``with``) to end the browser."""

    def __init__(self, executable: str | None = None, timeout: float = 30.0) -> None:
        executable = executable or find_chromium()
        if executable is None:
            raise FileNotFoundError("no Chromium found (chromium, chromium-browser, google-chrome)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="outlookgen-cdp-")
        commands_read, self._commands = os.pipe()  # we write, Chromium reads on fd 3
        self._replies, replies_write = os.pipe()  # Chromium writes on fd 4, we read
        args = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--remote-debugging-pipe",
            f"--user-data-dir={self.profile}",
            "about:blank",
        ]

        def child_fds() -> None:  # the pipe ends at 3 and 4 in the child (dup first: they may be 3 or 4)
            r, w = os.dup(commands_read), os.dup(replies_write)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.process = subprocess.Popen(
            args,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._buffer = b""
        self._id = 0
        self.events: collections.deque = collections.deque(maxlen=1000)
        self.version = self.send("Browser.getVersion")["product"]

    def _read_message(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise DevToolsError(f"no DevTools message from Chromium in {timeout:.0f} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise DevToolsError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and wait for its reply; events that arrive meanwhile are kept in ``events``."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message(self.timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def open(self, url: str, width: int = 1280, height: int = 900) -> Page:
        """A new tab showing ``url``, once it has loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        self.send("Page.enable", session=session)
        self.send("Runtime.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        page.navigate(url)
        return page

    def close(self) -> None:
        with contextlib.suppress(DevToolsError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_exc_info) -> None:
        self.close()


class Page:
    """One tab."""

    def __init__(self, browser: Chromium, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, session=self.session)

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (None while the page is between two documents)."""
        try:
            reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        except DevToolsError as exc:  # the document is being replaced (a reload): no context to run in
            if "context" in str(exc).lower():
                return None
            raise
        if "exceptionDetails" in reply:
            return None
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10.0, interval: float = 0.01) -> float:
        """Seconds until ``expression`` is true in the page; DevToolsError past ``timeout``."""
        started = time.monotonic()
        while True:
            if self.evaluate(expression):
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise DevToolsError(f"not true within {timeout} s: {expression}")
            time.sleep(interval)

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(DevToolsError):
            self.browser.send("Target.closeTarget", {"targetId": self.target})
