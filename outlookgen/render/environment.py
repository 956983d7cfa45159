"""The sandboxed Jinja environment templates run in, and template errors located in the pack."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.packs import Pack


def make_environment(
    pack: Pack,
    fmt: str,
    *,
    filters: Mapping[str, Callable[..., Any]],
    finalize: Callable[[Any], Any] | None = None,
    autoescape: bool = False,
):
    """A Jinja environment over the pack chain's ``<fmt>/`` folders.

    ImmutableSandboxedEnvironment because packs are untrusted: a template may
    not reach Python internals nor mutate the context. StrictUndefined so a
    misspelt variable fails the build instead of printing nothing.
    """
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    dirs = pack.template_dirs(fmt)
    if not dirs:
        raise TemplateError(f"template pack '{pack.name}' has no {fmt}/ templates")
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs], encoding="utf-8", followlinks=False),
        undefined=StrictUndefined,
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(filters)
    return env


def render(env, template: str, context: Mapping[str, Any], pack: Pack) -> str:
    """Render one template; any template fault becomes a TemplateError naming file and line."""
    import jinja2

    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise _located(
            pack, exc.filename or exc.name or template, exc.lineno or 1, f"template syntax: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template pack '{pack.name}' has no template '{exc.name}'") from None
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        KeyError,
        AttributeError,
        ZeroDivisionError,
        RecursionError,
    ) as exc:
        filename, line = _template_frame(exc, pack)
        if filename is None:
            raise  # not from a template: a bug in outlookgen, keep the traceback
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise _located(pack, filename, line, f"while rendering: {message}") from None


def _located(pack: Pack, filename: str, line: int, message: str) -> TemplateError:
    return TemplateError(diagnostics=[Diagnostic(_display(pack, filename), line, 1, "$", message)])


def _display(pack: Pack, filename: str) -> str:
    """``pack/fmt/file`` relative to the pack that holds it, as template errors read."""
    path = Path(filename)
    for p in pack.chain():
        try:
            return f"{p.name}/{path.resolve().relative_to(p.root.resolve()).as_posix()}"
        except ValueError:
            continue
    return filename


def _template_frame(exc: BaseException, pack: Pack) -> tuple[str | None, int]:
    # Jinja rewrites tracebacks so template frames carry the template's file
    # name and line; the innermost such frame is where the template failed.
    roots = [p.root.resolve() for p in pack.chain()]
    found: tuple[str | None, int] = (None, 1)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if any(root in path.resolve().parents for root in roots):
            found = (frame.filename, frame.lineno or 1)
    return found
