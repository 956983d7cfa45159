"""OG204: every phase names the objectives it moves."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG204", "phase-without-objectives", "warning")
def check(ctx):
    """What it checks:
    A roadmap phase with no `objectives`.

    Why it matters:
    Pitfall 1 again, at phase level: a phase gate should ask "did this phase
    move the objectives it was for?". Without them the gate can only check that
    tasks were done. The hint lists the objectives the phase's tasks serve.

    Example:
    ```yaml
        - id: p2
          name: Rollout
          tasks: [...]
    ```

    Instead:
    ```yaml
        - id: p2
          name: Rollout
          objectives: [O-automation, O-latency]
    ```
    """
    for phase in ctx.outlook.roadmap.phases:
        if phase.objectives:
            continue
        served: dict[str, None] = {}
        for task in phase.tasks:
            if task.status != "cancelled":
                served.update((o.id, None) for o in task.objectives)
        ids = ", ".join(served) or "<objective ids>"
        yield ctx.hit(phase, id=phase.id, served=ids)
