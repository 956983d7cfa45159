"""OG601: the roadmap starts with a pilot."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG601", "no-pilot", "warning")
def check(ctx):
    """What it checks:
    A roadmap in which no phase has `stage: pilot`.

    Why it matters:
    Pitfall 4, no flexibility (缺乏灵活性与迭代意识): the recommended road is
    试点 pilot → 推广 rollout → 深化 deepen. A pilot in one department proves
    feasibility where a mistake is cheap; a one-shot blueprint rollout
    discovers its mistakes everywhere at once.

    Example:
    ```yaml
      phases:
        - {id: p1, name: Company-wide rollout, stage: rollout, tasks: [...]}
    ```

    Instead:
    ```yaml
      phases:
        - {id: p1, name: "Pilot: assembly workshop 1", stage: pilot, tasks: [...]}
        - {id: p2, name: Company-wide rollout, stage: rollout, tasks: [...]}
    ```
    """
    phases = ctx.outlook.roadmap.phases
    if any(phase.stage == "pilot" for phase in phases):
        return
    first_rollout = next((phase for phase in phases if phase.stage == "rollout"), None)
    if first_rollout is not None:
        yield ctx.hit(first_rollout, variant="rollout", id=first_rollout.id)
    else:
        yield ctx.hit(("roadmap", "phases"))
