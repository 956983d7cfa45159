"""The Jinja sandbox pack templates run in: Jinja's immutable sandbox, with every single step kept small.

Jinja's ``ImmutableSandboxedEnvironment`` keeps templates away from Python
internals and from mutating their data. What it does not stop is *one* step
doing a lot of work: the render time limit (SIGALRM) interrupts Python
between bytecodes, never inside one C call, so ``{{ 10 ** 100000000 }}``,
``{{ "x" * 10 ** 10 }}`` or ``{{ "%999999999d" % 1 }}`` would run (or
allocate) for as long as they like. Here every operation that can do
unbounded work in one C call is intercepted through Jinja's documented hooks
(``intercepted_binops`` / ``call_binop``, ``call``, ``wrap_str_format``,
``code_generator_class``, the filter and test tables) and refused past a cap:

==========================  =========================================================
``**``, ``*`` on integers   a result of at most MAX_INT_BITS bits
``*`` on text and lists     at most MAX_TEXT characters / MAX_ITEMS items
``+`` on text and lists     the same caps
``%``, ``|format``          widths and precisions add up to at most MAX_TEXT; no ``*``
``str.format``              each field's width at most MAX_TEXT, all of them too
``center``, ``ljust``,      the result at most MAX_TEXT characters (method or filter)
``indent``, ``replace``,
``join``, ``wordwrap``…
``range``                   Jinja's own cap: MAX_RANGE (100 000) items
comparing, hashing,         a value of at most MAX_ITEMS items counted all the way
sorting, printing           down (a list of a million references to one big list
                            compares in one C call for hours otherwise)
``sum``                     starts from a number (adding lists is quadratic in C)
``str.encode``,             not available
``translate``,
``int.to_bytes``
==========================  =========================================================

Nothing but literals is worked out while compiling (see ``_CodeGenerator``):
Jinja's constant folding would compute ``{{ 10 ** 100000000 }}`` at compile
time, where no hook sees it.

Determinism: ``random`` and ``lipsum`` are removed (a document must not
change between two builds of one spec). ``cycler``, ``joiner`` and
``namespace`` stay: their state lives in one render. A function, method,
generator or other object printed, joined or formatted would show its memory
address (``<generator object … at 0x7f…>``), different in every process, so a
template may only turn text, numbers, lists and mappings into text.

A refusal is a ``SecurityError``, which the caller reports at the template's
file and line like any other template error.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap
import types
from collections.abc import ItemsView, Iterable, KeysView, Mapping, ValuesView
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, operators, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import pass_environment, pass_eval_context
from markupsafe import Markup, escape

MAX_INT_BITS = 65_536  # an integer a template makes (19 729 decimal digits; a spec holds at most 4 300)
MAX_TEXT = 16 * 1024 * 1024  # characters one operation may make (a spec file is at most 5 MB)
MAX_ITEMS = 1_000_000  # items of a collection one operation makes, or walks all the way down
MAX_DEPTH = 200  # nesting of a value a template prints or compares

REMOVED_GLOBALS = ("lipsum",)  # random text: a document would differ between two builds
REMOVED_FILTERS = ("random",)  # the same

_SCALARS = (str, int, float, type(None))  # bool is an int; Markup is a str
_NUMBERS = (int, float)
# Filters whose value is a collection or an iterator, not text: checked by what they do, not for being text.
_COLLECTION_FILTERS = frozenset(
    {
        "abs",
        "attr",
        "count",
        "d",
        "default",
        "first",
        "float",
        "int",
        "items",
        "last",
        "length",
        "list",
        "map",
        "reject",
        "rejectattr",
        "reverse",
        "round",
        "select",
        "selectattr",
        "slice",
        "filesizeformat",
    }
)
# Filters that compare or hash the items of their value: the value is weighed first.
_COMPARING_FILTERS = frozenset({"sort", "unique", "min", "max", "dictsort", "groupby"})
# Tests that compare their value with an argument.
_COMPARING_TESTS = frozenset(
    {"==", "!=", "<", "<=", ">", ">=", "eq", "equalto", "ne", "lt", "le", "gt", "ge", "lessthan", "greaterthan", "in"}
)


def _refuse(message: str) -> None:
    raise SecurityError(message)


def _describe(value: Any) -> str:
    if callable(value):
        return "a function or method"
    if hasattr(value, "__next__"):
        return "an iterator (use |list or |join)"
    return f"a {type(value).__name__} object"


# --------------------------------------------------------------------------- walking values


def walk(value: Any, *, printing: bool) -> None:
    """Refuse a value too big to compare, hash or print in one C call, or nested too deep.

    Items are counted all the way down (a list holding one big list a
    million times counts a million big lists). With ``printing``, anything
    but text, numbers, None, lists, tuples, mappings, ranges and dict views is
    refused too: its text would be its memory address.
    """
    if isinstance(value, _SCALARS):
        return
    count = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if isinstance(item, (*_SCALARS, range, Undefined)):
            continue
        if isinstance(item, (list, tuple)):
            children: Iterable[Any] = item
            size = len(item)
        elif isinstance(item, Mapping):
            children = [*item.keys(), *item.values()] if len(item) <= MAX_ITEMS else ()
            size = 2 * len(item)
        elif isinstance(item, (KeysView, ValuesView, ItemsView)):
            children = list(item) if len(item) <= MAX_ITEMS else ()
            size = len(item)
        elif printing:
            _refuse(f"a template may turn text, numbers, lists and mappings into text, not {_describe(item)}")
            continue
        else:
            continue
        if depth >= MAX_DEPTH:
            _refuse(f"a value nested deeper than {MAX_DEPTH} levels")
        count += size
        if count > MAX_ITEMS:
            _refuse(f"a value of more than {MAX_ITEMS:,} items (counted all the way down) is too big for one step")
        for child in children:
            if not isinstance(child, _SCALARS):
                stack.append((child, depth + 1))


def printable(value: Any) -> Any:
    """``value`` itself, once :func:`walk` says a template may turn it into text."""
    if not isinstance(value, _SCALARS):  # the usual value: no call to walk
        walk(value, printing=True)
    return value


def compared(value: Any) -> Any:
    """``value`` itself, once :func:`walk` says comparing or hashing it is one small step."""
    if not isinstance(value, _SCALARS):
        walk(value, printing=False)
    return value


def _materialised(value: Any) -> Any:
    """An iterator as a list (at most MAX_ITEMS items), so it can be weighed; anything else as it is."""
    if isinstance(value, (*_SCALARS, list, tuple, Mapping, range, Undefined)) or not hasattr(value, "__iter__"):
        return value
    items = []
    for item in value:
        items.append(item)
        if len(items) > MAX_ITEMS:
            _refuse(f"a sequence of more than {MAX_ITEMS:,} items is too big for one step")
    return items


# --------------------------------------------------------------------------- sizes of single operations


def _text_cap(size: int, what: str) -> None:
    if size > MAX_TEXT:
        _refuse(f"{what} would make {size:,} characters; one step may make at most {MAX_TEXT:,}")


def _items_cap(size: int, what: str) -> None:
    if size > MAX_ITEMS:
        _refuse(f"{what} would make {size:,} items; one step may make at most {MAX_ITEMS:,}")


def _int_cap(bits: float, what: str) -> None:
    if bits > MAX_INT_BITS:
        _refuse(
            f"{what} would be a number of about {int(bits):,} bits; the most a template may make is {MAX_INT_BITS:,}"
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _repeat(seq: Any, times: Any) -> None:
    if not _is_int(times):
        return
    size = len(seq) * max(times, 0)
    if isinstance(seq, str):
        _text_cap(size, "repeating text")
    else:
        _items_cap(size, "repeating a list")


def check_mul(left: Any, right: Any) -> None:
    if _is_int(left) and _is_int(right):
        _int_cap(abs(left).bit_length() + abs(right).bit_length(), "multiplying two numbers")
    elif isinstance(left, (str, list, tuple)):
        _repeat(left, right)
    elif isinstance(right, (str, list, tuple)):
        _repeat(right, left)


def check_pow(base: Any, exponent: Any) -> None:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        # min(): an exponent past 10**18 is refused anyway, and stays a float
        _int_cap(min(exponent, 10**18) * math.log2(abs(base)), f"{_short(base)} ** {_short(exponent)}")


def check_add(left: Any, right: Any) -> None:
    if isinstance(left, str) and isinstance(right, str):
        _text_cap(len(left) + len(right), "joining two texts")
    elif isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        _items_cap(len(left) + len(right), "joining two lists")


def _short(number: int) -> str:
    text = str(number) if abs(number).bit_length() < 64 else f"a {abs(number).bit_length()}-bit number"
    return text


# printf-style conversions: %(name)flags width .precision length type
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def check_printf(pattern: str, args: Any) -> None:
    """``pattern % args``: widths and precisions from the pattern only (no ``*``), adding up to at most MAX_TEXT."""
    total = len(pattern)
    for match in _PRINTF.finditer(pattern):
        width, precision, _kind = match.groups()
        if width == "*" or precision == "*":
            _refuse("a width or precision taken from the arguments ('*') is not allowed in a template")
        total += int(width or 0) + int(precision or 0)
        _text_cap(total, "the % format")
    values = args.values() if isinstance(args, Mapping) else args if isinstance(args, tuple) else (args,)
    for value in values:
        printable(value)


_SPEC = re.compile(r"^(?:.?[<>=^])?[+\- ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?$", re.DOTALL)


def _spec_size(spec: str) -> int:
    """Characters a format spec may add: its width and precision (a spec it cannot read counts as too many)."""
    if not spec:
        return 0
    match = _SPEC.match(spec)
    if match is None:
        return MAX_TEXT + 1 if any(ch.isdigit() for ch in spec) else 0
    width, precision = match.groups()
    return int(width or 0) + int(precision or 0)


class _Capped:
    """The sandbox's str.format, with every field turned into text checked and sized."""

    _made = 0

    def vformat(self, format_string, args, kwargs):  # string.Formatter's
        self._made = len(format_string)
        return super().vformat(format_string, args, kwargs)

    def convert_field(self, value, conversion):
        return super().convert_field(printable(value), conversion)

    def format_field(self, value, format_spec):
        size = _spec_size(format_spec)
        _text_cap(size, f"the format spec {format_spec[:20]!r}")
        self._made += size + (len(value) if isinstance(value, str) else 0)
        _text_cap(self._made, "str.format")
        return super().format_field(printable(value), format_spec)


