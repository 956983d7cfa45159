"""OG701: no role is booked past 100% in any planning unit."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG701", "role-overallocated", "warning")
def check(ctx):
    """What it checks:
    A role whose load passes 100% in some week (or day): the number of its
    tasks running in that unit × its `allocation` (a role without an
    allocation counts as 100%). Only work still ahead counts: tasks that are
    `done` or `cancelled` are left out, and so are 0-duration tasks. One
    finding per role, for its first overloaded stretch.

    Why it matters:
    Resources are element 4 of an outlook. A key user at 50% who owns three
    parallel tasks is at 150%: the plan is late on the day it is approved, and
    the business work the key user also does suffers first.

    Example:
    ```yaml
      roles: [{id: mdm, title: Master-data specialist, allocation: 50}]
      tasks:
        - {id: T1, name: Cleanse BOMs, owner: mdm, start: 3, duration: 3}
        - {id: T2, name: Supplier master data, owner: mdm, start: 4, duration: 3}
        - {id: T3, name: Test data set, owner: mdm, start: 5, duration: 1}
    ```

    Instead: move one task with `after:`, give it to another role, or raise
    the allocation the business has agreed to.
    """
    for role in ctx.outlook.resources.roles:
        allocation = 100 if role.allocation is None else role.allocation
        if allocation <= 0:
            continue
        tasks = [
            t for t in ctx.outlook.tasks_for_role(role.id) if t.status not in ("done", "cancelled") and not t.is_point
        ]
        if len(tasks) < 2:
            continue
        first = last = None
        peak: list = []
        for unit in range(min(t.first_unit for t in tasks), max(t.last_unit for t in tasks) + 1):
            running = [t for t in tasks if t.first_unit <= unit <= t.last_unit]
            over = len(running) * allocation > 100
            if over and first is None:
                first, peak = unit, running
            elif over and len(running) > len(peak):
                peak = running
            if first is not None and not over:
                break
            if over:
                last = unit
        if first is None:
            continue
        where = ctx.path(role, "allocation") if role.allocation is not None else ctx.path(role)
        yield ctx.hit(
            where,
            id=role.id,
            load=_percent(len(peak) * allocation),
            span=ctx.unit_span(first, last),
            count=len(peak),
            allocation=_percent(allocation),
            tasks=", ".join(t.id for t in peak),
        )


def _percent(value: float) -> str:
    return f"{value:g}%"
