"""Render every sample × pack × format to PNG pages and print each document's page facts.

    python -m tools.render_pages [--out build/pages] [--pack NAME_OR_FOLDER ...] [--dpi 50] [--no-png]

For each pack (default: the built-in ``default`` and ``executive``, and the
sample firm packs ``samples/packs/acme`` and ``samples/packs/northstar``) both
samples are built as Word, PDF and HTML, then:

* Word: LibreOffice (``soffice --convert-to pdf``, one run per pack) lays the
  .docx out as Word would (with Carlito and Noto CJK installed), pdftoppm
  writes ``<out>/<pack>/<sample>.docx-NN.png``;
* PDF: WeasyPrint's PDF (outlookgen's ``-f pdf``), ``<sample>.pdf-NN.png``;
* HTML: a headless Chromium screenshot of the whole page, ``<sample>.html.png``;
* a contact sheet per document (``<sample>.<format>-sheet.png``) to look at
  every page at once.

The table printed at the end holds the measurable facts tests/visual checks
(:mod:`tools.page_facts`): pages, one-line pages, near-empty pages that no
section break explains, words outside the text area, headings ending a
page, spec words broken across lines. Needs soffice, pdftoppm, pdftotext,
chromium and the ``pdf`` extra.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
PACKS = (
    "default",
    "executive",
    str(ROOT / "samples" / "packs" / "acme"),
    str(ROOT / "samples" / "packs" / "northstar"),
)
# The HTML page's print margins (templates/default/html/outlook.css, @page): left and right, in points.
PDF_MARGINS = {False: (16 / 25.4 * 72, 16 / 25.4 * 72), True: (14 / 25.4 * 72, 14 / 25.4 * 72)}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Facts:
    document: str
    pages: int
    one_line: list[int]
    near_empty: list[int]
    outside: list[str]
    heading_last: list[str]
    broken: list[str]

    @property
    def clean(self) -> bool:
        return not (self.one_line or self.near_empty or self.outside or self.heading_last or self.broken)


def pack_label(pack: str) -> str:
    return Path(pack).name


def build(pack: str, out: Path) -> None:
    """Both samples in Word, PDF and HTML into ``out``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "outlookgen",
            "build",
            "-q",
            "--force",
            "-f",
            "docx,pdf,html",
            "-t",
            pack,
            "-o",
            str(out),
        ]
        + [str(s) for s in SAMPLES],
        check=True,
        cwd=ROOT,
    )


def word_to_pdf(docx_files: list[Path], out: Path, soffice: str = "soffice") -> None:
    """LibreOffice's PDF of each .docx (one soffice run, a throw-away profile)."""
    with tempfile.TemporaryDirectory(prefix="og-lo-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore"]
            + ["--convert-to", "pdf", "--outdir", str(out), *map(str, docx_files)],
            check=True,
            capture_output=True,
            timeout=600,
        )


