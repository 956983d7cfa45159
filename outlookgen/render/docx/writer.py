"""The one writer: block markup (see :mod:`.blocks` and docs/word.md) onto python-docx's document.

Paragraph, table and field XML is assembled as text with style ids resolved
once (:class:`.styles.StyleMap`), parsed in one go and put into the body of
the reference document; python-docx keeps what it is good at — the
package, relationships (hyperlinks, the logo), properties and saving.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from outlookgen.errors import TemplateError
from outlookgen.render import markup as m
from outlookgen.render.docx import ooxml as x
from outlookgen.render.docx.styles import Palette, StyleMap, W

BLOCK_TAGS = frozenset({"h", "p", "blocks", "ul", "table", "pagebreak", "toc", "landscape", "gantt", "logo", "bar"})
INLINE_TAGS = frozenset({"md", "t", "b", "i", "code", "link", "br"})
_NEWLINE_SPACE = re.compile(r"\s*\n\s*")
_ALIGN = {"left": "left", "center": "center", "centre": "center", "right": "right", "justify": "both"}
_VALIGN = {"top": "top", "center": "center", "centre": "center", "middle": "center", "bottom": "bottom"}
_BOOKMARK = "{urn:outlookgen}bookmark"
_TOC_FIELD = ' TOC \\o "1-3" \\h \\z \\u '
_EM_TWIPS_TABLE = 180  # Table Text is 9 pt: one em is 180 twips
_CELL_MARGINS = 170  # left + right cell margins of the default table style
_XML_ERR_NO_MEMORY = 2  # libxml2's XML_ERR_NO_MEMORY


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

    def next_style(self) -> str:
        if self.in_li:
            if not self.li_started:
                self.li_started = True
                return self.bullet
            return self.cont
        return self.para


@dataclass(frozen=True)
class Fmt:
    bold: bool = False
    italic: bool = False
    code: bool = False


_PLAIN = Fmt()


class Writer:
    def __init__(self, document, styles: StyleMap, palette: Palette, labels, context, fonts, logo: bytes | None):
        self.doc = document
        self.part = document.part
        self.styles = styles
        self.palette = palette
        self.labels = labels
        self.context = context
        self.fonts = fonts
        self.logo = logo
        self.pending_break = False
        self.toc: list[tuple[int, str, str]] = []
        self.sections_closed = 0
        self.links: dict[str, str] = {}
        self.next_rid = 1  # the lowest rId that may be free (hyperlinks are numbered from here)
        self.id_code = styles.id("character", "Inline Code")
        self.id_link = styles.id("character", "Hyperlink")
        body = document.element.body
        self.sect = body.find(W + "sectPr")
        if self.sect is None:
            raise TemplateError("docx/reference.docx has no section properties (w:sectPr) in its body")
        self.page_w, self.page_h, self.margins = self._page_geometry(self.sect)
        self.portrait_width = self.page_w - self.margins[0] - self.margins[1]
        self.landscape_width = self.page_h - self.margins[0] - self.margins[1]

    # -- entry point --------------------------------------------------------
    def write(self, root) -> None:
        self._prepass(root)
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

    @staticmethod
    def _page_geometry(sect) -> tuple[int, int, tuple[int, int]]:
        size = sect.find(W + "pgSz")
        margins = sect.find(W + "pgMar")
        width = int(size.get(W + "w", "11906")) if size is not None else 11906
        height = int(size.get(W + "h", "16838")) if size is not None else 16838
        if size is not None and size.get(W + "orient") == "landscape":
            width, height = height, width
        left = int(margins.get(W + "left", "1134")) if margins is not None else 1134
        right = int(margins.get(W + "right", "1134")) if margins is not None else 1134
        return width, height, (left, right)

    # -- headings for the table of contents -----------------------------------
    def _prepass(self, root) -> None:
        n = 0
        for h in root.iter("h"):
            level = self._level(h)
            if level > 3 or h.get("toc") in ("no", "0", "false"):
                continue
            n += 1
            name = f"_Toc{n:08d}"
            # Kept on the node itself: lxml proxies (and so their id()) do not live across iterations.
            h.set(_BOOKMARK, f"{n} {name}")
            self.toc.append((level, self._plain(h), name))

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
        runs = self._runs(items)
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
    ) -> None:
        props = x.ppr(
            style or ctx.next_style(),
            keep_next=keep_next,
            page_break=self._take_break(),
            align=align or ctx.align,
        )
        out.append(f"<w:p>{props}{prefix}{runs}{suffix}</w:p>")

    def _take_break(self) -> bool:
        if self.pending_break:
            self.pending_break = False
            return True
        return False

    # -- inline content -------------------------------------------------------
    def _runs(self, items: list) -> str:
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
                out.append(self._run(item, _PLAIN))
            else:
                self._inline(item, _PLAIN, out)
        return "".join(out)

    def _inline(self, elem, fmt: Fmt, out: list[str], in_link=False) -> None:
        tag = elem.tag
        if tag == "md":
            self._ast(m.parse_inline(elem.text or ""), fmt, out, in_link)
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
            sub = Fmt(
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
                self._ast(node.children, Fmt(True, fmt.italic, fmt.code), out, in_link)
            elif isinstance(node, m.Emph):
                self._ast(node.children, Fmt(fmt.bold, True, fmt.code), out, in_link)
            elif isinstance(node, m.Code):
                out.append(self._run(node.text, Fmt(fmt.bold, fmt.italic, True), in_link))
            elif isinstance(node, m.Link):
                if in_link:
                    self._ast(node.children, fmt, out, in_link)
                    continue
                inner: list[str] = []
                self._ast(node.children, fmt, inner, True)
                out.append(self._hyperlink(node.url, "".join(inner)))

    def _run(self, text: str, fmt: Fmt, in_link=False) -> str:
        if in_link:
            props = x.rpr(
                style=self.id_link,
                bold=fmt.bold,
                italic=fmt.italic,
                fonts=self.fonts.get("monospace", "Consolas") if fmt.code else None,
            )
        else:
            props = x.rpr(style=self.id_code if fmt.code else None, bold=fmt.bold, italic=fmt.italic)
        return x.run(text, props)

    def _hyperlink(self, url: str, runs: str) -> str:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        rid = self.links.get(url)
        if rid is None:
            # Not part.relate_to: python-docx scans every relationship for a match and
            # for a free rId on each call, so a spec with many distinct links took
            # quadratic time (20 000 links: a minute). self.links already dedupes.
            rels = self.part.rels
            while f"rId{self.next_rid}" in rels:
                self.next_rid += 1
            rid = self.links[url] = f"rId{self.next_rid}"
            rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
        return f'<w:hyperlink r:id="{rid}" w:history="1">{runs}</w:hyperlink>'

    # -- blocks -----------------------------------------------------------------
    def _block_h(self, elem, ctx: Ctx, out: list[str]) -> None:
        level = self._level(elem)
        style = self.styles.id("paragraph", f"Heading {level}")
        items = self._children_items(elem)
        runs = self._runs(items)
        mark = elem.get(_BOOKMARK)
        prefix = suffix = ""
        if mark:
            number, name = mark.split(" ")
            prefix = f'<w:bookmarkStart w:id="{number}" w:name="{name}"/>'
            suffix = f'<w:bookmarkEnd w:id="{number}"/>'
        self._para(ctx, out, runs, style=style, prefix=prefix, suffix=suffix)

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
        runs = self._runs(self._children_items(elem))
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
        for blk in m.parse_block(elem.text or ""):
            if isinstance(blk, m.Paragraph):
                runs: list[str] = []
                self._ast(blk.inlines, _PLAIN, runs)
                self._para(ctx, out, "".join(runs), style=style)
            else:
                for item in blk.items:
                    runs = []
                    self._ast(item, _PLAIN, runs)
                    self._para(ctx, out, "".join(runs), style=ctx.bullet)

    def _block_ul(self, elem, ctx: Ctx, out: list[str]) -> None:
        for li in elem:
            if li.tag != "li":
                raise TemplateError(f"docx template: <ul> holds <li> elements, not <{li.tag}>")
            item = Ctx(ctx.width, ctx.para, ctx.bullet, ctx.cont, ctx.align, in_li=True, em=ctx.em)
            self._flow(li, item, out)

    def _block_pagebreak(self, elem, ctx: Ctx, out: list[str]) -> None:
        self.pending_break = True

    def _block_logo(self, elem, ctx: Ctx, out: list[str]) -> None:
        if not self.logo:
            return
        import io

        from docx.shared import Mm
        from lxml import etree

        try:
            width = Mm(float(elem.get("width-mm", "40")))
            inline = self.part.new_pic_inline(io.BytesIO(self.logo), width, None)
        except Exception as exc:  # python-docx raises several kinds for images it cannot read
            raise TemplateError(f"the pack's logo cannot go into Word: {exc}") from None
        drawing = etree.tostring(inline, encoding="unicode")
        self._para(ctx, out, f"<w:r><w:drawing>{drawing}</w:drawing></w:r>", align=_ALIGN.get(elem.get("align", "")))

    def _block_toc(self, elem, ctx: Ctx, out: list[str]) -> None:
        s = self.styles
        title = elem.get("title")
        if title:
            self._para(ctx, out, x.run(title), style=s.id("paragraph", "TOC Heading"))
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
            # adds them when the field is updated (F9), keeping the entries.
            link = f'<w:hyperlink w:anchor="{name}" w:history="1">{x.run(text)}</w:hyperlink>'
            self._para(
                ctx,
                out,
                (begin if i == 0 else "") + link + (end if i == last else ""),
                style=s.id("paragraph", f"toc {level}"),
            )

    def _block_landscape(self, elem, ctx: Ctx, out: list[str]) -> None:
        self.pending_break = False  # a new section starts on a new page anyway
        self._end_section(out, landscape=False)
        inner = self._body_ctx(self.landscape_width)
        self._flow(elem, inner, out)
        self.pending_break = False
        self._end_section(out, landscape=True)

    def _block_gantt(self, elem, ctx: Ctx, out: list[str]) -> None:
        from outlookgen.render.docx.gantt import render_gantt

        if self.pending_break:
            out.append(self._break_paragraph())
        render_gantt(self, ctx, elem, out)

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
        style = self.styles.id("table", "Bar Table")
        out.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="{width}" w:type="dxa"/>'
            '<w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{''.join(grid)}</w:tblGrid>"
            f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="113" w:hRule="exact"/></w:trPr>{"".join(cells)}</w:tr></w:tbl>'
        )

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
        spans = [[self._span(c) for c in r if self._is_cell(c, r)] for r in rows]
        ncols = max(sum(s) for s in spans) or 1
        width = self._table_width(elem, ctx)
        widths = self._column_widths(elem, rows, ncols, width)
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

        parts = [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>{jc}'
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblLook w:val="{look_val:04X}" w:firstRow="{int(has_header)}" w:lastRow="0" '
            f'w:firstColumn="{int(first_col)}" w:lastColumn="0" w:noHBand="{int(not banded)}" w:noVBand="1"/>'
            "</w:tblPr><w:tblGrid>",
            "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
            "</w:tblGrid>",
        ]
        header_run = True
        for row in rows:
            is_header = header_run and row.get("header") in ("1", "yes", "true")
            header_run = is_header
            parts.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if is_header else "") + "</w:trPr>")
            col = 0
            for cell in row:
                if not self._is_cell(cell, row):
                    continue
                span = self._span(cell)
                cell_width = sum(widths[col : col + span]) or widths[-1]
                col += span
                parts.append(self._cell(cell, cell_width, span, head_style if is_header else text_style, bullet))
            if col < ncols:  # a short row: pad so every row fills the grid
                for w in widths[col:]:
                    parts.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p/></w:tc>')
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        out.append("".join(parts))

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

    def _cell(self, cell, width: int, span: int, para_style: str, bullet: str) -> str:
        props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
        if span > 1:
            props.append(f'<w:gridSpan w:val="{span}"/>')
        fill = self.shade(cell.get("shade"))
        if fill:
            props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
        valign = _VALIGN.get(cell.get("valign", ""))
        if valign:
            props.append(f'<w:vAlign w:val="{valign}"/>')
        inner = Ctx(
            width=max(width - _CELL_MARGINS, 100),
            para=para_style,
            bullet=bullet,
            cont=para_style,
            align=_ALIGN.get(cell.get("align", "")),
        )
        content: list[str] = []
        self._flow(cell, inner, content)
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

    def _column_widths(self, elem, rows, ncols: int, width: int) -> list[int]:
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
        return auto_widths(self._measure(rows, ncols), width)

    def _measure(self, rows, ncols: int) -> list[tuple[float, float]]:
        """Per column (longest unbreakable piece, longest line), in twips, from the cell texts."""
        least = [0.0] * ncols
        most = [0.0] * ncols
        for row in rows:
            factor = 1.15 if row.get("header") in ("1", "yes", "true") else 1.0  # bold
            col = 0
            for cell in row:
                span = self._span(cell)
                if span == 1 and col < ncols:
                    word, line = x.text_extent(self._cell_text(cell))
                    least[col] = max(least[col], word * _EM_TWIPS_TABLE * factor)
                    most[col] = max(most[col], line * _EM_TWIPS_TABLE * factor)
                col += span
        return [(a + _CELL_MARGINS, max(a, b) + _CELL_MARGINS) for a, b in zip(least, most, strict=True)]

    @staticmethod
    def _cell_text(cell) -> str:
        text = "".join(cell.itertext())
        if cell.find("bar") is not None:
            text += "\n" + "m" * 6
        return text.replace("**", "").replace("`", "")

    # -- sections -------------------------------------------------------------------
    def _sect_copy(self, *, landscape: bool, keep_title_page: bool) -> str:
        from lxml import etree

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
        if not keep_title_page:
            for title in sect.findall(W + "titlePg"):
                sect.remove(title)
        return etree.tostring(sect, encoding="unicode")

    def _end_section(self, out: list[str], *, landscape: bool) -> None:
        first = self.sections_closed == 0
        self.sections_closed += 1
        sect = self._sect_copy(landscape=landscape, keep_title_page=first)
        out.append(f"<w:p><w:pPr>{sect}</w:pPr></w:p>")

    # -- into the document ----------------------------------------------------------
    def _install(self, out: list[str]) -> None:
        """The body text into the document: the whole document.xml is parsed once.

        Moving big parsed subtrees from one lxml document into another costs
        far more than parsing (lxml fixes up every node), so the reference's
        document element is serialised around a marker, the body text goes
        in its place, and the part gets the newly parsed element.
        """
        from docx.oxml.parser import parse_xml
        from lxml import etree

        part = self.doc.part
        root = part.element
        body = root.body
        for child in list(body):
            if child is not self.sect:
                body.remove(child)
        if self.sections_closed:
            for title in self.sect.findall(W + "titlePg"):
                self.sect.remove(title)
        marker = etree.Comment("outlookgen:body")
        self.sect.addprevious(marker)
        head, _, tail = etree.tostring(root, encoding="unicode").partition("<!--outlookgen:body-->")
        try:
            new_root = parse_xml(head + "".join(out) + tail)
        except etree.XMLSyntaxError as exc:
            if exc.code == _XML_ERR_NO_MEMORY:  # libxml2 reports exhaustion as a syntax error
                raise MemoryError from None
            raise
        _merge_section_marks(list(new_root.body))
        part._element = new_root


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


def auto_widths(measures: list[tuple[float, float]], width: int) -> list[int]:
    """Column widths that keep words whole when they can (CSS's automatic table layout, simplified).

    Each column gets at least its longest unbreakable word (capped at 40% of
    the table, so one long URL cannot squeeze the rest); the remaining
    space goes to columns in proportion to how much more they would need to
    show their longest line unbroken. When even the words do not fit, the
    columns with the longest words give way first (every column keeps its
    words up to a common cap, chosen so the table fits), so as few words as
    possible are broken.
    """
    cap = width * 0.4
    least = [min(a, cap) for a, _ in measures]
    most = [max(b, a2) for (_, b), a2 in zip(measures, least, strict=True)]
    if sum(most) <= width:
        spare = width - sum(most)
        total = sum(most) or 1
        return _fit([w + spare * w / total for w in most], width)
    if sum(least) <= width:
        spare = width - sum(least)
        want = [b - a for a, b in zip(least, most, strict=True)]
        total = sum(want) or 1
        return _fit([a + spare * w / total for a, w in zip(least, want, strict=True)], width)
    ordered = sorted(least)
    remaining = float(width)
    limit = ordered[-1]
    for i, value in enumerate(ordered):
        if value * (len(ordered) - i) >= remaining:
            limit = remaining / (len(ordered) - i)
            break
        remaining -= value
    return _fit([min(a, limit) for a in least], width)
