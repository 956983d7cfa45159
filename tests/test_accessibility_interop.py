"""The HTML page as an accessibility office checks it: axe-core in Chromium finds no WCAG 2.1 A/AA violation.

Every sample, in both locales, with each built-in pack and the Acme sample
pack, at a desktop width, a phone width (reflow) and in print media; plus the
spec that uses every key (status view, baseline, actuals) with the plan
quality appendix. axe's "needs review" results are not failures (axe cannot
judge text over SVG shapes); its violations are.

The Markdown is held to markdownlint's heading, image and table rules with every pack.

Needs Chromium and the npm packages axe-core and markdownlint-cli2 (.ci/run installs them):
skipped locally when one is missing, a failure in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE_FILES, require_tool

from outlookgen.model import build_outlook
from outlookgen.project.build import BuildOptions, build
from outlookgen.spec.validate import load_valid
from tools.axe import AXE_JS, VIEWS, axe_violations, describe

pytestmark = pytest.mark.interop

PACKS = {"default": "default", "executive": "executive", "acme": str(ROOT / "samples" / "packs" / "acme")}
EVERY_KEY = ROOT / "tests" / "specs" / "valid" / "every-key.yaml"
# (pack, locale or None for the spec's own, spec)
PAGES = [(pack, locale, spec) for pack in PACKS for locale in ("en", "zh-CN") for spec in SAMPLE_FILES]


PORTFOLIOS = [("default", "en"), ("executive", "zh-CN")]


def _page_id(page) -> str:
    pack, locale, spec = page
    return f"{pack}-{locale}-{spec.stem}"


@pytest.fixture(scope="module")
def chromium():
    from tools.cdp import Chromium

    executable = require_tool("chromium")
    if not AXE_JS.is_file():
        message = "node_modules/axe-core is missing (npm ci installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with Chromium(executable, timeout=120) as browser:
        yield browser, AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("a11y")
    built = {}
    for pack, locale, spec in PAGES:
        folder = out / f"{pack}-{locale}"
        build([spec], BuildOptions(formats=("html",), output_dir=folder, pack=PACKS[pack], locale=locale, jobs=1))
        built[(pack, locale, spec)] = folder / (spec.stem + ".html")
    folder = out / "every-key"
    build([EVERY_KEY], BuildOptions(formats=("html",), output_dir=folder, lint_appendix=True, jobs=1))
    built["every-key"] = folder / (EVERY_KEY.stem + ".html")
    project = out / "pmo"  # the PMO's roll-up of both samples: a page of wide tables
    (project / "plans").mkdir(parents=True)
    for spec in SAMPLE_FILES:
        (project / "plans" / spec.name).write_bytes(spec.read_bytes())
    (project / "outlookgen.yaml").write_text(
        'specs: ["plans/*.yaml"]\nportfolio: {currency: USD, rates: {CNY: 0.14}}\n', encoding="utf-8"
    )
    for pack, locale in PORTFOLIOS:
        folder = out / f"portfolio-{pack}-{locale}"
        args = ["portfolio", "-f", "html", "-o", str(folder), "-t", PACKS[pack], "--locale", locale, "-q"]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        done = subprocess.run(
            [sys.executable, "-m", "outlookgen", *args], cwd=project, capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, done.stderr
        built[f"portfolio-{pack}-{locale}"] = folder / "portfolio.html"
    return built


@pytest.mark.browser
@pytest.mark.parametrize("view", VIEWS, ids=[v[0] for v in VIEWS])
@pytest.mark.parametrize(
    "page",
    [*PAGES, "every-key", *(f"portfolio-{pack}-{locale}" for pack, locale in PORTFOLIOS)],
    ids=lambda p: p if isinstance(p, str) else _page_id(p),
)
def test_axe_finds_no_violation(chromium, pages, page, view):
    browser, source = chromium
    _, width, media = view
    violations = axe_violations(browser, pages[page], width, media, source)
    assert not violations, describe(violations)


def test_markdown_headings_never_skip_and_images_and_tables_are_labelled(tmp_path):
    """markdownlint with the project's settings (every default rule: MD001 heading levels, MD045 image alt
    text, MD055/MD056 table rows) on every pack's Markdown, the plan quality appendix included."""
    tool = require_tool("markdownlint-cli2")
    files = []
    for name, pack in PACKS.items():
        out = tmp_path / name
        build([*SAMPLE_FILES, EVERY_KEY], BuildOptions(formats=("md",), output_dir=out, pack=pack, lint_appendix=True))
        files += sorted(str(p) for p in out.glob("*.md"))
    config = ROOT / "tests" / "interop" / "markdownlint.jsonc"
    proc = subprocess.run([tool, "--config", str(config), *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.browser
def test_keyboard_reaches_the_skip_link_first_and_the_gantt_data_table(chromium, pages):
    browser, _ = chromium
    page = browser.open(pages[("default", "en", SAMPLE_FILES[0])].as_uri())
    try:
        tab = {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}
        page.send("Input.dispatchKeyEvent", {"type": "keyDown", **tab})
        page.send("Input.dispatchKeyEvent", {"type": "keyUp", **tab})
        focused = "document.activeElement"
        assert page.evaluate(f"{focused}.className") == "skip-link"
        assert page.evaluate(f"{focused}.getBoundingClientRect().top >= 0"), "the focused skip link is on screen"
        assert page.evaluate(f"getComputedStyle({focused}).outlineStyle") == "solid", "a visible focus ring"
        assert page.evaluate(f"{focused}.getAttribute('href')") == "#main"
        # Before the chart, a link to the same plan as a table: every task a row, in the page's tab order.
        link = "document.querySelector('#sec-gantt-section a[href=\"#sec-tasks\"]')"
        assert page.evaluate(f"{link} !== null && {link}.tabIndex === 0")
        rows = "document.querySelectorAll('#sec-tasks ~ .table-wrap table.tasks tbody tr[id]')"
        listed = page.evaluate(f"[...{rows}].map(r => r.id.slice(5))")
        outlook = build_outlook(load_valid(SAMPLE_FILES[0]).data)
        assert listed == [t.id for p in outlook.roadmap.phases for t in p.tasks]
    finally:
        page.close()
