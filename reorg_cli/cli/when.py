"""``reorg when``: the windows in which a condition about the org held."""

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
    coverage_warning_today,
    load_known,
    print_knowledge,
    print_out,
    with_knowledge,
    write_json,
)


def when(
    condition: Annotated[
        str,
        typer.Argument(
            metavar="CONDITION",
            help='"A reports to B", "P holds TITLE in UNIT", "P in UNIT", "UNIT exists" or '
            '"UNIT under UNIT".',
        ),
    ],
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    known_as_of: KnownAsOfOption = None,
    events: EventsOption = None,
) -> None:
    """Show when a condition became true and stopped being true, with the events that made
    each change; dates keep their precision. Exit 0 whether or not it ever held. A window
    with no end recorded, asked about when today is past the data's coverage end, gets a
    line on stderr saying how far the data reaches.

    Example: reorg when "Zhou Jingren reports to Wu Yongming"
    """
    from reorg_cli.engine.when import parse_condition
    from reorg_cli.engine.when import when as when_query

    json_out = output is TableFormat.json
    timeline, report = load_known(events, known_as_of, quiet=json_out)
    result = when_query(
        timeline, parse_condition(timeline, condition), confidence_of(min_confidence)
    )
    coverage_warning_today(timeline, any(window.end is None for window in result.windows))
    if json_out:
        from reorg_cli.output.gitlike_json import when_dict

        write_json(with_knowledge(when_dict(result), report))
        return
    from reorg_cli.output.gitlike import render_when

    print_out(render_when(result))
    print_knowledge(report)
