"""``outlookgen templates check``: what is wrong with a template pack, found before a build trips on it.

Also holds the checks every build applies to a pack's reference.docx, since
a .docx is a zip from someone else: it must be a real Word document without
macros, must not be a zip bomb, and may not point at anything outside itself.
"""

from __future__ import annotations

import difflib
import zipfile
from pathlib import Path

from outlookgen.errors import Diagnostic, OutlookgenError, TemplateError
from outlookgen.packs import Pack, resolve_pack

FORMATS = ("md", "html", "docx")
MAIN_TEMPLATES = {"md": "outlook.md.j2", "html": "outlook.html.j2", "docx": "outlook.docx.j2"}
PACK_KEYS = {"name", "version", "description", "extends", "default_locale", "brand", "labels", "fonts"}
MAX_REFERENCE_BYTES = 20 * 1024 * 1024  # the .docx file itself
MAX_REFERENCE_UNZIPPED = 100 * 1024 * 1024  # all its parts, uncompressed
_MACRO_MARKERS = ("vbaproject.bin", "vbadata.xml")


def reference_docx_problems(path: Path) -> list[str]:
    """Why a reference.docx may not be used (empty when it may)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return [f"cannot read it: {exc.strerror or exc}"]
    if size > MAX_REFERENCE_BYTES:
        return [
            f"it is {size // (1024 * 1024)} MB; a reference document is at most {MAX_REFERENCE_BYTES // (1024 * 1024)} MB"
        ]
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return ["it is not a Word document (.docx is a zip file; this is not one)"]
    problems: list[str] = []
    with archive:
        names = {info.filename.lower(): info for info in archive.infolist()}
        if "[content_types].xml" not in names or "word/document.xml" not in names:
            return ["it is not a Word document (no [Content_Types].xml or word/document.xml)"]
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_REFERENCE_UNZIPPED:
            return [
                f"it unpacks to {total // (1024 * 1024)} MB; the limit is {MAX_REFERENCE_UNZIPPED // (1024 * 1024)} MB"
            ]
        content_types = archive.read(names["[content_types].xml"].filename)
        if any(marker in name for name in names for marker in _MACRO_MARKERS) or b"macroEnabled" in content_types:
            problems.append("it holds macros (a .docm saved as .docx); save it as a plain Word document")
        for name, info in names.items():
            if name.endswith(".rels") and b'TargetMode="External"' in archive.read(info.filename):
                problems.append(f'{info.filename} links to something outside the document (TargetMode="External")')
    return problems


def check_pack(ref: str) -> list[Diagnostic]:
    """Every problem found in a pack (its own files; the parents it extends are assumed sound)."""
    try:
        pack = resolve_pack(ref)
    except OutlookgenError as exc:
        return list(exc.diagnostics) or [Diagnostic(ref, 1, 1, "$", str(exc))]
    problems: list[Diagnostic] = []
    pack_file = str(pack.root / "pack.yaml")
    for key in pack.meta:
        if key not in PACK_KEYS and not str(key).startswith("x-"):
            close = difflib.get_close_matches(str(key), sorted(PACK_KEYS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(sorted(PACK_KEYS))}"
            problems.append(Diagnostic(pack_file, 1, 1, str(key), f"unknown key '{key}'{hint}"))
    problems += _check_links(pack)
    problems += _check_brand(pack)
    problems += _check_labels(pack)
    for fmt in FORMATS:
        problems += _check_templates(pack, fmt)
    problems += _check_reference(pack)
    return problems


def _check_links(pack: Pack) -> list[Diagnostic]:
    out = []
    root = pack.root.resolve()
    for path in sorted(pack.root.rglob("*")):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            out.append(
                Diagnostic(str(path), 1, 1, "$", f"a link to {path.resolve()}, outside the pack; it will be refused")
            )
    return out


def _check_brand(pack: Pack) -> list[Diagnostic]:
    from outlookgen.render.brand import load_brand

    try:
        load_brand(pack)
    except OutlookgenError as exc:
        return list(exc.diagnostics) or [Diagnostic(str(pack.root / "pack.yaml"), 1, 1, "brand", str(exc))]
    return []


def _label_paths(data, prefix=()) -> set[tuple]:
    out = set()
    if isinstance(data, dict):
        for key, value in data.items():
            out.add((*prefix, key))
            out |= _label_paths(value, (*prefix, key))
    return out


def _check_labels(pack: Pack) -> list[Diagnostic]:
    """A label a pack sets inside a section of the default labels that has no such key is a typo.

    A new top-level section (``acme: {about: ...}``) is the pack's own words
    for its own templates and is fine.
    """
    if pack.parent is None:
        return []
    out = []
    base = resolve_pack("default")
    for locale in ("en", "zh-CN"):
        known = _label_paths(base.labels(locale))
        own = pack._own_labels(locale)
        for path in sorted(_label_paths(own) - known):
            if any(part.startswith("x-") for part in path if isinstance(part, str)):
                continue
            if len(path) == 1 or path[:-1] not in known:
                continue  # a section of the pack's own, or reported at its parent key
            name = ".".join(str(p) for p in path)
            siblings = sorted(str(k[-1]) for k in known if k[:-1] == path[:-1])
            close = difflib.get_close_matches(str(path[-1]), siblings, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            shown = str(pack.root / "labels" / f"{locale}.yaml")
            out.append(
                Diagnostic(
                    shown, 1, 1, name, f"label '{name}' is not a label outlookgen uses{hint}; it would never show"
                )
            )
    return out


def _check_templates(pack: Pack, fmt: str) -> list[Diagnostic]:
    import jinja2

    from outlookgen.render.environment import _display, make_environment

    folder = pack.root / fmt
    if not folder.is_dir():
        return []
    try:
        env = make_environment(pack, fmt, filters={})  # parsing needs no filters; nothing renders
    except TemplateError as exc:
        return list(exc.diagnostics) or [Diagnostic(str(folder), 1, 1, "$", str(exc))]
    out: list[Diagnostic] = []
    for path in sorted(folder.rglob("*.j2")):
        name = path.relative_to(folder).as_posix()
        shown = _display(pack, str(path))
        try:
            source = path.read_text(encoding="utf-8")
            tree = env.parse(source, name, str(path))
        except jinja2.TemplateSyntaxError as exc:
            out.append(Diagnostic(shown, exc.lineno or 1, 1, "$", f"template syntax: {exc.message}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            out.append(Diagnostic(shown, 1, 1, "$", f"cannot read: {exc}"))
            continue
        out += _check_blocks(env, tree, shown)
    return out


def _blocks_of(env, name: str, seen: frozenset = frozenset()) -> set[str] | None:
    """Block names a template (and the templates it extends) defines; None when it cannot be loaded."""
    import jinja2
    from jinja2 import nodes

    if name in seen:
        return set()
    try:
        source, filename, _ = env.loader.get_source(env, name)
        tree = env.parse(source, name, filename)
    except (jinja2.TemplateError, OSError):
        return None
    blocks = {b.name for b in tree.find_all(nodes.Block)}
    for ext in tree.find_all(nodes.Extends):
        if isinstance(ext.template, nodes.Const):
            parent = _blocks_of(env, ext.template.value, seen | {name})
            blocks |= parent or set()
    return blocks


def _check_blocks(env, tree, shown: str) -> list[Diagnostic]:
    from jinja2 import nodes

    out = []
    for ext in tree.find_all(nodes.Extends):
        if not isinstance(ext.template, nodes.Const):
            continue
        parent = ext.template.value
        available = _blocks_of(env, parent)
        if available is None:
            out.append(Diagnostic(shown, ext.lineno, 1, "$", f"extends '{parent}', which no pack in the chain has"))
            continue
        for block in tree.find_all(nodes.Block):
            if block.name not in available:
                close = difflib.get_close_matches(block.name, sorted(available), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                out.append(
                    Diagnostic(
                        shown,
                        block.lineno,
                        1,
                        "$",
                        f"block '{block.name}' does not exist in '{parent}'{hint}; it would never show",
                    )
                )
    return out


def _check_reference(pack: Pack) -> list[Diagnostic]:
    path = pack.root / "docx" / "reference.docx"
    if not path.exists():
        return []
    shown = str(path)
    problems = [Diagnostic(shown, 1, 1, "$", p) for p in reference_docx_problems(path)]
    if problems:
        return problems
    return [Diagnostic(shown, 1, 1, "$", f"lacks the {m} the Word writer uses") for m in missing_styles(path)]


def missing_styles(path: Path) -> list[str]:
    """Styles the Word writer needs that a reference.docx does not define (matched by name or id)."""
    import xml.etree.ElementTree as ET

    from outlookgen.render.docx.styles import REQUIRED, W

    with zipfile.ZipFile(path) as archive:
        try:
            root = ET.fromstring(archive.read("word/styles.xml"))
        except KeyError:
            return ["word/styles.xml"]
    present: set[tuple[str, str]] = set()
    for style in root.iter(W + "style"):
        kind = style.get(W + "type") or "paragraph"
        name = style.find(W + "name")
        for value in (style.get(W + "styleId"), name.get(W + "val") if name is not None else None):
            if value:
                present.add((kind, value.lower()))
    return [
        f"{kind} style '{n}'" for kind, names in REQUIRED.items() for n in names if (kind, n.lower()) not in present
    ]
