"""``outlookgen ics``: a spec's milestones and review meetings as an iCalendar file, printed or written."""

from __future__ import annotations

from pathlib import Path

from outlookgen.output import files as writer
from outlookgen.project.pipeline import LoadedOutlook, load_outlook
from outlookgen.render.ics import calendar


def calendar_bytes(spec: Path, *, pack: str | None = None, locale: str | None = None) -> bytes:
    """Validate a spec and return its calendar (``ics SPEC`` prints it, as ``diff`` and ``schema`` print theirs)."""
    return _calendar(load_outlook(spec), spec, pack, locale)


def write_calendar(spec: Path, output: Path, *, pack: str | None = None, locale: str | None = None) -> Path:
    """Validate a spec and write its calendar to ``output`` (a folder gets ``plan.yaml`` → ``plan.ics``)."""
    loaded = load_outlook(spec)
    if output.is_dir():
        output = output / writer.output_name(spec, ".ics")
    # -o naming the spec, a fragment or a link to one would replace it with the calendar.
    inputs = [(spec, "the spec"), *((Path(f), "the included file") for f in loaded.spec.includes)]
    writer.refuse_overwriting_inputs(output, spec, inputs)
    writer.commit({output: _calendar(loaded, spec, pack, locale)})
    return output


def _calendar(loaded: LoadedOutlook, spec: Path, pack: str | None, locale: str | None) -> bytes:
    from outlookgen.packs import resolve_pack

    outlook = loaded.outlook
    labels = resolve_pack(pack).labels(locale or outlook.meta.locale)
    return calendar(outlook, labels, str(spec))
