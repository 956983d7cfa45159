"""Pack labels are data: which labels take placeholders, which shapes labels have, and filling them.

Labels come from template packs, and packs come from strangers. A label
pattern such as ``"W{n}"`` is filled in Python, and ``str.format`` would let
``"{n.__class__.__mro__}"`` walk into Python objects, ``"{n:>99999999}"``
build a 100 MB string in one C call, and ``"{0}"`` or ``"{x}"`` end in an
IndexError or KeyError traceback. So:

* every label that takes placeholders is listed in :data:`PLACEHOLDERS`, with
  the names the code fills in (the default pack's labels use a subset of them);
* a placeholder is a plain ``{name}`` from that list: no attribute or index
  (``{n.x}``, ``{n[0]}``), no format spec (``{n:>9}``), no conversion
  (``{n!r}``), nothing positional (``{}``, ``{0}``); ``{{`` and ``}}`` are
  literal braces;
* :func:`fill` is the one place a pattern is filled, and it substitutes plain
  names only, so even an unchecked pattern can do nothing else;
* :func:`label_problems` checks the labels a pack sets against the shapes of
  the default pack's own labels (text, a mapping, a list of texts — the month
  names exactly 12) and returns located diagnostics.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError, format_path

_DATE = frozenset({"day", "month", "month_short", "month_number", "year"})

# Label path -> the placeholder names the code passes when it fills that label.
# "*" matches any key at that level (the planning units, the lateness reasons).
PLACEHOLDERS: dict[tuple[str, ...], frozenset[str]] = {
    ("format", "date"): _DATE,
    ("format", "date_short"): _DATE,
    ("format", "range"): frozenset({"start", "end"}),
    ("format", "money"): frozenset({"amount", "currency"}),
    ("format", "percent"): frozenset({"n"}),
    ("format", "with_note"): frozenset({"text", "note"}),
    ("units", "*", "one"): frozenset({"n"}),
    ("units", "*", "span"): frozenset({"start", "end"}),
    ("units", "*", "count"): frozenset({"n"}),
    ("units", "*", "from"): frozenset({"n"}),
    ("plan", "summary"): frozenset({"span", "dates", "buffer", "total"}),
    ("plan", "summary_no_buffer"): frozenset({"span", "dates"}),
    ("plan", "dates"): frozenset({"start", "end"}),
    ("links", "typed"): frozenset({"id", "type"}),
    ("links", "typed_lag"): frozenset({"id", "type", "lag"}),
    ("links", "days"): frozenset({"n"}),
    ("links", "weeks"): frozenset({"n"}),
    ("calendar", "summary"): frozenset({"weekdays", "preset", "week"}),
    ("calendar", "preset"): frozenset({"code"}),
    ("calendar", "estimated"): frozenset({"years"}),
    ("calendar", "name"): frozenset({"name"}),
    ("calendar", "days_off"): frozenset({"days"}),
    ("calendar", "extra_workdays"): frozenset({"days"}),
    ("calendar", "named"): frozenset({"name", "dates"}),
    ("baseline", "late"): frozenset({"n"}),
    ("baseline", "early"): frozenset({"n"}),
    ("baseline", "version"): frozenset({"version"}),
    ("baseline", "note"): frozenset({"version", "date", "source"}),
    ("budget", "reserve_share"): frozenset({"amount", "share"}),
    ("change", "coverage_target"): frozenset({"target"}),
    ("status_view", "title"): frozenset({"date"}),
    ("status_view", "done_of"): frozenset({"done", "total"}),
    ("status_view", "reasons", "*"): frozenset({"days"}),
    ("status_view", "revision"): frozenset({"summary", "title"}),
    ("status_view", "open_comments"): frozenset({"count"}),
    ("changes", "title"): frozenset({"version"}),
    ("changes", "summary"): frozenset({"old", "new", "count"}),
    ("changes", "days"): frozenset({"n"}),
    ("ics", "milestone"): frozenset({"name", "title"}),
    ("ics", "review"): frozenset({"cadence", "method", "title"}),
    ("ics", "after"): frozenset({"tasks"}),
    ("ics", "participants"): frozenset({"names"}),
    ("html", "axis_date"): _DATE,
    ("html", "risk_unrated"): frozenset({"ids"}),
    ("lint", "summary"): frozenset({"checked", "passed", "failed", "errors", "warnings", "infos"}),
    ("lint", "disabled_note"): frozenset({"disabled"}),
    ("lint", "failed_count"): frozenset({"count"}),
    ("docx", "gantt", "scale"): frozenset({"count"}),
    ("cover", "logo_alt"): frozenset({"organization"}),
    ("docx", "gantt", "date"): _DATE,
    ("portfolio", "subtitle"): frozenset({"date"}),
    ("portfolio", "summary"): frozenset({"projects", "date", "late", "red", "amber", "green", "risks", "budget"}),
    ("portfolio", "alerts"): frozenset({"overbooked", "clashes"}),
    ("portfolio", "quarter"): frozenset({"quarter", "year"}),
    ("portfolio", "week"): frozenset({"day", "month_short", "month_number", "year", "iso_week"}),
    ("portfolio", "week_of"): frozenset({"date"}),
    ("portfolio", "late_count"): frozenset({"count", "worst"}),
    ("portfolio", "next_milestone"): frozenset({"name", "date", "days"}),
    ("portfolio", "milestone"): frozenset({"name", "date"}),
    ("portfolio", "go_live_item"): frozenset({"project", "name", "date"}),
    ("portfolio", "kpis_of"): frozenset({"on", "measured"}),
    ("portfolio", "findings"): frozenset({"errors", "warnings"}),
    ("portfolio", "booked_by"): frozenset({"project", "role", "load"}),
    ("portfolio", "hidden"): frozenset({"before", "after", "undated", "start", "end"}),
    ("portfolio", "chart_left_out"): frozenset({"shown"}),
    ("portfolio", "more_risks"): frozenset({"count"}),
    ("portfolio", "unrated"): frozenset({"count"}),
    ("portfolio", "amounts_in"): frozenset({"currency"}),
    ("portfolio", "rates"): frozenset({"rates"}),
    ("portfolio", "rate"): frozenset({"source", "rate", "target"}),
}

# Lists read by position: the months by month number, the steps by step, the change table by column.
FIXED_LENGTHS: dict[tuple[str, ...], int] = {
    ("format", "months"): 12,
    ("format", "months_short"): 12,
    ("steps",): 5,
    ("changes", "columns"): 5,
    ("calendar", "weekdays"): 7,
}

MAX_LABEL_CHARS = 2000  # one label outlookgen knows; the longest default label is about 200
MAX_PLACEHOLDERS = 8  # in one label; the most a default label uses is 6

TEXT, TEXTS, MAPPING = "text", "a list of texts", "a mapping of labels"


def placeholders_for(path: tuple) -> frozenset[str] | None:
    """The placeholder names the label at ``path`` takes; None when it is not filled in Python."""
    for pattern, names in PLACEHOLDERS.items():
        if len(pattern) == len(path) and all(p in ("*", k) for p, k in zip(pattern, path, strict=True)):
            return names
    return None


# --------------------------------------------------------------------------- filling


@lru_cache(maxsize=512)
def _parsed(pattern: str) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
    return tuple(string.Formatter().parse(pattern))


def fill(pattern: str, **fields: Any) -> str:
    """``pattern`` with each plain ``{name}`` replaced by ``str(fields[name])``; ``{{``/``}}`` are braces.

    Every label filled in Python goes through here. Packs' labels are checked
    when they are loaded (:func:`label_problems`), so a refusal here means a
    caller passed fewer fields than :data:`PLACEHOLDERS` promises — a bug.
    """
    try:
        pieces = _parsed(pattern)
    except ValueError as exc:
        raise TemplateError(f"the label {pattern[:80]!r} cannot be used: {exc}") from None
    out: list[str] = []
    for literal, name, spec, conversion in pieces:
        out.append(literal)
        if name is None:
            continue
        if spec or conversion or name not in fields:
            raise TemplateError(f"the label {pattern[:80]!r} uses a placeholder outlookgen does not fill here")
        out.append(str(fields[name]))
    return "".join(out)


# --------------------------------------------------------------------------- checking


def pattern_problems(pattern: str, allowed: frozenset[str]) -> list[str]:
    """Why ``pattern`` may not be used as a label that takes ``allowed`` placeholders (empty when it may)."""
    names = ", ".join("{" + n + "}" for n in sorted(allowed))
    try:
        pieces = _parsed(pattern)
    except ValueError as exc:
        return [f"its braces do not pair ({exc}); write {{{{ and }}}} for a brace of its own"]
    problems: list[str] = []
    count = 0
    for _literal, name, spec, conversion in pieces:
        if name is None:
            continue
        count += 1
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        shown = shown if len(shown) <= 60 else shown[:57] + "...}"
        first = name.split(".", 1)[0].split("[", 1)[0]
        if name == "" or name.isdigit() or first.isdigit():
            problems.append(f"placeholder {shown} is positional; use a name: {names}")
        elif first != name:
            problems.append(f"placeholder {shown} reaches into a value; use it plainly: {names}")
        elif name not in allowed:
            problems.append(f"unknown placeholder {shown}; this label may use {names}")
        elif conversion:
            problems.append(f"placeholder {shown} has a conversion (!{conversion}); write it plainly as {{{name}}}")
        elif spec:
            problems.append(f"placeholder {shown} has a format spec; write it plainly as {{{name}}}")
    if count > MAX_PLACEHOLDERS:
        problems.append(f"it holds {count} placeholders; a label holds at most {MAX_PLACEHOLDERS}")
    return problems


@lru_cache(maxsize=1)
def default_shapes() -> dict[tuple, str]:
    """Label path -> TEXT, TEXTS or MAPPING, read from the default pack's English labels."""
    from outlookgen.package_data import data_dir
    from outlookgen.spec.loader import load_spec

    loaded = load_spec(data_dir("templates") / "default" / "labels" / "en.yaml")
    shapes: dict[tuple, str] = {}

    def walk(value: Any, path: tuple) -> None:
        if isinstance(value, dict):
            if path:
                shapes[path] = MAPPING
            for key, child in value.items():
                walk(child, (*path, key))
        else:
            shapes[path] = TEXTS if isinstance(value, list) else TEXT

    walk(loaded.data, ())
    return shapes


