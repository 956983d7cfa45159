"""OG703: every phase with work has money."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG703", "phase-without-budget", "warning")
def check(ctx):
    """What it checks:
    A phase with tasks (not cancelled) for which no budget item has
    `phase: <that phase>`. A spec without a budget is reported by OG702 only.

    Why it matters:
    Each phase is a decision point: the steering committee approves the next
    phase with its cost. A phase with work and no money is either paid from
    somewhere unnamed or not really planned.

    Example:
    ```yaml
      phases: [{id: p3, name: Deepen, tasks: [...]}]
      budget:
        items: [{name: Services, category: services, amount: 100000, phase: p1}]
    ```

    Instead:
    ```yaml
          - {name: Deepen services, category: services, amount: 40000, phase: p3}
    ```
    """
    budget = ctx.outlook.resources.budget
    if budget is None:
        return
    funded = {id(item.phase) for item in budget.items if item.phase is not None}
    for phase in ctx.outlook.roadmap.phases:
        has_work = any(task.status != "cancelled" for task in phase.tasks)
        if has_work and id(phase) not in funded:
            yield ctx.hit(phase, id=phase.id)
