"""One ``__repr__`` for the package's dataclasses, instead of one generated for each class.

On Python before 3.13, ``@dataclass`` compiles every method it generates with
an ``exec`` of its own; the ``__repr__`` of the classes a build creates
before any work was ~4.5 ms of a small build. A class on that path says
``repr=False`` and takes :func:`fields_repr`, which prints what the generated
method did: ``Name(field=value, ...)`` with the fields whose ``repr`` is on.
"""

from __future__ import annotations

from dataclasses import fields
from reprlib import recursive_repr


@recursive_repr()  # as the generated method: an object that holds itself prints as ...
def fields_repr(self) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"
