"""The preview's HTTP server (standard library only): pages, downloads and one Server-Sent Events stream per page.

Safe by default: it answers only requests whose ``Host`` is the address it is
bound to (a page on another site cannot reach it through DNS rebinding), only
GET and HEAD, only the names the preview registered (see
:mod:`outlookgen.project.preview.folder`), never a folder listing. A request
that goes wrong gets a 500 and the server goes on; past a number of requests
at once, new connections get a 503 instead of a thread each.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import socketserver
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

from outlookgen.errors import OutlookgenError
from outlookgen.project.preview import pages
from outlookgen.project.preview.folder import NotServed, is_plain_name
from outlookgen.project.preview.session import DOWNLOADS, DownloadUnavailable, Session

# Requests handled at once; an event stream holds one for as long as its page is open.
MAX_REQUESTS = 64
MAX_STREAMS = 32
# Seconds a client may take to send its request; an idle event stream sends a comment this often.
REQUEST_TIMEOUT = 15
KEEPALIVE_SECONDS = 15
_MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


# --------------------------------------------------------------------------- which Host a request may name


class HostGuard:
    """The ``Host`` header values this server answers: its own address and port, never a name that could be
    rebound (DNS rebinding lets a page on another site talk to a loopback server under the site's name)."""

    def __init__(self, host: str, address: str, port: int) -> None:
        self.port = port
        ip = ipaddress.ip_address(address.split("%")[0])
        self.any_address = ip.is_unspecified
        names = {_bracketed(host.lower()), _bracketed(address.lower())}
        if ip.is_loopback or ip.is_unspecified:
            names.update(_LOOPBACK_NAMES)
        if not ip.is_loopback:
            names.add(socket.gethostname().lower())  # how other machines on the network name this one
        self.names = frozenset(names)

    def allows(self, header: str | None) -> bool:
        if not header:
            return False
        name, port = _split_host(header.strip().lower())
        if port != self.port or not name:
            return False
        if name in self.names:
            return True
        # Bound to every address: an IP literal cannot be rebound, a name can.
        return self.any_address and _is_ip_literal(name)


def _bracketed(name: str) -> str:
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def _split_host(value: str) -> tuple[str, int | None]:
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return "", None
        name, rest = value[: end + 1], value[end + 1 :]
    else:
        name, _, port = value.partition(":")
        rest = f":{port}" if port else ""
    if not rest:
        return name, 80
    if not rest.startswith(":") or not rest[1:].isdigit() or len(rest) > 6:
        return "", None
    return name, int(rest[1:])


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- what a request asks for


@dataclass(frozen=True)
class Route:
    """What a request target names: ``kind`` is root, page, download, events, state, explain or missing."""

    kind: str
    name: str = ""  # the page's stem, the download's stem, the rule code
    fmt: str = ""
    query: dict | None = None


MISSING = Route("missing")


def route(target: str) -> Route:
    """The route a raw request target names; :data:`MISSING` for anything outside the preview.

    Checked on the raw text, before decoding: an encoded slash, backslash or
    NUL, a ``.`` or ``..`` segment, an absolute URL (``http://host/…``), a
    path that does not start with one ``/`` — none of them names anything.
    """
    if not target.startswith("/") or target.startswith("//"):
        return MISSING
    raw_path, _, raw_query = target.partition("?")
    raw_path = raw_path.partition("#")[0]
    lowered = raw_path.lower()
    if any(code in lowered for code in ("%2f", "%5c", "%00")):
        return MISSING
    path = unquote(raw_path, errors="replace")  # bytes that are not UTF-8 name no file of the preview
    if "\\" in path or "\0" in path:
        return MISSING
    segments = path.split("/")[1:]
    if any(s in (".", "..") for s in segments):
        return MISSING
    query = parse_qs(raw_query, keep_blank_values=True, max_num_fields=10) if raw_query else {}
    if segments == [""]:
        return Route("root")
    if segments[0] == "_preview" and len(segments) == 2:
        if segments[1] == "events":
            return Route("events", name=query.get("page", [""])[0], query=query)
        if segments[1] == "state.json":
            return Route("state")
    if segments[0] == "_preview" and len(segments) == 3 and segments[1] == "explain" and segments[2]:
        return Route("explain", name=segments[2], query=query)
    if len(segments) != 1 or not is_plain_name(segments[0]):
        return MISSING
    stem, dot, extension = segments[0].rpartition(".")
    if not dot:
        return MISSING
    if extension == "html":
        return Route("page", name=stem)
    if extension in DOWNLOADS:
        return Route("download", name=stem, fmt=extension)
    return MISSING


# --------------------------------------------------------------------------- the server


class PreviewHTTPServer(ThreadingHTTPServer):
    """A threading server with a cap on requests at once and no reverse DNS lookup at start."""

    daemon_threads = True
    request_queue_size = 128  # a burst of connections waits for a thread instead of being reset

    def __init__(self, address: tuple[str, int], session: Session, host: str, family: int) -> None:
        self.address_family = family
        self.session = session
        self.stopping = threading.Event()
        self._slots = threading.BoundedSemaphore(MAX_REQUESTS)
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)
        super().__init__(address, Handler)
        bound = self.server_address
        self.guard = HostGuard(host, bound[0], bound[1])

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks the resolver for the host's full name, which can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[0], self.server_address[1]

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread could start: give the slot back
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        pass  # a client that went away mid-answer; the handler answers 500 for its own errors

    def close(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


def _refuse(request) -> None:
    try:
        request.settimeout(1)
        request.sendall(
            b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n"
            b"Retry-After: 1\r\nConnection: close\r\n\r\ntoo many requests"
        )
    except OSError:
        pass


def bind(session: Session, host: str, port: int) -> tuple[PreviewHTTPServer, str]:
    """A server on ``host:port``, or on a free port when ``port`` is 0 or cannot be used; and a note saying so."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise OutlookgenError(f"cannot serve on {host}: {getattr(exc, 'strerror', None) or exc}") from None
    family, _, _, _, sockaddr = infos[0]
    address = sockaddr[0]
    note = ""
    try:
        server = PreviewHTTPServer((address, port), session, host, family)
    except OSError as exc:
        if port == 0 or exc.errno not in (errno.EADDRINUSE, errno.EACCES):
            raise OutlookgenError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        server = PreviewHTTPServer((address, 0), session, host, family)
        reason = "is taken" if exc.errno == errno.EADDRINUSE else "cannot be used (permission denied)"
        note = f"port {port} {reason}; serving on port {server.server_address[1]} instead"
    return server, note


def is_loopback(server: PreviewHTTPServer) -> bool:
    return ipaddress.ip_address(server.server_address[0].split("%")[0]).is_loopback


# --------------------------------------------------------------------------- one request


class Handler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    server_version = "outlookgen-preview"
    sys_version = ""
    timeout = REQUEST_TIMEOUT
    _head = False

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows renders and errors, not every request

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        self._head = head
        try:
            hosts = self.headers.get_all("Host") or []
            # Two Host headers are a malformed request (RFC 9112); proxies may each read another one.
            if len(hosts) != 1 or not self.server.guard.allows(hosts[0]):
                self._plain(HTTPStatus.FORBIDDEN, "this preview answers only requests for its own address\n")
                return
            found = route(self.path)
            getattr(self, f"_{found.kind}")(found)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the browser went away
        except Exception:  # a bug answering one request never stops the server
            self._plain(HTTPStatus.INTERNAL_SERVER_ERROR, "the preview failed to answer this request\n")

    # ------------------------------------------------------------------ routes

    def _missing(self, _route: Route) -> None:
        self._plain(HTTPStatus.NOT_FOUND, "not found\n")

    def _root(self, _route: Route) -> None:
        session = self.server.session
        entries = session.entries_in_order()
        if len(entries) == 1:
            self._send(HTTPStatus.FOUND, b"", "text/plain", {"Location": f"/{_quoted(entries[0].page)}"})
            return
        state = session.state(None)
        self._send(HTTPStatus.OK, pages.index_page(entries, state["version"]), "text/html; charset=utf-8", _page())

    def _page(self, found: Route) -> None:
        session = self.server.session
        entry = session.entry(found.name)
        if entry is None:
            self._missing(found)
            return
        try:
            body, version = session.page(found.name)
        except NotServed:
            self._missing(found)
            return
        page = pages.inject(body, entry.stem, version) if body is not None else pages.waiting_page(entry)
        self._send(HTTPStatus.OK, page, "text/html; charset=utf-8", _page())

    def _download(self, found: Route) -> None:
        session = self.server.session
        entry = session.entry(found.name)
        if entry is None:
            self._missing(found)
            return
        try:
            body = session.download(found.name, found.fmt)
        except NotServed:
            self._missing(found)
            return
        except DownloadUnavailable as exc:
            text = "".join(f"{p.text}\n" for p in exc.problems)
            self._plain(HTTPStatus.CONFLICT, f"{entry.stem}.{found.fmt} cannot be built now:\n{text}")
            return
        filename = f"{entry.stem}.{found.fmt}"
        headers = {"Content-Disposition": _attachment(filename), "Cache-Control": "no-store"}
        self._send(HTTPStatus.OK, body, _MEDIA_TYPES[found.fmt], headers)

    def _state(self, _route: Route) -> None:
        body = json.dumps(self.server.session.summary(), ensure_ascii=False).encode("utf-8")
        self._send(HTTPStatus.OK, body, "application/json", {"Cache-Control": "no-store"})

    def _explain(self, found: Route) -> None:
        from outlookgen.lint import UnknownSelector, explain

        lang = (found.query or {}).get("lang", ["en"])[0]
        try:
            text = explain(found.name, lang if lang in ("en", "zh-CN") else "en")
        except UnknownSelector:
            self._missing(found)
            return
        self._plain(HTTPStatus.OK, text)

    def _events(self, found: Route) -> None:
        """The page's state now, then again whenever it changes: Server-Sent Events until the page goes away."""
        server, session = self.server, self.server.session
        stem = found.name or None
        if stem is not None and session.entry(stem) is None:
            self._missing(found)
            return
        if self._head:
            self._send(HTTPStatus.OK, b"", "text/event-stream", {"Cache-Control": "no-store"})
            return
        if not server.streams.acquire(blocking=False):
            self._plain(HTTPStatus.SERVICE_UNAVAILABLE, "too many open previews\n")
            return
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n")
            sent, generation = None, session.generation
            while not server.stopping.is_set() and not session.closed:
                state = json.dumps(session.state(stem), ensure_ascii=False, separators=(",", ":"))
                if state != sent:
                    self.wfile.write(f"event: state\ndata: {state}\n\n".encode())
                    sent = state
                else:
                    self.wfile.write(b": still here\n\n")  # a closed page shows as a failed write
                self.wfile.flush()
                generation = session.wait(generation, KEEPALIVE_SECONDS)
        finally:
            server.streams.release()

    # ------------------------------------------------------------------ answering

    def _plain(self, status: HTTPStatus, text: str) -> None:
        self._send(status, text.encode("utf-8"), "text/plain; charset=utf-8", {"Cache-Control": "no-store"})

    def _send(self, status: HTTPStatus, body: bytes, media_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not self._head:
            self.wfile.write(body)


def _page() -> dict[str, str]:
    # Served pages run one script, the preview's own, named by its hash; they load nothing from anywhere.
    return {"Cache-Control": "no-store", "Content-Security-Policy": pages.content_security_policy()}


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
