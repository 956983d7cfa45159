"""``outlookgen absorb`` as the command sees it: a reviewed Word file and a spec in, a diff (or a new spec) out.

The reviewed file is untrusted (read within the limits of
:mod:`outlookgen.review.package`). It must say which spec it came from: its
digest is compared with the spec's bytes, and when they differ the version it
was built from is taken from git (``--base REF``) and the review merged three
ways; without it the message names the commit that matches, when git has one.
The new spec is validated before anything is written, and written atomically.
"""

from __future__ import annotations

import difflib
import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from outlookgen.errors import Diagnostic, FeatureUnavailable, OutlookgenError, SpecError
from outlookgen.output import files as writer

__all__ = ["Absorbed", "absorb"]

_EXCHANGE_EXTRA = "pip install 'outlookgen[exchange]'"
_GIT_TIMEOUT = 30


@dataclass
class Absorbed:
    diff: str
    comments: list  # mapping.Comment
    warnings: list[Diagnostic] = field(default_factory=list)
    changes: int = 0
    written: bool = False


def _need_ruamel() -> None:
    import importlib.util

    if importlib.util.find_spec("ruamel.yaml") is None:
        raise FeatureUnavailable(f"outlookgen absorb rewrites a spec with ruamel.yaml: {_EXCHANGE_EXTRA}")


def _read_reviewed(path: Path) -> bytes:
    from outlookgen.packs.files import PackFileError, read_regular
    from outlookgen.packs.reference_docx import MAX_FILE_BYTES

    try:
        return read_regular(path, MAX_FILE_BYTES)
    except PackFileError as exc:
        raise OutlookgenError(diagnostics=[Diagnostic(str(path), 1, 1, "$", f"refused: it {exc}")]) from None


def _git(folder: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _matching_commit(spec: Path, digest: str) -> str | None:
    """The newest commit whose copy of ``spec`` has ``digest`` (the version a document was built from)."""
    log = _git(spec.parent, "log", "--format=%H", "-n", "100", "--", spec.name)
    for commit in (log or b"").decode("ascii", "replace").split():
        blob = _git(spec.parent, "show", f"{commit}:./{spec.name}")
        if blob is not None and hashlib.sha256(blob).hexdigest() == digest:
            return commit[:12]
    return None


def _base_text(spec: Path, ref: str, digest: str, shown: str) -> str:
    if ref.startswith("-") or "\n" in ref or len(ref) > 200:
        raise OutlookgenError(f"--base {ref!r} is not a git revision")
    blob = _git(spec.parent, "show", f"{ref}:./{spec.name}")
    if blob is None:
        raise OutlookgenError(f"--base {ref}: git has no {spec.name} at {ref} (is {spec.parent} in a git repository?)")
    if hashlib.sha256(blob).hexdigest() != digest:
        hint = _matching_commit(spec, digest)
        found = f"; the version it was built from is in commit {hint}" if hint else ""
        raise OutlookgenError(
            diagnostics=[
                Diagnostic(
                    shown,
                    1,
                    1,
                    "docProps/custom.xml",
                    f"the document was not built from {spec.name} as of {ref} (its digest differs){found}",
                )
            ]
        )
    return blob.decode("utf-8-sig")


def absorb(reviewed: Path, spec: Path, *, write: bool = False, base: str | None = None) -> Absorbed:
    """Read the review in ``reviewed`` against ``spec``; with ``write`` the spec is rewritten."""
    _need_ruamel()
    from outlookgen.review.mapping import find_changes
    from outlookgen.review.package import COMMENTS, COMMENTS_EXTENDED, CUSTOM, DOCUMENT, DOCUMENT_RELS, read_package
    from outlookgen.review.parts import read_comments, read_origin
    from outlookgen.review.spec_edit import apply_review
    from outlookgen.review.text import read_document, relationship_targets
    from outlookgen.spec.loader import load_text
    from outlookgen.spec.validate import load_valid, validate

    shown = str(reviewed)
    package = read_package(_read_reviewed(reviewed), shown)
    custom = package.part(CUSTOM)
    origin = read_origin(custom.root if custom else None, shown)
    loaded = load_valid(spec)
    if loaded.includes:
        file, line, column = loaded.locate(("include",))
        raise SpecError(
            diagnostics=[
                Diagnostic(
                    file, line, column, "include", "absorb rewrites one file: this spec takes parts from include:"
                )
            ]
        )
    raw = spec.read_bytes()
    text = raw.decode("utf-8-sig")
    warnings: list[Diagnostic] = []
    base_data = None
    if hashlib.sha256(raw).hexdigest() != origin.digest:
        if base is None:
            hint = _matching_commit(spec, origin.digest)
            advice = (
                f"it matches commit {hint}: add --base {hint} to merge the review into the current spec"
                if hint
                else "name the commit it was built from with --base REF to merge the review three ways"
            )
            raise OutlookgenError(
                diagnostics=[
                    Diagnostic(
                        shown,
                        1,
                        1,
                        "docProps/custom.xml",
                        f"the document was built from another version of {spec.name} (its digest differs); {advice}",
                    )
                ]
            )
        base_text = _base_text(spec, base, origin.digest, shown)
        base_loaded = load_text(base_text, f"{spec} ({base})")
        base_data = base_loaded.data
    if origin.spec != spec.name:
        warnings.append(
            Diagnostic(
                shown,
                1,
                1,
                "docProps/custom.xml",
                f"built from a spec named {origin.spec}, read against {spec.name}",
                "warning",
            )
        )
    rels = package.part(DOCUMENT_RELS)
    doc = read_document(package.part(DOCUMENT).root, relationship_targets(rels.root if rels else None), shown)
    comments_part, extended = package.part(COMMENTS), package.part(COMMENTS_EXTENDED)
    comments = read_comments(comments_part.root if comments_part else None, extended.root if extended else None, shown)
    shown_data = base_data if base_data is not None else loaded.data
    review = find_changes(doc, origin.names, shown_data, comments, _choice_words(shown_data))
    warnings += _review_warnings(review, loaded, shown)
    if review.empty:
        return Absorbed("", [], warnings)
    edited = apply_review(text, review, loaded.data, base_data)
    if edited.conflicts:
        problems = []
        for path, message in edited.conflicts:
            file, line, column = loaded.locate(path)
            problems.append(Diagnostic(file, line, column, _shown_path(path), message))
        raise SpecError(diagnostics=problems)
    warnings += [Diagnostic(shown, 1, 1, "word/document.xml", note, "warning") for note in edited.notes]
    new_text = edited.text
    if new_text != text:
        problems = validate(load_text(new_text, str(spec)))
        if problems:
            said = Diagnostic(
                shown, 1, 1, "word/document.xml", f"the review would leave {spec.name} invalid; nothing is written"
            )
            raise SpecError(
                diagnostics=[
                    said,
                    *(
                        Diagnostic(
                            p.file, p.line, p.column, p.path, f"{p.message} (in the spec as the review leaves it)"
                        )
                        for p in problems[:20]
                    ),
                ]
            )
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{spec}", f"b/{spec}"
        )
    )
    written = False
    if write and new_text != text:
        writer.commit({spec: new_text.encode("utf-8")})
        written = True
    return Absorbed(diff, review.comments, warnings, edited.changes, written)


