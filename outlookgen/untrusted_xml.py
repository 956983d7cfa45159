"""Parsing XML someone else wrote: no DTD, no entity, no network, libxml2's own size and depth limits.

One reader for every XML part that comes from outside — an MS Project file,
a pack's reference document, a client's reviewed Word file. A DOCTYPE is
refused before the parser sees the part (XXE and entity expansion start
there; neither Word nor MS Project writes one), then again from what the
parser found, for an encoding the prolog scan could not read. libxml2 runs
without ``huge_tree``: nesting deeper than 256 and text nodes over 10 MB are
its own refusals. lxml is imported only when a part is parsed.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["RefusedXml", "parse_untrusted"]

_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_XML_ERR_NO_MEMORY = 2  # libxml2 reports exhaustion as a syntax error


class RefusedXml(ValueError):
    """Why a part was refused, and where (1-based line and column of the part)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = max(line, 1)
        self.column = max(column, 1)


def parse_untrusted(raw: bytes, writer: str) -> Any:
    """The root element of ``raw``; RefusedXml otherwise. ``writer`` names who never writes a DOCTYPE."""
    from lxml import etree

    doctype = f"the XML declares a DOCTYPE ({writer} never writes one; XXE and entity expansion start there)"
    head = raw[:65536]
    at = _PROLOG.match(head).end()
    wide = head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"D\0O\0C\0T\0Y\0P\0E" in head.upper()
    if head[at : at + 9].upper() == b"<!DOCTYPE" or wide:
        raise RefusedXml(doctype, head.count(b"\n", 0, at) + 1)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        if exc.code == _XML_ERR_NO_MEMORY:
            raise MemoryError from None
        line, column = exc.position if exc.position else (1, 1)
        message = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        raise RefusedXml(f"not well-formed XML: {message}", line, column) from None
    except ValueError as exc:  # e.g. an encoding lxml cannot switch to
        raise RefusedXml(f"not readable XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        raise RefusedXml(doctype)
    return root
