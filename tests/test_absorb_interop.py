"""A real client's review, made by LibreOffice, read back by ``outlookgen absorb`` (both samples).

LibreOffice (headless, over UNO: tools/review_in_libreoffice.py) edits the
built .docx with record changes on the way a reviewer does: a whole objective
statement retyped, a few words of a risk's mitigation replaced, a scope row
deleted, a risk row added, two comments. ``absorb --write`` must then give
exactly the expected spec, which validates and rebuilds into a document that
shows the edits without track marks. An untouched file that LibreOffice only
opened and saved must change nothing.

LibreOffice runs three times in all (one review per sample, one re-save of
both), sequentially, in session fixtures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SAMPLES, require_tool

pytestmark = pytest.mark.interop

TOOL = ROOT / "tools" / "review_in_libreoffice.py"
TIMEOUT = 300


@dataclass(frozen=True)
class Review:
    """What the scripted reviewer does to one sample, and what the spec must hold afterwards."""

    sample: str
    objective_start: str  # --para: the objective's paragraph, retyped whole
    objective: str
    mitigation_edit: str  # --replace OLD=>NEW inside one mitigation item
    mitigation: tuple[int, int, str]  # (risk index, item index, its text after the review)
    deleted_row: str  # a cell text of the scope row deleted
    deleted_id: str
    after_risk: str  # the new risk row goes after the row holding this text
    new_risk_cells: str
    new_risk: dict = field(default_factory=dict)  # the fields the new list item must have
    comments: tuple[tuple[str, str, str, str], ...] = ()  # (anchor, author, text, expected path)


REVIEWS = (
    Review(
        sample="bi-platform.en.yaml",
        objective_start="Cut the time from month-end close",
        objective="Cut the time from month-end close to the published management pack "
        "from 6 working days to 2 by 31 December 2026.",
        mitigation_edit="Rehearse the load twice=>Rehearse the load three times",
        mitigation=(1, 1, "Rehearse the load three times in the test environment"),
        deleted_row="Self-service analytics and data catalogue",
        deleted_id="S-selfservice",
        after_risk="Executive sponsor changes role",
        new_risk_cells="R-vendor|Key vendor consultant leaves|Vendor|Medium|High|High|Project manager — Marcus Lee"
        "|Named consultant gives notice|Named backup consultant in the contract\nKnowledge transfer every sprint"
        "|Vendor supplies a replacement within 2 weeks",
        new_risk={
            "id": "R-vendor",
            "title": "Key vendor consultant leaves",
            "category": "vendor",
            "likelihood": "medium",
            "impact": "high",
            "owner": "pm",
            "trigger": "Named consultant gives notice",
            "mitigation": ["Named backup consultant in the contract", "Knowledge transfer every sprint"],
            "contingency": ["Vendor supplies a replacement within 2 weeks"],
        },
        comments=(
            ("Profile and cleanse sources", "Chen Li", "Who pays for the cleansing?", "/risks/1/mitigation/0"),
            (
                "Operations and supply-chain dashboards",
                "Helen Park",
                "Can we pull this into the pilot?",
                "/scope/included/2/name",
            ),
        ),
    ),
    Review(
        sample="erp-manufacturing.zh-CN.yaml",
        objective_start="上线三个月内，BOM错误率",
        objective="上线六个月内，BOM错误率下降至1%以内。",
        mitigation_edit="迁移前完成数据清洗=>迁移前完成两轮数据清洗",
        mitigation=(1, 0, "迁移前完成两轮数据清洗与物料编码标准化"),
        deleted_row="S-governance",  # its name is also a phase's, shown in an earlier table
        deleted_id="S-governance",
        after_risk="二期接口开发工作量超出预算",
        new_risk_cells="R-quality|上线初期物料主数据质量不达标|数据|中|高|高|项目经理 — 周敏|抽检错误率连续两周超过5%"
        "|上线前逐项核对物料主数据\n设立数据质量看板每日通报|暂停相关工单并人工复核",
        new_risk={
            "id": "R-quality",
            "title": "上线初期物料主数据质量不达标",
            "category": "data",
            "likelihood": "medium",
            "impact": "high",
            "owner": "pm",
            "trigger": "抽检错误率连续两周超过5%",
            "mitigation": ["上线前逐项核对物料主数据", "设立数据质量看板每日通报"],
            "contingency": ["暂停相关工单并人工复核"],
        },
        comments=(
            ("BOM与物料主数据迁移", "王芳", "迁移范围是否包含停用物料？", "/scope/included/1/name"),
            ("建立答疑群", "李强", "答疑群由谁值守？", "/risks/0/mitigation/1"),
        ),
    ),
)
IDS = [r.sample for r in REVIEWS]


def outlookgen(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command in a subprocess, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "outlookgen", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
    )


def uno_python() -> str:
    """A Python that imports LibreOffice's ``uno`` (Debian's python3-uno is built for the system Python)."""
    probe = "import sys; sys.path.append('/usr/lib/python3/dist-packages'); import uno"
    for candidate in (sys.executable, "/usr/bin/python3"):
        exists = shutil.which(candidate) or Path(candidate).exists()
        if exists and subprocess.run([candidate, "-c", probe], capture_output=True, timeout=60).returncode == 0:
            return candidate
    message = "Python-UNO (python3-uno) is not installed (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def build_docx(spec: Path, out: Path) -> Path:
    done = outlookgen("build", spec, "-f", "docx", "-o", out)
    assert done.returncode == 0, done.stderr
    return out / (spec.stem + ".docx")


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory) -> dict[str, tuple[Review, Path, Path, subprocess.CompletedProcess]]:
    """Each sample built, reviewed in LibreOffice and absorbed with --write: (review, spec, reviewed .docx, absorb)."""
    soffice = require_tool("soffice")
    python = uno_python()
    out = {}
    for review in REVIEWS:
        folder = tmp_path_factory.mktemp("review")
        spec = folder / review.sample
        shutil.copyfile(SAMPLES / review.sample, spec)  # never write the samples
        built = build_docx(spec, folder / "built")
        target = folder / "reviewed.docx"
        command = [
            python,
            str(TOOL),
            str(built),
            str(target),
            "--soffice",
            soffice,
            "--author",
            "Chen Li",
            "--para",
            f"{review.objective_start}=>{review.objective}",
            "--replace",
            review.mitigation_edit,
            "--author-for-rows",
            "Marcus Lee",
            "--delete-row",
            review.deleted_row,
            "--insert-row-after",
            review.after_risk,
            review.new_risk_cells,
        ]
        for anchor, author, text, _ in review.comments:
            command += ["--comment", anchor, author, text]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        absorbed = outlookgen("absorb", target.name, spec.name, "--write", cwd=folder)
        out[review.sample] = (review, spec, target, absorbed)
    return out


@pytest.fixture(scope="session")
def resaved(tmp_path_factory) -> dict[str, tuple[Path, Path, bytes]]:
    """Each sample built and only opened and saved by LibreOffice: (spec, re-saved .docx, the spec's bytes)."""
    soffice = require_tool("soffice")
    folder = tmp_path_factory.mktemp("resave")
    specs, built = {}, []
    for review in REVIEWS:
        spec = folder / review.sample
        shutil.copyfile(SAMPLES / review.sample, spec)
        specs[review.sample] = spec
        built.append(build_docx(spec, folder / "built"))
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "saved"),
            *map(str, built),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    return {name: (spec, folder / "saved" / (spec.stem + ".docx"), spec.read_bytes()) for name, spec in specs.items()}


