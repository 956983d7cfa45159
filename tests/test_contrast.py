"""Brand colours against WCAG 2.1 text contrast: the maths, the pairs a pack's tokens make, and what a user sees."""

from __future__ import annotations

import colorsys

import pytest
from conftest import ROOT, SAMPLES

from outlookgen.packs import resolve_pack
from outlookgen.packs.brand import load_brand
from outlookgen.packs.check import contrast_findings
from outlookgen.packs.contrast import findings, nearest_passing, ratio, rgb, text_on

GOLD = "#c9a227"


@pytest.mark.parametrize(
    ("text", "background", "expected"),
    [
        # WCAG's own figures: #777 on white is the classic near miss, #767676 the lightest grey that passes.
        ("#777777", "#ffffff", 4.48),
        ("#767676", "#ffffff", 4.54),
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#fff", "#000", 21.0),
        ("#ff0000", "white", 4.0),  # pure red on white, 3.998:1
    ],
)
def test_contrast_ratio_matches_wcag_published_values(text, background, expected):
    assert ratio(text, background) == pytest.approx(expected, abs=0.005)
    assert ratio(background, text) == ratio(text, background)


def test_text_on_a_colour_is_white_when_white_passes_else_black():
    assert text_on("#1f3a5f") == "#ffffff"  # navy: white 11.5:1
    assert text_on("#1b8a7a") == "#000000"  # teal: white 4.2:1 fails, black 5.0:1 passes
    assert text_on("#b26a00") == "#000000"  # amber badge: white 4.2:1, black 5.0:1
    assert text_on(GOLD) == "#000000"


def test_nearest_passing_colour_keeps_the_hue_and_passes():
    fixed = nearest_passing(GOLD, ["#ffffff"])
    assert fixed is not None and ratio(fixed, "#ffffff") >= 4.5
    hue = colorsys.rgb_to_hls(*(c / 255 for c in rgb(GOLD)))[0]
    fixed_hue = colorsys.rgb_to_hls(*(c / 255 for c in rgb(fixed)))[0]
    assert abs(hue - fixed_hue) < 0.01
    # the nearest: #777 misses by a hair, so one lightness step (1 %) darker is the answer
    assert nearest_passing("#777777", ["#ffffff"]) == "#747474"
    assert nearest_passing("#123c32", ["#ffffff"]) == "#123c32"  # already passing: unchanged


@pytest.mark.parametrize("pack", ["default", "executive", str(SAMPLES / "packs" / "acme")])
def test_built_in_and_sample_packs_pass(pack):
    brand = load_brand(resolve_pack(pack))
    assert [f.message() for f in findings(brand.colors, brand.phases)] == []


def _gold_pack(tmp_path):
    folder = tmp_path / "goldco"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        "name: goldco\nextends: default\nbrand:\n  color:\n    primary: '#c9a227'\n", encoding="utf-8"
    )
    return folder


def test_templates_check_flags_a_gold_primary_with_ratio_place_and_fix(cli, tmp_path):
    pack = _gold_pack(tmp_path)
    code, out, err = cli("templates", "check", pack)
    assert code == 0 and out == f"{pack}: 1 warning(s)\n"  # a warning: the pack still builds
    lines = [line for line in err.splitlines() if "A11Y101" in line]
    assert len(lines) == 1, err
    [line] = lines
    fixed = nearest_passing(GOLD, ["#ffffff"])
    assert line.startswith(f"{pack / 'pack.yaml'}:5:1: warning: brand.color.primary: A11Y101")
    assert f"{GOLD} on #ffffff = 2.42:1 in headings" in line
    assert f"use {fixed}" in line
    # the header row's text is black on gold (white would fail), so only the heading colour is flagged
    assert "table header" not in line
    code, _, _ = cli("templates", "check", pack, "--strict")
    assert code == 1


def test_a_build_with_a_failing_pack_warns_once_and_strict_fails(cli, tmp_path):
    pack = _gold_pack(tmp_path)
    specs = sorted(SAMPLES.glob("*.yaml"))
    code, _, err = cli("build", *specs, "-f", "html", "-t", pack, "-o", tmp_path / "out", "-j", "1")
    assert code == 0, err
    assert err.count("A11Y101") == 1, err
    page = (tmp_path / "out" / "bi-platform.en.html").read_text(encoding="utf-8")
    assert "--og-on-primary: #000000;" in page  # the header row's text picked to pass on gold
    code, _, err = cli("build", *specs, "-f", "html", "-t", pack, "-o", tmp_path / "strict", "--strict")
    assert code == 1
    assert ": error: brand.color.primary: A11Y101" in err
    assert not (tmp_path / "strict").exists()


def test_markdown_only_builds_say_nothing_about_colours(cli, tmp_path):
    pack = _gold_pack(tmp_path)
    code, _, err = cli("build", SAMPLES / "bi-platform.en.yaml", "-f", "md", "-t", pack, "-o", tmp_path / "md")
    assert code == 0 and err == ""


def test_a_pack_may_set_the_text_colour_on_its_primary(tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "pack.yaml").write_text(
        "name: own\nextends: default\nbrand:\n  color:\n    primary: '#1f3a5f'\n    on_primary: '#9aa0a6'\n",
        encoding="utf-8",
    )
    [finding] = contrast_findings(resolve_pack(str(folder)))
    assert finding.path == "brand.color.primary" and "#9aa0a6 on #1f3a5f" in finding.message
    assert "or set brand.color.on_primary" in finding.message


def test_contrast_module_stays_light():
    # packs/contrast.py is imported by every HTML build and by templates check: the standard library only.
    source = (ROOT / "outlookgen" / "packs" / "contrast.py").read_text(encoding="utf-8")
    imports = {line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"__future__", "colorsys", "dataclasses"}
