"""A pack's reference.docx from a stranger: every hostile file refused, located, by check and build alike.

The corpus is generated from real bases by ``tests/hostile/reference-docx/cases.py``
(the built-in reference, and the same file shaped as Word saves it in a Chinese
locale). Each hostile case goes through ``outlookgen templates check PACK`` and
``outlookgen build … -t PACK -f docx``: exit 1, nothing but
``file:line:col: error: part: refused: …`` lines, one of them naming the part
and pointing at the offending element, no traceback, nothing written.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
from conftest import ROOT

_SPEC = importlib.util.spec_from_file_location("reference_docx_cases", ROOT / "tests/hostile/reference-docx/cases.py")
cases = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = cases  # dataclasses look their module up while the class is made
_SPEC.loader.exec_module(cases)

MINIMAL = ROOT / "tests" / "specs" / "valid" / "minimal.yaml"
HOSTILE = [c for c in cases.CASES if c.part is not None]
GOOD = [c for c in cases.CASES if c.part is None]
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): error: (?P<path>.*?): (?P<message>refused: .+)$")


def make_pack(tmp_path, data: bytes, file: str = "reference.docx"):
    pack = tmp_path / "evil"
    (pack / "docx").mkdir(parents=True)
    (pack / "pack.yaml").write_text("name: evil\nextends: default\n", encoding="utf-8")
    (pack / "docx" / file).write_bytes(data)
    return pack


def located(err: str, shown: str, case, data: bytes) -> list[tuple[str, str, str, str]]:
    """Every stderr line is a located refusal; one names the case's part and points at its element."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines, "no error line"
    matches = [LINE.match(line) for line in lines]
    assert all(matches), "a line that is not file:line:col: error: part: refused: …\n" + err
    assert all(m["file"] == shown for m in matches), err
    hits = [m for m in matches if m["path"] == case.part and case.message in m["message"]]
    assert hits, f"no line names {case.part!r} with {case.message!r}:\n{err}"
    if case.at:
        text = cases.read_parts(data)[case.part].decode("utf-8")
        rows = text.split("\n")
        pointed = [rows[int(m["line"]) - 1][int(m["col"]) - 1 :] for m in hits]
        assert any(p.startswith(case.at) for p in pointed), f"{case.at!r} not at {pointed!r}"
    return sorted((m["line"], m["col"], m["path"], m["message"]) for m in matches)


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_a_hostile_reference_is_refused_by_check_and_build(tmp_path, cli, case):
    data = case.make()
    pack = make_pack(tmp_path, data, case.file)

    # Both commands name the file as a path the user can open (packs.files.display_path): here,
    # outside the working folder, the absolute one.
    shown = str((pack / "docx" / case.file).resolve())
    code, _, err = cli("templates", "check", pack)
    assert code == 1, err
    by_check = located(err, shown, case, data)

    out = tmp_path / "out"
    code, _, err = cli("build", MINIMAL, "-t", pack, "-f", "docx", "-o", out, "-q")
    assert code == 1, err
    by_build = located(err, shown, case, data)
    assert not out.exists()

    assert by_check == by_build  # one function judges the file for both commands


def _no_dropped_parts(parts):
    for name in parts:
        if name == "docProps/custom.xml":  # outlookgen's own (render/docx/trace.py), never the firm's
            names = re.findall(r'name="([^"]*)"', parts[name].decode("utf-8"))
            assert names and all(n.startswith(("outlookgen.spec", "og_")) for n in names), names
            continue
        assert not name.startswith(("customXml/", "word/glossary/", "docProps/custom")), name
        assert name not in ("word/webSettings.xml",), name


def _chinese_styles(parts):
    styles = parts["word/styles.xml"].decode("utf-8")
    assert 'w:styleId="1"' in styles and 'w:val="heading 1"' in styles and 'w:styleId="a"' in styles
    assert '<w:pStyle w:val="1"/>' in parts["word/document.xml"].decode("utf-8")  # headings use the firm's own
    assert styles.count('w:val="heading 1"') == 1  # no second heading 1 beside the firm's


