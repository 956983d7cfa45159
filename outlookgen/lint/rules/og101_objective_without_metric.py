"""OG101: an objective names what is measured."""

from __future__ import annotations

from outlookgen.lint.registry import rule

_PLACEHOLDERS = {"", "-", "--", "?", "tbd", "tba", "todo", "n/a", "na", "none", "待定", "无", "暂无", "未定", "待补充"}


@rule("OG101", "objective-without-metric", "warning")
def check(ctx):
    """What it checks:
    An objective whose `metric` is a placeholder (TBD, TODO, n/a, 待定, 无...)
    instead of the measure that tells whether the objective is met.

    Why it matters:
    SMART starts with *measurable*. Without a metric nobody can say at the
    review whether the objective was reached, and every KPI drifts.

    Example:
    ```yaml
    objectives:
      - id: O1
        statement: Cut order processing time by 20%
        metric: TBD
    ```

    Instead:
    ```yaml
        metric: Average hours from order entry to order release
    ```
    """
    for objective in ctx.outlook.objectives:
        if objective.metric.strip().lower() in _PLACEHOLDERS:
            yield ctx.hit(ctx.path(objective, "metric"), id=objective.id)
