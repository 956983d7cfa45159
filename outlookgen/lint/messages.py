"""The words of every finding, in English and Simplified Chinese, keyed by rule code.

Each rule has a ``title`` (the checklist line: what a good plan does), a
``message`` (what is wrong, with the reason in brackets) and a ``hint`` (how
to fix it). ``message.<variant>`` / ``hint.<variant>`` replace them for a
rule's special cases. Fields in braces are filled from the rule's hit.
"""

from __future__ import annotations

import re
from typing import Any

_FIELD = re.compile(r"\{(\w+)\}")

LANGUAGES = ("en", "zh-CN")

EN: dict[str, dict[str, str]] = {
    "OG101": {
        "title": "Every objective names its metric",
        "message": "objective '{id}' has no real metric (SMART: nobody can tell whether it is met)",
        "hint": "write what is measured, e.g. metric: Average hours from order entry to release",
    },
    "OG102": {
        "title": "Every objective target has a number",
        "message": "objective '{id}' has a target with no number: '{target}' (a target without a number cannot be met or missed)",
        "hint": 'state the number and its direction, e.g. target: "≤ 1 day" with baseline: 3 days',
    },
    "OG103": {
        "title": "Every objective deadline is a date or tied to the plan",
        "message": "objective '{id}' has a vague deadline: '{deadline}' (SMART objectives are time-bound)",
        "hint": "use a date (2026-09-30) or a time tied to a milestone (3 months after go-live)",
    },
    "OG104": {
        "title": "Objective statements say how much, not just 'improve'",
        "message": "objective '{id}' uses vague wording ('{word}') with no number (say how much, by when)",
        "hint": "put the number in the statement, e.g. 'Cut order processing time by 20% within 3 months of go-live'",
    },
    "OG201": {
        "title": "Every task serves an objective",
        "message": "task '{id}' serves no objective (every technical action should map to a business value point)",
        "hint": "add objectives: [<objective id>] to the task, or drop the task",
    },
    "OG202": {
        "title": "Every objective answers a business driver",
        "message": "objective '{id}' answers no business driver (start from the business end state)",
        "hint": "add drivers: [<driver id>] to the objective",
    },
    "OG203": {
        "title": "Every business driver is answered by an objective",
        "message": "driver '{id}' is answered by no objective (a pain point the plan forgets)",
        "hint": "add '{id}' to the drivers of an objective, or move the driver out of this outlook",
    },
    "OG204": {
        "title": "Every phase names the objectives it moves",
        "message": "phase '{id}' names no objectives (its gate can only check that tasks were done)",
        "hint": "add objectives: [{served}] to the phase",
    },
    "OG301": {
        "title": "Every task has an owner",
        "message": "task '{id}' has no owner (an executable plan names who does every step)",
        "hint": "add owner: <role id>",
    },
    "OG302": {
        "title": "Every objective has an owner",
        "message": "objective '{id}' has no owner (someone must answer for the number)",
        "hint": "add owner: <role id>",
    },
    "OG303": {
        "title": "Every risk has an owner",
        "message": "risk '{id}' has no owner (nobody watches its trigger)",
        "hint": "add owner: <role id>",
    },
    "OG304": {
        "title": "Every risk has a mitigation",
        "message": "risk '{id}' has no mitigation (what is done now to prevent it?)",
        "hint": "add mitigation: [<preventive action>]",
    },
    "OG305": {
        "title": "Every risk has a contingency plan",
        "message": "risk '{id}' has no contingency plan (what is done when it happens?)",
        "hint": "add contingency: [<what the team does when it happens>]",
    },
    "OG306": {
        "title": "Every KPI target has a number",
        "message": "KPI '{id}' has a target with no number: '{target}' (it can never be on or off track)",
        "hint": 'state the number, e.g. target: ">= 99%"',
    },
    "OG307": {
        "title": "Every KPI has a measuring frequency",
        "message": "KPI '{id}' has no frequency (measured only when someone remembers)",
        "hint": "add frequency: weekly, monthly or quarterly",
    },
    "OG308": {
        "title": "Every objective is tracked by a KPI",
        "message": "objective '{id}' is tracked by no KPI (it is checked once, too late to adjust)",
        "hint": "add '{id}' to the objectives of a KPI, or add a KPI for it",
    },
    "OG401": {
        "title": "The people side of the change is planned",
        "message": "no change_management section (a system nobody adopts goes live and stays unused)",
        "hint": "add change_management: with communication, champions, training and support",
    },
    "OG402": {
        "title": "The change has internal champions",
        "message": "change_management names no champions (colleagues trust colleagues)",
        "hint": "add champions: [<who, where, how many>]",
    },
    "OG403": {
        "title": "Training has a measurable coverage target",
        "message": "no training coverage target (without it 'trained' means whoever came)",
        "hint": 'add training: {coverage_target: "≥ 95%"} under change_management',
        "message.unmeasurable": "the training coverage target '{target}' has no number (it cannot be checked)",
        "hint.unmeasurable": 'state the number, e.g. coverage_target: "≥ 95%"',
    },
    "OG404": {
        "title": "Users are trained before each go-live",
        "message": "go-live '{id}' ({name}) has no training task ending before it (untrained users fall back to spreadsheets)",
        "hint": "schedule a training task that ends before the go-live (after: or start: it)",
    },
    "OG501": {
        "title": "Data is cleansed before it is migrated",
        "message": "data migration '{id}' has no cleansing or master-data task ending before go-live (messy data delays go-lives)",
        "hint": "schedule a data cleansing / master-data task that ends before the go-live, and make the migration wait for it",
        "message.scope": "data migration is in scope ('{name}') but no cleansing or master-data task ends before go-live (messy data delays go-lives)",
        "message.governance": "data_governance plans a migration but no cleansing or master-data task ends before go-live (messy data delays go-lives)",
    },
    "OG601": {
        "title": "The roadmap starts with a pilot",
        "message": "no pilot phase (prove the approach where mistakes are cheap: pilot → rollout → deepen)",
        "hint": "start with a phase with stage: pilot in one department or site",
        "message.rollout": "rollout phase '{id}' has no pilot before it (prove the approach where mistakes are cheap)",
    },
    "OG602": {
        "title": "Phases follow pilot → rollout → deepen",
        "message": "phase '{id}' ({stage}) comes after phase '{before}' ({before_stage}) (each stage should learn from the one before)",
        "hint": "reorder the phases: pilot, then rollout, then deepen",
    },
    "OG603": {
        "title": "The schedule keeps a buffer",
        "message": "the roadmap has no buffer (every slip becomes a missed go-live)",
        "hint": "add buffer: <units> to roadmap, e.g. buffer: 2",
    },
    "OG604": {
        "title": "The plan is reviewed on a cadence",
        "message": "no review cadence (the plan is adjusted only after it has failed)",
        "hint": "add review: {cadence: monthly, method: PDCA} under evaluation",
    },
    "OG605": {
        "title": "Every phase has exit criteria",
        "message": "phase '{id}' has no exit criteria (the gate to the next phase is a date, not a decision)",
        "hint": "add exit_criteria: [<what must be true to move on>]",
    },
    "OG606": {
        "title": "No milestone slipped past its baseline",
        "message": "milestone '{id}' is {days} days past its baseline ({baseline} → {date}); the tolerance is {tolerance} days",
        "hint": "win the time back (shorter tasks, more people, overlapping work), or agree the new date and "
        "re-baseline with outlookgen baseline",
    },
    "OG607": {
        "title": "The calendar knows the holidays of every year of the plan",
        "message": "the {preset} calendar ({source}) has no published holidays for {year}: dates in {year} use the "
        "holidays library's estimate, without 调休 make-up days",
        "hint": "list {year}'s holidays and workdays under roadmap.calendar once published, or upgrade the library",
        "message.weekdays": "the {preset} calendar ({source}) has no holidays for {year}: dates in {year} count "
        "working weekdays only",
        "hint.weekdays": "list {year}'s holidays under roadmap.calendar.holidays, or install the holidays library",
    },
    "OG608": {
        "title": "Every comment of the client's review is resolved",
        "message": 'open review comment by {author} on {path}: "{text}"',
        "message.document": 'open review comment by {author} on the whole document: "{text}"',
        "hint": "answer it in the spec (or reply), then set resolved: true on review[{index}]",
    },
    "OG610": {
        "title": "No organisation has two go-lives in one week",
        "message": "'{organization}' has {count} go-lives in the week of {week}: {name} ({date}) and {others} (one team cannot carry two cutovers at once)",
        "hint": "move one go-live by at least a week, or plan them as one cutover",
    },
    "OG701": {
        "title": "No role is booked past 100%",
        "message": "role '{id}' is booked {load} in {span} ({count} parallel tasks × {allocation}: {tasks})",
        "hint": "sequence the tasks with after:, give one to another role, or agree a higher allocation",
    },
    "OG702": {
        "title": "The budget holds contingency or reserve",
        "message": "the budget has no contingency or reserve line (every surprise becomes a change request)",
        "hint": "add a budget item with category: contingency (or reserve)",
        "message.none": "the plan has no budget, so nothing is held in contingency or reserve",
        "hint.none": "add resources.budget with its items, including a contingency line",
    },
    "OG703": {
        "title": "Every phase with work has a budget line",
        "message": "phase '{id}' has tasks but no budget line (who pays for it?)",
        "hint": "add a budget item with phase: {id}",
    },
    "OG710": {
        "title": "Nobody is booked past 100% across projects",
        "message": "'{person}' is booked {load} in the week of {week} by {count} projects: {parts} (each plan looks feasible alone)",
        "hint": "move one project's tasks with after: or a later start, lower an allocation, or staff one role with someone else",
    },
    "OG801": {
        "title": "The common implementation risks are considered",
        "message": "none of the common risks is in the register: user resistance, data migration failure, unstable third-party interfaces",
        "hint": "add the ones that apply, with category people, data or integration",
    },
    "OG901": {
        "title": "The outlook looks past go-live",
        "message": "no evolution section (what happens after go-live?)",
        "hint": "add evolution: [{horizon, initiative, value, budget_reserve}]",
    },
}

