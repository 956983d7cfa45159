"""OG306: a KPI's target has a number."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG306", "kpi-target-not-measurable", "error")
def check(ctx):
    """What it checks:
    A KPI whose `target` holds no number.

    Why it matters:
    A KPI exists to be compared with its target every period (绩效评估机制).
    Without a number the status column can only ever say "not measurable",
    so the review has nothing to act on.

    Example:
    ```yaml
      - id: K-availability
        name: System availability
        target: high
    ```

    Instead:
    ```yaml
        target: "≥ 99%"
    ```
    """
    for kpi in ctx.outlook.evaluation.kpis:
        if not kpi.target.measurable:
            yield ctx.hit(ctx.path(kpi, "target"), id=kpi.id, target=kpi.target.raw)
