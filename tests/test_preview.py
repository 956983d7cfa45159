"""``outlookgen preview``: the outlook served over HTTP, repainted on save, errors and findings beside the page.

The server runs in this process on a free loopback port (``Preview``) or as
the command a user types (a subprocess); requests are real HTTP, events are
read from the real Server-Sent Events stream a page listens to.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

pytest.importorskip("watchfiles")

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
BI = SAMPLES / "bi-platform.en.yaml"
_SCRIPT = re.compile(rb'<script data-og-page="[^"]*" data-og-version="[^"]*">(.*?)</script>\n', re.S)
# Long enough for a loaded 2-core machine; a working preview answers in well under a second.
WAIT = 30.0


# --------------------------------------------------------------------------- helpers shared with the other preview tests


class Client:
    """Raw HTTP to one preview: the request target is sent exactly as given (no normalising)."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port, self.host = port, host

    def request(self, target: str, *, method: str = "GET", host_header: str | None = "", timeout: float = WAIT):
        """(status, headers, body); ``host_header`` None sends no Host, "" the right one."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            if host_header is not None:
                conn.putheader("Host", host_header or f"{self.host}:{self.port}")
            conn.endheaders()
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def get(self, target: str) -> bytes:
        status, _, body = self.request(target)
        assert status == 200, (target, status, body[:500])
        return body

    def summary(self) -> dict:
        return json.loads(self.get("/_preview/state.json"))

    def events(self, page: str) -> Events:
        return Events(self.host, self.port, page)


class Events:
    """The Server-Sent Events stream of one page, read as a browser's EventSource reads it."""

    def __init__(self, host: str, port: int, page: str) -> None:
        self.sock = socket.create_connection((host, port), timeout=WAIT)
        request = (
            f"GET /_preview/events?page={page} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200"), head
        assert b"text/event-stream" in head
        self.states: list[dict] = []

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the event stream ended")
            self.buffer += chunk
        block, self.buffer = self.buffer.split(marker, 1)
        return block

    def next_state(self) -> dict:
        while True:
            block = self._until(b"\n\n").decode("utf-8")
            lines = block.split("\n")
            if "event: state" in lines:
                data = "".join(line[len("data: ") :] for line in lines if line.startswith("data: "))
                state = json.loads(data)
                self.states.append(state)
                return state

    def wait(self, predicate, what: str) -> dict:
        """The first state (already received or coming) for which ``predicate`` holds."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            state = self.next_state()
            if predicate(state):
                return state
        raise AssertionError(f"no event with {what}; last states: {self.states[-3:]}")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def previews():
    """Start previews in this process (free port, no browser); every one is closed after the test."""
    from outlookgen.project.preview import Preview, PreviewSettings, Reporter

    started = []

    def start(*specs, **settings):
        log = {"info": [], "errors": []}
        reporter = Reporter(info=log["info"].append, error=log["errors"].append)
        settings = {"port": 0, "open_browser": False, **settings}
        preview = Preview(PreviewSettings(specs=[Path(s) for s in specs], **settings), reporter).start()
        preview.log = log
        preview.client = Client(preview.port)
        started.append(preview)
        return preview

    yield start
    for preview in started:
        preview.close()


def wait_for(predicate, what: str, seconds: float = WAIT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def copy_spec(folder: Path, source: Path = MINIMAL, name: str = "plan.yaml", title: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = source.read_text(encoding="utf-8")
    if title is not None:
        text = text.replace("Minimal outlook", title)
    spec = folder / name
    spec.write_text(text, encoding="utf-8")
    return spec


def edit(spec: Path, old: str, new: str) -> None:
    text = spec.read_text(encoding="utf-8")
    assert old in text, old
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")


def strip_script(page: bytes) -> bytes:
    return _SCRIPT.sub(b"", page)


def served_title(client: Client, page: str) -> str:
    match = re.search(rb"<title>(.*?)</title>", client.get(f"/{page}"), re.S)
    return match.group(1).decode("utf-8") if match else ""


# --------------------------------------------------------------------------- the page


def test_the_served_page_is_the_built_page_with_only_the_client_script_added(previews, tmp_path, cli):
    spec = tmp_path / "specs" / "bi-platform.en.yaml"
    spec.parent.mkdir()
    shutil.copy(BI, spec)
    before = sorted(p.name for p in spec.parent.iterdir())
    preview = previews(spec)
    assert preview.url == f"http://127.0.0.1:{preview.port}/bi-platform.en.html"
    status, headers, _ = preview.client.request("/")
    assert status == 302 and headers["Location"] == "/bi-platform.en.html"

    status, headers, page = preview.client.request("/bi-platform.en.html")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    code, _, err = cli("build", spec, "-f", "html", "-o", tmp_path / "built", "-q")
    assert code == 0, err
    built = (tmp_path / "built" / "bi-platform.en.html").read_bytes()
    assert strip_script(page) == built
    [script] = _SCRIPT.findall(page)
    assert b"</script" not in script and b"EventSource" in script
    # The one script the page may run is the preview's, named by its hash; nothing may be fetched.
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
    policy = headers["Content-Security-Policy"]
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    # Previewing writes nothing beside the spec (outlookgen build's outputs are its own).
    assert sorted(p.name for p in spec.parent.iterdir()) == before
    assert b"<script" not in built


def test_a_save_repaints_a_broken_save_keeps_the_last_good_page_and_shows_its_errors(previews, tmp_path):
    spec = copy_spec(tmp_path / "specs", title="First title")
    preview = previews(spec)
    client, events = preview.client, preview.client.events("plan")
    try:
        first = events.next_state()
        assert first["version"] == "1" and first["problems"] == []

        edit(spec, "First title", "Second title")
        events.wait(lambda s: s["version"] == "2", "version 2 after a save")
        assert served_title(client, "plan.html") == "Second title"

        edit(spec, "owner: PM\n", "owner: GHOST\n")
        broken = events.wait(lambda s: s["problems"], "the errors of a broken save")
        assert broken["version"] == "2"  # no new page: the last good one stays
        [problem] = broken["problems"]
        assert re.fullmatch(
            rf"{re.escape(str(spec))}:19:12: error: objectives\[0\]\.owner: unknown role 'GHOST'.*", problem["text"]
        )
        assert (problem["line"], problem["column"], problem["source"]) == (19, 12, "    owner: GHOST")
        assert served_title(client, "plan.html") == "Second title"
        assert any("unknown role 'GHOST'" in e.diagnostics[0].message for e in preview.log["errors"])

        edit(spec, "owner: GHOST\n", "owner: PM\n")
        edit(spec, "Second title", "Third title")
        fixed = events.wait(lambda s: not s["problems"] and s["version"] == "3", "the errors gone after the fix")
        assert fixed["findings"], "a valid spec gets its lint findings back"
        assert served_title(client, "plan.html") == "Third title"
    finally:
        events.close()


@pytest.mark.parametrize(
    ("what", "content", "expected"),
    [
        ("an empty file", b"", "plan.yaml:1:1: error"),
        ("a half-written file", None, "error"),
        ("a YAML syntax error", b"outlook: 1\nmeta: {title: [unclosed\n", "plan.yaml:"),
        ("bytes that are not UTF-8", b"outlook: 1\nmeta:\n  title: \xff\xfe\n", "plan.yaml:3:"),
        ("a list instead of a mapping", b"- just\n- a list\n", "plan.yaml:1:1: error"),
    ],
)
def test_what_a_save_can_leave_behind_never_stops_the_server(previews, tmp_path, what, content, expected):
    spec = copy_spec(tmp_path / "specs")
    good = spec.read_bytes()
    preview = previews(spec)
    events = preview.client.events("plan")
    try:
        events.next_state()
        spec.write_bytes(good[: len(good) // 2 - 7] if content is None else content)
        state = events.wait(lambda s: s["problems"], f"an error for {what}")
        assert all(expected in p["text"] for p in state["problems"][:1]), state["problems"]
        assert "Traceback" not in json.dumps(state)
        assert served_title(preview.client, "plan.html") == "Minimal outlook"  # still the last good page
        spec.write_bytes(good.replace(b"Minimal outlook", b"Back again"))
        events.wait(lambda s: not s["problems"] and s["version"] == "2", "recovery after the fix")
    finally:
        events.close()


def test_a_spec_deleted_or_replaced_by_a_folder_is_an_error_until_it_is_back(previews, tmp_path):
    spec = copy_spec(tmp_path / "specs")
    good = spec.read_bytes()
    preview = previews(spec)
    events = preview.client.events("plan")
    try:
        events.next_state()
        spec.unlink()
        events.wait(lambda s: any("plan.yaml" in p["text"] for p in s["problems"]), "an error for the deleted spec")
        spec.mkdir()
        (spec / "x.yaml").write_text("outlook: 1\n", encoding="utf-8")
        time.sleep(0.3)
        shutil.rmtree(spec)
        spec.write_bytes(good)
        events.wait(lambda s: not s["problems"], "recovery")
        assert preview.client.get("/plan.html")
    finally:
        events.close()


def test_a_spec_that_never_built_is_served_as_a_stand_in_with_its_errors(previews, tmp_path):
    spec = copy_spec(tmp_path / "specs")
    edit(spec, "owner: PM\n", "owner: GHOST\n")
    preview = previews(spec)
    page = preview.client.get("/plan.html")
    assert b'data-og-version="0"' in page and b"Minimal outlook" not in page
    events = preview.client.events("plan")
    try:
        state = events.next_state()
        assert state["version"] == "0" and "unknown role 'GHOST'" in state["problems"][0]["text"]
        edit(spec, "owner: GHOST\n", "owner: PM\n")
        events.wait(lambda s: s["version"] == "1", "the first good page")
        assert served_title(preview.client, "plan.html") == "Minimal outlook"
    finally:
        events.close()


# --------------------------------------------------------------------------- what a change touches


def test_fragments_the_pack_and_the_project_configuration_repaint_too(previews, tmp_path):
    project = tmp_path / "project"
    (project / "shared").mkdir(parents=True)
    (project / "outlookgen.yaml").write_text("specs: [specs/*.yaml]\n", encoding="utf-8")
    (project / "shared" / "risks.yaml").write_text(
        "risks:\n  - id: R9\n    title: Shared fragment risk\n    owner: PM\n", encoding="utf-8"
    )
    spec = copy_spec(project / "specs")
    edit(spec, "outlook: 1\n", "outlook: 1\ninclude: [../shared/risks.yaml]\n")
    pack = tmp_path / "acme"
    (pack / "html").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: acme\nextends: default\n", encoding="utf-8")
    (pack / "html" / "outlook.css").write_text(
        (ROOT / "templates" / "default" / "html" / "outlook.css").read_text(encoding="utf-8"), encoding="utf-8"
    )
    preview = previews(project, pack=str(pack))
    client = preview.client
    events = client.events("plan")
    try:
        events.next_state()
        assert b"Shared fragment risk" in client.get("/plan.html")

        (project / "shared" / "risks.yaml").write_text(
            "risks:\n  - id: R9\n    title: Edited fragment risk\n    owner: PM\n", encoding="utf-8"
        )
        events.wait(lambda s: s["version"] == "2", "a repaint after the fragment's save")
        assert b"Edited fragment risk" in client.get("/plan.html")

        with (pack / "html" / "outlook.css").open("a", encoding="utf-8") as css:
            css.write("\n.acme-marker { color: red; }\n")
        events.wait(lambda s: s["version"] == "3", "a repaint after the pack's save")
        assert b".acme-marker" in client.get("/plan.html")

        (project / "outlookgen.yaml").write_text("specs: [specs/*.yaml]\nlocale: zh-CN\n", encoding="utf-8")
        events.wait(lambda s: s["version"] == "4", "a repaint after the configuration's save")
        assert b'<html lang="zh-CN">' in client.get("/plan.html")

        (project / "outlookgen.yaml").write_text("specs: [specs/*.yaml]\nlocale: fr\n", encoding="utf-8")
        broken = events.wait(lambda s: s["problems"], "the configuration's error on the page")
        assert "outlookgen.yaml:2:" in broken["problems"][0]["text"]
        assert broken["problems"][0]["source"] == "locale: fr"
        # The last good settings stay (zh-CN) while the configuration is broken, and so does its error.
        edit(spec, "Minimal outlook", "Edited while the configuration is broken")
        state = events.wait(lambda s: s["version"] == "5", "a repaint while the configuration is broken")
        assert "outlookgen.yaml:2:" in state["problems"][0]["text"]
        assert b'<html lang="zh-CN">' in client.get("/plan.html")
        (project / "outlookgen.yaml").write_text("specs: [specs/*.yaml]\n", encoding="utf-8")
        state = events.wait(lambda s: not s["problems"] and s["version"] == "6", "the fixed configuration")
        assert b'<html lang="en">' in client.get("/plan.html")
    finally:
        events.close()


def test_only_the_specs_a_change_touches_are_rendered_again(previews, tmp_path):
    folder = tmp_path / "specs"
    a = copy_spec(folder, name="a.yaml", title="Outlook A")
    copy_spec(folder, name="b.yaml", title="Outlook B")
    preview = previews(folder)
    assert preview.url.endswith(f":{preview.port}/")
    index = preview.client.get("/")
    assert b'href="/a.html">Outlook A</a>' in index and b'href="/b.html">Outlook B</a>' in index

    def renders():
        return {s["page"]: (s["renders"], s["version"]) for s in preview.client.summary()["specs"]}

    assert renders() == {"a.html": (1, 1), "b.html": (1, 1)}
    edit(a, "Outlook A", "Outlook A2")
    wait_for(lambda: renders()["a.html"] == (2, 2), "a rendered again")
    a.write_bytes(a.read_bytes())  # saved unchanged: nothing it is built from changed
    (folder / "notes.txt").write_text("not an input", encoding="utf-8")
    edit(a, "Outlook A2", "Outlook A3")
    wait_for(lambda: renders()["a.html"][1] == 3, "a rendered after the last save")
    assert renders()["b.html"] == (1, 1), "b was not touched by any change"

    # A spec added to the folder joins the index.
    copy_spec(folder, name="c.yaml", title="Outlook C")
    wait_for(lambda: renders().get("c.html") == (1, 1), "the new spec rendered")
    wait_for(lambda: b"Outlook C" in preview.client.get("/"), "the new spec's title on the index")
    assert renders()["b.html"] == (1, 1)


def test_an_editors_write_rename_write_is_one_render(previews, tmp_path):
    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    summary = preview.client.summary
    text = spec.read_text(encoding="utf-8")
    temporary = spec.with_name(".plan.yaml.swp")
    temporary.write_text(text.replace("Minimal outlook", "Half"), encoding="utf-8")
    os.replace(temporary, spec)
    spec.write_text(text.replace("Minimal outlook", "Saved"), encoding="utf-8")
    wait_for(lambda: summary()["specs"][0]["title"] == "Saved", "the save rendered")
    time.sleep(1.0)  # anything still queued would render by now
    assert summary()["specs"][0]["renders"] == 2, (preview.watcher.batches, preview.log)  # the first build, the save
    assert summary()["specs"][0]["version"] == 2


# --------------------------------------------------------------------------- lint findings, downloads


def test_lint_findings_carry_rule_ids_and_link_to_their_explanations(previews, tmp_path, cli):
    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    events = preview.client.events("plan")
    try:
        state = events.next_state()
    finally:
        events.close()
    _, lint_out, _ = cli("lint", spec)
    assert [f["text"] for f in state["findings"]] == [
        line for line in lint_out.splitlines() if line.startswith(str(spec))
    ]
    assert len(state["findings"]) > 3
    codes = [f["code"] for f in state["findings"]]
    assert "OG305" in codes and all(re.fullmatch(r"OG\d{3}", c) for c in codes)
    contingency = next(f for f in state["findings"] if f["code"] == "OG305")
    assert contingency["source"] == "  - id: R1"
    status, headers, body = preview.client.request("/_preview/explain/OG305?lang=en")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    _, explained, _ = cli("lint", "--explain", "OG305")
    assert body.decode("utf-8") == explained
    _, explained_zh, _ = cli("lint", "--explain", "OG305", "--lang", "zh-CN")
    assert preview.client.get("/_preview/explain/OG305?lang=zh-CN").decode("utf-8") == explained_zh
    assert preview.client.request("/_preview/explain/OG999")[0] == 404
    # x-lint switches a rule off on the page as in outlookgen lint; the page itself is the same, so it is not
    # reloaded: only the findings change.
    edit(spec, "outlook: 1\n", "outlook: 1\nx-lint: {disable: [OG305]}\n")
    events = preview.client.events("plan")
    try:
        state = events.wait(lambda s: "OG305" not in [f["code"] for f in s["findings"]], "the findings after x-lint")
        assert state["version"] == "1" and "OG304" in [f["code"] for f in state["findings"]]
    finally:
        events.close()


def test_word_markdown_and_pdf_are_built_on_request_and_kept_while_the_inputs_are_the_same(
    previews, tmp_path, monkeypatch
):
    import docx

    from outlookgen.project.preview import outcome

    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    renders: list[str] = []
    real = outcome.render
    monkeypatch.setattr(outcome, "render", lambda spec, fmt, *a: renders.append(fmt) or real(spec, fmt, *a))

    status, headers, body = preview.client.request("/plan.docx")
    assert status == 200
    assert headers["Content-Disposition"].startswith('attachment; filename="plan.docx"')
    import io

    assert docx.Document(io.BytesIO(body)).core_properties.title == "Minimal outlook"
    assert preview.client.get("/plan.docx") == body
    markdown = preview.client.get("/plan.md").decode("utf-8")
    assert markdown.startswith("# Minimal outlook") or "# Minimal outlook" in markdown
    assert renders == ["docx", "md"], "the second Word download came from the cache"

    edit(spec, "Minimal outlook", "Edited outlook")
    assert "# Edited outlook" in preview.client.get("/plan.md").decode("utf-8")
    assert renders[-1] == "md"

    edit(spec, "owner: PM\n", "owner: GHOST\n")
    status, _, body = preview.client.request("/plan.docx")
    assert status == 409
    assert "unknown role 'GHOST'" in body.decode("utf-8")

    edit(spec, "owner: GHOST\n", "owner: PM\n")
    status, headers, body = preview.client.request("/plan.pdf")
    if preview.session.pdf_hint:
        assert status == 409 and "[pdf]" in body.decode("utf-8")
    else:
        assert status == 200 and body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"


def test_the_page_offers_the_pdf_only_when_it_can_be_built(previews, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    events = preview.client.events("plan")
    try:
        state = events.next_state()
    finally:
        events.close()
    assert state["downloads"] == {"docx": "plan.docx", "pdf": None, "md": "plan.md"}
    assert "PDF output needs WeasyPrint" in state["pdf_hint"] and "[pdf]" in state["pdf_hint"]
    status, _, body = preview.client.request("/plan.pdf")
    assert status == 409 and state["pdf_hint"] in body.decode("utf-8")


# --------------------------------------------------------------------------- robustness


def test_a_crash_in_a_render_is_shown_and_the_server_goes_on(previews, tmp_path, monkeypatch):
    import outlookgen.render.html as html

    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    events = preview.client.events("plan")
    real = html.render

    def crashing(document):
        if "Crash me" in str(document.outlook.meta.title):
            raise ZeroDivisionError("division by zero")
        return real(document)

    monkeypatch.setattr(html, "render", crashing)
    try:
        events.next_state()
        edit(spec, "Minimal outlook", "Crash me")
        state = events.wait(lambda s: s["problems"], "the crash on the page")
        assert (
            "unexpected ZeroDivisionError: division by zero; this is a bug in outlookgen"
            in state["problems"][0]["text"]
        )
        assert served_title(preview.client, "plan.html") == "Minimal outlook"
        edit(spec, "Crash me", "After the crash")
        events.wait(lambda s: not s["problems"] and s["version"] == "2", "recovery after the crash")
    finally:
        events.close()


def test_a_request_that_fails_is_a_500_and_the_server_goes_on(previews, tmp_path, monkeypatch):
    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)

    def broken(*_args):
        raise RuntimeError("bug")

    monkeypatch.setattr(preview.session, "summary", broken)
    assert preview.client.request("/_preview/state.json")[0] == 500
    assert preview.client.request("/plan.html")[0] == 200


# --------------------------------------------------------------------------- the command


class Command:
    """``outlookgen preview ARGS`` as a user runs it; stdout and stderr in files."""

    def __init__(self, tmp_path: Path, *args, env: dict | None = None) -> None:
        self.out, self.err = tmp_path / "preview.out", tmp_path / "preview.err"
        environment = dict(
            os.environ, PYTHONPATH=str(ROOT), OUTLOOKGEN_CACHE_DIR=str(tmp_path / "cache"), **(env or {})
        )
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "outlookgen", "preview", *map(str, args)],
                stdout=out,
                stderr=err,
                env=environment,
                cwd=tmp_path,
            )

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def url(self) -> str:
        found = wait_for(
            lambda: re.search(r"http://\S+", self.stdout()) or self.proc.poll() is not None, "the URL printed"
        )
        assert self.proc.poll() is None, self.stderr()
        return found.group(0)

    def client(self) -> Client:
        return Client(int(re.search(r":(\d+)/", self.url()).group(1)))

    def stop(self, sig=signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the preview did not stop") from None


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_command_serves_the_sample_prints_the_url_and_stops_cleanly(tmp_path, sig):
    spec = tmp_path / "bi-platform.en.yaml"
    shutil.copy(BI, spec)
    command = Command(tmp_path, spec, "--no-browser", "--port", "0")
    try:
        client = command.client()
        assert re.search(rb"<title>Northwind Retail BI Platform", client.get("/bi-platform.en.html"))
        assert "previewing 1 outlook at http://127.0.0.1:" in command.stdout()
    finally:
        code = command.stop(sig)
    assert code == 0, command.stderr()
    assert "Traceback" not in command.stderr()
    assert not list(tmp_path.glob("bi-platform.en.html")), "preview writes nothing beside the spec"


def test_without_no_browser_the_default_browser_opens_the_printed_url(tmp_path):
    # Python's webbrowser runs the command in $BROWSER first: this one only notes the URL it is given.
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import pathlib, sys\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n")
    spec = copy_spec(tmp_path / "specs")
    command = Command(tmp_path, spec, "--port", "0", env={"BROWSER": f"{sys.executable} {browser} %s"})
    try:
        url = command.url()
        wait_for(opened.exists, "the browser started")
        assert opened.read_text() == url
        assert url.endswith("/plan.html")
    finally:
        assert command.stop() == 0


def test_a_taken_port_picks_a_free_one_and_says_which(tmp_path):
    spec = copy_spec(tmp_path / "specs")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = Command(tmp_path, spec, "--no-browser", "--port", port)
        try:
            client = command.client()
            assert client.port != port
            assert f"port {port} is taken; serving on port {client.port} instead" in command.stdout()
            assert client.get("/plan.html")
        finally:
            assert command.stop() == 0


def test_a_host_other_than_loopback_is_served_with_a_warning(tmp_path):
    spec = copy_spec(tmp_path / "specs")
    command = Command(tmp_path, spec, "--no-browser", "--port", "0", "--host", "0.0.0.0")
    try:
        client = command.client()
        assert client.get("/plan.html")
        wait_for(lambda: "warning" in command.stderr(), "the warning")
        assert "outlookgen: warning: serving on 0.0.0.0, which other machines can reach" in command.stderr()
        # Still no name but the machine's own: an IP literal, localhost, the host name.
        assert client.request("/plan.html", host_header=f"evil.example:{client.port}")[0] == 403
        assert client.request("/plan.html", host_header=f"192.0.2.7:{client.port}")[0] == 200
    finally:
        assert command.stop() == 0


def test_command_line_mistakes_stop_before_serving(tmp_path, cli):
    spec = copy_spec(tmp_path / "specs")
    code, _, err = cli("preview", spec, "-t", "no-such-pack", "--no-browser", "--port", "0")
    assert code == 1 and "no-such-pack" in err and "Traceback" not in err
    code, _, err = cli("preview", "--no-browser", cwd=tmp_path)
    assert code == 2 and "no SPEC given" in err
    code, _, err = cli("preview", tmp_path / "not-there.yaml", "--no-browser", "--port", "0")
    assert code == 1 and "not-there.yaml: no such file" in err
    code, _, err = cli("preview", spec, "--port", "70000")
    assert code == 2


def test_without_watchfiles_the_command_says_how_to_install_it(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "watchfiles.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "preview", str(MINIMAL), "--no-browser"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "pip install 'outlookgen[watch]'" in proc.stderr
    assert "Traceback" not in proc.stderr
