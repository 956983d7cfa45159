"""A spec's baseline: where it is (a baseline file, an older spec, a git ref), reading it, and writing one.

``roadmap.baseline`` names the source; without it, the baseline file beside
the spec (``plan.yaml`` → ``plan.baseline.yaml``, what ``outlookgen
baseline`` writes) is used when there is one. Why a file beside the spec:
it is plain YAML in the same folder, so it is reviewed and versioned with
the plan — a re-baseline shows as a diff in the pull request — and nothing
is hidden in a cache or in the spec itself.

Sources are untrusted like specs: read with the spec loader's limits,
confined to the project folder, and every problem is a located error line.
``git:REF[:path]`` reads the file as it was at REF with ``git cat-file``
(raw bytes: no textconv or filter runs), from the spec's own repository,
with a time limit; REF may not look like an option.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, SpecError, format_path
from outlookgen.fields_repr import fields_repr
from outlookgen.model.baseline import DEFAULT_TOLERANCE, Baseline, baseline_from_data, baseline_from_outlook
from outlookgen.model.baseline import problems as baseline_problems
from outlookgen.model.trace import SpecText
from outlookgen.spec.loader import Limits, LoadedSpec, load_spec, load_text
from outlookgen.spec.project_folder import project_root

__all__ = ["BaselineSource", "baseline_path", "find_baseline", "read_baseline"]

SIDECAR_SUFFIX = ".baseline.yaml"
_GIT_TIMEOUT = 20  # seconds: a git that hangs (a lock, a network filesystem) is an error, not a hang
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./~^@{}+-]{0,199}$")
_SETTING = ("roadmap", "baseline")


def baseline_path(spec: Path) -> Path:
    """Where ``outlookgen baseline`` writes the baseline of ``spec``: ``plan.yaml`` → ``plan.baseline.yaml``."""
    return spec.with_name(spec.name.removesuffix(spec.suffix) + SIDECAR_SUFFIX)


@dataclass(frozen=True, repr=False)
class BaselineSource:
    """Where a spec's baseline comes from: a file, or a git ref and a path; ``path`` is where the spec says so."""

    text: str  # as written (or the sidecar's name)
    file: Path | None = None
    ref: str | None = None
    git_path: str | None = None
    tolerance: int = DEFAULT_TOLERANCE
    setting: tuple = ()  # the spec path of roadmap.baseline (() for a sidecar found by name)

    __repr__ = fields_repr


def find_baseline(spec_path: Path, loaded: LoadedSpec) -> BaselineSource | None:
    """The baseline a valid spec asks for (or the sidecar beside it); None when it has none."""
    roadmap = loaded.data.get("roadmap") if isinstance(loaded.data, Mapping) else None
    setting = roadmap.get("baseline") if isinstance(roadmap, Mapping) else None
    if setting is None:
        sidecar = baseline_path(spec_path)
        return BaselineSource(text=sidecar.name, file=sidecar) if sidecar.is_file() else None
    tolerance = DEFAULT_TOLERANCE
    where = _SETTING
    if isinstance(setting, Mapping):
        tolerance = int(setting.get("tolerance", DEFAULT_TOLERANCE))
        setting = setting.get("from")
        where = (*_SETTING, "from")
    text = str(setting).strip()
    if text.startswith("git:"):
        ref, _, inner = text[4:].partition(":")
        if not _REF.match(ref) or ".." in ref:
            _fail(loaded, where, f"'{ref}' is not a git commit, tag or branch name")
        relative = inner or spec_path.name
        return BaselineSource(text, ref=ref, git_path=relative, tolerance=tolerance, setting=where)
    return BaselineSource(text, file=spec_path.parent / text, tolerance=tolerance, setting=where)


def read_baseline(spec_path: Path, loaded: LoadedSpec, source: BaselineSource) -> Baseline:
    """The planned dates from ``source``: a baseline file, or an older spec modelled for its dates."""
    root = project_root(spec_path)
    if source.ref is not None:
        data_bytes, name = _git_show(spec_path, loaded, source, root)
        older = load_text(data_bytes, name, limits=Limits())
    else:
        assert source.file is not None
        _confine(loaded, source, root)
        older = load_spec(source.file, name=_display(source.file))
    if older.problems:
        raise SpecError(diagnostics=older.problems)
    data = older.data
    if isinstance(data, Mapping) and "outlook-baseline" in data:
        found = baseline_problems(data)
        if found:
            raise SpecError(diagnostics=[_diagnostic(older, path, message) for path, message in found])
        return baseline_from_data(data, source.text, source.tolerance)
    return _from_spec(older, source, spec_path, root)


