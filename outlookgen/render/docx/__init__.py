"""Word output: the pack's ``docx/`` template renders block markup, one writer puts it on reference.docx.

Pipeline (docs/word.md): Jinja (sandboxed, the same context as every format)
renders ``docx/outlook.docx.j2`` into block markup (:mod:`.blocks`); the
writer (:mod:`.writer`) maps it onto the pack's ``docx/reference.docx``
(opened by :mod:`.opc`), whose styles, page setup, header and footer it
keeps; fonts and the language tag go into the styles (:mod:`.styles`); the
package's parts are written as a deterministic zip (:mod:`.package`).
lxml is imported here only, never by ``validate``; python-docx only to put a
logo in (it reads the image's size and resolution).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.fields_repr import fields_repr
from outlookgen.packs import Pack
from outlookgen.render.context import Document
from outlookgen.source_date import source_date

TEMPLATE = "outlook.docx.j2"
REFERENCE = "reference.docx"
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/bmp")


@dataclass(frozen=True, repr=False)
class ReferenceDocument:
    """The reference document the writer may open, and where along the chain it came from."""

    package: bytes
    depth: int  # index in pack.chain() of the pack that holds it (0: the pack itself)
    shown: str  # how error lines name it: "<pack>/docx/reference.docx"

    __repr__ = fields_repr


def reference_document(pack: Pack) -> ReferenceDocument:
    """The first ``docx/reference.docx`` (or ``.dotx``) along the pack chain, as the writer may open it.

    A firm's pack replaces the default's. The file comes from whoever wrote
    the pack, so the writer never opens it: :mod:`outlookgen.packs.reference_docx`
    checks it (the same check ``outlookgen templates check`` runs) and hands
    back a package of the parts it vouches for, a Word template turned into a
    document; :mod:`outlookgen.packs.reference_store` keeps that package for
    the file's next build.
    """
    from outlookgen.packs.files import display_path
    from outlookgen.packs.reference_store import find_reference, safe_package

    for depth, p in enumerate(pack.chain()):
        candidate = find_reference(p)
        if candidate is not None:
            shown = display_path(candidate)  # a path the user can open, whatever the pack is named
            return ReferenceDocument(safe_package(candidate, shown), depth, shown)
    raise TemplateError(f"template pack '{pack.name}' has no docx/{REFERENCE}")


def reference_package(pack: Pack) -> bytes:
    """The bytes of :func:`reference_document` (what the writer opens)."""
    return reference_document(pack).package


@cache
def built_in_parts():
    """The built-in reference's ``w:styles`` and ``w:numbering``: the models of styles a firm's file lacks."""
    import zipfile

    from lxml import etree

    from outlookgen.packs import resolve_pack

    with zipfile.ZipFile(io.BytesIO(reference_package(resolve_pack("default")))) as archive:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return (
            etree.fromstring(archive.read("word/styles.xml"), parser),
            etree.fromstring(archive.read("word/numbering.xml"), parser),
        )


def timestamp(meta_date) -> datetime:
    """created/modified: ``SOURCE_DATE_EPOCH`` when set, else midnight UTC of ``meta.date``."""
    epoch = source_date()  # the one reader: a malformed value is the same error in every command
    if epoch is not None:
        return epoch
    if meta_date is None:
        return datetime(1980, 1, 1)
    return datetime(meta_date.year, meta_date.month, meta_date.day)


_ENVIRONMENTS: dict[tuple, Any] = {}


def _environment(pack: Pack):
    """The pack's docx Jinja environment, kept per process: compiling the template is most of a small build."""
    from outlookgen.packs import environment
    from outlookgen.render.docx import blocks

    # Keyed on the template files' identity too, so an edited template is never served stale.
    key = tuple(
        (str(f), f.stat().st_mtime_ns, f.stat().st_size)
        for d in pack.template_dirs("docx")
        for f in sorted(d.glob("*.j2"))
    ) + tuple(str(p.root.resolve()) for p in pack.chain())
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = _ENVIRONMENTS[key] = environment.make_environment(
            pack, "docx", filters=blocks.FILTERS, finalize=blocks.finalize
        )
    return env


def render(doc: Document) -> bytes:
    """The .docx bytes."""
    return from_markup(markup(doc), doc)


# With a CPU spare, Word's output is made in two halves (project/pipeline.py): the block
# markup in a forked child, while this process loads what the writer needs (get_ready).


def markup(doc: Document) -> str:
    """The block markup the pack's ``docx/`` template makes of the document (the first half of :func:`render`)."""
    from outlookgen.packs import environment

    pack = doc.pack
    return environment.render(_environment(pack), TEMPLATE, doc.context, pack)


def get_ready(doc: Document):
    """What :func:`from_markup` needs before the markup: the reference document opened and restyled, its writer.

    The writer makes the Gantt chart too, which depends on the document
    alone: all this is done while a forked child makes the markup.
    None when that fails: :func:`from_markup` then does it again in its
    place, after the markup is parsed, so errors come in the order a plain
    :func:`render` gives them.
    """
    try:
        document, writer = _writer_on_reference(doc)
    except Exception:  # whatever it is, from_markup meets it again in its place
        return None
    writer.gantt_ahead()
    return document, writer


