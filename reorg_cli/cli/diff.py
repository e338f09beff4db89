"""``reorg diff``: what changed between two dates."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ConfidenceLevel,
    EventsOption,
    KnownAsOfOption,
    MinConfidenceOption,
    TableFormat,
    WhyOption,
    confidence_of,
    coverage_warning,
    footnotes,
    load_known,
    parse_date,
    print_knowledge,
    print_out,
    with_knowledge,
    write_json,
)


def diff(
    date_from: Annotated[str, typer.Argument(metavar="FROM", help="The earlier date.")],
    date_to: Annotated[str, typer.Argument(metavar="TO", help="The later date.")],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    why: WhyOption = False,
    known_as_of: KnownAsOfOption = None,
    events: EventsOption = None,
) -> None:
    """Show what changed between two dates, each change with the event that caused it.

    Example: reorg diff 2026-03-01 2026-04-30
    """
    from reorg_cli.events.errors import QueryDateError

    first, second = parse_date(date_from, "FROM"), parse_date(date_to, "TO")
    if first.day > second.day:
        raise QueryDateError(
            f"FROM ({first.iso()}) is after TO ({second.iso()})",
            "give the earlier date first; a partial date means the end of its period",
        )
    timeline, report = load_known(events, known_as_of, quiet=output is TableFormat.json)
    confidence = confidence_of(min_confidence)
    coverage_warning(timeline, first.day, second.day)
    result = timeline.diff(first.day, second.day, confidence)
    if output is TableFormat.json:
        from reorg_cli.output.serialize import diff_dict

        write_json(with_knowledge(diff_dict(result, min_confidence=confidence), report))
        return
    from reorg_cli.output.render import render_diff

    print_out(render_diff(result, footnotes(result.cited, why)))
    print_knowledge(report)
