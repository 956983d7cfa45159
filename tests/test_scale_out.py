"""Builds that scale out on CI: shards, the relocatable cache, --affected-since, --touched, reports, merge, layout.

Every git case runs in a real repository made in a temporary folder, with
the real git, and the command line in-process (the ``cli`` fixture) or in a
child process where the working folder matters.
"""

from __future__ import annotations

import glob
import hashlib
import json
import random
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from outlookgen.project.shards import (
    SPEC_COST,
    Shard,
    Timings,
    assign,
    estimate_cost,
    estimate_tasks,
    pick,
    read_timings,
    timed_weights,
)

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def spec_text(title: str, *, include: str | None = None, tasks: int = 2) -> str:
    text = MINIMAL.read_text(encoding="utf-8").replace("Minimal outlook", title, 1)
    if include:
        text = text.replace("outlook: 1\n", f"outlook: 1\ninclude: [{include}]\n", 1)
    extra = "".join(
        f"        - {{id: X{i}, name: Extra {i}, owner: PM, start: 1, duration: 1, objectives: [O1]}}\n"
        for i in range(tasks - 2)
    )
    return text.replace("      milestones:\n", extra + "      milestones:\n", 1)


@pytest.fixture
def repo(tmp_path):
    """A git repository holding a project of nine specs: three include a shared fragment,
    two pairs share a file name in different folders; outputs in out/ (tree layout)."""
    root = tmp_path / "repo"
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "extra.yaml").write_text("x-shared: 1\n", encoding="utf-8")
    (root / "outlookgen.yaml").write_text(
        'specs: ["projects/**/*.yaml"]\noutput: out\nformats: [md]\noutputs: {layout: tree}\n', encoding="utf-8"
    )
    names = [
        "projects/erp/plan.yaml",
        "projects/crm/plan.yaml",
        "projects/bi/plan.yaml",
        "projects/erp/risks-review.yaml",
        "projects/mes/outlook.yaml",
        "projects/hr/outlook.yaml",
        "projects/wms/plan-a.yaml",
        "projects/wms/plan-b.yaml",
        "projects/tms/plan.yaml",
    ]
    for i, name in enumerate(names):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        include = "../../shared/extra.yaml" if i in (0, 4, 7) else None
        path.write_text(spec_text(f"Project {i}", include=include, tasks=2 + i * 3), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    return root


def report_of(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def built_names(report: dict) -> set[str]:
    return {r["spec"] for r in report["specs"] if r["state"] == "built"}


# --------------------------------------------------------------------------- shards


@pytest.mark.parametrize("by", ["name", "tasks", "time"])
def test_shards_cover_every_spec_exactly_once_for_many_n(by):
    rng = random.Random(17)
    names = [f"portfolio/{rng.choice('abcdefgh')}/{i:04d}/plan.yaml" for i in range(700)]
    weights = {n: rng.randint(10, 200) for n in names}
    for count in (1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 700, 701):
        split = assign(names, count, by, weights.get)
        assert set(split) == set(names)
        assert all(0 <= shard < count for shard in split.values())
        shards = [{n for n, s in split.items() if s == k} for k in range(count)]
        assert sum(len(s) for s in shards) == len(names)  # disjoint: no spec in two shards
        assert set().union(*shards) == set(names)  # covering: every spec in one
        # Every job computes the same split whatever order it finds the specs in.
        shuffled = names[:]
        rng.shuffle(shuffled)
        assert assign(shuffled, count, by, weights.get) == split


def test_a_new_spec_never_moves_another_one_by_name():
    names = [f"specs/{i}.yaml" for i in range(300)]
    before = assign(names, 4)
    after = assign([*names, "specs/new.yaml"], 4)
    assert {n: after[n] for n in names} == before


def test_balancing_by_tasks_evens_out_the_work():
    rng = random.Random(3)
    names = [f"p{i}.yaml" for i in range(1000)]
    weights = {n: rng.randint(10, 200) for n in names}
    for count in (2, 4, 8):
        split = assign(names, count, "tasks", weights.get)
        loads = [sum(weights[n] for n in names if split[n] == k) for k in range(count)]
        assert max(loads) - min(loads) <= 200, loads  # never more than one spec's worth apart


def test_a_shard_of_many_small_specs_is_not_given_as_many_tasks_as_one_big_spec(tmp_path):
    # one spec of 1,000 tasks and ten of 100: equal tasks per shard would put all ten small
    # specs in one job, which then pays ten specs' fixed cost the other job does not
    names = ["big.yaml", *(f"small{i}.yaml" for i in range(10))]
    for i, name in enumerate(names):
        (tmp_path / name).write_text(spec_text(name, tasks=1000 if i == 0 else 100), encoding="utf-8")
    split = assign(names, 2, "tasks", lambda n: estimate_cost(tmp_path / n))
    with_big = {n for n in names if split[n] == split["big.yaml"]}
    assert len(with_big) > 1  # the big spec's job also takes small ones
    loads = [sum(estimate_cost(tmp_path / n) for n in names if split[n] == k) for k in range(2)]
    assert max(loads) - min(loads) <= 100 + SPEC_COST, loads  # within one small spec's work
    tasks_only = assign(names, 2, "tasks", lambda n: estimate_tasks(tmp_path / n))
    assert {n for n in names if tasks_only[n] == tasks_only["big.yaml"]} == {"big.yaml"}


def test_task_count_is_estimated_from_the_spec_text(tmp_path):
    spec = tmp_path / "plan.yaml"
    spec.write_text(spec_text("P", tasks=7), encoding="utf-8")
    assert estimate_tasks(spec) == 7
    assert estimate_tasks(tmp_path / "missing.yaml") == 1


def timings_of(milliseconds: dict[str, int]) -> Timings:
    return Timings("build.json", "d", milliseconds)


def test_dealing_by_time_evens_out_measured_seconds_where_task_counts_mislead(tmp_path):
    # Four specs of 50 tasks each; one (a zh-CN spec with long texts, say) took four times as
    # long as the others. Equal tasks put two specs in each job: one job then takes 5 s, the
    # other 2 s. Dealt by what they took, the slow spec's job takes nothing else... and the
    # other three share one job: 4 s against 3 s.
    names = ["slow.yaml", "a.yaml", "b.yaml", "c.yaml"]
    for name in names:
        (tmp_path / name).write_text(spec_text(name, tasks=50), encoding="utf-8")
    seconds = {"slow.yaml": 4000, "a.yaml": 1000, "b.yaml": 1000, "c.yaml": 1000}
    paths = {tmp_path / n: n for n in names}
    by_tasks = pick(list(paths), paths, Shard(1, 2, "tasks")), pick(list(paths), paths, Shard(2, 2, "tasks"))
    by_time = [pick(list(paths), paths, Shard(k, 2, "time", timings_of(seconds))) for k in (1, 2)]

    def spread(shares):
        loads = [sum(seconds[paths[p]] for p in share) for share in shares]
        return max(loads) - min(loads)

    assert spread(by_tasks) == 3000
    assert spread(by_time) == 1000
    assert [len(share) for share in by_time] in ([1, 3], [3, 1])


def test_a_spec_the_timings_do_not_know_weighs_its_work_at_the_measured_rate():
    # a.yaml and b.yaml were measured at 10 ms per unit of estimated work; new.yaml, never
    # built, is estimated at that rate rather than in task units beside milliseconds
    costs = {"a.yaml": 100, "b.yaml": 300, "new.yaml": 200}
    weights = timed_weights(list(costs), timings_of({"a.yaml": 1000, "b.yaml": 3000}), costs.__getitem__)
    assert weights == {"a.yaml": 1000, "b.yaml": 3000, "new.yaml": 2000}
    # nothing measured at all: the work estimate alone, as --shard-by tasks deals
    assert timed_weights(list(costs), timings_of({}), costs.__getitem__) == costs


def test_splitting_by_time_needs_timings():
    with pytest.raises(ValueError, match="--shard-timings"):
        Shard.parse("1/2", "time")


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "2", "2/4/1", "-1/4"])
def test_a_malformed_shard_is_a_usage_error(text, cli, tmp_path):
    code, _, err = cli("build", MINIMAL, "--shard", text, "-o", tmp_path)
    assert code == 2
    assert "--shard" in err
    with pytest.raises(ValueError):
        Shard.parse(text)


