"""The spec's ``review:`` section: the client's comments as absorb records them, checked, linted and counted."""

from __future__ import annotations

import pytest
from conftest import ROOT

from outlookgen.lint import lint_spec
from outlookgen.model import build_outlook
from outlookgen.spec.loader import load_text
from outlookgen.spec.validate import validate

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"

# The contract with `outlookgen absorb --write` (issue 20), as written there: an unquoted date-time included.
CONTRACT = """
review:
  - path: /risks/0/title      # JSON pointer of the commented spec text
    author: Chen Li
    date: 2026-12-04T09:31:58Z
    text: Who pays for the cleansing?
    resolved: false
    replies:
      - author: Dana Whitfield
        date: 2026-12-05T10:00:00Z
        text: The client, under the data line of the budget.
  - path: ""
    author: Ann
    date: '2026-12-04'
    text: Reads well overall.
  - path: /objectives/0/statement
    author: Ann
    text: Agreed.
    resolved: true
"""


def spec_text(review: str = CONTRACT) -> str:
    return MINIMAL.read_text(encoding="utf-8") + review


def problems(text: str) -> list[str]:
    return [p.format() for p in validate(load_text(text, "plan.yaml"))]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# --------------------------------------------------------------------------- schema and pointers


def test_the_contract_example_is_valid_and_reaches_the_model():
    text = spec_text()
    assert problems(text) == []
    outlook = build_outlook(load_text(text, "plan.yaml").data)
    first, whole, done = outlook.review
    assert (first.path, first.author, first.text, first.open) == (
        "/risks/0/title",
        "Chen Li",
        "Who pays for the cleansing?",
        True,
    )
    assert first.date.startswith("2026-12-04T09:31:58")  # YAML's timestamp, kept as text
    assert [(r.author, r.text) for r in first.replies] == [
        ("Dana Whitfield", "The client, under the data line of the budget.")
    ]
    assert (whole.path, whole.date, whole.open) == ("", "2026-12-04", True)
    assert done.open is False


def test_a_spec_without_review_has_no_comments():
    assert build_outlook(load_text(spec_text(""), "plan.yaml").data).review == ()


@pytest.mark.parametrize(
    ("entry", "needle", "expected"),
    [
        (
            "  - {path: /risks/0/title, text: No author}\n",
            "No author",
            "error: review[0]: missing required key 'author'",
        ),
        (
            "  - {author: Ann, text: Yes, resolved: 'no'}\n",
            "resolved",
            "error: review[0].resolved: ",
        ),
        (
            "  - {author: Ann, text: Hi, comment: typo}\n",
            "comment: typo",
            "error: review[0].comment: unknown key 'comment'",
        ),
        (
            "  - {author: Ann, text: Hi, path: risks/0}\n",
            "risks/0",
            "error: review[0].path: 'risks/0' is not a JSON pointer",
        ),
        (
            "  - {author: Ann, text: Hi, date: last week}\n",
            "last week",
            "error: review[0].date: 'last week' is not a date or date-time",
        ),
        (
            "  - {author: Ann, text: Hi, replies: [{author: Bo, text: Ok, mood: happy}]}\n",
            "mood",
            "error: review[0].replies[0].mood: unknown key 'mood'",
        ),
    ],
)
def test_a_bad_comment_is_a_located_error(entry, needle, expected):
    text = spec_text("review:\n" + entry)
    found = problems(text)
    line = line_of(text, needle)
    assert any(p.startswith(f"plan.yaml:{line}:") and expected in p for p in found), found


@pytest.mark.parametrize(
    "pointer",
    ["/risks/9/title", "/risks/0/titel", "/risks/00/title", "/risks/-", "/risks/0/title/x", "/"],
)
def test_a_path_that_is_not_in_the_spec_is_a_located_error(pointer):
    text = spec_text(f"review:\n  - author: Ann\n    text: Hi\n    path: '{pointer}'\n")
    line = line_of(text, "path: '")
    assert problems(text) == [
        f"plan.yaml:{line}:11: error: review[0].path: review comment points at {pointer}, which is not in the spec"
    ]


@pytest.mark.parametrize("pointer", ["", "/risks/0", "/roadmap/phases/0/tasks/1/after/0", "/meta/title"])
def test_paths_into_the_spec_are_accepted(pointer):
    assert problems(spec_text(f"review:\n  - author: Ann\n    text: Hi\n    path: '{pointer}'\n")) == []


def test_pointer_escapes_follow_rfc_6901():
    text = spec_text("x-a/b: {'~k': 1}\nreview:\n  - {author: Ann, text: Hi, path: /x-a~1b/~0k}\n")
    assert problems(text) == []
    assert problems(text.replace("/x-a~1b/~0k", "/x-a/b/~k")) != []


# --------------------------------------------------------------------------- lint


