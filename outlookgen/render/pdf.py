"""PDF output: the HTML page printed by WeasyPrint (the optional extra ``outlookgen[pdf]``).

The PDF is the HTML output on paper, so there is one layout to maintain: the
pack's print CSS (``@page`` A4, margin boxes with the confidentiality notice,
a landscape page for the Gantt chart) decides how it looks. WeasyPrint is
imported here only, when a PDF is asked for. Nothing is fetched: the page is
self-contained, and any URL other than ``data:`` is refused.

Determinism: WeasyPrint writes no creation time unless the document asks for
one, and its font subsets and object order are stable, so the same page gives
the same bytes (tests check it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outlookgen.errors import FeatureUnavailable
from outlookgen.render.context import Document


def install_hint(package_dir: Path | None = None, direct_url: str | None = None) -> str:
    """How to get WeasyPrint, worded for how this copy of outlookgen was installed.

    Someone working in a clone has no use for ``pip install 'outlookgen[pdf]'``
    (it would fetch another copy, if the index has one): outlookgen running
    from a source checkout (``setup.cfg`` beside the package, as with ``pip
    install -e .``) says ``pip install -e '.[pdf]'`` there; one installed from
    a local folder (pip's ``direct_url.json`` names a ``file:`` url) says
    ``pip install '.[pdf]'`` there; anything else names the package.
    """
    package_dir = package_dir or Path(__file__).resolve().parents[1]
    if direct_url is None:
        direct_url = _direct_url()
    checkout = package_dir.parent
    if (checkout / "setup.cfg").is_file():
        command = f"pip install -e '.[pdf]' in {checkout}"
    else:
        folder = _local_folder(direct_url)
        command = f"pip install '.[pdf]' in {folder}" if folder else "pip install 'outlookgen[pdf]'"
    return f"PDF output needs WeasyPrint: {command} (and Pango, e.g. apt-get install libpango-1.0-0)"


def _direct_url() -> str:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return distribution("outlookgen").read_text("direct_url.json") or ""
    except (PackageNotFoundError, OSError):
        return ""


def _local_folder(direct_url: str) -> str | None:
    """The folder pip installed outlookgen from (PEP 610 ``direct_url.json``), when it was a local one."""
    import json
    from urllib.parse import unquote, urlparse

    try:
        url = json.loads(direct_url).get("url", "") if direct_url else ""
    except (ValueError, AttributeError):
        return None
    parsed = urlparse(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme != "file" or url.endswith((".whl", ".tar.gz", ".zip")):
        return None
    return unquote(parsed.path)


def require_weasyprint() -> Any:
    """The weasyprint module, or FeatureUnavailable saying how to get it."""
    try:
        import weasyprint
    except ImportError:
        raise FeatureUnavailable(install_hint()) from None
    except OSError as exc:  # the module is there but Pango or another system library is not
        raise FeatureUnavailable(f"{install_hint()}; loading it failed: {exc}") from None
    return weasyprint


def _data_only_fetcher() -> Any:
    """A URL fetcher that serves ``data:`` URLs and refuses everything else."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # recent WeasyPrint: a fetcher object with a protocol allow-list
        return urls.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith("data:"):
            return urls.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"outlookgen fetches nothing: {url[:80]}")

    return fetch


def html_to_pdf(page: str) -> bytes:
    """One HTML page as PDF bytes."""
    weasyprint = require_weasyprint()
    document = weasyprint.HTML(string=page, url_fetcher=_data_only_fetcher(), base_url=None)
    # Tagged PDF (PDF/UA-1): headings, lists and tables in the structure tree a screen reader walks, the
    # title shown, the language set. The one tagging switch every WeasyPrint from 63 on has (63 ignores
    # pdf_tags=True); it stays deterministic.
    return document.write_pdf(pdf_variant="pdf/ua-1")


def preflight() -> None:
    require_weasyprint()  # FeatureUnavailable before any spec is read when the extra is missing


def render(doc: Document) -> bytes:
    from outlookgen.render.html import page

    return html_to_pdf(page(doc))
