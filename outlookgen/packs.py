"""Template packs: finding them, the ``extends:`` chain, metadata and per-locale labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.resources import data_dir

DEFAULT_PACK = "default"
_MAX_CHAIN = 16  # a longer extends chain is a loop or a mistake
_MAX_PACK_FILE = 1024 * 1024


@dataclass(frozen=True)
class Pack:
    """One pack folder; ``parent`` is the pack it extends (None for the root of the chain)."""

    name: str
    root: Path
    version: str = ""
    description: str = ""
    default_locale: str = "en"
    parent: Pack | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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
        """Labels for a locale, merged along the chain (the child's word wins, key by key)."""
        merged: dict[str, Any] = {}
        for pack in reversed(self.chain()):
            merged = _deep_merge(merged, pack._own_labels(locale))
        if not merged:
            raise TemplateError(f"template pack '{self.name}' has no labels for locale '{locale}'")
        return merged

    def _own_labels(self, locale: str) -> dict[str, Any]:
        path = self.root / "labels" / f"{locale}.yaml"
        if not path.is_file():
            return {}
        data = _read_yaml(path)
        overrides = (self.meta.get("labels") or {}).get(locale) or {}
        return _deep_merge(data, overrides)


def _deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > _MAX_PACK_FILE:
            raise TemplateError(diagnostics=[Diagnostic(str(path), 1, 1, "$", "file is larger than 1 MB")])
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise TemplateError(
            diagnostics=[Diagnostic(str(path), line, col, "$", f"YAML syntax: {exc.problem}")]
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(diagnostics=[Diagnostic(str(path), 1, 1, "$", f"cannot read: {exc}")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TemplateError(diagnostics=[Diagnostic(str(path), 1, 1, "$", "must be a mapping of keys")])
    return data


def builtin_packs() -> dict[str, Path]:
    root = data_dir("templates")
    return {p.name: p for p in sorted(root.iterdir()) if (p / "pack.yaml").is_file()}


def resolve_pack(ref: str | None = None) -> Pack:
    """A pack by built-in name or folder path, with its ``extends:`` chain resolved."""
    return _resolve(ref or DEFAULT_PACK, seen=())


def _resolve(ref: str, seen: tuple[str, ...]) -> Pack:
    builtin = builtin_packs()
    if ref in builtin:
        root = builtin[ref]
    else:
        root = Path(ref)
        if not (root / "pack.yaml").is_file():
            known = ", ".join(builtin) or "none"
            raise TemplateError(
                f"template pack '{ref}' not found: not a built-in pack ({known}) nor a folder with a pack.yaml"
            )
    key = str(root.resolve())
    if key in seen or len(seen) >= _MAX_CHAIN:
        raise TemplateError(f"template pack '{ref}' extends itself through its parents ({' → '.join(seen)})")
    meta = _read_yaml(root / "pack.yaml")
    parent_ref = meta.get("extends")
    parent = None
    if parent_ref:
        parent_path = root / str(parent_ref)
        parent = _resolve(
            str(parent_path) if parent_path.is_dir() and str(parent_ref) not in builtin else str(parent_ref),
            seen + (key,),
        )
    return Pack(
        name=str(meta.get("name") or root.name),
        root=root,
        version=str(meta.get("version") or ""),
        description=str(meta.get("description") or ""),
        default_locale=str(meta.get("default_locale") or "en"),
        parent=parent,
        meta=meta,
    )
