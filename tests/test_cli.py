"""The command line as a consultant meets it: outputs, exit codes, error lines, guarantees."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
ERROR_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<path>.+?): (?P<message>.+)$")


def copy_spec(tmp_path, name="plan.yaml", source=MINIMAL):
    target = tmp_path / name
    shutil.copy(source, target)
    return target


def test_build_writes_markdown_beside_the_spec(tmp_path, cli):
    spec = copy_spec(tmp_path)
    code, out, err = cli("build", spec, "-f", "md")
    assert code == 0, err
    md = tmp_path / "plan.md"
    assert md.is_file()
    assert out.strip() == f"wrote {md}"
    assert md.read_text(encoding="utf-8").startswith("# Minimal outlook\n")


def test_build_into_output_folder_and_quiet(tmp_path, cli):
    spec = copy_spec(tmp_path)
    code, out, _ = cli("build", spec, "-o", tmp_path / "out", "-q")
    assert code == 0
    assert out == ""
    assert (tmp_path / "out" / "plan.md").is_file()
    assert not (tmp_path / "plan.md").exists()


def test_output_name_comes_from_the_file_name_not_the_content(tmp_path, cli):
    spec = tmp_path / "q3.v2.yml"
    text = MINIMAL.read_text(encoding="utf-8").replace("title: Minimal outlook", "title: ../../etc/evil")
    spec.write_text(text, encoding="utf-8")
    code, _, err = cli("build", spec, "-f", "md", "-o", tmp_path / "out")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["q3.v2.md"]


def test_a_format_this_version_cannot_write_is_refused_through_the_api(tmp_path):
    # The command line refuses unknown names as usage errors (below); a caller of the
    # API gets a clear error, before anything is read or written.
    from outlookgen.errors import FeatureUnavailable
    from outlookgen.project.build import BuildOptions, build

    spec = copy_spec(tmp_path)
    with pytest.raises(FeatureUnavailable, match="rtf output is not available"):
        build([spec], BuildOptions(formats=("md", "rtf")))
    assert list(tmp_path.iterdir()) == [spec], "a refused build must write nothing"


def test_unknown_format_is_a_usage_error(tmp_path, cli):
    code, _, err = cli("build", copy_spec(tmp_path), "-f", "pdfx")
    assert code == 2
    assert "'pdfx' is not a format" in err


def test_invalid_spec_writes_nothing_and_keeps_earlier_output(tmp_path, cli):
    spec = copy_spec(tmp_path)
    assert cli("build", spec, "-f", "md")[0] == 0
    before = (tmp_path / "plan.md").read_bytes()
    spec.write_text(spec.read_text(encoding="utf-8").replace("owner: PM\n", "owner: PMO\n", 1), encoding="utf-8")
    code, _, err = cli("build", spec, "-f", "md")
    assert code == 1
    lines = err.splitlines()
    assert lines and all(ERROR_LINE.match(line) for line in lines), err
    assert "unknown role 'PMO'" in err
    assert (tmp_path / "plan.md").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.md", "plan.yaml"], "no temp files left"


def test_one_bad_spec_among_several_writes_nothing(tmp_path, cli):
    good = copy_spec(tmp_path, "good.yaml")
    bad = copy_spec(tmp_path, "bad.yaml")
    bad.write_text(bad.read_text(encoding="utf-8").replace("objectives:\n", "objectivs:\n", 1), encoding="utf-8")
    code, _, err = cli("build", good, bad)
    assert code == 1
    assert "did you mean 'objectives'" in err
    assert not (tmp_path / "good.md").exists()


def test_two_specs_claiming_one_output_is_an_error_before_writing(tmp_path, cli):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = copy_spec(tmp_path / "a")
    two = copy_spec(tmp_path / "b")
    code, _, err = cli("build", one, two, "-o", tmp_path / "out")
    assert code == 1
    assert "writes too" in err
    assert not (tmp_path / "out").exists()


def test_a_folder_builds_every_spec_below_it(tmp_path, cli):
    (tmp_path / "specs" / "deep").mkdir(parents=True)
    copy_spec(tmp_path / "specs", "one.yaml")
    copy_spec(tmp_path / "specs" / "deep", "two.yml")
    (tmp_path / "specs" / "config.yaml").write_text("name: not a spec\n", encoding="utf-8")
    code, _, err = cli("build", tmp_path / "specs", "-f", "md", "-o", tmp_path / "out")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["one.md", "two.md"]


def test_missing_file_is_a_located_error(tmp_path, cli):
    code, _, err = cli("build", tmp_path / "nope.yaml")
    assert code == 1
    assert ERROR_LINE.match(err.strip()), err
    assert "no such file" in err


def test_validate_reports_valid_and_quiet(cli):
    code, out, err = cli("validate", MINIMAL)
    assert (code, err) == (0, "")
    assert out == f"{MINIMAL}: valid\n"
    assert cli("validate", "-q", MINIMAL)[1] == ""


def test_validate_reports_every_problem_sorted(tmp_path, cli):
    spec = copy_spec(tmp_path)
    text = spec.read_text(encoding="utf-8")
    text = (
        text.replace("title: Minimal outlook", "title: no")
        .replace("owner: PM\n", "owner: PMO\n")
        .replace("duration: 3", "duration: 10001")
    )
    spec.write_text(text, encoding="utf-8")
    code, _, err = cli("validate", spec)
    assert code == 1
    found = [ERROR_LINE.match(line) for line in err.splitlines()]
    assert all(found), err
    positions = [(int(m["line"]), int(m["col"])) for m in found]
    assert positions == sorted(positions)
    messages = " | ".join(m["message"] for m in found)
    assert "write it in quotes ('no')" in messages
    assert "unknown role 'PMO'" in messages
    assert "too large" in messages
    assert len(found) >= 5  # title, objective owner, two task owners, risk owner, duration


def test_locale_override_switches_labels(tmp_path, cli):
    spec = copy_spec(tmp_path)
    code, _, err = cli("build", spec, "--locale", "zh-CN", "-q")
    assert code == 0, err
    text = (tmp_path / "plan.md").read_text(encoding="utf-8")
    assert "## 第一步 背景与目标陈述" in text
    assert "第1-2周" in text


def test_init_writes_starters_that_validate_and_build(tmp_path, cli):
    for locale in ("en", "zh-CN"):
        path = tmp_path / f"starter-{locale}.yaml"
        code, _, err = cli("init", path, "--locale", locale)
        assert code == 0, err
        assert path.is_file()
        code, _, err = cli("build", path, "-q")
        assert code == 0, err
        assert (tmp_path / f"starter-{locale}.md").is_file()


def test_init_refuses_to_overwrite(tmp_path, cli):
    path = tmp_path / "outlook.yaml"
    path.write_text("mine\n", encoding="utf-8")
    code, _, err = cli("init", path)
    assert code == 1
    assert "exists already" in err
    assert path.read_text(encoding="utf-8") == "mine\n"
    assert cli("init", path, "--force")[0] == 0
    assert path.read_text(encoding="utf-8") != "mine\n"


def test_schema_prints_the_packaged_schema(cli):
    code, out, _ = cli("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert out == (ROOT / "schemas" / "outlook.schema.json").read_text(encoding="utf-8")


def test_build_is_deterministic(tmp_path, cli):
    outputs = []
    for run in range(2):
        out = tmp_path / f"run{run}"
        for sample in sorted(SAMPLES.glob("*.yaml")):
            assert cli("build", sample, "-o", out, "-q")[0] == 0
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outputs[0] == outputs[1]
    from outlookgen.project.build import check_formats

    assert len(outputs[0]) == len(list(SAMPLES.glob("*.yaml"))) * len(check_formats(()))


def test_python_dash_m_and_no_traceback_on_bad_input(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"outlook: 1\nmeta: [\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "outlookgen", "validate", str(bad)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert ERROR_LINE.match(proc.stderr.strip()), proc.stderr
    version = subprocess.run([sys.executable, "-m", "outlookgen", "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0
    assert version.stdout.startswith("outlookgen, version ")


@pytest.mark.parametrize("args", [[], ["build"], ["frobnicate"], ["build", "--locale", "fr", "x.yaml"]])
def test_usage_errors_exit_2(cli, args):
    assert cli(*args)[0] == 2


def test_init_points_editors_at_the_schema(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    code, out, _ = cli("init", spec)
    assert code == 0
    assert spec.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=./outlook.schema.json"
    schema_file = tmp_path / "outlook.schema.json"
    assert schema_file.read_text(encoding="utf-8") == (ROOT / "schemas" / "outlook.schema.json").read_text(
        encoding="utf-8"
    )
    assert out.splitlines() == [f"wrote {spec}", f"wrote {schema_file}", f"next: outlookgen build {spec}"]


def test_init_leaves_a_foreign_schema_file_alone(tmp_path, cli):
    (tmp_path / "outlook.schema.json").write_text('{"$id": "someone-else"}', encoding="utf-8")
    assert cli("init", tmp_path / "plan.yaml")[0] == 0
    assert (tmp_path / "outlook.schema.json").read_text(encoding="utf-8") == '{"$id": "someone-else"}'


def test_schema_can_be_written_to_a_file(tmp_path, cli):
    code, out, _ = cli("schema", "-o", tmp_path)
    assert code == 0
    assert out == f"wrote {tmp_path / 'outlook.schema.json'}\n"
    assert (
        json.loads((tmp_path / "outlook.schema.json").read_text(encoding="utf-8"))["$id"]
        == "urn:outlookgen:schema:outlook:1"
    )


def test_build_help_names_every_format_and_the_defaults(cli):
    # Issue 15: --help listed md, html, docx and left pdf out.
    from outlookgen.render.registry import FORMATS, default_formats

    code, out, _ = cli("build", "--help")
    assert code == 0
    options = " ".join(out.split())
    listed = re.search(r"-f, --format TEXT (.*?) -o, --output", options).group(1)
    named = re.findall(r"\b(md|html|docx|pdf)\b", listed.split("Default:")[0])
    assert list(dict.fromkeys(named)) == list(FORMATS)
    assert "pdf needs the [pdf] extra" in listed
    defaults = listed.split("Default:")[1]
    assert re.findall(r"\b(md|html|docx|pdf)\b", defaults) == list(default_formats())


def test_every_format_whose_module_can_refuse_this_machine_is_asked_before_any_spec_is_read():
    """registry.preflight imports only the modules the registry marks; a check it did not know of would be skipped."""
    import importlib

    from outlookgen.render.registry import FORMATS

    for name, fmt in FORMATS.items():
        has_check = callable(getattr(importlib.import_module(fmt.module), "preflight", None))
        assert has_check == fmt.preflight, name


def test_each_command_is_loaded_by_its_name_and_every_command_module_is_named():
    """The group imports a command's module only when it runs; one left out of the list would be unreachable."""
    import click

    from outlookgen.cli import COMMANDS, main

    context = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name
    modules = {p.stem for p in (ROOT / "outlookgen" / "commands").glob("*.py")} - {"__init__", "common"}
    assert modules == {module for module, _ in COMMANDS.values()}
    assert main.get_command(context, "nosuch") is None
