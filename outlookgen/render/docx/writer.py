"""The one writer: block markup (see :mod:`.blocks` and docs/word.md) onto the reference document.

Paragraph, table and field XML is assembled as text with style ids resolved
once (:class:`.styles.StyleMap`) and put into the body of the reference
document as text (:meth:`Writer._install`); the package around it —
relationships (hyperlinks, the logo), properties, the zip's entries — is
:mod:`.opc`'s.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from outlookgen.errors import TemplateError
from outlookgen.render import markup as m
from outlookgen.render.docx import ooxml as x
from outlookgen.render.docx.styles import Palette, StyleMap, W, text_on
from outlookgen.render.docx.trace import Bookmarks, mark_paragraphs

BLOCK_TAGS = frozenset({"h", "p", "blocks", "ul", "table", "pagebreak", "toc", "landscape", "gantt", "logo", "bar"})
INLINE_TAGS = frozenset({"md", "t", "b", "i", "code", "link", "br"})
_NEWLINE_SPACE = re.compile(r"\s*\n\s*")
_ALIGN = {"left": "left", "center": "center", "centre": "center", "right": "right", "justify": "both"}
_VALIGN = {"top": "top", "center": "center", "centre": "center", "middle": "center", "bottom": "bottom"}
_BOOKMARK = "{urn:outlookgen}bookmark"
_NUMBER = "{urn:outlookgen}number"
#: Heading levels the contents list: steps and their sections, as the HTML contents do.
TOC_LEVELS = 2
_TOC_FIELD = f' TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u '
_TRUE = ("1", "yes", "true")
# A table this much shorter than the page's text height is kept on one page (Word's "keep with
# next" on every row but the last); a longer one keeps its header with the first row and its
# last rows together, so no page holds a single stranded row.
_KEEP_WHOLE_SHARE = 0.4
_LINE_TWIPS = 240  # one line of 9-pt table text with its spacing
_LIST_KEEP_WHOLE = 6  # bullet lists this short stay on one page
_LATIN = re.compile(r"[A-Za-z0-9]")
# Rough heights (twips) for the page-fill estimate that places the contents; they lean high.
_PARAGRAPH_TWIPS = 420
_HEADING_TWIPS = 1000
_TOC_LINE = 290  # a contents line in 10.5-pt Latin text
_TOC_LINE_CJK = 350  # in a CJK font, whose lines are taller
_TOC1_EXTRA = 100  # space above a first-level entry
_EM_TWIPS_TABLE = 180  # Table Text is 9 pt: one em is 180 twips
_SAFETY = 1.06  # measured widths are averages: a little room for kerning, rounding and the font a reader has
_CELL_MARGINS = 170  # left + right cell margins of the default table style
_BODY_MARKER = "outlookgen:body"  # where the body text goes in the serialised reference
_XMLNS = re.compile(r' xmlns:(\w+)="([^"]*)"')
#: A layout table's conditional look: no header row, first column, banding.
LAYOUT_TBLLOOK = '<w:tblLook w:val="0600" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'


class LayoutLook(NamedTuple):
    """A table style's look written out directly, for a layout table that carries no style."""

    borders: str  # <w:tblBorders> or ""
    margins: str  # <w:tblCellMar> or ""
    first_column: Fmt  # the style's first-column text (bold, colour)


@dataclass
class Ctx:
    """Where blocks go: the available width and the default paragraph styles there."""

    width: int
    para: str
    bullet: str
    cont: str
    align: str | None = None
    in_li: bool = False
    li_started: bool = False
    em: int = 210
    extra: dict[str, Any] = field(default_factory=dict)
    fmt: Fmt | None = (
        None  # the formatting every run here starts from (a layout table's first column, a fill's text colour)
    )

    def next_style(self) -> str:
        if self.in_li:
            if not self.li_started:
                self.li_started = True
                return self.bullet
            return self.cont
        return self.para


class Measure(NamedTuple):
    """A column's needs in twips: its longest word, its longest line, its longest piece between hyphens."""

    word: float
    line: float
    piece: float


@dataclass(frozen=True)
class Fmt:
    bold: bool = False
    italic: bool = False
    code: bool = False
    colour: str | None = None  # RRGGBB, set only where text stands on a fill or in a layout table's label column


_PLAIN = Fmt()


class _OutOfOrder(Exception):
    """Writing ahead of the flow met something numbered in document order (a hyperlink's rId)."""


