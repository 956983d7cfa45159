"""The reviewer's changes written into the spec's own text, keeping everything the reviewer did not touch.

ruamel.yaml's round trip (as ``import --update``) keeps the spec's comments,
key order, quoting and block scalars; a changed string keeps the style of
the one it replaces (a ``|`` block stays a block, a quoted string quoted).
List items are matched by ``id`` when the document was built from an older
spec (``--base``): a change is applied only where the current spec still
holds what the document showed, and anything else is a conflict.

Comments go into the spec's top-level ``review:`` list (path, author, date,
text, resolved, replies) rather than a sidecar file: the spec is the one
source of truth that travels through git, so a comment is answered and
resolved in the same commit as the edit it asks for, and ``lint`` sees it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from outlookgen.review.mapping import Review
from outlookgen.spec.pointers import MISSING, parse_pointer, pointer_of_path, resolve

__all__ = ["Edited", "apply_review"]

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_ID_TAIL = re.compile(r"^(.*?)(\d+)$")


@dataclass
class Edited:
    text: str
    notes: list[str] = field(default_factory=list)  # what was done beyond the diff (references dropped…)
    conflicts: list[tuple[tuple, str]] = field(default_factory=list)  # (spec path, message)
    changes: int = 0


def _node(document: Any, path: tuple) -> Any:
    node = document
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


def _styled(old: Any, new: str) -> Any:
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if isinstance(old, LiteralScalarString) or (isinstance(old, FoldedScalarString) and "\n" in new.rstrip("\n")):
        return LiteralScalarString(new)
    if isinstance(old, FoldedScalarString):
        return FoldedScalarString(new)
    if "\n" in new.rstrip("\n"):
        return LiteralScalarString(new if new.endswith("\n") else new + "\n")
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    if isinstance(old, bool) or not isinstance(old, (int, float)) or not _NUMBER.match(new):
        return new
    return int(new) if isinstance(old, int) and "." not in new else float(new)


def _translate(path: tuple, base: Any, current: Any) -> tuple | None:
    """``path`` in the spec the document was built from → the same item in the current spec (by ``id``)."""
    out: list[Any] = []
    b, c = base, current
    for part in path:
        if isinstance(part, int) and isinstance(b, list) and isinstance(c, list):
            item = b[part] if 0 <= part < len(b) else None
            ident = item.get("id") if isinstance(item, dict) else None
            if ident is not None:
                matches = [i for i, x in enumerate(c) if isinstance(x, dict) and x.get("id") == ident]
                if not matches:
                    return None
                part_c = matches[0]
            else:
                part_c = part
            out.append(part_c)
            b = item
            c = c[part_c] if 0 <= part_c < len(c) else None
        else:
            out.append(part)
            b = b.get(part) if isinstance(b, dict) else None
            c = c.get(part) if isinstance(c, dict) else None
    return tuple(out)


def _same(a: Any, b: Any) -> bool:
    return a is not MISSING and b is not MISSING and str(a) == str(b)


def apply_review(text: str, review: Review, current: Any, base: Any | None = None) -> Edited:
    """``text`` (the current spec) with ``review`` applied; ``current``/``base`` are the specs as loaded.

    ``base`` is the spec the document was built from when it is not the
    current one (three-way merge); None means the document shows ``current``.
    """
    from outlookgen.exchange.roundtrip import load_round_trip

    base_data = current if base is None else base
    yaml, document = load_round_trip(text)  # the file's own indentation, comments and quoting kept
    result = Edited(text)
    removals: dict[tuple, set[int]] = {}
    insertions: dict[tuple, list[tuple[int, Any]]] = {}

    def here(path: tuple) -> tuple | None:
        return path if base is None else _translate(path, base_data, current)

    for change in review.changes:
        path = parse_pointer(change.pointer)
        target = here(path) if path is not None else None
        if target is None:
            result.conflicts.append((path or (), f"{change.pointer} is no longer in the spec; the edit is not applied"))
            continue
        now = resolve(current, target)
        if base is not None and not _same(now, change.old):
            if change.new is not None and _same(now, change.new):
                continue
            result.conflicts.append(
                (target, "changed in the spec since the document was built and by the reviewer; merge it by hand")
            )
            continue
        if change.new is None:
            removals.setdefault(target[:-1], set()).add(target[-1])
            result.changes += 1
            continue
        parent = _node(document, target[:-1])
        if parent is MISSING:
            continue
        if change.new != str(change.old):
            parent[target[-1]] = _styled(parent[target[-1]], change.new)
            result.changes += 1
            if target[-1] == "id" and isinstance(change.old, str):
                _rename_references(document, current, change.old, change.new, target[:-1], result)
        for offset_, extra in enumerate(change.extra):
            insertions.setdefault(target[:-1], []).append((target[-1] + offset_, extra))
            result.changes += 1
    for pointer in review.removals:
        path = parse_pointer(pointer)
        target = here(path) if path is not None else None
        if target is None:
            continue  # already gone from the current spec
        removals.setdefault(target[:-1], set()).add(target[-1])
        result.changes += 1
    for insertion in review.insertions:
        list_path = parse_pointer(insertion.list_pointer)
        target = here(list_path) if list_path is not None else None
        seq = _node(document, target) if target is not None else MISSING
        if not isinstance(seq, list):
            result.conflicts.append((list_path or (), f"{insertion.list_pointer} is no longer a list in the spec"))
            continue
        after = insertion.after_index
        if base is not None and after >= 0:
            anchored = _translate((*list_path, after), base_data, current)
            after = anchored[-1] if anchored is not None else len(seq) - 1
        item = _new_item(insertion.fields, seq, current)
        insertions.setdefault(target, []).append((after, item))
        result.changes += 1
    _drop_references(document, current, removals, result)
    _restructure(document, removals, insertions, review.reorders if base is None else {}, result)
    new_section = review.comments and "review" not in document
    if review.comments:
        _record_comments(document, review)
    out = io.StringIO()
    yaml.dump(document, out)
    result.text = out.getvalue()
    if new_section:  # the new top-level section set apart like the others
        result.text = re.sub(r"(?<=[^\n]\n)(?=review:\n)", "\n", result.text)
    return result


def _ids(data: Any) -> set[str]:
    found: set[str] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _new_item(fields: dict, seq: list, current: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    template = next((x for x in seq if isinstance(x, dict)), {})
    values = dict(fields)
    if "id" in template and not values.get("id"):
        values["id"] = _next_id([x.get("id") for x in seq if isinstance(x, dict)], _ids(current))
    order = [k for k in template if k in values] + [k for k in values if k not in template]
    item = CommentedMap()
    for key in order:
        value = values[key]
        if isinstance(value, list):
            value = CommentedSeq(value)
        elif isinstance(value, str) and "\n" in value:
            value = LiteralScalarString(value + "\n")
        item[key] = value
    return item


def _next_id(siblings: list, taken: set[str]) -> str:
    """An id in the siblings' own pattern (R7 after R6; R-7 among R-people, R-data…), unique in the spec."""
    names = [str(s) for s in siblings if s]
    tails = [m for m in (_ID_TAIL.match(n) for n in names) if m]
    if tails:
        prefix = Counter(m.group(1) for m in tails).most_common(1)[0][0]
        number = max(int(m.group(2)) for m in tails if m.group(1) == prefix) + 1
    else:
        common = names[0] if names else ""
        for name in names[1:]:
            while not name.startswith(common):
                common = common[:-1]
        cut = max(common.rfind(c) for c in "-_.") + 1
        prefix = common[:cut] if cut > 0 else (common or "item-")
        if prefix[-1:] not in ("-", "_", "."):
            prefix += "-"
        number = len(names) + 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _drop_references(document: Any, current: Any, removals: dict[tuple, set[int]], result: Edited) -> None:
    """Ids of removed items taken out of id lists that name them; a single reference left is a conflict."""
    gone: dict[str, tuple] = {}
    for list_path, indices in removals.items():
        seq = resolve(current, list_path)
        for index in indices:
            item = seq[index] if isinstance(seq, list) and 0 <= index < len(seq) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                gone[item["id"]] = (*list_path, index)

    def removed(path: tuple) -> bool:
        return any(path[: len(p)] == p for p in gone.values())

    stack: list[tuple[tuple, Any]] = [((), current)]
    while stack:
        path, node = stack.pop()
        if removed(path):
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "id":
                    continue
                if isinstance(value, str) and value in gone:
                    result.conflicts.append(
                        ((*path, key), f"refers to {value}, which the review removes; change or remove it first")
                    )
                stack.append(((*path, key), value))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str) and value in gone:
                    seq = _node(document, path)
                    if isinstance(seq, list) and value in seq:
                        seq.remove(value)
                        result.notes.append(f"{pointer_of_path(path)}: {value} removed (the review removed that item)")
                    continue
                stack.append(((*path, index), value))


