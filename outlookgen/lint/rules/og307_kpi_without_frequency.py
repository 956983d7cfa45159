"""OG307: every KPI says how often it is measured."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG307", "kpi-without-frequency", "warning")
def check(ctx):
    """What it checks:
    A KPI without a `frequency` (weekly, monthly, quarterly).

    Why it matters:
    A target is only useful when someone measures against it on a rhythm that
    matches the review cadence; "we will measure it" without a rhythm means it
    is measured when someone remembers.

    Example:
    ```yaml
      - id: K-satisfaction
        name: User satisfaction
        target: "≥ 85%"
    ```

    Instead:
    ```yaml
        frequency: monthly
    ```
    """
    for kpi in ctx.outlook.evaluation.kpis:
        if kpi.frequency is None:
            yield ctx.hit(kpi, id=kpi.id)
