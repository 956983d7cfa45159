"""``outlookgen templates check``: what is wrong with a template pack, found before a build trips on it.

A pack's reference.docx is judged by :func:`outlookgen.packs.reference_docx.check_reference`,
the very function every Word build runs, so ``check`` passes exactly the files a build accepts.
"""

from __future__ import annotations

import difflib

from outlookgen.errors import Diagnostic, OutlookgenError, TemplateError
from outlookgen.packs import Pack, resolve_pack
from outlookgen.packs.files import display_path

FORMATS = ("md", "html", "docx")
MAIN_TEMPLATES = {"md": "outlook.md.j2", "html": "outlook.html.j2", "docx": "outlook.docx.j2"}
PACK_KEYS = {"name", "version", "description", "extends", "default_locale", "brand", "labels", "fonts"}


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
    # Links out of the pack, FIFOs, devices and unreadable files stop resolve_pack above (packfiles.scan).
    brand_problems = _check_brand(pack)
    problems += brand_problems or contrast_findings(pack)
    problems += _check_labels(pack)
    for fmt in FORMATS:
        problems += _check_templates(pack, fmt)
    problems += _check_reference(pack)
    return problems


def _check_brand(pack: Pack) -> list[Diagnostic]:
    from outlookgen.packs.brand import load_brand

    try:
        load_brand(pack)
    except OutlookgenError as exc:
        return list(exc.diagnostics) or [Diagnostic(str(pack.root / "pack.yaml"), 1, 1, "brand", str(exc))]
    return []


def contrast_findings(pack: Pack, severity: str = "warning") -> list[Diagnostic]:
    """Rule A11Y101: each text/background pair of the pack's brand tokens below WCAG's 4.5:1, with a fix.

    Located at the line of ``pack.yaml`` that sets the colour to change, when this pack sets it.
    """
    from outlookgen.packs.brand import load_brand
    from outlookgen.packs.contrast import RULE, findings

    brand = load_brand(pack)
    pack_file = pack.root / "pack.yaml"
    try:
        lines = pack_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    out = []
    for finding in findings(brand.colors, brand.phases):
        key = finding.token.split("[")[0]
        line = next((i for i, text in enumerate(lines, 1) if text.strip().startswith(f"{key}:")), 1)
        path = f"brand.color.{finding.token}"
        out.append(Diagnostic(display_path(pack_file), line, 1, path, finding.message(), severity=severity, code=RULE))
    return out


def _label_paths(data, prefix=()) -> set[tuple]:
    out = set()
    if isinstance(data, dict):
        for key, value in data.items():
            out.add((*prefix, key))
            out |= _label_paths(value, (*prefix, key))
    return out


def _locales(pack: Pack) -> list[str]:
    """The locales a pack's labels are checked in: the built-in ones and every one the pack sets labels for."""
    found = {"en", "zh-CN"}
    for member in pack.chain():
        folder = member.root / "labels"
        if folder.is_dir():
            found.update(p.stem for p in folder.glob("*.yaml") if p.is_file())
        overrides = member.meta.get("labels")
        if isinstance(overrides, dict):
            found.update(str(k) for k in overrides)
    return sorted(found)


def _check_labels(pack: Pack) -> list[Diagnostic]:
    """Labels every build would refuse (shapes, placeholders, missing labels), then labels that would never show.

    A label a pack sets inside a section of the default labels that has no
    such key is a typo. A new top-level section (``acme: {about: ...}``) is
    the pack's own words for its own templates and is fine.
    """
    out: list[Diagnostic] = []
    for locale in _locales(pack):
        try:
            pack.labels(locale)
        except TemplateError as exc:
            out += list(exc.diagnostics) or [Diagnostic(str(pack.root / "pack.yaml"), 1, 1, "labels", str(exc))]
    if pack.parent is None or out:
        return list(dict.fromkeys(out))  # a bad `labels:` in pack.yaml is met once per locale
    base = resolve_pack("default")
    for locale in ("en", "zh-CN"):
        known = _label_paths(base.labels(locale))
        own = pack.own_labels(locale)
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

    from outlookgen.packs.environment import display_name, make_environment, read_template

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
        shown = display_name(str(path))
        try:
            source = read_template(pack, path)
            tree = env.parse(source, name, str(path))
        except TemplateError as exc:
            out += exc.diagnostics
            continue
        except jinja2.TemplateSyntaxError as exc:
            out.append(Diagnostic(shown, exc.lineno or 1, 1, "$", f"template syntax: {exc.message}"))
            continue
        except (RecursionError, ValueError, OverflowError) as exc:
            # The parser recursing through deep nesting, a number past Python's 4 300 digits.
            reason = "it nests too deeply" if isinstance(exc, RecursionError) else str(exc)
            out.append(Diagnostic(shown, 1, 1, "$", f"template syntax: {reason}"))
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
    except (jinja2.TemplateError, OSError, TemplateError, RecursionError, ValueError, OverflowError):
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
    """The pack's own reference.docx (or .dotx), through the same check as every Word build."""
    from outlookgen.packs.reference_docx import check_reference
    from outlookgen.packs.reference_store import find_reference

    try:
        path = find_reference(pack)
    except TemplateError as exc:
        return list(exc.diagnostics) or [Diagnostic(str(pack.root / "docx"), 1, 1, "$", str(exc))]
    if path is None:
        return []
    shown = display_path(path)
    checked = check_reference(path, shown)
    if checked.problems:
        return list(checked.problems)
    from outlookgen.packs.reference_placeholders import check_layout

    notes = list(checked.notes)
    missing = missing_styles(checked.styles)
    if missing:
        # Not a mistake: many firm templates define only Normal and the headings (docs/word.md).
        notes.append(
            Diagnostic(
                shown,
                1,
                1,
                "word/styles.xml",
                f"the Word writer adds {', '.join(missing)}, derived from the file's own Normal and Heading styles",
                severity="note",
            )
        )
    return notes + check_layout(checked.package, shown)


def missing_styles(styles) -> list[str]:
    """Styles the Word writer needs that a checked reference's ``w:styles`` element does not define (by name or id)."""
    from outlookgen.packs.reference_rules import WRITER_STYLES

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    if styles is None:
        return ["word/styles.xml"]
    present: set[tuple[str, str]] = set()
    for style in styles.iter(w + "style"):
        kind = style.get(w + "type") or "paragraph"
        name = style.find(w + "name")
        for value in (style.get(w + "styleId"), name.get(w + "val") if name is not None else None):
            if value:
                present.add((kind, value.lower()))
    return [
        f"{kind} style '{n}'"
        for kind, names in WRITER_STYLES.items()
        for n in names
        if (kind, n.lower()) not in present
    ]
