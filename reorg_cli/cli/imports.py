"""``reorg import csv|popolo``: foreign formats to event files (docs/interop.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reorg_cli.cli.boundary import guarded
from reorg_cli.cli.common import name_too_long
from reorg_cli.cli.streams import print_success

import_app = typer.Typer(
    name="import",
    help="Convert an HR export (CSV) or a Popolo document into event files.",
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    from reorg_cli.interop.importing import read_import_file

    return read_import_file(path)


def _write(into: Path, files: dict[str, str]) -> None:
    from rich.text import Text

    from reorg_cli.events.files import write_tree
    from reorg_cli.output.render import sanitize

    with name_too_long("--into", into):
        write_tree(into, files)
    shown = sanitize(str(into))
    print_success(Text(f"wrote {len(files)} files to {shown}\nnext: reorg show --events {shown}"))


def _check_into(into: Path) -> None:
    from reorg_cli.events.files import check_new_directory

    with name_too_long("--into", into):
        check_new_directory(into)


def import_csv(file: FileArgument, into: IntoOption) -> None:
    """Convert an effective-dated HR export into event files.

    Columns: effective_date, action, person_id, person_name, title, unit_id, unit_name,
    parent_unit_id, manager_id. Actions: hire, transfer, promote, leave, unit_create,
    unit_rename, unit_move, unit_dissolve. Bad rows are reported as FILE:LINE:COLUMN: message and
    nothing is written.

    Example: reorg import csv hr.csv --into events/hr
    """
    from reorg_cli.interop.hrcsv import convert_hr_csv
    from reorg_cli.interop.importing import check_imported

    _check_into(into)
    imported = convert_hr_csv(_read(file), str(file), file.name)
    check_imported(imported, str(file))
    _write(into, imported.files)


def import_popolo(file: FileArgument, into: IntoOption) -> None:
    """Convert a Popolo JSON document (such as 'reorg export --format popolo') into event
    files.

    Example: reorg import popolo org.json --into events/org
    """
    from reorg_cli.events.errors import EventFileError, Location, Problem
    from reorg_cli.interop.importing import check_imported
    from reorg_cli.interop.popolo_import import convert_popolo

    _check_into(into)
    data = _read(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise EventFileError(
            [Problem(Location(str(file), line, column), "not UTF-8 text", "save it as UTF-8")]
        ) from None
    imported = convert_popolo(text, str(file))
    check_imported(imported, str(file))
    _write(into, imported.files)


import_app.command("csv")(guarded(import_csv))
import_app.command("popolo")(guarded(import_popolo))
