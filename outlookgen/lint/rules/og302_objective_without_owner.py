"""OG302: every objective has an owner."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG302", "objective-without-owner", "warning")
def check(ctx):
    """What it checks:
    An objective without an `owner` role.

    Why it matters:
    Someone must answer for the number at the monthly review. Objectives owned
    by "the project" are owned by no one, and a missed target becomes nobody's
    problem.

    Example:
    ```yaml
      - id: O-otd
        statement: On-time delivery from 82% to 95% by year end
    ```

    Instead:
    ```yaml
      - id: O-otd
        statement: On-time delivery from 82% to 95% by year end
        owner: biz-head
    ```
    """
    for objective in ctx.outlook.objectives:
        if objective.owner is None:
            yield ctx.hit(objective, id=objective.id)
