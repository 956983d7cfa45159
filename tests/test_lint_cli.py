"""`outlookgen lint` as a consultant and a CI job meet it: formats, exit codes, languages, disabling, docs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE_FILES

from outlookgen.lint import explain
from outlookgen.lint import messages as lint_messages
from outlookgen.lint.registry import every_rule

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
BASE = ROOT / "tests" / "lint" / "base.yaml"
FINDING_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info): (?P<path>\S+): "
    r"(?P<code>OG\d{3}) (?P<message>.+); (?:hint|提示): (?P<hint>.+)$"
)


def write_spec(tmp_path, text=None, name="plan.yaml", source=MINIMAL):
    spec = tmp_path / name
    spec.write_text(source.read_text(encoding="utf-8") if text is None else text, encoding="utf-8")
    return spec


def test_samples_lint_with_zero_warnings(cli):
    code, out, err = cli("lint", *SAMPLE_FILES, "--fail-on", "warning")
    assert code == 0, out + err
    assert out == ""


def test_text_findings_are_located_lines_with_code_and_hint(tmp_path, cli):
    spec = write_spec(tmp_path)
    code, out, err = cli("lint", spec, cwd=tmp_path)
    assert code == 0, "warnings stay below the default --fail-on error"
    lines = out.splitlines()
    assert lines and all(FINDING_LINE.match(line) for line in lines), out
    assert f"{spec}:55:5: warning: risks[0]: OG304 risk 'R1' has no mitigation" in out
    assert "hint: add mitigation:" in out
    assert "1 spec(s) linted: 0 error(s), 8 warning(s), 1 info" in err


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_sets_the_exit_code(tmp_path, cli, fail_on, expected):
    spec = write_spec(tmp_path)
    assert cli("lint", spec, "--fail-on", fail_on, cwd=tmp_path)[0] == expected


def test_info_only_findings_fail_only_on_info(tmp_path, cli):
    spec = write_spec(tmp_path, source=BASE)
    text = spec.read_text(encoding="utf-8").split("evolution:")[0]
    spec.write_text(text, encoding="utf-8")
    assert cli("lint", spec, "--fail-on", "warning", cwd=tmp_path)[0] == 0
    code, out, _ = cli("lint", spec, "--fail-on", "info", cwd=tmp_path)
    assert code == 1
    assert "info: evolution: OG901" in out


def test_an_error_finding_fails_by_default(tmp_path, cli):
    text = BASE.read_text(encoding="utf-8").replace('target: "<= 1 day"\n    deadline', "target: faster\n    deadline")
    spec = write_spec(tmp_path, text)
    code, out, _ = cli("lint", spec, cwd=tmp_path)
    assert code == 1
    assert "error: objectives[0].target: OG102" in out


def test_json_report(tmp_path, cli):
    spec = write_spec(tmp_path)
    code, out, _ = cli("lint", spec, "--format", "json", cwd=tmp_path)
    assert code == 0
    document = json.loads(out)
    assert document["counts"] == {"error": 0, "warning": 8, "info": 1}
    (entry,) = document["specs"]
    assert entry["file"] == str(spec) and entry["valid"] and entry["problems"] == []
    finding = next(f for f in entry["findings"] if f["code"] == "OG307")
    assert finding == {
        "file": str(spec),
        "line": 60,
        "column": 7,
        "path": "evaluation.kpis[0]",
        "message": "KPI 'K1' has no frequency (measured only when someone remembers)",
        "severity": "warning",
        "code": "OG307",
        "name": "kpi-without-frequency",
        "hint": "add frequency: weekly, monthly or quarterly",
    }


def test_github_annotations(tmp_path, cli):
    spec = write_spec(tmp_path)
    code, out, _ = cli("lint", spec, "--format", "github", cwd=tmp_path)
    assert code == 0
    assert f"::warning file={spec},line=60,col=7,title=OG307 evaluation.kpis[0]::KPI 'K1' has no frequency" in out
    assert "::notice " in out and "title=OG901 evolution" in out
    assert "(hint: add frequency: weekly%2C" not in out, "only properties escape commas"
    assert all(line.startswith("::") for line in out.splitlines())


def test_invalid_spec_gives_validation_errors_and_exit_1(tmp_path, cli):
    text = MINIMAL.read_text(encoding="utf-8").replace("owner: PM\n", "owner: PMO\n", 1)
    spec = write_spec(tmp_path, text)
    code, out, err = cli("lint", spec, cwd=tmp_path)
    assert code == 1
    assert out == ""
    assert "error: objectives[0].owner: unknown role 'PMO'" in err
    code, out, _ = cli("lint", spec, "--format", "json", cwd=tmp_path)
    entry = json.loads(out)["specs"][0]
    assert code == 1 and entry["valid"] is False and entry["findings"] == []


def test_chinese_messages_follow_the_spec_locale_or_lang(tmp_path, cli):
    spec = write_spec(tmp_path)
    _, out, _ = cli("lint", spec, "--lang", "zh-CN", cwd=tmp_path)
    assert "OG304 风险“R1”没有预防措施" in out and "提示：" not in out and "; 提示: 添加 mitigation" in out
    zh = write_spec(
        tmp_path,
        MINIMAL.read_text(encoding="utf-8").replace("date: 2026-03-02\n", "date: 2026-03-02\n  locale: zh-CN\n", 1),
        "zh.yaml",
    )
    _, out, _ = cli("lint", zh, cwd=tmp_path)
    assert "没有应急预案" in out
    _, out, _ = cli("lint", zh, "--lang", "en", cwd=tmp_path)
    assert "has no contingency plan" in out


def test_select_and_ignore(tmp_path, cli):
    spec = write_spec(tmp_path)
    _, out, _ = cli("lint", spec, "--select", "OG3", cwd=tmp_path)
    assert {m["code"] for m in map(FINDING_LINE.match, out.splitlines())} == {"OG304", "OG305", "OG307"}
    _, out, _ = cli("lint", spec, "--select", "OG3", "--ignore", "risk-without-mitigation,OG305", cwd=tmp_path)
    assert {m["code"] for m in map(FINDING_LINE.match, out.splitlines())} == {"OG307"}


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_on_the_command_line_is_a_usage_error(tmp_path, cli, option):
    code, _, err = cli("lint", write_spec(tmp_path), option, "OG3,OG999", cwd=tmp_path)
    assert code == 2
    assert "unknown lint rule 'OG999' (did you mean 'OG901'?)" in err


def test_spec_disables_rules_with_x_lint(tmp_path, cli):
    text = MINIMAL.read_text(encoding="utf-8") + "x-lint:\n  disable: [OG304, risk-without-contingency, OG9]\n"
    spec = write_spec(tmp_path, text)
    code, out, _ = cli("lint", spec, cwd=tmp_path)
    assert code == 0
    assert "OG304" not in out and "OG305" not in out and "OG901" not in out
    assert "OG307" in out


def test_unknown_rule_in_x_lint_is_a_located_error(tmp_path, cli):
    text = MINIMAL.read_text(encoding="utf-8") + "x-lint:\n  disable: [OG304, OG3O5]\n  enable: [OG1]\n"
    spec = write_spec(tmp_path, text)
    code, out, err = cli("lint", spec, cwd=tmp_path)
    assert code == 1
    assert f"{spec}:65:20: error: x-lint.disable[1]: unknown lint rule 'OG3O5' (did you mean 'OG305'?)" in err
    assert f"{spec}:66:3: error: x-lint.enable: unknown key 'enable' in x-lint (known: disable)" in err
    assert "OG304" not in out, "the rules that are known are still switched off"


def test_project_config_ignores_and_sets_fail_on(tmp_path, cli):
    spec = write_spec(tmp_path)
    (tmp_path / "outlookgen.yaml").write_text(
        "lint:\n  disable: [OG304, OG305]\n  fail_on: warning\n", encoding="utf-8"
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    code, out, _ = cli("lint", spec, cwd=sub)  # found by walking up
    assert code == 1, "fail_on: warning from the project config"
    assert "OG304" not in out and "OG305" not in out and "OG307" in out
    assert cli("lint", spec, "--fail-on", "error", cwd=sub)[0] == 0, "the command line wins"


def test_unknown_rule_in_project_config_is_a_located_error(tmp_path, cli):
    spec = write_spec(tmp_path)
    config = tmp_path / "outlookgen.yaml"
    config.write_text("lint:\n  disable:\n    - OG304\n    - no-such-rule\n", encoding="utf-8")
    code, _, err = cli("lint", spec, cwd=tmp_path)
    assert code == 1
    assert f"{config}:4:7: error: lint.disable[1]: unknown lint rule 'no-such-rule'" in err


def test_pyproject_tool_table(tmp_path, cli):
    spec = write_spec(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.outlookgen.lint]\ndisable = ["OG3", "OG77"]\n', encoding="utf-8"
    )
    code, out, err = cli("lint", spec, cwd=tmp_path)
    assert code == 1
    assert "pyproject.toml:4:1: error: lint.disable[1]: unknown lint rule 'OG77'" in err
    assert "OG304" not in out and "OG401" in out


def test_explain_prints_the_docstring(cli):
    code, out, _ = cli("lint", "--explain", "OG301")
    assert code == 0
    assert out.startswith("OG301 task-without-owner (warning) · Executability\n")
    for heading in ("What it checks:", "Why it matters:", "Example:", "Instead:"):
        assert heading in out
    assert cli("lint", "--explain", "task-without-owner")[1] == out
    _, zh, _ = cli("lint", "--explain", "og301", "--lang", "zh-CN")
    assert "每项任务都有责任人" in zh and "What it checks:" in zh


def test_explain_unknown_rule_is_a_usage_error(cli):
    code, _, err = cli("lint", "--explain", "OG999")
    assert code == 2
    assert "unknown lint rule 'OG999'" in err


def test_lint_needs_a_spec_or_a_project(tmp_path, cli):
    code, _, err = cli("lint", cwd=tmp_path)
    assert code == 2
    assert "no SPEC given" in err


def test_lint_does_not_import_rendering_libraries(tmp_path):
    probe = (
        "import sys\n"
        "from outlookgen.cli import main\n"
        "try:\n"
        f"    main(['lint', {str(MINIMAL)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('jinja2', 'docx', 'lxml', 'weasyprint') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_build_lint_appendix(tmp_path, cli):
    spec = write_spec(tmp_path)
    code, _, err = cli("build", spec, "-f", "md", "--lint-appendix", "-q", cwd=tmp_path)
    assert code == 0, err
    text = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "## Appendix A · Plan quality checklist" in text
    assert "| OG304 | Every risk has a mitigation | Warning | Needs attention (1) |" in text
    assert "| OG301 | Every task has an owner | Warning | Passed |" in text
    assert "| OG304 | Warning | risks\\[0\\] | risk 'R1' has no mitigation" in text
    assert cli("build", spec, "-f", "md", "-q", "--force", cwd=tmp_path)[0] == 0
    assert "Plan quality checklist" not in (tmp_path / "plan.md").read_text(encoding="utf-8")


def test_build_lint_appendix_in_chinese_follows_disabling(tmp_path, cli):
    sample = next(p for p in SAMPLE_FILES if "zh-CN" in p.name)
    text = sample.read_text(encoding="utf-8") + "x-lint:\n  disable: [OG901]\n"
    spec = write_spec(tmp_path, text, name="erp.yaml")
    code, _, err = cli("build", spec, "-f", "md", "--lint-appendix", "-q", cwd=tmp_path)
    assert code == 0, err
    out = (tmp_path / "erp.md").read_text(encoding="utf-8")
    assert "## 附录 C · 计划质量检查清单" in out or "计划质量检查清单" in out
    assert "| OG901 | 展望覆盖上线之后 | 提示 | 已关闭 |" in out
    assert "本计划关闭了 1 条规则。" in out


def test_messages_are_complete_in_both_languages():
    codes = {r.code for r in every_rule()}  # portfolio rules too
    assert set(lint_messages.EN) == codes == set(lint_messages.ZH_CN)
    field = re.compile(r"\{(\w+)\}")
    for code in codes:
        en, zh = lint_messages.EN[code], lint_messages.ZH_CN[code]
        assert set(en) == set(zh), code
        assert {"title", "message", "hint"} <= set(en), code
        for key in en:
            assert set(field.findall(en[key])) == set(field.findall(zh[key])), f"{code} {key}"


def test_every_rule_is_documented_in_its_docstring():
    for rule in every_rule():  # portfolio rules too
        sections = rule.sections()
        assert list(sections) == ["What it checks", "Why it matters", "Example", "Instead"], rule.code
        assert all(sections.values()), rule.code
        assert explain(rule.code).count("\n") > 5


def test_docs_lint_rules_md_is_up_to_date():
    from tools.lint_docs import render

    current = (ROOT / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    assert current == render(), "docs/lint-rules.md is stale: run python -m tools.lint_docs -o docs/lint-rules.md"