def _choice_words(data) -> dict[str, str]:
    """The default pack's words for choice values, both locales ("vendor" and "供应商" → vendor).

    A word two fields spell differently is left out (it could not say which value it means).
    """
    from outlookgen.packs.pack import resolve_pack

    pack = resolve_pack(None)
    meta = data.get("meta") if isinstance(data, dict) else None
    locale = str(meta.get("locale") or "en") if isinstance(meta, dict) else "en"
    if locale not in ("en", "zh-CN"):
        locale = "en"
    words: dict[str, str] = {}
    clashes: set[str] = set()
    for each in dict.fromkeys((locale, "en", "zh-CN")):  # the spec's own locale first; both always exist
        for choices in pack.labels(each).get("value", {}).values():
            for key, label in (choices or {}).items():
                word = str(label).casefold()
                if words.setdefault(word, str(key)) != str(key):
                    clashes.add(word)
    return {w: v for w, v in words.items() if w not in clashes}


def _shown_path(path: tuple) -> str:
    from outlookgen.errors import format_path

    return format_path(path)


def _review_warnings(review, loaded, shown: str) -> list[Diagnostic]:
    from outlookgen.spec.pointers import parse_pointer

    out: list[Diagnostic] = []
    for edit in review.computed:
        paths = [p for p in (parse_pointer(s) for s in edit.sources) if p is not None]
        fields = ", ".join(edit.sources) or "the spec"
        message = (
            f"the reviewer changed computed text {_quote(edit.before)} to {_quote(edit.after)}; "
            f"it comes from {fields}: change that instead"
        )
        if paths:
            file, line, column = loaded.locate(paths[0])
            out.append(Diagnostic(file, line, column, edit.sources[0], message, "warning"))
        else:
            out.append(Diagnostic(shown, edit.line, 1, "word/document.xml", message, "warning"))
    for item in review.unmapped:
        message = f"{item.what}: {_quote(item.before)} → {_quote(item.after)} is not taken into the spec"
        out.append(Diagnostic(shown, item.line, 1, "word/document.xml", message, "warning"))
    for part, line, message in review.problems:
        out.append(Diagnostic(shown, line, 1, part, message, "warning"))
    for insertion in review.insertions:
        for note in insertion.notes:
            out.append(Diagnostic(shown, insertion.line, 1, insertion.list_pointer, note, "warning"))
    return out


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'