class Writer:
    def __init__(
        self,
        package,
        styles: StyleMap,
        palette: Palette,
        labels,
        context,
        fonts,
        logo: bytes | None,
        layout=None,
    ):
        self.package = package
        self.layout = layout  # the reference's own layout (render/docx/layout.py), or None
        self.part = package.document
        self.styles = styles
        self.palette = palette
        self.labels = labels
        self.context = context
        self.fonts = fonts
        self.logo = logo
        self.pending_break = False
        self.toc: list[tuple[int, str, str]] = []
        self.last_heading = ""  # the text of the latest heading: the caption of the data tables under it
        self._layout_looks: dict[str, LayoutLook] = {}
        self.sections_closed = 0
        self.sections_before = 0  # sections a layout designed in Word ends before the outlook
        self.leading_section = None  # a section break the outlook starts with (see _mend_seams)
        self.document_xml = b""  # the document part, once written
        # A rough height of what stands on the current page since the last break (twips): enough
        # to tell whether the contents still fit under what precedes them.
        self.used = 0
        self.links: dict[str, str] = {}
        self.next_rid = 1  # the lowest rId that may be free (hyperlinks are numbered from here)
        self.gantts: dict[int, tuple[str, str, str]] = {}  # the Gantt chart made ahead, by width (gantt_ahead)
        self.ahead = False  # making the chart before its place (gantt_ahead): a link would number out of order
        self.id_code = styles.id("character", "Inline Code")
        self.id_link = styles.id("character", "Hyperlink")
        self.sect = package.body.find(W + "sectPr")
        if self.sect is None:
            raise TemplateError("docx/reference.docx has no section properties (w:sectPr) in its body")
        self.page_w, self.page_h, self.margins = page_geometry(self.sect)
        self.portrait_width = self.page_w - self.margins[0] - self.margins[1]
        self.landscape_width = self.page_h - self.margins[0] - self.margins[1]
        self.text_height = _text_height(self.sect, self.page_h)
        # Latin words in a Chinese document are English (w:val), its Chinese is Chinese (w:eastAsia):
        # tagged on every run that holds Latin letters or digits, whatever the styles say.
        self.latin_lang = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>' if context.get("locale") == "zh-CN" else None
        self.font_factors = x.font_factors(fonts.get("latin") or _body_font(package.styles().element))

    # -- entry point --------------------------------------------------------
    def write(self, root) -> None:
        layout = self.layout
        if layout is not None and layout.designed:  # the sections of the layout's cover, before the outlook
            self.sections_before = sum(
                1 for child in layout.marker.itersiblings(preceding=True) for _ in child.iter(W + "sectPr")
            )
        self._prepass(root)
        self.bookmarks = Bookmarks(len(self.toc) + 1)  # spec text's bookmarks (trace.py), after the contents'
        ctx = self._body_ctx(self.portrait_width)
        out: list[str] = []
        self._flow(root, ctx, out)
        self._install(out)

    def _body_ctx(self, width: int) -> Ctx:
        s = self.styles
        return Ctx(
            width=width,
            para=s.id("paragraph", "Normal"),
            bullet=s.id("paragraph", "List Bullet"),
            cont=s.id("paragraph", "List Continue"),
        )

    # -- headings for the table of contents -----------------------------------
    def _prepass(self, root) -> None:
        """Number the sections of numbered parts and bookmark what the contents list.

        A level-1 heading with ``numbered="1"`` (a step) numbers its level-2
        headings "N.1", "N.2"… — N counting such headings, as the HTML page's
        CSS counters do — until the next level-1 heading. Values are kept on
        the nodes themselves: lxml proxies (and so their id()) do not live
        across iterations.
        """
        n = 0
        step = 0
        sub: int | None = None
        for h in root.iter("h"):
            level = self._level(h)
            if level == 1:
                if h.get("numbered") in _TRUE:
                    step += 1
                    sub = 0
                else:
                    sub = None
            elif level == 2 and sub is not None:
                sub += 1
                h.set(_NUMBER, f"{step}.{sub}")
            if level > TOC_LEVELS or h.get("toc") in ("no", "0", "false"):
                continue
            n += 1
            name = f"_Toc{n:08d}"
            h.set(_BOOKMARK, f"{n} {name}")
            number = h.get(_NUMBER)
            self.toc.append((level, (f"{number} " if number else "") + self._plain(h), name))

    def _plain(self, elem) -> str:
        parts: list[str] = []

        def walk(e):
            if e.tag == "md":
                parts.append(m.plain_text(m.parse_inline(e.text or "")))
            elif e.tag == "br":
                parts.append(" ")
            else:
                if e.text:
                    parts.append(_NEWLINE_SPACE.sub(" ", e.text))
                for child in e:
                    walk(child)
                    if child.tail:
                        parts.append(_NEWLINE_SPACE.sub(" ", child.tail))

        walk(elem)
        return " ".join("".join(parts).split())

    @staticmethod
    def _level(h) -> int:
        try:
            return max(1, min(9, int(h.get("level", "1"))))
        except ValueError:
            raise TemplateError(f'docx template: <h level="{h.get("level")}"> needs a number 1-9') from None

    # -- flow: a container's children as blocks --------------------------------
    def _flow(self, container, ctx: Ctx, out: list[str]) -> None:
        pending: list = []
        if container.text:
            pending.append(container.text)
        for child in container:
            tag = child.tag
            if tag in BLOCK_TAGS:
                self._flush(pending, ctx, out)
                pending = []
                getattr(self, "_block_" + tag)(child, ctx, out)
            elif tag in INLINE_TAGS:
                pending.append(child)
            else:
                raise TemplateError(f"docx template: unknown element <{tag}> (see docs/word.md for the block markup)")
            if child.tail:
                pending.append(child.tail)
        self._flush(pending, ctx, out)

    def _flush(self, items: list, ctx: Ctx, out: list[str], *, style: str | None = None, force=False) -> None:
        runs = self._runs(items, ctx.fmt or _PLAIN)
        if not runs and not force:
            return
        self._para(ctx, out, runs, style=style)

    def _para(
        self,
        ctx: Ctx,
        out: list[str],
        runs: str,
        *,
        style: str | None = None,
        align: str | None = None,
        keep_next=False,
        prefix: str = "",
        suffix: str = "",
        outline: int | None = None,
    ) -> None:
        props = x.ppr(
            style or ctx.next_style(),
            keep_next=keep_next,
            page_break=self._take_break(),
            align=align or ctx.align,
            outline=outline,
        )
        self.used += _PARAGRAPH_TWIPS if outline is None and not keep_next else _HEADING_TWIPS
        out.append(f"<w:p>{props}{prefix}{runs}{suffix}</w:p>")

    def _take_break(self) -> bool:
        if self.pending_break:
            self.pending_break = False
            self.used = 0
            return True
        return False

    # -- inline content -------------------------------------------------------
    def _runs(self, items: list, base: Fmt = _PLAIN) -> str:
        """Runs for a paragraph's inline items (literal template text and inline elements)."""
        items = [_NEWLINE_SPACE.sub(" ", i) if isinstance(i, str) else i for i in items]
        while items and isinstance(items[0], str) and not items[0].strip():
            items.pop(0)
        while items and isinstance(items[-1], str) and not items[-1].strip():
            items.pop()
        if items and isinstance(items[0], str):
            items[0] = items[0].lstrip()
        if items and isinstance(items[-1], str):
            items[-1] = items[-1].rstrip()
        out: list[str] = []
        for item in items:
            if isinstance(item, str):
                out.append(self._run(item, base))
            else:
                self._inline(item, base, out)
        return "".join(out)

    def _inline(self, elem, fmt: Fmt, out: list[str], in_link=False) -> None:
        tag = elem.tag
        if tag == "md":
            start, end = self.bookmarks.marks(elem.get("src"))
            out.append(start)
            self._ast(m.parse_inline(elem.text or ""), fmt, out, in_link)
            out.append(end)
        elif tag == "t":
            out.append(self._run(elem.text or "", fmt, in_link))
        elif tag == "br":
            out.append("<w:r><w:br/></w:r>")
        elif tag == "link":
            url = m.safe_url(elem.get("href", ""))
            inner: list[str] = []
            self._inline_children(elem, fmt, inner, in_link=url is not None)
            out.append(self._hyperlink(url, "".join(inner)) if url else "".join(inner))
        else:
            sub = replace(
                fmt,
                bold=fmt.bold or tag == "b",
                italic=fmt.italic or tag == "i",
                code=fmt.code or tag == "code",
            )
            self._inline_children(elem, sub, out, in_link)
        return None

    def _inline_children(self, elem, fmt: Fmt, out: list[str], in_link=False) -> None:
        if elem.text:
            out.append(self._run(_NEWLINE_SPACE.sub(" ", elem.text), fmt, in_link))
        for child in elem:
            if child.tag not in INLINE_TAGS:
                raise TemplateError(f"docx template: <{child.tag}> cannot stand inside <{elem.tag}>")
            self._inline(child, fmt, out, in_link)
            if child.tail:
                out.append(self._run(_NEWLINE_SPACE.sub(" ", child.tail), fmt, in_link))

    def inline_runs(self, text: str, *, bold: bool = False) -> str:
        """Spec text (the inline Markdown subset) as runs, for the blocks drawn outside the markup (the Gantt)."""
        runs: list[str] = []
        self._ast(m.parse_inline(text), Fmt(bold=bold), runs)
        return "".join(runs)

    def _ast(self, nodes, fmt: Fmt, out: list[str], in_link=False) -> None:
        for node in nodes:
            if isinstance(node, m.Text):
                out.append(self._run(node.text, fmt, in_link))
            elif isinstance(node, m.Strong):
                self._ast(node.children, replace(fmt, bold=True), out, in_link)
            elif isinstance(node, m.Emph):
                self._ast(node.children, replace(fmt, italic=True), out, in_link)
            elif isinstance(node, m.Code):
                out.append(self._run(node.text, replace(fmt, code=True), in_link))
            elif isinstance(node, m.Link):
                if in_link:
                    self._ast(node.children, fmt, out, in_link)
                    continue
                inner: list[str] = []
                self._ast(node.children, fmt, inner, True)
                out.append(self._hyperlink(node.url, "".join(inner)))

    def _run(self, text: str, fmt: Fmt, in_link=False) -> str:
        lang = self.latin_lang if self.latin_lang and _LATIN.search(text) else None
        if in_link:
            props = x.rpr(
                style=self.id_link,
                bold=fmt.bold,
                italic=fmt.italic,
                fonts=self.fonts.get("monospace", "Consolas") if fmt.code else None,
                lang=lang,
            )
        else:
            props = x.rpr(
                style=self.id_code if fmt.code else None, bold=fmt.bold, italic=fmt.italic, colour=fmt.colour, lang=lang
            )
        return x.run(text, props)

    def text_run(self, text: str, props: str = "") -> str:
        """A run of literal text (labels, numbers) with ``props``; Latin text in a Chinese document tagged English."""
        if self.latin_lang and _LATIN.search(text):
            props = (props[: -len("</w:rPr>")] if props else "<w:rPr>") + self.latin_lang + "</w:rPr>"
        return x.run(text, props)

    def _hyperlink(self, url: str, runs: str) -> str:
        from outlookgen.render.docx.opc import RT_HYPERLINK

        if self.ahead:
            raise _OutOfOrder(url)
        rid = self.links.get(url)
        if rid is None:
            # Not rels.relate: it scans every relationship for a match and for a free
            # rId on each call, so a spec with many distinct links would take quadratic
            # time (20 000 links: a minute). self.links already dedupes.
            rels = self.part.rels
            while f"rId{self.next_rid}" in rels:
                self.next_rid += 1
            rid = self.links[url] = f"rId{self.next_rid}"
            rels.add_relationship(RT_HYPERLINK, url, rid, is_external=True)
        return f'<w:hyperlink r:id="{rid}" w:history="1">{runs}</w:hyperlink>'

    # -- blocks -----------------------------------------------------------------
    def _block_h(self, elem, ctx: Ctx, out: list[str]) -> None:
        level = self._level(elem)
        style = self.styles.id("paragraph", f"Heading {level}")
        items = self._children_items(elem)
        runs = self._runs(items)
        number = elem.get(_NUMBER)
        if number:
            runs = self.text_run(f"{number} ") + runs
        mark = elem.get(_BOOKMARK)
        prefix = suffix = ""
        if mark:
            bookmark, name = mark.split(" ")
            prefix = f'<w:bookmarkStart w:id="{bookmark}" w:name="{name}"/>'
            suffix = f'<w:bookmarkEnd w:id="{bookmark}"/>'
        self.last_heading = (f"{number} " if number else "") + self._plain(elem)
        # Out of the contents means out of Word's outline too, so an updated TOC field agrees.
        hidden = 9 if elem.get("toc") in ("no", "0", "false") else None
        # Keep with next whatever the style says: a heading is never the last line of a page.
        self._para(ctx, out, runs, style=style, prefix=prefix, suffix=suffix, keep_next=True, outline=hidden)

    @staticmethod
    def _children_items(elem) -> list:
        items: list = []
        if elem.text:
            items.append(elem.text)
        for child in elem:
            if child.tag not in INLINE_TAGS:
                raise TemplateError(f"docx template: <{child.tag}> cannot stand inside <{elem.tag}>")
            items.append(child)
            if child.tail:
                items.append(child.tail)
        return items

    def _block_p(self, elem, ctx: Ctx, out: list[str]) -> None:
        style = self.styles.id("paragraph", elem.get("style")) if elem.get("style") else None
        runs = self._runs(self._children_items(elem), ctx.fmt or _PLAIN)
        self._para(
            ctx,
            out,
            runs,
            style=style,
            align=_ALIGN.get(elem.get("align", "")),
            keep_next=elem.get("keep-next") in ("1", "yes", "true"),
        )

    def _block_blocks(self, elem, ctx: Ctx, out: list[str]) -> None:
        style = self.styles.id("paragraph", elem.get("style")) if elem.get("style") else None
        begin = len(out)
        for blk in m.parse_block(elem.text or ""):
            if isinstance(blk, m.Paragraph):
                runs: list[str] = []
                self._ast(blk.inlines, ctx.fmt or _PLAIN, runs)
                self._para(ctx, out, "".join(runs), style=style)
            else:
                first = len(out)
                for item in blk.items:
                    runs = []
                    self._ast(item, ctx.fmt or _PLAIN, runs)
                    self._para(ctx, out, "".join(runs), style=ctx.bullet)
                _keep_list(out, first)
        mark_paragraphs(out, begin, *self.bookmarks.marks(elem.get("src")))

    def _block_ul(self, elem, ctx: Ctx, out: list[str]) -> None:
        first = len(out)
        for li in elem:
            if li.tag != "li":
                raise TemplateError(f"docx template: <ul> holds <li> elements, not <{li.tag}>")
            item = Ctx(ctx.width, ctx.para, ctx.bullet, ctx.cont, ctx.align, in_li=True, em=ctx.em, fmt=ctx.fmt)
            self._flow(li, item, out)
        _keep_list(out, first)

    def _block_pagebreak(self, elem, ctx: Ctx, out: list[str]) -> None:
        self.pending_break = True

    def _block_logo(self, elem, ctx: Ctx, out: list[str]) -> None:
        if not self.logo:
            return
        try:
            inline = self._picture(self.logo, float(elem.get("width-mm", "40")))
        except Exception as exc:  # python-docx raises several kinds for images it cannot read
            raise TemplateError(f"the pack's logo cannot go into Word: {exc}") from None
        # Alt text (WCAG 1.1.1): Word's "Description" is what a screen reader says, and LibreOffice's
        # tagged PDF takes it as the Figure's /Alt. No title: LibreOffice reads "title - description"
        # into /Alt, so a screen reader would say the name twice.
        inline.docPr.set("descr", " ".join((elem.get("alt") or self.logo_alt()).split()))
        drawing = self.fragment(inline)
        self._para(ctx, out, f"<w:r><w:drawing>{drawing}</w:drawing></w:r>", align=_ALIGN.get(elem.get("align", "")))

    def _picture(self, blob: bytes, width_mm: float):
        """A ``wp:inline`` picture of ``blob``, ``width_mm`` wide, its image part related from the document.

        python-docx reads the image's size and resolution (PNG, JPEG, GIF, BMP,
        TIFF) and draws the inline as Word does; it is imported here only, so a
        build without a logo never loads it.
        """
        from docx.image.image import Image
        from docx.oxml.shape import CT_Inline
        from docx.shared import Mm

        image = Image.from_blob(blob)
        rid = self.package.add_image(image.blob, image.ext, image.content_type)
        cx, cy = image.scaled_dimensions(Mm(width_mm), None)
        # The next free drawing id, counted as Word does: every unqualified id attribute in the document.
        used = [int(v) for v in self.package.element.xpath("//@id") if v.isdigit()]
        shape_id = max(used) + 1 if used else 1
        return CT_Inline.new_pic_inline(shape_id, rid, image.filename, cx, cy)

    def logo_alt(self) -> str:
        """The logo's alt text, worded once for every format (``logo_alt`` in the shared context)."""
        return self.context.get("logo_alt") or ""

    def table_caption(self, elem=None) -> str:
        """``w:tblCaption`` for a data table: the template's ``caption=``, else the heading it stands under.

        Word reads it out on entering the table (Table Properties › Alt Text ›
        Title); LibreOffice drops it on import. A table before any heading gets
        the document's title.
        """
        from outlookgen.render.docx.layout import plain

        given = elem.get("caption") if elem is not None else None
        text = " ".join((given or self.last_heading or plain((self.context.get("meta") or {}).get("title"))).split())
        return f'<w:tblCaption w:val="{x.esc_attr(text)}"/>' if text else ""

    def _block_toc(self, elem, ctx: Ctx, out: list[str]) -> None:
        s = self.styles
        title = elem.get("title")
        line = self._toc_line() or (_TOC_LINE_CJK if self.latin_lang else _TOC_LINE)
        height = _HEADING_TWIPS + len(self.toc) * line + sum(_TOC1_EXTRA for level, _, _ in self.toc if level == 1)
        if self.used and self.used + height > self.text_height:
            self.pending_break = True  # the contents start a page rather than leave their end on the next
        if title:
            self._para(ctx, out, self.text_run(title), style=s.id("paragraph", "TOC Heading"))
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{_TOC_FIELD}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        if not self.toc:
            self._para(ctx, out, begin + end, style=s.id("paragraph", "toc 1"))
            return
        last = len(self.toc) - 1
        for i, (level, text, name) in enumerate(self.toc):
            # The cached entries carry no page numbers: nothing here knows
            # where pages break, and a wrong number is worse than none. Word
            # adds them when the field is updated (F9), keeping the entries;
            # `build --toc-pages` fills them from LibreOffice's layout (toc_pages.py).
            link = f'<w:hyperlink w:anchor="{name}" w:history="1">{self.text_run(text)}</w:hyperlink>'
            self._para(
                ctx,
                out,
                (begin if i == 0 else "") + link + (end if i == last else ""),
                style=s.id("paragraph", f"toc {level}"),
                # The contents stay on one page (they fit one unless the outline is very long):
                # never a line or two of them alone on the next page.
                keep_next=i < last,
            )

    def _toc_line(self) -> int | None:
        """The height of a contents line when the toc 2 style sets an exact line height (twips)."""
        style_id = self.styles.id("paragraph", "toc 2")
        for style in self.package.styles().element.iterchildren(W + "style"):
            if style.get(W + "styleId") == style_id:
                spacing = style.find(f"{W}pPr/{W}spacing")
                if spacing is not None and spacing.get(W + "lineRule") == "exact":
                    try:
                        return int(spacing.get(W + "line", "0")) + int(spacing.get(W + "after", "0"))
                    except ValueError:
                        return None
        return None

    def _block_landscape(self, elem, ctx: Ctx, out: list[str]) -> None:
        self.pending_break = False  # a new section starts on a new page anyway
        self._end_section(out, landscape=False)
        inner = self._body_ctx(self.landscape_width)
        self._flow(elem, inner, out)
        self.pending_break = False
        self._end_section(out, landscape=True)

    def _block_gantt(self, elem, ctx: Ctx, out: list[str]) -> None:
        if self.pending_break:
            out.append(self._break_paragraph())
        # The chart made ahead is let go once used: at 20,000 tasks it is 50 MB.
        legend, head, rest = self.gantts.pop(ctx.width, None) or self.gantt(ctx.width)
        out.append(legend)
        out.append(head + self.table_caption(elem) + rest)

    def gantt(self, width: int) -> tuple[str, str, str]:
        """The Gantt chart's parts at ``width`` (:func:`.gantt.gantt_parts`)."""
        from outlookgen.render.docx.gantt import gantt_parts

        parts = gantt_parts(self, width)
        if self.latin_lang:  # the chart's runs are made by plain ooxml.run: tag their Latin text here
            parts = tuple(tag_latin_runs(chunk, self.latin_lang) for chunk in parts)
        return parts

    def gantt_ahead(self) -> None:
        """Make the Gantt chart before the markup asks for it, at the width of a landscape page, where outlooks put it.

        With a CPU spare, the markup comes from a forked child
        (project/pipeline.py): this is done meanwhile. The chart depends on
        nothing written before it; only a link in a task's name would take an
        rId out of document order, so a chart with one is left to its place,
        as is one whose making fails (its error is met again there).
        """
        self.ahead = True
        try:
            self.gantts[self.landscape_width] = self.gantt(self.landscape_width)
        except Exception:  # made again in its place, where its error is reported
            pass
        finally:
            self.ahead = False

    def _block_bar(self, elem, ctx: Ctx, out: list[str]) -> None:
        try:
            value = max(0.0, min(100.0, float(elem.get("value", "0"))))
        except ValueError:
            raise TemplateError(f'docx template: <bar value="{elem.get("value")}"> needs a number 0-100') from None
        colour = self.shade(elem.get("shade", "primary")) or "1F3A5F"
        width = max(ctx.width, 200)
        filled = round(width * value / 100)
        cells = []
        grid = []
        for w, fill in ((filled, colour), (width - filled, None)):
            if w <= 0:
                continue
            grid.append(f'<w:gridCol w:w="{w}"/>')
            shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{shd}</w:tcPr>'
                f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
                f'<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p></w:tc>'
            )
        look = self.layout_look("Bar Table")
        out.append(
            f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/>{look.borders}<w:tblLayout w:type="fixed"/>'
            f"{look.margins}{LAYOUT_TBLLOOK}</w:tblPr><w:tblGrid>{''.join(grid)}</w:tblGrid>"
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="113" w:hRule="exact"/></w:trPr>{"".join(cells)}</w:tr></w:tbl>'
        )

    def layout_look(self, style_name: str) -> LayoutLook:
        """The named table style's borders, cell margins and first-column text, to write on a styleless table."""
        found = self._layout_looks.get(style_name)
        if found is not None:
            return found
        style_id = self.styles.id("table", style_name)
        style = next(
            (
                s
                for s in self.package.styles().element.iterchildren(W + "style")
                if s.get(W + "styleId") == style_id and s.get(W + "type") == "table"
            ),
            None,
        )
        parts = {"tblBorders": "", "tblCellMar": ""}
        first = _PLAIN
        if style is not None:
            for tag in parts:
                node = style.find(f"{W}tblPr/{W}{tag}")
                if node is not None:
                    parts[tag] = f"<w:{tag}>{''.join(_empty_element(child) for child in node)}</w:{tag}>"
            for conditional in style.iterfind(W + "tblStylePr"):
                if conditional.get(W + "type") != "firstCol":
                    continue
                bold = conditional.find(f"{W}rPr/{W}b")
                colour = conditional.find(f"{W}rPr/{W}color")
                value = colour.get(W + "val", "") if colour is not None else ""
                first = Fmt(
                    bold=bold is not None and bold.get(W + "val", "1") not in ("0", "false", "off"),
                    colour=value.upper() if re.fullmatch(r"[0-9A-Fa-f]{6}", value) else None,
                )
        found = self._layout_looks[style_name] = LayoutLook(parts["tblBorders"], parts["tblCellMar"], first)
        return found

    def _break_paragraph(self) -> str:
        self.pending_break = False
        return '<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0"/></w:pPr></w:p>'

    # -- tables -------------------------------------------------------------------
    def _block_table(self, elem, ctx: Ctx, out: list[str]) -> None:
        rows = [r for r in elem if r.tag == "tr"]
        if any(r.tag != "tr" for r in elem):
            raise TemplateError("docx template: <table> holds <tr> rows only")
        if not rows:
            return
        # Each row's cells with their spans, and each cell's text, are read once for the columns'
        # widths, the rows' heights and the cells themselves (a table of 2,000 tasks has 20,000).
        # The cells are kept (in grid), so lxml hands back these very proxies as keys of texts.
        grid = [[(c, self._span(c)) for c in r if self._is_cell(c, r)] for r in rows]
        texts = {c: self._cell_text(c) for r in rows for c in r}
        ncols = max(sum(s for _, s in r) for r in grid) or 1
        width = self._table_width(elem, ctx)
        widths = self._column_widths(elem, rows, grid, ncols, width, texts)
        style_name = elem.get("style", "Outlook Table")
        style = self.styles.id("table", style_name)
        text_style = self.styles.id("paragraph", elem.get("text-style", "Table Text"))
        head_style = self.styles.id("paragraph", elem.get("header-style", "Table Heading"))
        bullet = self.styles.id("paragraph", "Table Bullet")
        look = set((elem.get("look") or "").split())
        has_header = rows[0].get("header") in ("1", "yes", "true")
        first_col = "first-column" in look
        banded = "banded" in look
        look_val = (0x20 if has_header else 0) | (0x80 if first_col else 0) | (0 if banded else 0x200) | 0x400
        align = _ALIGN.get(elem.get("align", ""))
        jc = f'<w:jc w:val="{align}"/>' if align in ("center", "right") else ""

        if out and out[-1].startswith("<w:tbl>"):
            out.append('<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr></w:p>')  # Word joins adjacent tables
        if self.pending_break:
            out.append(self._break_paragraph())

        if has_header:  # a data table: its style, the header-row look, a caption
            table_props = (
                f'<w:tblStyle w:val="{style}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>{jc}'
                '<w:tblLayout w:type="fixed"/>'
                f'<w:tblLook w:val="{look_val:04X}" w:firstRow="1" w:lastRow="0" '
                f'w:firstColumn="{int(first_col)}" w:lastColumn="0" w:noHBand="{int(not banded)}" w:noVBand="1"/>'
                + self.table_caption(elem)
            )
            label_fmt = None
        else:
            # No header row: a layout table (the cover's key/value lines). Word's accessibility
            # checker asks every table for a header row unless it is in "Table Normal", the style
            # Office gives layout tables, and a screen reader reads no caption for such a table.
            # So no style: the named style's borders, margins and first-column look are written
            # out directly, and no caption or description.
            layout = self.layout_look(style_name)
            table_props = (
                f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>{jc}{layout.borders}<w:tblLayout w:type="fixed"/>'
                f"{layout.margins}{LAYOUT_TBLLOOK}"
            )
            label_fmt = layout.first_column if first_col else None
        parts = [
            f"<w:tbl><w:tblPr>{table_props}</w:tblPr><w:tblGrid>",
            "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        header_run = True
        made: list[str] = []
        heights: list[int] = []
        headers = 0
        for row, row_cells in zip(rows, grid, strict=True):
            is_header = header_run and row.get("header") in ("1", "yes", "true")
            header_run = is_header
            headers += is_header
            cells = ["<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if is_header else "") + "</w:trPr>"]
            col = 0
            height = 0
            for cell, span in row_cells:
                cell_width = sum(widths[col : col + span]) or widths[-1]
                col += span
                para_style = head_style if is_header else text_style
                cells.append(
                    self._cell(
                        cell,
                        cell_width,
                        span,
                        para_style,
                        bullet,
                        header=is_header,
                        fmt=label_fmt if col == span else None,
                    )
                )
                height = max(height, self._cell_height(texts[cell], cell_width))
            if col < ncols:  # a short row: pad so every row fills the grid
                for w in widths[col:]:
                    cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
            cells.append("</w:tr>")
            made.append("".join(cells))
            heights.append(height)
        for i in self._rows_to_keep(heights, headers):
            made[i] = keep_with_next(made[i])
        self.used += sum(heights) + _PARAGRAPH_TWIPS
        parts += made
        parts.append("</w:tbl>")
        out.append("".join(parts))

    def _rows_to_keep(self, heights: list[int], headers: int) -> range | list[int]:
        """Rows whose paragraphs keep with the next row: no page holds a lone row of a table.

        A short table (under :data:`_KEEP_WHOLE_SHARE` of the page) stays on
        one page; a longer one keeps its header rows with the first row and
        its last three rows together (a total never sits under one row).
        """
        n = len(heights)
        if n < 2:
            return []
        if sum(heights) <= self.text_height * _KEEP_WHOLE_SHARE:
            return range(n - 1)
        return sorted({*range(min(headers + 1, n - 1)), *range(max(0, n - 3), n - 1)})

    def _cell_height(self, text: str, width: int) -> int:
        """A rough height of a cell's text at its width (twips), for the keep rules."""
        room = max(width - _CELL_MARGINS, 200)
        lines = 0
        for line in text.split("\n") or [""]:
            extent = x.text_measure(line, self.font_factors)[1] * _EM_TWIPS_TABLE
            lines += max(1, math.ceil(extent / room))
        return lines * _LINE_TWIPS + 60

    @staticmethod
    def _is_cell(cell, row) -> bool:
        if cell.tag != "td":
            raise TemplateError(f"docx template: <tr> holds <td> cells, not <{cell.tag}>")
        return True

    @staticmethod
    def _span(cell) -> int:
        try:
            return max(1, int(cell.get("span", "1")))
        except ValueError:
            raise TemplateError(f'docx template: <td span="{cell.get("span")}"> needs a whole number') from None

    def _cell(
        self, cell, width: int, span: int, para_style: str, bullet: str, *, header=False, fmt: Fmt | None = None
    ) -> str:
        props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
        if span > 1:
            props.append(f'<w:gridSpan w:val="{span}"/>')
        fill = self.shade(cell.get("shade"))
        if fill:
            props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
            # Text on a fill reads at WCAG AA (4.5:1): body text keeps the foreground colour where it
            # passes; a header cell's own fill gets black or white (its style's colour was chosen
            # for the style's fill, not this one).
            body = None if header else self.palette.resolve("foreground")
            colour = text_on(fill, body)
            if colour != body:  # no colour written where body text passes: a firm's file keeps its look
                fmt = replace(fmt or _PLAIN, colour=colour)
        valign = _VALIGN.get(cell.get("valign", ""))
        if valign:
            props.append(f'<w:vAlign w:val="{valign}"/>')
        align = _ALIGN.get(cell.get("align", ""))
        if _lone_text(cell) and not self.pending_break:
            # Most cells hold one spec text and nothing else: its paragraph, as the flow below
            # would make it, without the flow's machinery (a table of 2,000 tasks has 20,000).
            runs: list[str] = []
            self._inline(cell[0], fmt or _PLAIN, runs)
            return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p>{x.ppr(para_style, align=align)}{''.join(runs)}</w:p></w:tc>"
        inner = Ctx(
            width=max(width - _CELL_MARGINS, 100),
            para=para_style,
            bullet=bullet,
            cont=para_style,
            align=align,
            fmt=fmt,
        )
        content: list[str] = []
        used = self.used  # a cell's paragraphs are counted in its row's height, not one by one
        self._flow(cell, inner, content)
        self.used = used
        if not content or not content[-1].startswith("<w:p>"):
            content.append(f"<w:p>{x.ppr(para_style, align=inner.align)}</w:p>")
        return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{''.join(content)}</w:tc>"

    def shade(self, spec: str | None) -> str | None:
        if not spec:
            return None
        colour = self.palette.resolve(spec)
        if colour is None and spec.strip() not in ("", "none"):
            raise TemplateError(
                f'docx template: shade="{spec}" is not a colour (a brand colour name, name:light, or #rrggbb)'
            )
        return colour

    @staticmethod
    def _table_width(elem, ctx: Ctx) -> int:
        raw = (elem.get("width") or "100%").strip()
        try:
            share = float(raw.rstrip("%")) / 100 if raw.endswith("%") else None
        except ValueError:
            share = None
        if share is None or not 0 < share <= 1:
            raise TemplateError(f'docx template: <table width="{raw}"> must be a percentage such as 60%')
        return int(ctx.width * share)

    def _column_widths(self, elem, rows, grid, ncols: int, width: int, texts: dict) -> list[int]:
        raw = (elem.get("widths") or "auto").strip()
        if raw != "auto":
            try:
                weights = [float(w) for w in raw.split(",")]
            except ValueError:
                raise TemplateError(
                    f'docx template: widths="{raw}" must be "auto" or numbers separated by commas'
                ) from None
            if len(weights) != ncols or any(w <= 0 for w in weights):
                raise TemplateError(f'docx template: widths="{raw}" must give {ncols} positive numbers')
            return _fit([w / sum(weights) * width for w in weights], width)
        return auto_widths(self._measure(rows, grid, ncols, texts), width)

    def _measure(self, rows, grid, ncols: int, texts: dict) -> list[Measure]:
        """Per column: its longest word, longest line and longest hyphen-broken piece, in twips, from the cell texts.

        Widths come from the font's average advance widths (Calibri's, scaled
        for the document's Latin font), with a margin for rounding and kerning;
        header text is bold.
        """
        least = [0.0] * ncols
        most = [0.0] * ncols
        piece = [0.0] * ncols
        for row, cells in zip(rows, grid, strict=True):
            bold = 1.06 if row.get("header") in ("1", "yes", "true") else 1.0
            factor = bold * _SAFETY * _EM_TWIPS_TABLE
            col = 0
            for cell, span in cells:
                if span == 1 and col < ncols:
                    word, line, part = x.text_measure(texts[cell], self.font_factors)
                    least[col] = max(least[col], word * factor)
                    most[col] = max(most[col], line * factor)
                    piece[col] = max(piece[col], part * factor)
                col += span
        return [
            Measure(a + _CELL_MARGINS, max(a, b) + _CELL_MARGINS, c + _CELL_MARGINS)
            for a, b, c in zip(least, most, piece, strict=True)
        ]

    @staticmethod
    def _cell_text(cell) -> str:
        text = "".join(cell.itertext())
        if cell.find("bar") is not None:
            text += "\n" + "m" * 6
        return text.replace("**", "").replace("`", "")

    # -- sections -------------------------------------------------------------------
    def _sect_copy(self, *, landscape: bool):
        sect = copy.deepcopy(self.sect)
        size = sect.find(W + "pgSz")
        if size is not None:
            w, h = self.page_w, self.page_h
            if landscape:
                size.set(W + "w", str(h))
                size.set(W + "h", str(w))
                size.set(W + "orient", "landscape")
            else:
                size.set(W + "w", str(w))
                size.set(W + "h", str(h))
                size.attrib.pop(W + "orient", None)
        for title in sect.findall(W + "titlePg"):
            sect.remove(title)  # only the document's first section has a distinct first page (the cover)
        return sect

    def _end_section(self, out: list[str], *, landscape: bool) -> None:
        from outlookgen.render.docx.layout import set_title_page

        sect = self._sect_copy(landscape=landscape)
        if self.sections_closed == 0 and not self.sections_before:
            set_title_page(sect)  # the document's first section: the cover's
        self.sections_closed += 1
        self.used = 0
        xml = self.fragment(sect)
        if out and _lone_paragraph(out[-1]):
            # The break joins the paragraph before it: no empty paragraph is left at a section end.
            out[-1] = _with_section(out[-1], xml)
            return
        if not out:
            self.leading_section = sect  # the seam with a layout designed in Word may take it (_mend_seams)
        out.append(f"<w:p><w:pPr>{xml}</w:pPr></w:p>")

    def fragment(self, element) -> str:
        """``element`` as XML text for the body, without the namespace declarations the document makes."""
        from lxml import etree

        declared = self.package.element.nsmap
        return _XMLNS.sub(
            lambda found: "" if declared.get(found.group(1)) == found.group(2) else found.group(0),
            etree.tostring(element, encoding="unicode"),
        )

    # -- into the document ----------------------------------------------------------
    def _install(self, out: list[str]) -> None:
        """The body text into the document: ``self.document_xml``, the bytes of the document part.

        The reference's document element is serialised once around a marker
        and the body text goes in its place as the writer made it: parsing
        the whole part back (12 MB of XML at 2,000 tasks) cost a fifth of the
        Word time, and only the reference's own elements need a tree. So what
        a parse used to fix up in the whole body is done where it arises: a
        section break joins the paragraph before it as it is written
        (:meth:`_end_section`), runs are tagged English as they are made, and
        only the seams with a layout designed in Word are mended here.
        """
        from lxml import etree

        from outlookgen.render.docx.layout import set_title_page

        root = self.package.element
        body = self.package.body
        marker = etree.Comment(_BODY_MARKER)
        if self.layout is not None and self.layout.designed:
            # A layout designed in Word: its cover, boilerplate and sections stay; the outlook
            # takes the place of the {{ outlook.body }} paragraph.
            self.layout.marker.addprevious(marker)
            body.remove(self.layout.marker)
        else:
            for child in list(body):
                if child is not self.sect:
                    body.remove(child)
            self.sect.addprevious(marker)
        self._mend_seams(body, marker, out)
        if self.latin_lang:
            _tag_latin_runs(body)  # the text of a cover laid out in Word; the writer's runs are tagged already
        # The first page is the cover: the first section gets a distinct first page, so the
        # firm's header and footer start on page 2. The body's last section is not the first
        # once any section ended before it, so it shows them on its first page too.
        preceding = reversed(list(marker.itersiblings(preceding=True)))
        before = [s for child in preceding for s in child.iter(W + "sectPr")]
        after = [s for child in marker.itersiblings() for s in child.iter(W + "sectPr")]
        if before:
            set_title_page(before[0])
        elif self.sections_closed == 0:
            set_title_page(after[0])
        if len(before) + self.sections_closed + len(after) > 1:
            for title in after[-1].findall(W + "titlePg"):
                after[-1].remove(title)
        xml = etree.tostring(root, encoding="UTF-8", standalone=True)
        head, found, tail = xml.partition(f"<!--{_BODY_MARKER}-->".encode())
        if not found:  # pragma: no cover - the marker was put in above
            raise AssertionError("the body marker was lost")
        self.document_xml = head + "".join(out).encode("utf-8") + tail

    def _mend_seams(self, body, marker, out: list[str]) -> None:
        """Section breaks that meet a layout designed in Word join the paragraph before them, as in the body.

        The layout's own breaks are merged among themselves (the marker is no
        paragraph, so nothing crosses it); a break of the layout right after
        the outlook joins the outlook's last paragraph, and a break the
        outlook starts with joins the layout's paragraph before it.
        """
        if not any(out):
            previous = marker.getprevious()
            body.remove(marker)
            _merge_section_marks(list(body))  # nothing between: the layout's paragraphs meet
            if previous is not None:
                previous.addnext(marker)
            else:
                body.insert(0, marker)
            return
        _merge_section_marks(list(body))
        after = marker.getnext()
        if after is not None and _section_only(after) and _lone_paragraph(out[-1]):
            out[-1] = _with_section(out[-1], self.fragment(after.find(f"{W}pPr/{W}sectPr")))
            body.remove(after)
        before = marker.getprevious()
        lead = self.leading_section
        if (
            lead is not None
            and before is not None
            and before.tag == W + "p"
            and before.find(f"{W}pPr/{W}sectPr") is None
        ):
            ppr = before.find(W + "pPr")
            if ppr is None:
                from lxml import etree

                ppr = etree.Element(W + "pPr")
                before.insert(0, ppr)
            ppr.append(lead)
            out[0] = ""


def _lone_text(cell) -> bool:
    """Whether a table cell holds one ``<md>`` text and nothing else (blank space aside)."""
    if len(cell) != 1 or cell[0].tag != "md":
        return False
    text, tail = cell.text, cell[0].tail
    return not (text and not text.isspace()) and not (tail and not tail.isspace())


def _lone_paragraph(xml: str) -> bool:
    """Whether body text ``xml`` is one paragraph without a section break (one a break may join)."""
    return (
        (xml.startswith(("<w:p>", "<w:p ")) and xml.endswith("</w:p>") and xml.count("</w:p>") == 1) or xml == "<w:p/>"
    ) and "<w:sectPr" not in xml


def _with_section(paragraph: str, sect: str) -> str:
    """The lone ``paragraph`` carrying the section break ``sect`` last in its properties."""
    if paragraph == "<w:p/>":
        return f"<w:p><w:pPr>{sect}</w:pPr></w:p>"
    if paragraph.startswith("<w:p><w:pPr/>"):
        return f"<w:p><w:pPr>{sect}</w:pPr>{paragraph[len('<w:p><w:pPr/>') :]}"
    if paragraph.startswith("<w:p><w:pPr>"):
        end = paragraph.index("</w:pPr>")
        return paragraph[:end] + sect + paragraph[end:]
    head = paragraph.index(">") + 1
    return f"{paragraph[:head]}<w:pPr>{sect}</w:pPr>{paragraph[head:]}"


def _section_only(p) -> bool:
    """Whether a paragraph of the reference holds nothing but a section break."""
    if p.tag != W + "p" or len(p) != 1:
        return False
    ppr = p.find(W + "pPr")
    return ppr is not None and len(ppr) == 1 and ppr.find(W + "sectPr") is not None


def _empty_element(node) -> str:
    """An empty ``w:`` element (a border, a margin) as XML text, with its ``w:`` attributes only."""
    from lxml import etree

    attrs = "".join(
        f' w:{etree.QName(k).localname}="{x.esc_attr(v)}"' for k, v in node.attrib.items() if k.startswith(W)
    )
    return f"<w:{etree.QName(node).localname}{attrs}/>"


def _merge_section_marks(children) -> None:
    """Move a section break into the paragraph before it, so no empty paragraph is left at a section end."""
    for i, p in enumerate(children):
        if p.tag != W + "p" or i == 0:
            continue
        ppr = p.find(W + "pPr")
        if ppr is None or ppr.find(W + "sectPr") is None or len(p) != 1 or len(ppr) != 1:
            continue
        prev = children[i - 1]
        if prev.tag != W + "p" or prev.getparent() is None:
            continue
        prev_ppr = prev.find(W + "pPr")
        if prev_ppr is not None and prev_ppr.find(W + "sectPr") is not None:
            continue
        if prev_ppr is None:
            from lxml import etree

            prev_ppr = etree.Element(W + "pPr")
            prev.insert(0, prev_ppr)
        prev_ppr.append(ppr.find(W + "sectPr"))
        p.getparent().remove(p)


def _fit(widths: list[float], total: int) -> list[int]:
    """Whole twips that add up to ``total`` exactly."""
    out = [max(1, int(w)) for w in widths]
    out[-1] += total - sum(out)
    if out[-1] < 1:  # pragma: no cover - only with absurd inputs
        out = [max(1, total // len(out))] * len(out)
        out[-1] += total - sum(out)
    return out


def auto_widths(measures: list[tuple[float, float]] | list[Measure], width: int) -> list[int]:
    """Column widths that keep words whole when they can (CSS's automatic table layout, simplified).

    Ids, dates and numbers need little and get little; sentences get the
    room that is left. In turn, as long as the table fits:

    1. every column shows its longest line on one line, spare room shared in
       proportion;
    2. every column gets its longest word (capped at 40% of the table, so one
       long URL cannot squeeze the rest) and the remaining room goes to the
       columns in proportion to how much more their longest line needs;
    3. words may break after a hyphen (``K-|availability``, as Word and
       LibreOffice do), never inside the pieces;
    4. when even the pieces do not fit, the columns with the longest pieces
       give way first (every column keeps its pieces up to a common cap,
       chosen so the table fits), so as few words as possible are broken.
    """
    measures = [m if isinstance(m, Measure) else Measure(m[0], m[1], m[0]) for m in measures]
    cap = width * 0.4
    least = [min(m.word, cap) for m in measures]
    most = [max(m.line, a) for m, a in zip(measures, least, strict=True)]
    if sum(most) <= width:
        spare = width - sum(most)
        total = sum(most) or 1
        return _fit([w + spare * w / total for w in most], width)
    if sum(least) <= width:
        return _share(least, most, width)
    pieces = [min(m.piece, a) for m, a in zip(measures, least, strict=True)]
    if sum(pieces) <= width:
        # Whole words where there is room, smallest shortfalls first: most ids stay unbroken.
        base = list(pieces)
        spare = width - sum(base)
        for i in sorted(range(len(base)), key=lambda k: least[k] - pieces[k]):
            grow = min(least[i] - base[i], spare)
            base[i] += grow
            spare -= grow
        return _share(base, most, width)
    ordered = sorted(pieces)
    remaining = float(width)
    limit = ordered[-1]
    for i, value in enumerate(ordered):
        if value * (len(ordered) - i) >= remaining:
            limit = remaining / (len(ordered) - i)
            break
        remaining -= value
    return _fit([min(a, limit) for a in pieces], width)


def _share(base: list[float], most: list[float], width: int) -> list[int]:
    """``base`` plus the rest of ``width`` shared by how much more each column's longest line needs."""
    spare = width - sum(base)
    want = [max(0.0, b - a) for a, b in zip(base, most, strict=True)]
    total = sum(want) or 1
    return _fit([a + spare * w / total for a, w in zip(base, want, strict=True)], width)


def keep_with_next(xml: str) -> str:
    """Every paragraph in ``xml`` (a table row, a list item) with Word's "keep with next"."""
    xml = xml.replace("<w:p/>", "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>")
    xml = re.sub(r"<w:p>(?!<w:pPr>)", "<w:p><w:pPr><w:keepNext/></w:pPr>", xml)
    return _PPR_HEAD.sub(lambda mt: mt.group(0) if mt.group(2) else f"<w:pPr>{mt.group(1) or ''}<w:keepNext/>", xml)


_PPR_HEAD = re.compile(r'<w:pPr>(<w:pStyle w:val="[^"]*"/>)?(<w:keepNext/>)?')


def _keep_list(out: list[str], first: int) -> None:
    """A bullet list's items from ``out[first]`` on: a short list stays on one page, a long one keeps its ends."""
    items = [i for i in range(first, len(out)) if out[i].startswith("<w:p>")]
    if len(items) < 2:
        return
    keep = items[:-1] if len(items) <= _LIST_KEEP_WHOLE else [items[0], items[-2]]
    for i in keep:
        out[i] = keep_with_next(out[i])


# CT_RPr children that come after w:lang.
_AFTER_LANG = ("eastAsianLayout", "specVanish", "oMath")


def _tag_latin_runs(body) -> None:
    """Every run of a Chinese document that holds Latin letters or digits tagged English (``w:lang``).

    The writer tags the runs it makes as it goes; this also reaches the Gantt
    chart's runs and the text of a cover laid out in Word. Without it,
    LibreOffice breaks Latin words anywhere, as Chinese may be ("BO|M").
    """
    from lxml import etree

    for run in body.iter(W + "r"):
        if not any(_LATIN.search(t.text or "") for t in run.iterfind(W + "t")):
            continue
        rpr = run.find(W + "rPr")
        if rpr is None:
            rpr = etree.Element(W + "rPr")
            run.insert(0, rpr)
        elif rpr.find(W + "lang") is not None:
            continue
        lang = etree.Element(W + "lang")
        lang.set(W + "val", "en-US")
        lang.set(W + "eastAsia", "zh-CN")
        later = [c for c in rpr if etree.QName(c).localname in _AFTER_LANG]
        if later:
            later[0].addprevious(lang)
        else:
            rpr.append(lang)


# A run the writer made (ooxml.run): optional properties, then its text pieces.
_RUN = re.compile(r"<w:r>(<w:rPr>.*?</w:rPr>)?(.*?)</w:r>", re.S)
# Latin text in a run's w:t, not counting the letters of an escaped character (&amp;).
_LATIN_TEXT = re.compile(r"<w:t(?: [^>]*)?>(?:[^<&A-Za-z0-9]|&[a-z]+;)*[A-Za-z0-9]")


def tag_latin_runs(xml: str, lang: str) -> str:
    """:func:`_tag_latin_runs` on body text the writer made: runs with Latin text and no language get ``lang``."""

    def tag(run: re.Match) -> str:
        props, content = run.group(1), run.group(2)
        if not _LATIN_TEXT.search(content) or (props and "<w:lang " in props):
            return run.group(0)
        if not props:
            return f"<w:r><w:rPr>{lang}</w:rPr>{content}</w:r>"
        later = min((i for i in (props.find(f"<w:{name}") for name in _AFTER_LANG) if i >= 0), default=-1)
        if later < 0:
            later = len(props) - len("</w:rPr>")
        return f"<w:r>{props[:later]}{lang}{props[later:]}{content}</w:r>"

    return _RUN.sub(tag, xml)


def page_geometry(sect) -> tuple[int, int, tuple[int, int]]:
    """Page width and height (portrait) and the left and right margins of a section, in twips."""
    size = sect.find(W + "pgSz") if sect is not None else None
    margins = sect.find(W + "pgMar") if sect is not None else None
    width = int(size.get(W + "w", "11906")) if size is not None else 11906
    height = int(size.get(W + "h", "16838")) if size is not None else 16838
    if size is not None and size.get(W + "orient") == "landscape":
        width, height = height, width
    left = int(margins.get(W + "left", "1134")) if margins is not None else 1134
    right = int(margins.get(W + "right", "1134")) if margins is not None else 1134
    return width, height, (left, right)


def _text_height(sect, page_height: int) -> int:
    margins = sect.find(W + "pgMar")
    top = abs(int(margins.get(W + "top", "1418"))) if margins is not None else 1418
    bottom = abs(int(margins.get(W + "bottom", "1418"))) if margins is not None else 1418
    return max(page_height - top - bottom, 1440)


def _body_font(styles_element) -> str | None:
    """The Latin font body text is set in: Normal's, else the document defaults' (None: a theme font)."""
    for style in styles_element.iterchildren(W + "style"):
        if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true"):
            fonts = style.find(f"{W}rPr/{W}rFonts")
            if fonts is not None and fonts.get(W + "ascii"):
                return fonts.get(W + "ascii")
    fonts = styles_element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    return fonts.get(W + "ascii") if fonts is not None else None