class CappedFormatter(_Capped, SandboxedFormatter):
    pass


class CappedEscapeFormatter(_Capped, SandboxedEscapeFormatter):
    pass


# --------------------------------------------------------------------------- str methods


def _check_str_method(text: str, name: str, args: tuple, kwargs: dict) -> None:
    for value in (*args, *kwargs.values()):
        printable(value)  # Markup's methods escape their arguments with str()
    if name in ("encode", "translate", "maketrans"):
        _refuse(f"str.{name} is not available in a template")
    if name in ("center", "ljust", "rjust", "zfill") and args and _is_int(args[0]):
        _text_cap(args[0], f"str.{name}")
    elif name == "expandtabs":
        size = args[0] if args and _is_int(args[0]) else kwargs.get("tabsize", 8)
        if _is_int(size):
            _text_cap(len(text) + text.count("\t") * max(size, 0), "str.expandtabs")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        _check_replace(text, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))


def _check_replace(text: str, old: str, new: str, count: Any) -> None:
    if len(new) <= len(old):
        return
    found = len(text) + 1 if old == "" else text.count(old)
    if _is_int(count) and count >= 0:
        found = min(found, count)
    _text_cap(len(text) + found * (len(new) - len(old)), "replace")


def _check_join(separator: str, items: list) -> None:
    for item in items:
        printable(item)
    total = len(separator) * max(len(items) - 1, 0) + sum(len(i) if isinstance(i, str) else 0 for i in items)
    _text_cap(total, "join")


