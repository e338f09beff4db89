"""``reorg new``: scaffold an event file, optionally edit it, and validate it."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reorg_cli.cli.common import (
    events_path,
    name_too_long,
)
from reorg_cli.cli.streams import print_success
from reorg_cli.events.errors import shortened

#: ``--events`` of ``new``: where the file goes (the other commands read the bundled dataset
#: by default; a new event is never written into the installed package).
NewEventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        envvar="REORG_EVENTS",
        help="Directory to write the new event file into, checked with the files already there "
        "(default: the current directory).",
        show_default=False,
    ),
]

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
            "role_ended, person_left, reporting_line_set, reporting_line_cleared, role_confirmed, "
            "unit_confirmed, reporting_line_confirmed.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="The event's title.")] = None,
    edit: Annotated[
        bool, typer.Option("--edit", "-e", help="Open the new file in $VISUAL or $EDITOR.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    events: NewEventsOption = None,
) -> None:
    """Write a new event file to fill in, then validate it with the rest of the history.

    The file is DIR/DATE-SLUG.yaml, where DIR is --events (a directory) or the current
    directory and DATE is the date as ids write it: 2026-05-01, 2026-05-by (by 2026-05),
    2024-03-after (after 2024-03), 2026-01-2026-03 (between 2026-01 and 2026-03), unknown.
    It holds the id, the date, a source stub and every key of each --type (required ones as
    CAPITALS to replace, optional ones commented out). Its problems are
    listed as a to-do list; with --edit they are checked after the editor closes, and any
    error exits 1.

    Example: reorg new "new cloud CTO" --date 2026-05-01 -t role_assigned -t role_ended
    """
    from rich.text import Text

    from reorg_cli.events.dates import DateSyntaxError
    from reorg_cli.events.errors import UsageError
    from reorg_cli.events.fields import ID_RE
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
    if title is not None:
        _check_title(title)
    try:
        text = scaffold(date, slug, list(change or []), title=title)
        new_id = event_id(date, slug)
    except DateSyntaxError as err:
        raise UsageError(f"invalid --date: {err}") from None
    if not ID_RE.fullmatch(new_id):
        raise UsageError(
            f"the id {new_id!r} is {len(new_id)} characters; ids are at most 128",
            "give a shorter SLUG",
        )
    folder = events if events is not None else Path.cwd()
    with name_too_long("--events", folder):
        if not folder.is_dir():
            raise UsageError(
                f"--events {shortened(str(folder))!r} is not a directory",
                "new files go in a directory",
            )
    path = folder / f"{new_id}.yaml"
    with name_too_long("SLUG", path):
        write_atomic(path, text, force=force)
    print_success(Text(f"wrote {sanitize(str(path))}"))
    if edit:
        _edit(path)
    history = events_path(events) if events is not None else folder
    problems, elsewhere = _problems_in(path, history)
    if problems:
        from reorg_cli.output.render import render_problems

        label = "to fill in:" if not edit else "problems:"
        print_success(Text(label, style="bold"))
        print_success(render_problems(problems))
    if elsewhere:
        # The history's own errors stop the checks that need all of it (references, roles),
        # so the new file was only checked on its own: never say it "validates with" them.
        print_success(
            Text(
                f"note: the rest of the history has {elsewhere} "
                f"error{'s' if elsewhere != 1 else ''}, so the new file could not be "
                f"checked against it; reorg validate {sanitize(str(history))} lists them",
                style="yellow",
            )
        )
    elif not problems:
        print_success(Text("ok: it validates with the rest of the history", style="green"))
    if edit and (problems or elsewhere):
        from reorg_cli.events.errors import CheckFailed

        raise CheckFailed()


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


#: Characters a one-line title may not hold: line breaks, tabs, C0/C1 controls, DEL and the
#: bidirectional formatting marks (the event loader rejects them too, but only after writing).
_TITLE_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _check_title(title: str) -> None:
    """Refuse a --title that is empty or that holds a line break, control or bidi character."""
    from reorg_cli.events.errors import UsageError
    from reorg_cli.events.yamlfile import describe_char

    if not title.strip():
        raise UsageError("--title is empty", "give the event's title, or leave --title out")
    bad = _TITLE_FORBIDDEN.search(title)
    if bad is not None:
        raise UsageError(
            f"--title holds {describe_char(bad.group())} at character {bad.start() + 1}",
            "a title is one line of text without control or bidirectional-override characters",
        )


def _problems_in(path: Path, history: Path) -> tuple[list[Problem], int]:
    """The problems of ``path`` read with the history it belongs to (``history``, a
    directory that holds it), or alone; and the number of errors in the rest of it."""
    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.errors import Severity
    from reorg_cli.events.loader import load_dataset

    target = history if path.resolve().is_relative_to(history.resolve()) else path
    dataset, problems = load_dataset(target)
    if not any(p.severity is Severity.ERROR for p in problems):
        problems = problems + compile_dataset(dataset).problems
    own = [p for p in problems if _same_file(p.location.path, path)]
    elsewhere = sum(
        1
        for p in problems
        if p.severity is Severity.ERROR and not _same_file(p.location.path, path)
    )
    return own, elsewhere


def _same_file(reported: str, path: Path) -> bool:
    try:
        return Path(reported).resolve() == path.resolve()
    except (OSError, RuntimeError):
        return Path(reported).name == path.name
