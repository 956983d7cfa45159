"""Measurable facts about a document's printed pages, read from its PDF with poppler (``pdftotext``).

What a reader sees as an ugly page, made countable (docs/word.md, "Pages
that look right"):

* a page whose body holds one line of text (a stranded line);
* a page filled less than 30 %, unless the next page opens a section by
  design (a step, an appendix, a landscape or portrait section) or it is the
  last page;
* text outside the text area (a table wider than the page between its
  margins);
* a heading as the last line of a page (it belongs with what follows);
* a Latin word of the spec broken across lines ("availabilit|y", "BO|M").

Body text is what lies between the header and footer bands (the top and
bottom 7 % of the page); lines are grouped by their baseline, so a table row
whose cells each hold a line counts once. ``python -m tools.page_facts
FILE.pdf`` prints the facts of one PDF.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BAND = 0.062  # the header and footer bands, as a share of the page height (52 pt of A4)
EMPTY = 0.30  # a page filled less than this is nearly empty
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # body lines, top to bottom
    words: list[Line] = field(default_factory=list)  # every body word with its box

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def rows(self) -> list[list[Line]]:
        """Body lines grouped by baseline (within 2 pt): what a reader counts as lines."""
        rows: list[list[Line]] = []
        for line in sorted(self.lines, key=lambda ln: (round(ln.y1), ln.x0)):
            if rows and abs(rows[-1][0].y1 - line.y1) <= 2:
                rows[-1].append(line)
            else:
                rows.append([line])
        return rows

    @property
    def fill(self) -> float:
        """How far down the body area the text reaches, 0 to 1."""
        if not self.lines:
            return 0.0
        top, bottom = self.height * BAND, self.height * (1 - BAND)
        return max(0.0, min(1.0, (max(ln.y1 for ln in self.lines) - top) / (bottom - top)))


def read_pages(pdf: Path, pdftotext: str = "pdftotext") -> list[Page]:
    """Every page with its body lines and words (``pdftotext -bbox-layout``)."""
    from lxml import etree

    xml = subprocess.run([pdftotext, "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    pages = []
    for number, node in enumerate(root.iter(_XHTML + "page"), start=1):
        page = Page(number, float(node.get("width")), float(node.get("height")))
        top, bottom = page.height * BAND, page.height * (1 - BAND)
        for line in node.iter(_XHTML + "line"):
            words = list(line.iter(_XHTML + "word"))
            box = Line(
                " ".join(w.text or "" for w in words),
                float(line.get("xMin")),
                float(line.get("yMin")),
                float(line.get("xMax")),
                float(line.get("yMax")),
            )
            if box.y0 < top or box.y1 > bottom or not box.text.strip():
                continue  # the running header and footer
            page.lines.append(box)
            page.words += [
                Line(
                    w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax"))
                )
                for w in words
            ]
        pages.append(page)
    return pages


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def one_line_pages(pages: list[Page]) -> list[int]:
    return [p.number for p in pages if len(p.rows) == 1]


def near_empty_pages(pages: list[Page], openers: list[str]) -> list[int]:
    """Pages filled under :data:`EMPTY` that are not followed by a section opened by design.

    ``openers`` are the texts of the headings that start a new page on purpose
    (steps, appendices, the contents); a change of orientation is a section
    break by design too.
    """
    starts = {squeeze(t) for t in openers if squeeze(t)}
    out = []
    for page, following in itertools.pairwise(pages):
        if page.fill >= EMPTY or page.number == 1:
            continue
        if following.landscape != page.landscape:
            continue
        first = squeeze(" ".join(ln.text for ln in following.rows[0])) if following.rows else ""
        if any(first.startswith(s) for s in starts):
            continue
        out.append(page.number)
    return out


def outside_text_area(pages: list[Page], margins: dict[bool, tuple[float, float]], slack: float = 2.0) -> list[str]:
    """Words that stand outside the page's text area: ``margins[landscape] = (left, right)`` in points."""
    out = []
    for page in pages:
        left, right = margins[page.landscape]
        for word in page.words:
            # Chinese typesetting lets a comma or full stop hang past the margin at a line end.
            allowance = 12.0 if word.text.endswith(tuple(_HANGING)) else 0.0
            if word.x0 < left - slack or word.x1 > page.width - right + slack + allowance:
                out.append(f"p.{page.number}: {word.text!r} at x {word.x0:.0f}–{word.x1:.0f} of {page.width:.0f}")
    return out


def headings_last_on_page(pages: list[Page], headings: list[str], contents: list[str] = ()) -> list[str]:
    """Headings that end a page (the last body row is the whole heading); the contents pages list headings."""
    wanted = {squeeze(h) for h in headings if len(squeeze(h)) > 3}
    titles = {squeeze(t) for t in contents if squeeze(t)}
    out = []
    for page in pages[:-1]:
        if not page.rows or any(squeeze(" ".join(ln.text for ln in row)) in titles for row in page.rows):
            continue
        last = squeeze(" ".join(ln.text for ln in page.rows[-1]))
        if last in wanted:
            out.append(f"p.{page.number}: {last}")
    return out


_CONTENTS_LINE = re.compile(r"\.\s*\d+$")
_HANGING = "，。、；：！？）」』》"  # CJK punctuation that may hang into the margin at a line end
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+|[0-9]{2,}")


def broken_words(text: str, words: set[str]) -> list[str]:
    """Spec words that ``text`` (pdftotext's reading of a PDF) breaks across a line end.

    A word is broken where a line ends in letters or digits, the next line
    starts with more, and together — not each on its own — they make a word
    of the spec: "BO" + "M", "availabilit" + "y", "14" + "0起".
    """
    broken = set()
    lines = [line.strip() for line in text.splitlines()]
    for line, following in itertools.pairwise(lines):
        if _CONTENTS_LINE.search(line):
            continue  # a contents line ends in its page number, and the next may start with "1.1"
        head = re.search(r"([A-Za-z0-9]+)$", line)
        tail = re.match(r"([A-Za-z0-9]+)", following)
        if not head or not tail:
            continue
        joined = head.group(1) + tail.group(1)
        if joined in words and not (head.group(1) in words and tail.group(1) in words):
            broken.add(f"{head.group(1)}|{tail.group(1)}")
    return sorted(broken)


def spec_words(spec: Path) -> set[str]:
    """Latin words and numbers of two or more characters in a spec's texts (pieces between hyphens)."""
    import yaml

    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    words: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if str(key).startswith("x-") or key in ("url", "email"):
                    continue
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and _prose(value):
            # Inline Markdown markers and link targets are not text a reader sees.
            plain = re.sub(r"\]\([^)]*\)", "]", value)
            words.update(LATIN_WORD.findall(plain.replace("**", " ").replace("`", " ")))

    walk(data)
    return words


def _prose(value: str) -> bool:
    """Text a document prints as written: with a space or a CJK character (not an id, a date, a code)."""
    if "://" in value or "@" in value:
        return False
    return " " in value.strip() or any("\u4e00" <= ch <= "\u9fff" for ch in value)


def main(argv: list[str]) -> int:
    for name in argv:
        pages = read_pages(Path(name))
        print(name)
        for page in pages:
            kind = "landscape" if page.landscape else "portrait"
            print(f"  p.{page.number:>2} {kind:9} rows {len(page.rows):>3} fill {page.fill:4.0%}")
        print(f"  one-line pages: {one_line_pages(pages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
