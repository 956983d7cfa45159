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

from typing import Any

from outlookgen.errors import FeatureUnavailable
from outlookgen.render.context import Document

INSTALL_HINT = (
    "PDF output needs WeasyPrint: pip install 'outlookgen[pdf]' (and Pango, e.g. apt-get install libpango-1.0-0)"
)


def require_weasyprint() -> Any:
    """The weasyprint module, or FeatureUnavailable saying how to get it."""
    try:
        import weasyprint
    except ImportError:
        raise FeatureUnavailable(INSTALL_HINT) from None
    except OSError as exc:  # the module is there but Pango or another system library is not
        raise FeatureUnavailable(f"{INSTALL_HINT}; loading it failed: {exc}") from None
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
    return document.write_pdf()


def preflight() -> None:
    require_weasyprint()  # FeatureUnavailable before any spec is read when the extra is missing


def render(doc: Document) -> bytes:
    from outlookgen.render.html import page

    return html_to_pdf(page(doc))
