"""OG602: phases follow pilot → rollout → deepen."""

from __future__ import annotations

from outlookgen.lint.registry import rule

_ORDER = {"pilot": 0, "rollout": 1, "deepen": 2}


@rule("OG602", "stages-out-of-order", "warning")
def check(ctx):
    """What it checks:
    A phase whose `stage` comes earlier in pilot → rollout → deepen than a
    phase before it (a pilot after the rollout, a rollout after deepening).
    Phases with `stage: other` or no stage are not ordered.

    Why it matters:
    Pitfall 4: each stage learns from the one before — the pilot's lessons
    shape the rollout, the rollout's data feeds the deepening. Out of order,
    the lessons arrive after they were needed.

    Example:
    ```yaml
      phases:
        - {id: p1, stage: rollout, ...}
        - {id: p2, stage: pilot, ...}
    ```

    Instead: put the phases in the order they happen, pilot first, and give
    each its real stage.
    """
    latest = None
    for phase in ctx.outlook.roadmap.phases:
        rank = _ORDER.get(phase.stage or "")
        if rank is None:
            continue
        if latest is not None and rank < _ORDER[latest.stage]:
            yield ctx.hit(
                ctx.path(phase, "stage"), id=phase.id, stage=phase.stage, before=latest.id, before_stage=latest.stage
            )
        elif latest is None or rank > _ORDER[latest.stage]:
            latest = phase
