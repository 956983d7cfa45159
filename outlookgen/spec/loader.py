"""Read a spec file into plain data plus a source map, refusing hostile or broken input.

The file is read within the size limit (a regular file only, never
blocking) and decoded; a text read before is taken from :mod:`.parsed`,
any other goes through :mod:`.yaml_events`, which drives PyYAML's event
stream and builds the data itself (no composer, no constructor, no tag that
runs code; depth, alias and node limits). Anything that makes the file
unusable raises :class:`SpecError` with a located :class:`Diagnostic`.
"""

from __future__ import annotations

import os
import stat

from outlookgen.fileio import NotARegularFile, TooLarge, read_bounded
from outlookgen.spec.source import (
    Limits,
    LoadedSpec,
    SourceMap,
    file_error,
    non_printable,
    position,
    too_big,
)

__all__ = ["Limits", "LoadedSpec", "SourceMap", "load_spec", "load_text", "peek_is_spec"]


def _decode(data: bytes, file: str) -> str:
    """Bytes -> text: UTF-8 (a BOM is fine) or UTF-16 with a BOM; located error otherwise."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise file_error(file, "the file is UTF-32; save the file as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        body = data[2:]
        try:
            return body.decode(codec)
        except UnicodeDecodeError as exc:
            start = exc.start - exc.start % 2
            mark = position(body[:start].decode(codec), start // 2)
            raise file_error(
                file, "not valid UTF-16 (a broken character); save the file as UTF-8", mark.line + 1, mark.column + 1
            ) from None
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = body[: exc.start].decode("utf-8")
        mark = position(prefix, len(prefix))
        raise file_error(
            file,
            f"not valid UTF-8 (byte 0x{body[exc.start]:02x}); save the file as UTF-8",
            mark.line + 1,
            mark.column + 1,
        ) from None


def _check_printable(text: str, file: str, from_bytes: bool) -> None:
    match = non_printable().search(text)
    if match is None:
        return
    ch = match.group()
    if ch == "\x00" and from_bytes and text.count("\x00") * 4 >= len(text):
        raise file_error(
            file, "not valid UTF-8 (it holds NUL bytes, like UTF-16 without a byte-order mark); save the file as UTF-8"
        )
    mark = position(text, match.start())
    raise file_error(
        file,
        f"YAML syntax: character U+{ord(ch):04X} is not allowed in a YAML file; remove it",
        mark.line + 1,
        mark.column + 1,
    )


def _read(path: str | os.PathLike, file: str, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them; located errors otherwise."""
    try:
        return read_bounded(path, limit)
    except (FileNotFoundError, NotADirectoryError):
        raise file_error(file, "no such file") from None
    except PermissionError:
        raise file_error(file, "permission denied") from None
    except NotARegularFile as exc:
        if stat.S_ISDIR(exc.mode):
            raise file_error(file, "is a directory, not a spec file") from None
        raise file_error(file, "is not a regular file") from None
    except TooLarge as exc:
        raise too_big(file, exc.size, limit) from None
    except (OSError, ValueError) as exc:
        raise file_error(file, f"cannot read the file ({getattr(exc, 'strerror', None) or exc})") from None


def load_spec(
    path: str | os.PathLike,
    *,
    name: str | None = None,
    limits: Limits = Limits(),
    _loader: type | None = None,
) -> LoadedSpec:
    """Read the spec file at ``path``; ``name`` is the display name in error lines (default: the path)."""
    file = name if name is not None else os.fspath(path)
    if isinstance(file, bytes):
        file = os.fsdecode(file)
    data = _read(path, file, limits.max_bytes)
    return load_text(data, file, limits=limits, _loader=_loader)


def load_text(
    text: str | bytes,
    name: str,
    *,
    limits: Limits = Limits(),
    _loader: type | None = None,
) -> LoadedSpec:
    """Read a spec from its text (or its bytes, decoded as a spec file is); ``name`` is the display name."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if len(raw) > limits.max_bytes:
            raise too_big(name, len(raw), limits.max_bytes)
        source = _decode(raw, name)
        from_bytes = True
    else:
        source = text
        if len(source) * 4 > limits.max_bytes:
            size = len(source.encode("utf-8", "surrogatepass"))
            if size > limits.max_bytes:
                raise too_big(name, size, limits.max_bytes)
        from_bytes = False
    source = source.removeprefix("\ufeff")
    if _loader is None:
        from outlookgen.spec import parsed

        kept = parsed.recall(source, name, limits)
        if kept is not None:
            return kept
    _check_printable(source, name, from_bytes)

    from outlookgen.spec.yaml_events import parse

    loaded = parse(source, name, limits, _loader)
    if _loader is None:
        parsed.keep(source, name, limits, loaded)
    return loaded


def peek_is_spec(path: str | os.PathLike, *, limits: Limits = Limits()) -> bool:
    """True when ``path`` is a regular file within the size limit whose top level has an ``outlook`` key.

    Cheap and never raises: used to discover specs in directories. A file that
    is broken after its ``outlook:`` key still counts (loading it reports why).
    """
    try:
        data = _read(path, "", limits.max_bytes)
        text = _decode(data, "").removeprefix("\ufeff")
        from outlookgen.spec.yaml_events import peek

        return peek(text, limits.max_depth)
    except Exception:  # discovery must never fail
        return False