@needs_git
@pytest.mark.parametrize("by", ["name", "tasks"])
def test_shard_jobs_build_disjoint_sets_that_cover_the_project(repo, cli, by):
    reports = []
    for k in (1, 2, 3):
        report = repo / f"build-{k}.json"
        code, out, err = cli("build", "--shard", f"{k}/3", "--shard-by", by, "--report", report, cwd=repo)
        assert code == 0, err
        assert f"(shard {k}/3:" in out
        reports.append(report)
    shares = [built_names(report_of(r)) for r in reports]
    every = {str(p.relative_to(repo)) for p in (repo / "projects").rglob("*.yaml")}
    assert sum(len(s) for s in shares) == len(every) == 9
    assert set().union(*shares) == every
    # the tree layout keeps plan.yaml of erp, crm, bi and tms apart
    written = {str(p.relative_to(repo / "out")) for p in (repo / "out").rglob("*.md")}
    assert written == {name.replace(".yaml", ".md") for name in every}
    # the same split as the shards module computes in-process
    from outlookgen.project.names import relative_name

    specs = sorted((repo / "projects").rglob("*.yaml"))
    names = {s: relative_name(s, repo) for s in specs}
    assert {names[s] for s in pick(specs, names, Shard(2, 3, by))} == shares[1]

    merged = repo / "build.json"
    code, out, err = cli("merge", *reports, "-o", merged, "--summary", repo / "summary.md", cwd=repo)
    assert code == 0, err
    assert "9 spec(s) from 3 report(s): built 9" in out
    assert len(report_of(merged)["specs"]) == 9
    assert "| 9 | 9 | 0 | 0 | 0 |" in (repo / "summary.md").read_text(encoding="utf-8")


