"""Texts read before, kept by digest: an unchanged spec, pack.yaml or labels file is not parsed again.

Reading a text is a pure function of the text, its display name, the limits
and the reading code (:mod:`.loader`, :mod:`.source`, :mod:`.yaml_events`,
:mod:`.scalars`, PyYAML), so what it gives can be kept under a digest of all
of them, as the validation verdicts are (:mod:`.verdicts`). A build whose
texts were all read before never loads PyYAML (~10 ms) nor parses (~8 ms
for a sample's spec, pack and labels).

Only a text read without a problem is kept: one with problems is read again
every time, so its error lines always come from a fresh read. An entry
carries the digest of what it holds and is written whole or not at all; one
that cannot be read or does not match costs a read, never the build. Entries
are pickles in the user's cache folder (``OUTLOOKGEN_CACHE_DIR``), which only
the user can write, like the compiled templates beside them
(:mod:`outlookgen.packs.bytecode`); nothing a spec says can put anything there
but its own data as outlookgen read it.
"""

from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

from outlookgen.spec.source import Limits, LoadedSpec, Mark, SourceMap


def recall(source: str, name: str, limits: Limits) -> LoadedSpec | None:
    """What reading ``source`` as ``name`` gave before, if it was kept."""
    import pickle

    from outlookgen.user_cache import read_entry

    payload = read_entry(_entry(source, name, limits))
    if payload is None:
        return None
    try:
        loaded = pickle.loads(payload)
    except Exception:  # an entry of another make: read the text again
        return None
    return loaded if isinstance(loaded, LoadedSpec) else None


def keep(source: str, name: str, limits: Limits, loaded: LoadedSpec) -> None:
    """Remember ``loaded`` for ``source`` (only when it was read without a problem)."""
    if loaded.problems or loaded.includes:
        return
    import pickle

    from outlookgen.user_cache import write_entry

    portable = LoadedSpec(
        loaded.file,
        loaded.data,
        _portable(loaded.source),
        loaded.problems,
        loaded.reported,
        digest=loaded.digest,
    )
    write_entry(_entry(source, name, limits), pickle.dumps(portable, pickle.HIGHEST_PROTOCOL))


def _portable(source: SourceMap) -> SourceMap:
    """The source map with the parser's marks as plain positions (unpickling them would load PyYAML)."""
    values, keys, raws = source.pairs()
    return SourceMap(
        [(path, Mark(m.line, m.column)) for path, m in values],
        [(path, Mark(m.line, m.column)) for path, m in keys],
        list(raws),
    )


def _entry(source: str, name: str, limits: Limits) -> Path:
    from outlookgen.user_cache import cache_dir

    h = hashlib.sha256(_reader().encode())
    for part in (name, repr(limits), source):
        h.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return cache_dir() / "parsed" / h.hexdigest()


@lru_cache(maxsize=1)
def _reader() -> str:
    """What besides the text decides what reading it gives: the reading code, PyYAML and libyaml, Python."""
    import importlib.util

    from outlookgen.spec.verdicts import checker_digest

    here = Path(__file__).resolve().parent
    code = [here / name for name in ("loader.py", "source.py", "yaml_events.py", "scalars.py")]
    found = importlib.util.find_spec("yaml")  # located, not imported
    yaml_identity = ""
    if found is not None and found.origin:
        folder = Path(found.origin).parent
        code.append(Path(found.origin))  # its __version__
        yaml_identity = " ".join(sorted(p.name for p in folder.iterdir() if p.name.startswith("_yaml")))
    return f"{checker_digest(code)} {yaml_identity} {sys.version}"
