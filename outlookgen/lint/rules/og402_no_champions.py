"""OG402: the change has internal champions."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG402", "no-champions", "warning")
def check(ctx):
    """What it checks:
    A `change_management` section with no `champions` (internal ambassadors).
    A spec without the section at all is reported by OG401 only.

    Why it matters:
    Pitfall 2: colleagues trust colleagues. Respected users who learn early and
    help their teams (设立内部大使 Champion) carry adoption further than any
    e-mail from the project office.

    Example:
    ```yaml
    change_management:
      communication: [Monthly newsletter]
    ```

    Instead:
    ```yaml
      champions:
        - One champion per workshop, chosen among respected senior staff
    ```
    """
    change = ctx.outlook.change_management
    if change is not None and not change.champions:
        yield ctx.hit(("change_management",))
