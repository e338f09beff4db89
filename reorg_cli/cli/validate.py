"""``reorg validate``: check event files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    ValidateFormat,
    console,
    events_path,
    write_json,
)

if TYPE_CHECKING:
    from reorg_cli.events.errors import Problem


#: The problems listed per file (text and JSON); the rest of a file's are only counted, so a
#: file of a million bad items is reported in a moment rather than a million lines.
MAX_PROBLEMS_PER_FILE = 100


def cap_problems(problems: list[Problem]) -> tuple[list[Problem], dict[str, list[int]]]:
    """The first :data:`MAX_PROBLEMS_PER_FILE` problems of each file, in order, and for each
    file with more, the number of errors and of warnings left out."""
    from reorg_cli.events.errors import Severity

    kept: list[Problem] = []
    listed: dict[str, int] = {}
    omitted: dict[str, list[int]] = {}
    for problem in problems:
        file = problem.location.path
        if listed.get(file, 0) < MAX_PROBLEMS_PER_FILE:
            listed[file] = listed.get(file, 0) + 1
            kept.append(problem)
        else:
            counts = omitted.setdefault(file, [0, 0])
            counts[0 if problem.severity is Severity.ERROR else 1] += 1
    return kept, omitted


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

    The first 100 problems of each file are listed and the rest counted ("… and N more").

    Exits 1 if there is any error (warnings alone exit 0).

    Example: reorg validate events/
    """
    from rich.text import Text

    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.errors import Severity
    from reorg_cli.events.loader import load_dataset
    from reorg_cli.output.render import render_problems
    from reorg_cli.output.render_text import sanitize

    target = path if path is not None else events_path(events)
    dataset, problems = load_dataset(target)
    if not any(p.severity is Severity.ERROR for p in problems):
        problems = problems + compile_dataset(dataset).problems
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    problems, omitted = cap_problems(problems)
    if output is ValidateFormat.json:
        from reorg_cli.output.serialize import problems_dict

        report = problems_dict(problems, len(dataset.files), len(dataset.events))
        report["errors"], report["warnings"] = errors, warnings
        report["omitted"] = [
            {"path": file, "errors": counts[0], "warnings": counts[1]}
            for file, counts in sorted(omitted.items())
        ]
        write_json(report)
    else:
        stdout = console()
        if problems:
            stdout.print(render_problems(problems), soft_wrap=True)
        for file, (more_errors, more_warnings) in omitted.items():
            stdout.print(
                Text(
                    f"… and {more_errors + more_warnings} more problems in {sanitize(file)} "
                    f"({more_errors} errors, {more_warnings} warnings): only the first "
                    f"{MAX_PROBLEMS_PER_FILE} of a file are listed; fix these first",
                    style="dim",
                ),
                soft_wrap=True,
            )
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
