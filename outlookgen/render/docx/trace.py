"""Traceable Word output: bookmarks on spec text and the custom properties that say what they point to.

Every run of paragraphs or cell text that is one spec string as written
(block markup ``<md src="…">`` / ``<blocks src="…">``, see :mod:`.blocks`)
is wrapped in a bookmark named ``og_`` + a short hash of its JSON pointer.
Bookmarks, not content controls: LibreOffice 7.4 (Debian 12) drops
``w:tag`` of every content control and turns cell/paragraph controls into
Input fields whose edits are not tracked, while ``og_`` bookmarks of at most
40 letters, digits and ``_`` survive its open/save and tracked edits
unchanged (docs/review.md).

Computed text worded from spec fields (``src="=/risks/1/likelihood"``, from
:class:`outlookgen.model.trace.Derived`: a task's dates, a risk's "High", an
owner's name, a total) is bookmarked the same way: the ``=``-prefixed value
is hashed like a pointer, so its names are ``og_`` + hex too. Text that names
no field — labels, headings made from labels, Gantt bars — gets no bookmark.

``docProps/custom.xml`` (kept by Word and LibreOffice) holds the spec's
file name and SHA-256 (``outlookgen.spec``, ``outlookgen.spec.sha256``) and
one property per bookmarked pointer: ``og_<hash>`` → ``/drivers/1/impact``.
A pointer shown more than once gets bookmarks ``og_<hash>``,
``og_<hash>_2``…; all map to the property of the first name.

Contract with the reader of reviewed files (``outlookgen absorb``): a
property ``og_<hash>`` whose value starts with ``=`` marks computed text;
after the ``=`` come the JSON pointers of its source fields, separated by
single spaces (``=/roadmap/phases/1/tasks/3/start
/roadmap/phases/1/tasks/3/duration``). A source may name a field the spec
leaves out when the text shows that field's default (a task with no
``status`` reads "Planned" and names ``…/status``).
"""

from __future__ import annotations

import hashlib
from itertools import count

from outlookgen.errors import printable
from outlookgen.render.docx.blocks import escape_attr, escape_text

__all__ = [
    "PREFIX",
    "Bookmarks",
    "custom_properties_xml",
    "drop_pointers",
    "mark_paragraphs",
    "pointer_name",
]

PREFIX = "og_"
_HASH_CHARS = 10  # 40 bits: collisions are checked anyway, and the name stays far below Word's 40
_MAX_NAME = 40
PROPERTY_SPEC = "outlookgen.spec"
PROPERTY_DIGEST = "outlookgen.spec.sha256"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one format id of user-defined properties


def pointer_name(pointer: str, length: int = _HASH_CHARS) -> str:
    """The bookmark name of a JSON pointer: ``og_`` + the first ``length`` hex digits of its SHA-1."""
    return PREFIX + hashlib.sha1(pointer.encode("utf-8")).hexdigest()[:length]


class Bookmarks:
    """The bookmarks of one document: names per pointer (collision-checked), ids after ``first_id``."""

    def __init__(self, first_id: int) -> None:
        self.next_id = first_id
        self.names: dict[str, str] = {}  # pointer → base name, in document order
        self.owners: dict[str, str] = {}  # base name → pointer
        self.count: dict[str, int] = {}  # pointer → bookmarks made

    def _base(self, pointer: str) -> str:
        name = self.names.get(pointer)
        if name is not None:
            return name
        length = _HASH_CHARS
        name = pointer_name(pointer, length)
        while name in self.owners:  # another pointer's hash prefix: take more digits
            length += 2
            name = pointer_name(pointer, length)
        self.names[pointer] = name
        self.owners[name] = pointer
        return name

    def marks(self, pointer: str | None) -> tuple[str, str]:
        """``(bookmarkStart, bookmarkEnd)`` XML around one occurrence of ``pointer`` (or ``=`` + sources); empty for none."""
        if not pointer:
            return "", ""
        base = self._base(pointer)
        n = self.count[pointer] = self.count.get(pointer, 0) + 1
        name = base if n == 1 else f"{base}_{n}"
        if len(name) > _MAX_NAME:  # LibreOffice cuts longer names; never reached with 10-40 hex digits
            raise ValueError(f"bookmark name {name!r} longer than {_MAX_NAME} characters")
        bid = self.next_id
        self.next_id += 1
        return f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>', f'<w:bookmarkEnd w:id="{bid}"/>'


def custom_properties_xml(source: tuple[str, str], names: dict[str, str]) -> bytes:
    """``docProps/custom.xml``: the spec's name and digest, then ``og_<hash>`` → pointer (or ``=`` + sources) in document order."""
    # the file name is the user's (any bytes on POSIX): written as error lines show it, never unencodable
    keys = [PROPERTY_SPEC, PROPERTY_DIGEST, *names.values()]
    values = [printable(source[0]), source[1], *names]
    body = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property>'
        for pid, name, value in zip(count(2), _names(keys), _texts(values))  # pid 0 and 1 are reserved
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{body}</Properties>"
    ).encode()


def _names(names: list[str]) -> list[str]:
    """Property names as XML attribute values: ours (``og_`` + hex, ``outlookgen.spec``) need no escaping."""
    return [n if n.isascii() and n.replace("_", "").replace(".", "").isalnum() else escape_attr(n) for n in names]


def _texts(texts: list[str]) -> list[str]:
    """``[escape_text(t) for t in texts]``, in one pass when no text holds a line break (15,000 at 2,000 tasks)."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [escape_text(t) for t in texts]
    return escape_text(joined).split("\n")  # escaping neither adds nor drops a line break


def mark_paragraphs(out: list[str], begin: int, start: str, end: str) -> None:
    """Bookmark the paragraphs ``out[begin:]`` as one range: start in the first (after its pPr), end in the last."""
    if not start or len(out) <= begin:
        return
    first = out[begin]
    at = first.find("</w:pPr>")
    at = at + len("</w:pPr>") if at >= 0 else first.index(">") + 1
    out[begin] = first[:at] + start + first[at:]
    last = out[-1]
    out[-1] = last[: -len("</w:p>")] + end + "</w:p>"


def drop_pointers(root) -> None:
    """Remove the ``src`` pointers of block markup that names no spec (a portfolio mixes several specs' pointers)."""
    for elem in root.iter("md", "blocks"):
        elem.attrib.pop("src", None)
