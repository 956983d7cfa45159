"""OG702: the budget holds contingency or reserve."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG702", "no-budget-reserve", "warning")
def check(ctx):
    """What it checks:
    A spec with no `resources.budget`, or a budget with no item in category
    `contingency` or `reserve` (or only zero amounts there).

    Why it matters:
    Element 4 (resources) and the article's case study: estimates are wrong
    in one direction, and the follow-up integration needs money set aside
    (预留10%预算用于后续集成). A budget without reserve turns every surprise
    into a change request.

    Example:
    ```yaml
      budget:
        items:
          - {name: Licences, category: software, amount: 400000}
    ```

    Instead:
    ```yaml
          - {name: Contingency, category: contingency, amount: 40000, note: Released by the steering committee}
    ```
    """
    budget = ctx.outlook.resources.budget
    if budget is None:
        yield ctx.hit(("resources",), variant="none")
    elif budget.reserve_amount <= 0:
        yield ctx.hit(("resources", "budget"))
