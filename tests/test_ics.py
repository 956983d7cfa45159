"""``outlookgen ics``: milestones and review meetings, read back by an independent iCalendar parser."""

from __future__ import annotations

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
