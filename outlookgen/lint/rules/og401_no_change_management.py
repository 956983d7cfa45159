"""OG401: the outlook plans the people side of the change."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG401", "no-change-management", "warning")
def check(ctx):
    """What it checks:
    A spec with no `change_management` section.

    Why it matters:
    Pitfall 2, ignoring people (忽视人员变化管理): software implementation is an
    organisational change as much as a technical one. Without communication,
    champions, training and support, a system goes live and stays unused
    (系统上线即闲置).

    Example: a spec that goes from `risks:` straight to `evaluation:`.

    Instead:
    ```yaml
    change_management:
      communication: [Kick-off town hall by the sponsor on why the change]
      champions: [One champion per department]
      training: {coverage_target: "≥ 95%", plan: [Role-based sessions before go-live]}
      support: [Help channel answered within 30 minutes]
    ```
    """
    if ctx.outlook.change_management is None:
        yield ctx.hit(("change_management",))