def _from_spec(older: LoadedSpec, source: BaselineSource, spec_path: Path, root: Path) -> Baseline:
    """An older version of the spec: validated, modelled, and its dates taken."""
    from outlookgen.model import build_outlook
    from outlookgen.model.calendar import PlanProblem
    from outlookgen.spec.includes import resolve_includes
    from outlookgen.spec.validate import validate

    if not isinstance(older.data, Mapping) or "outlook" not in older.data:
        raise SpecError(
            diagnostics=[
                Diagnostic(
                    older.file, 1, 1, "$", "not a baseline: give a baseline file (outlookgen baseline) or a spec"
                )
            ]
        )
    if source.ref is not None and "include" in older.data:
        raise SpecError(
            diagnostics=[
                _diagnostic(
                    older,
                    ("include",),
                    "a baseline read from git cannot follow include: (the fragments would be today's); "
                    "write a baseline file at that version with 'outlookgen baseline' instead",
                )
            ]
        )
    if source.file is not None:
        older = resolve_includes(older, source.file, root=root, limits=Limits())
    problems = validate(older)
    if problems:
        raise SpecError(diagnostics=problems)
    data = dict(older.data)
    roadmap = dict(data.get("roadmap") or {})
    roadmap.pop("baseline", None)  # the older version's own baseline does not matter here
    data["roadmap"] = roadmap
    try:
        outlook = build_outlook(data)
    except PlanProblem as problem:
        raise SpecError(diagnostics=[_diagnostic(older, problem.path, problem.message)]) from None
    if outlook.roadmap.start is None:
        raise SpecError(
            diagnostics=[_diagnostic(older, ("roadmap",), "a baseline needs dates: this version has no roadmap.start")]
        )
    return baseline_from_outlook(outlook, source.text, source.tolerance)


def _confine(loaded: LoadedSpec, source: BaselineSource, root: Path) -> None:
    """A baseline file is read only from inside the spec's project folder, like an included fragment."""
    assert source.file is not None
    try:
        real = Path(os.path.realpath(source.file))
    except (OSError, ValueError):
        real = source.file
    if not real.is_relative_to(root):
        _fail(loaded, source.setting, f"'{source.text}' is outside the project folder {root}; a baseline must be in it")
    if not source.setting:
        return
    if not real.is_file():
        _fail(loaded, source.setting, f"no baseline file '{source.text}' (relative to the spec's folder)")


def _git_show(spec_path: Path, loaded: LoadedSpec, source: BaselineSource, root: Path) -> tuple[bytes, str]:
    """The bytes of ``path`` at ``ref`` in the spec's repository, bounded in size and time."""
    folder = spec_path.resolve().parent
    relative = Path(source.git_path or spec_path.name)
    target = Path(os.path.normpath(folder / relative))
    if relative.is_absolute() or not target.is_relative_to(root):
        _fail(loaded, source.setting, f"'{source.git_path}' is outside the project folder {root}")
    name = f"git:{source.ref}:{source.git_path}"
    object_name = f"{source.ref}:./{os.path.relpath(target, folder)}"
    import subprocess  # here: a build without a git baseline does not load it (~2 ms)

    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "cat-file", "blob", object_name],
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        _fail(loaded, source.setting, "git is not installed: cannot read a baseline from git")
    except subprocess.TimeoutExpired:
        _fail(loaded, source.setting, f"git did not answer within {_GIT_TIMEOUT} s")
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        _fail(loaded, source.setting, f"cannot read {name}: {detail[-1] if detail else 'git failed'}")
    if len(done.stdout) > Limits().max_bytes:
        _fail(loaded, source.setting, f"{name} is larger than a spec may be")
    return done.stdout, name


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _diagnostic(spec: LoadedSpec, path: tuple, message: str) -> Diagnostic:
    file, line, column = spec.locate(path)
    return Diagnostic(file, line, column, format_path(path), message)


def _fail(loaded: LoadedSpec, path: tuple, message: str) -> Any:
    raise SpecError(diagnostics=[_diagnostic(loaded, path or ("roadmap",), message)])


def write_baseline(spec: Path, output: Path | None = None) -> tuple[Path, int, int]:
    """Store a valid spec's planned dates as its baseline file; (the file, tasks, milestones) written.

    The file is YAML with a header comment saying what it is, tasks and
    milestones by id in plan order, so a re-baseline reads as a diff.
    """
    import yaml

    from outlookgen.model.baseline import baseline_data
    from outlookgen.output import files as writer
    from outlookgen.project.pipeline import load_outlook

    loaded = load_outlook(spec)
    outlook = loaded.outlook
    if outlook.roadmap.start is None:
        _fail(loaded.spec, ("roadmap",), "a baseline needs dates: set roadmap.start (the plan's first day)")
    target = output if output is not None else baseline_path(spec)
    if target.is_dir():
        target = target / baseline_path(spec).name
    inputs = [(spec, "the spec"), *((Path(f), "the included file") for f in loaded.spec.includes)]
    writer.refuse_overwriting_inputs(target, spec, inputs)
    data = baseline_data(outlook, spec.name)
    header = (
        f"# The baseline of {spec.name}: the planned dates documents measure slips against.\n"
        "# Written by `outlookgen baseline`; review it like the plan, and run the command again to re-baseline.\n"
    )

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:  # a date shared by a task and a milestone is written twice
            return True

    # The outlook's texts carry their spec pointer (model/trace.py); in YAML they are plain strings.
    _Dumper.add_representer(SpecText, yaml.SafeDumper.represent_str)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    writer.commit({target: (header + body).encode("utf-8")})
    return target, len(data["tasks"]), len(data["milestones"])
