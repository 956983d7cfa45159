"""A client's review of an outlookgen .docx, scripted in headless LibreOffice and saved as .docx.

    /usr/bin/python3 tools/review_in_libreoffice.py plan.docx reviewed.docx \\
        --author "Chen Li" \\
        --para "Cut the time from month-end close=>Cut the close to 2 working days by 31 December 2026." \\
        --replace "Rehearse the load twice=>Rehearse the load three times" \\
        --author-for-rows "Marcus Lee" \\
        --delete-row "Self-service analytics and data catalogue" \\
        --insert-row-after "Executive sponsor changes role" \\
            "R-vendor|Key vendor consultant leaves|Vendor|Medium|High|High|Project manager — Marcus Lee|Notice given|Named backup|Replacement in 2 weeks" \\
        --comment "Profile and cleanse sources" "Chen Li" "Who pays for the cleansing?" \\
        --comment "Operations and supply-chain dashboards" "Helen Park" "Can we pull this into the pilot?" \\
        [--resolve 2] [--untracked] [--pdf reviewed.pdf] [--json steps.json]

What a reviewer does in Writer with Edit › Track Changes › Record on, done
over UNO, in this order (so a test knows what the file holds):

* ``--para START=>TEXT``: the whole paragraph (or table-cell paragraph)
  that contains START is replaced by TEXT: a ``w:del`` of the old text and a
  ``w:ins`` of the new one.
* ``--replace OLD=>NEW``: the first occurrence of OLD (body or table cell;
  it must lie in one text run) becomes NEW, tracked the same way.
* ``--author-for-rows NAME``: the change author from here on.
* ``--insert-row-after TEXT CELLS``: a row after the first table row with a
  cell containing TEXT, its cells filled from CELLS split at ``|``; a ``\\n``
  inside a cell starts a new paragraph there (several bullets). Recorded as
  a tracked row insertion (``<w:trPr><w:ins/>``) with the cell text in
  ``w:ins``.
* ``--delete-row TEXT``: that row as a tracked row deletion
  (``<w:trPr><w:del/>``): each cell's text is deleted with recording on and
  the row's ``HasTextChangesOnly`` set to False (LibreOffice ≥ 7.2);
  ``XTableRows.removeByIndex`` would remove it untracked.
* ``--comment ANCHOR AUTHOR TEXT``: a comment spanning the first occurrence
  of ANCHOR (``w:commentRangeStart``/``End`` and ``word/comments.xml``),
  dated 2026-12-01 09:00 UTC plus one minute per comment, so the comments
  part is the same from run to run. Recording is off meanwhile (else
  LibreOffice adds an empty ``w:ins`` at the anchor).
* ``--resolve N``: comment N (1-based) marked resolved
  (``word/commentsExtended.xml``, ``w15:done="1"``).
* ``--untracked``: the same edits with recording off (an edit made without
  track changes); a deleted row is then simply removed.

With no edit option the file is only opened and saved: a reviewer who
changed nothing. ``--pdf`` also writes the reviewed document as PDF with the
tracked changes shown as LibreOffice shows them (insertions underlined,
deletions struck through, a colour per author, a bar in the margin) — how
docs/img/review-tracked.png is made. The PDF has no comments: it is made
before they are added, because exporting needs a view and a view of a
document with comments makes Debian's writer-nogui soffice abort. ``--json`` writes the steps, the
recorded changes (type, author) and the timings.

Limits of LibreOffice 7.4 (Debian 12, what CI runs): a change's date is
always the time of the edit (only comments can be dated); a comment reply
cannot be scripted (the 7.4 Annotation has no ``ParentName``). Needs
``soffice`` and Python-UNO (``python3-uno``): run it with ``/usr/bin/python3``
(see tools/libreoffice_uno.py). It is a developer and test tool; outlookgen
never imports it.

Speed: the document's text is read over UNO once, a table's cell strings in
one ``getDataArray`` call, and only what an edit touched is read again. The
review above takes about 2.5 s (3.4 s with ``--pdf``), 1.2 s of it
LibreOffice starting; walking every cell over UNO for each edit took 18 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from libreoffice_uno import PDF_FILTER, Office, uno

PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK


class ReviewError(Exception):
    """A step that cannot be done on this document (text not found, …): said in one line, exit 2."""


@dataclass
class Table:
    """A text table and its cell strings, read on first use (and again after an edit in it).

    ``getDataArray`` reads a whole table in one UNO call; a table LibreOffice
    finds too complex for it (merged cells) is read cell by cell. A cell's
    key is its (column, row) or, in the slow case, its name ("B3").
    """

    table: object
    _cells: dict[object, str] | None = None

    def cells(self) -> dict[object, str]:
        if self._cells is None:
            try:
                rows = self.table.getDataArray()
                self._cells = {(c, r): text for r, row in enumerate(rows) for c, text in enumerate(row)}
            except Exception:  # a RuntimeException over the bridge: merged cells
                names = self.table.getCellNames()
                self._cells = {name: self.table.getCellByName(name).getString() for name in names}
        return self._cells

    def cell(self, key):
        return self.table.getCellByPosition(*key) if isinstance(key, tuple) else self.table.getCellByName(key)

    @staticmethod
    def row(key) -> int:
        return key[1] if isinstance(key, tuple) else int(re.match(r"[A-Za-z]+(\d+)", key).group(1)) - 1

    def forget(self) -> None:
        self._cells = None


@dataclass
class Body:
    """The document's top-level paragraphs and tables in document order, their text read once."""

    doc: object
    items: list = field(default_factory=list)  # [paragraph, its string] or Table

    def __post_init__(self) -> None:
        en = self.doc.getText().createEnumeration()
        while en.hasMoreElements():
            item = en.nextElement()
            if item.supportsService("com.sun.star.text.TextTable"):
                self.items.append(Table(item))
            else:
                self.items.append([item, item.getString()])

    def paragraphs_with(self, needle: str):
        """(paragraph, Table or None) of every paragraph whose text contains ``needle``, in document order."""
        for item in self.items:
            if isinstance(item, Table):
                for key, text in item.cells().items():
                    if needle in text:
                        for p in _paragraphs(item.cell(key).getText()):
                            if needle in p.getString():
                                yield p, item
            elif needle in item[1]:
                yield item[0], None

    def find_row(self, needle: str) -> tuple[Table, int]:
        """The table and row index of the first table cell whose text contains ``needle``."""
        for item in self.items:
            if isinstance(item, Table):
                for key, text in item.cells().items():
                    if needle in text:
                        return item, item.row(key)
        raise ReviewError(f"no table cell contains {needle!r}")

    def edited(self, paragraph, table: Table | None) -> None:
        """Read again what an edit changed."""
        if table is not None:
            table.forget()
            return
        for item in self.items:
            if not isinstance(item, Table) and item[0] == paragraph:
                item[1] = paragraph.getString()