# --------------------------------------------------------------------------- filters


def _capped_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Jinja's filters that can do unbounded work in one call, with that work sized first."""
    original = dict(filters)

    @pass_eval_context
    def join(eval_ctx, value, d="", attribute=None):
        items = _materialised(value)
        if attribute is None and isinstance(items, list):
            _check_join(d if isinstance(d, str) else "", items)
        elif isinstance(items, list):
            _items_cap(len(items), "join")
        return original["join"](eval_ctx, items, d, attribute)

    @pass_eval_context
    def replace(eval_ctx, s, old, new, count=None):
        if isinstance(s, str) and isinstance(old, str) and isinstance(new, str):
            _check_replace(s, old, new, -1 if count is None else count)
        return original["replace"](eval_ctx, s, old, new, count)

    def center(value, width=80):
        if _is_int(width):
            _text_cap(width, "center")
        return original["center"](value, width)

    def indent(s, width=4, first=False, blank=False):
        pad = width if isinstance(width, str) else " " * min(width, MAX_TEXT + 1) if _is_int(width) else ""
        if isinstance(s, str):
            _text_cap(len(s) + (s.count("\n") + 1) * len(pad), "indent")
        return original["indent"](s, width, first, blank)

    def format(value, *args, **kwargs):  # the filter's name
        if isinstance(value, str):
            check_printf(value, kwargs or args)
        return original["format"](value, *args, **kwargs)

    def batch(value, linecount, fill_with=None):
        if _is_int(linecount):
            _items_cap(linecount, "batch")
        return original["batch"](value, linecount, fill_with)

    @pass_environment
    def wordwrap(environment, s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True):
        # Jinja's, with the joined size known before the join (a long wrapstring between many short lines).
        if wrapstring is None:
            wrapstring = environment.newline_sequence
        lines = [
            textwrap.wrap(
                line,
                width=width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=break_long_words,
                break_on_hyphens=break_on_hyphens,
            )
            for line in str(s).splitlines()
        ]
        pieces = sum(len(wrapped) for wrapped in lines) + len(lines)
        _text_cap(len(str(s)) + pieces * len(str(wrapstring)), "wordwrap")
        return original["wordwrap"](environment, s, width, break_long_words, wrapstring, break_on_hyphens)

    @pass_eval_context
    def tojson(eval_ctx, value, indent=None):
        if _is_int(indent) or isinstance(indent, str):
            _text_cap(indent if _is_int(indent) else len(indent), "tojson's indent")
        return original["tojson"](eval_ctx, value, indent)

    @pass_environment
    def sum_(environment, iterable, attribute=None, start=0):
        # A list as start adds list after list in one C loop: quadratic.
        if not isinstance(start, _NUMBERS):
            _refuse("sum starts from a number in a template")
        return original["sum"](environment, iterable, attribute, start)

    capped = {
        "join": join,
        "replace": replace,
        "center": center,
        "indent": indent,
        "format": format,
        "batch": batch,
        "wordwrap": wordwrap,
        "tojson": tojson,
        "sum": sum_,
    }
    return {name: functools.update_wrapper(f, original[name], updated=()) for name, f in capped.items()}


