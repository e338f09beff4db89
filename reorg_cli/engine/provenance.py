"""Where facts come from: an event's evidence, the sources behind facts, and the sources
report, read from the store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reorg_cli.engine.evidence import Evidence
from reorg_cli.engine.facts import Fact, FactKind
from reorg_cli.events.model import Confidence, Source, kind_label

if TYPE_CHECKING:
    from reorg_cli.engine.results_over_time import FactSummary, SourceUse
    from reorg_cli.engine.timeline import Timeline


def evidence(timeline: Timeline, event_id: str) -> Evidence:
    """An event with its sources, and the event it corrects, if any."""
    found = cited_evidence(timeline, [event_id])
    if event_id not in found:
        raise KeyError(event_id)
    return found[event_id]


def cited_evidence(timeline: Timeline, ids: Iterable[str]) -> dict[str, Evidence]:
    """The evidence of each event of ``ids`` that the history has, by id (sorted), read in
    batches: the events, what became of them, and the events they correct (and so on down)."""
    from reorg_cli.engine.store import window

    wanted = sorted(set(ids))
    rows: dict[str, tuple[Any, ...]] = {}
    level = wanted
    while level:  # each level: the events a level above corrects, until none is left
        found = timeline.store.evidence_rows(level)
        rows.update((row[0], row) for row in found)
        level = sorted({row[9] for row in found if row[9] is not None} - rows.keys())
    built: dict[str, Evidence] = {}
    confidences = tuple(Confidence)

    def status(corrected_by: str | None, retracted_by: str | None) -> str:
        if corrected_by:
            return f"corrected by {corrected_by}"
        return f"retracted by {retracted_by}" if retracted_by else "applied"

    def build(event_id: str, seen: frozenset[str]) -> Evidence:
        done = built.get(event_id)
        if done is not None:
            return done
        (_, date, lo, hi, title, confidence, path, line, notes, corrects) = rows[event_id][:10]
        corrected_by, retracted_by, sources = rows[event_id][10:]
        corrected = (
            build(corrects, seen | {event_id})
            if corrects is not None and corrects in rows and corrects not in seen
            else None
        )
        made = built[event_id] = Evidence(
            event_id,
            window(date, lo, hi),
            title,
            confidences[confidence],
            sources,
            path,
            line,
            notes,
            status(corrected_by, retracted_by),
            corrected,
        )
        return made

    found_evidence: dict[str, Evidence] = {}
    for event_id in wanted:
        if event_id in rows:
            found_evidence[event_id] = build(event_id, frozenset())
    return found_evidence


def describe(timeline: Timeline, fact: Fact) -> str:
    """A fact in words, with names as they were when it started."""
    order = fact.start.order
    if fact.kind is FactKind.ROLE:
        person, unit, title = fact.slot
        name = timeline.unit_name_at_order(unit, order)
        return f"{timeline.person_name(person)} — {title}, {name}"
    if fact.kind is FactKind.REPORTING_LINE:
        return (
            f"{timeline.person_name(fact.slot[0])} reports to "
            f"{timeline.person_name(str(fact.value[0]))}"
        )
    if fact.kind is FactKind.VACANCY:
        unit, title = fact.slot
        return f"{title}, {timeline.unit_name_at_order(unit, order)}: holder {fact.value[0]}"
    unit = fact.slot[0]
    name = timeline.unit_name_at_order(unit, order)
    if fact.kind is FactKind.UNIT:
        return f"{name} exists"
    if fact.kind is FactKind.NAME:
        return f"unit {unit} is named {fact.value[0]}"
    if fact.kind is FactKind.KIND:
        return f"{name} is a {kind_label(str(fact.value[0]))}"
    parent = fact.value[0]
    where = "top level" if parent is None else timeline.unit_name_at_order(str(parent), order)
    return f"{name} is under {where}"


def _event_sources(timeline: Timeline, event_id: str) -> tuple[Source, ...]:
    return timeline.store.sources_of("event_sources", "event", event_id)


def fact_sources(timeline: Timeline, fact: Fact) -> tuple[Source, ...]:
    """The distinct sources of the events behind a fact (by URL)."""
    seen: dict[str, Source] = {}
    for event_id in fact.events:
        for source in _event_sources(timeline, event_id):
            seen.setdefault(source.url, source)
    return tuple(seen.values())


def sources_report(timeline: Timeline) -> list[SourceUse]:
    """Every source cited by an event, with how many facts rest on it."""
    from reorg_cli.engine.results_over_time import SourceUse

    store = timeline.store
    facts_per_event: dict[str, int] = dict(
        store.rows("SELECT start_event, count(*) FROM facts GROUP BY start_event")
    )
    for event_id, count in store.rows(
        "SELECT end_event, count(*) FROM facts WHERE end_event IS NOT NULL "
        "AND end_event != start_event GROUP BY end_event"
    ):
        facts_per_event[event_id] = facts_per_event.get(event_id, 0) + count
    uses: dict[str, tuple[Source, list[str], int]] = {}
    for event_id, source_id in store.rows(
        "SELECT es.event, es.source FROM event_records e JOIN event_sources es "
        "ON es.event = e.id ORDER BY e.position, es.position"
    ):
        source = store.source(source_id)
        found = uses.setdefault(source.url, (source, [], 0))
        found[1].append(event_id)
        uses[source.url] = (found[0], found[1], found[2] + facts_per_event.get(event_id, 0))
    for (source_id,) in store.rows("SELECT source FROM registered_sources ORDER BY position"):
        source = store.source(source_id)
        uses.setdefault(source.url, (source, [], 0))
    result = [SourceUse(src, tuple(ev), n) for src, ev, n in uses.values()]
    result.sort(key=lambda u: (-u.facts, u.source.id or "", u.source.url))
    return result


def single_reported_facts(timeline: Timeline) -> list[FactSummary]:
    """Facts that rest on exactly one source and are not confirmed."""
    from reorg_cli.engine.results_over_time import FactSummary

    result = []
    for fact in timeline.store.facts("confidence < ?", int(Confidence.CONFIRMED)):
        sources = fact_sources(timeline, fact)
        if len(sources) != 1:
            continue
        result.append(
            FactSummary(
                description=describe(timeline, fact),
                start=fact.start.window,
                end=fact.end.window if fact.end else None,
                confidence=fact.confidence,
                events=fact.events,
                sources=sources,
            )
        )
    return result