@needs_git
def test_shards_dealt_by_the_last_build_seconds_cover_the_project_and_merge(repo, cli):
    # the previous run: a whole build whose report says what each spec took
    assert cli("build", "--report", repo / "last.json", "-q", cwd=repo)[0] == 0
    last = report_of(repo / "last.json")
    assert all(r["build_seconds"] and r["build_seconds"] == r["seconds"] for r in last["specs"])
    timings = read_timings(repo / "last.json")
    assert set(timings.milliseconds) == {r["spec"] for r in last["specs"]}

    reports = []
    for k in (1, 2, 3):
        report = repo / f"time-{k}.json"
        args = ("--shard", f"{k}/3", "--shard-by", "time", "--shard-timings", "last.json", "--force")
        code, _, err = cli("build", *args, "--report", report, cwd=repo)
        assert code == 0, err
        reports.append(report)
        assert report_of(report)["split_by"] == "time"
        assert report_of(report)["split_timings"] == timings.digest
    shares = [built_names(report_of(r)) for r in reports]
    assert sum(len(s) for s in shares) == 9 and len(set().union(*shares)) == 9
    assert cli("merge", *reports, "-o", repo / "merged.json", cwd=repo)[0] == 0

    # a job handed other timings deals differently: merge says so instead of passing overlaps
    other = report_of(repo / "last.json")
    for record in other["specs"]:
        record["build_seconds"] = 1.0 if record["spec"].startswith("projects/erp") else 0.001
    (repo / "other.json").write_text(json.dumps(other), encoding="utf-8")
    args = ("--shard", "3/3", "--shard-by", "time", "--shard-timings", "other.json", "--force")
    assert cli("build", *args, "--report", repo / "odd.json", "-q", cwd=repo)[0] == 0
    code, _, err = cli("merge", reports[0], reports[1], repo / "odd.json", cwd=repo)
    assert code == 1
    assert "every shard must be dealt alike" in err


