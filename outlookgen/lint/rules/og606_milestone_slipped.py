"""OG606: no milestone has slipped past its baseline by more than the tolerance."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG606", "milestone-slipped", "warning")
def check(ctx):
    """What it checks:
    With a baseline (`outlookgen baseline`, or `roadmap.baseline`), a
    milestone whose date is later than its baseline date by more than the
    tolerance: 5 calendar days, or `tolerance` in `roadmap.baseline`.

    Why it matters:
    A milestone is a promise to the business: a go-live, a gate, a sign-off.
    A slip that nobody decided on turns into a missed date a few weeks
    later; the plan's owners must either win the time back or agree the new
    date (闭环反馈: the review loop closes only when the slip is handled).

    Example:
    ```yaml
    roadmap:
      baseline: git:v1.0          # M2 was due 2026-05-29 in v1.0
      phases:
        - milestones:
            - {id: M2, name: Pilot go-live, after: [T4]}   # now 2026-06-12
    ```

    Instead:
    ```yaml
    # win the time back (shorter tasks, more people, an SS link), or agree
    # the new date with the steering committee and re-baseline:
    #   outlookgen baseline plan.yaml
    ```
    """
    road = ctx.outlook.roadmap
    if road.baseline is None:
        return
    tolerance = road.baseline.tolerance
    for milestone in road.milestones:
        if milestone.slip_days is not None and milestone.slip_days > tolerance:
            yield ctx.hit(
                milestone,
                id=milestone.id,
                days=milestone.slip_days,
                baseline=milestone.baseline_date.isoformat(),
                date=milestone.date.isoformat() if milestone.date else "",
                tolerance=tolerance,
            )
