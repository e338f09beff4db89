"""``reorg log``: events newest first, one block each, like ``git log``."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ConfidenceLevel,
    EventsOption,
    KnownAsOfOption,
    MinConfidenceOption,
    TableFormat,
    confidence_of,
    coverage_warning_span,
    load_known,
    parse_date,
    print_knowledge,
    print_out,
    run_today,
    with_knowledge,
    write_json,
)


def log(
    since: Annotated[
        str | None,
        typer.Option("--since", "--from", help="First date (the start of a partial date)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", "--to", help="Last date (the end of a partial date)."),
    ] = None,
    person: Annotated[str | None, typer.Option("--person", help="Only events about them.")] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only events about this unit and the units under it."),
    ] = None,
    grep: Annotated[
        str | None,
        typer.Option("--grep", help="Only events whose title, summary or notes contain this."),
    ] = None,
    oneline: Annotated[bool, typer.Option("--oneline", help="One line per event.")] = False,
    patch: Annotated[
        bool,
        typer.Option(
            "--patch",
            "-p",
            help="Show each event's effect as diff shows it, and what it confirms still held.",
        ),
    ] = False,
    max_count: Annotated[
        int | None, typer.Option("--max-count", "-n", min=1, help="Show at most N events.")
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Oldest first.")] = False,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    known_as_of: KnownAsOfOption = None,
    events: EventsOption = None,
) -> None:
    """List events newest first: date, id, title, confidence, sources (like git log).

    Examples: reorg log --since 2026-04-01 --until 2026-04-30 --oneline;
    reorg log --grep "Token Hub" -p
    """
    from reorg_cli.cli.timeline import refuse_empty
    from reorg_cli.engine.history_log import log_entries
    from reorg_cli.events.errors import QueryDateError

    refuse_empty(
        ("--since", since),
        ("--until", until),
        ("--person", person),
        ("--unit", unit),
        ("--grep", grep),
    )
    first = parse_date(since, "--since") if since is not None else None
    last = parse_date(until, "--until") if until is not None else None
    if first is not None and last is not None and first.start > last.day:
        raise QueryDateError(
            f"--since ({first.text.strip()}) is after --until ({last.text.strip()})",
            "give the earlier date to --since",
        )
    json_out = output is TableFormat.json
    timeline, report = load_known(events, known_as_of, quiet=json_out)
    coverage_warning_span(
        timeline,
        first.start if first is not None else None,
        last.day if last is not None else None,
    )
    entries = log_entries(
        timeline,
        day_from=first.start if first is not None else None,
        day_to=last.day if last is not None else None,
        person=timeline.find_person(person).id if person is not None else None,
        unit=timeline.find_unit(unit) if unit is not None else None,
        grep=grep,
        today=run_today(),
        min_confidence=confidence_of(min_confidence),
        newest_first=not reverse,
        limit=max_count,
        patch=patch,
    )
    if json_out:
        from reorg_cli.output.gitlike_json import log_dict

        write_json(with_knowledge(log_dict(entries, patch=patch), report))
        return
    from reorg_cli.output.gitlike import render_log

    print_out(render_log(entries, oneline=oneline), crop=False)
    print_knowledge(report)