def from_markup(text: str, doc: Document, ready=None) -> bytes:
    """The .docx bytes of block markup :func:`markup` made (the second half of :func:`render`).

    ``ready``: what :func:`get_ready` made for this document, if anything.
    """
    from outlookgen.render.docx import blocks

    pack = doc.pack
    try:
        root = blocks.parse(text)
    except blocks.MarkupError as exc:
        raise TemplateError(
            diagnostics=[
                Diagnostic(
                    f"{pack.name}/docx/{TEMPLATE}",
                    1,
                    1,
                    "$",
                    f"the template's output is not well-formed block markup at output line {exc.line}: {exc} "
                    f"(near: {exc.excerpt})",
                )
            ]
        ) from None
    return write_document(root, doc, ready)


def write_document(root, doc: Document, ready=None) -> bytes:
    """The block markup ``root`` written onto the pack's reference package (opened by ``ready``, or here)."""
    from outlookgen.render.docx import trace
    from outlookgen.render.docx.package import write_zip

    package, writer = ready or _writer_on_reference(doc)
    source = getattr(doc, "source", None)  # which spec the text came from; a portfolio has none
    if source is None:
        trace.drop_pointers(root)
    writer.write(root)
    if source is not None:
        package.set_custom_properties(trace.custom_properties_xml(source, writer.bookmarks.names))
    when = timestamp(doc.outlook.meta.date)
    package.set_core_properties(_core_properties(doc.context["meta"], doc.labels, doc.locale, when))
    entries = package.entries(written={package.document: writer.document_xml})
    return write_zip(entries, when)


def _writer_on_reference(doc: Document):
    """(package, Writer): the pack's reference opened, restyled and laid out, ready for the outlook."""
    from outlookgen.packs.brand import load_brand
    from outlookgen.render.docx import derived, opc, styles
    from outlookgen.render.docx.layout import Layout
    from outlookgen.render.docx.writer import Writer, page_geometry

    pack, locale, labels, context = doc.pack, doc.locale, doc.labels, doc.context
    reference = reference_document(pack)
    package = opc.Package.open(reference.package)
    brand = load_brand(pack)
    styles_element = package.styles().element
    # The pack's colours and fonts restyle the reference only where the pack that holds it (or a
    # nearer one) sets them; styles the file lacks are derived from its own (derived.py).
    styles.apply_palette(styles_element, brand, reference.depth)
    width, _, margins = page_geometry(package.body.find(styles.W + "sectPr"))
    firm = derived.Firm(derived.firm_colours(styles_element, brand, reference.depth), width - sum(margins))
    derived.add_missing(package, built_in_parts, firm)
    style_map = styles.StyleMap.from_styles(styles_element, pack.name)
    fonts = styles.pack_fonts(pack, reference.depth)
    styles.apply_fonts(styles_element, fonts, style_map.id("character", "Inline Code"))
    styles.apply_language(styles_element, package.settings().element, locale)
    styles.update_font_table(package, fonts)
    layout = Layout(package, reference.shown)
    layout.ensure_page_numbers()
    layout.fill(context)  # before the outlook goes in: spec text is never read for placeholders
    writer = Writer(
        package,
        style_map,
        styles.Palette(brand),
        labels,
        context,
        fonts,
        _logo_bytes(brand.logo),
        layout=layout,
    )
    return package, writer


def _logo_bytes(data_uri: str | None) -> bytes | None:
    """The logo for Word: PNG, JPEG, GIF or BMP (Word cannot take the SVG or WebP a browser can)."""
    if not data_uri or not data_uri.startswith("data:"):
        return None
    head, _, payload = data_uri.partition(",")
    mime = head[5:].split(";")[0]
    if mime not in _IMAGE_TYPES:
        return None
    return base64.b64decode(payload)


def _plain(value: Any) -> str:
    from outlookgen.render.docx.layout import plain

    return plain(value) if value else ""


def _core_properties(meta: dict[str, Any], labels: dict[str, Any], locale: str, when: datetime) -> dict[str, Any]:
    """``docProps/core.xml``'s properties, in the order they are set (a new element goes last)."""
    authors = [_plain(p["name"]) for p in meta["prepared_by"]]
    keywords = [str(k) for k in labels.get("docx", {}).get("keywords", [])]
    # Word's own limit for each: 255 characters.
    return {
        "dc:title": _plain(meta["title"])[:255],
        "dc:subject": (_plain(meta["subtitle"]) or _plain(meta["organization"]))[:255],
        "dc:creator": ("; ".join(authors) or _plain(meta["organization"]))[:255],
        "cp:lastModifiedBy": (authors[0] if authors else _plain(meta["organization"]))[:255],
        "cp:keywords": "; ".join([*keywords, _plain(meta["organization"])])[:255],
        "cp:category": _plain(meta["status_text"])[:255],
        "cp:version": _plain(meta["version"])[:255],
        "dc:language": locale,
        "dc:description": "",
        "cp:revision": 1,
        "dcterms:created": when,
        "dcterms:modified": when,
    }
