"""Project builds: outlookgen.yaml / [tool.outlookgen] found by walking up, located config errors, CI output."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT
from test_paths_dates import run

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "specs" / "team").mkdir(parents=True)
    shutil.copy(MINIMAL, tmp_path / "specs" / "alpha.yaml")
    shutil.copy(MINIMAL, tmp_path / "specs" / "team" / "beta.yaml")
    (tmp_path / "notes.yaml").write_text("not: a spec\n", encoding="utf-8")
    (tmp_path / "outlookgen.yaml").write_text(
        "specs: ['specs/**/*.yaml']\nformats: [md]\noutput: build/docs\nlocale: zh-CN\n", encoding="utf-8"
    )
    return tmp_path


def test_build_with_no_argument_builds_the_project(project, cli):
    code, out, err = cli("build", cwd=project / "specs" / "team")  # found by walking up
    assert code == 0, err
    built = sorted(p.name for p in (project / "build" / "docs").iterdir())
    assert built == ["alpha.md", "beta.md"]
    assert "## 第一步 背景与目标陈述" in (project / "build" / "docs" / "alpha.md").read_text(encoding="utf-8")
    assert "built 2, skipped 0" in out


def test_command_line_options_win_over_the_config(project, cli):
    code, _, err = cli("build", "specs/alpha.yaml", "--locale", "en", "-o", "elsewhere", cwd=project)
    assert code == 0, err
    text = (project / "elsewhere" / "alpha.md").read_text(encoding="utf-8")
    assert text.count("\n## Step 1 · Background") == 1  # English (--locale) over the config's Chinese
    assert "第一步" not in text


def test_config_errors_are_located(project, cli):
    (project / "outlookgen.yaml").write_text(
        "specs: ['specs/*.yaml']\nformats: [md, word]\noutptu: out\n", encoding="utf-8"
    )
    code, _, err = cli("build", cwd=project)
    assert code == 1
    assert err.splitlines() == [
        f"{project / 'outlookgen.yaml'}:2:15: error: formats[1]: 'word' is not one of md, html, docx, pdf",
        f"{project / 'outlookgen.yaml'}:3:1: error: outptu: unknown key 'outptu' (did you mean 'output'?)",
    ]


@pytest.mark.parametrize(
    ("command", "config", "where"),
    [
        ("build", "specs: [specs]\n", "1:8: error: specs:"),
        ("portfolio", "specs: [specs]\n", "1:8: error: specs:"),
        ("portfolio", "portfolio:\n  specs: [plans]\n", "2:10: error: portfolio.specs:"),
    ],
    ids=["build", "portfolio", "portfolio-section"],
)
def test_globs_that_match_no_spec_are_said_at_the_setting(tmp_path, cli, command, config, where):
    """A folder name where a glob belongs is a common slip: say so there, not "no outlookgen.yaml found"."""
    (tmp_path / "specs").mkdir()
    shutil.copy(MINIMAL, tmp_path / "specs" / "plan.yaml")
    (tmp_path / "outlookgen.yaml").write_text(config, encoding="utf-8")
    code, _, err = cli(command, cwd=tmp_path)
    assert code == 1
    assert err.startswith(f"{tmp_path / 'outlookgen.yaml'}:{where} these globs match no file"), err
    assert "no outlookgen.yaml" not in err


def test_pyproject_table_is_a_project_config(tmp_path, cli):
    (tmp_path / "specs").mkdir()
    shutil.copy(MINIMAL, tmp_path / "specs" / "plan.yaml")
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.outlookgen]\nspecs = ['specs/*.yaml']\nformats = ['md']\noutput = 'out'\n",
        encoding="utf-8",
    )
    code, _, err = cli("build", "-q", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "out" / "plan.md").is_file()


def test_no_spec_and_no_project_is_a_usage_error(tmp_path, cli):
    code, _, err = cli("build", cwd=tmp_path)
    assert code == 2
    assert "no SPEC given and no outlookgen.yaml" in err


def test_validate_with_no_argument_and_json_output(project, cli):
    code, out, _ = cli("validate", cwd=project)
    assert code == 0
    assert out.splitlines() == ["specs/alpha.yaml: valid", "specs/team/beta.yaml: valid"]
    bad = project / "specs" / "alpha.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("stage: pilot", "stage: pilt"), encoding="utf-8")
    code, out, _ = cli("validate", "--format", "json", cwd=project)
    assert code == 1
    report = json.loads(out)
    assert [entry["valid"] for entry in report] == [False, True]
    [problem] = report[0]["problems"]
    assert problem["path"] == "roadmap.phases[0].stage"
    assert (problem["line"], problem["column"]) == (32, 14)
    assert "did you mean 'pilot'" in problem["message"]


def test_github_annotations_in_actions(project, cli, monkeypatch):
    bad = project / "specs" / "alpha.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("owner: PM\n", "owner: PMX\n", 1), encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = cli("validate", cwd=project)
    assert code == 1
    assert "specs/alpha.yaml:19:12: error: objectives[0].owner: unknown role 'PMX'" in err
    assert out.startswith("::error file=specs/alpha.yaml,line=19,col=12,title=objectives[0].owner::unknown role 'PMX'")


def test_spec_globs_do_not_follow_symlinked_folders_into_loops_or_fan_out(project):
    plans = project / "specs" / "team"
    (plans / "up").symlink_to("..", target_is_directory=True)
    (plans / "root").symlink_to("/", target_is_directory=True)
    (project / "many").mkdir()
    for i in range(1000):
        (project / "many" / f"d{i}").symlink_to("../specs", target_is_directory=True)
        (project / "many" / f"f{i}.yaml").symlink_to("../specs/alpha.yaml")
    (project / "outlookgen.yaml").write_text(
        "specs: ['specs/**/*.yaml', 'many/*/*.yaml', 'many/*.yaml']\n", encoding="utf-8"
    )
    proc = run("validate", cwd=project)  # a child with a timeout: the glob used to walk the whole disk
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "specs/alpha.yaml: valid\nspecs/team/beta.yaml: valid\n"


def test_the_project_folder_name_is_not_read_as_a_glob(tmp_path, cli):
    project = tmp_path / "[draft] plans"
    (project / "specs").mkdir(parents=True)
    shutil.copy(MINIMAL, project / "specs" / "alpha.yaml")
    (project / "outlookgen.yaml").write_text("specs: ['specs/*.yaml']\nformats: [md]\n", encoding="utf-8")
    code, out, err = cli("validate", cwd=project)
    assert (code, out, err) == (0, "specs/alpha.yaml: valid\n", "")


def test_a_working_folder_near_path_max_is_no_traceback(tmp_path):
    deep = tmp_path.joinpath(*["x" * 200] * ((3900 - len(str(tmp_path))) // 201))
    deep.mkdir(parents=True)
    deep = deep / ("y" * (4090 - len(str(deep)) - 1))  # outlookgen.yaml beside it is past PATH_MAX
    deep.mkdir()
    proc = run("validate", cwd=deep)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "Traceback" not in proc.stderr
    assert "no SPEC given and no outlookgen.yaml" in proc.stderr
