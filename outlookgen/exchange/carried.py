"""The rest of the outlook an export carries along, so that importing the file back gives the whole spec.

MS Project and a PMO workbook hold the schedule (tasks, dates, links,
owners, progress); an outlook also has its background, objectives, scope,
budget, risks and KPIs. An export writes those — the spec's data with each
task reduced to what the file does not already hold — as YAML text: in the
notes of the project summary task (MS Project shows it there) and on the
workbook's last sheet. :mod:`outlookgen.exchange.importing` reads it back.
It is the spec's own text, nothing more: no path, no secret the spec does
not hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from outlookgen.spec.scalars import ScalarFloat, ScalarInt

__all__ = ["MARKER", "carried_data", "carried_text"]

# The first line of the carried text: how an import knows the notes are outlookgen's.
MARKER = "# outlookgen: the rest of this outlook (keep it to import the plan back with outlookgen import)"

# What a task or milestone keeps in the carried text: the file holds the rest.
_TASK_KEYS = ("id", "deliverables", "objectives")
_MILESTONE_KEYS = ("id", "description")


def carried_data(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's data without what the schedule export already holds (task dates, links, owners, progress)."""
    data = {key: value for key, value in spec.items() if key != "include"}
    roadmap = dict(data.get("roadmap") or {})
    phases = []
    for phase in roadmap.get("phases") or ():
        phase = dict(phase)
        phase["tasks"] = [_keep(task, _TASK_KEYS) for task in phase.get("tasks") or ()]
        phase["milestones"] = [_keep(m, _MILESTONE_KEYS) for m in phase.get("milestones") or ()]
        if not phase["milestones"]:
            del phase["milestones"]
        phases.append(phase)
    roadmap["phases"] = phases
    data["roadmap"] = roadmap
    return data


def _keep(item: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key in keys or key.startswith("x-")}


class _Dumper(yaml.SafeDumper):
    """Plain YAML of spec data: numbers as they were written (``1.10`` stays ``1.10``), no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _number(dumper: yaml.SafeDumper, value: Any) -> yaml.Node:
    tag = "tag:yaml.org,2002:float" if isinstance(value, float) else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, value.source)


_Dumper.add_representer(ScalarFloat, _number)
_Dumper.add_representer(ScalarInt, _number)


def carried_text(spec: Mapping[str, Any]) -> str:
    """The carried data as YAML text, with the marker line first."""
    body = yaml.dump(
        carried_data(spec), Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    return f"{MARKER}\n{body}"
