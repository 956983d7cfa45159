"""OG201: every task serves an objective."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG201", "task-without-objective", "warning")
def check(ctx):
    """What it checks:
    A task (not cancelled) with no `objectives`: no business objective says
    why it is done.

    Why it matters:
    Pitfall 1, technology without business (只讲技术不谈业务): "install the
    database, deploy the servers, configure permissions" — every technical
    action should map to a business value point, or it is cost without a
    reason and the first thing cut when time runs short.

    Example:
    ```yaml
        - id: T3
          name: Deploy application servers
          owner: IT
          duration: 1
    ```

    Instead:
    ```yaml
        - id: T3
          name: Deploy application servers
          owner: IT
          duration: 1
          objectives: [O-latency]
    ```
    """
    for task in ctx.tasks:
        if not task.objectives:
            yield ctx.hit(task, id=task.id)
