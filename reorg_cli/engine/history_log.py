"""``reorg log`` and ``reorg blame``: the history asked the way git asks of code.

``log`` lists events (newest first by default) with what became of them; ``blame`` puts
every fact about one unit or person beside the event that established it, the event that
ended it, and the later events that corrected or confirmed it.
"""

from __future__ import annotations

from reorg_cli.engine.facts import Fact, FactKind, Presence
from reorg_cli.engine.reports import Blame as Blame
from reorg_cli.engine.reports import BlameEvent as BlameEvent
from reorg_cli.engine.reports import BlameLine as BlameLine
from reorg_cli.engine.reports import LogEntry as LogEntry
from reorg_cli.engine.results_over_time import DiffChange, TimelineEntry
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import NEG_INF, POS_INF
from reorg_cli.events.model import Confidence
from reorg_cli.events.records import Event


def units_below(timeline: Timeline, unit: str) -> set[str]:
    """``unit`` and every unit that was under it at any time (children of children too)."""
    parents_ever: dict[str, set[str]] = {}
    for child, by_kind in timeline.unit_facts.items():
        for fact in by_kind.get(FactKind.PARENT, []):
            if fact.value[0] is not None:
                parents_ever.setdefault(child, set()).add(str(fact.value[0]))
    found = {unit}
    grew = True
    while grew:
        grew = False
        for child, parents in parents_ever.items():
            if child not in found and parents & found:
                found.add(child)
                grew = True
    return found


def _mentions(event: Event, units: set[str]) -> bool:
    for change in event.changes:
        for field_name in ("unit", "parent", "into"):
            if getattr(change, field_name, None) in units:
                return True
    return False


def events_about_units(timeline: Timeline, units: set[str]) -> set[str]:
    """Ids of the events that changed a fact about any of ``units`` (as ``timeline --unit``
    counts them), with the corrections and retractions of such events."""
    found: set[str] = set()
    for fact in timeline.facts:
        if fact.kind is FactKind.REPORTING_LINE:
            continue
        if fact.kind is FactKind.ROLE:
            touched = fact.slot[1] in units
        elif fact.kind is FactKind.PARENT and fact.value[0] in units:
            touched = True
        else:
            touched = fact.slot[0] in units or (
                fact.kind is FactKind.UNIT and fact.successor in units
            )
        if touched:
            found.update(fact.events)
    found.update(e.id for e in timeline.dataset.events if _mentions(e, units))
    for event in timeline.dataset.events:
        target = event.corrects or event.retracts
        if target is not None and target in found:
            found.add(event.id)
    return found


def event_patch(
    timeline: Timeline, event: Event, min_confidence: Confidence
) -> tuple[DiffChange, ...]:
    """The event's effect as ``diff`` shows it: the changes across its date window that it
    caused (the day before the window's first day against the window's last day)."""
    window = event.date
    first = window.lo if window.lo != NEG_INF else window.hi
    last = window.hi if window.hi != POS_INF else window.lo
    if first in (NEG_INF, POS_INF) or last in (NEG_INF, POS_INF):
        return ()
    result = timeline.diff(first - 1, last, min_confidence, cite=False)
    return tuple(c for c in result.changes if event.id in c.events)


def event_confirmations(timeline: Timeline, event: Event) -> tuple[str, ...]:
    """What the event's confirmations say still held, one summary each ("Zhou Jingren —
    Chief Scientist, Alibaba Group"; "DingTalk exists"; "A reports to B"), units named as
    they were right after the event."""
    from reorg_cli.events.changes import (
        CONFIRMATIONS,
        ReportingLineConfirmed,
        RoleConfirmed,
        UnitConfirmed,
    )

    if not any(isinstance(change, CONFIRMATIONS) for change in event.changes):
        return ()  # most events: no query needed
    row = timeline.store.one("SELECT replay FROM event_records WHERE id = ?", event.id)
    step = row[0] if row is not None and row[0] is not None else None
    if step is None:  # corrected or retracted: it confirms nothing
        return ()

    def unit_name(unit: str) -> str:
        return timeline.unit_name_at_order(unit, step)

    found = []
    for change in event.changes:
        if isinstance(change, RoleConfirmed):
            person = timeline.person_name(change.person)
            found.append(f"{person} — {change.title}, {unit_name(change.unit)}")
        elif isinstance(change, UnitConfirmed):
            found.append(f"{unit_name(change.unit)} exists")
        elif isinstance(change, ReportingLineConfirmed):
            person, boss = (timeline.person_name(p) for p in (change.person, change.reports_to))
            found.append(f"{person} reports to {boss}")
    return tuple(found)


def log_entries(
    timeline: Timeline,
    *,
    day_from: int | None,
    day_to: int | None,
    person: str | None,
    unit: str | None,
    grep: str | None,
    today: int | None,
    min_confidence: Confidence,
    newest_first: bool,
    limit: int | None,
    patch: bool,
) -> list[LogEntry]:
    """The events the log shows, in its order, after every filter."""
    entries = timeline.events_between(
        day_from, day_to, person=person, today=today, min_confidence=min_confidence
    )
    if unit is not None:
        wanted = events_about_units(timeline, units_below(timeline, unit))
        entries = [e for e in entries if e.id in wanted]
    if grep:
        needle = grep.casefold()

        def matches(entry: TimelineEntry) -> bool:
            event = timeline.events[entry.id]
            texts = (event.title, event.summary or "", event.notes or "")
            return any(needle in text.casefold() for text in texts)

        entries = [e for e in entries if matches(e)]
    if newest_first:
        entries.reverse()
    if limit is not None:
        entries = entries[:limit]
    result = []
    for entry in entries:
        event = timeline.events[entry.id]
        result.append(
            LogEntry(
                entry=entry,
                notes=event.notes,
                sources=event.sources,
                patch=event_patch(timeline, event, min_confidence) if patch else None,
                confirms=event_confirmations(timeline, event) if patch else (),
            )
        )
    return result


