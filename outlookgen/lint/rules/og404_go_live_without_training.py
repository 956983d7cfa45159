"""OG404: users are trained before each go-live."""

from __future__ import annotations

from outlookgen.lint.facts import TRAINING_WORDS, mentions
from outlookgen.lint.registry import rule


@rule("OG404", "go-live-without-training", "warning")
def check(ctx):
    """What it checks:
    A go-live milestone — its name says go-live, cutover, launch, 上线, 切换,
    投产 — with no training task (its name says train, coaching, onboarding,
    培训, 辅导) that ends at or before the milestone. Cancelled tasks do not
    count.

    Why it matters:
    Pitfall 2: users who meet the system for the first time on go-live day
    fall back to their spreadsheets. The article's timeline puts "user
    training and go-live preparation" right before the go-live.

    Example:
    ```yaml
        milestones:
          - {id: M1, name: Pilot go-live, at: 8}
        # no task named "... training" ends by week 8
    ```

    Instead:
    ```yaml
        tasks:
          - {id: T5, name: Key-user training, owner: HR, start: 7, duration: 1}
    ```
    """
    training = [task for task in ctx.tasks if mentions(task.name, TRAINING_WORDS)]
    for milestone in ctx.go_lives:
        if not any(task.finish <= milestone.time for task in training):
            yield ctx.hit(milestone, id=milestone.id, name=milestone.name)
