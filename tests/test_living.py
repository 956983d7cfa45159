"""The living outlook in documents: status as of a day, "Changes since version X", a revision row."""

from __future__ import annotations

import re

from conftest import ROOT, SAMPLES

BI_OLD = ROOT / "tests" / "data" / "versions" / "bi-platform.en.v1.1.yaml"
BI = SAMPLES / "bi-platform.en.yaml"


def test_status_section_follows_the_as_of_day(tmp_path, cli):
    assert cli("build", BI, "-f", "md,html", "-o", tmp_path, "-q")[0] == 0
    md = (tmp_path / "bi-platform.en.md").read_text(encoding="utf-8")
    assert "## Status as of 15 July 2026" in md
    assert "No task is late or blocked." in md
    assert cli("build", BI, "-f", "md,html", "-o", tmp_path, "-q", "--as-of", "2026-08-10")[0] == 0
    md = (tmp_path / "bi-platform.en.md").read_text(encoding="utf-8")
    assert "## Status as of 10 August 2026" in md
    assert (
        "| t.retire | Retire manual Excel reports | Finance key user (FP&A manager) — Laura Chen | W21–W24 | overdue by 22 days |"
        in md
    )
    html = (tmp_path / "bi-platform.en.html").read_text(encoding="utf-8")
    assert re.search(r"<line [^>]*stroke-dasharray=\"4 3\"><title>as of 10 Aug 2026</title>", html)


def test_changes_since_adds_a_section_and_a_revision_row(tmp_path, cli):
    newer = tmp_path / "plan.yaml"
    newer.write_text(
        BI.read_text(encoding="utf-8").replace('version: "2.0"\n  status', 'version: "2.1"\n  status', 1),
        encoding="utf-8",
    )
    code, _, err = cli("build", newer, "-f", "md,html", "-o", tmp_path / "out", "-q", "--changes-since", BI_OLD)
    assert code == 0, err
    md = (tmp_path / "out" / "plan.md").read_text(encoding="utf-8")
    assert "## Changes since version 1.1" in md
    assert "| t.rollout-build Operations dashboards and CRM / e-commerce connectors | changed: schedule |" in md
    revision = [line for line in md.splitlines() if line.startswith("| 2.1 |")]
    assert revision == [
        "| 2.1 | 15 Jul 2026 | Dana Whitfield | Version 1.1 → 2.1: 16 changes. See “Changes since version 1.1”. |"
    ]
    html = (tmp_path / "out" / "plan.html").read_text(encoding="utf-8")
    assert '<h2 id="sec-changes-title">Changes since version 1.1</h2>' in html


def test_an_existing_revision_row_is_not_repeated(tmp_path, cli):
    assert cli("build", BI, "-f", "md", "-o", tmp_path, "-q", "--changes-since", BI_OLD)[0] == 0
    md = (tmp_path / "bi-platform.en.md").read_text(encoding="utf-8")
    assert len([line for line in md.splitlines() if line.startswith("| 2.0 |")]) == 1


def test_a_changed_older_version_rebuilds(tmp_path, cli):
    old = tmp_path / "old.yaml"
    old.write_text(BI_OLD.read_text(encoding="utf-8"), encoding="utf-8")
    args = ("build", BI, "-f", "md", "-o", tmp_path / "out", "--changes-since", old)
    assert cli(*args)[1].startswith("wrote")
    assert cli(*args)[1].startswith("built 0, skipped 1")
    old.write_text(old.read_text(encoding="utf-8").replace("≥ 80%", "≥ 70%"), encoding="utf-8")
    assert cli(*args)[1].startswith("wrote")


def test_a_broken_older_version_is_a_located_error(tmp_path, cli):
    old = tmp_path / "old.yaml"
    old.write_text(BI_OLD.read_text(encoding="utf-8").replace("owner: pm", "owner: ghost", 1), encoding="utf-8")
    code, _, err = cli("build", BI, "-f", "md", "-o", tmp_path, "--changes-since", old)
    assert code == 1
    assert re.match(rf"^{re.escape(str(old))}:\d+:\d+: error: .*unknown role 'ghost'", err)
    assert not (tmp_path / "bi-platform.en.md").exists()


def test_a_bad_as_of_day_is_a_usage_error(cli):
    assert cli("build", BI, "--as-of", "2026-13-01")[0] == 2


def test_the_as_of_day_is_marked_on_every_gantt(tmp_path, cli):
    import zipfile

    code, _, err = cli("build", BI, "-f", "md,docx", "-o", tmp_path, "-q", "--as-of", "2026-08-10")
    assert code == 0, err
    md = (tmp_path / "bi-platform.en.md").read_text(encoding="utf-8")
    assert "    ▼ as of 10 August 2026 :milestone, asof, 2026-08-10, 0d" in md
    with zipfile.ZipFile(tmp_path / "bi-platform.en.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "▼ 28 · 10 Aug" in document  # the Gantt table's column for week 28
    assert "as of 10 August 2026" in document  # and its legend
