"""JSON pointers (RFC 6901) into a spec: written from a path, read back into one, resolved in the data.

One place for the three things every user of pointers needs — the Word
writer's bookmarks (:mod:`outlookgen.model.trace`), the ``review:`` path
check (:mod:`outlookgen.spec.references`) and ``absorb`` reading a reviewed
file back (:mod:`outlookgen.review`).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MISSING", "escape_token", "parse_pointer", "pointer_of_path", "resolve"]

MAX_POINTER = 1_000  # far beyond any spec's deepest path
# A list index: no sign, no leading zero, and not '-' (the item after the last).
_INDEX = re.compile(r"0|[1-9][0-9]{0,8}")
MISSING = object()  # what :func:`resolve` gives for a pointer that names nothing


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_of_path(path: tuple) -> str:
    """``("risks", 1, "title")`` → ``/risks/1/title``."""
    return "".join("/" + escape_token(str(part)) for part in path)


def parse_pointer(pointer: str) -> tuple | None:
    """A JSON pointer as a spec path (list indices as ints); None when it is not one."""
    if pointer == "":
        return ()
    if not pointer.startswith("/") or len(pointer) > MAX_POINTER:
        return None
    tokens = (t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/"))
    return tuple(int(t) if _INDEX.fullmatch(t) else t for t in tokens)


def resolve(data: Any, path: tuple) -> Any:
    """The value at ``path`` in ``data``, or :data:`MISSING`."""
    node = data
    for part in path:
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        else:
            return MISSING
    return node
