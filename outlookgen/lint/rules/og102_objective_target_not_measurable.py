"""OG102: an objective's target has a number."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG102", "objective-target-not-measurable", "error")
def check(ctx):
    """What it checks:
    An objective whose `target` holds no number ("提高效率", "much faster").

    Why it matters:
    A target without a number cannot be met or missed: the objective is a
    wish, and the review loop has nothing to compare against. It is an error
    because the document promises a SMART objective it does not contain.

    Example:
    ```yaml
        target: faster order processing
    ```

    Instead:
    ```yaml
        baseline: 3 days
        target: "≤ 1 day"
    ```
    """
    for objective in ctx.outlook.objectives:
        if not objective.target.measurable:
            yield ctx.hit(ctx.path(objective, "target"), id=objective.id, target=objective.target.raw)
