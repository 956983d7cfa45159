"""What the system can do to any build, whatever the input — and bugs — as the one error line a user reads."""

from __future__ import annotations

import os

from outlookgen.errors import OutlookgenError, one_line

# What the system can do to any build, whatever the input: refuse a file, fail a
# disk, run out of memory, hand over a file in another encoding. Each is one error
# line; anything else escaping a build is a bug in outlookgen.
SYSTEM_ERRORS = (OSError, UnicodeDecodeError, MemoryError)


def system_error(exc: BaseException) -> OutlookgenError:
    """One of SYSTEM_ERRORS as the error a user reads: ``/pack/x.css: Permission denied``."""
    if isinstance(exc, MemoryError):
        return OutlookgenError("ran out of memory; give outlookgen more memory, or build fewer specs at once (-j)")
    if isinstance(exc, UnicodeDecodeError):
        byte = (
            f"byte 0x{exc.object[exc.start]:02x} at position {exc.start}" if exc.start < len(exc.object) else "its end"
        )
        return OutlookgenError(f"a file of the template pack is not valid UTF-8 ({byte}); save it as UTF-8")
    message = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    name = getattr(exc, "filename", None)
    if isinstance(name, (str, bytes, os.PathLike)):
        return OutlookgenError(f"{one_line(os.fsdecode(name))}: {one_line(message)}")
    return OutlookgenError(one_line(message))


def internal_error(exc: BaseException) -> OutlookgenError:
    """An exception outlookgen did not expect, in one line that asks for a bug report (for ``watch``)."""
    return OutlookgenError(
        f"unexpected {type(exc).__name__}: {one_line(str(exc))}; this is a bug in outlookgen,"
        " please report it with the files that caused it"
    )