def test_lint_warns_once_per_open_comment_at_its_text(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    text = spec_text()
    spec.write_text(text, encoding="utf-8")
    code, out, _ = cli("lint", spec, "--select", "OG608", cwd=tmp_path)
    assert code == 0, "a warning stays below the default --fail-on error"
    assert out.splitlines() == [
        f"{spec}:{line_of(text, 'Who pays')}:11: warning: review[0].text: OG608 open review comment by Chen Li "
        'on /risks/0/title: "Who pays for the cleansing?"; hint: answer it in the spec (or reply), then set '
        "resolved: true on review[0]",
        f"{spec}:{line_of(text, 'Reads well')}:11: warning: review[1].text: OG608 open review comment by Ann on "
        'the whole document: "Reads well overall."; hint: answer it in the spec (or reply), then set '
        "resolved: true on review[1]",
    ]


@pytest.mark.parametrize("selector", ["OG608", "open-review-comment", "OG6"])
def test_the_rule_can_be_disabled_in_the_spec(tmp_path, cli, selector):
    spec = tmp_path / "plan.yaml"
    spec.write_text(spec_text() + f"x-lint:\n  disable: [{selector}]\n", encoding="utf-8")
    code, out, _ = cli("lint", spec, cwd=tmp_path)
    assert code == 0
    assert "OG608" not in out


def test_the_rule_can_be_ignored_for_one_run(tmp_path, cli):
    spec = tmp_path / "plan.yaml"
    spec.write_text(spec_text(), encoding="utf-8")
    assert "OG608" in cli("lint", spec, cwd=tmp_path)[1]
    assert "OG608" not in cli("lint", spec, "--ignore", "open-review-comment", cwd=tmp_path)[1]


def test_the_rule_is_silent_without_review_comments():
    spec = load_text(spec_text(""), "plan.yaml")
    assert [f for f in lint_spec(spec) if f.code == "OG608"] == []


# --------------------------------------------------------------------------- the status section


def _build(tmp_path, cli, text: str, locale: str) -> dict[str, str]:
    """The document's text in each format: Markdown and HTML as written, Word as python-docx reads it."""
    from docx import Document

    spec = tmp_path / "plan.yaml"
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / locale
    code, _, err = cli("build", spec, "-o", out, "-f", "md,html,docx", "--locale", locale, "-j", "1", cwd=tmp_path)
    assert code == 0, err
    word = Document(str(out / "plan.docx"))
    return {
        "md": (out / "plan.md").read_text(encoding="utf-8"),
        "html": (out / "plan.html").read_text(encoding="utf-8"),
        "docx": "\n".join(p.text for p in word.paragraphs),
    }


@pytest.mark.parametrize(
    ("locale", "heading", "count"),
    [
        ("en", "Status as of 2 March 2026", "2 open review comments"),
        ("zh-CN", "截至2026年3月2日的进展", "2条审阅意见尚未处理"),
    ],
)
def test_the_status_section_counts_open_comments_in_every_format(tmp_path, cli, locale, heading, count):
    docs = _build(tmp_path, cli, in_progress(spec_text()), locale)
    assert f"## {heading}\n\n{count}\n" in docs["md"]
    assert f'<h2 id="sec-status-title">{heading}</h2>\n  <p class="open-comments">{count}</p>' in docs["html"]
    assert f"{heading}\n{count}\n" in docs["docx"]


def test_one_open_comment_is_singular_and_resolved_ones_are_not_counted(tmp_path, cli):
    text = in_progress(spec_text()).replace("resolved: false", "resolved: true")
    docs = _build(tmp_path, cli, text, "en")
    assert "\n1 open review comment\n" in docs["md"]
    assert "1 open review comment" in docs["docx"] and "comments" not in docs["docx"]


def test_no_open_comment_no_status_line(tmp_path, cli):
    text = in_progress(spec_text()).replace("resolved: false", "resolved: true")
    text = text.replace("    text: Reads well overall.\n", "    text: Reads well overall.\n    resolved: true\n", 1)
    docs = _build(tmp_path, cli, text, "en")
    for name, document in docs.items():
        assert "open review comment" not in document, name
        assert "Status as of" in document, name  # the section is there, without the line


def test_a_draft_without_progress_gets_no_status_page_for_comments_alone(tmp_path, cli):
    # a page holding a heading and one line is not worth a client's page: lint OG608 lists them instead
    docs = _build(tmp_path, cli, spec_text(), "en")
    for name, document in docs.items():
        assert "Status as of" not in document, name
        assert "open review comment" not in document, name


def in_progress(text: str) -> str:
    """minimal.yaml with progress reported on its first task, so the status section is there."""
    assert "          duration: 2\n          objectives: [O1]\n" in text
    return text.replace(
        "          duration: 2\n          objectives: [O1]\n",
        "          duration: 2\n          objectives: [O1]\n          progress: 50\n",
        1,
    )