@needs_git
def test_a_skipped_spec_reports_what_its_outputs_took_when_built(repo, cli):
    # CI restores the cache, so most specs are skipped: their report still carries their cost
    assert cli("build", "--report", repo / "first.json", "-q", cwd=repo)[0] == 0
    assert cli("build", "--report", repo / "second.json", "-q", cwd=repo)[0] == 0
    first = {r["spec"]: r for r in report_of(repo / "first.json")["specs"]}
    second = report_of(repo / "second.json")["specs"]
    assert {r["state"] for r in second} == {"skipped"}
    assert all(r["seconds"] == 0.0 and r["build_seconds"] == first[r["spec"]]["seconds"] for r in second)
    assert read_timings(repo / "second.json").milliseconds == read_timings(repo / "first.json").milliseconds


def test_timings_that_are_not_a_report_are_a_located_error(cli, tmp_path):
    (tmp_path / "times.json").write_text("{}", encoding="utf-8")
    (tmp_path / "broken.json").write_bytes(b'{"format": ')
    for timings in (tmp_path / "times.json", tmp_path / "broken.json"):
        args = ("--shard", "1/2", "--shard-by", "time", "--shard-timings", timings, "-o", tmp_path / "out")
        code, _, err = cli("build", MINIMAL, *args)
        assert code == 1
        assert re.match(rf"{re.escape(str(timings))}:1:1: error: \$: is not a build report", err), err
        assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_timings_not_there_yet_deal_by_estimated_work_with_a_warning(cli, tmp_path):
    # a CI's first run: the previous run's report is restored by later runs only
    absent = tmp_path / "build.json"
    args = ("--shard", "1/1", "--shard-by", "time", "--shard-timings", absent, "--report", tmp_path / "r.json")
    code, _, err = cli("build", MINIMAL, *args, "-o", tmp_path / "out")
    assert code == 0
    assert f"{absent}:1:1: warning: $: no such report yet: specs are dealt by their estimated work" in err
    assert report_of(tmp_path / "r.json")["split_timings"] == read_timings(absent).digest
    assert read_timings(absent).missing and not read_timings(absent).milliseconds


@pytest.mark.parametrize(
    "args",
    [
        ("--shard", "1/2", "--shard-by", "time"),
        ("--shard", "1/2", "--shard-timings", "t.json"),
        ("--shard-by", "time", "--shard-timings", "t.json"),
    ],
)
def test_shard_timings_without_their_partners_are_a_usage_error(args, cli, tmp_path):
    code, _, err = cli("build", MINIMAL, *args, "-o", tmp_path)
    assert code == 2
    assert "--shard" in err


@needs_git
def test_merge_refuses_a_missing_or_doubled_shard(repo, cli):
    for k in (1, 2):
        assert cli("build", "--shard", f"{k}/3", "--report", repo / f"r{k}.json", "-q", cwd=repo)[0] == 0
    code, _, err = cli("merge", repo / "r1.json", repo / "r2.json", cwd=repo)
    assert code == 1
    assert "shard(s) 3/3 missing from the merge" in err
    code, _, err = cli("merge", repo / "r1.json", repo / "r1.json", cwd=repo)
    assert code == 1
    assert "shards must not overlap" in err
    (repo / "junk.json").write_text("[1, 2]", encoding="utf-8")
    code, _, err = cli("merge", repo / "junk.json", cwd=repo)
    assert code == 1
    assert "junk.json:1:1: error: $: is not a build report" in err


# --------------------------------------------------------------------------- the cache


@needs_git
def test_a_cache_restored_in_another_checkout_skips_everything(repo, tmp_path, cli, monkeypatch):
    cache = tmp_path / "ci-cache"
    monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(cache))
    assert cli("build", "-q", cwd=repo)[0] == 0
    # CI: another runner checks out the same commit (outputs committed) in another folder,
    # restores the cache folder from actions/cache, and checks.
    other = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(repo, other)
    restored = tmp_path / "restored-cache"
    shutil.copytree(cache, restored)
    monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(restored))
    code, _out, err = cli("build", "--check", "--report", other / "check.json", cwd=other)
    assert code == 0, err
    report = report_of(other / "check.json")
    assert {r["state"] for r in report["specs"]} == {"skipped"}  # nothing rendered
    assert {o["state"] for r in report["specs"] for o in r["outputs"]} == {"current"}
    # and a hand-edited output is still caught, without rendering the others
    target = other / "out" / "projects" / "crm" / "plan.md"
    target.write_text("edited\n", encoding="utf-8")
    code, _, err = cli("build", "--check", "--report", other / "check2.json", cwd=other)
    assert code == 1
    assert f"{target} is out of date; run outlookgen build" in err
    assert built_names(report_of(other / "check2.json")) == {"projects/crm/plan.yaml"}


