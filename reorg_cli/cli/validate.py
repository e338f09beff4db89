"""``reorg validate``: check event files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    ValidateFormat,
    console,
    events_path,
    write_json,
)


def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Event file or directory (default: --events, then the bundled data).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ValidateFormat.text
    ),
    events: EventsOption = None,
) -> None:
    """Check event files and print every problem as path:line:col: message.

    Exits 1 if there is any error (warnings alone exit 0).

    Example: reorg validate events/
    """
    from rich.text import Text

    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.errors import Severity
    from reorg_cli.events.loader import load_dataset
    from reorg_cli.output.render import render_problems

    target = path if path is not None else events_path(events)
    dataset, problems = load_dataset(target)
    if not any(p.severity is Severity.ERROR for p in problems):
        problems = problems + compile_dataset(dataset).problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if output is ValidateFormat.json:
        from reorg_cli.output.serialize import problems_dict

        write_json(problems_dict(problems, len(dataset.files), len(dataset.events)))
    else:
        stdout = console()
        if problems:
            stdout.print(render_problems(problems), soft_wrap=True)
        verdict = "ok" if not errors else "failed"
        stdout.print(
            Text(
                f"{verdict}: {len(dataset.files)} files, {len(dataset.events)} events, "
                f"{errors} errors, {warnings} warnings",
                style="green" if not errors else "red",
            )
        )
    if errors:
        from reorg_cli.events.errors import CheckFailed

        raise CheckFailed()
