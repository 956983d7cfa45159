"""A readable text dump of a .docx (paragraphs with style names, tables, sections, fields) for golden tests.

Golden files compare this text, not zip bytes: a change in the document
shows as a one-line diff a reviewer can read. ``python -m
tools.docx_dump FILE.docx`` prints it.

Markers: ``[Style] text`` per paragraph, with ``**bold**``, ``*italic*``,
```code``` and ``[label](url)`` / ``[label](#anchor)`` for runs; tables as
``TABLE <style> widths=...`` followed by ``| cell | cell |`` rows (``H`` in
front of a repeating header row, cell shading as ``{RRGGBB}``); a Gantt
table's unit cells as one character each (``.`` empty, ``x``
hatched, ``#`` a dark (done) and ``+`` a light (planned) fill, ``◆`` a
milestone, ``=`` a critical-path border); section breaks
with their orientation; fields as ``{FIELD instruction}``.
"""

from __future__ import annotations

import sys
import zipfile
from io import BytesIO

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = f"{{{W_NS}}}"


def dump(data: bytes) -> str:
    from lxml import etree

    with zipfile.ZipFile(BytesIO(data)) as archive:
        doc = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        core = archive.read("docProps/core.xml").decode("utf-8")
        parts = {n: archive.read(n) for n in archive.namelist() if n.startswith(("word/header", "word/footer"))}
    names = {s.get(W + "styleId"): s.find(W + "name").get(W + "val") for s in styles.iter(W + "style")}
    targets = {r.get("Id"): r.get("Target") for r in rels}
    out: list[str] = []
    out.append("== properties")
    for line in _core_lines(core):
        out.append(line)
    for name in sorted(parts):
        root = etree.fromstring(parts[name])
        out.append(f"== {name}")
        for p in root.iter(W + "p"):
            text = _runs(p, targets)
            if text:
                out.append(f"  {text}")
    out.append("== body")
    body = doc.find(W + "body")
    for el in body:
        _block(el, out, names, targets, "")
    return "\n".join(out) + "\n"


def _core_lines(xml: str) -> list[str]:
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    return [f"  {etree.QName(el).localname}: {el.text or ''}" for el in root]


def _block(el, out: list[str], names, targets, indent: str) -> None:
    tag = el.tag
    if tag == W + "p":
        ppr = el.find(W + "pPr")
        style = "Normal"
        extras = []
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            if ps is not None:
                style = names.get(ps.get(W + "val"), ps.get(W + "val"))
            if ppr.find(W + "pageBreakBefore") is not None:
                extras.append("page-break-before")
            jc = ppr.find(W + "jc")
            if jc is not None:
                extras.append(f"align={jc.get(W + 'val')}")
        # og_ bookmarks trace spec text for review (render/docx/trace.py); invisible, tested on their own.
        marks = [b.get(W + "name") for b in el.iter(W + "bookmarkStart") if not b.get(W + "name").startswith("og_")]
        extra = (" " + " ".join(extras)) if extras else ""
        bookmark = f" #{','.join(marks)}" if marks else ""
        out.append(f"{indent}[{style}{extra}]{bookmark} {_runs(el, targets)}".rstrip())
        sect = ppr.find(W + "sectPr") if ppr is not None else None
        if sect is not None:
            out.append(f"{indent}---- section ends: {_section(sect)}")
    elif tag == W + "tbl":
        _table(el, out, names, targets, indent)
    elif tag == W + "sectPr":
        out.append(f"{indent}---- last section: {_section(el)}")


def _section(sect) -> str:
    size = sect.find(W + "pgSz")
    orient = size.get(W + "orient", "portrait") if size is not None else "?"
    dims = f"{size.get(W + 'w')}x{size.get(W + 'h')}" if size is not None else "?"
    refs = [
        f"{r.tag.split('}')[1]}:{r.get(W + 'type')}"
        for r in sect
        if r.tag in (W + "headerReference", W + "footerReference")
    ]
    title = " title-page" if sect.find(W + "titlePg") is not None else ""
    return f"{orient} {dims}{title} {' '.join(refs)}"