def _rename_references(document: Any, current: Any, old: str, new: str, owner: tuple, result: Edited) -> None:
    """An id the reviewer renamed, renamed where the spec refers to it too (id lists and single references)."""
    stack: list[tuple[tuple, Any]] = [((), current)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if value == old and not (key == "id" and path == owner):
                    holder = _node(document, path)
                    if holder is not MISSING and holder.get(key) == old:
                        holder[key] = new
                        result.notes.append(f"{pointer_of_path((*path, key))}: {old} renamed {new}")
                elif isinstance(value, (dict, list)):
                    stack.append(((*path, key), value))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if value == old:
                    holder = _node(document, path)
                    if holder is not MISSING and holder[index] == old:
                        holder[index] = new
                        result.notes.append(f"{pointer_of_path((*path, index))}: {old} renamed {new}")
                elif isinstance(value, (dict, list)):
                    stack.append(((*path, index), value))


def _restructure(document, removals, insertions, reorders, result: Edited) -> None:
    """Remove, insert and reorder list items, deepest lists first so outer indices stay true."""
    lists = set(removals) | set(insertions) | {parse_pointer(p) for p in reorders}
    for list_path in sorted(lists, key=len, reverse=True):
        seq = _node(document, list_path)
        if not isinstance(seq, list):
            continue
        order = reorders.get(pointer_of_path(list_path)) or list(range(len(seq)))
        if order != list(range(len(seq))):
            result.changes += 1
        added: dict[int, list] = {}
        for after, item in insertions.get(list_path, []):
            added.setdefault(after, []).append(item)
        gone = removals.get(list_path, set())
        new = list(added.get(-1, []))
        for index in order:
            if index not in gone:
                new.append(seq[index])
            new.extend(added.get(index, []))
        if new == list(seq) and not gone and not added:
            continue
        trailing = _take_trailing_lines(seq)
        while len(seq):
            seq.pop()
        seq.extend(new)
        _put_trailing_lines(seq, trailing)


def _last_leaf(node: Any) -> tuple[Any, Any] | None:
    """The innermost mapping or sequence holding the list's last scalar, and its key there."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    while True:
        if isinstance(node, CommentedMap) and node:
            key = list(node)[-1]
        elif isinstance(node, CommentedSeq) and node:
            key = len(node) - 1
        else:
            return None
        child = node[key]
        if isinstance(child, (CommentedMap, CommentedSeq)) and child:
            node = child
            continue
        return node, key


def _take_trailing_lines(seq: Any) -> Any:
    """The blank lines after a list (ruamel keeps them on its last scalar): they stay at the list's end."""
    leaf = _last_leaf(seq)
    if leaf is None or not hasattr(leaf[0], "ca"):
        return None
    holder, key = leaf
    entry = holder.ca.items.get(key)
    token = next((t for t in (entry or ()) if t is not None and hasattr(t, "value")), None)
    if token is None or not token.value.startswith("\n"):
        return None  # an end-of-line comment belongs to its item
    return holder.ca.items.pop(key)


def _put_trailing_lines(seq: Any, entry: Any) -> None:
    leaf = _last_leaf(seq)
    if entry is None or leaf is None or not hasattr(leaf[0], "ca"):
        return
    holder, key = leaf
    holder.ca.items.setdefault(key, entry)


def _record_comments(document: Any, review: Review) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if "review" not in document or not isinstance(document["review"], list):
        document["review"] = CommentedSeq()
    recorded = document["review"]
    known = {
        (str(c.get("path", "")), str(c.get("author", "")), str(c.get("date", "")), str(c.get("text", "")))
        for c in recorded
        if isinstance(c, dict)
    }
    for comment in review.comments:
        key = (comment.path, comment.author, comment.date, comment.text)
        if key in known:
            continue
        entry = CommentedMap()
        entry["path"] = comment.path
        entry["author"] = comment.author or "unknown"
        if comment.date:  # quoted: a YAML timestamp would load as a datetime, the schema wants the text
            entry["date"] = SingleQuotedScalarString(comment.date)
        entry["text"] = comment.text
        entry["resolved"] = comment.resolved
        if comment.replies:
            entry["replies"] = CommentedSeq(
                CommentedMap((k, SingleQuotedScalarString(v) if k == "date" else v) for k, v in reply.items() if v)
                for reply in comment.replies
            )
        recorded.append(entry)
