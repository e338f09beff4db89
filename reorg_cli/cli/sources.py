"""``reorg sources``: the sources and what they support."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    TableFormat,
    load,
    print_out,
    write_json,
)


def sources(
    single_reported: Annotated[
        bool,
        typer.Option(
            "--single-reported", help="List the facts that rest on one source and aren't confirmed."
        ),
    ] = False,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    events: EventsOption = None,
) -> None:
    """List every source with the number of facts it supports.

    Example: reorg sources --single-reported
    """
    timeline = load(events, quiet=output is TableFormat.json)
    if single_reported:
        facts = timeline.single_reported_facts()
        if output is TableFormat.json:
            from reorg_cli.output.serialize import fact_summaries_dict

            write_json(fact_summaries_dict(facts))
            return
        from reorg_cli.output.render import render_fact_summaries

        print_out(render_fact_summaries(facts, "Facts resting on a single unconfirmed source"))
        return
    uses = timeline.sources_report()
    if output is TableFormat.json:
        from reorg_cli.output.serialize import sources_dict

        write_json(sources_dict(uses))
        return
    from reorg_cli.output.render import render_sources

    print_out(render_sources(uses))
