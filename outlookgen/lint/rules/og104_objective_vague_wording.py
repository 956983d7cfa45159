"""OG104: an objective's statement says how much, not just "improve"."""

from __future__ import annotations

import re

from outlookgen.lint.facts import has_number
from outlookgen.lint.registry import rule

_VAGUE = re.compile(
    r"(?<![a-z])(?:improv\w*|enhanc\w*|optimi[sz]\w*|streamlin\w*|better|increas\w*|boost\w*|maximi[sz]\w*"
    r"|minimi[sz]\w*|reduc\w*|efficien\w*|faster|modern\w*|world-class|best-in-class|seamless\w*)"
    r"|提高|提升|优化|改善|改进|加强|增强|完善|降低|减少|效率|更好|高效|显著",
    re.IGNORECASE,
)


@rule("OG104", "objective-vague-wording", "warning")
def check(ctx):
    """What it checks:
    An objective statement that uses vague wording — 提高效率, 优化, 提升,
    改善, "improve efficiency", "streamline", "better", "optimise"... — and
    states no number.

    Why it matters:
    "避免使用‘提高效率’这类模糊表述": a statement without a quantity reads
    well in a slide and commits to nothing. The statement is what sponsors
    remember; it should carry the number the target holds.

    Example:
    ```yaml
        statement: 优化订单处理流程，提高效率
    ```

    Instead:
    ```yaml
        statement: 上线后3个月内，订单处理周期缩短20%
    ```
    """
    for objective in ctx.outlook.objectives:
        match = _VAGUE.search(objective.statement)
        if match and not has_number(objective.statement):
            yield ctx.hit(ctx.path(objective, "statement"), id=objective.id, word=match.group())
