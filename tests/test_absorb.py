"""``outlookgen absorb``: a reviewed Word file's tracked changes, edits and comments back into the spec.

The reviewed files here are made by editing the WordprocessingML of a real
build the way Word and LibreOffice write a review: ``w:ins``/``w:del`` around
runs, ``w:moveFrom``/``w:moveTo``, ``w:trPr/w:ins|w:del`` for rows, and
``word/comments.xml`` + ``word/commentsExtended.xml`` for comment threads.
(tests/test_absorb_interop.py has LibreOffice itself make the review.)
"""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from outlookgen.cli import main

pytest.importorskip("ruamel.yaml")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "bi-platform.en.yaml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
REVIEW = {"w:author": "Chen Li", "w:date": "2026-12-01T10:00:00Z"}


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, bytes]:
    """The BI sample built to Word once: (the spec's folder, the .docx bytes)."""
    folder = tmp_path_factory.mktemp("absorb")
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    result = run("build", folder / SAMPLE.name, "-f", "docx", "-o", folder / "out")
    assert result.exit_code == 0, result.output
    return folder, (folder / "out" / "bi-platform.en.docx").read_bytes()


@pytest.fixture
def spec(built, tmp_path) -> Path:
    path = tmp_path / SAMPLE.name
    shutil.copy(built[0] / SAMPLE.name, path)
    return path


