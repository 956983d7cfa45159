"""The preview's state: each spec's last good page, its problems and lint findings, and the other formats on request.

A change renders again only the specs whose inputs changed: each spec's
inputs digest (the spec, its fragments, the pack's files, the settings —
``project.cache.inputs_digest``, as the incremental build uses) is compared with
the one its page was rendered from. A spec that stops validating keeps its
last good page; its problems are shown over it until a save fixes them. Every
change bumps a generation number that the event streams wait on.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from outlookgen.errors import FeatureUnavailable, OutlookgenError
from outlookgen.project.preview import outcome
from outlookgen.project.preview.folder import NotServed, OutputFolder
from outlookgen.project.preview.outcome import Problem
from outlookgen.project.preview.targets import Targets, resolve

# The formats offered for download beside the page, in the order the page lists them.
DOWNLOADS = ("docx", "pdf", "md")
_SPEC_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Reporter:
    """Where the preview says what it did (``info``) and what is wrong (``error``): the terminal, in the CLI."""

    info: Callable[[str], None] = lambda _message: None
    error: Callable[[OutlookgenError], None] = lambda _error: None


@dataclass
class Entry:
    """One previewed spec."""

    spec: Path
    stem: str  # its files are served as STEM.html, STEM.docx, STEM.pdf, STEM.md
    version: int = 0  # bumped by every new page; 0: no good page yet
    title: str = ""
    locale: str = "en"
    digest: str | None = None  # the inputs the page (or the problems) came from; None: render at the next refresh
    page_digest: str = ""  # the bytes of the page on disk
    dependencies: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    findings: tuple[Problem, ...] = ()
    codes: tuple[str, ...] = ()
    renders: int = 0  # how often the spec was rendered (a change that touches nothing renders nothing)
    downloads: dict[str, str] = field(default_factory=dict)  # format -> inputs digest of the file on disk

    @property
    def page(self) -> str:
        return f"{self.stem}.html"


class DownloadUnavailable(Exception):
    """A format that cannot be built now; ``problems`` say why (the spec's errors, or a missing extra)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems[0].text if problems else "")
        self.problems = tuple(problems)


class Session:
    """Everything the preview shows, kept current by :meth:`refresh`; safe to read from any thread."""

    def __init__(self, arguments: Sequence[Path], pack: str | None, locale: str | None, reporter: Reporter) -> None:
        self._arguments, self._pack_ref, self._locale = tuple(arguments), pack, locale
        self._files = frozenset(Path(a) for a in arguments if os.path.isfile(a))
        self.reporter = reporter
        self.targets: Targets = resolve(arguments, pack, locale)  # a mistake here stops the command (exit 1/2)
        missing = [str(s) for s in self.targets.specs if not os.path.exists(s)]
        if missing:  # a typo on the command line, not a save that went wrong: said before serving
            raise OutlookgenError(f"{missing[0]}: no such file")
        from outlookgen.packs import resolve_pack

        resolve_pack(self.targets.options.pack)  # an unknown pack is a command-line mistake, said before serving
        self.folder = OutputFolder()
        self.entries: dict[str, Entry] = {}
        self.general: tuple[Problem, ...] = ()  # the configuration's or the pack's problems: shown on every page
        self.generation = 0
        self.closed = False
        self._state = threading.Condition()
        self._work = threading.RLock()  # one render at a time: pages and downloads share the pipeline
        self._context = ""
        self._readable: tuple[str, ...] = ()
        self._pack_roots: tuple[Path, ...] = ()
        self._config_errors: tuple[OutlookgenError, ...] = ()
        self.pdf_hint = _pdf_hint()
        self._adopt(self.targets)

    # ------------------------------------------------------------------ reading (any thread)

    def entry(self, stem: str) -> Entry | None:
        with self._state:
            return self.entries.get(stem)

    def entries_in_order(self) -> list[Entry]:
        with self._state:
            return list(self.entries.values())

    def page(self, stem: str) -> tuple[bytes | None, str]:
        """The page on disk and its version, read together (the version names the bytes returned)."""
        with self._state:
            entry = self.entries.get(stem)
            if entry is None:
                raise NotServed(stem)
            if entry.version == 0:
                return None, "0"
            try:
                return self.folder.read(entry.page), str(entry.version)
            except NotServed:
                return None, "0"

    def state(self, stem: str | None) -> dict:
        """What the page of ``stem`` (None: the index) shows besides itself: version, problems, findings, downloads."""
        with self._state:
            general = [p.as_json() for p in self.general]
            if stem is None:
                return {"version": self._index_version(), "problems": general}
            entry = self.entries.get(stem)
            if entry is None:
                return {"version": "gone", "problems": general}
            return {
                "version": str(entry.version),
                "spec": str(entry.spec),
                "problems": general + [p.as_json() for p in entry.problems],
                "findings": [{**f.as_json(), "code": c} for f, c in zip(entry.findings, entry.codes, strict=True)],
                "downloads": {
                    fmt: None if fmt == "pdf" and self.pdf_hint else f"{entry.stem}.{fmt}" for fmt in DOWNLOADS
                },
                "pdf_hint": self.pdf_hint,
                "lang": entry.locale,
            }

    def summary(self) -> dict:
        """Every spec in one document (``/_preview/state.json``): for the index page and for scripts."""
        with self._state:
            return {
                "generation": self.generation,
                "problems": [p.as_json() for p in self.general],
                "specs": [
                    {
                        "spec": str(e.spec),
                        "page": e.page,
                        "title": e.title,
                        "version": e.version,
                        "renders": e.renders,
                        "problems": len(e.problems),
                        "findings": len(e.findings),
                    }
                    for e in self.entries.values()
                ],
            }

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the generation differs from ``seen`` (or ``timeout`` seconds, or close); the generation."""
        with self._state:
            self._state.wait_for(lambda: self.generation != seen or self.closed, timeout)
            return self.generation

    def _index_version(self) -> str:
        facts = [(e.stem, e.title, e.version, len(e.problems), len(e.findings)) for e in self.entries.values()]
        return hashlib.sha256(json.dumps([facts, len(self.general)]).encode()).hexdigest()[:16]

    # ------------------------------------------------------------------ changing (the watcher's thread)

    def watched(self) -> tuple[list[Path], Path, Path | None]:
        """What the watcher watches: spec, fragment, pack and configuration folders; the output folder to ignore."""
        from outlookgen.project.watch import watched_folders

        with self._state:
            # A spec's folder (where it is named, and where a link leads), even while a folder stands in its place.
            specs = {Path(f(e.spec)).parent for e in self.entries.values() for f in (os.path.abspath, os.path.realpath)}
            fragments = [Path(d) for e in self.entries.values() for d in e.dependencies]
            config = self.targets.config
        folders = watched_folders([*specs, *fragments], self._pack_roots, config)
        return [f for f in folders if f.is_dir()], self.folder.path, config

    def refresh(self, changed: Iterable[tuple[object, str]] | None = None) -> None:
        """Render again every spec whose inputs changed; ``changed`` holds the watcher's (change, path) pairs,
        None renders what is not known to be current. Never raises: what goes wrong is shown on the pages."""
        with self._work:
            changes = [(kind, os.path.realpath(path)) for kind, path in changed] if changed is not None else None
            if changes is None or self._targets_may_differ(changes):
                try:
                    self._adopt(resolve(self._arguments, self._pack_ref, self._locale, self._files))
                    self._config_errors = ()
                except OutlookgenError as exc:  # the configuration saved broken: the last good one stays
                    self._config_errors = (exc,)  # until the configuration is saved again
            pack_errors: tuple[OutlookgenError, ...] = ()
            try:
                self._prepare_context()
            except OutlookgenError as exc:  # the pack saved broken: every page keeps its last good render
                pack_errors = (exc,)
            else:
                for entry in self.entries_in_order():
                    self._refresh_entry(entry)
            self._set_general([*self._config_errors, *pack_errors])

    def _targets_may_differ(self, changes: Sequence[tuple[object, str]]) -> bool:
        config = self.targets.config
        if config is not None and any(path == os.path.realpath(config) for _, path in changes):
            return True
        # A spec file added to or deleted from a previewed folder (a save's rename shows as both).
        return self.targets.discovered and any(
            path.lower().endswith(_SPEC_SUFFIXES) and getattr(kind, "name", str(kind)) in ("added", "deleted")
            for kind, path in changes
        )

    def _adopt(self, targets: Targets) -> None:
        """Take a new list of specs and settings: keep what is known of each spec still there."""
        from outlookgen.output.files import output_name

        with self._state:
            settings_changed = targets.options != self.targets.options or targets.lint != self.targets.lint
            self.targets = targets
            by_spec = {e.spec: e for e in self.entries.values()}
            kept = {spec: by_spec[spec] for spec in targets.specs if spec in by_spec}
            taken: dict[str, Entry] = {e.stem: e for e in kept.values()}  # a spec keeps its address
            entries: dict[str, Entry] = {}
            for spec in targets.specs:
                entry = kept.get(spec)
                if entry is None:
                    entry = Entry(spec, _unique(_stem(output_name(spec, "")), taken))
                    taken[entry.stem] = entry
                elif settings_changed:
                    entry.digest = None
                    entry.downloads.clear()
                entries[entry.stem] = entry
            if list(entries) != list(self.entries):
                self.generation += 1
                self._state.notify_all()
            self.entries = entries

    def _prepare_context(self) -> None:
        """The part of every spec's inputs that is not a file of its own: pack files and settings."""
        from outlookgen.packs import resolve_pack
        from outlookgen.project import cache
        from outlookgen.source_date import source_date_epoch

        options, config = self.targets.options, self.targets.config
        try:
            roots = tuple(p.root for p in resolve_pack(options.pack).chain())
        except (OSError, UnicodeDecodeError) as exc:
            from outlookgen.project.faults import system_error

            raise system_error(exc) from None
        self._pack_roots = roots
        self._readable = (*(str(r) for r in roots), *([str(config)] if config else []))
        config_digest = cache.digest_file(config) if config is not None else ""
        self._context = "\0".join(
            [
                "preview",
                cache.tree_digest(roots),
                options.pack or "",
                options.locale or "",
                config_digest or "",
                repr(self.targets.lint),
                source_date_epoch(),
            ]
        )

    def _refresh_entry(self, entry: Entry) -> None:
        """Render one spec again when its inputs changed; the new page is shown first, its findings next."""
        from outlookgen.project import cache

        digest = cache.inputs_digest(entry.spec, entry.dependencies, f"{self._context}\0html")
        if digest is not None and digest == entry.digest and not entry.problems:
            return  # nothing it is built from has changed: an editor's touch, another spec's save
        started = time.perf_counter()
        result = outcome.render(entry.spec, "html", self.targets.options, self._readable)
        page_digest = cache.digest_bytes(result.payload) if result.payload is not None else ""
        if result.payload is not None and page_digest != entry.page_digest:
            try:
                self.folder.write(entry.page, result.payload)
            except OutlookgenError as exc:  # the disk is full, the temporary folder went away
                result = outcome.failed(entry.spec, exc, self._readable, result.dependencies)
        seconds = time.perf_counter() - started
        earlier = entry.problems
        with self._state:
            entry.renders += 1
            # The digest taken before rendering is the page's only while the fragments read stay the same;
            # otherwise the next change renders again (a save during the render is never lost).
            same_inputs = sorted(result.dependencies) == sorted(entry.dependencies)
            entry.digest = digest if same_inputs else None
            if result.payload is not None:
                entry.version += 1 if page_digest != entry.page_digest else 0  # the same bytes: no reload
                entry.page_digest = page_digest
                entry.problems = ()
                entry.dependencies = result.dependencies
            else:
                entry.problems = result.problems
                entry.dependencies = tuple(dict.fromkeys((*entry.dependencies, *result.dependencies)))
            self.generation += 1
            self._state.notify_all()
        if result.payload is None:
            if result.error is not None and [p.text for p in earlier] != [p.text for p in result.problems]:
                self.reporter.error(result.error)
            return
        self.reporter.info(f"{entry.spec}: {'fixed; ' if earlier else ''}rendered {entry.page} in {seconds:.2f} s")
        linted = outcome.lint(result, self.targets.options, self.targets.lint, self._readable)
        with self._state:
            entry.title = linted.title or entry.title
            entry.locale = linted.locale
            entry.findings, entry.codes = linted.findings, linted.codes
            self.generation += 1
            self._state.notify_all()

    def _set_general(self, errors: Sequence[OutlookgenError]) -> None:
        general = tuple(p for exc in errors for p in outcome.problems_of(exc, self._readable))
        with self._state:
            if general == self.general:
                return  # still the same problems: said once
            self.general = general
            self.generation += 1
            self._state.notify_all()
        for exc in errors:
            self.reporter.error(exc)

    # ------------------------------------------------------------------ the other formats (request threads)

    def download(self, stem: str, fmt: str) -> bytes:
        """The spec of ``stem`` in ``fmt`` as it is now: built on request, then kept while its inputs are the same.

        :class:`DownloadUnavailable` when the spec does not build (its
        problems) or the format needs an extra that is missing.
        """
        from outlookgen.project import cache
        from outlookgen.render.registry import FORMATS

        if fmt == "pdf" and self.pdf_hint:
            raise DownloadUnavailable([Problem(f"outlookgen: error: {self.pdf_hint}")])
        with self._work:
            entry = self.entry(stem)
            if entry is None:
                raise NotServed(stem)
            name = f"{entry.stem}{FORMATS[fmt].extension}"
            digest = cache.inputs_digest(entry.spec, entry.dependencies, f"{self._context}\0{fmt}")
            if digest is not None and entry.downloads.get(fmt) == digest:
                try:
                    return self.folder.read(name)
                except NotServed:
                    pass  # removed from the folder since: build it again
            result = outcome.render(entry.spec, fmt, self.targets.options, self._readable)
            if result.payload is None:
                raise DownloadUnavailable(result.problems)
            self.folder.write(name, result.payload)
            same_inputs = tuple(sorted(result.dependencies)) == tuple(sorted(entry.dependencies))
            with self._state:
                if same_inputs and digest is not None:
                    entry.downloads[fmt] = digest
                else:
                    entry.downloads.pop(fmt, None)
            return result.payload

    def close(self) -> None:
        with self._state:
            self.closed = True
            self._state.notify_all()
        with self._work:
            self.folder.close()


def _pdf_hint() -> str:
    """Why PDF cannot be built here and how to get it ("" when WeasyPrint is installed).

    WeasyPrint is looked up, not imported, when it is there (importing it
    takes a second): one without its system libraries is found out when a
    PDF is asked for, and the answer says so.
    """
    import importlib.util

    from outlookgen.render import registry

    if importlib.util.find_spec("weasyprint") is not None:
        return ""
    try:
        registry.preflight(("pdf",))
    except FeatureUnavailable as exc:
        return str(exc)
    return ""


def _stem(name: str) -> str:
    return name if name and not name.startswith(".") else f"spec{name}"


def _unique(stem: str, taken: dict[str, Entry]) -> str:
    """``stem``, or ``stem-2``, ``stem-3``… when two specs in different folders share a file name."""
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate
