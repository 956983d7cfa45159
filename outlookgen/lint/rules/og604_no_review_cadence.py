"""OG604: the plan is reviewed on a cadence."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG604", "no-review-cadence", "warning")
def check(ctx):
    """What it checks:
    An `evaluation` without `review.cadence` (weekly, biweekly, monthly,
    quarterly).

    Why it matters:
    Pitfall 4 and step 4: an outlook is a dynamic tool that closes the loop
    with periodic review (每月召开复盘会议，形成PDCA循环). Without a cadence
    the plan is adjusted only when it has already failed.

    Example:
    ```yaml
    evaluation:
      kpis: [...]
    ```

    Instead:
    ```yaml
      review:
        cadence: monthly
        method: PDCA
        participants: [steerco, pm]
    ```
    """
    review = ctx.outlook.evaluation.review
    if review is None or review.cadence is None:
        has_review = isinstance(ctx.data["evaluation"].get("review"), dict)
        yield ctx.hit(("evaluation", "review") if has_review else ("evaluation",))