class Reviewed:
    """A built .docx opened for editing the way a reviewer's editor writes it."""

    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.parts = {name: self.zip.read(name) for name in self.zip.namelist()}
        self.root = etree.fromstring(self.parts["word/document.xml"])
        custom = etree.fromstring(self.parts["docProps/custom.xml"])
        ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
        self.names = {p.get("name"): p[0].text for p in custom.iter(ns + "property")}
        self.by_pointer = {v: k for k, v in self.names.items() if k.startswith("og_")}
        self.comments: list[etree._Element] = []
        self.extended: list[tuple[str, str | None, bool]] = []

    # -- finding -------------------------------------------------------------------------------
    def start(self, pointer: str):
        """The bookmark of a spec pointer, or of computed text (``=/risks/1/likelihood``)."""
        name = self.by_pointer.get(pointer) or next(k for k, v in self.names.items() if v == pointer)
        return next(b for b in self.root.iter(W + "bookmarkStart") if b.get(W + "name") == name)

    def paragraph(self, pointer: str):
        node = self.start(pointer)
        while node.tag != W + "p":
            node = node.getparent()
        return node

    def row(self, pointer: str):
        node = self.start(pointer)
        while node.tag != W + "tr":
            node = node.getparent()
        return node

    def run_with(self, pointer: str, text: str):
        start = self.start(pointer)
        bid = start.get(W + "id")
        inside = False
        for node in self.root.iter(W + "bookmarkStart", W + "bookmarkEnd", W + "r"):
            if node is start:
                inside = True
            elif node.tag == W + "bookmarkEnd" and node.get(W + "id") == bid:
                break
            elif inside and node.tag == W + "r":
                t = node.find(W + "t")
                if t is not None and text in (t.text or ""):
                    return node
        raise AssertionError(f"no run with {text!r} at {pointer}")

    # -- editing -------------------------------------------------------------------------------
    def _split(self, pointer: str, old: str):
        """The run holding ``old`` cut in three: (before run, the run of ``old``, after run)."""
        r = self.run_with(pointer, old)
        text = r.find(W + "t").text
        at = text.index(old)
        pieces = []
        for piece in (text[:at], old, text[at + len(old) :]):
            clone = copy.deepcopy(r)
            t = clone.find(W + "t")
            t.text = piece
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            pieces.append(clone)
        parent = r.getparent()
        index = parent.index(r)
        parent.remove(r)
        for offset, piece in enumerate(pieces):
            parent.insert(index + offset, piece)
        return pieces

    def tracked_replace(self, pointer: str, old: str, new: str, *, tag: str = "del", ins_tag: str = "ins", rpr=None):
        _, middle, _ = self._split(pointer, old)
        deleted = etree.Element(W + tag, {W + k[2:]: v for k, v in REVIEW.items()}, nsmap={"w": W_NS})
        deleted.set(W + "id", "901")
        middle.addprevious(deleted)
        deleted.append(middle)
        middle.find(W + "t").tag = W + "delText"
        if new:
            inserted = etree.Element(W + ins_tag, {W + k[2:]: v for k, v in REVIEW.items()}, nsmap={"w": W_NS})
            inserted.set(W + "id", "902")
            run = copy.deepcopy(middle)
            run.find(W + "delText").tag = W + "t"
            run.find(W + "t").text = new
            if rpr is not None:
                props = run.find(W + "rPr")
                if props is None:
                    props = etree.SubElement(run, W + "rPr")
                    run.insert(0, props)
                for name in rpr:
                    props.append(etree.Element(W + name))
            inserted.append(run)
            deleted.addnext(inserted)
            return inserted
        return None

    def tracked_link(self, pointer: str, anchor: str, text: str, label: str, url: str) -> None:
        """Insert ``text`` after ``anchor``, its word ``label`` a hyperlink to ``url`` (tracked)."""
        _, middle, _ = self._split(pointer, anchor)
        rels = etree.fromstring(self.parts["word/_rels/document.xml.rels"])
        ns = "http://schemas.openxmlformats.org/package/2006/relationships"
        etree.SubElement(
            rels,
            f"{{{ns}}}Relationship",
            Id="rIdReview1",
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
            Target=url,
            TargetMode="External",
        )
        self.parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
        inserted = etree.Element(W + "ins", {W + "id": "908", W + "author": "Chen Li"})
        head, _, tail = text.partition(label)
        for piece, link in ((head, False), (label, True), (tail, False)):
            run = copy.deepcopy(middle)
            run.find(W + "t").text = piece
            if link:
                hyperlink = etree.SubElement(
                    inserted,
                    W + "hyperlink",
                    {"{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id": "rIdReview1"},
                )
                hyperlink.append(run)
            else:
                inserted.append(run)
        middle.addnext(inserted)

    def untracked_replace(self, pointer: str, old: str, new: str) -> None:
        t = self.run_with(pointer, old).find(W + "t")
        t.text = t.text.replace(old, new)

    def delete_row(self, pointer: str) -> None:
        tr = self.row(pointer)
        trpr = tr.find(W + "trPr")
        if trpr is None:
            trpr = etree.SubElement(tr, W + "trPr")
            tr.insert(0, trpr)
        etree.SubElement(trpr, W + "del", {W + "id": "903", W + "author": "Marcus Lee", W + "date": REVIEW["w:date"]})
        for r in list(tr.iter(W + "r")):
            wrapper = etree.Element(W + "del", {W + "id": "904", W + "author": "Marcus Lee"})
            r.addprevious(wrapper)
            wrapper.append(r)
            for t in r.iter(W + "t"):
                t.tag = W + "delText"

    def insert_row_after(self, pointer: str, cells: list[str]):
        tr = self.row(pointer)
        new = copy.deepcopy(tr)
        for node in list(new.iter(W + "bookmarkStart", W + "bookmarkEnd")):
            node.getparent().remove(node)
        trpr = new.find(W + "trPr")
        if trpr is None:
            trpr = etree.SubElement(new, W + "trPr")
            new.insert(0, trpr)
        etree.SubElement(trpr, W + "ins", {W + "id": "905", W + "author": "Marcus Lee", W + "date": REVIEW["w:date"]})
        for tc, text in zip(new.findall(W + "tc"), cells, strict=True):
            paragraphs = tc.findall(W + "p")
            for extra in paragraphs[1:]:
                tc.remove(extra)
            p = paragraphs[0]
            runs = list(p.iter(W + "r"))
            template = copy.deepcopy(runs[0]) if runs else etree.Element(W + "r")
            for r in runs:
                r.getparent().remove(r)
            for line_no, line in enumerate(text.split("\n")):
                target = p
                if line_no:
                    target = copy.deepcopy(p)
                    for r in list(target.iter(W + "r", W + "ins")):
                        r.getparent().remove(r)
                    tc.append(target)
                if not line:
                    continue
                run = copy.deepcopy(template)
                for t in run.findall(W + "t"):
                    run.remove(t)
                t = etree.SubElement(run, W + "t")
                t.text = line
                wrapper = etree.SubElement(target, W + "ins", {W + "id": "906", W + "author": "Marcus Lee"})
                wrapper.append(run)
        tr.addnext(new)
        return new

    def comment(self, pointer: str, author: str, text: str, *, reply_to: int | None = None, done: bool = False) -> int:
        cid = len(self.comments)
        para_id = f"{0x10000000 + cid:08X}"
        comment = etree.Element(
            W + "comment",
            {W + "id": str(cid), W + "author": author, W + "date": f"2026-12-0{cid + 1}T09:00:00Z"},
            nsmap={"w": W_NS, "w14": W14_NS},
        )
        p = etree.SubElement(comment, W + "p", {f"{{{W14_NS}}}paraId": para_id})
        r = etree.SubElement(p, W + "r")
        etree.SubElement(r, W + "t").text = text
        self.comments.append(comment)
        parent = None if reply_to is None else f"{0x10000000 + reply_to:08X}"
        self.extended.append((para_id, parent, done))
        paragraph = self.paragraph(pointer)
        ppr = paragraph.find(W + "pPr")
        start = etree.Element(W + "commentRangeStart", {W + "id": str(cid)})
        if ppr is not None:
            ppr.addnext(start)
        else:
            paragraph.insert(0, start)
        paragraph.append(etree.Element(W + "commentRangeEnd", {W + "id": str(cid)}))
        ref = etree.SubElement(paragraph, W + "r")
        etree.SubElement(ref, W + "commentReference", {W + "id": str(cid)})
        return cid

    def save(self, path: Path) -> Path:
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.comments:
            root = etree.Element(W + "comments", nsmap={"w": W_NS, "w14": W14_NS})
            root.extend(self.comments)
            parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            ext = etree.Element(f"{{{W15_NS}}}commentsEx", nsmap={"w15": W15_NS})
            for para_id, parent, done in self.extended:
                attrs = {f"{{{W15_NS}}}paraId": para_id, f"{{{W15_NS}}}done": "1" if done else "0"}
                if parent:
                    attrs[f"{{{W15_NS}}}paraIdParent"] = parent
                etree.SubElement(ext, f"{{{W15_NS}}}commentEx", attrs)
            parts["word/commentsExtended.xml"] = etree.tostring(ext, xml_declaration=True, encoding="UTF-8")
            types = parts["[Content_Types].xml"].decode()
            types = types.replace(
                "</Types>",
                '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.comments+xml"/></Types>',
            )
            parts["[Content_Types].xml"] = types.encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts.items():
                out.writestr(name, data)
        path.write_bytes(buffer.getvalue())
        return path


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- the untouched document -----------------------------------------------------------------------


