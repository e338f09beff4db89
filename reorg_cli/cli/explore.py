"""``reorg explore``: the full-screen explorer (Textual is imported only when it runs)."""

from __future__ import annotations

import gc
import os
import sys
from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ColorMode,
    ConfidenceLevel,
    EventsOption,
    MinConfidenceOption,
    confidence_of,
    load,
    parse_date,
    run_today,
    settings,
)


def explore(
    at: Annotated[
        str, typer.Option("--at", help="Date to start on: 2026-04-08, 2026-04, 2026, today.")
    ] = "today",
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    events: EventsOption = None,
) -> None:
    """Explore the organization over time, full screen: the tree at a date, a date slider,
    what changed at each step, and the sources behind every fact.

    Keys: ← → previous/next event date (also p n), shift+← → a month (also , .), [ ] a year,
    t today, g go to a date, / find, enter open, b back, f forward, c confidence filter,
    ctrl+p or : every action, ? help, q quit.

    Example: reorg explore --at 2026-04-07
    """
    from reorg_cli.events.errors import UsageError

    query = parse_date(at, "--at")
    today = run_today()
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "reorg explore needs a terminal (stdin and stdout); "
            "for output to a file or pipe use 'reorg show' or 'reorg diff'"
        )
    timeline = load(events)
    if settings.color is ColorMode.never:
        os.environ["NO_COLOR"] = "1"
    from reorg_cli.explore.app import ExploreApp
    from reorg_cli.explore.controller import Explorer

    explorer = Explorer(
        timeline, at=query, today=today, min_confidence=confidence_of(min_confidence)
    )
    # main() turned the cycle collector off, which suits a run of seconds; an app runs for
    # as long as you like and Textual makes cyclic garbage. Keep the loaded history out of
    # the collector's scans (freeze) and let it collect the rest.
    gc.freeze()
    gc.enable()
    app = ExploreApp(explorer)
    app.run()
    if app.return_code:  # Textual has already shown what went wrong
        raise typer.Exit(app.return_code)