def _guarded(name: str, func: Any, check) -> Any:
    """``func`` (a filter or test) with ``check`` applied to its value and arguments first."""
    from jinja2.utils import _PassArg

    skip = 0 if _PassArg.from_obj(func) is None else 1

    if skip:

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            args = (*args[:skip], *map(check, args[skip:]))
            return func(*args, **{k: check(v) for k, v in kwargs.items()})

        return guarded

    # A template calls filters thousands of times: without a context to pass
    # through, the arguments are checked straight into the call (all of them,
    # in order, before func runs: "*" unpacks the whole map first).
    @functools.wraps(func)
    def guarded_plain(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            return func(*map(check, args), **{k: check(v) for k, v in kwargs.items()})
        if len(args) == 1:  # most calls ({{ t.name | cell }}): the same check, without map and unpacking
            return func(check(args[0]))
        return func(*map(check, args))

    return guarded_plain


def _compared_materialised(value: Any) -> Any:
    return compared(_materialised(value))


def _listed_printable(value: Any) -> Any:
    """A generator (``x | map(...)``) as the list it yields, then checked like any printed value.

    The formats' own filters (``bullets``, ``lines``, ``refs``…) take lists and
    have always taken a generator too. Only generators are listed: other
    iterators, such as a loop's, must not be consumed behind a template's back.
    """
    if isinstance(value, _SCALARS):  # the usual value: nothing to list or walk
        return value
    return printable(_materialised(value) if isinstance(value, types.GeneratorType) else value)


# --------------------------------------------------------------------------- code generation


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with the operands of comparisons, dict keys and ``~`` pieces checked.

    These compile straight to Python operators (``==``, ``in``, ``{k: v}``,
    string joins), so no sandbox method sees them otherwise.

    Nothing but literals is worked out at compile time (the environment is
    built with ``optimized=False``, and output is folded only for literal
    text): Jinja's constant folding turns ``"x".upper ~ ""`` into text
    without any hook seeing it — a method's text is its memory address — and
    folded output is escaped *before* the finalize callback sees it.
    """

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        if not isinstance(node, (nodes.TemplateData, nodes.Const)):
            raise nodes.Impossible()
        return super()._output_child_to_const(node, frame, finalize)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        # Jinja writes escape(finalize(value)) for each {{ value }}; the formats'
        # finalize hands back Markup, which escape() only copies (a Python call
        # and a new string, 1 us, tens of thousands per big plan). escaped()
        # passes exact Markup through and escapes everything else, as escape() does.
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escaped(")
            if finalize.src is not None:
                self.write(finalize.src)
            return
        super()._output_child_pre(node, frame, finalize)

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        self.write("(environment.compared(")
        self.visit(node.expr, frame)
        self.write(")")
        for op in node.ops:
            self.visit(op, frame)
        self.write(")")

    def visit_Operand(self, node: nodes.Operand, frame: Frame) -> None:
        self.write(f" {operators[node.op]} environment.compared(")
        self.visit(node.expr, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("{")
        for idx, item in enumerate(node.items):
            if idx:
                self.write(", ")
            self.write("environment.compared(")
            self.visit(item.key, frame)
            self.write("): ")
            self.visit(item.value, frame)
        self.write("}")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.printable_parts((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


# --------------------------------------------------------------------------- the environment

# Every attribute a plain dict has (dict instances have no __dict__ of their own).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with single steps capped, non-deterministic helpers removed."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CodeGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("optimized", False)  # see _CodeGenerator
        super().__init__(*args, **kwargs)
        for name in REMOVED_GLOBALS:
            self.globals.pop(name, None)
        for name in REMOVED_FILTERS:
            self.filters.pop(name, None)
        self.filters.update(_capped_filters(self.filters))
        for name in _COMPARING_TESTS & set(self.tests):
            self.tests[name] = _guarded(name, self.tests[name], compared)

    def add_filters(self, own: Mapping[str, Any]) -> None:
        """Install the format's own filters; guard every filter by what it does with its value.

        Jinja's collection filters take iterators and hand back data; those
        that compare or hash items get their value weighed; every other filter
        turns its value into text, so it may only be given data. The format's
        own filters (``inline``, ``bullets``…) too, a generator listed first.
        """
        for name, func in list(self.filters.items()):
            if name in own:
                continue
            if name in _COMPARING_FILTERS or name == "tojson":
                self.filters[name] = _guarded(name, func, _compared_materialised)
            elif name not in _COLLECTION_FILTERS and name not in ("join", "batch", "sum"):
                self.filters[name] = _guarded(name, func, printable)
        for name, func in own.items():
            self.filters[name] = _guarded(name, func, _listed_printable)

    # -- hooks Jinja's sandbox calls ------------------------------------------
    def call_binop(self, context, operator, left, right):  # Jinja's hook
        if operator == "*":
            check_mul(left, right)
        elif operator == "**":
            check_pow(left, right)
        elif operator == "+":
            check_add(left, right)
        elif operator == "%" and isinstance(left, str):
            check_printf(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's hook, with its own parameter names
        receiver = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(receiver, str) or receiver is Markup:
            if name == "join" and args:
                items = _materialised(args[0])
                _check_join(receiver if isinstance(receiver, str) else "", list(items))
                args = (items, *args[1:])
            elif isinstance(receiver, str):
                _check_str_method(receiver, name, args, kwargs)
            else:
                for value in (*args, *kwargs.values()):
                    printable(value)
        elif isinstance(receiver, int) and name == "to_bytes":
            _refuse("int.to_bytes is not available in a template")
        elif isinstance(receiver, (list, tuple, dict)):
            # index() and count() compare every item with the argument; get() hashes it.
            for value in (*args, *kwargs.values()):
                compared(value)
            if name in ("index", "count"):
                compared(receiver)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj, attribute):  # Jinja's hook
        # ``t.id`` on a context dict: Jinja's sandbox tries the attribute first
        # and reaches the item through a caught AttributeError (~0.6 us; tens of
        # thousands per big plan). A plain dict has no attribute but its class's,
        # so for any other name the item is what Jinja would return anyway.
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                pass
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):  # Jinja's hook
        return super().getitem(obj, compared(argument))

    def wrap_str_format(self, value):
        """Jinja's own (``str.format`` and ``format_map`` reached through an attribute), with the capped formatter."""

        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        f_self = value.__self__
        if not isinstance(f_self, str):
            return None
        str_type = type(f_self)
        is_format_map = value.__name__ == "format_map"
        if isinstance(f_self, Markup):
            formatter: SandboxedFormatter = CappedEscapeFormatter(self, escape=f_self.escape)
        else:
            formatter = CappedFormatter(self)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} given)")
                kwargs = args[0]
                args = ()
            return str_type(formatter.vformat(f_self, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    # -- called by the generated code (see _CodeGenerator) -------------------
    compared = staticmethod(compared)

    @staticmethod
    def escaped(value: Any) -> Markup:
        """``escape(value)``, but Markup itself (not a subclass: its __html__ could differ) as it is."""
        return value if type(value) is Markup else escape(value)

    @staticmethod
    def printable_parts(parts: tuple) -> tuple:
        total = 0
        for part in parts:
            printable(part)
            total += len(part) if isinstance(part, str) else 0
        _text_cap(total, "~")
        return parts
