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

import gc
import hashlib
import sys
from functools import lru_cache
from pathlib import Path

from outlookgen.spec.source import Limits, LoadedSpec, Mark, SourceMap

# Texts up to this many characters are kept. A hand-written spec, a pack.yaml or a labels file is
# far below it, and for them the parser's import and set-up are most of the reading; a generated
# 2,000-task spec (480 KB) parses in ~65 ms, less than keeping its positions costs each time it changes.
MAX_KEPT = 128 * 1024


def recall(source: str, name: str, limits: Limits) -> LoadedSpec | None:
    """What reading ``source`` as ``name`` gave before, if it was kept."""
    import pickle

    from outlookgen.user_cache import read_entry

    payload = read_entry(_entry(source, name, limits))
    if payload is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # the data is a tree: the cyclic collector has nothing to find while it is built
    try:
        loaded = pickle.loads(payload)
    except Exception:  # an entry of another make: read the text again
        return None
    finally:
        if collecting:
            gc.enable()
    return loaded if isinstance(loaded, LoadedSpec) else None


def keep(source: str, name: str, limits: Limits, loaded: LoadedSpec) -> None:
    """Remember ``loaded`` for ``source`` (only when it was read without a problem)."""
    if loaded.problems or len(source) > MAX_KEPT:
        return
    import pickle

    from outlookgen.user_cache import write_entry

    collecting = gc.isenabled()
    gc.disable()
    try:
        portable = LoadedSpec(
            loaded.file,
            loaded.data,
            _portable(loaded.source),
            loaded.problems,
            loaded.reported,
            digest=loaded.digest,
        )
        payload = pickle.dumps(portable, pickle.HIGHEST_PROTOCOL)
    finally:
        if collecting:
            gc.enable()
    write_entry(_entry(source, name, limits), payload)


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
