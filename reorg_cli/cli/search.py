"""``reorg search``: people, units, events and sources by any of their names."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import EventsOption, TableFormat, load, print_out, write_json


def search(
    text: Annotated[str, typer.Argument(metavar="TEXT", help="A name, part of one, or an id.")],
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only these kinds: person, unit, event, source (repeat it, or separate them "
            "with commas: -k person -k unit, -k person,unit).",
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
    kinds: list[str] = []
    for value in kind if kind is not None else []:
        names = [k.strip() for k in value.split(",")]
        if not all(names):
            raise UsageError(f"--kind {value!r} has an empty kind", f"kinds: {', '.join(KINDS)}")
        for name in names:
            if name not in KINDS:
                raise UsageError(f"--kind {name!r} is not one of {', '.join(KINDS)}")
            if name not in kinds:
                kinds.append(name)
    if kind is None:
        kinds = list(KINDS)
    timeline = load(events, quiet=output is TableFormat.json)
    found = find(timeline, text, kinds)
    if output is TableFormat.json:
        from reorg_cli.output.directory import matches_dict

        write_json(matches_dict(text, found))
        return
    from reorg_cli.output.directory import render_matches

    print_out(render_matches(text, found))