def test_an_untouched_document_changes_nothing(built, spec, tmp_path):
    docx = tmp_path / "same.docx"
    docx.write_bytes(built[1])
    before = spec.read_bytes()
    result = run("absorb", docx, spec, "--write")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "no changes"
    assert spec.read_bytes() == before


# -- text edits ------------------------------------------------------------------------------------


def test_a_tracked_replacement_in_a_list_item_becomes_a_diff_and_then_the_spec(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.tracked_replace("/risks/1/mitigation/1", "twice", "three times")
    reviewed = doc.save(tmp_path / "r.docx")
    before = spec.read_text(encoding="utf-8")

    result = run("absorb", reviewed, spec)
    assert result.exit_code == 0, result.output
    assert "-      - Rehearse the load twice in the test environment" in result.output
    assert "+      - Rehearse the load three times in the test environment" in result.output
    assert result.output.rstrip().endswith("1 change(s), 0 comment(s)")
    assert spec.read_text(encoding="utf-8") == before  # a diff only, until --write

    result = run("absorb", reviewed, spec, "--write")
    assert result.exit_code == 0, result.output
    after = spec.read_text(encoding="utf-8")
    assert load(spec)["risks"][1]["mitigation"][1] == "Rehearse the load three times in the test environment"
    # everything else is the spec as written: comments, order, quoting
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            "      - Rehearse the load twice in the test environment",
            "      - Rehearse the load three times in the test environment",
        )
    ]
    assert run("validate", spec).exit_code == 0


