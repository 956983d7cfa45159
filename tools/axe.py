"""axe-core (npm ``axe-core``) run on HTML files in the system Chromium, through ``tools/cdp.py``.

The accessibility interop test and a developer's look at a page use the same
run: the page at a width (results depend on it: overflow makes scroll
regions) or in print media, axe injected from ``node_modules``, and only the
WCAG 2.0/2.1 A and AA rules plus axe's best practices.

    python -m tools.axe out/*.html             # 1280 px, 375 px and print; every violation
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
# (name, width, media): a desktop, a phone (reflow, WCAG 1.4.10) and paper.
VIEWS = (("1280", 1280, ""), ("375", 375, ""), ("print", 1280, "print"))

_RUN = (
    "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
    ".then(r => JSON.stringify(r.violations))"
)


def axe_violations(browser, path: Path, width: int = 1280, media: str = "", source: str | None = None) -> list[dict]:
    """axe's violations on one file (a fresh tab of ``browser``, a ``tools.cdp.Chromium``)."""
    source = source if source is not None else AXE_JS.read_text(encoding="utf-8")
    page = browser.open(Path(path).resolve().as_uri(), width=width, height=720)
    try:
        if media:
            page.send("Emulation.setEmulatedMedia", {"media": media})
        page.send("Runtime.evaluate", {"expression": source, "returnByValue": True})
        reply = page.send(
            "Runtime.evaluate",
            {"expression": _RUN % json.dumps(list(TAGS)), "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"axe failed on {path}: {reply['exceptionDetails']}")
        return json.loads(reply["result"]["value"])
    finally:
        page.close()


def describe(violations: list[dict], limit: int = 8) -> str:
    """One line per failing element: rule, impact, selector, and for contrast the colours and ratio."""
    lines = []
    for v in violations:
        for node in v["nodes"][:limit]:
            data = next((c.get("data") for c in node["any"] if c["id"] == "color-contrast"), None) or {}
            extra = f" {data.get('fgColor')} on {data.get('bgColor')} = {data.get('contrastRatio')}" if data else ""
            lines.append(f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))}{extra}")
        if len(v["nodes"]) > limit:
            lines.append(f"{v['id']}: … {len(v['nodes']) - limit} more")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    from tools.cdp import Chromium

    source = AXE_JS.read_text(encoding="utf-8")
    failed = 0
    with Chromium() as browser:
        for name in argv:
            for view, width, media in VIEWS:
                violations = axe_violations(browser, Path(name), width, media, source)
                count = sum(len(v["nodes"]) for v in violations)
                print(f"{name} [{view}]: {len(violations)} rules, {count} elements")
                if violations:
                    failed += 1
                    print(describe(violations))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
