"""Lint rules written for speed find what their plain definitions find (word lists, role load)."""

from __future__ import annotations

import random
import re

import pytest

from outlookgen.lint import facts
from outlookgen.lint.facts import mentions

WORD_LISTS = [facts.GO_LIVE_WORDS, facts.TRAINING_WORDS, facts.MIGRATION_WORDS, facts.CLEANSING_WORDS]


def defined(text: str, words: tuple[str, ...]) -> bool:
    """The rule as written down: an English word where no letter or digit comes just before it, case ignored."""
    for word in words:
        english = word[0].isascii() and word[0].isalnum()
        pattern = (r"(?<![a-z0-9])" if english else "") + re.escape(word)
        if re.search(pattern, text, re.IGNORECASE):
            return True
    return False


# Characters that case-fold onto the words' letters (the Kelvin sign, the long s, the
# dotless i), line breaks, digits and letters just before a word, and Chinese text.
TRICKY = [
    "Train key users",
    "Constraint review",
    "retrain",
    "3train",
    "-train",
    "\ntrain",
    "x\ntrain",
    "TRAINING",
    "\u212aick-off",
    "go-\u017fhop",
    "Data cleanſing",
    "data clean\u0131ng",
    "Data load",
    "dataload",
    "Go-live",
    "pre-go-live check",
    "正式上线",
    "数据迁移",
    "历史数据导入",
    "",
    "cutover",
    "cut\nover",
]


@pytest.mark.parametrize("words", WORD_LISTS, ids=lambda words: words[0])
def test_mentions_matches_the_definition(words):
    rnd = random.Random(13)
    pieces = [*words, *(w.upper() for w in words), "a", "9", " ", "-", "\n", "\u212a", "\u017f", "\u0131", "—", "上"]
    texts = TRICKY + ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4))) for _ in range(3000)]
    found = [text for text in texts if mentions(text, words)]
    assert found == [text for text in texts if defined(text, words)]
    assert found  # the samples do hold matches (and, above, texts that must not match)


def overloads_defined(tasks, allocation):
    """OG701 as defined: walk the units, list the tasks running in each; the first overloaded stretch, its peak."""
    first = last = None
    peak: list = []
    for unit in range(min(t.first_unit for t in tasks), max(t.last_unit for t in tasks) + 1):
        running = [t for t in tasks if t.first_unit <= unit <= t.last_unit]
        over = len(running) * allocation > 100
        if over and first is None:
            first, peak = unit, running
        elif over and len(running) > len(peak):
            peak = running
        if first is not None and not over:
            break
        if over:
            last = unit
    return first, last, peak


def test_role_overallocated_finds_what_walking_every_unit_finds():
    from types import SimpleNamespace

    from outlookgen.lint.rules.og701_role_overallocated import check  # the Rule

    rnd = random.Random(701)
    cases = 0
    for case in range(400):
        allocation = rnd.choice([None, 20, 30, 50, 60, 100, 120, 33.5])
        role = SimpleNamespace(id="r", allocation=allocation)
        tasks = []
        for i in range(rnd.randint(2, 12)):
            first = rnd.randint(1, 15)
            last = first + rnd.choice([0, 0, 1, 2, 3, 5, 8])
            tasks.append(
                SimpleNamespace(
                    id=f"T{i}", first_unit=first, last_unit=last, is_point=rnd.random() < 0.1, status="planned"
                )
            )
        ctx = SimpleNamespace(
            outlook=SimpleNamespace(resources=SimpleNamespace(roles=[role]), tasks_for_role=lambda _id, t=tasks: t),
            path=lambda item, *keys: ("role", *keys),
            unit_span=lambda first, last: (first, last),
            hit=lambda where, **params: params,
        )
        hits = list(check.check(ctx))
        counted = [t for t in tasks if not t.is_point]
        share = 100 if allocation is None else allocation
        first, last, peak = overloads_defined(counted, share) if len(counted) >= 2 else (None, None, [])
        if first is None:
            assert hits == [], case
            continue
        cases += 1
        assert [(h["span"], h["count"], h["tasks"]) for h in hits] == [
            ((first, last), len(peak), ", ".join(t.id for t in peak))
        ], case
    assert cases > 100  # most random plans do overload their role
