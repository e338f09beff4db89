"""Export the roles people held as CSV: one row per role, in replay order."""

from __future__ import annotations

import csv
import io

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.timeline import Timeline

COLUMNS = (
    "person_id",
    "person_name",
    "unit_id",
    "unit_name",
    "title",
    "head",
    "start",
    "end",
    "status",
    "confidence",
    "sources",
    "events",
)


def roles_csv(timeline: Timeline, *, at: int | None = None) -> str:
    """Every role held (or, with ``at``, those that hold or may hold at the end of that day).

    ``start`` and ``end`` are written in event-file syntax at their recorded precision
    (``2026-04``, ``by 2025-06-23``); ``unit_name`` is the unit's name when the role started;
    ``sources`` are the URLs of the events behind the role, separated by spaces.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for fact in timeline.role_facts:
        if at is not None and fact.presence(at) is Presence.ABSENT:
            continue
        person, unit, title = fact.slot
        urls: list[str] = []
        for event_id in fact.events:
            for source in timeline.events[event_id].sources:
                if source.url not in urls:
                    urls.append(source.url)
        if fact.end is None:
            status = "current"
        elif fact.end_unknown:
            status = "ended (date unknown)"
        else:
            status = "ended"
        writer.writerow(
            (
                person,
                timeline.person_name(person),
                unit,
                timeline.unit_name_at_order(unit, fact.start.order),
                title,
                "yes" if fact.value[0] else "",
                fact.start.window.text(),
                fact.end.window.text() if fact.end is not None else "",
                status,
                fact.confidence.label,
                " ".join(urls),
                " ".join(fact.events),
            )
        )
    return out.getvalue()