@needs_git
def test_the_cache_records_digests_not_paths(repo, cli, monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(cache))
    assert cli("build", "-q", cwd=repo)[0] == 0
    records = sorted(p for p in (cache / "specs").glob("*/*.json") if not p.name.endswith(".learnt.json"))
    learnt = sorted((cache / "specs").glob("*/*.learnt.json"))  # facts and findings, in files of their own
    assert len(records) == len(learnt) == 9
    for record in [*records, *learnt]:
        assert str(tmp_path) not in record.read_text(encoding="utf-8")
    for record in records:
        text = record.read_text(encoding="utf-8")
        assert str(tmp_path) not in text  # nothing that ties it to this checkout
        data = json.loads(text)
        assert data["spec"].startswith("projects/")
        [outputs] = data["builds"].values()
        target = repo / "out" / data["spec"].replace(".yaml", ".md")
        assert outputs == {"md": hashlib.sha256(target.read_bytes()).hexdigest()}


# --------------------------------------------------------------------------- affected since a ref


@needs_git
def test_affected_since_builds_the_specs_a_shared_fragment_reaches(repo, cli):
    assert cli("build", "-q", cwd=repo)[0] == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "outputs")
    git(repo, "checkout", "-q", "-b", "change")
    (repo / "shared" / "extra.yaml").write_text("x-shared: 2\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "edit the fragment")
    code, out, err = cli("build", "--affected-since", "main", "--report", repo / "r.json", cwd=repo)
    assert code == 0, err
    report = report_of(repo / "r.json")
    expected = {"projects/erp/plan.yaml", "projects/mes/outlook.yaml", "projects/wms/plan-b.yaml"}
    assert {r["spec"] for r in report["specs"]} == expected
    assert "(affected by the change: 3 of 9 specs)" in out
    # a spec edited in the working tree, not committed, counts too
    spec = repo / "projects" / "hr" / "outlook.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Project 5", "Project five"), encoding="utf-8")
    code, _, err = cli("build", "--affected-since", "main", "--report", repo / "r2.json", cwd=repo)
    assert code == 0, err
    assert {r["spec"] for r in report_of(repo / "r2.json")["specs"]} == expected | {"projects/hr/outlook.yaml"}


@needs_git
def test_a_changed_configuration_or_pack_affects_every_spec(repo, cli):
    pack = repo / "packs" / "firm"
    (pack / "md").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: firm\nextends: default\n", encoding="utf-8")
    config = repo / "outlookgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "template: packs/firm\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pack")
    (pack / "md" / "outlook.md.j2").write_text('{% extends "default:outlook.md.j2" %}\n', encoding="utf-8")
    code, _out, err = cli("build", "--affected-since", "HEAD", "-q", "--report", repo / "r.json", cwd=repo)
    assert code == 0, err
    assert len(report_of(repo / "r.json")["specs"]) == 9
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "template")
    code, _, err = cli("build", "--affected-since", "HEAD", "--report", repo / "r2.json", cwd=repo)
    assert code == 0, err
    assert report_of(repo / "r2.json")["specs"] == []


@needs_git
def test_affected_since_names_what_is_wrong_with_the_ref(repo, cli, tmp_path):
    code, _, err = cli("build", "--affected-since", "no-such-branch", cwd=repo)
    assert code == 1
    assert "'no-such-branch' names no commit in this repository" in err
    code, _, err = cli("build", "--affected-since", "--help", cwd=repo)  # never passed to git as an option
    assert code != 0
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    shutil.copy(MINIMAL, outside / "plan.yaml")
    code, _, err = cli("build", outside / "plan.yaml", "--affected-since", "HEAD", "-o", outside / "out", cwd=outside)
    assert code == 1
    assert "--affected-since needs a git repository" in err


