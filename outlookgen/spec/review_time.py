"""``evaluation.review.time``: when review meetings are held, read and checked ("14:00-15:30 Asia/Shanghai").

The value is a start time, an optional end time and an IANA time zone, in
one string: ``HH:MM[-HH:MM] Zone/Name``. The zone is required: a meeting
time without one means a different hour to every reader of a calendar
file. Without an end the meeting lasts :data:`DEFAULT_MINUTES`. The schema
checks the shape; this module checks what a pattern cannot — the zone
exists in the time-zone database (the system's, or the ``tzdata`` package)
and the meeting ends after it starts — and parses the value for the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any

from outlookgen.errors import Diagnostic, format_path
from outlookgen.fields_repr import fields_repr
from outlookgen.spec.loader import LoadedSpec

__all__ = ["DEFAULT_MINUTES", "PATH", "ReviewTime", "parse_review_time", "review_time_problems"]

PATH = ("evaluation", "review", "time")
DEFAULT_MINUTES = 60
_VALUE = re.compile(
    r"(?P<start>[0-9]{1,2}:[0-9]{2})(?:\s*-\s*(?P<end>[0-9]{1,2}:[0-9]{2}))?\s+(?P<zone>[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*)"
)


@dataclass(frozen=True, slots=True, repr=False)
class ReviewTime:
    """A meeting's local start and end, in the time zone named ``zone`` (an IANA key)."""

    start: time
    end: time | None  # None: DEFAULT_MINUTES after the start
    zone: str

    __repr__ = fields_repr


def parse_review_time(value: Any) -> ReviewTime | None:
    """The parsed value, or None when it is not of the form ``HH:MM[-HH:MM] Zone`` with real clock times."""
    if not isinstance(value, str):
        return None
    match = _VALUE.fullmatch(value.strip())
    if match is None:
        return None
    start = _clock(match["start"])
    end = _clock(match["end"]) if match["end"] else None
    if start is None or (match["end"] and end is None):
        return None
    return ReviewTime(start, end, match["zone"])


def _clock(text: str) -> time | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def review_time_problems(spec: LoadedSpec) -> list[Diagnostic]:
    """A located error for a review time whose zone is unknown or that ends before it starts."""
    review = spec.data.get("evaluation") if isinstance(spec.data, dict) else None
    review = review.get("review") if isinstance(review, dict) else None
    if not isinstance(review, dict) or "time" not in review:
        return []
    parsed = parse_review_time(review["time"])
    if parsed is None:
        return []  # the schema's pattern has said what is wrong with its shape
    message = None
    if parsed.end is not None and parsed.end <= parsed.start:
        message = f"the meeting ends ({parsed.end:%H:%M}) before it starts ({parsed.start:%H:%M})"
    elif not zone_exists(parsed.zone):
        import difflib  # a suggestion is made only for a mistake

        close = difflib.get_close_matches(parsed.zone, sorted(_known_zones()), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else " (an IANA name such as Asia/Shanghai or Europe/Berlin)"
        message = f"unknown time zone '{parsed.zone}'{hint}"
    if message is None:
        return []
    file, line, column = spec.locate(PATH)
    return [Diagnostic(file, line, column, format_path(PATH), message)]


def zone_exists(name: str) -> bool:
    """Whether the time-zone database knows ``name``."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _known_zones() -> set[str]:
    from zoneinfo import available_timezones

    return available_timezones()
