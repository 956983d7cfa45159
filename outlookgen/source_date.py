"""SOURCE_DATE_EPOCH: the one reader of the moment a reproducible build stamps into its files."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from outlookgen.errors import OutlookgenError

# SOURCE_DATE_EPOCH (reproducible-builds.org): the seconds since 1970-01-01 UTC
# that stand for "now" in every date a build stamps. This module is its one
# reader, so a bad value fails every command the same way. The top is the last
# second of 9999, like clang's: every date outlookgen writes has a 4-digit year.
SOURCE_DATE_EPOCH_MAX = 253_402_300_799
_SHOWN = 40  # characters of a bad value quoted in the error line


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH as a build input ('' when unset): it changes the dates stamped into Word files.

    OutlookgenError when it is malformed, so ``build`` stops before any work.
    """
    seconds = _source_date_epoch_seconds()
    return "" if seconds is None else str(seconds)


def source_date() -> datetime | None:
    """The moment SOURCE_DATE_EPOCH names, as a naive UTC datetime; None when it is unset or empty."""
    seconds = _source_date_epoch_seconds()
    if seconds is None:
        return None
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)  # no time zone, no platform time_t


def _source_date_epoch_seconds() -> int | None:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not raw:
        return None  # empty is unset: `SOURCE_DATE_EPOCH= outlookgen build` clears it in a shell
    # ASCII digits only: int() would also take " 12", "+12", "1_2" and Arabic-Indic digits.
    if len(raw) <= len(str(SOURCE_DATE_EPOCH_MAX)) and raw.isascii() and raw.isdigit():
        seconds = int(raw)
        if seconds <= SOURCE_DATE_EPOCH_MAX:
            return seconds
    shown = raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…"
    raise OutlookgenError(
        f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, 0 to {SOURCE_DATE_EPOCH_MAX} "
        f"(the end of 9999), not {shown!r}"
    )
