"""OG901: the outlook looks past go-live."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG901", "no-evolution", "info")
def check(ctx):
    """What it checks:
    A spec with no `evolution` section (step 5, long-term evolution).

    Why it matters:
    An outlook should not stop at go-live: it says how the system keeps
    serving the business afterwards — an AI-assisted decision layer, a mobile
    platform, the next integration — and what is set aside for it. Info only:
    a short-horizon plan may leave it out on purpose.

    Example: a spec that ends with `evaluation:`.

    Instead:
    ```yaml
    evolution:
      - horizon: 12 months after go-live
        initiative: Integrate the MES for real-time work-order feedback
        budget_reserve: "10%"
    ```
    """
    if not ctx.outlook.evolution:
        yield ctx.hit(("evolution",))
