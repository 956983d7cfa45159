"""OG603: the schedule keeps a buffer."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG603", "no-buffer", "warning")
def check(ctx):
    """What it checks:
    A roadmap with no `buffer` (or `buffer: 0`): no contingency time after
    the last task.

    Why it matters:
    Pitfall 4 and the risk section both call for a buffer period (设置缓冲期).
    A plan that ends the day the last task ends turns every slip into a missed
    go-live.

    Example:
    ```yaml
    roadmap:
      start: 2026-03-02
      phases: [...]
    ```

    Instead:
    ```yaml
    roadmap:
      start: 2026-03-02
      buffer: 2          # weeks kept free after the last task
    ```
    """
    if ctx.outlook.roadmap.buffer <= 0:
        where = ("roadmap", "buffer") if "buffer" in ctx.data["roadmap"] else ("roadmap",)
        yield ctx.hit(where)
