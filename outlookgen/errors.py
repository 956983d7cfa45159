"""Diagnostics (located problems) and the one exception family the CLI turns into exit 1."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from outlookgen.fields_repr import fields_repr

PathPart = str | int
SpecPath = tuple  # tuple[PathPart, ...]; () is the document root

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_path(path: Sequence[PathPart]) -> str:
    """Render a spec path the way error lines show it: ``roadmap.phases[1].tasks[0].owner``.

    The root is ``$`` (JSONPath's name for it). Keys that are not plain
    identifiers are quoted so a path can always be read back unambiguously.
    """
    if not path:
        return "$"
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}" if out else part)
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


@dataclass(frozen=True, order=True, repr=False)
class Diagnostic:
    """One problem, located in a file; sorting orders by file, then position.

    This is data: reporters (``outlookgen.output.reporters``) decide how it is shown.
    ``line`` and ``column`` are 1-based.
    """

    file: str
    line: int
    column: int
    path: str = "$"
    message: str = ""
    severity: str = "error"
    code: str = ""

    def format(self) -> str:
        """The compiler-style line: ``plan.yaml:42:7: error: a.b[0]: message``.

        Always exactly one line: a spec value quoted in a message cannot break
        it, because characters that are not printable are shown escaped.
        """
        path, message = _clip(self.path, _MAX_PATH), _clip(self.message, _MAX_MESSAGE)
        return f"{printable(self.file)}:{self.line}:{self.column}: {self.severity}: {printable(path)}: {printable(message)}"

    __repr__ = fields_repr


# An error line quotes spec text (keys, values); a 5 MB key must not make a 10 MB line.
_MAX_PATH = 200
_MAX_MESSAGE = 1000


def _clip(text: str, limit: int) -> str:
    """``text`` cut in the middle past ``limit`` characters: both ends stay (what is wrong, what to do)."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return text[:head] + "…" + text[-(limit - head - 1) :]


def printable(text: str) -> str:
    """``text`` with every character that is not printable shown as its escape (``\\r``, ``\\x9b``, ``\\u2028``).

    The one function for any untrusted text (a spec value, a pack name, a
    file name, a label key) shown in a terminal line: a CR, LF, U+2028 or
    U+2029 could start what looks like a line of its own, and ESC or the C1
    control U+009B (CSI) could drive the terminal.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


_printable = printable  # the name other modules imported first


def one_line(text: str) -> str:
    """A plain message (no location) for a terminal line: escaped like :meth:`Diagnostic.format`, cut past 1 000 characters."""
    return printable(_clip(text, _MAX_MESSAGE))


class OutlookgenError(Exception):
    """Base of every error a user can cause; the CLI turns it into exit code 1.

    Anything else that escapes is a bug in outlookgen, not in the input.
    ``diagnostics`` holds the located problems; the message is a one-line
    summary for cases with no location (such as a missing optional extra).
    """

    def __init__(self, message: str = "", diagnostics: Iterable[Diagnostic] = ()) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics))
        if not message and self.diagnostics:
            message = self.diagnostics[0].format()
        super().__init__(message)


class SpecError(OutlookgenError):
    """The spec cannot be read or is not valid (YAML, limits, schema, references)."""


class TemplateError(OutlookgenError):
    """A template pack is broken: a template does not parse or fails while rendering."""


class OutputError(OutlookgenError):
    """Outputs cannot be written (name clash, unwritable folder...)."""


class FeatureUnavailable(OutlookgenError):
    """The user asked for something this installation cannot do (a format or extra)."""
