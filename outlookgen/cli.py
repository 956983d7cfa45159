"""The command line: the ``outlookgen`` group; each command lives in its own module under ``commands/``.

Exit codes: 0 done, 1 the input is wrong, 2 the command line is wrong.
"""

from __future__ import annotations

import gc
import importlib

import click

from outlookgen import COLLECTOR_THRESHOLDS, __version__
from outlookgen.user_cache import prune_if_due

# Each command's module, imported when the command runs (or help lists it): a build
# loads none of the other fourteen. Plans travel with baseline, export and import
# (MS Project and Excel); absorb takes a client's review in Word back into the spec.
COMMANDS: dict[str, tuple[str, str]] = {  # name: (module under outlookgen.commands, its click command)
    "absorb": ("absorb", "absorb"),
    "baseline": ("baseline", "baseline"),
    "build": ("build", "build"),
    "diff": ("diff", "diff"),
    "export": ("export", "export"),
    "ics": ("ics", "ics"),
    "import": ("import_", "import_"),
    "init": ("init", "init"),
    "lint": ("lint", "lint"),
    "merge": ("merge", "merge"),
    "portfolio": ("portfolio", "portfolio"),
    "preview": ("preview", "preview"),
    "schema": ("init", "schema"),
    "templates": ("templates", "templates"),
    "validate": ("validate", "validate"),
    "watch": ("watch", "watch"),
}


class _Commands(click.Group):
    """The ``outlookgen`` group, its commands loaded from ``outlookgen.commands`` by name."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        return getattr(importlib.import_module(f"outlookgen.commands.{module}"), name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
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
    gc.set_threshold(*COLLECTOR_THRESHOLDS)  # the console script set it already (outlookgen.__main__)
    if ctx.invoked_subcommand is None:
        # No command is a command-line mistake (exit 2) on every click version;
        # click before 8.2 would show the help and exit 0.
        click.echo(ctx.get_help(), err=True)
        ctx.exit(2)
    # Every command may add to the user's cache folder; at most once a day one keeps it under its cap.
    ctx.call_on_close(prune_if_due)
