"""The portfolio's milestone timeline as a Mermaid ``gantt`` block for the Markdown document (GitHub, GitLab).

One section per project, each milestone on its day (go-lives in the
critical colour), the axis ticking by quarter, and the status day as a
milestone of its own. Spec text is written as Mermaid reads it: syntax
characters as entity codes, so the chart shows what the author wrote. A
chart larger than Mermaid's default text limit stops drawing on GitHub, so
past :data:`MAX_PROJECTS` projects the chart shows the first ones and says
so; the table beside it lists every milestone.
"""

from __future__ import annotations

import re
from typing import Any

from outlookgen.render.markup import parse_inline, plain_text

MAX_PROJECTS = 40
MAX_CHARS = 40_000  # below Mermaid's maxTextSize (50,000)

# What Mermaid's gantt grammar reads as syntax (':' ends a task's text, ';' and
# '#' its data, '%' starts a comment, '`' could end the fence, 'ﬂ' and '¶' are
# Mermaid's own entity markers), and words that would start a statement.
_SYNTAX = re.compile("[:;#%`\ufb02\u00b6]")
_KEYWORD_START = re.compile(
    r"(?:acc|call|click|href|gantt|date|axis|tick|includes|excludes|today|weekday|weekend|inclusive|top"
    r"|title|section|vert|\d{4}-)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def text(value: str, limit: int = 60) -> str:
    """``value`` as one line of a Mermaid statement: the visible text, syntax characters as entity codes."""
    clean = _SPACES.sub(" ", plain_text(parse_inline(value or ""))).strip()
    if len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    if not clean:
        return "-"
    clean = _SYNTAX.sub(lambda m: f"#{ord(m.group())};", clean)
    if _KEYWORD_START.match(clean):
        clean = f"#{ord(clean[0])};" + clean[1:]
    return clean


def timeline(context: dict[str, Any], labels: dict[str, Any]) -> tuple[str, int]:
    """(Mermaid source, projects left out) for the context's ``portfolio``; empty source without milestones."""
    p = context["portfolio"]
    rows = p["timeline"]["rows"]
    if not rows:
        return "", 0
    lines = [
        "gantt",
        f"    title {text(labels['portfolio']['sections']['timeline'])}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat Q%q %Y",
        "    tickInterval 3month",
        "    todayMarker off",
    ]
    shown = 0
    for r, row in enumerate(rows[:MAX_PROJECTS]):
        block = [f"    section {text(row['title'])}"]
        for cell in row["cells"]:
            for k, m in enumerate(cell["milestones"]):
                tags = ["milestone"] + (["crit"] if m["go_live"] else []) + (["done"] if m["past"] else [])
                ident = f"p{r}m{len(block)}_{k}"
                block.append(f"    {text(m['name'])} :{', '.join(tags)}, {ident}, {m['date']}, 0d")
        if sum(len(x) + 1 for x in lines + block) > MAX_CHARS:
            break
        lines += block
        shown += 1
    today = f"{labels['status_view']['today']} {p['as_of_text']}"
    lines.append(f"    section ▼ {text(today)}")
    lines.append(f"    ▼ {text(today)} :milestone, asof, {p['as_of']}, 0d")
    return "\n".join(lines) + "\n", len(rows) - shown
