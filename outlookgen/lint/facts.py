"""What a rule sees: the normalised outlook, where each item was written, and shared word lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from outlookgen.model import Milestone, Outlook, Task

__all__ = ["Hit", "LintContext", "has_number", "mentions"]

PathTuple = tuple  # tuple[str | int, ...]


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding: where (a spec path), which message variant, and the values it quotes."""

    path: PathTuple
    params: dict[str, Any] = field(default_factory=dict)
    variant: str = ""


# --------------------------------------------------------------------------- word lists
# English words match at a word start ("train" finds "training", not "constraint");
# Chinese words match anywhere. Lower-case only.

GO_LIVE_WORDS = (
    "go-live",
    "go live",
    "golive",
    "cutover",
    "cut-over",
    "cut over",
    "launch",
    "上线",
    "切换",
    "投产",
    "投用",
)
TRAINING_WORDS = ("train", "coaching", "onboarding", "enablement", "培训", "辅导", "训练")
MIGRATION_WORDS = (
    "migrat",
    "data load",
    "historical data",
    "data conversion",
    "legacy data",
    "迁移",
    "期初数据",
    "数据导入",
    "历史数据",
)
CLEANSING_WORDS = (
    "cleans",
    "clean-up",
    "cleanup",
    "clean up",
    "data quality",
    "master data",
    "master-data",
    "profiling",
    "deduplicat",
    "清洗",
    "清理",
    "主数据",
    "数据质量",
    "数据治理",
    "编码标准化",
    "数据标准",
)

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    "|hundred|thousand|half|double|twice|triple|quarter"
)
_NUMBER = re.compile(
    rf"\d|\b(?:{_NUMBER_WORDS})\b|[零一二两三四五六七八九十百千万半]+\s*(?:成|倍|个|天|日|周|星期|月|季度|年|小时|分钟|%|％)",
    re.IGNORECASE,
)


def has_number(text: str | None) -> bool:
    """The text states a quantity: a digit, an English number word, or a Chinese numeral with a unit."""
    return bool(text) and bool(_NUMBER.search(text))


def _word_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern for the words: an English word must not follow a letter or digit, a Chinese one may.

    The "word start" test, ``(?<![a-z0-9])word``, is written after the word's
    first character, ``w(?<![a-z0-9](?s:.))ord`` (the two characters before
    the cursor are not a letter or digit then that first character): it says
    the same, but each alternative now fails on its first character at most
    positions instead of first looking back, which halves a search (6,000
    task names at 2,000 tasks).
    """
    parts = []
    for word in words:
        if word[0].isascii() and word[0].isalnum():
            parts.append(re.escape(word[0]) + r"(?<![a-z0-9](?s:.))" + re.escape(word[1:]))
        else:
            parts.append(re.escape(word))
    return re.compile("|".join(parts), re.IGNORECASE)


_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def mentions(text: str | None, words: tuple[str, ...]) -> bool:
    """``text`` contains one of ``words`` (see the word lists above for the matching rule)."""
    if not text:
        return False
    pattern = _PATTERNS.get(words)
    if pattern is None:
        pattern = _PATTERNS[words] = _word_pattern(words)
    return bool(pattern.search(text))


# --------------------------------------------------------------------------- the context


class LintContext:
    """One spec as the rules see it; rules read ``outlook`` and report with :meth:`hit`.

    ``data`` is the validated plain data, used only to know where each item
    was written (paths); every judgement is made on the model.
    """

    def __init__(self, outlook: Outlook, data: dict) -> None:
        self.outlook = outlook
        self.data = data
        self._paths = _paths_by_id(data)

    # ----------------------------------------------------------------- locating

    def path(self, item: Any, *keys: str | int) -> PathTuple:
        """The spec path of an item with an id (a task, a risk...), optionally a key inside it."""
        return (*self._paths.get(item.id, ()), *keys)

    def hit(self, where: Any, variant: str = "", **params: Any) -> Hit:
        """A finding at ``where``: an item with an id, or a spec path (a tuple)."""
        path = where if isinstance(where, tuple) else self.path(where)
        return Hit(path=path, params=params, variant=variant)

    # ----------------------------------------------------------------- shared views

    @property
    def tasks(self) -> tuple[Task, ...]:
        """Tasks that count: cancelled tasks are left out by every rule."""
        return tuple(t for t in self.outlook.roadmap.tasks if t.status != "cancelled")

    @property
    def go_lives(self) -> tuple[Milestone, ...]:
        """Milestones whose name says they are a go-live (go-live, cutover, launch, 上线, 切换...)."""
        return tuple(m for m in self.outlook.roadmap.milestones if mentions(m.name, GO_LIVE_WORDS))

    def unit_span(self, first: int, last: int) -> str:
        """Planning units as people write them: W3–W5 / 第3-5周 (day plans: D3–D5 / 第3-5天)."""
        zh = self.lang == "zh-CN"
        day = self.outlook.roadmap.unit == "day"
        if zh:
            word = "天" if day else "周"
            return f"第{first}{word}" if first == last else f"第{first}-{last}{word}"
        letter = "D" if day else "W"
        return f"{letter}{first}" if first == last else f"{letter}{first}–{letter}{last}"

    lang: str = "en"  # set by the engine before the rules run; only wording depends on it


def _paths_by_id(data: dict) -> dict[str, PathTuple]:
    paths: dict[str, PathTuple] = {}

    def add(items: Any, *prefix: str | int) -> None:
        for i, item in enumerate(items or ()):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                paths.setdefault(item["id"], (*prefix, i))

    add(data.get("drivers"), "drivers")
    add(data.get("objectives"), "objectives")
    add((data.get("scope") or {}).get("included"), "scope", "included")
    phases = (data.get("roadmap") or {}).get("phases") or []
    add(phases, "roadmap", "phases")
    for p, phase in enumerate(phases):
        add(phase.get("tasks"), "roadmap", "phases", p, "tasks")
        add(phase.get("milestones"), "roadmap", "phases", p, "milestones")
    resources = data.get("resources") or {}
    add(resources.get("roles"), "resources", "roles")
    add(resources.get("bodies"), "resources", "bodies")
    add(data.get("risks"), "risks")
    add((data.get("evaluation") or {}).get("kpis"), "evaluation", "kpis")
    return paths
