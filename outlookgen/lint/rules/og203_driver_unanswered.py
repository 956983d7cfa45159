"""OG203: every business driver is answered by an objective."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG203", "driver-unanswered", "warning")
def check(ctx):
    """What it checks:
    A business driver that no objective lists in its `drivers`.

    Why it matters:
    Pitfall 1: the drivers are why the client pays. A pain point the plan does
    not answer is a promise the document makes on page one and forgets by page
    three — the sponsor will notice.

    Example:
    ```yaml
    drivers:
      - id: D-stock
        pain_point: Inventory cost is too high
    objectives: []          # none lists D-stock
    ```

    Instead: add an objective with `drivers: [D-stock]`, or remove the driver
    if this phase does not address it (say so under `scope.excluded`).
    """
    for driver in ctx.outlook.drivers:
        if not ctx.outlook.objectives_for_driver(driver.id):
            yield ctx.hit(driver, id=driver.id)
