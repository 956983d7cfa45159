"""The portfolio document in every format: the pack's ``portfolio.<fmt>.j2`` templates over one prepared context.

Each format reuses its outlook writer: Markdown the same filters and
escaping, HTML :func:`outlookgen.render.html.standalone_page` (stylesheet,
brand, table of contents), Word the block-markup writer on the pack's
reference document, PDF the HTML page printed. Charts are drawn here once
per format: an SVG timeline for HTML/PDF, a Mermaid one for Markdown; the
Word template lays the same timeline out as a shaded table.
"""

from __future__ import annotations

from markupsafe import Markup

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.packs import environment
from outlookgen.packs.labels import fill
from outlookgen.render.portfolio.context import Heading, PortfolioDocument, prepare

__all__ = ["FORMATS", "Heading", "PortfolioDocument", "prepare", "render"]

FORMATS = ("md", "html", "docx", "pdf")


def template_name(fmt: str) -> str:
    return f"portfolio.{fmt}.j2"


def render(doc: PortfolioDocument, fmt: str) -> bytes:
    """The portfolio document in ``fmt`` (md, html, docx or pdf)."""
    if fmt == "md":
        return _markdown(doc).encode("utf-8")
    if fmt == "html":
        return _html(doc).encode("utf-8")
    if fmt == "pdf":
        from outlookgen.render.pdf import html_to_pdf

        return html_to_pdf(_html(doc))
    if fmt == "docx":
        return _docx(doc)
    raise ValueError(fmt)


# --------------------------------------------------------------------------- Markdown


def _markdown(doc: PortfolioDocument) -> str:
    # the outlook's Markdown rules: every value escaped, blank lines as markdownlint wants them
    from outlookgen.render.markdown import FILTERS, finalize, tidy
    from outlookgen.render.portfolio.mermaid import timeline

    chart, left_out = timeline(dict(doc.context), dict(doc.labels))
    rows = len(doc.context["portfolio"]["timeline"]["rows"])
    note = fill(doc.labels["portfolio"]["chart_left_out"], shown=rows - left_out) if left_out else ""
    context = {**doc.context, "timeline_mermaid": Markup(chart), "timeline_note": note}
    env = environment.make_environment(doc.pack, "md", filters=FILTERS, finalize=finalize)
    return tidy(environment.render(env, template_name("md"), context, doc.pack))


# --------------------------------------------------------------------------- HTML


def _html(doc: PortfolioDocument) -> str:
    from outlookgen.packs.brand import load_brand
    from outlookgen.render.html import standalone_page
    from outlookgen.render.portfolio.svg import timeline_svg

    brand = load_brand(doc.pack)
    timeline = doc.context["portfolio"]["timeline"]
    context = {
        **doc.context,
        "html": {"timeline": timeline_svg(dict(timeline), doc.as_of, brand, dict(doc.labels))},
    }
    return standalone_page(template_name("html"), context, doc.pack, doc.labels, doc.locale)


# --------------------------------------------------------------------------- Word


def _docx(doc: PortfolioDocument) -> bytes:
    from outlookgen.render.docx import blocks, write_document

    env = environment.make_environment(doc.pack, "docx", filters=blocks.FILTERS, finalize=blocks.finalize)
    name = template_name("docx")
    text = environment.render(env, name, doc.context, doc.pack)
    try:
        root = blocks.parse(text)
    except blocks.MarkupError as exc:
        raise TemplateError(
            diagnostics=[
                Diagnostic(
                    f"{doc.pack.name}/docx/{name}",
                    1,
                    1,
                    "$",
                    f"the template's output is not well-formed block markup at output line {exc.line}: {exc} "
                    f"(near: {exc.excerpt})",
                )
            ]
        ) from None
    return write_document(root, doc)
