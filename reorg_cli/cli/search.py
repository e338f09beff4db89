"""``reorg search``: people, units, events and sources by any of their names."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from reorg_cli.cli.common import EventsOption, TableFormat, load, print_out, write_json


class SearchKind(StrEnum):
    """What ``reorg search --kind`` looks among."""

    person = "person"
    unit = "unit"
    event = "event"
    source = "source"


def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="A name, part of one, or an id.")],
    kind: Annotated[
        list[SearchKind] | None,
        typer.Option("--kind", "-k", help="Only these kinds (repeat for several)."),
    ] = None,
    output: Annotated[TableFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TableFormat.table
    ),
    events: EventsOption = None,
) -> None:
    """Find people, units, events and sources by any name, alias, script or id, best first.

    Matches whole names, their starts, the starts of their words ("Token Hub") and any part
    ("千问"); close spellings when nothing else matches. Every command that takes a name finds
    it the same way.

    Example: reorg search Zhou
    """
    from reorg_cli.engine.names import KINDS
    from reorg_cli.engine.names import search as find
    from reorg_cli.events.errors import UsageError

    if not text.strip():
        raise UsageError("give some text to search for")
    timeline = load(events, quiet=output is TableFormat.json)
    kinds = [k.value for k in kind] if kind else list(KINDS)
    found = find(timeline, text, kinds)
    if output is TableFormat.json:
        from reorg_cli.output.directory import matches_dict

        write_json(matches_dict(text, found))
        return
    from reorg_cli.output.directory import render_matches

    print_out(render_matches(text, found))