Locate = Callable[[tuple], tuple[str, int, int]]


def label_problems(data: Any, locate: Locate, prefix: tuple = ()) -> list[Diagnostic]:
    """Every problem of the labels one pack sets for one locale (its labels file, or pack.yaml's ``labels.<locale>``).

    ``locate(path)`` gives (file, line, column) of a node; ``prefix`` is where
    the labels sit in their file (``("labels", "en")`` in pack.yaml), so the
    path in the error line is the one the author sees. Labels outlookgen does
    not know (a pack's own section for its own templates) may hold anything.
    """
    out: list[Diagnostic] = []

    def problem(path: tuple, message: str) -> None:
        file, line, column = locate((*prefix, *path))
        out.append(Diagnostic(file, line, column, format_path((*prefix, *path)), message))

    if not isinstance(data, dict):
        problem((), f"must be {MAPPING}, not {_kind(data)}")
        return out
    shapes = default_shapes()
    for path, value in _leaves_and_sections(data):
        shape = shapes.get(path)
        if shape is None:
            continue  # not a label outlookgen uses: `templates check` reports typos
        if shape == MAPPING:
            if not isinstance(value, dict):
                problem(path, f"must be {MAPPING}, not {_kind(value)}")
        elif shape == TEXTS:
            out += _list_problems(path, value, problem)
        elif not isinstance(value, str):
            problem(path, f"must be text, not {_kind(value)}")
        else:
            if len(value) > MAX_LABEL_CHARS:
                problem(path, f"the label is {len(value)} characters long; the limit is {MAX_LABEL_CHARS}")
            allowed = placeholders_for(path)
            if allowed is not None:
                for message in pattern_problems(value, allowed):
                    problem(path, message)
    return out


