"""OG607: the working calendar knows the holidays of every year the plan runs in."""

from __future__ import annotations

from outlookgen.lint.registry import rule


@rule("OG607", "calendar-year-unknown", "warning")
def check(ctx):
    """What it checks:
    A `roadmap.calendar` with a country `preset` (such as `CN`) whose
    library does not know the holidays of a year the plan runs in yet:
    chinesecalendar knows each year's holidays and 调休 make-up days once the
    State Council publishes them (around November of the year before).
    That year's dates are then counted on an estimate.

    Why it matters:
    Dates in that year may be off by the days of a holiday week, and a
    make-up Saturday is not counted as a working day; a go-live can land in
    the Spring Festival.

    Example:
    ```yaml
    roadmap:
      start: 2026-10-12
      calendar: {preset: CN}      # the plan runs into 2027
    ```

    Instead:
    ```yaml
    roadmap:
      calendar:
        preset: CN
        holidays: [{from: 2027-02-06, to: 2027-02-14, name: 春节}]
        workdays: [2027-02-20]    # once the year's arrangement is published
    ```
    """
    notes = ctx.outlook.roadmap.calendar.notes
    if not notes:
        return
    where = ("roadmap", "calendar", "preset")
    for note in notes:
        yield ctx.hit(where, variant=note.kind, year=note.year, preset=note.preset, source=note.source)
