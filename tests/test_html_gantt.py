"""The SVG Gantt chart: drawn from the model, chunked for print, escaped, deterministic, legible at scale."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from outlookgen.model import build_outlook
from outlookgen.packs import resolve_pack
from outlookgen.packs.brand import load_brand
from outlookgen.render.html.svg_gantt import MAX_ROWS, ROW, gantt_svg
from outlookgen.render.wording import Wording
from outlookgen.spec.validate import load_valid

sys.path.insert(0, str(ROOT / "bench"))
import itertools

from genspec import generate

BI = ROOT / "samples" / "bi-platform.en.yaml"


def chart(spec: Path, locale: str = "en") -> str:
    outlook = build_outlook(load_valid(spec).data)
    labels = resolve_pack().labels(locale)
    return str(
        gantt_svg(outlook, Wording(labels, outlook.roadmap.unit), labels, load_brand(resolve_pack()), title="Plan")
    )


def generated(tmp_path: Path, tasks: int) -> Path:
    spec = tmp_path / f"gen{tasks}.yaml"
    spec.write_text(generate(tasks), encoding="utf-8")
    return spec


def test_a_bar_per_task_a_diamond_per_milestone_and_the_axis():
    svg = chart(BI)
    outlook = build_outlook(load_valid(BI).data)
    road = outlook.roadmap
    for task in road.tasks:
        assert f"<title>{task.id} " in svg
    for ms in road.milestones:
        assert f"<title>{ms.id} " in svg
    assert ">W1<" in svg and ">2 Feb<" in svg  # unit numbers and, with roadmap.start, dates
    assert svg.count('marker-end="url(#og-gantt-') == sum(len(t.after) for t in road.tasks)
    assert 'fill="url(#og-gantt-1-buffer)"' in svg  # the two-week buffer
    assert "#c62828" in svg  # the critical path colour
    assert "<script" not in svg


def test_progress_fill_follows_status_and_progress():
    svg = chart(BI)
    # t.retire: 4 weeks at 75% — a full-width track and a fill three quarters as wide
    block = svg[svg.index("<title>t.retire ") :]
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="12"', block)[:2]]
    assert widths[1] == pytest.approx(widths[0] * 0.75, abs=0.15)


def test_chunks_repeat_the_axis_and_keep_one_coordinate_system(tmp_path):
    svg = chart(generated(tmp_path, 200))
    boxes = [tuple(map(float, m.split())) for m in re.findall(r'viewBox="([^"]+)"', svg) if not m.startswith("0 0 22")]
    boxes = [b for b in boxes if b[2] > 100]  # the chunks, not the legend swatches
    assert len(boxes) >= 200 // MAX_ROWS
    for (_, y0, _, h0), (_, y1, _, _) in itertools.pairwise(boxes):
        header = 40
        assert y0 + h0 == pytest.approx(y1 + header)  # each window starts where the last one ended
        assert (h0 - header) / ROW <= MAX_ROWS
    assert svg.count(">Task<") == len(boxes)


def test_spec_text_is_escaped_in_the_svg(tmp_path):
    spec = tmp_path / "x.yaml"
    text = (ROOT / "tests/specs/valid/minimal.yaml").read_text(encoding="utf-8")
    assert "name: Requirements\n" in text
    spec.write_text(text.replace("name: Requirements\n", "name: '<b a=\"1\">&amp; {{ 7*7 }}'\n", 1), encoding="utf-8")
    svg = chart(spec)
    assert "<b " not in svg
    assert "&lt;b a=&quot;1&quot;&gt;&amp;amp; {{ 7*7 }}" in svg


def test_same_model_same_svg(tmp_path):
    spec = generated(tmp_path, 60)
    assert chart(spec) == chart(spec)


def test_two_hundred_tasks_stay_legible(tmp_path):
    svg = chart(generated(tmp_path, 200))
    widths = {float(w) for w in re.findall(r'<svg [^>]*class="gantt-chunk"[^>]*width="([\d.]+)"', svg)}
    assert len(widths) == 1  # every chunk has the same width: they stack into one chart
    unit = re.findall(r'<text x="([\d.]+)" y="[\d.-]+" font-size="9.5" text-anchor="middle"', svg)
    if len(unit) >= 2:  # one label per unit: units are wide enough to read
        assert float(unit[1]) - float(unit[0]) >= 10


def test_chinese_axis(tmp_path):
    svg = chart(ROOT / "samples" / "erp-manufacturing.zh-CN.yaml", "zh-CN")
    assert ">第1周<" in svg and ">3/2<" in svg


@pytest.mark.parametrize(
    ("name", "locale", "as_of"),
    [
        ("bi-platform.en", "en", None),
        ("bi-platform.en", "zh-CN", "2026-06-01"),
        ("erp-manufacturing.zh-CN", "zh-CN", None),
    ],
)
def test_tooltips_from_the_page_context_are_those_the_chart_words_itself(name, locale, as_of):
    """The page hands the chart its context's task words (worded once); the chart alone words them the same."""
    from datetime import date

    from outlookgen.render.context import Extras, prepare

    outlook = build_outlook(load_valid(ROOT / "samples" / f"{name}.yaml").data)
    extras = Extras(as_of=date.fromisoformat(as_of) if as_of else None)
    doc = prepare(outlook, resolve_pack(), locale, extras)
    tasks = doc.context["roadmap"]["tasks"]
    assert any(t["progress"] is not None for t in tasks) and any(t["dates_text"] for t in tasks)
    draw = lambda **worded: str(  # noqa: E731
        gantt_svg(
            outlook,
            Wording(doc.labels, outlook.roadmap.unit),
            doc.labels,
            load_brand(resolve_pack()),
            title="Plan",
            as_of=doc.as_of,
            **worded,
        )
    )
    assert draw(worded={t["id"]: t for t in tasks}) == draw()
