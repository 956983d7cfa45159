"""Hostile requests to ``outlookgen preview``: nothing outside the preview's own files, no foreign Host, no crash.

Paths that try to leave the output folder (``..`` plain, encoded, double
encoded, with backslashes, absolute), a symlink planted in the output folder,
a foreign ``Host`` header (DNS rebinding), 500 saves in a row, a storm of
1 000 requests and more event streams than the server keeps open.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import re
import socket
import time

import pytest
import test_preview
from test_preview import WAIT, Client, Command, copy_spec, wait_for

pytest.importorskip("watchfiles")

previews = test_preview.previews  # the fixture that starts previews in this process
SECRET = b"root:"  # the first bytes of /etc/passwd: must never be served

TRAVERSALS = [
    "/../../../../etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "/..%5c..%5cetc%5cpasswd",
    "/..\\..\\etc\\passwd",
    "/plan.html/../../../etc/passwd",
    "/plan.html%2f..%2f..%2fetc%2fpasswd",
    "/./plan.html",
    "/.%2e/.%2e/etc/passwd",
    "//etc/passwd",
    "/etc/passwd",
    "/etc%2fpasswd",
    "/%2fetc%2fpasswd",
    "/_preview/../../etc/passwd",
    "/_preview/explain/..%2f..%2fetc%2fpasswd",
    "/_preview/explain/../../../etc/passwd",
    "/passwd.md",
    "/plan.yaml",
    "/plan.html%00.md",
    "/%00",
    "/%ff%fe.html",
    "/plan%ff.html",
    "http://127.0.0.1/../../etc/passwd",
    "*",
    "/" + "a" * 5000 + ".html",
]


# --------------------------------------------------------------------------- the route a target names (no server)


@pytest.mark.parametrize("target", TRAVERSALS)
def test_no_traversal_names_a_route(target):
    from outlookgen.project.preview.server import route

    found = route(target)
    assert found.kind in ("missing", "download", "page"), found
    if found.kind != "missing":  # a plain single name, nothing else
        assert "/" not in found.name and ".." not in found.name and "\\" not in found.name


@pytest.mark.parametrize(
    ("target", "kind", "name"),
    [
        ("/", "root", ""),
        ("/plan.html", "page", "plan"),
        ("/plan.v2.html", "page", "plan.v2"),
        ("/%E8%AE%A1%E5%88%92.html", "page", "计划"),
        ("/plan.docx", "download", "plan"),
        ("/plan.md?x=1", "download", "plan"),
        ("/_preview/events?page=plan", "events", "plan"),
        ("/_preview/state.json", "state", ""),
        ("/_preview/explain/OG305?lang=en", "explain", "OG305"),
        ("/plan", "missing", ""),
        ("/.hidden.html", "missing", ""),
        ("/_preview/", "missing", ""),
        ("/_preview", "missing", ""),
    ],
)
def test_routes(target, kind, name):
    from outlookgen.project.preview.server import route

    found = route(target)
    assert (found.kind, found.name) == (kind, name)


@pytest.mark.parametrize(
    ("bound", "address", "header", "allowed"),
    [
        ("127.0.0.1", "127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "127.0.0.1", "localhost:8000", True),
        ("127.0.0.1", "127.0.0.1", "LOCALHOST:8000", True),
        ("127.0.0.1", "127.0.0.1", "[::1]:8000", True),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1:8001", False),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1", False),
        ("127.0.0.1", "127.0.0.1", "evil.example:8000", False),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1.evil.example:8000", False),
        ("127.0.0.1", "127.0.0.1", "localhost.evil.example:8000", False),
        ("127.0.0.1", "127.0.0.1", "192.168.1.20:8000", False),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1:8000@evil.example", False),
        ("127.0.0.1", "127.0.0.1", "127.0.0.1:80000", False),
        ("127.0.0.1", "127.0.0.1", "[::1:8000", False),
        ("127.0.0.1", "127.0.0.1", "", False),
        ("127.0.0.1", "127.0.0.1", None, False),
        ("localhost", "127.0.0.1", "localhost:8000", True),
        ("::1", "::1", "[::1]:8000", True),
        ("0.0.0.0", "0.0.0.0", "192.168.1.20:8000", True),
        ("0.0.0.0", "0.0.0.0", "evil.example:8000", False),
        ("192.0.2.5", "192.0.2.5", "192.0.2.5:8000", True),
        ("192.0.2.5", "192.0.2.5", "192.0.2.6:8000", False),
    ],
)
def test_the_host_guard_answers_only_the_bound_name(bound, address, header, allowed):
    from outlookgen.project.preview.server import HostGuard

    assert HostGuard(bound, address, 8000).allows(header) is allowed


# --------------------------------------------------------------------------- against a running preview


@pytest.fixture
def served(previews, tmp_path):
    """A preview of one spec (plan.yaml), with its Word document built once so the folder holds two files."""
    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    assert preview.client.get("/plan.docx")
    return preview


def _assert_nothing_outside(status: int, body: bytes, target: str) -> None:
    assert status in (400, 403, 404), (target, status, body[:200])
    assert SECRET not in body and b"Minimal outlook" not in body


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversals_get_nothing_outside_the_preview(served, target):
    status, _, body = served.client.request(target)
    _assert_nothing_outside(status, body, target)


def test_a_symlink_planted_in_the_output_folder_leads_nowhere(served):
    folder = served.session.folder.path
    (folder / "etc").symlink_to("/etc")
    (folder / "passwd.html").symlink_to("/etc/passwd")
    for target in ("/etc/passwd", "/etc%2fpasswd", "/passwd.html", "/etc"):
        status, _, body = served.client.request(target)
        _assert_nothing_outside(status, body, target)
    # The preview's own files swapped for links: refused, never followed.
    for name in ("plan.html", "plan.docx"):
        (folder / name).unlink()
        (folder / name).symlink_to("/etc/passwd")
    status, _, body = served.client.request("/plan.html")
    assert SECRET not in body
    assert status == 200 and b'data-og-version="0"' in body  # the stand-in page, not the link's target
    status, _, body = served.client.request("/plan.docx")
    assert status == 200 and SECRET not in body and body.startswith(b"PK")  # built again over the link
    assert not (folder / "plan.docx").is_symlink()


def test_no_folder_is_listed(served, previews, tmp_path):
    (served.session.folder.path / "sub").mkdir()
    for target in ("/sub", "/sub/", "/_preview/", "/_preview", "/specs/", "/.."):
        status, _, body = served.client.request(target)
        _assert_nothing_outside(status, body, target)
        assert b"<li>" not in body and b"plan.docx" not in body
    # Several specs: "/" is the index of outlooks the preview made, not a listing of a folder.
    folder = tmp_path / "many"
    copy_spec(folder, name="a.yaml", title="Outlook A")
    copy_spec(folder, name="b.yaml", title="Outlook B")
    (folder / "secret.txt").write_text("do not list", encoding="utf-8")
    index = previews(folder).client.get("/")
    assert b"Outlook A" in index and b"Outlook B" in index and b"secret.txt" not in index


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1.nip.io:{port}",
        "localhost:{other}",
        "127.0.0.1:{other}",
        "127.0.0.1:{port}.evil.example",
        "[::ffff:127.0.0.1]:{port}",
        "",
    ],
)
def test_a_foreign_host_header_is_refused(served, host):
    port = served.port
    header = host.format(port=port, other=port + 1)
    for target in ("/plan.html", "/_preview/state.json", "/_preview/events?page=plan", "/plan.docx", "/"):
        status, _, body = served.client.request(target, host_header=header if header else None)
        assert status == 403, (header, target, status)
        assert b"Minimal outlook" not in body and b"PK" not in body[:2]


def test_only_get_and_head_are_answered(served):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"):
        status, _, body = served.client.request("/plan.html", method=method)
        assert status in (405, 501), (method, status)
        assert b"Minimal outlook" not in body
    status, headers, body = served.client.request("/plan.html", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_malformed_requests_get_an_error_and_the_server_goes_on(served):
    port = served.port
    for raw in (
        b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /plan.html HTTP/9.9\r\nHost: 127.0.0.1:%d\r\n\r\n" % port,
        b"GET /plan.html HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello
        b"GET /plan.html HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nHost: evil.example\r\n\r\n" % port,
    ):
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
            sock.sendall(raw)
            sock.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert b"Minimal outlook" not in answer, raw[:40]
    assert served.client.get("/plan.html")


def test_more_event_streams_than_the_server_keeps_are_refused_and_pages_still_load(served):
    from outlookgen.project.preview.server import MAX_STREAMS

    opened, refused = [], 0
    try:
        for _ in range(MAX_STREAMS + 5):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=WAIT)
            sock.sendall(f"GET /_preview/events?page=plan HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode())
            head = sock.recv(4096)
            if head.startswith(b"HTTP/1.0 503"):
                refused += 1
                sock.close()
            else:
                assert head.startswith(b"HTTP/1.0 200"), head
                opened.append(sock)
        assert len(opened) == MAX_STREAMS and refused == 5
        assert served.client.get("/plan.html")
    finally:
        for sock in opened:
            sock.close()
    # Closed streams give their places back.
    wait_for(lambda: _stream_opens(served.port), "an event stream after the others closed")


def _stream_opens(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(f"GET /_preview/events?page=plan HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        return sock.recv(4096).startswith(b"HTTP/1.0 200")


# --------------------------------------------------------------------------- load, as the command runs


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status_file:
        status = status_file.read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the server's memory from /proc")
def test_500_saves_in_a_row_cost_a_few_renders_and_no_memory(tmp_path):
    spec = copy_spec(tmp_path / "specs")
    text = spec.read_text(encoding="utf-8")
    command = Command(tmp_path, spec, "--no-browser", "--port", "0")
    try:
        client = command.client()
        # Warm up: a few saves and requests, so what is measured next is the steady state.
        for n in range(3):
            spec.write_text(text.replace("Minimal outlook", f"Warm-up {n}"), encoding="utf-8")
            wait_for(lambda n=n: f"Warm-up {n}" in client.summary()["specs"][0]["title"], "the warm-up save")
        before_renders = client.summary()["specs"][0]["renders"]
        before = _rss_kib(command.proc.pid)
        for n in range(500):
            # A broken save every so often, as while typing.
            body = text.replace("owner: PM\n", "owner: GHO\n", 1) if n % 7 == 3 else text
            spec.write_text(body.replace("Minimal outlook", f"Save {n}"), encoding="utf-8")
        wait_for(lambda: client.summary()["specs"][0]["title"] == "Save 499", "the last save on the page")
        time.sleep(2)  # a batch still collecting would render by now
        renders = client.summary()["specs"][0]["renders"] - before_renders
        after = _rss_kib(command.proc.pid)
        assert re.search(rb"<title>Save 499</title>", client.get("/plan.html"))
        assert 1 <= renders <= 25, f"{renders} renders for 500 saves"
        assert after - before < 20 * 1024, f"memory grew from {before} KiB to {after} KiB"
    finally:
        assert command.stop() == 0
    assert "Traceback" not in command.stderr()


def test_a_storm_of_1000_requests_is_answered_or_refused_and_the_server_stays_up(tmp_path):
    spec = copy_spec(tmp_path / "specs")
    command = Command(tmp_path, spec, "--no-browser", "--port", "0")
    try:
        client = command.client()
        targets = [
            "/plan.html",
            "/_preview/state.json",
            "/plan.md",
            "/nothing.html",
            "/../../etc/passwd",
            "/_preview/events?page=plan",
            "/",
        ]

        def hit(n: int) -> str:
            quick = Client(client.port)
            try:
                status, _, body = quick.request(targets[n % len(targets)], timeout=5)
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, or an event stream left open
                return type(exc).__name__
            assert SECRET not in body
            return str(status)

        with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
            outcomes = list(pool.map(hit, range(1000)))
        assert command.proc.poll() is None, command.stderr()
        answered = [o for o in outcomes if o.isdigit()]
        assert set(answered) <= {"200", "302", "404", "503"}, set(outcomes)
        assert len(answered) >= 500, {o: outcomes.count(o) for o in set(outcomes)}
        assert client.get("/plan.html")  # and it still serves
    finally:
        assert command.stop() == 0
    assert "Traceback" not in command.stderr()
