"""OG303: every risk has an owner."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG303", "risk-without-owner", "warning")
def check(ctx):
    """What it checks:
    A risk without an `owner` role.

    Why it matters:
    A risk register is only executable when someone watches each trigger and
    starts the contingency plan. An unowned risk is discovered when it has
    already happened.

    Example:
    ```yaml
      - id: R-interface
        title: Supplier portal interface is unstable
    ```

    Instead:
    ```yaml
      - id: R-interface
        title: Supplier portal interface is unstable
        owner: it
    ```
    """
    for risk in ctx.outlook.risks:
        if risk.owner is None:
            yield ctx.hit(risk, id=risk.id)
