"""The sandboxed Jinja environment templates run in, and template errors located in the pack.

Template packs come from other people, so a template runs with:
- outlookgen's sandbox (:mod:`outlookgen.packs.sandbox`): Jinja's
  ImmutableSandboxedEnvironment (no Python internals, no mutation of the
  context) with every single operation capped, so none can run for long
  inside one C call where the time limit cannot stop it, and without the
  helpers that would make two builds differ (``random``, ``lipsum``);
- StrictUndefined (a misspelt name fails the build);
- a loader confined to the pack chain: ``../`` in a name, absolute names and
  symlinks pointing out of a pack are refused (Jinja's FileSystemLoader
  would follow a symlink anywhere), and a template is read only if it is a
  regular file (never a FIFO or a device);
- a cap on template size, on output size and on rendering time, so a
  template cannot exhaust memory or hang a CI job; the error names the pack
  file and line.

A template finds its parent pack's version of a file by prefixing the pack's
name: ``{% extends "default:outlook.md.j2" %}`` in a firm's
``md/outlook.md.j2`` overrides single blocks of the default layout.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from outlookgen.errors import Diagnostic, TemplateError
from outlookgen.packs import Pack
from outlookgen.packs.files import display_path

MAX_TEMPLATE_BYTES = 1024 * 1024  # one template file
MAX_OUTPUT_CHARS = 64 * 1024 * 1024  # one rendered document
# Seconds one document may take to render; OUTLOOKGEN_RENDER_TIMEOUT raises it.
DEFAULT_RENDER_SECONDS = 120.0


class RenderLimitExceeded(Exception):
    """Raised inside a template when it runs past the time budget."""


def _pack_loader(pack: Pack, fmt: str):
    from jinja2 import BaseLoader, TemplateNotFound

    class PackLoader(BaseLoader):
        """``name`` along the chain; ``pack-name:name`` in that pack of the chain (and its parents)."""

        def get_source(self, environment, template: str):
            chain = pack.chain()
            prefix, sep, rest = template.partition(":")
            if sep:
                chain = _from(chain, prefix)
                if chain is None:
                    raise TemplateNotFound(template)
                template = rest
            for member in chain:
                try:
                    path = member.own_file(f"{fmt}/{template}")
                except TemplateError as exc:
                    raise TemplateNotFound(f"{template} ({exc})") from None
                if path is None:
                    continue
                source = read_template(pack, path)
                mtime = path.stat().st_mtime
                return source, str(path), lambda p=path, m=mtime: p.exists() and p.stat().st_mtime == m
            raise TemplateNotFound(template)

        def list_templates(self):
            names: set[str] = set()
            for member in pack.chain():
                folder = member.root / fmt
                if folder.is_dir():
                    names.update(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
            return sorted(names)

    return PackLoader()


def read_template(pack: Pack, path: Path) -> str:
    """A template or stylesheet of the pack: a regular file of at most MAX_TEMPLATE_BYTES, in UTF-8."""
    from outlookgen.packs.files import PackFileError, read_regular

    try:
        data = read_regular(path, MAX_TEMPLATE_BYTES)
        return data.decode("utf-8")
    except PackFileError as exc:
        raise _located(pack, str(path), 1, f"the template {exc}") from None
    except UnicodeDecodeError as exc:
        raise _located(
            pack, str(path), 1, f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x}); save it as UTF-8"
        ) from None


def _from(chain: list[Pack], name: str) -> list[Pack] | None:
    for i, member in enumerate(chain):
        if member.name == name:
            return chain[i:]
    return None


def make_environment(
    pack: Pack,
    fmt: str,
    *,
    filters: Mapping[str, Callable[..., Any]],
    finalize: Callable[[Any], Any] | None = None,
    autoescape: bool = False,
):
    """A sandboxed Jinja environment over the pack chain's ``<fmt>/`` folders."""
    from jinja2 import StrictUndefined

    from outlookgen.packs.bytecode import TemplateCache
    from outlookgen.packs.sandbox import TemplateSandbox, printable

    if not pack.template_dirs(fmt):
        raise TemplateError(f"template pack '{pack.name}' has no {fmt}/ templates")

    def checked(value: Any) -> Any:
        # Every {{ expression }}: only data may be printed (a function's text is its memory address).
        return printable(value) if finalize is None else finalize(printable(value))

    escaping = autoescape or finalize is not None
    # Everything besides the template text that changes the compiled code keys the cache entry.
    settings = f"{fmt}\0{escaping}\0{finalize is not None}\0{','.join(sorted(filters))}"
    env = TemplateSandbox(
        loader=_pack_loader(pack, fmt),
        bytecode_cache=TemplateCache(settings),
        undefined=StrictUndefined,
        # A format whose finalize turns every value into Markup (Markdown, Word
        # block markup) still wants autoescape on: then the output of super(),
        # macros and includes is Markup too, i.e. already escaped for that
        # format, instead of plain text the finalize would escape again.
        autoescape=escaping,
        finalize=checked,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.add_filters(filters)
    return env


# What a template can raise while it renders: each becomes an error at the template's line.
_TEMPLATE_FAULTS: tuple[type[BaseException], ...] = (
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    ZeroDivisionError,
    RecursionError,
    OverflowError,
)


def render(env, template: str, context: Mapping[str, Any], pack: Pack) -> str:
    """Render one template within the caps; any template fault becomes a TemplateError naming file and line."""
    import jinja2

    compiled = None
    try:
        # Compiling is inside the time budget too: the parser works through what the pack wrote.
        with _time_budget():
            compiled = env.get_template(template)
            return _bounded_output(compiled.generate(context))
    except jinja2.TemplateSyntaxError as exc:
        raise _located(
            pack, exc.filename or exc.name or template, exc.lineno or 1, f"template syntax: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template pack '{pack.name}' has no template '{exc.name}'") from None
    except (jinja2.TemplateError, *_TEMPLATE_FAULTS, RenderLimitExceeded, _OutputTooLarge) as exc:
        filename, line = _template_frame(exc, pack)
        if filename is None:
            # Stopped between two pieces of output, or while compiling (a parser
            # recursing through deep nesting, a 5 000-digit number): no template
            # line is running, so the error names the template's first line.
            filename, line = _template_file(env, template, compiled), 1
        if filename is None:
            raise  # not from a template: a bug in outlookgen, keep the traceback
        if isinstance(exc, RecursionError):
            message = "the template recurses too deeply (a macro or include calling itself, or values nested too deep)"
        elif isinstance(exc, (RenderLimitExceeded, _OutputTooLarge)):
            message = str(exc)
        else:
            message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise _located(pack, filename, line, f"while rendering: {message}") from None


def _template_file(env, template: str, compiled) -> str | None:
    """The file of the template being rendered, without compiling it again."""
    if compiled is not None and compiled.filename:
        return compiled.filename
    try:
        _source, filename, _uptodate = env.loader.get_source(env, template)
    except Exception:  # only a name for the error line is wanted; the error itself is reported
        return None
    return filename


class _OutputTooLarge(Exception):
    pass


def _bounded_output(chunks) -> str:
    parts: list[str] = []
    append = parts.append  # once per piece of output: 60,000 at 2,000 tasks
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise _OutputTooLarge(f"the output passed {MAX_OUTPUT_CHARS:,} characters; a template is looping")
        append(chunk)
    return "".join(parts)


@contextmanager
def _time_budget():
    """Stop a template that renders for longer than the budget (POSIX, main thread; else no timer)."""
    seconds = _budget_seconds()
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def expired(_signum, _frame):
        raise RenderLimitExceeded(
            f"rendering took longer than {seconds:g} s (OUTLOOKGEN_RENDER_TIMEOUT); a template is looping"
        )

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _budget_seconds() -> float:
    raw = os.environ.get("OUTLOOKGEN_RENDER_TIMEOUT")
    try:
        return float(raw) if raw else DEFAULT_RENDER_SECONDS
    except ValueError:
        return DEFAULT_RENDER_SECONDS


def _diag(pack: Pack, filename: str, line: int, message: str) -> Diagnostic:
    return Diagnostic(display_name(filename), line, 1, "$", message)


def _located(pack: Pack, filename: str, line: int, message: str) -> TemplateError:
    return TemplateError(diagnostics=[_diag(pack, filename, line, message)])


def display_name(filename: str) -> str:
    """A template's file as error lines name it: a path the user can open (:func:`.files.display_path`)."""
    return display_path(filename)


def _template_frame(exc: BaseException, pack: Pack) -> tuple[str | None, int]:
    # Jinja rewrites tracebacks so template frames carry the template's file
    # name and line; the innermost such frame is where the template failed.
    import traceback  # only a failed template needs it

    roots = [p.root.resolve() for p in pack.chain()]
    found: tuple[str | None, int] = (None, 1)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if any(root in path.resolve().parents for root in roots):
            found = (frame.filename, frame.lineno or 1)
    return found
