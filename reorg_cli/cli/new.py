"""``reorg new``: scaffold an event file, optionally edit it, and validate it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    events_path,
    name_too_long,
    shortened,
)
from reorg_cli.cli.streams import print_success

if TYPE_CHECKING:
    from reorg_cli.events.errors import Problem


def new(
    slug: Annotated[
        str, typer.Argument(metavar="SLUG", help="A few words for the id ('new cloud CTO').")
    ],
    date: Annotated[
        str, typer.Option("--date", "-d", help="The event's date as files write it (2026-05-01).")
    ],
    change: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            help="A change type to include (repeat for several): unit_created, unit_renamed, "
            "unit_reclassified, unit_moved, unit_merged, unit_dissolved, role_assigned, "
            "role_ended, person_left, reporting_line_set, reporting_line_cleared.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The event's title.")] = None,
    edit: Annotated[
        bool, typer.Option("--edit", "-e", help="Open the new file in $VISUAL or $EDITOR.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    events: EventsOption = None,
) -> None:
    """Write a new event file to fill in, then validate it with the rest of the history.

    The file is DIR/DATE-SLUG.yaml, where DIR is --events (a directory) or the current
    directory. It holds the id, the date, a source stub and every key of each --type
    (required ones as CAPITALS to replace, optional ones commented out). Its problems are
    listed as a to-do list; with --edit they are checked after the editor closes, and any
    error exits 1.

    Example: reorg new "new cloud CTO" --date 2026-05-01 -t role_assigned -t role_ended
    """
    from rich.text import Text

    from reorg_cli.events.dates import DateSyntaxError
    from reorg_cli.events.errors import UsageError
    from reorg_cli.events.files import write_atomic
    from reorg_cli.events.loader import CHANGE_KEYS, closest
    from reorg_cli.events.scaffold import event_id, scaffold, slugify
    from reorg_cli.output.render import sanitize

    for name in change or []:
        if name not in CHANGE_KEYS:
            raise UsageError(
                f"unknown change type {name!r}",
                closest(name, CHANGE_KEYS) or "types: " + ", ".join(CHANGE_KEYS),
            )
    if not slugify(slug):
        raise UsageError(f"{slug!r} gives an empty id", "use some ASCII letters or digits")
    try:
        text = scaffold(date, slug, list(change or []), title=title)
    except DateSyntaxError as err:
        raise UsageError(f"invalid --date: {err}") from None
    folder = events if events is not None else Path.cwd()
    with name_too_long("--events", folder):
        if not folder.is_dir():
            raise UsageError(
                f"--events {shortened(str(folder))!r} is not a directory",
                "new files go in a directory",
            )
    path = folder / f"{event_id(date, slug)}.yaml"
    with name_too_long("SLUG", path):
        write_atomic(path, text, force=force)
    print_success(Text(f"wrote {sanitize(str(path))}"))
    if edit:
        _edit(path)
    problems = _problems_in(path, events_path(events) if events is not None else folder)
    if problems:
        from reorg_cli.output.render import render_problems

        label = "to fill in:" if not edit else "problems:"
        print_success(Text(label, style="bold"))
        print_success(render_problems(problems))
        if edit:
            from reorg_cli.events.errors import CheckFailed

            raise CheckFailed()
    else:
        print_success(Text("ok: it validates with the rest of the history", style="green"))


def _edit(path: Path) -> None:
    import shlex
    import subprocess

    from reorg_cli.events.errors import ReorgError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        done = subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as err:
        raise ReorgError(
            f"cannot start the editor {editor!r}: {err.strerror}", "set $EDITOR"
        ) from None
    if done.returncode != 0:
        raise ReorgError(f"the editor {editor!r} exited with status {done.returncode}")


def _problems_in(path: Path, history: Path) -> list[Problem]:
    """The problems of ``path`` read with the history it belongs to (``history``, a
    directory that holds it), or alone."""
    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.errors import Severity
    from reorg_cli.events.loader import load_dataset

    target = history if path.resolve().is_relative_to(history.resolve()) else path
    dataset, problems = load_dataset(target)
    if not any(p.severity is Severity.ERROR for p in problems):
        problems = problems + compile_dataset(dataset).problems
    return [p for p in problems if Path(p.location.path).name == path.name]
