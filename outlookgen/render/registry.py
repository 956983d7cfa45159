"""The output formats: one entry each, naming the module that renders it; nothing is imported until used.

A renderer module has ``render(document: Document) -> bytes`` (see
:class:`outlookgen.render.context.Document`): the same prepared document,
computed once per spec, goes to every format.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from outlookgen.errors import FeatureUnavailable
from outlookgen.fields_repr import fields_repr


@dataclass(frozen=True, repr=False)
class Format:
    """An output format: how ``-f`` names it, its file extension and the module that renders it."""

    name: str  # as -f takes it
    title: str  # as messages name it
    extension: str
    module: str  # imported on first use: lxml and WeasyPrint load only for their formats
    opt_in: bool = False  # built only when asked for (it needs an optional extra)
    # Its module has preflight(), which says before any spec is read that this machine cannot
    # make the format. Only such modules are imported up front: a build's first process
    # imports no more than Word (HTML's go with a forked child, project/pipeline.py).
    preflight: bool = False

    __repr__ = fields_repr


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("md", "Markdown", ".md", "outlookgen.render.markdown"),
        Format("html", "HTML", ".html", "outlookgen.render.html"),
        Format("docx", "Word (.docx)", ".docx", "outlookgen.render.docx"),
        Format("pdf", "PDF", ".pdf", "outlookgen.render.pdf", opt_in=True, preflight=True),
    )
}
# -f also takes these names.
ALIASES = {"markdown": "md", "word": "docx"}


def default_formats() -> tuple[str, ...]:
    return tuple(name for name, f in FORMATS.items() if not f.opt_in)


def renderer(name: str) -> Callable:
    """The ``render`` function of a format's module."""
    return importlib.import_module(FORMATS[name].module).render


def halves(name: str) -> tuple[Callable, Callable, Callable] | None:
    """``(markup, get_ready, from_markup)`` of a format made in two halves (Word), else None."""
    module = importlib.import_module(FORMATS[name].module)
    parts = tuple(getattr(module, part, None) for part in ("markup", "get_ready", "from_markup"))
    return None if None in parts else parts


def preflight(names: tuple[str, ...]) -> None:
    """FeatureUnavailable, before any spec is read, when a chosen format lacks what it needs."""
    for name in names:
        if FORMATS[name].preflight:
            importlib.import_module(FORMATS[name].module).preflight()


def unknown(names: tuple[str, ...]) -> None:
    """FeatureUnavailable naming formats this version cannot write."""
    missing = [n for n in names if n not in FORMATS]
    if missing:
        raise FeatureUnavailable(
            f"{', '.join(missing)} output is not available in this version of outlookgen"
            f" (available: {', '.join(FORMATS)})"
        )
