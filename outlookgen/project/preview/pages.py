"""What the preview adds to the pages it serves (the client script and the headers that confine it), and the
few pages it makes itself: the index of several outlooks and the stand-in for a spec that has never built.

The outlook page on disk is exactly what ``outlookgen build -f html`` writes;
the script goes in only on the way out. It is the one script a served page
may run: the Content-Security-Policy names it by its SHA-256, lets the page
connect to nothing but this server and load nothing from anywhere.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from html import escape
from importlib import resources

from outlookgen.project.preview.session import Entry


@lru_cache(maxsize=1)
def client_script() -> str:
    """The injected script, as shipped beside this module."""
    return resources.files("outlookgen.project.preview").joinpath("client.js").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def content_security_policy() -> str:
    digest = base64.b64encode(hashlib.sha256(client_script().encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def script_tag(stem: str, version: str) -> bytes:
    # The page and version ride in data- attributes, so the script's text (and its hash) never changes.
    return (
        f'<script data-og-page="{escape(stem)}" data-og-version="{escape(version)}">{client_script()}</script>\n'
    ).encode()


def inject(page: bytes, stem: str, version: str) -> bytes:
    """``page`` with the client script just before its last ``</body>`` (at its end when there is none)."""
    tag = script_tag(stem, version)
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + tag
    return page[:at] + tag + page[at:]


_INDEX_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1f2933; }
h1 { font-size: 1.5rem; }
ul { list-style: none; padding: 0; }
li { padding: .6rem 0; border-bottom: 1px solid #e4e7eb; }
a { font-weight: 600; }
code { color: #52606d; font-size: .85em; }
.bad { color: #b71c1c; }
.note { color: #7b8794; }
"""


def index_page(entries: list[Entry], version: str) -> bytes:
    """The list of previewed outlooks (several specs, or a project), each with what is wrong with it."""
    items = []
    for entry in entries:
        title = escape(entry.title or entry.spec.name)
        state = []
        if entry.problems:
            state.append(f'<span class="bad">{len(entry.problems)} error(s)</span>')
        if entry.findings:
            state.append(f'<span class="note">{len(entry.findings)} lint finding(s)</span>')
        items.append(
            f'<li><a href="/{escape(_url(entry.page))}">{title}</a> <code>{escape(str(entry.spec))}</code> '
            + " · ".join(state)
            + "</li>"
        )
    body = "\n".join(items)
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>outlookgen preview</title>\n<style>{_INDEX_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>outlookgen preview: {len(entries)} outlooks</h1>\n<ul>\n{body}\n</ul>\n</body>\n</html>\n"
    )
    return inject(html.encode("utf-8"), "", version)


def waiting_page(entry: Entry) -> bytes:
    """The stand-in for a spec that has not built once: the client shows its errors over it."""
    name = escape(str(entry.spec))
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{name} · outlookgen preview</title>\n</head>\n<body>\n"
        f'<p style="font: 15px system-ui, sans-serif; margin: 40vh 2rem 0; color: #52606d">{name}</p>\n'
        "</body>\n</html>\n"
    )
    return inject(html.encode("utf-8"), entry.stem, "0")


def _url(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
