"""Generate a large, valid, realistic spec (N tasks) for benchmarks: ``python bench/genspec.py 2000 > big.yaml``."""

from __future__ import annotations

import sys


def generate(tasks: int, *, locale: str = "en") -> str:
    phases = max(1, tasks // 50)
    roles = 12
    out = [
        "outlook: 1",
        "meta:",
        f"  title: Generated outlook with {tasks} tasks",
        "  organization: Bench Co",
        "  date: 2026-01-05",
        f"  locale: {locale}",
        "background:",
        "  current_state: |",
        "    Generated for benchmarks. **Bold**, *italic* and `code` appear here.",
        "  challenges: [Scale]",
        "drivers:",
    ]
    for d in range(1, 6):
        out += [f"  - id: D{d}", f"    pain_point: Pain point {d} with *emphasis*", "    priority: high"]
    out.append("objectives:")
    for o in range(1, 11):
        out += [
            f"  - id: O{o}",
            f"    statement: Cut cycle time {o} by 20%",
            "    metric: Cycle time",
            "    baseline: 10 days",
            '    target: "<= 8 days"',
            "    deadline: 2027-06-30",
            f"    owner: R{o % roles + 1}",
            f"    drivers: [D{o % 5 + 1}]",
        ]
    out += ["scope:", "  included:"]
    for p in range(1, phases + 1):
        out += [f"    - id: S{p}", f"      name: Module {p}", f"      phase: P{p}"]
    out += ["roadmap:", "  start: 2026-01-05", "  buffer: 2", "  phases:"]
    per_phase = [tasks // phases + (1 if i < tasks % phases else 0) for i in range(phases)]
    n = 0
    stages = ["pilot", "rollout", "deepen"]
    for p, count in enumerate(per_phase, start=1):
        out += [
            f"    - id: P{p}",
            f"      name: Phase {p}",
            f"      stage: {stages[min(p - 1, 2)]}",
            f"      goal: Deliver module {p}",
            f"      objectives: [O{p % 10 + 1}]",
            "      tasks:",
        ]
        first = n + 1
        for _ in range(count):
            n += 1
            line = [
                f"        - id: T{n}",
                f"          name: Task {n} — configure *module* {p}",
                f"          owner: R{n % roles + 1}",
            ]
            if n == first:
                line.append(f"          start: {p}")
            else:
                line.append(f"          after: [T{n - 1}]" if n % 3 else f"          after: [T{n - 1}, T{first}]")
            line += [
                f"          duration: {1 + n % 3}",
                f"          objectives: [O{n % 10 + 1}]",
                "          deliverables: [Configuration workbook, Test evidence]",
            ]
            out += line
        out += [
            "      milestones:",
            f"        - id: M{p}",
            f"          name: Phase {p} complete",
            f"          after: [T{n}]",
        ]
    out += ["resources:", "  roles:"]
    for r in range(1, roles + 1):
        out += [f"    - id: R{r}", f"      title: Role {r}", "      allocation: 50"]
    out += ["  budget:", "    items:"]
    for p in range(1, phases + 1):
        out += [
            f"      - name: Services phase {p}",
            "        category: services",
            "        amount: 10000",
            f"        phase: P{p}",
        ]
    out += ["      - name: Contingency", "        category: contingency", "        amount: 5000"]
    out.append("risks:")
    for k in range(1, 21):
        out += [
            f"  - id: RK{k}",
            f"    title: Risk {k}",
            "    likelihood: medium",
            "    impact: high",
            f"    owner: R{k % roles + 1}",
            "    mitigation: [Mitigate]",
            "    contingency: [Fall back]",
        ]
    out += ["evaluation:", "  kpis:"]
    for k in range(1, 11):
        out += [
            f"    - id: K{k}",
            f"      name: KPI {k}",
            '      target: ">= 99%"',
            "      frequency: monthly",
            f"      objectives: [O{k}]",
            "      actuals: [{period: 2026-02, value: 98.5}, {period: 2026-03, value: 99.2}]",
        ]
    out += ["  review:", "    cadence: monthly"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
