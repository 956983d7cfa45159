"""OG710: nobody is booked past 100% by several projects together."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG710", "person-overbooked-across-projects", "warning", scope="portfolio")
def check(ctx):
    """What it checks:
    A person (a role's `name`, matched across specs by name, spacing and
    case aside) whose load summed over the projects passes 100% in some
    week. A role's load is OG701's: its `allocation` (100% when unset) for
    every one of its tasks running that week; tasks done, cancelled or
    taking no time book nobody. Weeks are ISO weeks on the calendar, so
    plans need `roadmap.start`. Only weeks that two or more projects book
    count (one project's own overbooking is OG701's). One finding per
    person, at their role in the first project booking them then.

    Why it matters:
    Each outlook looks feasible on its own: the architect is at 60% on the
    ERP rollout and at 50% on the BI platform. Together she is at 110% for
    six weeks, and both plans slip the same week. Only a portfolio view
    shows it.

    Example:
    ```yaml
      # erp.yaml
      roles: [{id: arch, title: Architect, name: Li Wei, allocation: 60}]
      # bi.yaml, same weeks
      roles: [{id: lead, title: BI lead, name: Li Wei, allocation: 50}]
    ```

    Instead: move one project's tasks with `after:` or a later `start`,
    lower an allocation both project managers agree to, or staff one of the
    roles with someone else.
    """
    from outlookgen.model.portfolio import overbooked_people

    for o in overbooked_people(ctx.inputs):
        first = o.contributions[0]
        parts = ", ".join(f"{ctx.title(c.project)} ({c.role} {c.load:g}%)" for c in o.contributions)
        yield ctx.hit(
            first.project,
            first.role,
            person=o.person,
            load=f"{o.load:g}%",
            week=o.peak_week.isoformat(),
            weeks=(o.last - o.first).days // 7 + 1,
            count=len({c.project for c in o.contributions}),
            parts=parts,
        )
