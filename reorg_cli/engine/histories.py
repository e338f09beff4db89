"""Person and unit histories, and events between dates: indexed SQL over the store's rows,
worded in Python."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from reorg_cli.engine.facts import Fact, FactKind
from reorg_cli.engine.results_person import PersonHistory, RoleSpan
from reorg_cli.engine.store import window
from reorg_cli.events.dates import POS_INF, today_ordinal
from reorg_cli.events.model import Confidence, kind_label

if TYPE_CHECKING:
    from reorg_cli.engine.results_over_time import TimelineEntry, UnitChange, UnitHistory
    from reorg_cli.engine.timeline import Timeline

_CONFIDENCES = tuple(Confidence)


def _at_order(facts: list[Fact], order: int) -> Fact | None:
    """The fact of a slot that was current right after replay step ``order``."""
    found = None
    for fact in facts:
        if fact.start.order <= order:
            found = fact
        else:
            break
    return found


def _end_confidence(fact: Fact) -> Confidence:
    return fact.end_confidence if fact.end_confidence is not None else fact.start_confidence


def span(timeline: Timeline, fact: Fact, today: int, reference: int, threshold: int) -> RoleSpan:
    """A role fact as a span of a history: its status on ``today``, and stale when it has no
    end and its last confirmation is more than ``threshold`` days before ``reference``."""
    person, unit, title = fact.slot
    status = fact.status(today)
    stale = status == "current" and fact.stale_on(reference, threshold)
    if stale:
        status = "stale"
    name = timeline.unit_name_at_order(unit, fact.start.order)
    name_at_end = (
        timeline.unit_name_at_order(unit, fact.end.order - 1)
        if fact.end is not None
        else timeline.unit_name_now(unit)
    )
    return RoleSpan(
        unit=unit,
        unit_name=name,
        title=title,
        head=bool(fact.value[0]),
        start=fact.start.window,
        end=fact.end.window if fact.end else None,
        end_reason=fact.end_reason,
        status=status,
        confidence=fact.start_confidence,
        end_confidence=fact.end_confidence,
        events=fact.events,
        unit_name_at_end=name_at_end if name_at_end != name else None,
        person=person,
        person_name=timeline.person_name(person),
        last_confirmed=fact.confirmed_window,
        stale=stale,
        confirmed_by=fact.confirmed_by,
    )


def _today_and_staleness(
    timeline: Timeline, stale_after: int | None, today: int | None
) -> tuple[int, int, int]:
    today = today_ordinal() if today is None else today
    return today, timeline.staleness_day(today), timeline.stale_after_days(stale_after)


def person_history(
    timeline: Timeline,
    person_id: str,
    min_confidence: Confidence = Confidence.UNCERTAIN,
    stale_after: int | None = None,
    *,
    today: int | None = None,
) -> PersonHistory:
    """Every role ``person_id`` held, in replay order, with their reporting lines (see
    :meth:`Timeline.person_history`)."""
    person = timeline.person(person_id)
    store = timeline.store
    level = int(min_confidence)
    today, reference, threshold = _today_and_staleness(timeline, stale_after, today)
    spans = [
        span(timeline, f, today, reference, threshold)
        for f in store.facts(
            "person = ? AND kind = 'role' AND start_confidence >= ?", person_id, level
        )
    ]
    line_facts = store.facts(
        "person = ? AND kind = 'reporting_line' AND start_confidence >= ?", person_id, level
    )
    lines = tuple(
        (
            str(f.value[0]),
            timeline.person_name(str(f.value[0])),
            f.start.window,
            f.end.window if f.end else None,
            f.events,
            f.confidence,
        )
        for f in line_facts
    )
    return PersonHistory(
        person_id=person.id,
        name=person.name,
        names=person.names,
        aliases=person.aliases,
        description=person.description,
        roles=tuple(spans),
        reporting_lines=lines,
        today=today,
        reporting_line_confirmations=tuple(
            # As for roles: only a line that would read current can be stale (one whose end
            # came on a date nobody knows has ended, as the table says).
            (
                f.confirmed_window,
                f.status(today) == "current" and f.stale_on(reference, threshold),
                f.confirmed_by,
            )
            for f in line_facts
        ),
    )


def unit_history(
    timeline: Timeline,
    unit: str,
    min_confidence: Confidence = Confidence.UNCERTAIN,
    stale_after: int | None = None,
    *,
    today: int | None = None,
) -> UnitHistory:
    """A unit's creation, renames, reclassifications, moves, merges, end and heads (see
    :meth:`Timeline.unit_history`)."""
    from reorg_cli.engine.results_over_time import UnitChange, UnitHistory

    today, reference, threshold = _today_and_staleness(timeline, stale_after, today)
    by_kind = timeline.facts_of_unit(unit)
    if not by_kind[FactKind.UNIT]:
        raise KeyError(unit)
    changes: list[UnitChange] = []
    exists = by_kind[FactKind.UNIT]
    names, kinds, parents = (
        by_kind[FactKind.NAME],
        by_kind[FactKind.KIND],
        by_kind[FactKind.PARENT],
    )

    def parent_label(fact: Fact, order: int) -> str:
        value = fact.value[0]
        return "top level" if value is None else timeline.unit_name_at_order(str(value), order)

    for fact in exists:
        order = fact.start.order
        first_name = _at_order(names, order)
        first_kind = _at_order(kinds, order)
        first_parent = _at_order(parents, order)
        summary = f"created as {first_name.value[0] if first_name else unit}"
        if first_kind:
            summary += f" ({kind_label(str(first_kind.value[0]))})"
        if first_parent and first_parent.value[0] is not None:
            summary += f" under {parent_label(first_parent, order)}"
        changes.append(
            UnitChange(
                fact.start.window,
                "created",
                summary,
                (fact.start.event,),
                fact.start_confidence,
                order,
            )
        )
    for previous, fact in itertools.pairwise(names):
        if fact.start.order == exists[0].start.order:
            continue
        if previous.value[0] != fact.value[0]:
            summary = f"renamed from {previous.value[0]} to {fact.value[0]}"
        else:
            rest = fact.value[1:]
            others = ", ".join(f"{rest[i]}: {rest[i + 1]}" for i in range(0, len(rest), 2))
            summary = f"names in other languages now {others or 'none'}"
        changes.append(
            UnitChange(
                fact.start.window,
                "renamed",
                summary,
                (fact.start.event,),
                fact.start_confidence,
                fact.start.order,
            )
        )
    for previous, fact in itertools.pairwise(kinds):
        changes.append(
            UnitChange(
                fact.start.window,
                "reclassified",
                f"reclassified from {kind_label(str(previous.value[0]))} to "
                f"{kind_label(str(fact.value[0]))}",
                (fact.start.event,),
                fact.start_confidence,
                fact.start.order,
            )
        )
    for previous, fact in itertools.pairwise(parents):
        how = " (its parent was merged)" if fact.start.implied_by == "unit_merged" else ""
        changes.append(
            UnitChange(
                fact.start.window,
                "moved",
                f"moved from {parent_label(previous, fact.start.order)} to "
                f"{parent_label(fact, fact.start.order)}{how}",
                (fact.start.event,),
                fact.start_confidence,
                fact.start.order,
            )
        )
    for last in timeline.store.facts(
        "kind = 'unit' AND successor = ? AND end_event IS NOT NULL", unit
    ):
        assert last.end is not None
        other = last.slot[0]
        changes.append(
            UnitChange(
                last.end.window,
                "absorbed",
                f"absorbed {timeline.unit_name_at_order(other, last.end.order - 1)}",
                (last.end.event,),
                _end_confidence(last),
                last.end.order,
            )
        )
    successor = None
    last = exists[-1]
    if last.end is not None:
        successor = last.successor
        summary = (
            f"merged into {timeline.unit_name_at_order(successor, last.end.order)}"
            if successor
            else "dissolved"
        )
        changes.append(
            UnitChange(
                last.end.window,
                "merged" if successor else "dissolved",
                summary,
                (last.end.event,),
                _end_confidence(last),
                last.end.order,
            )
        )
    changes = [c for c in changes if c.confidence >= min_confidence]
    changes.sort(key=lambda c: c.order)
    spans = [
        span(timeline, f, today, reference, threshold)
        for f in timeline.store.facts(
            "unit = ? AND kind = 'role' AND confidence >= ?", unit, int(min_confidence)
        )
    ]
    info = timeline.store.unit_info(unit)
    current = timeline.unit_name_now(unit)
    former = tuple(n for n in dict.fromkeys(str(f.value[0]) for f in names) if n != current)
    return UnitHistory(
        unit_id=unit,
        name=current,
        former_names=former,
        description=info.description if info else None,
        changes=tuple(changes),
        heads=tuple(s for s in spans if s.head),
        roles=tuple(spans),
        successor=successor,
    )


def events_between(
    timeline: Timeline,
    day_from: int | None = None,
    day_to: int | None = None,
    *,
    person: str | None = None,
    unit: str | None = None,
    today: int | None = None,
    min_confidence: Confidence = Confidence.UNCERTAIN,
) -> list[TimelineEntry]:
    """Events dated from ``day_from`` to ``day_to`` (inclusive), oldest first, optionally only
    those touching ``person`` or ``unit``; corrected and retracted events included."""
    from reorg_cli.engine.results_over_time import TimelineEntry

    store = timeline.store
    wanted = events_touching(timeline, person, unit) if person or unit else None
    rows = store.rows(
        "SELECT id, date, date_lo, date_hi, title, confidence, summary, corrects, retracts, "
        "corrected_by, retracted_by FROM event_records "
        "WHERE confidence >= ? AND sort_day >= ? AND sort_day <= ? "
        "ORDER BY sort_day, seq, path, file_position",
        int(min_confidence),
        -1 if day_from is None else day_from,
        POS_INF + 1 if day_to is None else day_to,
    )
    if wanted is not None:
        rows = [r for r in rows if r[0] in wanted]
    urls: dict[str, list[str]] = {}
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for event_id, url in store.rows(
            f"SELECT es.event, s.url FROM event_sources es JOIN source_records s "
            f"ON s.id = es.source WHERE es.event IN ({marks}) ORDER BY es.event, es.position",
            *chunk,
        ):
            urls.setdefault(event_id, []).append(url)
    entries = []
    for row in rows:
        (event_id, date, lo, hi, title, confidence, summary) = row[:7]
        corrects, retracts, corrected_by, retracted_by = row[7:]
        if corrected_by:
            state, related = "corrected", corrected_by
        elif retracted_by:
            state, related = "retracted", retracted_by
        elif corrects:
            state, related = "correction", corrects
        elif retracts:
            state, related = "retraction", retracts
        else:
            state, related = "applied", None
        entries.append(
            TimelineEntry(
                id=event_id,
                date=window(date, lo, hi),
                title=title,
                confidence=_CONFIDENCES[confidence],
                status=state,
                related=related,
                planned=today is not None and lo > today,
                summary=summary,
                sources=tuple(urls.get(event_id, ())),
            )
        )
    return entries


def events_touching(timeline: Timeline, person: str | None, unit: str | None) -> set[str]:
    """Ids of the events that changed a fact about ``person`` and ``unit`` (both, when both
    are given), including implied changes (a merge ending a role), what they wrote directly,
    and corrections or retractions of such events."""
    store = timeline.store
    args: tuple[str, ...]
    if person is not None and unit is not None:
        where, args = "kind = 'role' AND person = ? AND unit = ?", (person, unit)
    elif person is not None:
        where = (
            "(kind = 'role' AND person = ?) "
            "OR (kind = 'reporting_line' AND (person = ? OR value = ?))"
        )
        args = (person, person, person)
    else:
        assert unit is not None
        where = (
            "(unit = ? AND kind != 'reporting_line') OR (kind = 'parent' AND value = ?) "
            "OR (kind = 'unit' AND successor = ?)"
        )
        args = (unit, unit, unit)
    found: set[str] = set()
    for start_event, end_event in store.rows(
        f"SELECT start_event, end_event FROM facts WHERE {where}", *args
    ):
        found.add(start_event)
        if end_event is not None:
            found.add(end_event)
    direct: set[str] | None = None
    if person is not None:
        direct = {
            r[0]
            for r in store.rows(
                "SELECT event FROM changes WHERE person = ? "
                "OR (type = 'reporting_line_set' AND other = ?)",
                person,
                person,
            )
        }
    if unit is not None:
        touching = {
            r[0]
            for r in store.rows(
                "SELECT event FROM changes WHERE unit = ? "
                "OR (type IN ('unit_created', 'unit_moved', 'unit_merged') AND other = ?)",
                unit,
                unit,
            )
        }
        direct = touching if direct is None else direct & touching
    found |= direct or set()
    for event_id, corrects, retracts in store.rows(
        "SELECT id, corrects, retracts FROM event_records "
        "WHERE corrects IS NOT NULL OR retracts IS NOT NULL ORDER BY position"
    ):
        target = corrects or retracts
        if target in found:
            found.add(event_id)
    return found
