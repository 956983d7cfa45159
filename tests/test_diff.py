"""``outlookgen diff``: a semantic change report between two versions of each sample, matched by id."""

from __future__ import annotations

import re
import subprocess
from types import SimpleNamespace

import pytest
from conftest import ROOT, SAMPLES, require_tool

from outlookgen.model import build_outlook
from outlookgen.model.compare import Delta, compare
from outlookgen.packs import resolve_pack
from outlookgen.render.changes import report_context
from outlookgen.spec.validate import load_valid

VERSIONS = ROOT / "tests" / "data" / "versions"
BI_OLD, BI_NEW = VERSIONS / "bi-platform.en.v1.1.yaml", SAMPLES / "bi-platform.en.yaml"
ERP_OLD, ERP_NEW = VERSIONS / "erp-manufacturing.zh-CN.v1.1.yaml", SAMPLES / "erp-manufacturing.zh-CN.yaml"


def report(old, new, locale="en"):
    """The change report as a reader sees it: each change worded in the locale."""
    labels = resolve_pack().labels(locale)
    typed = compare(build_outlook(load_valid(old).data), build_outlook(load_valid(new).data))
    worded = report_context(typed, labels)
    rows = [SimpleNamespace(**row) for section in worded["sections"] for row in section["changes"]]
    return SimpleNamespace(changes=rows, typed=typed)


def find(rep, section, ident, field=""):
    return [c for c in rep.changes if c.section == section and c.id == ident and (not field or c.field == field)]


def test_bi_changes_are_all_found():
    rep = report(BI_OLD, BI_NEW)
    [version] = [c for c in rep.changes if c.field == "version"]
    assert (version.old, version.new) == ("1.1", "2.0")
    [slip] = find(rep, "tasks", "t.rollout-build", "schedule")
    assert (slip.old, slip.new, slip.delta) == (
        "W15–W17 (11 May 2026 – 31 May 2026)",
        "W15–W18 (11 May 2026 – 7 Jun 2026)",
        "+1 week / +7 days",
    )
    # the model's difference is typed (the task itself, a signed delta); only the report words it
    [typed] = [c for c in rep.typed.changes if c.id == "t.rollout-build" and c.field == "schedule"]
    assert typed.delta == Delta(units=1, days=7) and typed.new.id == "t.rollout-build"
    [owner] = find(rep, "tasks", "t.retire", "owner")
    assert (owner.old, owner.new) == ("Project manager — Marcus Lee", "Finance key user (FP&A manager) — Laura Chen")
    assert [c.kind for c in find(rep, "tasks", "t.vendor-select")] == ["removed"]
    assert [c.kind for c in find(rep, "scope", "S-selfservice")] == ["added"]
    assert [c.kind for c in find(rep, "risks", "R-licence")] == ["added"]
    assert [(c.kind, c.field) for c in find(rep, "risks", "R-tool")] == [("removed", "closed")]
    [target] = find(rep, "kpis", "K-satisfaction", "target")
    assert (target.old, target.new) == ("≥ 80%", "≥ 85%")
    budget = {c.name: (c.old, c.new, c.delta) for c in rep.changes if c.section == "budget"}
    assert budget == {
        "Services": ("USD 185,000", "USD 195,000", "+USD 10,000"),
        "Total budget": ("USD 490,000", "USD 500,000", "+USD 10,000"),
    }
    [milestone] = find(rep, "milestones", "ms.company-golive")
    assert milestone.delta == "+1 week / +7 days"


def test_erp_changes_in_chinese():
    rep = report(ERP_OLD, ERP_NEW, "zh-CN")
    [end] = [c for c in rep.changes if c.section == "plan" and c.field == "完成时间"]
    assert (end.old, end.new, end.delta) == ("第27周（2026年9月6日）", "第26周（2026年8月30日）", "−1周 / −7天")
    [status] = find(rep, "tasks", "p1.run", "状态")
    assert (status.old, status.new) == ("计划中", "进行中")
    [target] = find(rep, "kpis", "K-bom-error", "目标值")
    assert (target.old, target.new) == ("≤ 3%", "≤ 2%")


@pytest.mark.parametrize(("old", "new"), [(BI_OLD, BI_NEW), (ERP_OLD, ERP_NEW)], ids=["bi", "erp"])
def test_reversed_diff_mirrors_added_and_removed(old, new):
    forward, backward = report(old, new), report(new, old)
    assert {(c.section, c.id) for c in forward.changes if c.kind == "added"} == {
        (c.section, c.id) for c in backward.changes if c.kind == "removed"
    }
    assert len([c for c in forward.changes if c.kind == "changed"]) == len(
        [c for c in backward.changes if c.kind == "changed"]
    )


def test_a_spec_against_itself_has_no_change(cli):
    code, out, _ = cli("diff", BI_NEW, BI_NEW)
    assert code == 0
    assert out.splitlines()[:2] == ["Changes since version 2.0", "Version 2.0 → 2.0: 0 changes."]