def _table(tbl, out: list[str], names, targets, indent: str) -> None:
    tpr = tbl.find(W + "tblPr")
    style = tpr.find(W + "tblStyle")
    style_name = names.get(style.get(W + "val"), style.get(W + "val")) if style is not None else "-"
    widths = [g.get(W + "w") for g in tbl.find(W + "tblGrid")]
    gantt = style_name == "Gantt Table"
    if gantt:
        out.append(
            f"{indent}TABLE {style_name} columns={len(widths)} label={widths[0]} unit={widths[-1] if len(widths) > 2 else '-'}"
        )
    else:
        out.append(f"{indent}TABLE {style_name} widths={','.join(widths)}")
    for tr in tbl.findall(W + "tr"):
        trpr = tr.find(W + "trPr")
        header = trpr is not None and trpr.find(W + "tblHeader") is not None
        whole = trpr is not None and trpr.find(W + "cantSplit") is not None
        flag = ("H" if header else " ") + ("" if whole else "~")
        cells = tr.findall(W + "tc")
        if gantt:
            label = " / ".join(_cell_text(c, targets) for c in cells[:2])
            bar = "".join(_gantt_char(c) for c in cells[2:])
            if header:
                bar = " | ".join(_cell_text(c, targets) for c in cells[2:])
            out.append(f"{indent}{flag}| {label} | {bar}")
            continue
        row = []
        for c in cells:
            tcpr = c.find(W + "tcPr")
            shade = ""
            span = ""
            if tcpr is not None:
                shd = tcpr.find(W + "shd")
                if shd is not None and shd.get(W + "fill") not in (None, "auto"):
                    shade = "{" + shd.get(W + "fill") + "}"
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = f"<{gs.get(W + 'val')}>"
            nested = c.find(W + "tbl")
            bar = ""
            if nested is not None:
                grid = [int(g.get(W + "w")) for g in nested.find(W + "tblGrid")]
                filled = sum(
                    int(tc.find(W + "tcPr/" + W + "tcW").get(W + "w"))
                    for tc in nested.iter(W + "tc")
                    if tc.find(W + "tcPr/" + W + "shd") is not None
                )
                bar = f"bar {round(100 * filled / sum(grid))}%"
            row.append(f"{span}{shade}{_cell_text(c, targets)}{bar}")
        out.append(f"{indent}{flag}| " + " | ".join(row) + " |")


def _gantt_char(tc) -> str:
    text = "".join(t.text or "" for t in tc.iter(W + "t"))
    if text:
        return text[0]
    tcpr = tc.find(W + "tcPr")
    if tcpr is None:
        return "."
    if tcpr.find(W + "tcBorders") is not None:
        return "="
    shd = tcpr.find(W + "shd")
    if shd is None:
        return "."
    if shd.get(W + "val") != "clear":
        return "x"
    fill = shd.get(W + "fill") or "FFFFFF"
    light = sum(int(fill[i : i + 2], 16) for i in (0, 2, 4)) / 765 > 0.6
    return "+" if light else "#"


def _cell_text(tc, targets) -> str:
    parts = []
    for p in tc.findall(W + "p"):
        text = _runs(p, targets)
        if not text:
            continue
        ppr = p.find(W + "pPr")
        num = ppr is not None and any(
            (ps := ppr.find(W + "pStyle")) is not None and "Bullet" in (ps.get(W + "val") or "") for _ in (0,)
        )
        parts.append(("• " if num else "") + text)
    return " / ".join(parts)


def _runs(p, targets) -> str:
    out: list[str] = []
    for child in p:
        if child.tag == W + "r":
            out.append(_run(child))
        elif child.tag == W + "hyperlink":
            label = "".join(_run(r) for r in child.iter(W + "r"))
            rid = child.get(f"{{{R_NS}}}id")
            dest = targets.get(rid, "?") if rid else "#" + (child.get(W + "anchor") or "")
            out.append(f"[{label}]({dest})")
        elif child.tag == W + "fldSimple":
            out.append("{FIELD" + (child.get(W + "instr") or "") + "}")
    return "".join(out)


def _run(r) -> str:
    rpr = r.find(W + "rPr")
    bold = italic = code = False
    if rpr is not None:
        bold = rpr.find(W + "b") is not None
        italic = rpr.find(W + "i") is not None
        rs = rpr.find(W + "rStyle")
        code = rs is not None and "Code" in (rs.get(W + "val") or "")
    text = []
    for child in r:
        if child.tag == W + "t":
            text.append(child.text or "")
        elif child.tag == W + "br":
            text.append("⏎" if child.get(W + "type") != "page" else "<page>")
        elif child.tag == W + "tab":
            text.append("⇥")
        elif child.tag == W + "instrText":
            text.append("{FIELD" + (child.text or "") + "}")
        elif child.tag == W + "drawing":
            text.append("<picture>")
    s = "".join(text)
    if not s.strip():
        return s
    lead = s[: len(s) - len(s.lstrip())]
    trail = s[len(s.rstrip()) :]
    s = s.strip()
    if code:
        s = f"`{s}`"
    if italic:
        s = f"*{s}*"
    if bold:
        s = f"**{s}**"
    return lead + s + trail


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as handle:
        sys.stdout.write(dump(handle.read()))
