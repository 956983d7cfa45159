"""Traceable Word output (issue 20): spec text bookmarked with its JSON pointer, the spec named in custom properties."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import zipfile

import pytest
from conftest import SAMPLE_FILES, require_tool
from lxml import etree

from outlookgen.project.build import BuildOptions, build
from outlookgen.render.docx.trace import pointer_name
from outlookgen.render.markup import parse_inline, plain_text
from outlookgen.spec.loader import load_spec

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("trace")
    result = build(SAMPLE_FILES, BuildOptions(formats=("docx",), output_dir=out))
    return {spec: out / (spec.stem + ".docx") for spec in SAMPLE_FILES} if result.written else {}


def properties(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("docProps/custom.xml"))
    return {p.get("name"): p.find(VT + "lpwstr").text for p in root.iter(CUSTOM + "property")}


def bookmarked_text(data: bytes) -> dict[str, str]:
    """og_ bookmark name → the text it covers (w:t in document order), and the tags of its start's ancestors."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        doc = etree.fromstring(archive.read("word/document.xml"))
    open_ids: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    for el in doc.iter(W + "bookmarkStart", W + "bookmarkEnd", W + "t", W + "delText"):
        if el.tag == W + "bookmarkStart" and el.get(W + "name").startswith("og_"):
            open_ids[el.get(W + "id")] = el.get(W + "name")
            texts[el.get(W + "name")] = []
        elif el.tag == W + "bookmarkEnd":
            open_ids.pop(el.get(W + "id"), None)
        elif el.tag in (W + "t", W + "delText"):
            for name in open_ids.values():
                texts[name].append(el.text or "")
    return {name: "".join(parts) for name, parts in texts.items()}


def resolve(data, pointer: str):
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


def squeeze(text: str) -> str:
    # A multi-line text is paragraphs and "- " bullets in Word: compare the words only.
    lines = [re.sub(r"^\s*-\s+", "", line) for line in str(text).splitlines()]
    return re.sub(r"\s+", "", plain_text(parse_inline(" ".join(lines))))


def base(name: str) -> str:
    return "_".join(name.split("_")[:2])  # og_<hash>_2: the same pointer shown again


@pytest.mark.parametrize("spec", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_bookmark_covers_the_spec_text_its_pointer_names(built, spec):
    data = built[spec].read_bytes()
    props = properties(data)
    marks = bookmarked_text(data)
    spec_data = load_spec(spec).data
    assert len(marks) > 250
    for name, text in marks.items():
        pointer = props[base(name)]
        assert base(name) == pointer_name(pointer) or base(name).startswith(pointer_name(pointer))
        assert squeeze(text) == squeeze(resolve(spec_data, pointer)), (name, pointer)


@pytest.mark.parametrize("spec", SAMPLE_FILES, ids=lambda p: p.name)
def test_table_cells_and_paragraphs_of_spec_text_are_traced(built, spec):
    props = properties(built[spec].read_bytes())
    pointers = set(props.values())
    # A driver's impact (a table cell), an objective's statement, a task name, a risk's mitigation,
    # a scope item, a multi-paragraph background text.
    for pointer in (
        "/drivers/1/impact",
        "/objectives/0/statement",
        "/roadmap/phases/0/tasks/0/name",
        "/risks/1/mitigation/0",
        "/scope/included/0/name",
        "/background/current_state",
    ):
        assert pointer in pointers, pointer


@pytest.mark.parametrize("spec", SAMPLE_FILES, ids=lambda p: p.name)
def test_computed_text_is_not_bookmarked(built, spec):
    data = built[spec].read_bytes()
    marks = bookmarked_text(data)
    pointers = set(properties(data).values())
    # Dates, durations and totals are worded by outlookgen, not written in the spec: no pointer
    # names a date field's text, and the cover's date (meta.date worded) is not bookmarked.
    assert not any(p.endswith(("/start", "/end", "/duration", "/date")) for p in pointers)
    spec_data = load_spec(spec).data
    assert not any(squeeze(spec_data["meta"]["date"]) == squeeze(t) for t in marks.values())


@pytest.mark.parametrize("spec", SAMPLE_FILES, ids=lambda p: p.name)
def test_custom_properties_name_the_spec_and_its_digest(built, spec):
    props = properties(built[spec].read_bytes())
    assert props["outlookgen.spec"] == spec.name
    assert props["outlookgen.spec.sha256"] == hashlib.sha256(spec.read_bytes()).hexdigest()


def test_a_pointer_shown_twice_gets_numbered_bookmarks(built):
    names = set().union(*(bookmarked_text(p.read_bytes()) for p in built.values()))
    repeated = {n for n in names if n.count("_") == 2}
    assert repeated and all(base(n) in names for n in repeated)
    assert all(len(n) <= 40 and re.fullmatch(r"og_[0-9a-f]+(_\d+)?", n) for n in names)


@pytest.mark.interop
def test_libreoffice_keeps_every_bookmark_and_property(built, tmp_path):
    soffice = require_tool("soffice")
    out = tmp_path / "lo"
    proc = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            *map(str, built.values()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for spec, path in built.items():
        ours, theirs = path.read_bytes(), (out / path.name).read_bytes()
        assert theirs != ours  # really LibreOffice's file
        before, after = bookmarked_text(ours), bookmarked_text(theirs)
        assert after.keys() == before.keys(), spec.name
        moved = {name for name in before if after[name] != before[name]}
        # LibreOffice 7.4 ends a bookmark one character early in the paragraph that closes a section
        # (the step before a landscape Gantt); a review maps by the paragraph that holds the bookmark.
        assert len(moved) <= 2, moved
        assert all(before[n].startswith(after[n]) and len(before[n]) - len(after[n]) == 1 for n in moved)
        assert properties(theirs) == properties(ours), spec.name


def test_pointers_escape_keys_and_survive_pickling():
    import pickle

    from outlookgen.model.trace import SpecText, pointer_of, traced

    data = traced({"x-a/b~c": ["one", {"k": "two"}], "n": 3})
    assert pointer_of(data["x-a/b~c"][0]) == "/x-a~1b~0c/0"
    assert pointer_of(data["x-a/b~c"][1]["k"]) == "/x-a~1b~0c/1/k"
    copy = pickle.loads(pickle.dumps(data))
    assert isinstance(copy["x-a/b~c"][1]["k"], SpecText) and pointer_of(copy["x-a/b~c"][1]["k"]) == "/x-a~1b~0c/1/k"
    # Text computed from a spec text is no longer the spec's: it carries no pointer.
    assert pointer_of(data["x-a/b~c"][0].upper()) is None and pointer_of(data["x-a/b~c"][0] + "!") is None
