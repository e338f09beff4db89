"""``reorg unit``: one unit's history."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ConfidenceLevel,
    EventsOption,
    KnownAsOfOption,
    MinConfidenceOption,
    StaleAfterOption,
    TableFormat,
    WhyOption,
    complete_unit,
    confidence_of,
    coverage_warning_today,
    footnotes,
    load_known,
    print_knowledge,
    print_out,
    run_today,
    with_knowledge,
    write_json,
)


def unit(
    name: Annotated[
        str,
        typer.Argument(
            metavar="UNIT", help="Id, current or former name.", autocompletion=complete_unit
        ),
    ],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    stale_after: StaleAfterOption = None,
    why: WhyOption = False,
    known_as_of: KnownAsOfOption = None,
    events: EventsOption = None,
) -> None:
    """Show a unit's history: creation, renames, reclassifications, moves, merges, heads.

    A role with no end reads "current" only if a source confirms it within --stale-after days
    of today, or of the data's coverage end when today is past it; otherwise "last confirmed
    DATE". When today is past the coverage end, a line on stderr says so.

    Example: reorg unit "Tongyi Lab"
    """
    timeline, report = load_known(events, known_as_of, quiet=output is TableFormat.json)
    found = timeline.find_unit(name)
    result = timeline.unit_history(
        found, confidence_of(min_confidence), stale_after, today=run_today()
    )
    coverage_warning_today(timeline, any(s.end is None for s in (*result.heads, *result.roles)))
    if output is TableFormat.json:
        from reorg_cli.output.serialize import unit_history_dict

        write_json(with_knowledge(unit_history_dict(result), report))
        return
    from reorg_cli.output.render import render_unit_history

    print_out(render_unit_history(result, footnotes(result.cited, why)))
    print_knowledge(report)
