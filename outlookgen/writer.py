"""Output paths and atomic, all-or-nothing writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from outlookgen.errors import Diagnostic, OutputError

EXTENSIONS = {"md": ".md", "html": ".html", "docx": ".docx", "pdf": ".pdf"}


def output_name(spec: Path, fmt: str) -> str:
    """The output file name for a spec: from the spec's *file name*, never its content.

    ``plan.yaml`` → ``plan.md``; ``plan.v2.yml`` → ``plan.v2.md``. Only the
    final component is used, so nothing in a name can leave the output folder.
    """
    stem = spec.name
    for suffix in (".yaml", ".yml"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return stem + EXTENSIONS[fmt]


def plan_outputs(specs: Iterable[Path], formats: Iterable[str], output_dir: Path | None) -> dict[Path, dict[str, Path]]:
    """Where each spec's outputs go; two specs claiming one output is an error before anything is written."""
    formats = list(formats)
    plan: dict[Path, dict[str, Path]] = {}
    claimed: dict[Path, Path] = {}
    clashes: list[Diagnostic] = []
    for spec in specs:
        folder = output_dir if output_dir is not None else spec.parent
        targets = {}
        for fmt in formats:
            target = folder / output_name(spec, fmt)
            key = Path(os.path.normcase(os.path.abspath(target)))
            if key in claimed and claimed[key] != spec:
                clashes.append(
                    Diagnostic(
                        str(spec),
                        1,
                        1,
                        "$",
                        f"would write {target}, which {claimed[key]} writes too; build them into different folders (-o)",
                    )
                )
            claimed.setdefault(key, spec)
            targets[fmt] = target
        plan[spec] = targets
    if clashes:
        raise OutputError(diagnostics=clashes)
    return plan


def _file_mode() -> int:
    # mkstemp creates 0600 files; outputs should get the mode any new file gets.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def commit(outputs: Mapping[Path, bytes]) -> list[Path]:
    """Write every output atomically: all temp files first, then one rename each.

    A temp file lives in the target's own folder (a rename is only atomic
    within one file system). If any write fails, every temp file is removed
    and no earlier output is touched. A symlink planted at a target is
    replaced by the rename, never written through.
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
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.chmod(tmp, mode)
        for tmp, target in staged:
            current = target
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        # Name the output, never the temporary file the user has never seen.
        where = current if current is not None else (exc.filename or "output")
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}") from None
    return [target for _, target in staged]
