"""``outlookgen ics``: a spec's milestones and review meetings written as an iCalendar file."""

from __future__ import annotations

from pathlib import Path

from outlookgen.output import files as writer
from outlookgen.project.pipeline import load_outlook
from outlookgen.render.ics import calendar


def write_calendar(
    spec: Path, output: Path | None = None, *, pack: str | None = None, locale: str | None = None
) -> Path:
    """Validate a spec and write its calendar (default: beside the spec, ``plan.yaml`` → ``plan.ics``)."""
    from outlookgen.packs import resolve_pack

    loaded = load_outlook(spec)
    outlook = loaded.outlook
    labels = resolve_pack(pack).labels(locale or outlook.meta.locale)
    if output is None:
        output = spec.with_name(writer.output_name(spec, ".ics"))
    elif output.is_dir():
        output = output / writer.output_name(spec, ".ics")
    # -o naming the spec, a fragment or a link to one would replace it with the calendar.
    inputs = [(spec, "the spec"), *((Path(f), "the included file") for f in loaded.spec.includes)]
    writer.refuse_overwriting_inputs(output, spec, inputs)
    writer.commit({output: calendar(outlook, labels, str(spec))})
    return output
