"""``reorg export``: the history in another format (docs/interop.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from reorg_cli.cli.common import (
    EventsOption,
    StaleAfterOption,
    coverage_warning,
    load,
    parse_date,
    print_note,
    run_today,
)


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


def _emit(text: str, out: Path | None, force: bool) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from reorg_cli.events.files import write_atomic

    write_atomic(out, text, force=force)


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
    stale_after: StaleAfterOption = None,
    events: EventsOption = None,
) -> None:
    """Export the history to another format: Popolo JSON, TimelineJS JSON, a Mermaid or
    Graphviz chart, a CSV of roles, or the compiled store as an SQLite database
    (docs/sqlite.md).

    Example: reorg export --format mermaid --at 2026-04-09 --out org.mmd
    """
    from reorg_cli.events.errors import UsageError

    if group is not None and output is not ExportFormat.timelinejs:
        raise UsageError("--group applies only to --format timelinejs")
    if output is ExportFormat.sqlite and out is None:
        raise UsageError("--format sqlite writes a database file: give --out FILE")
    if output is ExportFormat.sqlite and at is not None:
        raise UsageError("--at does not apply to --format sqlite (it holds the whole history)")
    if stale_after is not None and output in (ExportFormat.sqlite, ExportFormat.timelinejs):
        raise UsageError(
            "--stale-after applies only to --format popolo, mermaid, dot and csv "
            "(the ones that say whether a role goes on)"
        )
    query = parse_date(at, "--at") if at is not None else None
    timeline = load(events, quiet=out is None)
    if output is ExportFormat.sqlite:
        from reorg_cli.interop.sqliteexport import write_store

        assert out is not None
        write_store(timeline, out, force=force)
        return
    today = run_today()
    day = query.day if query is not None else today
    # The dates the export speaks of: the chart's or the organizations' day, and today, which
    # statuses are relative to (csv and popolo); for timelinejs, the --at it stops at.
    if output is ExportFormat.timelinejs:
        dates = [query.day] if query is not None else []
    elif output is ExportFormat.csv:
        dates = [today] if query is None else [query.day, today]
    elif output is ExportFormat.popolo:
        dates = [day, today]
    else:
        dates = [day]
    noted: set[str | None] = {None}
    for date in dates:  # one line per distinct note (stdout and --out keep their form)
        note = timeline.coverage_note(date)
        if note not in noted:
            noted.add(note)
            coverage_warning(timeline, date)
    if output is ExportFormat.popolo:
        from reorg_cli.interop.popolo import popolo_document

        text = _json(popolo_document(timeline, day, today=today, stale_after=stale_after))
    elif output is ExportFormat.timelinejs:
        from reorg_cli.interop.timelinejs import timelinejs_document

        until = query.day if query is not None else None
        text = _json(
            timelinejs_document(timeline, group_by=(group or GroupBy.unit).value, until=until)
        )
    elif output is ExportFormat.csv:
        from reorg_cli.interop.csvexport import roles_csv

        text = roles_csv(
            timeline,
            today=today,
            at=query.day if query is not None else None,
            stale_after=stale_after,
        )
    else:
        from reorg_cli.interop.graph import dot_graph, mermaid_chart, mermaid_limit_note

        state = timeline.state_at(day, stale_after=stale_after, cite=False)
        text = mermaid_chart(state) if output is ExportFormat.mermaid else dot_graph(state)
        limit = mermaid_limit_note(text) if output is ExportFormat.mermaid else None
        if limit is not None:
            print_note(limit)
    _emit(text, out, force)
