"""Docs-as-code builds: unchanged outputs skipped, --force, --check, and parallel builds giving the same bytes."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, SAMPLE_FILES

from outlookgen.errors import OutputError
from outlookgen.project.build import BuildOptions, build

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
MD = ("md",)  # the pipeline is the same for every format; Markdown is the fastest


@pytest.fixture
def specs(tmp_path):
    folder = tmp_path / "specs"
    folder.mkdir()
    paths = []
    for i in range(3):
        target = folder / f"plan{i}.yaml"
        shutil.copy(MINIMAL, target)
        paths.append(target)
    return paths


def out_of(tmp_path):
    return tmp_path / "out"


def test_second_build_skips_everything(tmp_path, specs):
    first = build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    assert (first.built_specs, first.skipped_specs) == (3, 0)
    stamps = {p: p.stat().st_mtime_ns for p in first.written}
    second = build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    assert (second.built_specs, second.skipped_specs) == (0, 3)
    assert second.written == []
    assert {p: p.stat().st_mtime_ns for p in first.written} == stamps


def test_an_edited_spec_is_rebuilt_alone(tmp_path, specs):
    build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    specs[1].write_text(
        specs[1].read_text(encoding="utf-8").replace("Minimal outlook", "Edited outlook"), encoding="utf-8"
    )
    again = build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    assert (again.built_specs, again.skipped_specs) == (1, 2)
    assert "# Edited outlook" in (out_of(tmp_path) / "plan1.md").read_text(encoding="utf-8")


def test_an_output_touched_by_hand_or_deleted_is_rebuilt(tmp_path, specs):
    build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    (out_of(tmp_path) / "plan0.md").write_text("hand edit\n", encoding="utf-8")
    (out_of(tmp_path) / "plan2.md").unlink()
    again = build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    assert again.built_specs == 2
    assert (out_of(tmp_path) / "plan0.md").read_text(encoding="utf-8").startswith("# Minimal outlook")
    assert (out_of(tmp_path) / "plan2.md").exists()


def test_an_edited_fragment_is_rebuilt(tmp_path):
    (tmp_path / "outlookgen.yaml").write_text("{}\n", encoding="utf-8")
    fragment = tmp_path / "risks.yaml"
    fragment.write_text("risks:\n  - {id: R9, title: Shared risk one, owner: PM}\n", encoding="utf-8")
    spec = tmp_path / "plan.yaml"
    spec.write_text(
        MINIMAL.read_text(encoding="utf-8").replace("outlook: 1\n", "outlook: 1\ninclude: [risks.yaml]\n"),
        encoding="utf-8",
    )
    build([spec], BuildOptions(formats=MD, output_dir=out_of(tmp_path)))
    assert build([spec], BuildOptions(formats=MD, output_dir=out_of(tmp_path))).skipped_specs == 1
    fragment.write_text(fragment.read_text(encoding="utf-8").replace("one", "two"), encoding="utf-8")
    again = build([spec], BuildOptions(formats=MD, output_dir=out_of(tmp_path)))
    assert again.built_specs == 1
    assert "Shared risk two" in (out_of(tmp_path) / "plan.md").read_text(encoding="utf-8")


def test_a_changed_pack_or_option_rebuilds(tmp_path, specs):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "templates" / "default", pack)
    build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), pack=str(pack), jobs=1))
    labels = pack / "labels" / "en.yaml"
    labels.write_text(
        labels.read_text(encoding="utf-8").replace("Revision history", "Document history"), encoding="utf-8"
    )
    assert build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), pack=str(pack), jobs=1)).built_specs == 3
    assert (
        build(
            specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), pack=str(pack), locale="zh-CN", jobs=1)
        ).built_specs
        == 3
    )


def test_force_rebuilds_everything(tmp_path, specs):
    build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    assert build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), force=True, jobs=1)).built_specs == 3


def test_check_writes_nothing_and_lists_every_stale_output(tmp_path, specs):
    build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=1))
    # unchanged inputs and outputs still the recorded ones: checked without rendering anything
    unchanged = build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), check=True, jobs=1))
    assert (unchanged.built_specs, unchanged.skipped_specs) == (0, 3)
    specs[0].write_text(specs[0].read_text(encoding="utf-8").replace("Minimal outlook", "Changed"), encoding="utf-8")
    (out_of(tmp_path) / "plan2.md").unlink()
    before = (out_of(tmp_path) / "plan0.md").read_bytes()
    with pytest.raises(OutputError) as failure:
        build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), check=True, jobs=1))
    lines = [d.format() for d in failure.value.diagnostics]
    assert lines == [
        f"{specs[0]}:1:1: error: $: {out_of(tmp_path) / 'plan0.md'} is out of date; run outlookgen build",
        f"{specs[2]}:1:1: error: $: {out_of(tmp_path) / 'plan2.md'} is missing; run outlookgen build",
    ]
    assert (out_of(tmp_path) / "plan0.md").read_bytes() == before
    assert not (out_of(tmp_path) / "plan2.md").exists()


def test_check_from_the_command_line(tmp_path, specs, cli):
    assert cli("build", *specs, "-f", "md", "-o", out_of(tmp_path), "-q")[0] == 0
    code, out, _ = cli("build", *specs, "-f", "md", "-o", out_of(tmp_path), "--check")
    assert code == 0
    assert out.startswith("up to date: 3 spec(s) checked")
    specs[1].write_text(
        specs[1].read_text(encoding="utf-8") + "\n# a comment changes nothing rendered\n", encoding="utf-8"
    )
    assert cli("build", *specs, "-f", "md", "-o", out_of(tmp_path), "--check")[0] == 0
    specs[1].write_text(specs[1].read_text(encoding="utf-8").replace("Pilot", "Trial"), encoding="utf-8")
    code, _, err = cli("build", *specs, "-f", "md", "-o", out_of(tmp_path), "--check")
    assert code == 1
    assert err.strip().endswith("plan1.md is out of date; run outlookgen build")


def test_parallel_build_gives_the_same_bytes_as_serial(tmp_path):
    inputs = [*SAMPLE_FILES, MINIMAL, ROOT / "tests" / "specs" / "valid" / "every-key.yaml"]
    serial = build(inputs, BuildOptions(formats=MD, output_dir=tmp_path / "serial", jobs=1))
    parallel = build(inputs, BuildOptions(formats=MD, output_dir=tmp_path / "parallel", jobs=2))
    assert serial.built_specs == parallel.built_specs == len(inputs)
    for path in serial.written:
        assert (tmp_path / "parallel" / path.name).read_bytes() == path.read_bytes()


def test_parallel_build_reports_every_bad_spec(tmp_path, specs):
    for spec in specs[:2]:
        spec.write_text(spec.read_text(encoding="utf-8").replace("owner: PM\n", "owner: NOBODY\n", 1), encoding="utf-8")
    with pytest.raises(Exception) as failure:
        build(specs, BuildOptions(formats=MD, output_dir=out_of(tmp_path), jobs=2))
    files = {d.file for d in failure.value.diagnostics}
    assert files == {str(specs[0]), str(specs[1])}
    assert not out_of(tmp_path).exists()


def test_summary_line(tmp_path, specs, cli):
    code, out, _ = cli("build", *specs, "-f", "md", "-o", out_of(tmp_path), "-j", "1")
    assert code == 0
    assert out.splitlines()[-1].startswith("built 3, skipped 0 (up to date), failed 0 in ")
    code, out, _ = cli("build", *specs, "-f", "md", "-o", out_of(tmp_path))
    assert out.splitlines() == [out.splitlines()[-1]]
    assert out.startswith("built 0, skipped 3 (up to date)")
