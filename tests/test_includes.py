"""``include:``: shared fragments merged into a spec, with errors located in the file that holds them."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from conftest import ROOT

from outlookgen.project.pipeline import validate_files

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
RISKS = """\
risks:
  - id: R-data
    title: Data migration fails
    owner: PM
    mitigation: [Two rehearsals]
    contingency: [Roll back]
"""


@pytest.fixture
def project(tmp_path):
    """A project folder (marked by outlookgen.yaml) with specs/ and shared/."""
    (tmp_path / "outlookgen.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "specs").mkdir()
    (tmp_path / "shared").mkdir()
    return tmp_path


def write_spec(project, include_lines: str, name="plan.yaml", extra: str = ""):
    text = (
        MINIMAL.read_text(encoding="utf-8").replace("outlook: 1\n", f"outlook: 1\ninclude:\n{include_lines}", 1) + extra
    )
    spec = project / "specs" / name
    spec.write_text(text, encoding="utf-8")
    return spec


def problems(spec):
    [(_, found)] = validate_files([spec])
    return [p.format() for p in found]


def test_fragment_lists_are_appended_and_built(project, cli):
    (project / "shared" / "risks.yaml").write_text(RISKS, encoding="utf-8")
    spec = write_spec(project, "  - ../shared/risks.yaml\n")
    assert problems(spec) == []
    code, _, err = cli("build", spec, "-o", project / "out", "-q")
    assert code == 0, err
    text = (project / "out" / "plan.md").read_text(encoding="utf-8")
    assert text.index("Users resist the new screens") < text.index("Data migration fails")


def test_error_inside_a_fragment_points_into_the_fragment(project):
    (project / "shared" / "risks.yaml").write_text(
        RISKS.replace("    owner: PM\n", "    owner: PM\n    likelihood: huge\n"), encoding="utf-8"
    )
    spec = write_spec(project, "  - ../shared/risks.yaml\n")
    found = problems(spec)
    assert len(found) == 1
    assert re.match(
        r"^shared/risks\.yaml:5:17: error: risks\[1\]\.likelihood: 'huge' is not one of low, medium, high$",
        found[0].replace(str(project) + os.sep, ""),
    )


def test_duplicate_id_across_files_names_both(project):
    (project / "shared" / "risks.yaml").write_text(RISKS.replace("R-data", "R1"), encoding="utf-8")
    spec = write_spec(project, "  - ../shared/risks.yaml\n")
    [line] = problems(spec)
    assert "shared/risks.yaml:2:9: error: risks[1].id: duplicate id 'R1': the risk at " in line
    assert "plan.yaml:" in line.split("the risk at ")[1]


def test_a_value_set_twice_is_a_conflict_not_an_override(project):
    (project / "shared" / "meta.yaml").write_text("meta:\n  title: Another title\n", encoding="utf-8")
    spec = write_spec(project, "  - ../shared/meta.yaml\n")
    [line] = problems(spec)
    assert line.endswith(
        "meta.yaml:2:3: error: meta.title: 'meta.title' is already set in "
        f"{spec}:5; a value may be set in one file only (lists are joined, mappings merged)"
    )


def test_mappings_merge_key_by_key(project):
    (project / "shared" / "cm.yaml").write_text("change_management:\n  champions: [One per site]\n", encoding="utf-8")
    (project / "shared" / "cm2.yaml").write_text("change_management:\n  support: [Hotline]\n", encoding="utf-8")
    spec = write_spec(project, "  - ../shared/cm.yaml\n  - ../shared/cm2.yaml\n")
    assert problems(spec) == []


def test_include_cycle_is_named(project):
    (project / "shared" / "a.yaml").write_text("include: [b.yaml]\n", encoding="utf-8")
    (project / "shared" / "b.yaml").write_text("include: [a.yaml]\n", encoding="utf-8")
    spec = write_spec(project, "  - ../shared/a.yaml\n")
    [line] = problems(spec)
    assert "include cycle: a.yaml → b.yaml → a.yaml" in line
    assert line.startswith(f"{project / 'shared' / 'b.yaml'}:1:11: error: include[0]:")  # the entry closing it


def test_nested_fragments(project):
    (project / "shared" / "all.yaml").write_text("include: [risks.yaml]\n", encoding="utf-8")
    (project / "shared" / "risks.yaml").write_text(RISKS, encoding="utf-8")
    spec = write_spec(project, "  - ../shared/all.yaml\n")
    assert problems(spec) == []


def test_paths_stay_inside_the_project(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "risks.yaml"
    outside.write_text(RISKS, encoding="utf-8")
    spec = write_spec(project, f"  - {outside}\n  - ../../../../etc/passwd\n")
    found = problems(spec)
    assert len(found) == 2
    assert all("is outside the project folder" in line for line in found)
    assert found[0].startswith(f"{spec}:3:5: error: include[0]:")


def test_a_symlink_out_of_the_project_is_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "risks.yaml"
    outside.write_text(RISKS, encoding="utf-8")
    os.symlink(outside, project / "shared" / "link.yaml")
    spec = write_spec(project, "  - ../shared/link.yaml\n")
    [line] = problems(spec)
    assert "is outside the project folder" in line


def test_missing_fragment_is_located_at_the_entry(project):
    spec = write_spec(project, "  - ../shared/nope.yaml\n")
    assert problems(spec) == [f"{spec}:3:5: error: include[0]: included file '../shared/nope.yaml' not found"]


def test_a_fragment_may_not_carry_the_format_version(project):
    (project / "shared" / "risks.yaml").write_text("outlook: 1\n" + RISKS, encoding="utf-8")
    spec = write_spec(project, "  - ../shared/risks.yaml\n")
    [line] = problems(spec)
    assert line.endswith(":1:1: error: outlook: a fragment has no 'outlook:'; only the spec that includes it does")


def test_syntax_error_in_a_fragment_is_reported_in_the_fragment(project):
    (project / "shared" / "risks.yaml").write_text('risks:\n  - id: R2\n    title: "unclosed\n', encoding="utf-8")
    spec = write_spec(project, "  - ../shared/risks.yaml\n")
    [line] = problems(spec)
    assert "shared/risks.yaml:" in line
    assert "never closed" in line


def test_without_a_project_marker_the_spec_folder_is_the_root(tmp_path):
    (tmp_path / "specs").mkdir()
    shutil.copy(MINIMAL, tmp_path / "specs" / "plan.yaml")
    spec = tmp_path / "specs" / "plan.yaml"
    (tmp_path / "risks.yaml").write_text(RISKS, encoding="utf-8")
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("outlook: 1\n", "outlook: 1\ninclude: [../risks.yaml]\n"),
        encoding="utf-8",
    )
    [line] = problems(spec)
    assert "is outside the project folder" in line
