"""``outlookgen ics``: milestones and review meetings, read back by an independent iCalendar parser."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from conftest import ROOT, SAMPLES

from outlookgen.model import build_outlook
from outlookgen.spec.validate import load_valid

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"


def events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_milestone_and_the_review_cadence_import(sample, tmp_path, cli):
    code, out, err = cli("ics", sample, "-o", tmp_path)
    assert code == 0, err
    ics = tmp_path / (sample.name.removesuffix(".yaml") + ".ics")
    assert out == f"wrote {ics}\n"
    outlook = build_outlook(load_valid(sample).data)
    found = events(ics)
    milestones = [e for e in found if "RRULE" not in e]
    assert [e.decoded("dtstart") for e in milestones] == [m.date for m in outlook.roadmap.milestones]
    for event, milestone in zip(milestones, outlook.roadmap.milestones, strict=True):
        assert milestone.name in str(event.get("summary"))  # CJK text survives line folding
    [review] = [e for e in found if "RRULE" in e]
    rule = review.get("rrule")
    assert rule["FREQ"] == ["MONTHLY"]
    assert rule["UNTIL"] == [outlook.roadmap.total_end_date]
    assert len({e.get("uid") for e in found}) == len(found)


def test_lines_are_folded_at_75_octets_with_crlf(tmp_path, cli):
    sample = SAMPLES / "erp-manufacturing.zh-CN.yaml"
    assert cli("ics", sample, "-o", tmp_path / "plan.ics")[0] == 0
    raw = (tmp_path / "plan.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    raw.decode("utf-8")  # no multi-byte character split by folding


def test_the_calendar_is_deterministic_and_honours_source_date_epoch(tmp_path, cli, monkeypatch):
    sample = SAMPLES / "bi-platform.en.yaml"
    cli("ics", sample, "-o", tmp_path / "a.ics")
    cli("ics", sample, "-o", tmp_path / "b.ics")
    assert (tmp_path / "a.ics").read_bytes() == (tmp_path / "b.ics").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    cli("ics", sample, "-o", tmp_path / "c.ics")
    stamps = {str(e.get("dtstamp").dt) for e in events(tmp_path / "c.ics")}
    assert stamps == {"2026-01-01 00:00:00+00:00"}


def test_a_plan_without_dates_is_refused(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    spec.write_text(MINIMAL.read_text(encoding="utf-8").replace("  start: 2026-03-02\n", ""), encoding="utf-8")
    code, _, err = cli("ics", spec)
    assert code == 1
    assert err == f"{spec}:1:1: error: roadmap: a calendar needs dates: set roadmap.start (the plan's first day)\n"
    assert not (tmp_path / "plan.ics").exists()


def test_chinese_event_names(tmp_path, cli):
    assert cli("ics", MINIMAL, "--locale", "zh-CN", "-o", tmp_path / "plan.ics")[0] == 0
    [milestone] = events(tmp_path / "plan.ics")
    assert str(milestone.get("summary")) == "里程碑：Go-live（Minimal outlook）"
    assert milestone.decoded("dtstart") == date(2026, 4, 3)  # the Friday of week 5


# Every kind of line break a reader may honour, then controls, then TEXT's special characters.
BREAKS = "Go\r\nATTENDEE:mailto:evil@x\rX-CR:1\nX-LF:2\x85X-NEL:3\u2028X-LS:4\u2029X-PS:5\x7f\x9b end; a, b \\ c"
# What an iCalendar reader must read back: each break a newline, each control a U+FFFD.
READ_BACK = "Go\nATTENDEE:mailto:evil@x\nX-CR:1\nX-LF:2\nX-NEL:3\nX-LS:4\nX-PS:5\ufffd\ufffd end; a, b \\ c"
PROPERTIES = {
    "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME",
    "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "CATEGORIES", "RRULE", "TRANSP",
    "TZID", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME",
}  # fmt: skip


def test_no_text_can_start_a_property_of_its_own(tmp_path, cli):
    # Found by these tests: a lone CR, NEL (U+0085) and the Unicode line and paragraph
    # separators went into the file raw; a reader that ends lines there (Python's
    # splitlines, many JavaScript parsers) read the rest as an ATTENDEE property.
    from test_hostile import every_text_field

    text, _ = every_text_field(BREAKS)  # the payload in every text field: names, participants, descriptions
    spec = tmp_path / "plan.yaml"
    spec.write_text(text, encoding="utf-8")
    code, _, err = cli("ics", spec, "-o", tmp_path / "plan.ics")
    assert code == 0, err
    raw = (tmp_path / "plan.ics").read_bytes()
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")
    lines = unfolded.split("\r\n")
    assert lines.pop() == ""
    assert unfolded.splitlines() == lines, "a character other than CRLF ends a line for some readers"
    assert {line.split(":")[0].split(";")[0] for line in lines} <= PROPERTIES
    assert not [ch for ch in "".join(lines) if ch < " " or "\x7f" <= ch <= "\x9f"], "a control character is left"
    calendar = icalendar.Calendar.from_ical(raw)
    escaped = READ_BACK.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    # An X- property: icalendar before 6 unescapes it like TEXT, later versions keep
    # it as written; either way it holds the whole text, not a property of its own.
    name = str(calendar.get("x-wr-calname"))
    assert escaped in name or READ_BACK in name, name
    found = list(calendar.walk("VEVENT"))
    assert len(found) == 3
    for event in found:
        assert "ATTENDEE" not in event and "ORGANIZER" not in event
        assert READ_BACK in str(event.get("summary"))
        assert READ_BACK in str(event.get("description"))
        # icalendar before 7 splits CATEGORIES at an escaped comma too; joined, the text is whole
        categories = ",".join(str(c) for c in event.get("categories").cats)
        assert READ_BACK.replace(", ", ",") in categories.replace(", ", ",") or "RRULE" in event


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
@pytest.mark.parametrize("kind", ["the-spec", "a-symlink-to-the-spec"])
def test_a_calendar_is_never_written_over_its_spec(tmp_path, cli, kind):
    # Found by these tests: `ics plan.yaml -o plan.yaml` replaced the spec with its calendar.
    spec = tmp_path / "plan.yaml"
    spec.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    output = spec
    if kind == "a-symlink-to-the-spec":
        output = tmp_path / "plan.ics"
        output.symlink_to(spec)
    code, _, err = cli("ics", spec, "-o", output)
    assert code == 1
    assert err == f"{spec}:1:1: error: $: would write {output}, which is the spec {spec}; write it elsewhere (-o)\n"
    assert spec.read_text(encoding="utf-8") == MINIMAL.read_text(encoding="utf-8")
    assert output.is_symlink() or kind == "the-spec"


# --------------------------------------------------------------------------- issue 15


def test_the_calendar_goes_to_stdout_unless_o_is_given(tmp_path, cli):
    # Like diff and schema: nothing is written into the user's source tree unasked.
    spec = tmp_path / "plan.yaml"
    spec.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    printed = subprocess.run(
        [sys.executable, "-m", "outlookgen", "ics", str(spec)], cwd=tmp_path, capture_output=True, check=True
    ).stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.yaml"]
    assert printed.startswith(b"BEGIN:VCALENDAR\r\n") and printed.endswith(b"END:VCALENDAR\r\n")
    [milestone] = icalendar.Calendar.from_ical(printed).walk("VEVENT")
    assert milestone.decoded("dtstart") == date(2026, 4, 3)
    code, out, _ = cli("ics", spec, "-o", tmp_path / "cal.ics")
    assert code == 0 and out == f"wrote {tmp_path / 'cal.ics'}\n"
    assert (tmp_path / "cal.ics").read_bytes() == printed


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_milestones_fall_on_the_last_working_day_of_their_plan_week(sample, cli):
    code, out, err = cli("ics", sample)
    assert code == 0, err
    outlook = build_outlook(load_valid(sample).data)
    start = outlook.roadmap.start
    milestones = [e for e in icalendar.Calendar.from_ical(out.encode("utf-8")).walk("VEVENT") if "RRULE" not in e]
    assert milestones
    for event, milestone in zip(milestones, outlook.roadmap.milestones, strict=True):
        day = event.decoded("dtstart")
        week_end = start + timedelta(days=7 * milestone.unit - 1)  # the plan week's last (calendar) day
        assert day.weekday() == 4, (milestone.id, day)  # the plans start on a Monday: their Friday
        assert week_end - timedelta(days=6) <= day <= week_end
        assert day == milestone.date  # the same day every document shows
    # the samples give no review time: the review meetings are all-day events
    [review] = [e for e in icalendar.Calendar.from_ical(out.encode("utf-8")).walk("VEVENT") if "RRULE" in e]
    assert type(review.decoded("dtstart")) is date
    assert "VTIMEZONE" not in out


def _with_review_time(tmp_path, value, cadence="weekly"):
    spec = tmp_path / "plan.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "evaluation:\n", f"evaluation:\n  review:\n    cadence: {cadence}\n    time: {value}\n", 1
    )
    spec.write_text(text, encoding="utf-8")
    return spec


def test_reviews_with_a_time_are_timed_meetings_in_their_zone(tmp_path, cli):
    spec = _with_review_time(tmp_path, "14:00-15:30 Asia/Shanghai")
    code, out, err = cli("ics", spec)
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(out.encode("utf-8"))
    [review] = [e for e in calendar.walk("VEVENT") if "RRULE" in e]
    begin, end = review.decoded("dtstart"), review.decoded("dtend")
    assert (begin.date(), begin.hour, begin.minute) == (date(2026, 3, 9), 14, 0)
    assert (end.hour, end.minute) == (15, 30)
    assert begin.utcoffset() == timedelta(hours=8)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    # RFC 5545: with a zoned start, UNTIL is in UTC (the plan's last day, 23:59:59 in Shanghai)
    assert review.get("rrule")["UNTIL"] == [datetime(2026, 4, 12, 15, 59, 59, tzinfo=timezone.utc)]
    [milestone] = [e for e in calendar.walk("VEVENT") if "RRULE" not in e]
    assert milestone.decoded("dtstart") == date(2026, 4, 3)  # milestones stay all-day


def test_a_meeting_keeps_its_local_hour_across_daylight_saving(tmp_path, cli):
    # Europe/Berlin moves from +01:00 to +02:00 on 2026-03-29: the VTIMEZONE written
    # must say so, or a reader would move the 09:30 meeting to 10:30 in April.
    from dateutil.rrule import rrulestr

    spec = _with_review_time(tmp_path, "9:30 Europe/Berlin")
    code, out, err = cli("ics", spec)
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(out.encode("utf-8"))
    [zone] = calendar.walk("VTIMEZONE")
    observances = [(c.name, c.decoded("tzoffsetto")) for c in zone.subcomponents]
    assert observances == [("STANDARD", timedelta(hours=1)), ("DAYLIGHT", timedelta(hours=2))]
    tz = zone.to_tz()  # the zone as this file defines it, not the reader's own database
    [review] = [e for e in calendar.walk("VEVENT") if "RRULE" in e]
    raw_start = review["dtstart"].to_ical().decode()  # local time as written
    first = datetime.strptime(raw_start, "%Y%m%dT%H%M%S")
    rule = review["rrule"].to_ical().decode()
    occurrences = list(rrulestr(rule, dtstart=first.replace(tzinfo=timezone.utc), ignoretz=False))
    in_utc = [(o.replace(tzinfo=None), _to_utc(tz, o.replace(tzinfo=None))) for o in occurrences]
    assert [local.strftime("%H:%M") for local, _ in in_utc] == ["09:30"] * len(in_utc)
    assert in_utc[0][1].strftime("%H:%M") == "08:30"  # 9 March: +01:00
    assert in_utc[-1][1].strftime("%H:%M") == "07:30"  # April: +02:00
    assert review.decoded("dtend") - review.decoded("dtstart") == timedelta(hours=1)  # no end: one hour


def _to_utc(tz, local: datetime) -> datetime:
    aware = tz.localize(local) if hasattr(tz, "localize") else local.replace(tzinfo=tz)
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("14:00 Asia/Shangai", "unknown time zone 'Asia/Shangai' (did you mean 'Asia/Shanghai'?)"),
        ("15:00-14:00 Europe/Berlin", "the meeting ends (14:00) before it starts (15:00)"),
    ],
)
def test_a_wrong_review_time_is_a_located_error(tmp_path, cli, value, message):
    spec = _with_review_time(tmp_path, value)
    code, _, err = cli("validate", spec)
    assert code == 1
    line = spec.read_text(encoding="utf-8").splitlines().index(f"    time: {value}") + 1
    assert err == f"{spec}:{line}:11: error: evaluation.review.time: {message}\n"


def test_a_review_time_needs_a_zone(tmp_path, cli):
    spec = _with_review_time(tmp_path, '"14:00"')
    code, _, err = cli("validate", spec)
    assert code == 1
    assert "evaluation.review.time" in err and "Traceback" not in err


def test_calendar_texts_show_what_a_reader_sees_not_markdown(cli):
    spec = ROOT / "tests" / "specs" / "valid" / "every-key.yaml"
    assert "**Every** key" in spec.read_text(encoding="utf-8")
    code, out, err = cli("ics", spec)
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(out.encode("utf-8"))
    assert str(calendar.get("x-wr-calname")) == "Every key"
    assert all("**" not in str(e.get("summary")) for e in calendar.walk("VEVENT"))
