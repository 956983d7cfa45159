"""Hostile reviewed files: ``outlookgen absorb`` refuses them cleanly, located, fast, and writes nothing.

A reviewed .docx comes from outside (issue 20 §3). Each file here is made in
the test from a real build of the BI sample, the way an attacker (or a broken
editor) would bend it: not a zip, zip bombs, too many entries, DOCTYPEs (XXE
to /etc/passwd, billion laughs) in the parts absorb reads, huge parts, a flood
of tracked changes, deep nesting, missing or forged outlookgen properties.
Every one runs the real command in a subprocess, with ``--write`` (so a
mistake would show in the spec) and a time limit: exit 1 with
``FILE:LINE:COL: error:`` lines (or exit 0 with a warning where that is the
right answer), never a traceback, the spec's bytes unchanged.

The corpus is built in about a second: the 1 GB of zeros is one deflated
megabyte repeated (each copy ends with a full flush, so copies concatenate
into one valid stream), never a gigabyte in memory.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLES

SAMPLE = SAMPLES / "bi-platform.en.yaml"
DOCUMENT = "word/document.xml"
CUSTOM = "docProps/custom.xml"
COMMENTS = "word/comments.xml"
STATEMENT = "/objectives/0/statement"
OLD, NEW = "to 1 by 31 December 2026", "to 2 by 31 December 2026"
GB = 1024**3
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("bcdefgh", "cdefghi", strict=True))
    + "]>"
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@dataclass(frozen=True)
class Raw:
    """A zip entry given as its deflated bytes: what it claims to unpack to, and its CRC."""

    deflated: bytes
    size: int
    crc: int


def write_zip(path: Path, entries: dict[str, bytes | Raw]) -> None:
    """A zip file written by hand, so an entry can be deflated in advance (or lie about its size)."""
    out, central = bytearray(), bytearray()
    for name, data in entries.items():
        if isinstance(data, Raw):
            packed, size, crc = data.deflated, data.size, data.crc
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed, size, crc = c.compress(data) + c.flush(), len(data), zlib.crc32(data)
        raw_name = name.encode("utf-8")
        fixed = struct.pack("<HHHHHIII", 20, 0x800, 8, 0, 0x5AEF, crc, len(packed), size)
        central += b"PK\1\2" + struct.pack("<H", 20) + fixed
        central += struct.pack("<HHHHHII", len(raw_name), 0, 0, 0, 0, 0, len(out)) + raw_name
        out += b"PK\3\4" + fixed + struct.pack("<HH", len(raw_name), 0) + raw_name + packed
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))


def zeros(size: int) -> Raw:
    """``size`` zero bytes deflated without holding them: one fully flushed megabyte, repeated."""
    mb = 1024 * 1024
    chunk = bytes(mb)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    big = bytes(64 * mb)
    for _ in range(size // len(big)):
        crc = zlib.crc32(big, crc)
    return Raw(block * (size // mb) + b"\x03\x00", size, crc)  # b"\x03\x00": an empty final block


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The BI sample's spec (a copy) and its built .docx's parts."""
    folder = tmp_path_factory.mktemp("hostile")
    spec = folder / SAMPLE.name
    shutil.copyfile(SAMPLE, spec)
    done = subprocess.run(
        [sys.executable, "-m", "outlookgen", "build", spec.name, "-f", "docx", "-o", "out"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(folder / "out" / "bi-platform.en.docx") as z:
        parts = {name: z.read(name) for name in z.namelist()}
    return spec, parts


def with_doctype(xml: bytes, doctype: str, entity: str) -> bytes:
    """``xml`` with ``doctype`` after its declaration and ``&entity;`` in its first text."""
    head, _, rest = xml.partition(b"?>")
    rest = re.sub(rb"(<w:t[^>]*>|<vt:lpwstr>)", rb"\1&" + entity.encode() + b";", rest, count=1)
    return head + b"?>" + doctype.encode() + rest


def bookmark_of(parts: dict[str, bytes], pointer: str) -> str:
    found = re.search(rb'name="(og_[0-9a-f]+)"><vt:lpwstr>' + re.escape(pointer.encode()) + b"<", parts[CUSTOM])
    return found.group(1).decode()


def edited_statement(parts: dict[str, bytes]) -> bytes:
    """document.xml with the first objective's statement edited (untracked) inside its bookmark."""
    xml = parts[DOCUMENT]
    at = xml.index(f'w:name="{bookmark_of(parts, STATEMENT)}"'.encode())
    hit = xml.index(OLD.encode(), at)
    return xml[:hit] + NEW.encode() + xml[hit + len(OLD) :]


def pointer_forged(parts: dict[str, bytes], value: str) -> dict[str, bytes]:
    """The statement's bookmark mapped to ``value`` in custom.xml, and its text edited, so absorb must use it."""
    name = bookmark_of(parts, STATEMENT).encode()
    custom = parts[CUSTOM].replace(
        b'name="' + name + b'"><vt:lpwstr>' + STATEMENT.encode() + b"<",
        b'name="' + name + b'"><vt:lpwstr>' + value.encode() + b"<",
    )
    return {**parts, CUSTOM: custom, DOCUMENT: edited_statement(parts)}


def comments_part(doctype: str = "", entity: str = "") -> bytes:
    text = f"&{entity};" if entity else "Who pays?"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
        f'<w:comments {W}><w:comment w:id="0" w:author="Eve" w:date="2026-12-01T09:00:00Z">'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:comment></w:comments>"
    ).encode()


def in_paragraph(parts: dict[str, bytes], inner: bytes) -> bytes:
    """document.xml with ``inner`` put inside the bookmarked statement's paragraph, before its end."""
    xml = parts[DOCUMENT]
    at = xml.index(f'w:name="{bookmark_of(parts, STATEMENT)}"'.encode())
    end = xml.index(b"</w:p>", at)
    return xml[:end] + inner + xml[end:]


def corpus(parts: dict[str, bytes], folder: Path) -> dict[str, tuple[Path, str, str]]:
    """Each hostile file: name → (its path, what absorb must answer, the part its error names, if one).

    The answer is "error" (exit 1), "warning" (exit 0, the problem said) or
    "refused" (either: a forged pointer may be refused outright or its edit
    listed as not applied, but never dropped in silence).
    """
    files: dict[str, tuple[dict[str, bytes | Raw] | bytes, str, str]] = {}
    files["not-a-zip"] = (b"%PDF-1.7 this is not a Word document\n" * 40, "error", "")
    bomb = zeros(GB)
    files["zip-bomb-document"] = ({**parts, DOCUMENT: bomb}, "error", "")
    files["zip-bomb-extra-part"] = ({**parts, "word/media/zeros.bin": bomb}, "error", "")
    files["zip-bomb-lying-header"] = ({**parts, DOCUMENT: Raw(bomb.deflated, 300_000, bomb.crc)}, "error", DOCUMENT)
    files["2000-entries"] = ({**parts, **{f"word/media/x{i}.bin": b"x" for i in range(2000)}}, "error", "")
    files["xxe-document"] = ({**parts, DOCUMENT: with_doctype(parts[DOCUMENT], XXE, "xxe")}, "error", DOCUMENT)
    files["xxe-custom"] = ({**parts, CUSTOM: with_doctype(parts[CUSTOM], XXE, "xxe")}, "error", CUSTOM)
    files["laughs-document"] = ({**parts, DOCUMENT: with_doctype(parts[DOCUMENT], LAUGHS, "i")}, "error", DOCUMENT)
    files["laughs-custom"] = ({**parts, CUSTOM: with_doctype(parts[CUSTOM], LAUGHS, "i")}, "error", CUSTOM)
    filler = re.search(rb"<w:p>.*?</w:p>", parts[DOCUMENT][1000:]).group(0)
    huge = parts[DOCUMENT].replace(b"</w:body>", filler * (50 * 1024 * 1024 // len(filler)) + b"</w:body>")
    files["50MB-document"] = ({**parts, DOCUMENT: huge}, "error", DOCUMENT)
    flood = b"".join(
        b'<w:ins w:id="%d" w:author="Bot" w:date="2026-12-01T09:00:00Z"><w:r><w:t>a</w:t></w:r></w:ins>' % (9000 + i)
        for i in range(100_000)
    )
    files["100000-tracked-changes"] = ({**parts, DOCUMENT: in_paragraph(parts, flood)}, "error", DOCUMENT)
    deep = b"<w:r>" * 100_000 + b"</w:r>" * 100_000
    files["nesting-100000"] = ({**parts, DOCUMENT: in_paragraph(parts, deep)}, "error", DOCUMENT)
    files["no-custom-properties"] = ({k: v for k, v in parts.items() if k != CUSTOM}, "error", "")
    files["pointer-dot-dot"] = (pointer_forged(parts, "/../../etc"), "refused", "")
    files["pointer-100KB"] = (pointer_forged(parts, "/objectives/0/" + "x" * 100_000), "refused", "")
    files["pointer-not-a-pointer"] = (pointer_forged(parts, "objectives.0.statement"), "refused", "")
    files["pointer-at-an-id"] = (pointer_forged(parts, "/objectives/0/id"), "refused", "")
    files["comments-xxe"] = ({**parts, COMMENTS: comments_part(XXE, "xxe")}, "error", COMMENTS)
    files["comments-laughs"] = ({**parts, COMMENTS: comments_part(LAUGHS, "i")}, "error", COMMENTS)
    start = re.search(
        rb'<w:bookmarkStart w:id="(\d+)" w:name="' + bookmark_of(parts, STATEMENT).encode() + b'"/>', parts[DOCUMENT]
    )
    end = b'<w:bookmarkEnd w:id="' + start.group(1) + b'"/>'
    missing = parts[DOCUMENT].replace(start.group(0), b"").replace(end, b"")
    files["bookmark-missing"] = ({**parts, DOCUMENT: missing}, "warning", "")
    no_ends = re.sub(rb'<w:bookmarkEnd w:id="\d+"/>', b"", parts[DOCUMENT])
    files["bookmark-ends-missing"] = ({**parts, DOCUMENT: no_ends}, "refused", "")
    out = {}
    for name, (content, answer, part) in files.items():
        path = folder / f"{name}.docx"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            write_zip(path, content)
        out[name] = (path, answer, part)
    return out


CASES = [
    "not-a-zip",
    "zip-bomb-document",
    "zip-bomb-extra-part",
    "zip-bomb-lying-header",
    "2000-entries",
    "xxe-document",
    "xxe-custom",
    "laughs-document",
    "laughs-custom",
    "50MB-document",
    "100000-tracked-changes",
    "nesting-100000",
    "no-custom-properties",
    "pointer-dot-dot",
    "pointer-100KB",
    "pointer-not-a-pointer",
    "pointer-at-an-id",
    "comments-xxe",
    "comments-laughs",
    "bookmark-missing",
    "bookmark-ends-missing",
]


@pytest.fixture(scope="module")
def hostile(built, tmp_path_factory) -> dict[str, tuple[Path, str, str]]:
    return corpus(built[1], tmp_path_factory.mktemp("corpus"))


def test_the_corpus_is_what_it_claims(hostile, built):
    assert sorted(hostile) == sorted(CASES)
    with zipfile.ZipFile(hostile["zip-bomb-document"][0]) as z:
        info = z.getinfo(DOCUMENT)
        assert info.file_size == GB and info.compress_size < 2 * 1024 * 1024
        with z.open(info) as stream:
            assert stream.read(1 << 20) == bytes(1 << 20)  # really zeros, inflating
    with zipfile.ZipFile(hostile["nesting-100000"][0]) as z:
        assert z.read(DOCUMENT).count(b"<w:r><w:r><w:r>") > 30_000
    # The forged-pointer files edit the bookmarked text, so absorb has to use the forged pointer.
    with zipfile.ZipFile(hostile["pointer-dot-dot"][0]) as z:
        assert NEW.encode() in z.read(DOCUMENT) and b"/../../etc" in z.read(CUSTOM)
    # The edit alone, with the true pointer, is an ordinary review that absorb applies.
    spec, parts = built
    honest = spec.parent / "honest.docx"
    write_zip(honest, {**parts, DOCUMENT: edited_statement(parts)})
    done = absorb(honest, spec, write=False)
    assert done.returncode == 0 and "+    statement: Cut the time" in done.stdout and NEW in done.stdout, done


def absorb(path: Path, spec: Path, write: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "outlookgen", "absorb", path.name, str(spec), *(["--write"] if write else [])],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_reviewed_file_is_refused_cleanly(hostile, built, case):
    spec, _ = built
    before = spec.read_bytes()
    path, answer, part = hostile[case]
    done = absorb(path, spec)
    assert "Traceback" not in done.stderr, done.stderr
    assert "root:x:0:0" not in done.stdout + done.stderr  # nothing of /etc/passwd came through
    assert spec.read_bytes() == before
    located = re.compile(rf"^{re.escape(path.name)}:\d+:\d+: (error|warning): (\S+): ", re.M)
    said = located.findall(done.stderr)
    if answer == "refused":  # an error, or a warning that says what is not applied: never silence
        answer = "error" if done.returncode else "warning"
    if answer == "error":
        assert done.returncode == 1, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
        assert ("error", part) in said if part else any(kind == "error" for kind, _ in said), done.stderr[-2000:]
    else:
        assert done.returncode == 0, done.stderr[-2000:]
        assert any(kind == "warning" for kind, _ in said), (done.stdout[-500:], done.stderr[-2000:])
    assert len(done.stderr) < 20_000  # said in a few lines, not echoed back
    assert all(len(line) < 2_000 for line in done.stderr.splitlines())
