"""The preview in a real browser: Chromium (driven over its DevTools pipe) repaints on save, shows errors, hides them.

Skipped when no Chromium is installed here; in CI (.ci/run installs Debian's
chromium) a missing browser fails instead. The test never reloads the page
itself: every repaint comes from the page's own event stream.
"""

from __future__ import annotations

import shutil

import pytest
import test_preview
from conftest import SAMPLES, require_tool
from test_preview import copy_spec, edit

pytestmark = pytest.mark.browser
pytest.importorskip("watchfiles")

previews = test_preview.previews  # the fixture that starts previews in this process
# The bound for a save to show in the open page (a working preview takes a few hundred ms;
# bench/preview.py measures it).
REPAINT_SECONDS = 2.0
OVERLAY = "document.querySelector('outlookgen-preview').shadowRoot.querySelector('.errors')"
PANEL = "document.querySelector('outlookgen-preview').shadowRoot.querySelector('.findings')"


@pytest.fixture(scope="module")
def chromium():
    from tools.cdp import Chromium

    with Chromium(require_tool("chromium")) as browser:
        yield browser


def _title_is(title: str) -> str:
    return f"document.title === {title!r}"


def test_a_save_repaints_the_open_page_and_a_broken_save_shows_its_error_until_fixed(chromium, previews, tmp_path):
    spec = tmp_path / "bi-platform.en.yaml"
    shutil.copy(SAMPLES / "bi-platform.en.yaml", spec)
    preview = previews(spec)
    page = chromium.open(preview.url)
    try:
        old_title = "Northwind Retail BI Platform — Implementation Work Outlook"
        assert page.evaluate("document.title") == old_title
        assert page.evaluate(f"{OVERLAY}.hidden") is True
        page.evaluate("window.scrollTo(0, 2400)")

        edit(spec, "title: Northwind Retail BI Platform", "title: Contoso Retail BI Platform")
        page.wait_for(_title_is(old_title.replace("Northwind", "Contoso")), timeout=REPAINT_SECONDS)
        page.wait_for("document.readyState === 'complete'")
        assert page.evaluate("document.querySelector('h1').textContent").startswith("Contoso Retail BI Platform")
        assert abs(page.evaluate("window.scrollY") - 2400) <= 1, "the scroll position is kept across the repaint"

        edit(spec, "    owner: bi-lead\n", "    owner: bi-leadd\n")
        page.wait_for(f"{OVERLAY}.hidden === false", timeout=10)
        overlay = page.evaluate(f"{OVERLAY}.innerText")
        [error] = preview.log["errors"][-1].diagnostics
        assert error.format() in overlay  # the terminal's line, as it is
        assert "unknown role 'bi-leadd'" in overlay
        assert "81 |     owner: bi-leadd" in overlay  # with the source line it points at
        assert page.evaluate("document.title").startswith("Contoso"), "the last good page stays"

        edit(spec, "    owner: bi-leadd\n", "    owner: bi-lead\n")
        page.wait_for(f"{OVERLAY}.hidden === true", timeout=10)
        assert page.evaluate(f"{OVERLAY}.innerText") == ""
    finally:
        page.close()


def test_the_page_lists_lint_findings_and_links_the_other_formats(chromium, previews, tmp_path):
    spec = copy_spec(tmp_path / "specs")
    preview = previews(spec)
    page = chromium.open(preview.url)
    try:
        page.wait_for(f"{PANEL}.hidden === false")
        summary = page.evaluate(f"{PANEL}.querySelector('summary').textContent")
        assert summary == f"Plan quality: {len(preview.session.entry('plan').findings)}"
        links = page.evaluate(f"[...{PANEL}.querySelectorAll('a')].map(a => a.getAttribute('href'))")
        assert "/_preview/explain/OG305?lang=en" in links
        downloads = page.evaluate(
            "[...document.querySelector('outlookgen-preview').shadowRoot.querySelectorAll('.links a')]"
            ".map(a => [a.textContent, a.getAttribute('href')])"
        )
        assert downloads[0] == ["Word", "/plan.docx"] and downloads[-1] == ["Markdown", "/plan.md"]
        # The page runs the preview's script and nothing else may load: no violation was reported.
        assert page.evaluate("document.querySelectorAll('script').length") == 1
    finally:
        page.close()


def test_a_chinese_outlook_gets_the_preview_in_chinese(chromium, previews, tmp_path):
    spec = tmp_path / "erp-manufacturing.zh-CN.yaml"
    shutil.copy(SAMPLES / "erp-manufacturing.zh-CN.yaml", spec)
    preview = previews(spec)
    page = chromium.open(preview.url)
    try:
        page.wait_for(
            "document.querySelector('outlookgen-preview').shadowRoot.querySelector('.status')"
            ".textContent === '实时预览'"
        )
        text = spec.read_text(encoding="utf-8")
        spec.write_text(text.replace("outlook: 1\n", "outlook: 1\nbogus_key: 1\n", 1), encoding="utf-8")
        page.wait_for(f"{OVERLAY}.hidden === false", timeout=10)
        assert page.evaluate(f"{OVERLAY}.querySelector('h2').textContent") == "1 个错误"
    finally:
        page.close()