def docx_headings(docx: Path) -> tuple[list[str], list[str], list[str]]:
    """(headings that open a page on purpose, every heading, the contents' title) of a .docx, as text."""
    from lxml import etree

    with zipfile.ZipFile(docx) as archive:
        doc = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    names = {s.get(W + "styleId"): (s.find(W + "name").get(W + "val") or "").lower() for s in styles.iter(W + "style")}
    openers, headings, contents = [], [], []
    for p in doc.iter(W + "p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        name = names.get(style.get(W + "val"), "") if style is not None else ""
        text = "".join(t.text or "" for t in p.iter(W + "t"))
        if name == "toc heading":
            contents.append(text)
        if name.startswith("heading") or name == "toc heading":
            headings.append(text)
            if p.find(f"{W}pPr/{W}pageBreakBefore") is not None or name in ("heading 1", "toc heading"):
                openers.append(text)
    return openers, headings, contents


def html_headings(html: Path) -> tuple[list[str], list[str], list[str]]:
    """(h2 headings — steps, appendices, the contents —, h2 to h4, the contents' title) of an HTML page."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html.read_bytes())
    openers = [h.text_content() for h in tree.iter("h2")]
    headings = [h.text_content() for h in tree.iter("h2", "h3", "h4")]
    contents = [h.text_content() for h in tree.xpath("//nav//h2")]
    return openers, headings, contents


def docx_margins(docx: Path) -> dict[bool, tuple[float, float]]:
    """Left and right margins (points) of the document's sections, by orientation."""
    from lxml import etree

    with zipfile.ZipFile(docx) as archive:
        doc = etree.fromstring(archive.read("word/document.xml"))
    out = {}
    for sect in doc.iter(W + "sectPr"):
        size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
        landscape = size is not None and int(size.get(W + "w")) > int(size.get(W + "h"))
        left = int(margins.get(W + "left", "1134")) / 20 if margins is not None else 56.7
        right = int(margins.get(W + "right", "1134")) / 20 if margins is not None else 56.7
        out[landscape] = (
            min(left, out.get(landscape, (left, right))[0]),
            min(right, out.get(landscape, (left, right))[1]),
        )
    out.setdefault(True, out.get(False, (56.7, 56.7)))
    out.setdefault(False, out[True])
    return out


def facts(pdf: Path, spec: Path, margins, outline: tuple[list[str], list[str], list[str]], label: str) -> Facts:
    """The page facts of one PDF; ``outline`` is (page-opening headings, all headings, contents titles)."""
    from tools import page_facts as pf

    openers, headings, contents = outline
    pages = pf.read_pages(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return Facts(
        label,
        len(pages),
        pf.one_line_pages(pages),
        pf.near_empty_pages(pages, openers),
        pf.outside_text_area(pages, margins),
        pf.headings_last_on_page(pages, headings, contents),
        pf.broken_words(text, pf.spec_words(spec)),
    )


def pngs(pdf: Path, prefix: Path, dpi: int) -> list[Path]:
    for old in prefix.parent.glob(prefix.name + "-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def screenshot(html: Path, png: Path, chromium: str) -> None:
    with tempfile.TemporaryDirectory(prefix="og-chromium-") as profile:
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
            + [f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,16000", html.as_uri()],
            capture_output=True,
            timeout=180,
            check=False,
        )


def sheet(images: list[Path], target: Path, columns: int = 6) -> None:
    """All pages of a document on one image, numbered."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return
    opened = [Image.open(p).convert("RGB") for p in images]
    if not opened:
        return
    w, h = max(i.width for i in opened), max(i.height for i in opened)
    rows = (len(opened) + columns - 1) // columns
    canvas = Image.new("RGB", (columns * (w + 6), rows * (h + 18)), "#8a8a8a")
    draw = ImageDraw.Draw(canvas)
    for k, image in enumerate(opened):
        x, y = (k % columns) * (w + 6), (k // columns) * (h + 18)
        canvas.paste(image, (x, y + 16))
        draw.text((x + 2, y + 2), str(k + 1), fill="black")
    canvas.save(target)


def render(out: Path, packs: list[str], dpi: int, png: bool) -> list[Facts]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    found: list[Facts] = []
    for pack in packs:
        folder = out / pack_label(pack)
        folder.mkdir(parents=True, exist_ok=True)
        build(pack, folder)
        docx_files = [folder / f"{s.stem}.docx" for s in SAMPLES]
        word_to_pdf(docx_files, folder / "word-pdf")
        for spec in SAMPLES:
            stem = spec.stem
            word_pdf = folder / "word-pdf" / f"{stem}.pdf"
            label = f"{pack_label(pack)}/{stem}"
            margins = docx_margins(folder / f"{stem}.docx")
            found.append(facts(word_pdf, spec, margins, docx_headings(folder / f"{stem}.docx"), label + " docx"))
            found.append(
                facts(folder / f"{stem}.pdf", spec, PDF_MARGINS, html_headings(folder / f"{stem}.html"), label + " pdf")
            )
            if not png:
                continue
            sheet(pngs(word_pdf, folder / f"{stem}.docx", dpi), folder / f"{stem}.docx-sheet.png")
            sheet(pngs(folder / f"{stem}.pdf", folder / f"{stem}.pdf", dpi), folder / f"{stem}.pdf-sheet.png")
            if chromium:
                screenshot(folder / f"{stem}.html", folder / f"{stem}.html.png", chromium)
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "pages")
    parser.add_argument("--pack", action="append", help="a pack name or folder (repeat); default: all four")
    parser.add_argument("--dpi", type=int, default=50)
    parser.add_argument("--no-png", action="store_true", help="only the facts, no page images")
    args = parser.parse_args(argv)
    rows = render(args.out, args.pack or list(PACKS), args.dpi, not args.no_png)
    width = max(len(f.document) for f in rows)
    print(f"{'document'.ljust(width)}  pages  one-line  near-empty  outside  heading-last  broken")
    for f in rows:
        print(
            f"{f.document.ljust(width)}  {f.pages:>5}  {len(f.one_line):>8}  {len(f.near_empty):>10}  "
            f"{len(f.outside):>7}  {len(f.heading_last):>12}  {len(f.broken):>6}"
        )
    for f in rows:
        for what, values in (
            ("one-line pages", f.one_line),
            ("near-empty pages", f.near_empty),
            ("outside the text area", f.outside[:5]),
            ("headings ending a page", f.heading_last),
            ("broken words", f.broken),
        ):
            if values:
                print(f"{f.document}: {what}: {', '.join(map(str, values))}")
    print(f"pages and contact sheets in {args.out}")
    return 0 if all(f.clean for f in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