def _list_problems(path: tuple, value: Any, problem) -> list[Diagnostic]:
    if not isinstance(value, list):
        problem(path, f"must be {TEXTS}, not {_kind(value)}")
        return []
    wanted = FIXED_LENGTHS.get(path)
    if wanted is not None and len(value) != wanted:
        problem(path, f"must be a list of exactly {wanted} texts, not {len(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            problem((*path, i), f"must be text, not {_kind(item)}")
        elif len(item) > MAX_LABEL_CHARS:
            problem((*path, i), f"the label is {len(item)} characters long; the limit is {MAX_LABEL_CHARS}")
    return []


def _leaves_and_sections(data: Mapping, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) pair below ``data``, parents before children; lists are not entered."""
    for key, value in data.items():
        here = (*path, key)
        yield here, value
        if isinstance(value, dict):
            yield from _leaves_and_sections(value, here)


def missing_labels(merged: Mapping[str, Any]) -> list[tuple]:
    """Label paths outlookgen reads that the merged labels of a chain do not set (a chain not ending in default).

    A missing section is named once, not with every label under it.
    """
    missing: list[tuple] = []
    for path in default_shapes():  # parents come before their children
        if any(path[: len(m)] == m for m in missing):
            continue
        node: Any = merged
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            missing.append(path)
    return missing


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@lru_cache(maxsize=1)
def labels_checker() -> str:
    """What decides whether a labels file passes: this module's rules and the default pack's labels."""
    from outlookgen.package_data import data_dir
    from outlookgen.spec.verdicts import checker_digest

    default = data_dir("templates") / "default" / "labels"
    return checker_digest([Path(__file__), *sorted(default.glob("*.yaml"))])
