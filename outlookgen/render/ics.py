"""``outlookgen ics``: the plan's milestones and review meetings as an iCalendar (RFC 5545) file.

Written by hand rather than through a library: the format is small, and
writing it here keeps the output byte-for-byte deterministic (fixed DTSTAMP,
stable UIDs, fixed order) so a calendar file can live in a repository and be
checked with ``--check`` like the documents.

Milestones are all-day events on the model's milestone day (the last working
day of their unit, :mod:`outlookgen.model.workdays`). Review meetings are
all-day events unless the spec gives ``evaluation.review.time``; then they
are timed in that zone: ``DTSTART;TZID=Asia/Shanghai:…`` with a VTIMEZONE
written from the time-zone database for the span the meetings cover (each
offset change an observance of its own), so a weekly 14:00 meeting in Berlin
stays at 14:00 across daylight-saving changes, which a UTC time would not.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta, timezone

from outlookgen import __version__
from outlookgen.errors import Diagnostic, SpecError
from outlookgen.model import Outlook
from outlookgen.packs.labels import fill
from outlookgen.render.markup import parse_inline, plain_text
from outlookgen.source_date import source_date
from outlookgen.spec.review_time import DEFAULT_MINUTES, ReviewTime

# RRULE of each review cadence (spec: evaluation.review.cadence).
_CADENCE_RULES = {
    "weekly": ("FREQ=WEEKLY;INTERVAL=1", timedelta(weeks=1)),
    "biweekly": ("FREQ=WEEKLY;INTERVAL=2", timedelta(weeks=2)),
    "monthly": ("FREQ=MONTHLY;INTERVAL=1", None),
    "quarterly": ("FREQ=MONTHLY;INTERVAL=3", None),
}
_MONTHS = {"monthly": 1, "quarterly": 3}


# Every line break a reader may honour: CRLF, CR or LF alone, NEL, and Unicode's
# line and paragraph separators (Python's splitlines and many parsers end a line
# at each). Left raw, the text after one is read as a property of its own
# (ATTENDEE:, BEGIN:VALARM ...); in a TEXT value a break is written \n.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# What TEXT cannot hold (§3.3.11: CONTROL is every C0 character but tab, and DEL;
# C1 controls and lone surrogates are no better): shown as U+FFFD, as the HTML page does.
_NOT_TEXT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): no text can end its content line."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = _LINE_BREAK.sub(lambda _: "\\n", text)
    return _NOT_TEXT.sub("\ufffd", text)


def _visible(text: str | None) -> str:
    """What a reader of the document sees of a spec text: calendars show no Markdown (``**Go-live**`` → Go-live)."""
    return plain_text(parse_inline(text)) if text else ""


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (§3.1)."""
    # Every text went through _escape; this keeps any other value (a label, an id)
    # from ever ending the line early, whatever the code above it does.
    line = _NOT_TEXT.sub("\ufffd", _LINE_BREAK.sub("\ufffd", line))
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    # Clamp to the month's last day (31 January + 1 month = 28/29 February).
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _stamp(outlook: Outlook) -> str:
    """DTSTAMP: ``SOURCE_DATE_EPOCH`` when set (a malformed value is an error, as in every command), else meta.date."""
    moment = source_date()
    if moment is None:
        moment = datetime(outlook.meta.date.year, outlook.meta.date.month, outlook.meta.date.day)
    return moment.strftime("%Y%m%dT%H%M%SZ")  # both are UTC