def _paragraphs(text):
    en = text.createEnumeration()
    while en.hasMoreElements():
        p = en.nextElement()
        if not p.supportsService("com.sun.star.text.TextTable"):
            yield p


def _portions(container):
    """Text portions of a paragraph, descending into inline content controls."""
    en = container.createEnumeration()
    while en.hasMoreElements():
        portion = en.nextElement()
        kind = portion.getPropertyValue("TextPortionType")
        if kind == "ContentControl":
            yield from _portions(portion.getPropertyValue("ContentControl"))
        else:
            yield kind, portion


def select(body: Body, needle: str):
    """(a text cursor over the first occurrence of ``needle``, its paragraph, its Table or None).

    Offsets are taken inside one text portion, not from the paragraph's
    string: fields and content controls hold positions that string does not
    show, so paragraph-wide offsets would select the wrong characters.
    """
    for paragraph, table in body.paragraphs_with(needle):
        for kind, portion in _portions(paragraph):
            at = portion.getString().find(needle)
            if at >= 0 and kind == "Text":
                cursor = portion.getText().createTextCursorByRange(portion.getStart())
                cursor.goRight(at, False)
                cursor.goRight(len(needle), True)
                return cursor, paragraph, table
        raise ReviewError(f"{needle!r} spans several text runs in {paragraph.getString()!r}: choose a shorter text")
    raise ReviewError(f"text not found: {needle!r}")


def whole_paragraph(body: Body, start: str):
    for paragraph, table in body.paragraphs_with(start):
        cursor = paragraph.getText().createTextCursorByRange(paragraph.getStart())
        cursor.gotoEndOfParagraph(True)
        return cursor, paragraph, table
    raise ReviewError(f"no paragraph contains {start!r}")


def fill_cell(cell, value: str) -> None:
    """A cell's text, a paragraph per line of ``value``."""
    text = cell.getText()
    cursor = text.createTextCursor()
    cursor.gotoStart(False)
    cursor.gotoEnd(True)
    cursor.setString("")
    for n, line in enumerate(value.split("\n")):
        if n:
            text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
        text.insertString(cursor, line, False)


def split_edit(value: str) -> tuple[str, str]:
    if "=>" not in value:
        raise ReviewError(f"{value!r}: write OLD=>NEW")
    old, new = value.split("=>", 1)
    return old, new