def test_an_edit_made_without_tracking_is_found_too(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.untracked_replace("/drivers/1/impact", "trust in reports is low", "nobody trusts the reports")
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert load(spec)["drivers"][1]["impact"].endswith("instead of deciding; nobody trusts the reports.")


def test_text_typed_before_a_bookmark_without_tracking_is_still_its_text(built, spec, tmp_path):
    # LibreOffice, editing without track changes, leaves the bookmark's start after what was typed
    doc = Reviewed(built[1])
    start = doc.start("/risks/1/mitigation/1")
    doc.untracked_replace("/risks/1/mitigation/1", "Rehearse the load twice", "Rehearse the load three times")
    run_ = doc.run_with("/risks/1/mitigation/1", "three times")
    head = copy.deepcopy(run_)
    head.find(W + "t").text = "Rehearse the load three times"
    run_.find(W + "t").text = run_.find(W + "t").text.replace("Rehearse the load three times", "")
    start.addprevious(head)
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert load(spec)["risks"][1]["mitigation"][1] == "Rehearse the load three times in the test environment"


def test_moved_text_is_read_as_deleted_here_and_inserted_there(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.tracked_replace("/objectives/0/statement", "from month-end close ", "", tag="moveFrom")
    inserted = doc.tracked_replace(
        "/objectives/0/statement", "to the published", "from month-end close to the published", ins_tag="moveTo"
    )
    assert inserted is not None
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert load(spec)["objectives"][0]["statement"].startswith("Cut the time from month-end close to the published")


def test_text_inserted_and_deleted_again_in_the_review_was_never_there(built, spec, tmp_path):
    doc = Reviewed(built[1])
    inserted = doc.tracked_replace("/drivers/0/impact", "five weeks", "six weeks")
    # a second reviewer deletes the first one's insertion: Word nests the w:del inside the w:ins
    run_ = inserted.find(W + "r")
    nested = etree.SubElement(inserted, W + "del", {W + "id": "909", W + "author": "Helen Park"})
    nested.append(run_)
    run_.find(W + "t").tag = W + "delText"
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec)
    assert result.exit_code == 0, result.output
    assert (
        "-    impact: Pricing and replenishment decisions are taken on data that is up to five weeks old."
        in result.output
    )
    assert "+    impact: Pricing and replenishment decisions are taken on data that is up to  old." in result.output


def test_inserted_bold_italic_and_links_become_inline_markup(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.tracked_replace("/drivers/0/pain_point", "Excel", "Excel and e-mailed", rpr=["b"])
    doc.tracked_replace("/drivers/1/impact", "low", "very low", rpr=["i"])
    doc.tracked_link("/drivers/2/impact", "macro authors", " (see the audit)", "audit", "https://example.com/audit")
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    data = load(spec)
    assert data["drivers"][0]["pain_point"] == "Manual **Excel and e-mailed** reports delay decisions."
    assert data["drivers"][1]["impact"].endswith("trust in reports is *very low*.")
    assert data["drivers"][2]["impact"].endswith("two macro authors (see the [audit](https://example.com/audit)).")
    # and the rebuilt document shows them as formatting again, not as stars
    out = tmp_path / "again"
    assert run("build", spec, "-f", "md", "-o", out).exit_code == 0


def test_a_deleted_bullet_removes_the_item_and_a_new_bullet_adds_one(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.tracked_replace("/risks/0/mitigation/1", "Champions in every department and region", "")
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert load(spec)["risks"][0]["mitigation"] == [
        "Involve the report owners in design so the dashboards answer their questions",
        "Retire each Excel report on a published date, signed by its owner",
    ]


def test_a_multi_paragraph_text_keeps_its_block_style(built, spec, tmp_path):
    data = load(spec)
    appendix = data["appendices"][0]["body"]
    assert appendix.startswith("- **BI**")
    doc = Reviewed(built[1])
    doc.tracked_replace("/appendices/0/body", "monthly review loop", "monthly steering review loop")
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    text = spec.read_text(encoding="utf-8")
    assert "- **PDCA**: plan, do, check, act; the monthly steering review loop." in text
    assert load(spec)["appendices"][0]["body"] == appendix.replace("monthly review", "monthly steering review")


# -- computed text ------------------------------------------------------------------------------------


def test_a_word_changed_to_another_the_document_shows_sets_the_field(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.tracked_replace("=/risks/1/likelihood", "Medium", "High")
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert load(spec)["risks"][1]["likelihood"] == "high"


def test_an_edit_to_computed_dates_names_the_fields_to_change(built, spec, tmp_path):
    doc = Reviewed(built[1])
    pointer = next(
        v for v in doc.names.values() if v == "=/roadmap/phases/1/tasks/2/after /roadmap/phases/1/tasks/2/duration"
    )
    shown = "".join(doc.paragraph(pointer).itertext())
    week = re.search(r"W(\d+)$", shown)
    assert week, shown
    doc.tracked_replace(pointer, week.group(0), f"W{int(week.group(1)) + 2}")
    before = spec.read_bytes()
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"bi-platform\.en\.yaml:\d+:\d+: warning: /roadmap/phases/1/tasks/2/after: the reviewer changed computed text "
        rf'"{re.escape(shown)}" to ".*W{int(week.group(1)) + 2}"; it comes from /roadmap/phases/1/tasks/2/after, '
        r"/roadmap/phases/1/tasks/2/duration: change that instead",
        result.output,
    ), result.output
    assert result.output.rstrip().endswith("no changes")
    assert spec.read_bytes() == before


# -- rows ------------------------------------------------------------------------------------------


def test_a_deleted_row_removes_the_item_and_the_ids_that_named_it(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.delete_row("/objectives/2/statement")  # O-trust, named by tasks' objectives: lists
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert load(SAMPLE)["objectives"][2]["id"] == "O-trust"
    data = load(spec)
    assert "O-trust" not in [o["id"] for o in data["objectives"]]
    assert "O-trust" not in spec.read_text(encoding="utf-8")  # every id list that named it, too
    assert re.search(r"warning: word/document\.xml: /roadmap/phases/0/objectives: O-trust removed", result.output)
    assert run("validate", spec).exit_code == 0


def test_a_row_deleted_without_tracking_removes_its_item_and_says_so(built, spec, tmp_path):
    doc = Reviewed(built[1])
    row = doc.row("/scope/included/4/name")
    row.getparent().remove(row)
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert (
        "warning: word/document.xml: every text of /scope/included/4 is gone from the document: removed"
        in result.output
    )
    assert [s["id"] for s in load(spec)["scope"]["included"]][-1] == "S-connectors"


def test_a_deleted_scope_row_removes_the_scope_item(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.delete_row("/scope/included/4/name")
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert [s["id"] for s in load(spec)["scope"]["included"]] == ["S-fin-sales", "S-warehouse", "S-ops", "S-connectors"]
    assert run("validate", spec).exit_code == 0


def test_an_inserted_row_becomes_a_new_item_with_its_columns_and_an_id(built, spec, tmp_path):
    doc = Reviewed(built[1])
    row = doc.row("/risks/5/title")
    cells = len(row.findall(W + "tc"))
    texts = ["", "Key vendor consultant leaves"] + [""] * (cells - 2)
    texts[-3] = "Named consultant gives notice"
    texts[-2] = "Named backup consultant in the contract\nKnowledge transfer every sprint"
    texts[-1] = "Vendor supplies a replacement within 2 weeks"
    doc.insert_row_after("/risks/5/title", texts)
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    risks = load(spec)["risks"]
    assert len(risks) == 7
    new = risks[6]
    assert new["id"] == "R-7"  # no number among R-resistance, R-migration…: the shared prefix and the count
    assert new["title"] == "Key vendor consultant leaves"
    assert new["trigger"] == "Named consultant gives notice"
    assert new["mitigation"] == ["Named backup consultant in the contract", "Knowledge transfer every sprint"]
    assert new["contingency"] == ["Vendor supplies a replacement within 2 weeks"]
    assert run("validate", spec).exit_code == 0
    # the blank line that closed the list still closes it
    assert re.search(r"Vendor supplies a replacement within 2 weeks\n\nevaluation:", spec.read_text(encoding="utf-8"))


def test_rows_in_another_order_reorder_the_list(built, spec, tmp_path):
    doc = Reviewed(built[1])
    first, second = doc.row("/risks/0/title"), doc.row("/risks/1/title")
    second.addnext(first)  # moved without tracking: R-migration now comes first
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in load(spec)["risks"]][:3] == ["R-migration", "R-resistance", "R-interfaces"]


# -- comments --------------------------------------------------------------------------------------


def test_comments_with_replies_are_listed_and_recorded_once(built, spec, tmp_path):
    doc = Reviewed(built[1])
    first = doc.comment("/risks/1/mitigation/0", "Chen Li", "Who pays for the cleansing?")
    doc.comment("/risks/1/mitigation/0", "Dana Whitfield", "The client, from the data line.", reply_to=first)
    doc.comment("/objectives/0/statement", "Helen Park", "Is 1 day realistic?", done=True)
    reviewed = doc.save(tmp_path / "r.docx")

    result = run("absorb", reviewed, spec)
    assert result.exit_code == 0, result.output
    assert "  /risks/1/mitigation/0: Chen Li (2026-12-01T09:00:00Z): Who pays for the cleansing?" in result.output
    assert "    reply: Dana Whitfield (2026-12-02T09:00:00Z): The client, from the data line." in result.output
    assert (
        "  /objectives/0/statement: Helen Park (2026-12-03T09:00:00Z) [resolved]: Is 1 day realistic?" in result.output
    )

    assert run("absorb", reviewed, spec, "--write").exit_code == 0
    review = load(spec)["review"]
    # in reading order: the objective (step 1) before the risk (step 3), whatever order comments.xml has
    assert [c["path"] for c in review] == ["/objectives/0/statement", "/risks/1/mitigation/0"]
    assert review[1] == {
        "path": "/risks/1/mitigation/0",
        "author": "Chen Li",
        "date": "2026-12-01T09:00:00Z",
        "text": "Who pays for the cleansing?",
        "resolved": False,
        "replies": [
            {"author": "Dana Whitfield", "date": "2026-12-02T09:00:00Z", "text": "The client, from the data line."}
        ],
    }
    assert review[0]["resolved"] is True
    assert run("validate", spec).exit_code == 0
    once = spec.read_bytes()
    # the same review absorbed again records nothing twice (the built digest no longer matches: --base)
    result = run("absorb", reviewed, spec, "--write")
    assert result.exit_code == 1
    assert "built from another version" in result.output
    assert spec.read_bytes() == once


# -- what cannot be taken ----------------------------------------------------------------------------


def test_an_edit_outside_the_spec_text_is_listed_not_dropped(built, spec, tmp_path):
    doc = Reviewed(built[1])
    heading = next(
        p for p in doc.root.iter(W + "p") if "".join(p.itertext()).strip().endswith("Risks and contingency plans")
    )
    run_ = next(heading.iter(W + "r"))
    wrapper = etree.Element(W + "ins", {W + "id": "907", W + "author": "Chen Li"})
    new = copy.deepcopy(run_)
    new.find(W + "t").text = "Key "
    wrapper.append(new)
    run_.addprevious(wrapper)
    before = spec.read_bytes()
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"r\.docx:\d+:1: warning: word/document\.xml: this text is not from the spec: "
        r'"3\.6 Risks and contingency plans" → "Key 3\.6 Risks and contingency plans" is not taken into the spec',
        result.output,
    )
    assert result.output.rstrip().endswith("no changes")
    assert spec.read_bytes() == before


def test_a_document_not_built_by_outlookgen_is_refused(built, spec, tmp_path):
    doc = Reviewed(built[1])
    del doc.parts["docProps/custom.xml"]
    result = run("absorb", doc.save(tmp_path / "plain.docx"), spec)
    assert result.exit_code == 1
    assert re.search(
        r"plain\.docx:1:1: error: docProps/custom\.xml: this document was not built by outlookgen", result.output
    )
    assert "Traceback" not in result.output


def test_a_removal_that_would_leave_a_dangling_reference_is_refused_where_it_is(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.delete_row("/roadmap/phases/0/name")  # phase p1: scope items name it in their single phase: field
    before = spec.read_bytes()
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write")
    assert result.exit_code == 1
    assert re.search(r"bi-platform\.en\.yaml:\d+:\d+: error: scope\.included\[0\]\.phase: refers to p1", result.output)
    assert spec.read_bytes() == before


# -- another version of the spec -------------------------------------------------------------------


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(built, tmp_path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "repo"
    folder.mkdir()
    shutil.copy(built[0] / SAMPLE.name, folder / SAMPLE.name)
    _git(folder, "init", "-q")
    _git(folder, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", SAMPLE.name)
    _git(folder, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1")
    return folder


def test_a_document_from_an_older_spec_names_the_commit_and_merges_three_ways(built, repo, tmp_path):
    spec = repo / SAMPLE.name
    first = _git(repo, "rev-parse", "HEAD").strip()
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace(
            "Profile and cleanse sources before the load", "Profile, cleanse and sign off sources before the load"
        ),
        encoding="utf-8",
    )
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "v2")
    doc = Reviewed(built[1])  # built from v1
    doc.tracked_replace("/risks/1/mitigation/1", "twice", "three times")
    reviewed = doc.save(tmp_path / "r.docx")

    result = run("absorb", reviewed, spec)
    assert result.exit_code == 1
    assert f"it matches commit {first[:12]}: add --base {first[:12]}" in result.output

    result = run("absorb", reviewed, spec, "--write", "--base", "HEAD~1")
    assert result.exit_code == 0, result.output
    mitigation = load(spec)["risks"][1]["mitigation"]
    assert mitigation == [
        "Profile, cleanse and sign off sources before the load",  # the spec's own later change is kept
        "Rehearse the load three times in the test environment",  # and the reviewer's applied
    ]


def test_an_edit_to_text_changed_since_is_a_conflict(built, repo, tmp_path):
    spec = repo / SAMPLE.name
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("Rehearse the load twice", "Rehearse the load once"), encoding="utf-8")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "v2")
    doc = Reviewed(built[1])
    doc.tracked_replace("/risks/1/mitigation/1", "twice", "three times")
    before = spec.read_bytes()
    result = run("absorb", doc.save(tmp_path / "r.docx"), spec, "--write", "--base", "HEAD~1")
    assert result.exit_code == 1
    assert re.search(
        r"bi-platform\.en\.yaml:\d+:\d+: error: risks\[1\]\.mitigation\[1\]: changed in the spec since", result.output
    )
    assert spec.read_bytes() == before


def test_a_changed_spec_outside_git_says_how_to_go_on(built, spec, tmp_path):
    doc = Reviewed(built[1])
    doc.tracked_replace("/risks/1/mitigation/1", "twice", "three times")
    reviewed = doc.save(tmp_path / "r.docx")
    spec.write_text(spec.read_text(encoding="utf-8") + "# edited since\n", encoding="utf-8")
    result = run("absorb", reviewed, spec)
    assert result.exit_code == 1
    assert re.search(
        r"r\.docx:1:1: error: docProps/custom\.xml: the document was built from another version of "
        r"bi-platform\.en\.yaml \(its digest differs\); name the commit it was built from with --base REF",
        result.output,
    )
    result = run("absorb", reviewed, spec, "--base", "HEAD")
    assert result.exit_code == 1
    assert "outlookgen: error: --base HEAD: git has no bi-platform.en.yaml at HEAD" in result.output
    assert "Traceback" not in result.output


def test_a_spec_with_fragments_is_refused_at_its_include(built, tmp_path):
    fragment = tmp_path / "risks.yaml"
    data = load(SAMPLE)
    fragment.write_text(yaml.safe_dump({"risks": data["risks"]}, allow_unicode=True), encoding="utf-8")
    text = SAMPLE.read_text(encoding="utf-8")
    head, _, tail = text.partition("\nrisks:\n")
    tail = tail[tail.index("\nevaluation:") :]
    spec = tmp_path / "plan.yaml"
    spec.write_text(head + "\ninclude: [risks.yaml]\n" + tail, encoding="utf-8")
    assert run("validate", spec).exit_code == 0
    out = tmp_path / "out"
    assert run("build", spec, "-f", "docx", "-o", out).exit_code == 0
    result = run("absorb", out / "plan.docx", spec)
    assert result.exit_code == 1
    assert re.search(r"plan\.yaml:\d+:\d+: error: include: absorb rewrites one file", result.output)
