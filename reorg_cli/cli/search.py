"""``reorg search``: people, units, events and sources by any of their names."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import EventsOption, TableFormat, load, print_out, write_json


def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="A name, part of one, or an id.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", "-k", help="Only these kinds: person, unit, event, source (comma-separated)."
        ),
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

    if not text.strip():  # checked before the history is read
        raise UsageError("give some text to search for")
    timeline = load(events, quiet=output is TableFormat.json)
    kinds = [k.strip() for k in kind.split(",") if k.strip()] if kind else list(KINDS)
    for name in kinds:
        if name not in KINDS:
            raise UsageError(f"--kind {name!r} is not one of {', '.join(KINDS)}")
    found = find(timeline, text, kinds)
    if output is TableFormat.json:
        from reorg_cli.output.directory import matches_dict

        write_json(matches_dict(text, found))
        return
    from reorg_cli.output.directory import render_matches

    print_out(render_matches(text, found))