def test_text_and_markdown_reports(cli, tmp_path):
    code, out, _ = cli("diff", BI_OLD, BI_NEW)
    assert code == 0
    assert "  ~ t.rollout-build Operations dashboards and CRM / e-commerce connectors — changed: schedule: " in out
    assert "  - R-tool BI tool selection delayed — removed (closed): Medium" in out
    code, out, _ = cli("diff", BI_OLD, BI_NEW, "-f", "md", "-o", tmp_path / "changes.md")
    assert code == 0
    text = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert text.startswith("## Changes since version 1.1\n")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows and all(line.count("|") - line.count("\\|") == 6 for line in rows)  # 5 columns in every row


def test_an_invalid_side_is_reported_with_its_file(cli, tmp_path):
    broken = tmp_path / "old.yaml"
    broken.write_text(BI_OLD.read_text(encoding="utf-8").replace("owner: pm", "owner: nobody", 1), encoding="utf-8")
    code, _, err = cli("diff", broken, BI_NEW)
    assert code == 1
    assert re.match(rf"^{re.escape(str(broken))}:\d+:\d+: error: .+unknown role 'nobody'", err)


@pytest.mark.interop
def test_markdown_report_passes_markdownlint(cli, tmp_path):
    tool = require_tool("markdownlint-cli2")
    cli("diff", ERP_OLD, ERP_NEW, "-f", "md", "-o", tmp_path / "changes.md")
    (tmp_path / "doc.md").write_text(
        "# Report\n\n" + (tmp_path / "changes.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    config = ROOT / "tests" / "interop" / "markdownlint.jsonc"
    proc = subprocess.run([tool, "--config", str(config), str(tmp_path / "doc.md")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_html_report_is_a_standalone_page(cli, tmp_path):
    from html.parser import HTMLParser

    code, _, err = cli("diff", BI_OLD, BI_NEW, "-f", "html", "-o", tmp_path / "changes.html")
    assert code == 0, err
    page = (tmp_path / "changes.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    tags: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)
            assert tag not in ("script", "link", "img", "iframe")

    Collect().feed(page)
    assert "style" in tags
    assert '<h2 id="sec-changes-title">Changes since version 1.1</h2>' in page
    assert "Operations dashboards and CRM / e-commerce connectors" in page


@pytest.mark.interop
def test_html_report_is_valid_html5(cli, tmp_path):
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = require_tool("java")
    if not jar.exists():
        require_tool("vnu.jar")
    cli("diff", ERP_OLD, ERP_NEW, "-f", "html", "-o", tmp_path / "changes.html")
    proc = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", str(tmp_path / "changes.html")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("side", ["old", "new"])
def test_diff_never_writes_over_either_spec(cli, tmp_path, side):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_bytes(BI_OLD.read_bytes())
    new.write_bytes(BI_NEW.read_bytes())
    target = old if side == "old" else new
    code, _, err = cli("diff", old, new, "-f", "md", "-o", target)
    assert code == 1
    assert f"would write {target}, which is the {side} spec {target}" in err
    assert old.read_bytes() == BI_OLD.read_bytes() and new.read_bytes() == BI_NEW.read_bytes()


# --------------------------------------------------------------------------- issue 15: CI and unrelated plans


def test_exit_code_says_whether_the_plans_differ_and_errors_are_not_changes(cli, tmp_path):
    assert cli("diff", BI_OLD, BI_NEW, "--exit-code")[0] == 1
    assert cli("diff", BI_NEW, BI_NEW, "--exit-code")[0] == 0
    assert cli("diff", BI_OLD, BI_NEW)[0] == 0  # without the flag a report is a success
    # an error is 2 with --exit-code (1 would read as "changed"), 1 without it as in every command
    code, out, err = cli("diff", tmp_path / "missing.yaml", BI_NEW, "--exit-code")
    assert (code, out) == (2, "")
    assert err.startswith(f"{tmp_path / 'missing.yaml'}:1:1: error: ")
    assert cli("diff", tmp_path / "missing.yaml", BI_NEW)[0] == 1


def test_two_different_plans_are_reported_with_a_warning(cli):
    code, out, err = cli("diff", ERP_NEW, BI_NEW)
    assert code == 0
    assert out.startswith("Changes since version")  # the report is still written
    typed = compare(build_outlook(load_valid(ERP_NEW).data), build_outlook(load_valid(BI_NEW).data))
    assert typed.shared_ids == 1 and typed.looks_unrelated
    smaller = min(typed.old_ids, typed.new_ids)
    assert err == (
        f"{BI_NEW}:1:1: warning: $: {ERP_NEW} and {BI_NEW} share 1 of {smaller} ids ({1 / smaller:.0%}):"
        " they look like different plans, not two versions of one"
        " (the report matches objectives, scope, tasks, milestones, risks and KPIs by id)\n"
    )
    # two versions of one plan: no warning, however much changed
    code, _, err = cli("diff", BI_OLD, BI_NEW)
    assert code == 0 and err == ""
