"""OG202: every objective answers a business driver."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG202", "objective-without-driver", "warning")
def check(ctx):
    """What it checks:
    An objective with no `drivers`: it answers none of the business pains
    listed under `drivers`.

    Why it matters:
    Pitfall 1: an outlook starts from the business end state (以终为始). An
    objective that answers no pain is either a driver missing from the list or
    an objective nobody asked for.

    Example:
    ```yaml
    objectives:
      - id: O-uptime
        statement: 99.9% availability
    ```

    Instead:
    ```yaml
      - id: O-uptime
        statement: 99.9% availability
        drivers: [D-latency]
    ```
    """
    for objective in ctx.outlook.objectives:
        if not objective.drivers:
            yield ctx.hit(objective, id=objective.id)
