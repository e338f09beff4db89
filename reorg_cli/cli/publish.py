"""``reorg publish``: one self-contained HTML page to share the history (docs/publish.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reorg_cli.cli.common import EventsOption, coverage_warning_span, load, parse_date


def publish(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The HTML file to write (atomically).", show_default=False
        ),
    ],
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First date of the slider and the changes list (a partial date means the "
            "start of its period; default: the first event).",
            show_default=False,
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last date of the slider and the changes list (a partial date means the end "
            "of its period; default: the last event).",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            help="The page's title (default: named after the top unit).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Let --out replace a file.")] = False,
    events: EventsOption = None,
) -> None:
    """Write the history as one self-contained HTML page: a date slider with the org tree,
    the changes with their sources, a page per person and unit, and search. The page needs
    no network and opens from a file; the URL holds the view (#date=2026-04-08&person=ID).

    Example: reorg publish --out alibaba.html --from 2023 --title "Alibaba's AI reorganization"
    """
    from reorg_cli.events.errors import QueryDateError, ReorgError, UsageError

    since = parse_date(date_from, "--from") if date_from is not None else None
    until = parse_date(date_to, "--to") if date_to is not None else None
    first = since.start if since is not None else None
    last = until.day if until is not None else None
    if first is not None and last is not None and first > last:
        raise QueryDateError(
            f"--from ({date_from}) is after --to ({date_to})", "give the earlier date to --from"
        )
    if title is not None and not title.strip():
        raise UsageError("--title is empty", "give the page a title, or leave the option out")
    if out.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"--out {str(out)!r} is not an .html file", "name the page FILE.html")
    timeline = load(events)
    coverage_warning_span(timeline, first, last)
    from reorg_cli.interop.publish import default_title, publish_data, render_page

    data = publish_data(
        timeline,
        day_from=first,
        day_to=last,
        range_precision=(
            since.precision.value if since is not None else None,
            until.precision.value if until is not None else None,
        ),
        title=title.strip() if title is not None else default_title(timeline),
    )
    if not data["stops"]:
        raise ReorgError(*_empty_range(date_from, date_to))
    from reorg_cli.events.files import write_atomic

    write_atomic(out, render_page(data), force=force)


def _empty_range(date_from: str | None, date_to: str | None) -> tuple[str, str]:
    """The message and hint for a range with no dated event, naming the limits given."""
    widen = "widen the range; 'reorg timeline' lists the event dates"
    if date_from is not None and date_to is not None:
        return f"no dated event falls between --from ({date_from}) and --to ({date_to})", widen
    if date_from is not None:
        return f"no dated event falls on or after --from ({date_from})", widen
    if date_to is not None:
        return f"no dated event falls on or before --to ({date_to})", widen
    return (
        "the history has no dated event to show",
        "give the events dates; 'reorg timeline' lists them",
    )
