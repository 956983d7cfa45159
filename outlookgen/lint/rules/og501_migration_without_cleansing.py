"""OG501: data is cleansed before it is migrated and goes live."""

from __future__ import annotations

from outlookgen.lint.facts import CLEANSING_WORDS, MIGRATION_WORDS, mentions
from outlookgen.lint.registry import rule


@rule("OG501", "migration-without-cleansing", "warning")
def check(ctx):
    """What it checks:
    Data migration that is planned — a task whose name says migration, 迁移,
    期初数据, historical data...; or, when no task does, a scope item that
    says so or a `data_governance.migration` list — with no data cleansing or
    master-data task (its name says cleansing, data quality, master data,
    profiling, 清洗, 主数据, 编码标准化...) ending before go-live.

    "Before go-live" is the first go-live milestone at or after the migration
    task ends (the migration task's own end when no go-live follows it); for
    migration known only from the scope, the first go-live milestone, or the
    end of the plan. Cancelled tasks do not count. Cleansing described only in
    `data_governance` text is not *scheduled*, so it does not count either.

    Why it matters:
    Pitfall 3, ignoring data governance (忽略数据治理基础): go-lives slip or
    fail because historical data is messy and fields do not match. Cleansing
    and master-data standardisation must be done before the data moves, and
    that work needs a slot and an owner in the plan.

    Example:
    ```yaml
        tasks:
          - {id: T4, name: Migrate historical BOMs, owner: IT, start: 6, duration: 1}
        milestones:
          - {id: M1, name: Go-live, after: [T4]}
    ```

    Instead:
    ```yaml
          - {id: T3, name: BOM data cleansing and material code standardisation, owner: MDM, start: 3, duration: 3}
          - {id: T4, name: Migrate historical BOMs, owner: IT, after: [T3], duration: 1}
    ```
    """
    cleansing = [task for task in ctx.tasks if mentions(task.name, CLEANSING_WORDS)]
    go_live_times = sorted(m.time for m in ctx.go_lives)

    def cleansed_by(limit: int) -> bool:
        return any(task.finish <= limit for task in cleansing)

    migrations = [task for task in ctx.tasks if mentions(task.name, MIGRATION_WORDS)]
    for task in migrations:
        limit = next((t for t in go_live_times if t >= task.finish), task.finish)
        if not cleansed_by(limit):
            yield ctx.hit(task, id=task.id, name=task.name)
    if migrations:
        return

    limit = go_live_times[0] if go_live_times else ctx.outlook.roadmap.end
    if cleansed_by(limit):
        return
    for item in ctx.outlook.scope_included:
        if mentions(item.name, MIGRATION_WORDS) or mentions(item.description, MIGRATION_WORDS):
            yield ctx.hit(item, variant="scope", id=item.id, name=item.name)
            return
    governance = ctx.outlook.data_governance
    if governance is not None and governance.migration:
        yield ctx.hit(("data_governance", "migration"), variant="governance")
