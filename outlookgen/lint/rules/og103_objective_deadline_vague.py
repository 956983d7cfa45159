"""OG103: an objective's deadline is a date or a time tied to the plan."""

from __future__ import annotations

from datetime import date

from outlookgen.lint.facts import GO_LIVE_WORDS, has_number, mentions
from outlookgen.lint.registry import rule


@rule("OG103", "objective-deadline-vague", "warning")
def check(ctx):
    """What it checks:
    An objective whose `deadline` is neither a date nor a time that can be
    placed on the plan: it has no number ("3 months after go-live") and names
    no go-live and no milestone ("ASAP", "尽快", "later this year").

    Why it matters:
    SMART objectives are *time-bound*. "As soon as possible" never arrives,
    so nobody is late and nobody acts.

    Example:
    ```yaml
        deadline: as soon as possible
    ```

    Instead:
    ```yaml
        deadline: 2026-09-30          # or: 3 months after pilot go-live
    ```
    """
    milestones = ctx.outlook.roadmap.milestones
    for objective in ctx.outlook.objectives:
        deadline = objective.deadline
        if deadline is None or isinstance(deadline, date):
            continue
        if has_number(deadline) or mentions(deadline, GO_LIVE_WORDS):
            continue
        lowered = deadline.lower()
        if any(m.id.lower() in lowered or m.name.lower() in lowered for m in milestones):
            continue
        yield ctx.hit(ctx.path(objective, "deadline"), id=objective.id, deadline=deadline)
