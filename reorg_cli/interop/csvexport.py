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
    # Added after the first release: at the end, so that the positions above hold.
    "last_confirmed",
    "stale",
    "presence_at",
)


#: Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"), and
#: the quote itself, so that the rule can be undone: a cell that starts with ``'`` had one added.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralize(cell: str) -> str:
    """``cell`` with a ``'`` in front if it starts like a formula (``=HYPERLINK(...)``,
    ``@SUM``, ``+1``, ``-1``, a tab or carriage return) or with ``'``.

    Spreadsheets then show it as text. To undo it, remove the first character of every cell
    that starts with ``'``.
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def roles_csv(
    timeline: Timeline, *, today: int, at: int | None = None, stale_after: int | None = None
) -> str:
    """Every role held (or, with ``at``, those that hold or may hold at the end of that day in
    a unit that exists or may exist then: the roles ``reorg show --at`` lists).

    ``start``, ``end`` and ``last_confirmed`` are written in event-file syntax at their
    recorded precision (``2026-04``, ``by 2025-06-23``); ``unit_name`` is the unit's name when
    the role started; ``sources`` are the URLs of the events behind the role, separated by
    spaces. ``status`` is relative to ``today`` (an ordinal, decided by the caller), whatever
    ``at`` is: ``planned``, ``current``, ``stale``, ``ended`` or ``ended (date unknown)``.
    ``stale`` (``yes`` or empty) is the engine's judgement, as in ``reorg history``: judged on
    today, or on the coverage end when today is past it, with ``stale_after`` days (else the
    dataset's threshold); a role that would read ``current`` but is stale reads ``stale``.
    ``presence_at`` is, with ``at``, ``present`` or ``uncertain`` (the role may or may not hold
    on that day, as ``[~]`` in ``reorg show``), and empty without ``at``.
    """
    reference = timeline.staleness_day(today)
    threshold = timeline.stale_after_days(stale_after)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    # A role "held" in a unit that does not exist on the day (its start or end is imprecise,
    # the unit's dates are not) is not held then: `show --at` leaves it out, and so does this.
    units = timeline.state_at(at, cite=False).units if at is not None else {}
    for fact in timeline.role_facts:
        presence = fact.presence(at) if at is not None else None
        if presence is Presence.ABSENT or (at is not None and fact.slot[1] not in units):
            continue
        person, unit, title = fact.slot
        urls: list[str] = []
        for event_id in fact.events:
            for source in timeline.events[event_id].sources:
                if source.url not in urls:
                    urls.append(source.url)
        status = fact.status(today)
        # Only a role that goes on can be stale (one whose end no source states has ended).
        stale = status == "current" and fact.stale_on(reference, threshold)
        if stale:
            status = "stale"
        writer.writerow(
            neutralize(cell)
            for cell in (
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
                fact.confirmed_window.text(),
                "yes" if stale else "",
                presence.name.lower() if presence is not None else "",
            )
        )
    return out.getvalue()
