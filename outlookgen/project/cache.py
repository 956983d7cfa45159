"""The build cache: what each spec was built into, keyed by digests of what it was built from.

Content-addressed: a spec's record is found by the digest of its own bytes
and its project-relative name (:mod:`outlookgen.project.names`), and maps
each *inputs digest* — the spec's and its fragments' bytes, the template
pack's files, the options that shape the output, outlookgen's own code and
``SOURCE_DATE_EPOCH`` — to the digest of every format it gave. Builds are
deterministic, so an output whose file still has the recorded digest for
today's inputs is current without rendering; a lost, stale or damaged record
can only cost time, never leave a wrong file. Nothing in a record names an
absolute path or an output folder, so a cache folder restored on another
machine or checkout (CI's ``actions/cache``) is as good as the one that made
it. A record also keeps what the build learnt of the spec on the way: its
portfolio facts, its lint findings and its size.

Records live in the user's cache folder, not beside the outputs, so output
folders hold nothing but documents: ``$OUTLOOKGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/outlookgen``, else ``~/.cache/outlookgen`` — under
``specs/``, beside ``templates/`` (compiled Jinja) and ``valid/`` (verdicts).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from outlookgen import __version__
from outlookgen.user_cache import cache_dir, mark_used

_FORMAT = 2
# Inputs digests kept per spec: one per pack and option set it is built with (docs, a firm pack, -f pdf...).
MAX_BUILDS = 16


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file; None when it is missing, unreadable or anything else.

    A FIFO or a device planted where a spec, fragment or output was would
    block or never end, so nothing but a regular file is read (opened
    without blocking, then checked).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def digest_file(path: Path) -> str | None:
    data = read_regular(path)
    return None if data is None else digest_bytes(data)


def tree_digest(folders: Iterable[Path]) -> str:
    """One digest over every file below the folders (a template pack chain), by relative name.

    Pack folders come from others: resolving a pack already refused FIFOs,
    devices, unreadable files and links out of it (outlookgen.packs.files), but
    this digest must not hang or fail whatever it meets (a file swapped since,
    a digest asked for without resolving). Only what ``os.stat`` calls a
    regular file is opened, without blocking; anything else, and a file that
    cannot be read, enters the digest as a marker, which costs a rebuild at
    worst. Links to folders are not followed (rglob), so a link loop cannot
    make the walk endless.
    """
    h = hashlib.sha256()
    # By position in the chain, not by folder name: the same pack installed or
    # checked out elsewhere gives the same digest (a restored CI cache stays good).
    for position, folder in enumerate(folders):
        h.update(f"\0pack {position}\0".encode())
        for path in sorted(folder.rglob("*")):
            try:
                mode = os.stat(path).st_mode
            except (OSError, ValueError):
                mode = 0  # a link to nothing, a loop: a marker
            if stat.S_ISDIR(mode):
                continue
            h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            # stat before open: even opening a device can do something (a watchdog, a tape drive).
            data = read_regular(path) if stat.S_ISREG(mode) else None
            h.update(b"\0unreadable\0" if data is None else data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """outlookgen's own code: a different install (or an edited checkout) never reuses old outputs."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def inputs_digest(spec: Path, dependencies: Iterable[str], context: str) -> str | None:
    """Digest of a spec, its fragments and the build context; None when any input is unreadable."""
    h = hashlib.sha256(f"outlookgen {tool_digest()}\0{context}\0".encode())
    for path in (str(spec), *sorted(dependencies)):
        file_digest = digest_file(Path(path))
        if file_digest is None:
            return None
        h.update(f"{path}\0{file_digest}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def sources_digest(spec: Path, dependencies: Iterable[str], base: Path, spec_digest: str | None = None) -> str | None:
    """Digest of a spec's bytes (``spec_digest`` when already known) and of every other file it read
    (``dependencies``: project-relative names); None when one cannot be read."""
    h = hashlib.sha256(b"outlookgen sources\0")
    for name in ("", *sorted(dependencies)):
        if not name and spec_digest is not None:
            file_digest: str | None = spec_digest
        else:
            file_digest = digest_file(spec if not name else base / name)
        if file_digest is None:
            return None
        h.update(f"{name}\0{file_digest}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def build_digest(sources: str, context: str) -> str:
    """The inputs digest of one build of a spec: its sources and everything else that shapes the outputs."""
    return hashlib.sha256(f"outlookgen {tool_digest()}\0{context}\0{sources}".encode()).hexdigest()


def spec_key(name: str, spec_digest: str) -> str:
    """Where a spec's record is kept: its project-relative name and the digest of its bytes."""
    text = f"outlookgen spec record {_FORMAT}\0{tool_digest()}\0{name}\0{spec_digest}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def record_path(key: str) -> Path:
    return cache_dir() / "specs" / key[:2] / f"{key}.json"


def learnt_path(key: str) -> Path:
    """Where a record's facts and findings are kept, beside it."""
    return cache_dir() / "specs" / key[:2] / f"{key}.learnt.json"


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


class SpecRecord:
    """What the cache knows of one spec (its bytes and name fixed by ``key``).

    ``dependencies`` are the project-relative names of the other files its
    last build read (fragments, the --changes-since file), ``sources`` the
    digest of all of their bytes with the spec's; ``builds`` maps an inputs
    digest to ``{format: output digest}``. What was learnt of the spec —
    ``facts`` (for the portfolio), ``findings`` (lint) and ``tasks`` — belongs
    to ``sources`` too and is cleared when they change, as is ``seconds``, what
    its last build took (``--shard-by time`` deals by it). Facts and findings
    are kept in a file of their own, read only when asked for: an up-to-date
    check of a thousand specs reads just the small part it needs.
    """

    def __init__(
        self,
        key: str,
        spec: str,
        dependencies: tuple[str, ...] = (),
        sources: str = "",
        builds: dict[str, dict[str, str]] | None = None,
        tasks: int | None = None,
        seconds: float | None = None,
    ) -> None:
        self.key, self.spec = key, spec
        self.spec_digest: str | None = None  # the digest of the spec's bytes the record was looked up by
        self.dependencies, self.sources = dependencies, sources
        self.builds = builds if builds is not None else {}
        self.tasks = tasks
        self.seconds = seconds
        self.changed = False  # the main file must be written
        self._learnt: tuple[dict | None, list | None] | None = None  # (facts, findings) once read
        self._learnt_changed = False

    @classmethod
    def read(cls, key: str, spec: str) -> SpecRecord:
        """The record kept under ``key``; an empty one when there is none or it is damaged."""
        try:
            raw = json.loads(read_regular(record_path(key)) or b"{}")
            if not isinstance(raw, dict) or raw.get("format") != _FORMAT or raw.get("spec") != spec:
                return cls(key, spec)
            mark_used(record_path(key))
            deps, builds, tasks = raw.get("dependencies"), raw.get("builds"), raw.get("tasks")
            if not (_strings(deps) and isinstance(raw.get("sources"), str) and isinstance(builds, dict)):
                return cls(key, spec)
            kept = {
                digest: dict(outputs)
                for digest, outputs in builds.items()
                if isinstance(outputs, dict) and all(isinstance(v, str) for v in outputs.values())
            }
            tasks = tasks if isinstance(tasks, int) and not isinstance(tasks, bool) else None
            seconds = raw.get("seconds")
            seconds = float(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else None
            return cls(key, spec, tuple(deps), raw["sources"], kept, tasks, seconds)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            # A missing or damaged record only costs a rebuild.
            return cls(key, spec)

    # -- what was learnt, in its own file --------------------------------------
    def _read_learnt(self) -> tuple[dict | None, list | None]:
        if self._learnt is None:
            facts = findings = None
            try:
                raw = json.loads(read_regular(learnt_path(self.key)) or b"{}")
                if isinstance(raw, dict) and raw.get("sources") == self.sources and self.sources:
                    mark_used(learnt_path(self.key))
                    facts = raw.get("facts") if isinstance(raw.get("facts"), dict) else None
                    findings = raw.get("findings") if isinstance(raw.get("findings"), list) else None
            except (ValueError, TypeError, AttributeError, RecursionError):
                pass
            self._learnt = (facts, findings)
        return self._learnt

    @property
    def facts(self) -> dict | None:
        return self._read_learnt()[0]

    @property
    def findings(self) -> list | None:
        return self._read_learnt()[1]

    # -- changing it ------------------------------------------------------------
    def renew(self, sources: str, dependencies: Iterable[str]) -> None:
        """Make the record one of ``sources``: what it knew of other sources is dropped."""
        deps = tuple(sorted(dependencies))
        if sources != self.sources or deps != self.dependencies:
            self.sources, self.dependencies = sources, deps
            self.builds, self.tasks, self.seconds, self._learnt = {}, None, None, (None, None)
            self.changed = True

    def outputs(self, inputs: str) -> Mapping[str, str]:
        return self.builds.get(inputs, {})

    def record(self, inputs: str, fmt: str, output_digest: str) -> None:
        outputs = self.builds.pop(inputs, {})  # re-inserted last: the oldest builds go first
        if outputs.get(fmt) != output_digest:
            self.changed = True
        outputs[fmt] = output_digest
        self.builds[inputs] = outputs
        while len(self.builds) > MAX_BUILDS:
            self.builds.pop(next(iter(self.builds)))
            self.changed = True

    def learn(self, facts: dict | None, findings: list | None, tasks: int | None, seconds: float | None = None) -> None:
        """Keep what a build or a load found out about the spec (None: not found out this time)."""
        old_facts, old_findings = self._read_learnt()
        new = (facts if facts is not None else old_facts, findings if findings is not None else old_findings)
        if new != (old_facts, old_findings):
            self._learnt, self._learnt_changed = new, True
        if tasks is not None and tasks != self.tasks:
            self.tasks, self.changed = tasks, True
        if seconds is not None and seconds != self.seconds:
            self.seconds, self.changed = round(seconds, 3), True

    def serialise(self) -> bytes:
        document = {
            "format": _FORMAT,
            "spec": self.spec,
            "dependencies": list(self.dependencies),
            "sources": self.sources,
            "builds": self.builds,
            "tasks": self.tasks,
            "seconds": self.seconds,
        }
        return _json(document)

    def serialise_learnt(self) -> bytes:
        facts, findings = self._read_learnt()
        return _json({"sources": self.sources, "facts": facts, "findings": findings})

    def files(self) -> dict[Path, bytes]:
        """The files to write for what changed."""
        out = {}
        if self.changed:
            out[record_path(self.key)] = self.serialise()
        if self._learnt_changed:
            out[learnt_path(self.key)] = self.serialise_learnt()
        return out


def _json(document: dict) -> bytes:
    # ASCII: a name with undecodable bytes (a lone surrogate) still serialises.
    return (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def save_records(records: Iterable[SpecRecord]) -> None:
    """Write the records that changed; the cache is a convenience, so failing to write it is not an error."""
    from outlookgen.errors import OutputError
    from outlookgen.output.files import commit

    records = list(records)
    changed = {path: data for r in records for path, data in r.files().items()}
    if not changed:
        return
    try:
        commit(changed)
    except (OutputError, OSError):
        return
    for record in records:
        record.changed = record._learnt_changed = False
