"""Template packs: finding them, the ``extends:`` chain, metadata and per-locale labels.

A pack folder is checked when it is resolved (:func:`outlookgen.packs.files.scan`:
regular files and folders only, nothing linking out), and its labels when they
are loaded (:mod:`outlookgen.packs.labels`: the shapes of the default pack's labels,
placeholders the code fills), so every command meets a broken pack as located
error lines before any work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.fields_repr import fields_repr
from outlookgen.package_data import data_dir

DEFAULT_PACK = "default"
_MAX_CHAIN = 16  # a longer extends chain is a loop or a mistake
_MAX_PACK_FILE = 1024 * 1024


@dataclass(frozen=True, repr=False)
class Pack:
    """One pack folder; ``parent`` is the pack it extends (None for the root of the chain)."""

    name: str
    root: Path
    version: str = ""
    description: str = ""
    default_locale: str = "en"
    parent: Pack | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    origin: str = "path"  # built-in | entry point <distribution> | path
    # pack.yaml as loaded, with its source map: label errors point at the line.
    source: Any = field(default=None, compare=False, repr=False)

    def find(self, fmt: str, name: str) -> Path | None:
        """The first ``<fmt>/<name>`` along the chain, never outside its pack's folder.

        ``name`` is a relative path with ``/`` separators. Symlinks are
        resolved before the check, so a link pointing out of a pack is
        refused like a ``../`` in the name.
        """
        for pack in self.chain():
            found = pack.own_file(f"{fmt}/{name}" if fmt else name)
            if found is not None:
                return found
        return None

    def own_file(self, relative: str) -> Path | None:
        """A file of this pack alone (no parents), confined to its folder; None if absent."""
        parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
        if not parts or any(p == ".." for p in parts):
            raise TemplateError(f"template pack '{self.name}': '{relative}' leaves the pack folder")
        candidate = self.root.joinpath(*parts)
        if not candidate.exists():
            return None
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise TemplateError(
                f"template pack '{self.name}': '{relative}' is a link to {resolved}, outside the pack folder"
            )
        return resolved if resolved.is_file() else None

    def chain(self) -> list[Pack]:
        """This pack first, then its ancestors: the template search order."""
        packs, pack = [], self
        while pack is not None:
            packs.append(pack)
            pack = pack.parent
        return packs

    def template_dirs(self, fmt: str) -> list[Path]:
        return [p.root / fmt for p in self.chain() if (p.root / fmt).is_dir()]

    def labels(self, locale: str) -> dict[str, Any]:
        """Labels for a locale, merged along the chain (the child's word wins, key by key).

        Each pack's own labels are checked as they are read; a chain whose
        root is not the default pack must set every label itself.
        """
        from outlookgen.packs.labels import missing_labels

        merged: dict[str, Any] = {}
        for pack in reversed(self.chain()):
            merged = _deep_merge(merged, pack.own_labels(locale))
        if not merged:
            raise TemplateError(f"template pack '{self.name}' has no labels for locale '{locale}'")
        missing = missing_labels(merged)
        if missing:
            root = self.chain()[-1]
            own = root.own_file(f"labels/{locale}.yaml")
            shown = str(own if own is not None else root.root / "pack.yaml")
            raise TemplateError(diagnostics=[_missing(shown, path, locale) for path in missing[:_MAX_MISSING]])
        return merged

    def own_labels(self, locale: str) -> dict[str, Any]:
        """This pack's labels for a locale (its labels file, then pack.yaml's ``labels.<locale>``), checked."""
        from outlookgen.packs.labels import label_problems, labels_checker
        from outlookgen.spec import verdicts

        path = self.own_file(f"labels/{locale}.yaml")
        problems: list[Diagnostic] = []
        data: dict[str, Any] = {}
        if path is not None:
            loaded = _read_yaml(path)
            data = loaded.data if loaded is not None else {}
            if loaded is not None and not verdicts.known_valid(loaded.digest, labels_checker()):
                found = label_problems(data, lambda p, lo=loaded: lo.locate(p))
                if not found:
                    verdicts.remember_valid(loaded.digest, labels_checker())
                problems += found
        overrides = self._label_overrides().get(locale)
        if overrides is not None:
            problems += label_problems(overrides, self._locate, prefix=("labels", locale))
        if problems:
            raise TemplateError(diagnostics=problems)
        return _deep_merge(data, overrides or {})

    def _label_overrides(self) -> dict[str, Any]:
        overrides = self.meta.get("labels")
        if overrides is None:
            return {}
        if not isinstance(overrides, dict):
            raise TemplateError(diagnostics=[self._diag(("labels",), "must be a mapping of locales to labels")])
        return overrides

    def _locate(self, path: tuple) -> tuple[str, int, int]:
        """(file, line, column) of a node of pack.yaml."""
        if self.source is None:
            return str(self.root / "pack.yaml"), 1, 1
        return self.source.locate(path)

    def _diag(self, path: tuple, message: str) -> Diagnostic:
        from outlookgen.errors import format_path

        file, line, column = self._locate(path)
        return Diagnostic(file, line, column, format_path(path), message)

    __repr__ = fields_repr


_MAX_MISSING = 10  # missing labels named in one error; the first ones show what is wrong


def _missing(shown: str, path: tuple, locale: str) -> Diagnostic:
    from outlookgen.errors import format_path

    name = format_path(path)
    return Diagnostic(
        shown,
        1,
        1,
        name,
        f"label '{name}' is missing for locale '{locale}': a pack that does not extend default sets every label",
    )


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_yaml(path: Path):
    """A pack's YAML file through the same hardened loader as specs (depth, alias, size limits).

    Returns the LoadedSpec (data and source map), or None for an empty file.
    """
    from outlookgen.errors import SpecError
    from outlookgen.spec.loader import Limits, load_spec

    try:
        loaded = load_spec(path, name=str(path), limits=Limits(max_bytes=_MAX_PACK_FILE))
    except SpecError as exc:
        message = "" if exc.diagnostics else str(exc)
        if message == "" and any("the file is empty" in d.message for d in exc.diagnostics):
            return None
        raise TemplateError(message, diagnostics=exc.diagnostics) from None
    if loaded.problems:
        raise TemplateError(diagnostics=loaded.problems)
    return loaded


ENTRY_POINT_GROUP = "outlookgen.packs"


def builtin_packs() -> dict[str, Path]:
    root = data_dir("templates")
    return {p.name: p for p in sorted(root.iterdir()) if (p / "pack.yaml").is_file()}


def installed_packs() -> dict[str, tuple[Path, str]]:
    """Packs that Python packages register under the ``outlookgen.packs`` entry-point group.

    An entry point names a module (its package folder holds pack.yaml) or an
    object that is a path to the pack folder: ``acme = acme_outlook_pack``
    or ``acme = acme_outlook_pack:PACK_DIR``. Returns name -> (folder, distribution).
    """
    from importlib.metadata import entry_points

    found: dict[str, tuple[Path, str]] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist is not None else "?"
        try:
            target = ep.load()
        except Exception as exc:  # a broken third-party package must not break outlookgen
            raise TemplateError(f"template pack '{ep.name}' from {dist} cannot be loaded: {exc}") from None
        folder = _entry_point_folder(target)
        if folder is None or not (folder / "pack.yaml").is_file():
            raise TemplateError(f"template pack '{ep.name}' from {dist} does not point at a folder with a pack.yaml")
        found.setdefault(ep.name, (folder, dist))
    return found


def _entry_point_folder(target: Any) -> Path | None:
    if isinstance(target, (str, Path)):
        return Path(target)
    files = getattr(target, "__path__", None)  # a package: its folder
    if files:
        return Path(next(iter(files)))
    module_file = getattr(target, "__file__", None)
    return Path(module_file).parent if module_file else None


def known_packs() -> list[tuple[str, Path, str]]:
    """(name, folder, origin) of every pack outlookgen can find by name: built-ins first."""
    out = [(name, path, "built-in") for name, path in builtin_packs().items()]
    names = {name for name, _, _ in out}
    for name, (path, dist) in installed_packs().items():
        if name not in names:
            out.append((name, path, f"entry point ({dist})"))
    return out


def resolve_pack(ref: str | None = None) -> Pack:
    """A pack by name (built-in or installed through an entry point) or folder path, with its chain resolved."""
    return _resolve(ref or DEFAULT_PACK, seen=(), base=Path.cwd())


def _locate(ref: str, base: Path) -> tuple[Path, str]:
    builtin = builtin_packs()
    if ref in builtin:
        return builtin[ref], "built-in"
    looks_like_path = "/" in ref or "\\" in ref or ref.startswith(".")
    if not looks_like_path:
        installed = installed_packs()
        if ref in installed:
            folder, dist = installed[ref]
            return folder, f"entry point ({dist})"
    root = (base / ref) if not Path(ref).is_absolute() else Path(ref)
    if (root / "pack.yaml").is_file():
        return root, "path"
    known = ", ".join(name for name, _, _ in known_packs()) or "none"
    raise TemplateError(f"template pack '{ref}' not found: not a known pack ({known}) nor a folder with a pack.yaml")


def _resolve(ref: str, seen: tuple[str, ...], base: Path) -> Pack:
    from outlookgen.packs.files import scan

    root, origin = _locate(ref, base)
    key = str(root.resolve())
    if key in seen or len(seen) >= _MAX_CHAIN:
        chain = " → ".join(Path(s).name for s in (*seen, key))
        raise TemplateError(f"template pack '{ref}' extends itself through its parents ({chain})")
    # The folder first: pack.yaml itself may be a link out of the pack.
    problems = scan(root)
    if problems:
        raise TemplateError(diagnostics=problems)
    loaded = _read_yaml(root / "pack.yaml")
    meta = loaded.data if loaded is not None else {}
    shown = Pack(name=root.name, root=root, source=loaded)  # locates errors in pack.yaml
    for name in ("name", "description", "default_locale", "extends"):
        if meta.get(name) is not None and not isinstance(meta[name], str):
            what = "a pack name or a folder path" if name == "extends" else "text"
            raise TemplateError(diagnostics=[shown._diag((name,), f"must be {what}")])
    if meta.get("version") is not None and not isinstance(meta["version"], (str, int, float)):
        raise TemplateError(diagnostics=[shown._diag(("version",), 'must be text such as "1.2.0"')])
    parent_ref = meta.get("extends")
    parent = _resolve(parent_ref, (*seen, key), base=root) if parent_ref else None
    return Pack(
        name=str(meta.get("name") or root.name),
        root=root,
        version=str(meta.get("version") or ""),
        description=str(meta.get("description") or ""),
        default_locale=str(meta.get("default_locale") or "en"),
        parent=parent,
        meta=meta,
        origin=origin,
        source=loaded,
    )
