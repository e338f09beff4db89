"""``reorg timeline``: events in date order."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ConfidenceLevel,
    EventsOption,
    MinConfidenceOption,
    TableFormat,
    WhyOption,
    complete_person,
    complete_unit,
    confidence_of,
    coverage_warning_span,
    footnotes,
    load,
    parse_date,
    print_out,
    run_today,
    write_json,
)


def refuse_empty(*options: tuple[str, str | None]) -> None:
    """An option given an empty (or blank) value is a usage error, never "no filter"."""
    from reorg_cli.events.errors import UsageError

    for name, value in options:
        if value is not None and not value.strip():
            raise UsageError(f"{name} is empty", f"give {name} a value, or leave it out")


def timeline(
    date_from: Annotated[str | None, typer.Option("--since", "--from", help="First date.")] = None,
    date_to: Annotated[str | None, typer.Option("--until", "--to", help="Last date.")] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help="Only events about them.", autocompletion=complete_person),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only events about this unit.", autocompletion=complete_unit),
    ] = None,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    events: EventsOption = None,
) -> None:
    """List events in date order, with corrections and retractions, as a table
    (reorg log shows the same events newest first, one block each).

    --since (or --from) takes the start of a partial date, --until (or --to) its end.

    Example: reorg timeline --since 2026-03 --until 2026-04
    """
    refuse_empty(
        ("--since", date_from), ("--until", date_to), ("--person", person), ("--unit", unit)
    )
    first = parse_date(date_from, "--from") if date_from is not None else None
    last = parse_date(date_to, "--to") if date_to is not None else None
    day_from = first.start if first is not None else None
    if first is not None and last is not None and first.start > last.day:
        from reorg_cli.events.errors import QueryDateError

        raise QueryDateError(
            f"--from ({first.text.strip()}) is after --to ({last.text.strip()})",
            "give the earlier date to --from",
        )
    loaded = load(events, quiet=output is TableFormat.json)
    person_id = loaded.find_person(person).id if person is not None else None
    unit_id = loaded.find_unit(unit) if unit is not None else None
    coverage_warning_span(loaded, day_from, last.day if last else None)
    chronicle = loaded.chronicle(
        day_from,
        last.day if last else None,
        person=person_id,
        unit=unit_id,
        today=run_today(),
        min_confidence=confidence_of(min_confidence),
        cite=why or output is TableFormat.json,
    )
    if output is TableFormat.json:
        from reorg_cli.output.serialize import timeline_dict

        write_json(timeline_dict(chronicle))
        return
    from reorg_cli.output.render import render_timeline

    print_out(render_timeline(chronicle, footnotes(chronicle.cited, why)))
