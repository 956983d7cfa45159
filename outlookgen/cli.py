"""The command line: the ``outlookgen`` group; each command lives in its own module under ``commands/``.

Exit codes: 0 done, 1 the input is wrong, 2 the command line is wrong.
"""

from __future__ import annotations

import gc

import click

from outlookgen import __version__
from outlookgen.commands.absorb import absorb
from outlookgen.commands.baseline import baseline
from outlookgen.commands.build import build
from outlookgen.commands.diff import diff
from outlookgen.commands.export import export
from outlookgen.commands.ics import ics
from outlookgen.commands.import_ import import_
from outlookgen.commands.init import init, schema
from outlookgen.commands.lint import lint
from outlookgen.commands.merge import merge
from outlookgen.commands.portfolio import portfolio
from outlookgen.commands.preview import preview
from outlookgen.commands.templates import templates
from outlookgen.commands.validate import validate
from outlookgen.commands.watch import watch


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="outlookgen")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Turn an implementation-outlook spec (YAML) into Markdown, HTML and Word documents."""
    # A command allocates hundreds of thousands of small objects that live until it ends (the
    # parsed spec, the model, template and XML pieces) and makes few reference cycles; at Python's
    # default thresholds the cycle collector walks them over and over (2,000 tasks: about 300
    # collections, 6-15% of the CPU; 20,000 tasks: 37 s of CPU instead of 27 s, the same peak
    # memory). Reference counting still frees at once all that is not in a cycle; forked workers
    # inherit the setting. Set when a command runs, not on import: a library user's process keeps its own.
    gc.set_threshold(20_000, 50, 100)
    if ctx.invoked_subcommand is None:
        # No command is a command-line mistake (exit 2) on every click version;
        # click before 8.2 would show the help and exit 0.
        click.echo(ctx.get_help(), err=True)
        ctx.exit(2)


for command in (build, validate, lint, diff, ics, init, schema, templates, watch, preview, merge, portfolio):
    main.add_command(command)
for command in (baseline, export, import_):  # plans that travel: baselines, MS Project and Excel
    main.add_command(command)
main.add_command(absorb)  # a client's review in Word, back into the spec
