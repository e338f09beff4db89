"""The ``export`` command and the ``import`` commands (docs/interop.md).

Imported by :mod:`reorg_cli.cli.app` to register them; module-level imports stay light (Typer and
the CLI module only) because they run on every ``reorg`` start.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer

from reorg_cli.cli.app import (
    EXIT_USAGE,
    EventsOption,
    _date,
    _error_line,
    _load,
    app,
    command,
    error_boundary,
)

P = ParamSpec("P")
R = TypeVar("R")


class ExportFormat(StrEnum):
    """Formats of ``export``."""

    popolo = "popolo"
    timelinejs = "timelinejs"
    mermaid = "mermaid"
    dot = "dot"
    csv = "csv"
    sqlite = "sqlite"


class GroupBy(StrEnum):
    """How TimelineJS slides are grouped."""

    unit = "unit"
    person = "person"


def _usage(message: str) -> typer.Exit:
    _error_line(message)
    return typer.Exit(EXIT_USAGE)


def _emit(text: str, out: Path | None, force: bool) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from reorg_cli.events.files import write_atomic

    write_atomic(out, text, force=force)


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@command()
def export(
    output: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="popolo, timelinejs, mermaid, dot, csv or sqlite (needs --out).",
            show_default=False,
        ),
    ],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Date of the chart (mermaid, dot) or of parent_id and names (popolo; default "
            "today); for csv only the roles held then, for timelinejs only events up to then.",
            show_default=False,
        ),
    ] = None,
    group: Annotated[
        GroupBy | None,
        typer.Option("--group", help="timelinejs: one row per unit (default) or person."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --out replace a file.")] = False,
    events: EventsOption = None,
) -> None:
    """Export the history to another format: Popolo JSON, TimelineJS JSON, a Mermaid or
    Graphviz chart, a CSV of roles, or the compiled store as an SQLite database
    (docs/sqlite.md).

    Example: reorg export --format mermaid --at 2026-04-09 --out org.mmd
    """
    if group is not None and output is not ExportFormat.timelinejs:
        raise _usage("--group applies only to --format timelinejs")
    if output is ExportFormat.sqlite and out is None:
        raise _usage("--format sqlite writes a database file: give --out FILE")
    if output is ExportFormat.sqlite and at is not None:
        raise _usage("--at does not apply to --format sqlite (it holds the whole history)")
    query = _date(at, "--at") if at is not None else None
    timeline = _load(events)
    if output is ExportFormat.sqlite:
        from reorg_cli.events.files import write_atomic
        from reorg_cli.interop.sqliteexport import store_bytes

        assert out is not None
        write_atomic(out, store_bytes(timeline), force=force)
        return
    day = query.day if query is not None else _date("today", "--at").day
    if output is ExportFormat.popolo:
        from reorg_cli.interop.popolo import popolo_document

        text = _json(popolo_document(timeline, day))
    elif output is ExportFormat.timelinejs:
        from reorg_cli.interop.timelinejs import timelinejs_document

        until = query.day if query is not None else None
        text = _json(
            timelinejs_document(timeline, group_by=(group or GroupBy.unit).value, until=until)
        )
    elif output is ExportFormat.csv:
        from reorg_cli.interop.csvexport import roles_csv

        text = roles_csv(timeline, at=query.day if query is not None else None)
    else:
        from reorg_cli.interop.graph import dot_graph, mermaid_chart

        state = timeline.state_at(day)
        text = mermaid_chart(state) if output is ExportFormat.mermaid else dot_graph(state)
    _emit(text, out, force)


import_app = typer.Typer(
    name="import",
    help="Convert an HR export (CSV) or a Popolo document into event files.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(import_app, name="import")


def _import_command(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register an ``import`` subcommand and run its body inside ``error_boundary``."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*call_args: P.args, **call_kwargs: P.kwargs) -> R:
            with error_boundary():
                return function(*call_args, **call_kwargs)

        import_app.command(name)(wrapper)
        return wrapper

    return decorate


FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The file to import.")]
IntoOption = Annotated[
    Path,
    typer.Option(
        "--into",
        help="Directory to create for the event files (must not exist, or be empty).",
        show_default=False,
    ),
]


def _read(path: Path) -> bytes:
    from reorg_cli.events.errors import ReorgError

    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReorgError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReorgError(f"{path}: is a directory") from None
    except OSError as err:
        raise ReorgError(f"{path}: cannot read ({err.strerror})") from None


def _write(into: Path, files: dict[str, str]) -> None:
    from reorg_cli.events.files import write_tree

    write_tree(into, files)
    sys.stdout.write(f"wrote {len(files)} files to {into}\nnext: reorg show --events {into}\n")


@_import_command("csv")
def import_csv(file: FileArgument, into: IntoOption) -> None:
    """Convert an effective-dated HR export into event files.

    Columns: effective_date, action, person_id, person_name, title, unit_id, unit_name,
    parent_unit_id, manager_id. Actions: hire, transfer, promote, leave, unit_create,
    unit_rename, unit_move, unit_dissolve. Bad rows are reported as FILE:ROW: message and
    nothing is written.

    Example: reorg import csv hr.csv --into events/hr
    """
    from reorg_cli.events.files import check_new_directory
    from reorg_cli.interop.hrcsv import import_hr_csv
    from reorg_cli.interop.importing import check_files

    check_new_directory(into)
    files = import_hr_csv(_read(file), str(file), file.name)
    check_files(files, str(file))
    _write(into, files)


@_import_command("popolo")
def import_popolo(file: FileArgument, into: IntoOption) -> None:
    """Convert a Popolo JSON document (such as 'reorg export --format popolo') into event
    files.

    Example: reorg import popolo org.json --into events/org
    """
    from reorg_cli.events.errors import ReorgError
    from reorg_cli.events.files import check_new_directory
    from reorg_cli.interop.importing import check_files
    from reorg_cli.interop.popolo_import import import_popolo as convert

    check_new_directory(into)
    try:
        text = _read(file).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReorgError(f"{file}: not UTF-8 text") from None
    files = convert(text, str(file))
    check_files(files, str(file))
    _write(into, files)