ZH_CN: dict[str, dict[str, str]] = {
    "OG101": {
        "title": "每个目标都写明衡量指标",
        "message": "目标“{id}”没有实际的衡量指标（SMART：无法判断是否达成）",
        "hint": "写明衡量什么，例如 metric: 订单从录入到下达的平均小时数",
    },
    "OG102": {
        "title": "每个目标值都有数字",
        "message": "目标“{id}”的目标值没有数字：“{target}”（没有数字的目标无所谓达成与否）",
        "hint": '写明数字和方向，例如 target: "≤ 1天"，并给出 baseline: 3天',
    },
    "OG103": {
        "title": "每个目标的期限是日期或与计划挂钩",
        "message": "目标“{id}”的期限含糊：“{deadline}”（SMART 目标必须有时限）",
        "hint": "使用日期（2026-09-30）或与里程碑挂钩的时间（上线后3个月）",
    },
    "OG104": {
        "title": "目标表述量化，而非“提高效率”",
        "message": "目标“{id}”使用了模糊表述（“{word}”）且没有数字（说清提升多少、何时达成）",
        "hint": "把数字写进表述，例如“上线后3个月内，订单处理周期缩短20%”",
    },
    "OG201": {
        "title": "每项任务都服务于某个目标",
        "message": "任务“{id}”不服务于任何目标（每项技术动作都要对应一个业务价值点）",
        "hint": "为任务添加 objectives: [<目标 id>]，或删除该任务",
    },
    "OG202": {
        "title": "每个目标都回应某项业务动因",
        "message": "目标“{id}”没有回应任何业务动因（以终为始，从业务出发）",
        "hint": "为目标添加 drivers: [<动因 id>]",
    },
    "OG203": {
        "title": "每项业务动因都有目标回应",
        "message": "业务动因“{id}”没有任何目标回应（计划遗忘了这个痛点）",
        "hint": "把“{id}”加入某个目标的 drivers，或将该动因移出本展望",
    },
    "OG204": {
        "title": "每个阶段都写明推进的目标",
        "message": "阶段“{id}”没有列出目标（阶段评审只能检查任务是否完成）",
        "hint": "为阶段添加 objectives: [{served}]",
    },
    "OG301": {
        "title": "每项任务都有责任人",
        "message": "任务“{id}”没有责任人（可执行的计划写明每一步由谁负责）",
        "hint": "添加 owner: <角色 id>",
    },
    "OG302": {
        "title": "每个目标都有责任人",
        "message": "目标“{id}”没有责任人（必须有人对这个数字负责）",
        "hint": "添加 owner: <角色 id>",
    },
    "OG303": {
        "title": "每项风险都有责任人",
        "message": "风险“{id}”没有责任人（没有人盯住触发条件）",
        "hint": "添加 owner: <角色 id>",
    },
    "OG304": {
        "title": "每项风险都有预防措施",
        "message": "风险“{id}”没有预防措施（现在做什么来避免它？）",
        "hint": "添加 mitigation: [<预防措施>]",
    },
    "OG305": {
        "title": "每项风险都有应急预案",
        "message": "风险“{id}”没有应急预案（发生时怎么办？）",
        "hint": "添加 contingency: [<发生时团队的应对>]",
    },
    "OG306": {
        "title": "每个KPI目标值都有数字",
        "message": "KPI“{id}”的目标值没有数字：“{target}”（永远无法判断是否达标）",
        "hint": '写明数字，例如 target: ">= 99%"',
    },
    "OG307": {
        "title": "每个KPI都有统计频率",
        "message": "KPI“{id}”没有统计频率（只有想起来时才会统计）",
        "hint": "添加 frequency: weekly、monthly 或 quarterly",
    },
    "OG308": {
        "title": "每个目标都有KPI跟踪",
        "message": "目标“{id}”没有任何KPI跟踪（等到检查时已来不及调整）",
        "hint": "把“{id}”加入某个KPI的 objectives，或为它新增KPI",
    },
    "OG401": {
        "title": "规划了人员变革管理",
        "message": "没有 change_management 部分（无人采纳的系统会“上线即闲置”）",
        "hint": "添加 change_management:，包括沟通、内部大使、培训与支持",
    },
    "OG402": {
        "title": "设立了内部大使（Champion）",
        "message": "change_management 没有列出内部大使（同事更信任同事）",
        "hint": "添加 champions: [<人选、所在部门、人数>]",
    },
    "OG403": {
        "title": "培训有可衡量的覆盖率目标",
        "message": "没有培训覆盖率目标（否则“已培训”只等于“来了的人”）",
        "hint": '在 change_management 下添加 training: {coverage_target: "≥ 95%"}',
        "message.unmeasurable": "培训覆盖率目标“{target}”没有数字（无法检查）",
        "hint.unmeasurable": '写明数字，例如 coverage_target: "≥ 95%"',
    },
    "OG404": {
        "title": "每次上线前都完成用户培训",
        "message": "上线里程碑“{id}”（{name}）之前没有结束的培训任务（未经培训的用户会退回 Excel）",
        "hint": "安排一项在上线前结束的培训任务（用 after: 或 start:）",
    },
    "OG501": {
        "title": "数据迁移前完成数据清洗",
        "message": "数据迁移“{id}”在上线前没有结束的数据清洗或主数据任务（历史数据混乱会导致上线延期）",
        "hint": "安排在上线前结束的数据清洗/主数据标准化任务，并让迁移任务等待它完成",
        "message.scope": "实施范围包含数据迁移（“{name}”），但上线前没有结束的数据清洗或主数据任务（历史数据混乱会导致上线延期）",
        "message.governance": "data_governance 规划了数据迁移，但上线前没有结束的数据清洗或主数据任务（历史数据混乱会导致上线延期）",
    },
    "OG601": {
        "title": "路线图从试点开始",
        "message": "没有试点阶段（先在小范围验证，试点—推广—深化）",
        "hint": "先安排一个 stage: pilot 的阶段，在一个部门或车间试点",
        "message.rollout": "推广阶段“{id}”之前没有试点（先在小范围验证可行性）",
    },
    "OG602": {
        "title": "阶段按试点—推广—深化排列",
        "message": "阶段“{id}”（{stage}）排在阶段“{before}”（{before_stage}）之后（每个阶段应吸取前一阶段的经验）",
        "hint": "按试点、推广、深化的顺序排列阶段",
    },
    "OG603": {
        "title": "进度计划留有缓冲期",
        "message": "路线图没有缓冲期（任何延误都会变成上线延期）",
        "hint": "在 roadmap 中添加 buffer: <单位数>，例如 buffer: 2",
    },
    "OG604": {
        "title": "计划按固定节奏复盘",
        "message": "没有复盘节奏（计划只会在失败之后才调整）",
        "hint": "在 evaluation 下添加 review: {cadence: monthly, method: PDCA}",
    },
    "OG605": {
        "title": "每个阶段都有退出标准",
        "message": "阶段“{id}”没有退出标准（进入下一阶段取决于日期而非决策）",
        "hint": "添加 exit_criteria: [<进入下一阶段前必须满足的条件>]",
    },
    "OG606": {
        "title": "里程碑没有超出基线容差",
        "message": "里程碑“{id}”比基线晚{days}天（{baseline} → {date}），超过容差{tolerance}天",
        "hint": "调整计划追回工期（缩短任务、增加人手、并行推进），或经评审同意新日期后用 outlookgen baseline 重新设定基线",
    },
    "OG607": {
        "title": "工作日历已包含计划各年份的节假日",
        "message": "{preset}日历（{source}）尚无{year}年已公布的节假日：{year}年的日期按 holidays 库的估算计算，不含调休上班日",
        "hint": "{year}年安排公布后，在 roadmap.calendar 中列出节假日和调休上班日，或升级该库",
        "message.weekdays": "{preset}日历（{source}）没有{year}年的节假日：{year}年只按工作日计算",
        "hint.weekdays": "在 roadmap.calendar.holidays 中列出{year}年的节假日，或安装 holidays 库",
    },
    "OG608": {
        "title": "客户审阅意见均已处理",
        "message": "{author}对 {path} 的审阅意见尚未处理：“{text}”",
        "message.document": "{author}对整份文档的审阅意见尚未处理：“{text}”",
        "hint": "在规格中答复或修改后，将 review[{index}] 的 resolved 设为 true",
    },
    "OG610": {
        "title": "同一组织不在同一周两次上线",
        "message": "“{organization}”在{week}所在周有{count}次上线：{name}（{date}）以及{others}（同一支团队无法同时支撑两次切换）",
        "hint": "把其中一次上线推迟至少一周，或合并为一次切换",
    },
    "OG701": {
        "title": "没有角色的投入超过100%",
        "message": "角色“{id}”在{span}的负荷为{load}（{count}项并行任务 × {allocation}：{tasks}）",
        "hint": "用 after: 错开任务、交给其他角色，或商定更高的投入比例",
    },
    "OG702": {
        "title": "预算包含应急储备或预留",
        "message": "预算没有应急储备或预留（任何意外都会变成变更申请）",
        "hint": "添加 category: contingency（或 reserve）的预算项",
        "message.none": "计划没有预算，因此没有任何应急储备或预留",
        "hint.none": "添加 resources.budget 及其预算项，包括应急储备",
    },
    "OG703": {
        "title": "每个有任务的阶段都有预算",
        "message": "阶段“{id}”有任务但没有预算项（费用由谁承担？）",
        "hint": "添加 phase: {id} 的预算项",
    },
    "OG710": {
        "title": "没有人员跨项目投入超过100%",
        "message": "“{person}”在{week}所在周被{count}个项目合计安排{load}：{parts}（单看每个计划都可行）",
        "hint": "用 after: 或更晚的 start 错开其中一个项目的任务、降低投入比例，或由其他人员担任其中一个角色",
    },
    "OG801": {
        "title": "考虑了常见实施风险",
        "message": "风险登记册中没有任何常见风险：用户抵触情绪、数据迁移失败、第三方接口不稳定",
        "hint": "补充适用的风险，分类为 people、data 或 integration",
    },
    "OG901": {
        "title": "展望覆盖上线之后",
        "message": "没有长期演进规划（上线之后怎么办？）",
        "hint": "添加 evolution: [{horizon, initiative, value, budget_reserve}]",
    },
}

# Words of the finding line itself (the severity stays English: tools parse it).
LINE_WORDS = {"en": {"hint": "hint"}, "zh-CN": {"hint": "提示"}}

CATALOGUES = {"en": EN, "zh-CN": ZH_CN}


def fill(template: str, params: dict[str, Any]) -> str:
    """Put the hit's values into ``{name}`` fields; other braces (YAML examples) stay as written."""
    return _FIELD.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(), template)


def text(lang: str, code: str, part: str, variant: str = "") -> str:
    """The words of one part (title, message, hint) of a rule, in ``lang`` (English when unknown)."""
    catalogue = CATALOGUES.get(lang, EN)[code]
    if variant and f"{part}.{variant}" in catalogue:
        return catalogue[f"{part}.{variant}"]
    return catalogue[part]
