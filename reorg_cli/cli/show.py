"""``reorg show``: the org on a date."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reorg_cli.cli.common import (
    DEFAULT_TREE_UNITS,
    ColorMode,
    ConfidenceLevel,
    EventsOption,
    KnownAsOfOption,
    MinConfidenceOption,
    ShowFormat,
    StaleAfterOption,
    WhyOption,
    complete_unit,
    confidence_of,
    coverage_warning,
    footnotes,
    load_known,
    parse_date,
    print_knowledge,
    print_out,
    settings,
    top_of,
    with_knowledge,
    write_json,
)


def show(
    at: Annotated[str, typer.Option("--at", help="Date: 2026-04-08, 2026-04, 2026, today.")] = (
        "today"
    ),
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="Show only this unit and what is under it.",
            autocompletion=complete_unit,
        ),
    ] = None,
    depth: Annotated[
        int | None, typer.Option("--depth", min=1, help="Levels of units to show in the tree.")
    ] = None,
    output: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.tree
    ),
    min_confidence: MinConfidenceOption = ConfidenceLevel.uncertain,
    stale_after: StaleAfterOption = None,
    why: WhyOption = False,
    known_as_of: KnownAsOfOption = None,
    events: EventsOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File for --format svg or html.", show_default=False),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --out replace a file.")] = False,
    width: Annotated[
        int, typer.Option("--width", min=40, max=1000, help="Columns of an svg or html picture.")
    ] = 100,
) -> None:
    """Show the organization as of a date: units, who holds which role, reporting lines.

    A partial date means the end of its period (--at 2026-04 is April 30, 2026).
    A role, unit or reporting line that no source has confirmed for more than --stale-after
    days before the date (or the data's coverage end) is marked [?] with its last
    confirmation instead of reading as current.
    --format svg or html saves the tree, as the terminal shows it, to --out.

    Example: reorg show --at 2026-04-08
    """
    from reorg_cli.events.errors import ReorgError, UsageError

    picture = output in (ShowFormat.svg, ShowFormat.html)
    if picture and out is None:
        raise UsageError(f"--format {output.value} needs --out FILE")
    if out is not None and not picture:
        raise UsageError("--out is only for --format svg or html")
    query = parse_date(at, "--at")
    timeline, report = load_known(events, known_as_of, quiet=output is ShowFormat.json)
    confidence = confidence_of(min_confidence)
    coverage_warning(timeline, query.day)
    # Citations are read only for what shows them: --why and the JSON.
    cite = why or output is ShowFormat.json
    root = timeline.find_unit(unit) if unit is not None else None
    # A tree of default depth needs only the units it draws (a few hundred of a big org's).
    cut_tree = depth is None and output not in (ShowFormat.table, ShowFormat.json)
    state = timeline.state_at(
        query.day,
        confidence,
        stale_after,
        cite=cite,
        top_units=DEFAULT_TREE_UNITS if cut_tree else None,
        root=root,
    )
    keep: list[str] | None = None
    if root is not None:
        if root not in state.units:
            if (
                min_confidence is not ConfidenceLevel.uncertain
                and root in timeline.state_at(query.day, cite=False).units
            ):
                raise ReorgError(
                    f"unit {timeline.unit_name_now(root)!r} is not shown on {query.iso()} at "
                    f"--min-confidence {min_confidence.value}",
                    "its existence rests on less sure sources",
                )
            raise ReorgError(
                f"unit {timeline.unit_name_now(root)!r} does not exist on {query.iso()}",
                f"see 'reorg unit {root}' for when it existed",
            )
        if output in (ShowFormat.table, ShowFormat.json):
            keep = state.subtree(root)
    if output is ShowFormat.json:
        from reorg_cli.output.serialize import state_dict

        write_json(
            with_knowledge(
                state_dict(state, at_input=at, min_confidence=confidence, units=keep),
                report,
            )
        )
        return
    from reorg_cli.output.render import render_state_table, render_state_tree

    notes = footnotes(state.cited, why)
    cut = None
    if depth is None and output is not ShowFormat.table:
        depth = state.depth_that_fits(root, DEFAULT_TREE_UNITS)
        if depth is not None:
            state, cut = top_of(state, root, depth)
    if output is ShowFormat.table:
        print_out(render_state_table(state, units=keep, why=notes))
        print_knowledge(report)
    elif picture:
        from rich.console import Group
        from rich.text import Text

        from reorg_cli.output.pictures import save_picture

        assert out is not None
        drawn = render_state_tree(state, root=root, depth=depth, why=notes)
        save_picture(
            drawn if cut is None else Group(drawn, Text(cut, style="dim")),
            out,
            output.value,
            width=width,
            force=force,
            title=f"reorg show --at {query.iso()}",
            no_color=True if settings.color is ColorMode.never else None,
        )
    else:
        print_out(render_state_tree(state, root=root, depth=depth, why=notes))
        if cut is not None:
            from rich.text import Text

            print_out(Text(cut, style="dim"))
        print_knowledge(report)
