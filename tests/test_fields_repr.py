"""The one shared ``__repr__`` prints what ``@dataclass`` would have generated."""

from __future__ import annotations

from dataclasses import dataclass, field

from outlookgen.errors import Diagnostic
from outlookgen.fields_repr import fields_repr
from outlookgen.model.targets import parse_target
from outlookgen.render.markup import Link, Text


@dataclass
class Generated:
    name: str
    size: int = 0
    hidden: str = field(default="secret", repr=False)
    items: list = field(default_factory=list)


@dataclass(repr=False)
class Shared:
    name: str
    size: int = 0
    hidden: str = field(default="secret", repr=False)
    items: list = field(default_factory=list)

    __repr__ = fields_repr


def test_it_prints_what_the_generated_repr_prints():
    generated = Generated("a 'quoted' name", 3, "x", [1, "二"])
    shared = Shared("a 'quoted' name", 3, "x", [1, "二"])
    assert repr(shared) == repr(generated).replace("Generated", "Shared")
    assert "hidden" not in repr(shared)  # a field with repr=False stays out, as before


def test_an_object_that_holds_itself_prints_dots_not_a_recursion_error():
    shared = Shared("loop")
    shared.items.append(shared)
    generated = Generated("loop")
    generated.items.append(generated)
    assert repr(shared) == "Shared(name='loop', size=0, items=[...])" == repr(generated).replace("Generated", "Shared")


def test_the_package_classes_read_as_before():
    diagnostic = Diagnostic("spec.yaml", 3, 5, "meta.title", "is required")
    assert repr(diagnostic) == (
        "Diagnostic(file='spec.yaml', line=3, column=5, path='meta.title', message='is required', severity='error', code='')"
    )
    assert repr(Link((Text("site"),), "https://example.com")) == (
        "Link(children=(Text(text='site'),), url='https://example.com')"
    )
    assert repr(parse_target("≥ 98%")).startswith("Target(raw='≥ 98%', ")
