"""``outlookgen ics``: the plan's milestones and review meetings as an iCalendar (RFC 5545) file.

Written by hand rather than through a library: the format is small, and
writing it here keeps the output byte-for-byte deterministic (fixed DTSTAMP,
stable UIDs, fixed order) so a calendar file can live in a repository and be
checked with ``--check`` like the documents.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta

from outlookgen import __version__
from outlookgen.errors import Diagnostic, SpecError
from outlookgen.model import Outlook
from outlookgen.packs.labels import fill
from outlookgen.source_date import source_date

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
    title = outlook.meta.title
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

    def event(uid: str, start: date, summary: str, description: str, category: str, rule: str | None = None) -> None:
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{uid}-{scope}@outlookgen",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{start:%Y%m%d}",
                f"DTEND;VALUE=DATE:{start + timedelta(days=1):%Y%m%d}",
                f"SUMMARY:{_escape(summary)}",
            ]
        )
        if description:
            lines.append(f"DESCRIPTION:{_escape(description)}")
        lines.append(f"CATEGORIES:{_escape(category)}")
        if rule:
            lines.append(f"RRULE:{rule}")
        lines.extend(["TRANSP:TRANSPARENT", "END:VEVENT"])

    phases = {p.id: p.name for p in road.phases}
    for ms in road.milestones:
        if ms.date is None:
            continue
        details = [
            ms.description or "",
            fill(words["after"], tasks=", ".join(t.name for t in ms.after)) if ms.after else "",
        ]
        event(
            f"milestone-{ms.id}",
            ms.date,
            fill(words["milestone"], name=ms.name, title=title),
            "\n".join(d for d in details if d),
            phases.get(ms.phase_id, words["category"]),
        )

    review = outlook.evaluation.review
    end = road.total_end_date
    if review is not None and review.cadence in _CADENCE_RULES and end is not None:
        rule, step = _CADENCE_RULES[review.cadence]
        first = road.start + step if step else _add_months(road.start, _MONTHS[review.cadence])
        if first <= end:
            who = ", ".join(getattr(p, "title", None) or getattr(p, "name", "") for p in review.participants)
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
                f"{rule};UNTIL={end:%Y%m%d}",
            )
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
