"""Make the README's screenshot of ``outlookgen preview``: a sample with a broken save, its error over the page.

    python tools/preview_screenshot.py [docs/img/preview-error.png]

Runs the preview on a copy of samples/bi-platform.en.yaml, opens it in
headless Chromium (tools/cdp.py), scrolls to the plan, saves a mistake into
the spec and takes the picture once the page shows the error.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.preview import start_preview  # noqa: E402
from tools.cdp import Chromium  # noqa: E402

OVERLAY = "document.querySelector('outlookgen-preview').shadowRoot.querySelector('.errors')"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img" / "preview-error.png"
    workdir = Path(tempfile.mkdtemp(prefix="outlookgen-screenshot-"))
    spec = workdir / "bi-platform.en.yaml"
    shutil.copy(ROOT / "samples" / "bi-platform.en.yaml", spec)
    proc, url = start_preview(spec, workdir)
    try:
        with Chromium() as browser:
            page = browser.open(url, width=1280, height=800)
            page.evaluate("window.scrollTo(0, document.getElementById('sec-gantt').offsetTop - 260)")
            text = spec.read_text(encoding="utf-8")
            # A task's owner misspelt, as happens while typing: the second "owner: bi-lead" is a task's.
            first = text.index("owner: bi-lead")
            at = text.index("owner: bi-lead", first + 1)
            spec.write_text(text[:at] + "owner: bi-leed" + text[at + len("owner: bi-lead") :], encoding="utf-8")
            page.wait_for(f"{OVERLAY}.hidden === false", timeout=30)
            page.screenshot(target)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
