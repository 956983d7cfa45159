"""The document outline every format shows: how the sections of a step are numbered.

A part (a level-1 heading in Word, ``h2`` in HTML, ``##`` in Markdown) is
either numbered -- the five steps -- or not (status, changes, appendices).
The sections of the N-th numbered part (the next level down) are "N.1",
"N.2"… until the next part; the sections of other parts have no number.
Word's writer and the HTML stylesheet's counters apply the same rule to
their own headings; Markdown takes it from here.
"""

from __future__ import annotations

from collections.abc import Iterable


def section_numbers(headings: Iterable[tuple[int, bool]]) -> list[str | None]:
    """The number of each ``(level, numbered)`` heading: "N.k" for a section of a numbered part, else None.

    Level 1 is a part (``numbered`` says whether its sections are numbered),
    level 2 a section; deeper levels and anything before the first part get none.
    """
    numbers: list[str | None] = []
    step = 0
    sub: int | None = None
    for level, numbered in headings:
        number = None
        if level == 1:
            if numbered:
                step += 1
                sub = 0
            else:
                sub = None
        elif level == 2 and sub is not None:
            sub += 1
            number = f"{step}.{sub}"
        numbers.append(number)
    return numbers