def _shown_path(path: str) -> str:
    """A file path relative to the working directory when it is below it."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith("..") else relative


def _blame_event(timeline: Timeline, event_id: str, role: str) -> BlameEvent:
    event = timeline.events[event_id]
    return BlameEvent(
        id=event.id,
        date=event.date.display(),
        confidence=event.confidence,
        sources=event.sources,
        path=_shown_path(event.location.path or event.path),
        line=event.location.line,
        role=role,
    )


#: The kinds of fact that sources confirm and that can be stale (docs/event-format.md).
_CONFIRMABLE = frozenset((FactKind.UNIT, FactKind.ROLE, FactKind.REPORTING_LINE))


def _line(
    timeline: Timeline,
    fact: Fact,
    min_confidence: Confidence,
    reference: int,
    threshold: int,
) -> BlameLine:
    cited = [_blame_event(timeline, fact.start.event, "established")]
    corrects = timeline.events[fact.start.event].corrects
    if corrects is not None and corrects in timeline.events:
        cited.append(_blame_event(timeline, corrects, "corrects"))
    for confirming in getattr(fact, "confirmed_by", ()) or ():
        cited.append(_blame_event(timeline, str(confirming), "confirmed"))
    ended = fact.end is not None and fact.counts_end(min_confidence)
    if ended and fact.end is not None and fact.end.event != fact.start.event:
        cited.append(_blame_event(timeline, fact.end.event, "ended"))
    # Stale as show (with --at) and history (on today) judge it, by Fact.stale_on (which
    # decides which ends exempt a fact): only the facts they mark (a unit's existence, roles,
    # reporting lines). A fact yet to start is never stale: the reference day is at most today.
    confirmable = fact.kind in _CONFIRMABLE
    return BlameLine(
        kind=fact.kind.value,
        description=timeline.describe(fact),
        start=fact.start.window.display(),
        end=fact.end.window.display() if ended and fact.end is not None else None,
        confidence=fact.confidence if ended else fact.start_confidence,
        events=tuple(cited),
        last_confirmed=fact.confirmed_window if confirmable else None,
        stale=confirmable and fact.stale_on(reference, threshold),
        confirmed_by=fact.confirmed_by if confirmable else (),
    )


def blame(
    timeline: Timeline,
    *,
    unit: str | None = None,
    person: str | None = None,
    day: int | None = None,
    at_text: str | None = None,
    min_confidence: Confidence = Confidence.UNCERTAIN,
    stale_after: int | None = None,
    today: int | None = None,
) -> Blame:
    """Every fact about ``unit`` (what ``show --unit`` shows of it) or ``person`` (what
    ``history`` shows), each with its events; with ``day``, only the facts holding then.

    A fact with no end is ``stale`` as ``show --at day`` (with ``day``) or ``history`` (on
    ``today``) judges it: no confirmation within ``stale_after`` days (else the dataset's
    threshold) of that day, or of the coverage end when the day is past it."""
    facts: list[Fact]
    if unit is not None:
        by_kind = timeline.unit_facts.get(unit, {})
        facts = [f for kind in FactKind for f in by_kind.get(kind, [])]
        facts += [f for f in timeline.role_facts if f.slot[1] == unit]
        facts += [f for f in timeline.vacancy_facts if f.slot[0] == unit]
        kind, subject, name = "unit", unit, timeline.unit_name_now(unit)
        if day is not None:  # named as it was that day (the latest name that may hold then)
            named = [
                f
                for f in by_kind.get(FactKind.NAME, [])
                if f.presence_at(day, min_confidence) is not Presence.ABSENT
            ]
            if named:
                name = str(max(named, key=lambda f: f.start.order).value[0])
    else:
        assert person is not None
        facts = [f for f in timeline.role_facts if f.slot[0] == person]
        facts += [f for f in timeline.reporting_facts if f.slot[0] == person]
        kind, subject, name = "person", person, timeline.person_name(person)
    facts = [f for f in facts if f.start_confidence >= min_confidence]
    if day is not None:
        facts = [f for f in facts if f.presence_at(day, min_confidence) is not Presence.ABSENT]
    facts.sort(key=lambda f: (f.start.order, f.kind.value, f.slot))
    reference = timeline.staleness_day(day if day is not None else today)
    threshold = timeline.stale_after_days(stale_after)
    coverage = timeline.coverage_end
    return Blame(
        subject_kind=kind,
        subject_id=subject,
        subject_name=name,
        at=at_text,
        lines=tuple(_line(timeline, f, min_confidence, reference, threshold) for f in facts),
        coverage_end=coverage.iso() if coverage is not None else None,
        stale_after_days=threshold,
    )