def loaded(spec: Path) -> dict:
    return yaml.safe_load(spec.read_text(encoding="utf-8"))


@pytest.mark.parametrize("sample", IDS)
def test_absorb_applies_a_libreoffice_review_exactly(reviewed, sample):
    review, spec, _, absorbed = reviewed[sample]
    assert absorbed.returncode == 0, absorbed.stderr
    assert "Traceback" not in absorbed.stderr
    assert absorbed.stderr == ""  # every edit mapped: no warning, nothing listed as unmapped
    assert absorbed.stdout.startswith(f"--- a/{spec.name}\n+++ b/{spec.name}\n"), absorbed.stdout[:200]
    summary = absorbed.stdout.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(rf"updated {re.escape(spec.name)}: \d+ change\(s\), 2 comment\(s\)", summary), summary

    data = loaded(spec)
    original = yaml.safe_load((SAMPLES / sample).read_text(encoding="utf-8"))
    assert data["objectives"][0]["statement"] == review.objective
    risk, item, text = review.mitigation
    assert data["risks"][risk]["mitigation"][item] == text
    # nothing else in that risk moved
    assert data["risks"][risk]["mitigation"][:item] == original["risks"][risk]["mitigation"][:item]

    scope_ids = [s["id"] for s in data["scope"]["included"]]
    assert review.deleted_id not in scope_ids
    assert scope_ids == [s["id"] for s in original["scope"]["included"] if s["id"] != review.deleted_id]

    new = [r for r in data["risks"] if r["id"] == review.new_risk["id"]]
    assert len(new) == 1, [r["id"] for r in data["risks"]]
    assert {k: new[0].get(k) for k in review.new_risk} == review.new_risk
    assert data["risks"][-1]["id"] == review.new_risk["id"]  # after the row it was inserted below (the last)
    assert [r["id"] for r in data["risks"][:-1]] == [r["id"] for r in original["risks"]]

    got = [(c["path"], c["author"], c["text"], c["resolved"]) for c in data["review"]]
    assert sorted(got) == sorted((path, author, text, False) for _, author, text, path in review.comments)
    for _, author, text, path in review.comments:
        assert f"  {path}: {author} (" in absorbed.stdout and f"): {text}" in absorbed.stdout


@pytest.mark.parametrize("sample", IDS)
def test_the_absorbed_spec_validates_and_rebuilds_with_the_edits_untracked(reviewed, sample, tmp_path):
    review, spec, _, absorbed = reviewed[sample]
    assert absorbed.returncode == 0, absorbed.stderr
    checked = outlookgen("validate", spec)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    rebuilt = build_docx(spec, tmp_path)
    pandoc = require_tool("pandoc")
    text = subprocess.run(
        [pandoc, "-f", "docx", "-t", "plain", "--wrap=none", "--columns=100000", str(rebuilt)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    ).stdout
    old_mitigation = review.mitigation_edit.split("=>")[0]
    for expected in (review.objective, review.mitigation[2], review.new_risk["title"], *review.new_risk["mitigation"]):
        assert expected in text, expected
    assert review.deleted_id not in text
    assert old_mitigation not in text
    with zipfile.ZipFile(rebuilt) as z:
        document = z.read("word/document.xml").decode("utf-8")
    assert not re.search(r"<w:(ins|del|moveFrom|moveTo)\b", document)


@pytest.mark.parametrize("sample", IDS)
def test_a_file_libreoffice_only_opened_and_saved_changes_nothing(resaved, sample):
    spec, saved, before = resaved[sample]
    assert saved.read_bytes()[:2] == b"PK"
    done = outlookgen("absorb", saved, spec)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == ["no changes"], done.stdout
    assert spec.read_bytes() == before
    done = outlookgen("absorb", saved, spec, "--write")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["no changes"], done.stdout
    assert spec.read_bytes() == before  # --write with nothing to write leaves the file alone
