"""Targets: comparator, number, unit and direction from what authors write; judging actuals."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from outlookgen.model.targets import Target, parse_number, parse_target
from outlookgen.spec.scalars import ScalarFloat, ScalarInt

# (written, comparator, value, unit, direction) — direction without a baseline.
PARSED = [
    ("≤ 2%", "<=", 2.0, "%", "down"),
    ("<= 2%", "<=", 2.0, "%", "down"),
    (">= 99%", ">=", 99.0, "%", "up"),
    ("≥99%", ">=", 99.0, "%", "up"),
    ("< 2h", "<", 2.0, "h", "down"),
    ("4 days", None, 4.0, "days", None),
    (85, None, 85.0, None, None),
    ("95%", None, 95.0, "%", None),
    ("≤2小时", "<=", 2.0, "小时", "down"),
    ("2%以内", "<=", 2.0, "%", "down"),
    ("2%以下", "<=", 2.0, "%", "down"),
    ("不低于85%", ">=", 85.0, "%", "up"),
    ("至少 90%", ">=", 90.0, "%", "up"),
    ("不超过2小时", "<=", 2.0, "小时", "down"),
    ("1天", None, 1.0, "天", None),
    ("≈ 3", "=", 3.0, None, None),
    ("= 0", "=", 0.0, None, None),
    ("1,200", None, 1200.0, None, None),
    ("-5%", None, -5.0, "%", None),
    ("提高效率", None, None, None, None),
    # the other spellings the parser promises
    ("≦ 5", "<=", 5.0, None, "down"),
    ("≧ 5", ">=", 5.0, None, "up"),
    ("=< 4", "<=", 4.0, None, "down"),
    ("=> 4", ">=", 4.0, None, "up"),
    ("> 4", ">", 4.0, None, "up"),
    ("== 1", "=", 1.0, None, None),
    ("~3", "=", 3.0, None, None),
    ("不少于3次", ">=", 3.0, "次", "up"),
    ("90%以上", ">=", 90.0, "%", "up"),
    ("不高于5%", "<=", 5.0, "%", "down"),
    ("至多 2 天", "<=", 2.0, "天", "down"),
    ("低于1%", "<", 1.0, "%", "down"),
    ("少于 3 起", "<", 3.0, "起", "down"),
    ("高于80分", ">", 80.0, "分", "up"),
    ("超过 100 人", ">", 100.0, "人", "up"),
    ("多于5家", ">", 5.0, "家", "up"),
    ("at least 90%", ">=", 90.0, "%", "up"),
    ("2 days or less", "<=", 2.0, "days", "down"),
    ("1,200.5 units", None, 1200.5, "units", None),
]


@pytest.mark.parametrize(("written", "comparator", "value", "unit", "direction"), PARSED)
def test_parse_target(written, comparator, value, unit, direction) -> None:
    target = parse_target(written)
    assert target.raw == str(written)
    assert target.comparator == comparator
    assert target.value == value
    assert target.unit == unit
    assert target.direction == direction
    assert target.measurable is (value is not None)


def test_raw_keeps_the_source_spelling_of_a_number() -> None:
    target = parse_target(ScalarFloat(99.5, "99.50"))
    assert target.raw == "99.50"
    assert target.value == 99.5
    assert str(target) == "99.50"


def test_an_english_word_must_be_a_whole_word() -> None:
    # "admin" ends in "min" but is not the comparator "min".
    assert parse_target("admin 5").comparator is None
    assert parse_target("min 5").comparator == ">="


@pytest.mark.parametrize(
    ("written", "baseline", "direction"),
    [
        ("95%", "82%", "up"),
        ("1天", "3天", "down"),
        (2, ScalarInt(8, "8"), "down"),
        ("= 0", 3, "down"),
        ("95%", "95%", "up"),  # not above the target: up
        ("95%", "unknown", None),  # a baseline without a number does not decide
        ("提高效率", 3, None),  # neither does a target without one
        ("≤ 2%", "1%", "down"),  # the comparator wins over the baseline
        (">= 10", 50, "up"),
    ],
)
def test_direction_from_baseline(written, baseline, direction) -> None:
    assert parse_target(written, baseline).direction == direction


@pytest.mark.parametrize(
    ("target", "actual", "met"),
    [
        (parse_target("≤ 2%"), 2.0, True),
        (parse_target("≤ 2%"), 2.1, False),
        (parse_target("< 2h"), 1.9, True),
        (parse_target("< 2h"), 2.0, False),
        (parse_target(">= 99%"), 99.0, True),
        (parse_target(">= 99%"), 98.9, False),
        (parse_target("> 4"), 4.5, True),
        (parse_target("> 4"), 4.0, False),
        (parse_target("= 0"), 0.0, True),
        (parse_target("= 0"), 1e-12, True),
        (parse_target("= 0"), 0.001, False),
        (parse_target("≈ 3"), 3.0, True),
        # no comparator: the direction decides, as <= or >=
        (parse_target("1天", "3天"), 1.0, True),
        (parse_target("1天", "3天"), 1.5, False),
        (parse_target("95%", "82%"), 95.0, True),
        (parse_target("95%", "82%"), 90.0, False),
        # nothing to judge by
        (parse_target("95%"), 99.0, None),
        (parse_target("提高效率"), 1.0, None),
        (parse_target("≤ 2%"), None, None),
    ],
)
def test_met_by(target: Target, actual, met) -> None:
    assert target.met_by(actual) is met


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("97.5%", 97.5),
        (98, 98.0),
        (ScalarInt(98, "98"), 98.0),
        (0.5, 0.5),
        ("1.5h", 1.5),
        ("1,200", 1200.0),
        ("-3", -3.0),
        ("约 2 天", 2.0),
        ("n/a", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
    ],
)
def test_parse_number(value, number) -> None:
    assert parse_number(value) == number


def test_target_is_a_frozen_value() -> None:
    target = parse_target("≤ 2%")
    assert target == Target(raw="≤ 2%", comparator="<=", value=2.0, unit="%", direction="down")
    with pytest.raises(FrozenInstanceError):
        target.value = 3.0  # type: ignore[misc]
