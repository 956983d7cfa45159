"""``outlookgen templates``: list the packs, scaffold a firm's own, check one."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from outlookgen.commands.common import fail, report
from outlookgen.errors import OutlookgenError


@click.group()
def templates() -> None:
    """Template packs: list them, scaffold a firm's own, check one."""


@templates.command("list")
def templates_list() -> None:
    """Show every pack outlookgen can find by name: built-in and installed ones."""
    from outlookgen.packs import known_packs, resolve_pack

    try:
        rows = []
        for name, _, origin in known_packs():
            pack = resolve_pack(name)
            rows.append((name, pack.version or "-", origin, pack.parent.name if pack.parent else "-", pack.description))
    except OutlookgenError as exc:
        fail(exc)
    widths = [max(len(r[i]) for r in [("name", "version", "origin", "extends", ""), *rows]) for i in range(4)]
    header = ("name", "version", "origin", "extends", "description")
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])


@templates.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--from-word",
    "from_word",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A firm's Word file (.docx or .dotx) to build the pack's Word look on: its styles, page, "
    "header and footer, and a cover laid out around {{ outlook.body }}.",
)
def templates_new(folder: Path, from_word: Path | None) -> None:
    """Scaffold a pack in FOLDER that extends default, with commented examples of every override."""
    from outlookgen.scaffold.pack import new_pack

    try:
        written = new_pack(folder, from_word)
    except OutlookgenError as exc:
        fail(exc)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: outlookgen templates check {folder}")


@templates.command("check")
@click.argument("pack")
@click.option(
    "--strict", is_flag=True, help="Exit 1 on warnings too (e.g. A11Y101, brand colours below WCAG contrast)."
)
def templates_check(pack: str, strict: bool) -> None:
    """Report problems in PACK (a name or a folder): templates, blocks, labels, brand and its contrast, reference.docx."""
    from outlookgen.packs.check import check_pack

    problems = check_pack(pack)
    if problems:
        report(problems)  # notes too: what outlookgen adds to or leaves out of the pack's Word file
    failing = ("error", "warning") if strict else ("error",)
    if any(p.severity in failing for p in problems):
        sys.exit(1)
    warnings = sum(p.severity == "warning" for p in problems)
    click.echo(f"{pack}: {warnings} warning(s)" if warnings else f"{pack}: no problems found")
