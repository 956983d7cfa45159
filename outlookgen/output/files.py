"""Output paths and atomic, all-or-nothing writes."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from outlookgen.errors import Diagnostic, OutputError


def output_name(spec: Path, extension: str) -> str:
    """The output file name for a spec: from the spec's *file name*, never its content.

    ``plan.yaml`` → ``plan.md``; ``plan.v2.yml`` → ``plan.v2.md`` (``extension``
    is ``.md``). Only the
    final component is used, so nothing in a name can leave the output folder.
    """
    stem = spec.name
    for suffix in (".yaml", ".yml"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem + extension


def plan_outputs(
    specs: Iterable[Path], extensions: Mapping[str, str], output_dir: Path | None, *, tree_base: Path | None = None
) -> dict[Path, dict[str, Path]]:
    """Where each spec's outputs go (format -> extension in ``extensions``); two specs claiming one output is
    an error before anything is written.

    Without ``output_dir`` outputs go beside their spec. With it they all go
    into that one folder ("flat"), or, when ``tree_base`` is given, into the
    spec's folder relative to ``tree_base`` below it ("tree":
    ``specs/erp/plan.yaml`` → ``OUT/specs/erp/plan.md``), so two specs of one
    name in different folders keep apart; a spec outside ``tree_base`` is an
    error then.
    """
    plan: dict[Path, dict[str, Path]] = {}
    claimed: dict[Path, Path] = {}
    problems: list[Diagnostic] = []
    for spec in specs:
        folder = output_dir if output_dir is not None else spec.parent
        if output_dir is not None and tree_base is not None:
            below = _folder_below(spec, tree_base)
            if below is None:
                message = (
                    f"is outside {tree_base}, whose folders the tree layout keeps below {output_dir};"
                    " move it into the project or build it on its own"
                )
                problems.append(Diagnostic(str(spec), 1, 1, "$", message))
                continue
            folder = output_dir / below
        targets = {}
        for fmt, extension in extensions.items():
            target = folder / output_name(spec, extension)
            key = Path(os.path.normcase(os.path.abspath(target)))
            if key in claimed and claimed[key] != spec:
                problems.append(Diagnostic(str(spec), 1, 1, "$", _clash(target, claimed[key], output_dir, tree_base)))
            claimed.setdefault(key, spec)
            targets[fmt] = target
        plan[spec] = targets
    if problems:
        raise OutputError(diagnostics=problems)
    return plan


def _folder_below(spec: Path, base: Path) -> Path | None:
    """The spec's folder relative to ``base`` (symlinks not followed); None when it is not below it."""
    relative = os.path.relpath(os.path.abspath(spec.parent), os.path.abspath(base))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return Path(relative)


def _clash(target: Path, other: Path, output_dir: Path | None, tree_base: Path | None) -> str:
    """Why two specs cannot both write ``target``, and what to do about it."""
    said = f"would write {target}, which {other} writes too"
    if output_dir is None or tree_base is not None:
        return f"{said}; rename one of them"  # one folder, one stem: plan.yaml beside plan.yml
    return (
        f"{said}; to keep each spec's folder below {output_dir}, set outputs: {{layout: tree}}"
        " in outlookgen.yaml (or build with --layout tree)"
    )


def _identity(path: str | os.PathLike) -> tuple[int, int] | None:
    """The file a path leads to (device and inode, symlinks followed); None when there is none."""
    try:
        st = os.stat(path)  # never opens: a FIFO or device costs no wait
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def inputs_in_the_way(targets: Iterable[Path], inputs: Iterable[tuple[str | os.PathLike, str]]) -> list[tuple]:
    """``(target, what, input)`` for every target that is one of the ``(input, what)`` files.

    Compared as files, not names, so a hard link or a symlink at the target, or
    a symlinked folder on the way, counts too: the rename would replace the
    input itself, or silently cut the link the user made to it.
    """
    known: dict[tuple[int, int], tuple[str | os.PathLike, str]] = {}
    for path, what in inputs:
        identity = _identity(path)
        if identity is not None:
            known.setdefault(identity, (path, what))
    found = []
    for target in targets:
        identity = _identity(target)
        if identity in known:
            path, what = known[identity]
            found.append((target, what, path))
    return found


def refuse_overwriting_inputs(
    output: Path, owner: str | os.PathLike, inputs: Iterable[tuple[str | os.PathLike, str]]
) -> None:
    """OutputError located on ``owner`` when ``output`` is one of the ``(input, what)`` files (``-o`` of one file)."""
    for _, what, path in inputs_in_the_way([output], inputs):
        message = f"would write {output}, which is {what} {path}; write it elsewhere (-o)"
        raise OutputError(diagnostics=[Diagnostic(str(owner), 1, 1, "$", message)])


def _file_mode() -> int:
    # mkstemp creates 0600 files; outputs should get the mode any new file gets.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def commit(outputs: Mapping[Path, bytes]) -> list[Path]:
    """Write every output atomically: all temp files first, then one rename each.

    A temp file lives in the target's own folder (a rename is only atomic
    within one file system). If any write fails, or the build is interrupted
    (Ctrl-C), every temp file is removed and no earlier output is touched. A
    symlink planted at a target is replaced by the rename, never written through.
    Temp files an earlier, killed build left for these targets are removed after.
    """
    # A rename cannot replace a folder: found only at rename time, it would leave
    # the outputs renamed before it new and those after it old. Refuse up front.
    for target in outputs:
        if target.is_dir() and not target.is_symlink():
            raise OutputError(f"cannot write {target}: a folder of that name is in the way")
    staged: list[tuple[str, Path]] = []
    mode = _file_mode()
    current: Path | None = None
    try:
        for target, payload in outputs.items():
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(tmp, mode)
        for tmp, target in staged:
            current = target
            os.replace(tmp, target)
    except BaseException as exc:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # the ones already renamed are gone already
        if not isinstance(exc, OSError):
            raise
        # Name the output, never the temporary file the user has never seen.
        where = current if current is not None else (exc.filename or "output")
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}") from None
    remove_stale_temp_files(outputs)
    return [target for _, target in staged]


# --------------------------------------------------------------------------- what a killed build leaves

TEMP_SUFFIX = ".tmp"
# commit's temporary names: "." + the target's name + "." + mkstemp's 8 random
# characters (lower-case letters, digits, "_") + ".tmp".
_TEMP_NAME = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX), re.DOTALL)
# A build killed between writing its temporary files and renaming them (SIGKILL,
# the OOM killer, a power cut) leaves them behind. Another build writing the same
# folder right now has temporary files too, only seconds old, which it is about
# to rename: only files older than this are taken for leftovers. Ten minutes
# also covers a slow network file system and clocks that disagree a little.
STALE_TEMP_SECONDS = 600


def remove_stale_temp_files(targets: Iterable[Path]) -> None:
    """Remove the temporary files a killed build left for these targets; best effort, never an error.

    Only names commit gives a target's temporary files, only regular files,
    only ones older than STALE_TEMP_SECONDS: nothing else in the folder is touched.
    """
    names: dict[Path, set[str]] = {}
    for target in targets:
        names.setdefault(target.parent, set()).add(target.name)
    cutoff = time.time() - STALE_TEMP_SECONDS
    for folder, wanted in names.items():
        for entry in _entries(folder):
            match = _TEMP_NAME.fullmatch(entry.name)
            if match is None or match["target"] not in wanted:
                continue
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                    os.unlink(entry.path)


def _entries(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []  # a folder that is gone or unreadable holds nothing to clean