@needs_git
def test_touched_files_build_only_the_specs_they_reach(repo, cli):
    code, _out, err = cli("build", "--touched", "shared/extra.yaml", "README.md", "--report", repo / "r.json", cwd=repo)
    assert code == 0, err
    assert {r["spec"] for r in report_of(repo / "r.json")["specs"]} == {
        "projects/erp/plan.yaml",
        "projects/mes/outlook.yaml",
        "projects/wms/plan-b.yaml",
    }
    # --check of a touched spec whose document was never built: that one is named, no other
    code, _, err = cli(
        "build", "--check", "--touched", "projects/tms/plan.yaml", "--report", repo / "r2.json", cwd=repo
    )
    assert code == 1
    assert err.splitlines() == [
        f"projects/tms/plan.yaml:1:1: error: $: {repo / 'out/projects/tms/plan.md'} is missing; run outlookgen build"
    ]
    assert [r["spec"] for r in report_of(repo / "r2.json")["specs"]] == ["projects/tms/plan.yaml"]
    code, _, err = cli("build", "--check", "--touched", "projects/erp/plan.yaml", cwd=repo)
    assert code == 0, err


def test_the_pre_commit_check_hook_passes_file_names():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    check = hooks["outlookgen-check"]
    assert check["pass_filenames"] is True
    assert "--touched" in check["entry"].split()


# --------------------------------------------------------------------------- reports


@needs_git
def test_a_report_has_one_record_per_spec(repo, cli):
    code, _, err = cli("build", "--report", repo / "r.json", "-q", cwd=repo)
    assert code == 0, err
    report = report_of(repo / "r.json")
    assert report["project_specs"] == 9 and report["shard"] is None
    record = next(r for r in report["specs"] if r["spec"] == "projects/erp/plan.yaml")
    assert record["state"] == "built" and record["seconds"] > 0
    assert len(record["inputs"]) == 64 and record["dependencies"] == ["shared/extra.yaml"]
    [output] = record["outputs"]
    assert output["path"] == "out/projects/erp/plan.md" and output["state"] == "written"
    assert output["digest"] == hashlib.sha256((repo / output["path"]).read_bytes()).hexdigest()
    assert {f["code"] for f in record["findings"]} >= {"OG401"}  # the lint findings, with the project's settings
    assert all(f["file"] == "projects/erp/plan.yaml" for f in record["findings"])
    assert record["facts"]["title"] == "Project 0" and record["tasks"] == 2
    # a second build skips every spec and still reports what it knows of each
    assert cli("build", "--report", repo / "r2.json", "-q", cwd=repo)[0] == 0
    again = next(r for r in report_of(repo / "r2.json")["specs"] if r["spec"] == "projects/erp/plan.yaml")
    assert again["state"] == "skipped" and again["inputs"] == record["inputs"]
    assert again["findings"] == record["findings"] and again["facts"] == record["facts"]


def test_a_failed_build_still_writes_its_report(tmp_path, cli):
    good = tmp_path / "good.yaml"
    shutil.copy(MINIMAL, good)
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.read_text(encoding="utf-8").replace("owner: PM\n", "owner: PMO\n", 1), encoding="utf-8")
    code, _, err = cli("build", good, bad, "-o", tmp_path / "out", "--report", tmp_path / "r.json", cwd=tmp_path)
    assert code == 1
    assert "unknown role 'PMO'" in err
    records = {r["spec"]: r for r in report_of(tmp_path / "r.json")["specs"]}
    assert records["bad.yaml"]["state"] == "failed"
    assert "unknown role 'PMO'" in records["bad.yaml"]["problems"][0]["message"]
    assert records["good.yaml"]["state"] == "built"
    assert not (tmp_path / "out").exists()  # all or nothing, as ever


# --------------------------------------------------------------------------- same file name, different folders


