"""``reorg event``: one event in full."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    TableFormat,
    complete_event,
    load,
    print_out,
    write_json,
)


def event(
    event_id: Annotated[
        str, typer.Argument(metavar="EVENT", help="An event id.", autocompletion=complete_event)
    ],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    events: EventsOption = None,
) -> None:
    """Show one event in full: date, confidence, sources, notes, changes and corrections.

    Example: reorg event 2026-04-08-technology-committee
    """
    import difflib

    from reorg_cli.events.errors import UnknownNameError

    timeline = load(events, quiet=output is TableFormat.json)
    if event_id not in timeline.events:
        close = difflib.get_close_matches(event_id, list(timeline.events), n=3)
        raise UnknownNameError(
            "event", event_id, close, "'reorg timeline' or 'reorg log' lists the events"
        )
    record = timeline.event_record(event_id)
    if output is TableFormat.json:
        from reorg_cli.output.serialize import event_dict

        write_json(event_dict(record))
        return
    from reorg_cli.output.render import render_event

    print_out(render_event(record))
