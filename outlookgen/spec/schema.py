"""JSON Schema validation, with every jsonschema error translated into words a consultant reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from outlookgen.errors import Diagnostic, format_path
from outlookgen.spec.loader import LoadedSpec

# PyYAML follows YAML 1.1, where these plain words are booleans.
_YAML11_BOOLEANS = {"y", "yes", "n", "no", "on", "off", "true", "false"}

# Patterns in the schema get a human sentence each; keyed by the pattern text so
# the schema file stays the single source of truth for what is allowed.
_PATTERN_HINTS = {
    "^[A-Za-z][A-Za-z0-9_.-]*$": "is not a valid id: start with a letter, then use letters, digits, '_', '.' or '-'",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "is not a date in the form YYYY-MM-DD",
    "^[A-Z]{3}$": "is not a currency code: use three capital letters (ISO 4217), such as USD or CNY",
    "^\\s*[0-9]{1,5}\\s*[dw]\\s*$": "is not a duration: a whole number of planning units, or working days or weeks "
    "such as 3d or 2w",
    "^\\s*[+-]?\\s*[0-9]{1,5}\\s*[dw]\\s*$": "is not a lag: a whole number of planning units, or working days or "
    "weeks such as 2d, 1w, or -1d for a lead",
    "^[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?$": "is not a country code: use an ISO 3166 code such as CN, DE or US-CA",
    "^(/.*)?$": "is not a JSON pointer: start with '/', such as /risks/1/mitigation/0, or leave it empty for the "
    "whole document",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$": (
        "is not a date or date-time: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, quoted"
    ),
}


SPEC_SCHEMA = "outlook.schema.json"


@lru_cache(maxsize=4)
def validator(name: str = SPEC_SCHEMA):
    # Imported here: jsonschema costs ~50 ms to import and only validation needs it.
    from jsonschema import Draft202012Validator

    from outlookgen.package_data import schema

    return Draft202012Validator(_inline_refs(schema(name)), format_checker=Draft202012Validator.FORMAT_CHECKER)


_LOCAL_REF = "#/$defs/"
_NOT_SCHEMAS = frozenset({"const", "default", "enum", "examples"})  # data, whatever keys it holds


def _inline_refs(schema: dict) -> dict:
    """A copy of ``schema`` with each ``$ref`` to one of its ``$defs`` made ``allOf: [that entry]``, in its place.

    jsonschema looks a ``$ref`` up in its registry every time it meets it:
    21,000 look-ups for a spec of 2,000 tasks, some 40% of its check. An
    ``allOf`` of the one entry checks the same and yields the same errors
    (their ``schema`` is still the entry), without the look-up. A ``$ref``
    met again inside its own entry (recursion) stays as it is.
    """
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema
    done: dict[str, Any] = {}

    def inline(node: Any, within: frozenset) -> Any:
        if isinstance(node, list):
            return [inline(item, within) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            name = value[len(_LOCAL_REF) :] if key == "$ref" and isinstance(value, str) else None
            if (
                name is not None
                and value.startswith(_LOCAL_REF)
                and name in defs
                and "/" not in name
                and "~" not in name
                and name not in within
                and "allOf" not in node
            ):
                if name not in done:
                    done[name] = inline(defs[name], within | {name})
                out["allOf"] = [done[name]]
            elif key in _NOT_SCHEMAS:
                out[key] = value
            else:
                out[key] = inline(value, within)
        return out

    return inline(schema, frozenset())


def schema_problems(spec: LoadedSpec, schema_name: str = SPEC_SCHEMA) -> list[Diagnostic]:
    """Every violation of a packaged schema (the spec format's by default), located and worded for people."""
    found: dict[tuple, tuple[int, Diagnostic]] = {}
    suggested: set[tuple[tuple, str]] = set()  # (mapping path, key) an unknown key was taken for
    for error in validator(schema_name).iter_errors(spec.data):
        for path, message, at_key in _translate(error, spec):
            if _already_reported(path, spec.reported):
                continue
            if error.validator == "additionalProperties" and "did you mean '" in message:
                suggested.add((path[:-1], message.split("did you mean '")[1].split("'")[0]))
            file, line, column = spec.locate(path, key=at_key)
            diag = Diagnostic(file, line, column, format_path(path), message)
            # A value can break two rules that say one thing (a date failing
            # both its pattern and its format): keep one line, the pattern's.
            key, rank = _kind(error, path, message)
            if key not in found or rank < found[key][0]:
                found[key] = (rank, diag)
    mistyped = {path for path, kind in found if kind.startswith("type:")}
    problems = []
    for (path, kind), (_, diag) in found.items():
        # Of the wrong kind altogether ("found a mapping"): what the value
        # would also have to match is noise until its kind is right.
        if path in mistyped and not kind.startswith(("type:", "required:")):
            continue
        # "unknown key 'duraton' (did you mean 'duration'?)" already says the
        # required 'duration' is missing; one line is enough.
        if kind.startswith("required:") and (path, kind.split(":", 1)[1]) in suggested:
            continue
        problems.append(diag)
    return problems


def _kind(error, path: tuple, message: str) -> tuple[tuple, int]:
    if error.validator in ("pattern", "format"):
        return (path, "value"), 0 if error.validator == "pattern" else 1
    if error.validator == "required":
        return (path, "required:" + message.split("'")[1]), 0
    return (path, f"{error.validator}:{message}"), 0


def _already_reported(path: tuple, reported: frozenset) -> bool:
    return any(path[:i] in reported for i in range(len(path) + 1))


def _translate(error, spec: LoadedSpec) -> Iterator[tuple[tuple, str, bool]]:
    """Yield (path, message, point_at_key) for one jsonschema error."""
    path = tuple(error.absolute_path)
    kw = error.validator
    schema = error.schema
    inst = error.instance

    if kw == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        for key in _unexpected_keys(inst, schema):
            yield path + (key,), _unknown_key_message(key, known), True
    elif kw == "required":
        present = inst if isinstance(inst, dict) else {}
        for key in error.validator_value:
            if key not in present:
                title = schema.get("properties", {}).get(key, {}).get("title", "")
                # The schema's title explains the key, unless it only repeats it.
                hint = f" — {title}" if title and title.lower() != key.replace("_", " ").lower() else ""
                yield path, f"missing required key '{key}'{hint}", False
    elif kw == "type":
        yield path, _type_message(error.validator_value, inst, spec.source.raw(path)), False
    elif kw == "enum":
        choices = [str(c) for c in error.validator_value]
        shown = _show(inst, spec.source.raw(path))
        import difflib  # a suggestion is made only for a mistake

        close = difflib.get_close_matches(str(inst).lower(), choices, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        yield path, f"{shown} is not one of {', '.join(choices)}{hint}", False
    elif kw == "const":
        yield path, _const_message(path, inst, error.validator_value), False
    elif kw == "minItems":
        yield path, "must not be empty: list at least one entry", False
    elif kw == "minimum":
        yield (
            path,
            f"{_show(inst, spec.source.raw(path))} is too small: the least allowed is {error.validator_value}",
            False,
        )
    elif kw == "maximum":
        yield (
            path,
            f"{_show(inst, spec.source.raw(path))} is too large: the most allowed is {error.validator_value}",
            False,
        )
    elif kw == "pattern":
        yield path, _pattern_message(inst, error.validator_value, schema), False
    elif kw == "format":
        yield path, _format_message(inst, error.validator_value), False
    else:  # a keyword the schema may gain later: still located, still one line
        yield path, error.message, False


def _unexpected_keys(inst: Any, schema: dict) -> list[str]:
    if not isinstance(inst, dict):
        return []
    props = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [k for k in inst if k not in props and not any(p.search(k) for p in patterns)]


def _unknown_key_message(key: str, known: list[str]) -> str:
    import difflib  # a suggestion is made only for a mistake

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if not close:  # case slips (Meta:, Title:) score low in difflib but are obvious
        close = [k for k in known if k.lower() == key.lower()]
    if close:
        return f"unknown key '{key}' (did you mean '{close[0]}'?)"
    return f"unknown key '{key}'; allowed here: {', '.join(known)} (own data goes under keys starting with 'x-')"


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "a mapping of keys",
    "boolean": "true or false",
    "null": "nothing",
}


def _type_message(expected: Any, inst: Any, raw: str | None) -> str:
    types = [expected] if isinstance(expected, str) else list(expected)
    if set(types) >= {"string", "number"}:
        want = "text"
    else:
        want = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    if isinstance(inst, bool):
        written = raw if raw is not None else ("true" if inst else "false")
        if "string" in types and written.lower() in _YAML11_BOOLEANS:
            return (
                f"expected {want}, but YAML reads {written} as a boolean; "
                f"write it in quotes ('{written}') if you mean the text"
            )
        return f"expected {want}, found a boolean ({written})"
    if inst is None:
        return f"expected {want}, found nothing (the value is empty)"
    if "string" in types and isinstance(inst, (dict, list)):
        hint = " (a ': ' inside text makes a mapping; put the text in quotes)" if isinstance(inst, dict) else ""
        return f"expected {want}, found {_describe(inst)}{hint}"
    return f"expected {want}, found {_describe(inst)}"


def _describe(inst: Any) -> str:
    if isinstance(inst, dict):
        return "a mapping"
    if isinstance(inst, list):
        return "a list"
    if isinstance(inst, str):
        return f"the text '{_clip(inst)}'"
    if isinstance(inst, float) and not float(inst).is_integer():
        return f"the number {_show(inst, None)}"
    if isinstance(inst, (int, float)):
        return f"the number {_show(inst, None)}"
    return type(inst).__name__


def _show(inst: Any, raw: str | None) -> str:
    if raw is not None:
        return raw
    source = getattr(inst, "source", None)
    if source is not None:
        return source
    if isinstance(inst, str):
        return f"'{_clip(inst)}'"
    return str(inst)


def _clip(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _const_message(path: tuple, inst: Any, wanted: Any) -> str:
    if path == ("outlook",) and isinstance(inst, int) and not isinstance(inst, bool) and inst > wanted:
        return f"spec format {inst} is newer than this outlookgen understands (format {wanted}); upgrade outlookgen"
    if path == ("outlook",):
        return f"must be {wanted}: the spec format version (write 'outlook: {wanted}')"
    return f"must be {wanted}"


def _pattern_message(inst: Any, pattern: str, schema: dict) -> str:
    hint = _PATTERN_HINTS.get(pattern)
    if hint:
        return f"'{_clip(str(inst))}' {hint}"
    if "%" in pattern:  # budget_reserve: an amount or a share of the budget
        return f"'{_clip(str(inst))}' is not an amount or a percentage such as '10%'"
    title = schema.get("title", "the expected form")
    return f"'{_clip(str(inst))}' does not match {title} (pattern {pattern})"


def _format_message(inst: Any, fmt: str) -> str:
    if fmt == "date":
        return f"{_clip(str(inst))} is not a real date"
    if fmt == "email":
        return f"'{_clip(str(inst))}' is not an e-mail address"
    return f"'{_clip(str(inst))}' is not a valid {fmt}"