def test_two_specs_of_one_name_need_the_tree_layout(tmp_path, cli):
    for folder in ("erp", "crm"):
        (tmp_path / "specs" / folder).mkdir(parents=True)
        shutil.copy(MINIMAL, tmp_path / "specs" / folder / "plan.yaml")
    (tmp_path / "outlookgen.yaml").write_text("output: out\nformats: [md]\n", encoding="utf-8")
    code, _, err = cli("build", cwd=tmp_path)
    assert code == 1
    assert "set outputs: {layout: tree} in outlookgen.yaml (or build with --layout tree)" in err
    assert not (tmp_path / "out").exists()
    code, _, err = cli("build", "--layout", "tree", "-q", cwd=tmp_path)
    assert code == 0, err
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md")) == [
        "specs/crm/plan.md",
        "specs/erp/plan.md",
    ]
    (tmp_path / "outlookgen.yaml").write_text(
        "output: out2\nformats: [md]\noutputs: {layout: tree}\n", encoding="utf-8"
    )
    code, _, err = cli("build", "-q", cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / "out2" / "specs" / "erp" / "plan.md").is_file()


def test_the_tree_layout_refuses_a_spec_outside_the_project(tmp_path, cli):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(MINIMAL, tmp_path / "outside.yaml")
    code, _, err = cli("build", tmp_path / "outside.yaml", "-o", "out", "--layout", "tree", cwd=project)
    assert code == 1
    assert "outside.yaml:1:1: error: $: is outside" in err


def test_a_layout_typo_in_the_config_is_located(tmp_path, cli):
    shutil.copy(MINIMAL, tmp_path / "plan.yaml")
    (tmp_path / "outlookgen.yaml").write_text("outputs: {layout: nested}\n", encoding="utf-8")
    code, _, err = cli("build", cwd=tmp_path)
    assert code == 1
    assert err.endswith("outlookgen.yaml:1:19: error: outputs.layout: 'nested' is not one of flat, tree\n")


