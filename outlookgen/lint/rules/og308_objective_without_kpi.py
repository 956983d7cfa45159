"""OG308: every objective is tracked by a KPI."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG308", "objective-without-kpi", "warning")
def check(ctx):
    """What it checks:
    An objective that no KPI lists in its `objectives`.

    Why it matters:
    Closing the loop (闭环反馈) means measuring each objective during the
    project, not only at the end. An objective no KPI tracks is checked once,
    too late to adjust.

    Example:
    ```yaml
    objectives:
      - id: O-trust
        ...
    evaluation:
      kpis:
        - id: K-availability
          objectives: [O-service]
    ```

    Instead:
    ```yaml
        - id: K-satisfaction
          name: User satisfaction
          target: "≥ 85%"
          frequency: monthly
          objectives: [O-trust]
    ```
    """
    for objective in ctx.outlook.objectives:
        if not ctx.outlook.kpis_for_objective(objective.id):
            yield ctx.hit(objective, id=objective.id)