def _dotx(parts):
    _chinese_styles(parts)
    assert "Firm Marker Style" in parts["word/styles.xml"].decode("utf-8")
    _no_dropped_parts(parts)


def _hyperlinks(parts):
    rels = b"".join(v for k, v in parts.items() if k.endswith(".rels")).decode("utf-8")
    assert "https://example.com/policy" in rels


def _printer_settings(parts):
    assert not any("printerSettings" in name for name in parts)
    assert b"printerSettings" not in parts["word/document.xml"]


GOOD_CHECKS = {
    "good-chinese-word-template": lambda p: (_chinese_styles(p), _no_dropped_parts(p)),
    "good-dotx": _dotx,
    "good-dotx-saved-as-docx": _dotx,
    "good-https-and-mailto-hyperlinks": _hyperlinks,
    "good-printer-settings-left-out": _printer_settings,
}


@pytest.mark.parametrize("case", GOOD, ids=[c.name for c in GOOD])
def test_a_good_reference_is_accepted_and_builds(tmp_path, cli, case):
    pack = make_pack(tmp_path, case.make(), case.file)
    code, out, err = cli("templates", "check", pack)
    assert code == 0, err
    assert out.endswith("no problems found\n")
    code, _, err = cli("build", MINIMAL, "-t", pack, "-f", "docx", "-o", tmp_path / "out", "-q")
    assert code == 0, err
    parts = cases.read_parts((tmp_path / "out" / "minimal.docx").read_bytes())
    content_types = parts["[Content_Types].xml"].decode("utf-8")
    assert cases.CT_DOCUMENT in content_types and cases.CT_TEMPLATE not in content_types  # always a document
    GOOD_CHECKS.get(case.name, lambda p: None)(parts)


def test_a_pack_with_both_a_docx_and_a_dotx_is_refused(tmp_path, cli):
    pack = make_pack(tmp_path, cases.default_base())
    (pack / "docx" / "reference.dotx").write_bytes(cases.as_template(cases.chinese_base()))
    for args in (("templates", "check", pack), ("build", MINIMAL, "-t", pack, "-f", "docx", "-o", tmp_path / "o")):
        code, _, err = cli(*args)
        assert code == 1
        shown = (pack / "docx" / "reference.dotx").resolve()
        assert err == f"{shown}:1:1: error: $: refused: the pack has both docx/reference.docx " + (
            "and docx/reference.dotx; keep one\n"
        )
    assert not (tmp_path / "o").exists()


def test_a_part_with_thousands_of_bad_fields_gives_a_bounded_report(tmp_path, cli):
    many = "".join(cases.simple_field(' INCLUDETEXT "x" ') for _ in range(5000))
    pack = make_pack(tmp_path, cases.edit(cases.default_base(), {cases.D: cases.in_body(many)}))
    code, _, err = cli("templates", "check", pack)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 21
    assert lines[-1].endswith("word/document.xml: refused: and 4980 more problems from here on")


@pytest.mark.parametrize(
    ("instruction", "refused"),
    [
        (" PAGE ", False),
        ("", False),
        (' HYPERLINK \\l "_Toc1" ', False),
        (' HYPERLINK "mailto:a@example.com" ', False),
        ("=SUM(ABOVE)", False),
        (' HYPERLINK "\\\\\\\\evil\\\\x" ', True),
        (" IncludePicture x", True),
        ("\tDDEAUTO x", True),
        ("\\d INCLUDEPICTURE x", True),
        ('"INCLUDETEXT" x', True),
        ("ＩＮＣＬＵＤＥＴＥＸＴ x", True),  # fullwidth letters: not a field name Word knows, so not one we pass
        (" PAGEX ", True),
    ],
)
def test_field_instructions(instruction, refused):
    from outlookgen.packs.reference_docx import field_problem

    assert (field_problem(instruction) is not None) is refused