def calendar(outlook: Outlook, labels: dict, spec_file: str) -> bytes:
    """The .ics calendar of one outlook; SpecError when the plan has no calendar dates."""
    road = outlook.roadmap
    if road.start is None:
        raise SpecError(
            diagnostics=[
                Diagnostic(
                    spec_file, 1, 1, "roadmap", "a calendar needs dates: set roadmap.start (the plan's first day)"
                )
            ]
        )
    words = labels["ics"]
    title = _visible(outlook.meta.title)
    scope = hashlib.sha256(f"{outlook.meta.organization}\0{title}".encode()).hexdigest()[:16]
    stamp = _stamp(outlook)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//outlookgen//outlookgen {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(title)}",
    ]

    events: list[str] = []

    def event(
        uid: str,
        start: date,
        summary: str,
        description: str,
        category: str,
        rule: str | None = None,
        meeting: ReviewTime | None = None,
    ) -> None:
        if meeting is None:  # all day; free time (a milestone blocks nobody's calendar)
            when = [f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}"]
        else:
            begin, end = _meeting_span(start, meeting)
            when = [
                f"DTSTART;TZID={meeting.zone}:{begin:%Y%m%dT%H%M%S}",
                f"DTEND;TZID={meeting.zone}:{end:%Y%m%dT%H%M%S}",
            ]
        events.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{uid}-{scope}@outlookgen",
                f"DTSTAMP:{stamp}",
                *when,
                f"SUMMARY:{_escape(summary)}",
            ]
        )
        if description:
            events.append(f"DESCRIPTION:{_escape(description)}")
        events.append(f"CATEGORIES:{_escape(category)}")
        if rule:
            events.append(f"RRULE:{rule}")
        events.extend(["TRANSP:TRANSPARENT" if meeting is None else "TRANSP:OPAQUE", "END:VEVENT"])

    phases = {p.id: _visible(p.name) for p in road.phases}
    for ms in road.milestones:
        if ms.date is None:
            continue
        details = [
            _visible(ms.description),
            fill(words["after"], tasks=", ".join(_visible(t.name) for t in ms.after)) if ms.after else "",
        ]
        event(
            f"milestone-{ms.id}",
            ms.date,
            fill(words["milestone"], name=_visible(ms.name), title=title),
            "\n".join(d for d in details if d),
            phases.get(ms.phase_id, words["category"]),
        )

    review = outlook.evaluation.review
    end = road.total_end_date
    if review is not None and review.cadence in _CADENCE_RULES and end is not None:
        rule, step = _CADENCE_RULES[review.cadence]
        first = road.start + step if step else _add_months(road.start, _MONTHS[review.cadence])
        if first <= end:
            who = ", ".join(_visible(getattr(p, "title", None) or getattr(p, "name", "")) for p in review.participants)
            meeting = review.time
            # RFC 5545 §3.3.10: with a zoned DTSTART, UNTIL is the last moment in UTC.
            until = f"{end:%Y%m%d}" if meeting is None else _utc_until(end, meeting.zone)
            event(
                "review",
                first,
                fill(
                    words["review"],
                    cadence=labels["value"]["cadence"].get(review.cadence, review.cadence),
                    method=review.method,
                    title=title,
                ),
                fill(words["participants"], names=who) if who else "",
                words["category"],
                f"{rule};UNTIL={until}",
                meeting,
            )
            if meeting is not None:
                lines.extend(_vtimezone(meeting.zone, first, end))
    lines.extend(events)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------- timed meetings


def _meeting_span(day: date, meeting: ReviewTime) -> tuple[datetime, datetime]:
    """Local start and end of the meeting held on ``day`` (an end at or before the start is the next day's)."""
    begin = datetime.combine(day, meeting.start)
    if meeting.end is None:
        return begin, begin + timedelta(minutes=DEFAULT_MINUTES)
    end = datetime.combine(day, meeting.end)
    return begin, end if end > begin else end + timedelta(days=1)


def _utc_until(last_day: date, zone_name: str) -> str:
    from zoneinfo import ZoneInfo

    local = datetime.combine(last_day, time(23, 59, 59), tzinfo=ZoneInfo(zone_name))
    return local.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: timedelta) -> str:
    """A UTC offset as RFC 5545 writes it: +0800, -0430, +053328 (seconds only when there are some)."""
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _transitions(zone, first: date, last: date) -> list[datetime]:
    """The UTC instants between ``first`` and ``last`` at which ``zone`` changes its offset (to the second)."""
    found: list[datetime] = []
    moment = datetime.combine(first, time(0), tzinfo=timezone.utc) - timedelta(days=1)
    stop = datetime.combine(last, time(0), tzinfo=timezone.utc) + timedelta(days=2)
    offset = moment.astimezone(zone).utcoffset()
    while moment < stop:
        # No zone changes its offset twice within a day: a daily look finds every change.
        following = moment + timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            low, high = moment, following  # offset(low) is the old one, offset(high) the new
            while (high - low) > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
            offset = following.astimezone(zone).utcoffset()
        moment = following
    return found


def _vtimezone(zone_name: str, first: date, last: date) -> list[str]:
    """The VTIMEZONE of ``zone_name`` for the meetings from ``first`` to ``last``: one observance per offset."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)

    def observance(at_utc: datetime, before: timedelta, local_onset: datetime) -> list[str]:
        local = at_utc.astimezone(zone)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        return [
            f"BEGIN:{kind}",
            f"DTSTART:{local_onset:%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(before)}",
            f"TZOFFSETTO:{_offset(local.utcoffset())}",
            f"TZNAME:{_escape(local.tzname() or zone_name)}",
            f"END:{kind}",
        ]

    opening = datetime.combine(first, time(0), tzinfo=zone)
    opening_offset = opening.utcoffset()
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone_name}"]
    lines += observance(opening.astimezone(timezone.utc), opening_offset, opening.replace(tzinfo=None))
    previous = opening_offset
    for instant in _transitions(zone, first, last):
        if instant <= opening.astimezone(timezone.utc):
            continue
        # The onset is written in the local time in force before it (RFC 5545 §3.6.5).
        onset = (instant + previous).replace(tzinfo=None)
        lines += observance(instant, previous, onset)
        previous = instant.astimezone(zone).utcoffset()
    lines.append("END:VTIMEZONE")
    return lines
