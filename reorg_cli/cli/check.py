"""``reorg check``: a data-quality report on the history (``validate`` checks the format)."""

from __future__ import annotations

from typing import Annotated

import typer

from reorg_cli.cli.common import (
    EventsOption,
    StaleAfterOption,
    ValidateFormat,
    load,
    print_out,
    write_json,
)


def check(
    output: Annotated[ValidateFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ValidateFormat.text
    ),
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 if there is any finding.")
    ] = False,
    stale_after: StaleAfterOption = None,
    events: EventsOption = None,
) -> None:
    """Report what in the data needs a source or an edit, as of the data's coverage end.

    Finds stale facts (no source within --stale-after days), facts resting on one reported
    source, two holders of a single-holder post, units without a head, reporting lines that
    outlive the role they rested on, people with no role for years, and event dates more
    precise than (or later than) their sources. Each finding names the file:line to edit
    and what would resolve it. Exits 0 with findings; --strict exits 1 if there are any.

    Example: reorg check --strict
    """
    from reorg_cli.engine.checks import check_timeline

    timeline = load(events, quiet=output is ValidateFormat.json)
    report = check_timeline(timeline, stale_after)
    if output is ValidateFormat.json:
        from reorg_cli.output.serialize import check_dict

        write_json(check_dict(report))
    else:
        from reorg_cli.output.render import render_check

        print_out(render_check(report), soft_wrap=True)
    if strict and report.findings:
        from reorg_cli.events.errors import CheckFailed

        raise CheckFailed()
