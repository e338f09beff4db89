"""``reorg people`` and ``reorg units``: who and what there is, with ids."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    StaleAfterOption,
    TableFormat,
    coverage_warning,
    load,
    parse_date,
    print_out,
    write_json,
)

AtOption = Annotated[
    str | None,
    typer.Option("--at", help="Only those present on this date (2026-04-08, 2026-04, today)."),
]


def people(
    at: AtOption = None,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    stale_after: StaleAfterOption = None,
    events: EventsOption = None,
) -> None:
    """List people with their ids and other names (with --at: those holding a role that day;
    a role no source confirms within --stale-after days of that day, or of the data's
    coverage end when the day is past it, is marked [?] with its last confirmation).

    Example: reorg people --at 2026-04-08
    """
    from reorg_cli.engine.names import people_list

    query = parse_date(at, "--at") if at is not None else None
    timeline = load(events, quiet=output is TableFormat.json)
    if query is not None:
        coverage_warning(timeline, query.day)
    found = people_list(timeline, query.day if query is not None else None, stale_after)
    shown = query.iso() if query is not None else None
    if output is TableFormat.json:
        from reorg_cli.output.directory import people_dict

        write_json(people_dict(found, at=shown, coverage=timeline.coverage(stale_after)))
        return
    from reorg_cli.output.directory import render_people

    print_out(render_people(found, at=shown))


def units(
    at: AtOption = None,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    stale_after: StaleAfterOption = None,
    events: EventsOption = None,
) -> None:
    """List units with their ids, kinds and parents (with --at: those existing that day,
    a unit no source confirms within --stale-after days marked [?] as in show).

    Example: reorg units --at 2026-04-08
    """
    from reorg_cli.engine.names import units_list

    query = parse_date(at, "--at") if at is not None else None
    timeline = load(events, quiet=output is TableFormat.json)
    if query is not None:
        coverage_warning(timeline, query.day)
    found = units_list(timeline, query.day if query is not None else None, stale_after)
    shown = query.iso() if query is not None else None
    if output is TableFormat.json:
        from reorg_cli.output.directory import units_dict

        write_json(units_dict(found, at=shown, coverage=timeline.coverage(stale_after)))
        return
    from reorg_cli.output.directory import render_units

    print_out(render_units(found, at=shown))
