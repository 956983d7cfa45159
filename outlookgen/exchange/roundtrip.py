"""A spec loaded for rewriting in place: ruamel.yaml's round trip, in the file's own indentation.

``import --update`` and ``absorb --write`` change a few values of a spec a
person wrote; everything else — comments, key order, quoting, block scalars,
indentation — must come back as it was. ruamel.yaml keeps all of it but the
indentation, which it has to be told. ruamel's ``load_yaml_guess_indent``
reads it from the text but (before 0.18.?) also parses the whole file with a
YAML object of its own, so a spec would be parsed twice, and its ``yaml=``
keyword is not there in every release setup.cfg allows; the same scan is
done here, on the text, before the one parse.
"""

from __future__ import annotations

from typing import Any

__all__ = ["guess_indent", "load_round_trip"]


def _spaces(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def guess_indent(text: str) -> tuple[int | None, int | None]:
    """(indent, block sequence indent) of the first block sequence, else of nested mappings.

    The block sequence indent counts the spaces before a ``-`` beyond its
    key's; the indent is the item's content column beyond the key's (the
    rules of ruamel.yaml's ``load_yaml_guess_indent``).
    """
    map_indent: int | None = None
    key_only: int | None = None
    key_indent = 0
    for line in text.splitlines():
        stripped = line.rstrip()
        content = stripped.lstrip()
        if content.startswith("- "):
            dash = _spaces(line)
            after = dash + 1
            while after < len(stripped) and stripped[after] == " ":
                after += 1
            if after < len(stripped) and stripped[after] == "#":
                continue  # a comment after the dash says nothing about the item's column
            return after - key_indent, dash - key_indent
        if map_indent is None and key_only is not None and stripped:
            column = len(line) - len(line.lstrip(" -"))
            if column > key_only:
                map_indent = column - key_only
        if stripped.endswith(":") and not content.startswith("#"):
            key_indent = key_only = _spaces(line)
            continue
        key_only = None
    return map_indent, None


def load_round_trip(text: str) -> tuple[Any, Any]:
    """(the YAML object to dump with, the document) for ``text``, parsed once."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    indent, sequence = guess_indent(text)
    yaml.indent(mapping=sequence or 2, sequence=indent or 4, offset=sequence or 2)
    return yaml, yaml.load(text)
