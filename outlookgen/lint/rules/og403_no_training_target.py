"""OG403: training has a measurable coverage target."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG403", "no-training-target", "warning")
def check(ctx):
    """What it checks:
    A `change_management` section without `training.coverage_target`, or with
    one that has no number. A spec without the section at all is reported by
    OG401 only.

    Why it matters:
    Pitfall 2: "培训覆盖率95%" is the article's own example of a quantified
    target. Without it, "users were trained" means whoever came to the session.

    Example:
    ```yaml
      training:
        plan: [Key-user training four weeks before go-live]
    ```

    Instead:
    ```yaml
      training:
        coverage_target: "≥ 95%"
        plan: [Key-user training four weeks before go-live]
    ```
    """
    change = ctx.outlook.change_management
    if change is None:
        return
    target = change.training_coverage_target
    if target is None:
        has_training = (
            isinstance(ctx.data.get("change_management"), dict) and "training" in ctx.data["change_management"]
        )
        yield ctx.hit(("change_management", "training") if has_training else ("change_management",))
    elif not target.measurable:
        yield ctx.hit(("change_management", "training", "coverage_target"), variant="unmeasurable", target=target.raw)
