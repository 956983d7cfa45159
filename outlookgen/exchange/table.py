"""The task sheet's columns and cell notation, shared by the workbook export and the xlsx/CSV import.

One row per task or milestone. Headers are written in the document's
language and read in either (English or Chinese, or the column's key), so a
PMO's edited workbook and a hand-made CSV import alike. Predecessors are
written ``T1, T2 SS+2d, T3 FF-1w`` (a task's id, then a link type and lag
where they are not plain finish-to-start).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "BASELINE_COLUMNS",
    "COLUMNS",
    "KINDS",
    "Column",
    "column_keys",
    "parse_links",
    "predecessor_text",
]


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    width: float
    aliases: tuple[str, ...] = ()

    def header(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en


COLUMNS = (
    Column("id", "ID", "编号", 12, ("uid", "task id", "wbs")),
    Column("phase", "Phase", "阶段", 22, ("summary", "阶段名称")),
    Column("name", "Name", "名称", 40, ("task", "task name", "任务", "任务名称")),
    Column("kind", "Type", "类型", 10, ("kind",)),
    Column("owner", "Owner", "负责人", 22, ("resource", "resources", "resource names", "资源", "资源名称")),
    Column("start", "Start", "开始", 12, ("start date", "开始时间", "开始日期")),
    Column("finish", "Finish", "完成", 12, ("finish date", "end", "完成时间", "完成日期", "结束")),
    Column("duration", "Duration (days)", "工期（工作日）", 11, ("duration", "days", "工期")),
    Column("predecessors", "Predecessors", "前置任务", 22, ("predecessor", "after", "dependencies", "前置")),
    Column("progress", "Progress (%)", "完成百分比", 11, ("progress", "% complete", "percent complete", "完成率")),
    Column("status", "Status", "状态", 13, ()),
    Column("actual_start", "Actual start", "实际开始", 12, ("actual start date", "实际开始时间")),
    Column("actual_finish", "Actual finish", "实际完成", 12, ("actual finish date", "实际完成时间")),
)
BASELINE_COLUMNS = (
    Column("baseline_start", "Baseline start", "基线开始", 12),
    Column("baseline_finish", "Baseline finish", "基线完成", 12),
    Column("slip", "Slip (days)", "偏差（天）", 10),
)
KINDS = {"task": ("task", "任务"), "milestone": ("milestone", "里程碑")}


def _normal(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().lower())


def column_keys(headers: Iterable[object]) -> dict[int, str]:
    """Column index → key, for the headers a sheet or CSV has (unknown columns are left out)."""
    names: dict[str, str] = {}
    for column in (*COLUMNS, *BASELINE_COLUMNS):
        for name in (column.key, column.en, column.zh, *column.aliases):
            names.setdefault(_normal(name), column.key)
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        if header is None:
            continue
        key = names.get(_normal(str(header)))
        if key is not None and key not in found.values():
            found[index] = key
    return found


_LINK = re.compile(
    r"^\s*(?P<id>[^\s,;，；、]+)(?:\s+(?P<type>FS|SS|FF|SF)"
    r"\s*(?:(?P<sign>[+-])\s*(?P<lag>\d{1,5})\s*(?P<unit>d|w|天|周|工作日)?)?)?\s*$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"[,;，；、\n]")


def parse_links(text: str) -> list[tuple[str, str, int, str]] | None:
    """``T1, T2 SS+2d`` → [(id, type, lag, unit)] with the lag signed and unit ``d`` or ``w``; None when unreadable."""
    out = []
    for part in _SPLIT.split(text or ""):
        if not part.strip():
            continue
        match = _LINK.match(part)
        if match is None:
            return None
        lag = int(match["lag"] or 0) * (-1 if match["sign"] == "-" else 1)
        unit = "w" if (match["unit"] or "d").lower() in ("w", "周") else "d"
        out.append((match["id"], (match["type"] or "FS").upper(), lag, unit))
    return out


def predecessor_text(links: Iterable[tuple[str, str, int, str]]) -> str:
    """The other way round: ``[(T2, SS, 2, d)]`` → ``T2 SS+2d``."""
    parts = []
    for ident, kind, lag, unit in links:
        text = ident
        if kind != "FS" or lag:
            text += f" {kind}"
        if lag:
            text += f"{lag:+d}{unit}"
        parts.append(text)
    return ", ".join(parts)


def status_names(labels_by_locale: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Status words in any language (``In progress``, ``进行中``) → the status key."""
    out: dict[str, str] = {}
    for names in labels_by_locale.values():
        for key, word in names.items():
            out[_normal(word)] = key
            out[_normal(key)] = key
    return out
