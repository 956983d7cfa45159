"""What a reviewed file says beside its text: outlookgen's custom properties, and the reviewers' comments.

``docProps/custom.xml`` was written by the Word renderer
(:mod:`outlookgen.render.docx.trace`): the spec's file name and SHA-256, and
one property per bookmark (``og_…`` → JSON pointer, or ``=`` and the
computed text's source fields). Word and LibreOffice keep them through
editing. ``word/comments.xml`` holds each comment's author, date and
paragraphs; ``word/commentsExtended.xml`` (Word 2013+) links replies to the
comment they answer and marks resolved ("done") threads, through the
``w14:paraId`` of each comment's last paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from outlookgen.errors import Diagnostic, OutlookgenError
from outlookgen.render.docx.trace import PREFIX, PROPERTY_DIGEST, PROPERTY_SPEC
from outlookgen.spec.pointers import MAX_POINTER

__all__ = ["MAX_COMMENTS", "Origin", "read_comments", "read_origin"]

CP = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
VT = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14_PARA = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MAX_COMMENTS = 5_000


@dataclass(frozen=True)
class Origin:
    spec: str  # the spec's file name when it was built
    digest: str  # SHA-256 of the spec's bytes then
    names: dict[str, str]  # bookmark → pointer (or "=" + sources)


def read_origin(root, shown: str) -> Origin:
    """The spec a reviewed file was built from; an error when it was not built by outlookgen."""
    values: dict[str, str] = {}
    if root is not None:
        for prop in root.iter(CP + "property"):
            name = prop.get("name") or ""
            node = prop.find(VT + "lpwstr")
            if node is not None:
                values[name] = node.text or ""
    spec, digest = values.get(PROPERTY_SPEC), values.get(PROPERTY_DIGEST)
    if not spec or not digest:
        raise OutlookgenError(
            diagnostics=[
                Diagnostic(
                    shown,
                    1,
                    1,
                    "docProps/custom.xml",
                    "this document was not built by outlookgen 2 or later (it has no outlookgen.spec property): "
                    "absorb reads only documents outlookgen built, whose text it can trace to the spec",
                )
            ]
        )
    names = {
        name: value
        for name, value in values.items()
        if name.startswith(PREFIX) and len(value) <= MAX_POINTER and (value.startswith(("/", "=")))
    }
    return Origin(spec, digest.strip().lower(), names)


def _text(comment) -> str:
    paragraphs = []
    for p in comment.iter(W + "p"):
        parts = []
        for node in p.iter(W + "t", W + "tab", W + "br"):
            parts.append(node.text or "" if node.tag == W + "t" else ("\t" if node.tag == W + "tab" else "\n"))
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs).strip()


def read_comments(root, extended, shown: str) -> list[dict]:
    """The comments in document order: id, author, date, text, and thread facts from the extension."""
    if root is None:
        return []
    done: dict[str, bool] = {}
    parents: dict[str, str] = {}
    if extended is not None:
        for ex in extended.iter(W15 + "commentEx"):
            para = ex.get(W15 + "paraId")
            if para:
                done[para] = ex.get(W15 + "done") in ("1", "true")
                if ex.get(W15 + "paraIdParent"):
                    parents[para] = ex.get(W15 + "paraIdParent")
    out: list[dict] = []
    for comment in root.iter(W + "comment"):
        if len(out) >= MAX_COMMENTS:
            raise OutlookgenError(
                diagnostics=[
                    Diagnostic(
                        shown,
                        comment.sourceline or 1,
                        1,
                        "word/comments.xml",
                        f"refused: more than {MAX_COMMENTS:,} comments",
                    )
                ]
            )
        paragraphs = list(comment.iter(W + "p"))
        para_id = paragraphs[-1].get(W14_PARA) if paragraphs else None
        out.append(
            {
                "id": comment.get(W + "id", ""),
                "author": (comment.get(W + "author") or "").strip(),
                "date": (comment.get(W + "date") or "").strip(),
                "text": _text(comment),
                "para_id": para_id,
                "parent": parents.get(para_id or ""),
                "done": done.get(para_id or "", False),
            }
        )
    return out
