"""OG304: every risk has a mitigation."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG304", "risk-without-mitigation", "warning")
def check(ctx):
    """What it checks:
    A risk with no `mitigation` (what is done now to make it less likely or
    less harmful).

    Why it matters:
    风险预判: identifying a risk is half the work; the plan must also say what
    is done in advance — rehearsals, a buffer, a rapid-response team.

    Example:
    ```yaml
      - id: R-migration
        title: Data migration fails
        contingency: [Roll back to the legacy system]
    ```

    Instead:
    ```yaml
        mitigation:
          - Cleanse and rehearse the load twice before go-live
    ```
    """
    for risk in ctx.outlook.risks:
        if not risk.mitigation:
            yield ctx.hit(risk, id=risk.id)
