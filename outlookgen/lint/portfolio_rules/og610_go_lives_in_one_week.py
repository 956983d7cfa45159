"""OG610: one organisation never has two go-lives in the same week."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG610", "go-lives-in-one-week", "warning", scope="portfolio")
def check(ctx):
    """What it checks:
    Two or more go-live milestones (a milestone whose name says go-live,
    cutover, launch, 上线, 切换 or 投产) of specs with the same
    `meta.organization` (spacing and case aside) that fall in the same ISO
    week. One finding per clash, at the later go-live, naming the others.
    Milestones need calendar dates, so plans need `roadmap.start`.

    Why it matters:
    A go-live takes the same people every time: key users, the service
    desk, IT operations, the sponsor's attention. Two cutovers in one week
    split them, and when one goes wrong it takes the other down with it.
    Business units also cannot absorb two changes to how they work at once.

    Example:
    ```yaml
      # erp.yaml
      meta: {organization: Acme Manufacturing}
      milestones: [{id: M2, name: ERP go-live, after: [T9]}]   # 2026-09-14
      # mes.yaml
      meta: {organization: Acme Manufacturing}
      milestones: [{id: G1, name: MES cutover, at: 30}]          # 2026-09-17
    ```

    Instead: move one go-live by at least a week (and its preparation with
    it), or merge the two into one planned cutover with one command centre.
    """
    from outlookgen.model.portfolio import go_live_clashes

    for clash in go_live_clashes(ctx.inputs):
        last = clash.milestones[-1]
        others = ", ".join(f"{ctx.title(m.project)}: {m.name} ({m.day.isoformat()})" for m in clash.milestones[:-1])
        yield ctx.hit(
            last.project,
            last.id,
            organization=clash.organization,
            week=clash.week.isoformat(),
            name=last.name,
            date=last.day.isoformat(),
            others=others,
            count=len(clash.milestones),
        )
