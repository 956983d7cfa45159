"""``outlookgen merge``: the build reports of a CI matrix's shards as one report and one summary."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import fail, fail_on_system_error
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the merged report here (outlookgen portfolio --report reads it).",
)
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a Markdown summary to this file (in GitHub Actions: $GITHUB_STEP_SUMMARY).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def merge(reports: tuple[Path, ...], output: Path | None, summary_file: Path | None, quiet: bool) -> None:
    """Combine REPORTS (written by build --report, one per shard) into one.

    Exit 1 when two reports name the same spec, a shard of the split is
    missing, or the shards do not add up to the project's specs.
    """
    from outlookgen.project.faults import SYSTEM_ERRORS
    from outlookgen.project.report import merge_reports, summary, summary_markdown, write_report

    try:
        merged = merge_reports(reports)
        if output is not None:
            write_report(output, merged)
        if summary_file is not None:
            with summary_file.open("a", encoding="utf-8") as handle:
                handle.write(summary_markdown(merged))
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
    if quiet:
        return
    s = summary(merged)
    f = s["findings"]
    click.echo(
        f"{s['specs']} spec(s) from {len(reports)} report(s): built {s['built']}, up to date {s['skipped']},"
        f" failed {s['failed']}, stale outputs {s['stale']}; findings: {f['error']} error(s),"
        f" {f['warning']} warning(s), {f['info']} info; build time {s['seconds']} s"
    )
