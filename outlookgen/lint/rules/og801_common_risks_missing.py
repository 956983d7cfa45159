"""OG801: the risk register considers the common implementation risks."""

from __future__ import annotations

from outlookgen.lint.facts import mentions
from outlookgen.lint.registry import rule

# (category, words in the title or trigger) for each common risk.
COMMON_RISKS = {
    "resistance": (
        "people",
        ("resist", "reluctan", "adoption", "refus", "keep using", "抵触", "抗拒", "不愿", "接受度", "不适应", "不熟悉"),
    ),
    "migration": ("data", ("migrat", "data load", "data quality", "数据迁移", "迁移", "数据质量")),
    "interfaces": (
        "integration",
        ("interface", "integration", "api", "connector", "third-party", "接口", "第三方", "集成"),
    ),
}


def considered(risk, common: str) -> bool:
    category, words = COMMON_RISKS[common]
    return risk.category == category or mentions(risk.title, words) or mentions(risk.trigger, words)


@rule("OG801", "common-risks-missing", "info")
def check(ctx):
    """What it checks:
    A risk register in which none of the three common implementation risks
    appears: user resistance, data migration failure, unstable third-party
    interfaces. A risk counts for one when its `category` is `people`, `data`
    or `integration` respectively, or its title or trigger says so (resist,
    adoption, migration, interface, API, 抵触, 迁移, 接口...).

    Why it matters:
    常见的风险包括：用户抵触情绪、数据迁移失败、第三方接口不稳定. They are
    common because nearly every implementation meets them; a register without
    any of them was probably not written with the project in mind. Info only:
    a project may truly have none of them.

    Example:
    ```yaml
    risks:
      - {id: R1, title: Vendor consultant changes, category: vendor}
    ```

    Instead:
    ```yaml
      - {id: R2, title: Senior staff resist the new screens, category: people, owner: bom-kp}
    ```
    """
    risks = ctx.outlook.risks
    if not any(considered(risk, common) for risk in risks for common in COMMON_RISKS):
        yield ctx.hit(("risks",))
