"""OG301: every task has an owner."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG301", "task-without-owner", "warning")
def check(ctx):
    """What it checks:
    A task (not cancelled) without an `owner`.

    Why it matters:
    The article's test of an executable plan: every step has a named person
    responsible and a time (每个步骤都有明确责任人与时限). A task that belongs
    to nobody is done by nobody.

    Example:
    ```yaml
        - id: T2
          name: Configure the BOM module
          duration: 4
    ```

    Instead:
    ```yaml
        - id: T2
          name: Configure the BOM module
          owner: vendor
          duration: 4
    ```
    """
    for task in ctx.tasks:
        if task.owner is None:
            yield ctx.hit(task, id=task.id)
