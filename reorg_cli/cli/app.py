"""The ``reorg`` command line: the Typer app, its global options, and the commands' registry.

Each command is a module of :mod:`reorg_cli.cli` holding one plain function; it parses its
arguments, calls the library and hands the result to a renderer. All are registered here,
each wrapped in the one error boundary (:mod:`reorg_cli.cli.boundary`).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from reorg_cli import __version__
from reorg_cli.cli import imports
from reorg_cli.cli.boundary import error_line, guarded, stdout_failed
from reorg_cli.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    ColorMode,
    settings,
)
from reorg_cli.cli.speedups import install as _install_typer_speedups
from reorg_cli.cli.streams import guard_std_streams, silence_stdout

_install_typer_speedups()  # coerce plain option values without importing pydantic


class _CommandsOnDemand(TyperGroup):
    """The app's commands, each converted from its function only when Click asks for it.

    Click's documented pattern for lazy subcommands (``list_commands``/``get_command``):
    Click itself picks the command from the arguments, so a run imports and converts the
    one it invokes (and ``--help`` all of them), not every command's module and parameters
    on every start, which was a fifth of a warm ``show``."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*_BY_NAME, *(n for n in super().list_commands(ctx) if n not in _BY_NAME)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in _BY_NAME:
            return found
        function = command_function(cmd_name)
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name=cmd_name)(guarded(function))
        command = typer.main.get_command(single)
        self.commands[cmd_name] = command
        return command


app = typer.Typer(
    cls=_CommandsOnDemand,
    name="reorg",
    help=(
        "Replay, diff and explain an organization's history from YAML event files.\n\n"
        "Examples:\n\n"
        "  reorg show --at 2026-04-08\n\n"
        "  reorg diff 2026-03-01 2026-04-30\n\n"
        '  reorg history "Zhou Jingren"'
    ),
    rich_markup_mode=None,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"reorg {__version__}\n")
        sys.stdout.flush()  # a stdout that cannot take it fails here, reported by main()
        raise typer.Exit()


@app.callback()
def _main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors (for bug reports).")
    ] = False,
    color: Annotated[
        ColorMode, typer.Option("--color", help="Colour output: auto, always or never.")
    ] = ColorMode.auto,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Never page output (also REORG_PAGER= or PAGER=; the default is less -FRX).",
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Compile the event files without the compiled-timeline cache "
            "(also REORG_NO_CACHE=1).",
        ),
    ] = False,
) -> None:
    """Replay, diff and explain an organization's history from YAML event files."""
    settings.debug = debug or os.environ.get("REORG_DEBUG", "") not in ("", "0")
    settings.color = color
    settings.use_cache = not no_cache
    settings.pager = not no_pager
    settings.today = None  # decided on first use in this run (run_today)
    settings.notes = set()


#: Every command, in the order ``reorg --help`` lists them: its name and its module of
#: :mod:`reorg_cli.cli`, which holds a function of the same name (imported when it is run).
COMMANDS = (
    ("show", "show"),
    ("diff", "diff"),
    ("history", "history"),
    ("unit", "unit"),
    ("people", "people"),
    ("units", "people"),
    ("search", "search"),
    ("timeline", "timeline"),
    ("log", "log"),
    ("blame", "blame"),
    ("when", "when"),
    ("explore", "explore"),
    ("validate", "validate"),
    ("new", "new"),
    ("check", "check"),
    ("sources", "sources"),
    ("event", "event"),
    ("schema", "schema"),
    ("export", "export"),
    ("publish", "publish"),
)
_BY_NAME = dict(COMMANDS)


def command_function(name: str) -> Any:
    """The function of the command ``name`` (its module imported now)."""
    module = importlib.import_module(f"reorg_cli.cli.{_BY_NAME[name]}")
    return getattr(module, name.replace("-", "_"))


app.add_typer(imports.import_app, name="import")


def main() -> None:
    """Entry point of the ``reorg`` console script."""
    import gc

    # A run lives for seconds and its objects (facts, views, JSON) are acyclic: the cycle
    # collector would only rescan them, up to half the time of a large query.
    gc.disable()
    guard_std_streams()
    bad = undecodable_argument(sys.argv[1:])
    if bad is not None:
        error_line(
            f"argument '{bad}' is not valid UTF-8 "
            "(reorg reads names, dates and paths as UTF-8: check the terminal's or the "
            "script's encoding, or rename the file)"
        )
        raise SystemExit(EXIT_USAGE)
    try:
        app(prog_name="reorg")
    except SystemExit as done:
        # --help, --version and usage errors run in Click, outside the commands' boundary.
        raise SystemExit(_flush_stdout(done.code)) from None
    except Exception as err:
        if stdout_failed(err):
            raise SystemExit(EXIT_ERROR) from None
        if isinstance(err, BrokenPipeError):
            silence_stdout()
            raise SystemExit(EXIT_OK) from None
        if settings.debug or os.environ.get("REORG_DEBUG", "") not in ("", "0"):
            raise
        error_line(
            f"internal error: {type(err).__name__}: {err} "
            "(this is a bug; rerun with --debug and report the traceback)"
        )
        raise SystemExit(EXIT_ERROR) from None


def _flush_stdout(code: Any) -> Any:
    """The exit code once stdout is flushed: 1 (with one line) when it cannot be written."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except OSError as err:
        if stdout_failed(err):
            return EXIT_ERROR if code in (None, 0) else code
    return code


def undecodable_argument(arguments: list[str]) -> str | None:
    """The first argument that is not valid UTF-8 (Python keeps its bad bytes as lone
    surrogates), escaped for showing (``a\\xffb``, shortened); None when all are."""
    for argument in arguments:
        if argument.isascii():
            continue
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            from reorg_cli.events.errors import shortened

            return shortened(os.fsencode(argument).decode("utf-8", "backslashreplace"))
    return None
