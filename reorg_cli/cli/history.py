"""``reorg history``: one person's roles."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    ConfidenceLevel,
    EventsOption,
    HistoryFormat,
    KnownAsOfOption,
    MinConfidenceOption,
    StaleAfterOption,
    WhyOption,
    complete_person,
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


def history(
    person: Annotated[
        str,
        typer.Argument(
            help="Id, name or alias, in any script or case.", autocompletion=complete_person
        ),
    ],
    output: Annotated[
        HistoryFormat,
        typer.Option("--format", "-f", help="Output format (gantt: bars across the years)."),
    ] = HistoryFormat.table,
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    stale_after: StaleAfterOption = None,
    why: WhyOption = False,
    known_as_of: KnownAsOfOption = None,
    events: EventsOption = None,
) -> None:
    """Show every role a person has held, with dates at their recorded precision.

    A role with no end reads "current" only if a source confirms it within --stale-after days
    of today, or of the data's coverage end when today is past it; otherwise it reads "last
    confirmed DATE". When today is past the coverage end, a line on stderr says so.

    Example: reorg history "Zhou Jingren"
    """
    timeline, report = load_known(events, known_as_of, quiet=output is HistoryFormat.json)
    found = timeline.find_person(person)
    result = timeline.person_history(
        found.id, confidence_of(min_confidence), stale_after, today=run_today()
    )
    coverage_warning_today(
        timeline,
        any(span.end is None for span in result.roles)
        or any(line[3] is None for line in result.reporting_lines),
    )
    if output is HistoryFormat.json:
        from reorg_cli.output.serialize import history_dict

        write_json(with_knowledge(history_dict(result), report))
        return
    if output is HistoryFormat.gantt:
        from reorg_cli.output.gantt import Gantt

        lives = {span.unit: timeline.unit_lifetime(span.unit) for span in result.roles}
        print_out(Gantt(result, today=run_today(), lives=lives))
        return
    from reorg_cli.output.render import render_person_history

    print_out(render_person_history(result, footnotes(result.cited, why)))
    print_knowledge(report)
