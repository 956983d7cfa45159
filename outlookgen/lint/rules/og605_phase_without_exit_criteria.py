"""OG605: every phase has a gate to the next."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG605", "phase-without-exit-criteria", "info")
def check(ctx):
    """What it checks:
    A phase with no `exit_criteria` — except the last phase, which has no next
    phase to gate.

    Why it matters:
    Pitfall 4: a pilot proves something only when it is clear beforehand what
    "proved" means. Exit criteria turn the phase gate into a decision instead
    of a date. Info only: small plans may gate on the milestones alone.

    Example:
    ```yaml
        - id: p1
          name: Pilot
          stage: pilot
    ```

    Instead:
    ```yaml
          exit_criteria:
            - BOM error rate below 3% for 4 consecutive weeks in the pilot workshop
    ```
    """
    for phase in ctx.outlook.roadmap.phases[:-1]:
        if not phase.exit_criteria:
            yield ctx.hit(phase, id=phase.id)
