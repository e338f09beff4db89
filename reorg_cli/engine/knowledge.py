"""What was known when: the history as the public record stood on a date (``--known-as-of``).

Effective time is an event's date; *knowledge time* is when its sources were published. An
event counts as known on day D when its earliest dated source was certainly published by D
(a partial ``published`` date counts from the last day of its period). An event whose earliest
source's period straddles D is "possibly known" and left out, like one published later; an
event with no dated source is kept and flagged, because leaving it out would guess. A
correction or retraction counts from its own sources. An event that needs an event left out
(a role ended that was never known to start) is left out too, and says so.
"""

from __future__ import annotations

from dataclasses import replace

from reorg_cli.engine.reports import KnowledgeEntry as KnowledgeEntry
from reorg_cli.engine.reports import KnowledgeReport as KnowledgeReport
from reorg_cli.events.dates import DateSyntaxError, PartialDate, parse_partial
from reorg_cli.events.errors import Problem, Severity
from reorg_cli.events.model import Source
from reorg_cli.events.records import Dataset, Event

#: How an event stands on the knowledge date.
KNOWN, UNDATED, POSSIBLY, NOT_YET, DEPENDS = (
    "known",
    "no dated source",
    "possibly known",
    "not yet published",
    "depends on an event not yet known",
)


def _published(source: Source) -> PartialDate | None:
    if not source.published:
        return None
    try:
        return parse_partial(source.published)
    except DateSyntaxError:
        return None


def first_published(event: Event) -> PartialDate | None:
    """The earliest publication date among the event's sources (by its last possible day)."""
    dates = [d for d in (_published(s) for s in event.sources) if d is not None]
    if not dates:
        return None
    return min(dates, key=lambda d: (d.last_day(), d.first_day()))


def standing(event: Event, day: int) -> str:
    """Whether ``event`` was known on ``day`` (one of the module's status constants)."""
    published = first_published(event)
    if published is None:
        return UNDATED
    if published.last_day() <= day:
        return KNOWN
    if published.first_day() <= day:
        return POSSIBLY
    return NOT_YET


def _entry(event: Event, status: str) -> KnowledgeEntry:
    published = first_published(event)
    return KnowledgeEntry(
        event=event.id,
        date=event.date.display(),
        title=event.title,
        status=status,
        first_published=published.iso() if published is not None else None,
    )


def _owner_of(problem: Problem, events: tuple[Event, ...]) -> str | None:
    """The event whose text holds ``problem``'s location (the last one starting before it)."""
    best: Event | None = None
    for event in events:
        loc = event.location
        if loc.path != problem.location.path or loc.line > problem.location.line:
            continue
        if best is None or loc.line > best.location.line:
            best = event
    return best.id if best is not None else None


def known_as_of(
    dataset: Dataset, day: int, iso: str, *, max_rounds: int = 50
) -> tuple[Dataset, KnowledgeReport]:
    """``dataset`` with only the events known on ``day``, and what was left out.

    Leaving events out can make later events refer to facts never established; those are
    left out in turn (compiling again until the history compiles, at most ``max_rounds``).
    """
    from reorg_cli.engine.compiler import compile_dataset

    status = {event.id: standing(event, day) for event in dataset.events}
    for _ in range(max_rounds):
        kept_ids = {eid for eid, s in status.items() if s in (KNOWN, UNDATED)}
        for event in dataset.events:
            if event.id in kept_ids and event.retracts and event.retracts not in kept_ids:
                status[event.id] = DEPENDS  # nothing known to retract yet
                kept_ids.discard(event.id)
        kept = tuple(_standalone(e, kept_ids) for e in dataset.events if e.id in kept_ids)
        candidate = replace(dataset, events=kept)
        errors = [p for p in compile_dataset(candidate).problems if p.severity is Severity.ERROR]
        if not errors:
            break
        owners = {_owner_of(p, kept) for p in errors} - {None}
        if not owners:
            break  # nothing more to leave out; the caller reports the errors
        for owner in owners:
            assert owner is not None
            status[owner] = DEPENDS
    # The registry's descriptions and notes are not dated, and are written with hindsight
    # ("Group CEO from 2023-09-10 …"): as of an earlier day they would tell what was not
    # yet known. Names and aliases stay (a later name of a person is still that person).
    candidate = replace(
        candidate,
        people={k: replace(p, description=None, notes=None) for k, p in dataset.people.items()},
        units={k: replace(u, description=None, notes=None) for k, u in dataset.units.items()},
    )
    by_id = {e.id: e for e in dataset.events}
    ordered = sorted(dataset.events, key=Event.sort_key)
    report = KnowledgeReport(
        day=day,
        iso=iso,
        left_out=tuple(
            _entry(e, status[e.id]) for e in ordered if status[e.id] not in (KNOWN, UNDATED)
        ),
        undated=tuple(_entry(by_id[e.id], UNDATED) for e in ordered if status[e.id] == UNDATED),
    )
    return candidate, report


def _standalone(event: Event, kept: set[str]) -> Event:
    """A correction of an event not yet known stands as a plain event."""
    if event.corrects is not None and event.corrects not in kept:
        return replace(event, corrects=None)
    return event
