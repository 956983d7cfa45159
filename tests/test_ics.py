"""``outlookgen ics``: milestones and review meetings, read back by an independent iCalendar parser."""

from __future__ import annotations

import os
from datetime import date

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
    assert milestone.decoded("dtstart") == date(2026, 4, 5)  # end of week 5


# Every kind of line break a reader may honour, then controls, then TEXT's special characters.
BREAKS = "Go\r\nATTENDEE:mailto:evil@x\rX-CR:1\nX-LF:2\x85X-NEL:3\u2028X-LS:4\u2029X-PS:5\x7f\x9b end; a, b \\ c"
# What an iCalendar reader must read back: each break a newline, each control a U+FFFD.
READ_BACK = "Go\nATTENDEE:mailto:evil@x\nX-CR:1\nX-LF:2\nX-NEL:3\nX-LS:4\nX-PS:5\ufffd\ufffd end; a, b \\ c"
PROPERTIES = {
    "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME",
    "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "CATEGORIES", "RRULE", "TRANSP",
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