def review(office: Office, a: argparse.Namespace, report: dict) -> None:
    office.set_user_name(a.author)
    t = time.perf_counter()
    doc = office.load_model(a.src)
    report["load_s"] = round(time.perf_counter() - t, 2)
    try:
        t = time.perf_counter()
        track = not a.untracked
        doc.setPropertyValue("RecordChanges", track)
        body = Body(doc)
        steps = report["steps"]

        for value in a.para:
            start, new = split_edit(value)
            cursor, paragraph, table = whole_paragraph(body, start)
            cursor.setString(new)
            body.edited(paragraph, table)
            steps.append(f"paragraph {start!r}… → {new!r}")

        for value in a.replace:
            old, new = split_edit(value)
            cursor, paragraph, table = select(body, old)
            cursor.setString(new)
            body.edited(paragraph, table)
            steps.append(f"replace {old!r} → {new!r}")

        if a.author_for_rows:
            office.set_user_name(a.author_for_rows)

        for anchor, cells in a.insert_row_after:
            table, row = body.find_row(anchor)
            t_ = table.table
            t_.getRows().insertByIndex(row + 1, 1)  # a tracked row insertion while recording
            for column, value in enumerate(cells.split("|")[: t_.getColumns().getCount()]):
                fill_cell(t_.getCellByPosition(column, row + 1), value)
            table.forget()
            steps.append(f"row inserted after row {row + 1} ({anchor!r}): {cells!r}")

        for needle in a.delete_row:
            table, row = body.find_row(needle)
            t_ = table.table
            if track:
                for column in range(t_.getColumns().getCount()):
                    cursor = t_.getCellByPosition(column, row).getText().createTextCursor()
                    cursor.gotoStart(False)
                    cursor.gotoEnd(True)
                    cursor.setString("")  # a tracked deletion of the cell's text
                # a change of the whole row, not of its text only: <w:trPr><w:del/>
                t_.getRows().getByIndex(row).setPropertyValue("HasTextChangesOnly", False)
            else:
                t_.getRows().removeByIndex(row, 1)
            table.forget()
            steps.append(f"row {row + 1} deleted ({needle!r})")

        if a.pdf:
            # Before the comments: a document with comments cannot be opened with a view here (see
            # tools/libreoffice_uno.py), and PDF export needs one (a bare model's export fails).
            without_comments = os.path.join(office.profile, "for-pdf.docx")
            office.store(doc, without_comments)
            shown = office.load_view(without_comments)
            try:
                office.store(shown, a.pdf, PDF_FILTER)  # shown changes are drawn as on screen
            finally:
                shown.close(True)
            steps.append(f"PDF written (tracked changes shown, no comments): {a.pdf}")

        doc.setPropertyValue("RecordChanges", False)  # a comment is no tracked change
        comments = []
        for anchor, author, text in a.comment:
            cursor, _, _ = select(body, anchor)
            note = doc.createInstance("com.sun.star.text.textfield.Annotation")
            note.setPropertyValue("Author", author)
            note.setPropertyValue("Initials", "".join(w[0] for w in author.split() if w[:1].isalpha()))
            note.setPropertyValue("Content", text)
            when = uno.createUnoStruct("com.sun.star.util.DateTime")
            when.Year, when.Month, when.Day, when.Hours, when.Minutes = 2026, 12, 1, 9, len(comments)
            note.setPropertyValue("DateTimeValue", when)
            cursor.getText().insertTextContent(cursor, note, True)  # True: the comment spans the anchor
            comments.append(note)
            steps.append(f"comment by {author!r} on {anchor!r}")
        for n in a.resolve:
            if not 1 <= n <= len(comments):
                raise ReviewError(f"--resolve {n}: there are {len(comments)} comment(s)")
            comments[n - 1].setPropertyValue("Resolved", True)
            steps.append(f"comment {n} resolved")
        doc.setPropertyValue("RecordChanges", track)

        changes = doc.getRedlines().createEnumeration()
        while changes.hasMoreElements():
            change = changes.nextElement()
            report["changes"].append(
                {"type": change.getPropertyValue("RedlineType"), "author": change.getPropertyValue("RedlineAuthor")}
            )
        report["edit_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        office.store(doc, a.dst)
        report["store_s"] = round(time.perf_counter() - t, 2)
    finally:
        doc.close(True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", help="the .docx to review")
    ap.add_argument("dst", help="where the reviewed .docx goes")
    ap.add_argument("--author", default="Client Reviewer", help="the change author (LibreOffice's user name)")
    ap.add_argument("--author-for-rows", help="the change author of the row edits")
    ap.add_argument("--para", action="append", default=[], metavar="START=>TEXT")
    ap.add_argument("--replace", action="append", default=[], metavar="OLD=>NEW")
    ap.add_argument("--insert-row-after", nargs=2, action="append", default=[], metavar=("TEXT", "CELLS"))
    ap.add_argument("--delete-row", action="append", default=[], metavar="TEXT")
    ap.add_argument("--comment", nargs=3, action="append", default=[], metavar=("ANCHOR", "AUTHOR", "TEXT"))
    ap.add_argument("--resolve", type=int, action="append", default=[], metavar="N")
    ap.add_argument("--untracked", action="store_true", help="edit with record changes off")
    ap.add_argument("--pdf", help="also write the reviewed document as PDF, tracked changes shown")
    ap.add_argument("--json", help="write the steps, recorded changes and timings here")
    ap.add_argument("--soffice", default="soffice")
    a = ap.parse_args(argv)
    a.insert_row_after = [(anchor, cells.replace("\\n", "\n")) for anchor, cells in a.insert_row_after]

    report: dict = {"steps": [], "changes": []}
    t = time.perf_counter()
    try:
        with Office(a.soffice) as office:
            review(office, a, report)
    except ReviewError as exc:
        print(f"review_in_libreoffice: error: {exc}", file=sys.stderr)
        return 2
    report["total_s"] = round(time.perf_counter() - t, 2)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
