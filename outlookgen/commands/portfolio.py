"""``outlookgen portfolio``: one document across many specs — a PMO's view of its portfolio."""

from __future__ import annotations

from pathlib import Path

import click

from outlookgen.commands.common import LOCALES, fail, fail_on_system_error, split_formats
from outlookgen.errors import OutlookgenError


@click.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    callback=split_formats,
    help="Formats, comma-separated or repeated: md, html, docx, pdf. Default: portfolio.formats, else md, html, docx.",
)
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: portfolio.output, else the project's output folder, else here).",
)
@click.option("-t", "--template", "pack", metavar="PACK", help="Template pack: a built-in name or a pack folder.")
@click.option("--locale", type=click.Choice(LOCALES), help="Language of the document.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Day to report on, YYYY-MM-DD (default: portfolio.as_of, else the newest meta.date).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A build report (build --report, or outlookgen merge -o): its facts and build results are used.",
)
@click.option("--name", metavar="NAME", help="File name without extension (default: portfolio).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Read this many specs at once (default: one per CPU).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
def portfolio(
    specs: tuple[Path, ...],
    formats: tuple[str, ...],
    output_dir: Path | None,
    pack: str | None,
    locale: str | None,
    as_of,
    report: Path | None,
    name: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Write one document across SPECS (files or folders): each project's status, a milestone timeline by
    quarter, role load per week, a risk heat map and budgets in one currency.

    With no SPEC, uses the portfolio section of outlookgen.yaml, else the
    project's specs. Currency rates come from portfolio.rates, never from the
    network.
    """
    from outlookgen.project.faults import SYSTEM_ERRORS
    from outlookgen.project.portfolio import PortfolioOptions, make_portfolio

    if name is not None and (not name or "/" in name or "\\" in name or name.startswith(".")):
        raise click.BadParameter("a file name without folders, not starting with '.'", param_hint="--name")
    options = PortfolioOptions(
        specs=specs,
        output_dir=output_dir,
        formats=formats,
        pack=pack,
        locale=locale,
        as_of=as_of.date() if as_of else None,
        report=report,
        name=name,
        jobs=jobs,
    )
    try:
        result = make_portfolio(options)
    except OutlookgenError as exc:
        fail(exc)
    except SYSTEM_ERRORS as exc:
        fail_on_system_error(exc)
    if quiet:
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    click.echo(
        f"portfolio of {result.projects} project(s): {result.from_report} from the report,"
        f" {result.from_cache} from the cache, {result.loaded} read"
    )
