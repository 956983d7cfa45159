"""OG305: every risk has a contingency plan."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG305", "risk-without-contingency", "warning")
def check(ctx):
    """What it checks:
    A risk with no `contingency` (应急预案: what is done when it happens).

    Why it matters:
    Mitigation lowers the odds; the contingency plan decides what the team
    does on the bad day. Deciding it in advance is what turns a crisis into a
    procedure.

    Example:
    ```yaml
      - id: R-resist
        title: Users keep using Excel
        mitigation: [Champions in every department]
    ```

    Instead:
    ```yaml
        contingency:
          - Side-by-side clinics for holdouts; escalate to the steering committee after 4 weeks
    ```
    """
    for risk in ctx.outlook.risks:
        if not risk.contingency:
            yield ctx.hit(risk, id=risk.id)