@needs_git
def test_shards_of_an_affected_since_build_merge(repo, cli):
    # Found by this test: merge compared the shards' specs with the whole project's
    # and refused every --affected-since matrix.
    git(repo, "checkout", "-q", "-b", "change")
    (repo / "shared" / "extra.yaml").write_text("x-shared: 2\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "edit the fragment")
    reports = []
    for k in (1, 2):
        report = repo / f"affected-{k}.json"
        code, _, err = cli("build", "--shard", f"{k}/2", "--affected-since", "main", "--report", report, cwd=repo)
        assert code == 0, err
        reports.append(report)
    code, _, err = cli("merge", *reports, "-o", repo / "merged.json", cwd=repo)
    assert code == 0, err
    assert {r["spec"] for r in report_of(repo / "merged.json")["specs"]} == {
        "projects/erp/plan.yaml",
        "projects/mes/outlook.yaml",
        "projects/wms/plan-b.yaml",
    }


# --------------------------------------------------------------------------- the documented CI workflow


def _documented_workflow(name: str) -> dict:
    text = (ROOT / "docs" / "docs-as-code.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    [block] = [b for b in blocks if b.startswith(f"# .github/workflows/{name}\n")]
    return yaml.safe_load(block)


def _outlookgen_lines(job: dict, **values: str) -> list[list[str]]:
    """The job's ``outlookgen ...`` command lines, with ``${{ matrix.x }}`` and $VARIABLES filled in."""
    lines = []
    for step in job["steps"]:
        for line in str(step.get("run", "")).splitlines():
            if not line.startswith("outlookgen "):
                continue
            line = re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", lambda m: values[m.group(1)], line)
            line = re.sub(r"\$(\w+)", lambda m: values[m.group(1)], line)
            lines.append(shlex.split(line)[1:])
    return lines


@needs_git
def test_the_documented_github_actions_matrix_builds_merges_and_publishes(repo, tmp_path, cli, monkeypatch):
    workflow = _documented_workflow("outlooks-matrix.yml")
    build_job, publish_job = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    shards = build_job["strategy"]["matrix"]["shard"]
    assert shards == [1, 2, 3, 4] and publish_job["needs"] == "build"
    [cache_step] = [s for s in build_job["steps"] if str(s.get("uses", "")).startswith("actions/cache@")]
    assert cache_step["with"]["path"] == workflow["env"]["OUTLOOKGEN_CACHE_DIR"]
    (repo / "outlookgen.yaml").write_text(
        'specs: ["projects/**/*.yaml"]\noutput: build/outlooks\nformats: [md, html]\noutputs: {layout: tree}\n',
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-am", "the documented layout")
    [restore] = [s for s in build_job["steps"] if str(s.get("uses", "")).startswith("actions/cache/restore@")]
    [save] = [s for s in publish_job["steps"] if str(s.get("uses", "")).startswith("actions/cache/save@")]
    timings = restore["with"]["path"]
    assert save["with"]["path"] == timings  # the publish job keeps the merged report for the next run

    def run(number: int, restored: Path | None) -> Path:
        """One run of the workflow: four fresh runners, then the publish job; its folder."""
        artifacts = tmp_path / f"artifacts-{number}"  # what upload-artifact keeps of every job, merged
        for shard in shards:
            runner = tmp_path / f"run{number}-runner-{shard}"  # a fresh runner: its own checkout and cache
            shutil.copytree(repo, runner)
            if restored is not None:
                shutil.copy(restored, runner / timings)  # what actions/cache/restore brings back
            monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(tmp_path / f"cache-{shard}"))
            for args in _outlookgen_lines(build_job, shard=str(shard)):
                code, _, err = cli(*args, cwd=runner)
                assert code == 0, (args, err)
                assert ("warning: $: no such report yet" in err) == (restored is None)
            shutil.copytree(runner / "build", artifacts / "build", dirs_exist_ok=True)
            shutil.copy(runner / f"build-{shard}.json", artifacts)
        publish = tmp_path / f"run{number}-publish"
        shutil.copytree(repo, publish)
        shutil.copytree(artifacts, publish, dirs_exist_ok=True)
        monkeypatch.setenv("OUTLOOKGEN_CACHE_DIR", str(tmp_path / f"publish-cache-{number}"))  # nothing cached
        summary = tmp_path / f"step-summary-{number}.md"
        for args in _outlookgen_lines(publish_job, GITHUB_STEP_SUMMARY=str(summary)):
            args = [a for arg in args for a in (sorted(glob.glob(arg, root_dir=publish)) if "*" in arg else [arg])]
            code, _, err = cli(*args, cwd=publish)
            assert code == 0, (args, err)
        assert "| 9 | 9 | 0 | 0 | 0 |" in summary.read_text(encoding="utf-8")
        return publish

    publish = run(1, None)  # the first run: no timings yet
    site = publish / "build" / "outlooks"
    every = {str(p.relative_to(repo).with_suffix("")) for p in (repo / "projects").rglob("*.yaml")}
    assert {str(p.relative_to(site).with_suffix("")) for p in site.rglob("*.html")} == every | {"portfolio"}
    page = (site / "portfolio.html").read_text(encoding="utf-8")
    assert all(f"Project {i}" in page for i in range(9))  # every shard's projects, from the merged report
    # the next run deals by what the first measured, every job alike, and still merges
    second = run(2, publish / timings)
    digests = {report_of(second / f"build-{k}.json")["split_timings"] for k in shards}
    assert digests == {read_timings(publish / timings).digest}
    assert read_timings(publish / timings).milliseconds.keys() == {f"{name}.yaml" for name in every}


@needs_git
def test_merge_reads_a_hand_edited_split_without_a_traceback(repo, cli):
    for k in (1, 2):
        assert cli("build", "--shard", f"{k}/2", "--report", repo / f"r{k}.json", "-q", cwd=repo)[0] == 0
    edited = report_of(repo / "r2.json")
    edited["split_by"], edited["split_timings"] = ["time"], {"digest": 1}  # not what build writes
    (repo / "r2.json").write_text(json.dumps(edited), encoding="utf-8")
    code, _, err = cli("merge", repo / "r1.json", repo / "r2.json", cwd=repo)
    assert code == 1
    assert "r1.json:1:1: error: split_by: was dealt by name, but" in err
    assert "Traceback" not in err
