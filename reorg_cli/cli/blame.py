"""``reorg blame``: every fact about a unit or person beside the events behind it."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ConfidenceLevel,
    EventsOption,
    MinConfidenceOption,
    StaleAfterOption,
    TableFormat,
    confidence_of,
    coverage_warning,
    coverage_warning_today,
    load,
    parse_date,
    print_out,
    run_today,
    write_json,
)


def blame(
    name: Annotated[
        str, typer.Argument(metavar="UNIT|PERSON", help="A unit or a person: id, name or alias.")
    ],
    at: Annotated[
        str | None,
        typer.Option("--at", help="Only the facts holding on this date.", show_default=False),
    ] = None,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    stale_after: StaleAfterOption = None,
    events: EventsOption = None,
) -> None:
    """Show each fact about a unit or person with the event that established it, the events
    that ended, corrected or confirmed it, their sources, and (in a git repository) the
    commit that last changed each event's file.

    A fact with no end that no source confirms within --stale-after days of the --at date
    (else of today), or of the data's coverage end when that date is past it, is marked [?]
    with its last confirmation, as show and history mark it.

    Example: reorg blame "Group Technology Committee"
    """
    from pathlib import Path

    from reorg_cli.engine.history_log import blame as blame_query
    from reorg_cli.events.errors import AmbiguousNameError, UnknownNameError
    from reorg_cli.events.gitinfo import last_commits

    query = parse_date(at, "--at") if at is not None else None
    json_out = output is TableFormat.json
    timeline = load(events, quiet=json_out)
    unit_id = person_id = None
    try:
        unit_id = timeline.find_unit(name)
    except UnknownNameError as unit_error:
        try:
            person_id = timeline.find_person(name).id
        except UnknownNameError as person_error:
            suggestions = [*unit_error.suggestions, *person_error.suggestions][:5]
            raise UnknownNameError(
                "unit or person",
                name,
                suggestions,
                "'reorg units' and 'reorg people' list them; 'reorg search NAME' finds any "
                "name or part of one",
            ) from None
    else:
        try:
            person = timeline.find_person(name)
        except (UnknownNameError, AmbiguousNameError):
            person = None
        if person is not None:
            raise AmbiguousNameError(
                f"{name!r} names both a unit ({unit_id}) and a person ({person.id})",
                "use the id",
            )
    result = blame_query(
        timeline,
        unit=unit_id,
        person=person_id,
        day=query.day if query is not None else None,
        at_text=query.iso() if query is not None else None,
        min_confidence=confidence_of(min_confidence),
        stale_after=stale_after,
        today=run_today(),
    )
    if query is not None:
        coverage_warning(timeline, query.day)
    else:
        coverage_warning_today(timeline, any(line.end is None for line in result.lines))
    paths = sorted({e.path for line in result.lines for e in line.events})
    found = last_commits([Path(p) for p in paths])
    commits = {p: found[Path(p).resolve()] for p in paths if Path(p).resolve() in found}
    if json_out:
        from reorg_cli.output.gitlike_json import blame_dict

        write_json(blame_dict(result, commits))
        return
    from reorg_cli.output.gitlike import render_blame

    print_out(render_blame(result, commits), crop=False)
