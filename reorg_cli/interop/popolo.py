"""Export a timeline as a Popolo JSON document (http://www.popoloproject.com/).

The document has the usual Popolo collections - ``persons``, ``organizations``, ``posts``,
``memberships`` - plus ``events`` (the reorganization events, as Popolo events). Every field
Popolo defines is filled the Popolo way: dates are reduced-precision ISO dates at the precision
they were recorded with, an organization's ``name``, ``classification`` and ``parent_id`` are
those in force on the export date, former names are dated ``other_names``. What Popolo cannot
say - a date known only as a window (``by 2025-06-23``), confidence, the dated history of a
unit's kind and parent, the event behind every start and end - goes into a ``reorg`` object on
each record, so that ``reorg import popolo`` can rebuild the history exactly
(docs/interop.md).
"""

from __future__ import annotations

from typing import Any

from reorg_cli import __version__
from reorg_cli.engine.facts import Edge, Fact, FactKind, Presence
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import ordinal_iso
from reorg_cli.events.model import Confidence, Source
from reorg_cli.events.records import Event
from reorg_cli.interop.common import (
    distinct_sources,
    exact_date,
    fact_near,
    slug,
    source_dict,
    source_note,
    unique,
)

#: Version of the ``reorg`` extension objects; bumped when their meaning changes.
FORMAT_VERSION = 1


def links(sources: Any) -> list[dict[str, str]]:
    """Popolo links (``{url, note}``) for some sources."""
    result = []
    for source in sources:
        link = {"url": source.url}
        note = source_note(source)
        if note:
            link["note"] = note
        result.append(link)
    return result


def _edge(edge: Edge, confidence: Confidence | None, reason: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"date": edge.window.text(), "event": edge.event}
    if confidence is not None:
        result["confidence"] = confidence.label
    if reason:
        result["reason"] = reason
    return result


def _span(fact: Fact, *, reasons: bool = True) -> dict[str, Any]:
    """The ``start``/``end`` of a dated fact, in the ``reorg`` extension form."""
    result = {"start": _edge(fact.start, fact.start_confidence)}
    if fact.end is not None:
        reason = fact.end_reason if reasons else None
        result["end"] = _edge(fact.end, fact.end_confidence, reason)
    return result


def _dates(fact: Fact, start_key: str = "start_date", end_key: str = "end_date") -> dict[str, str]:
    result = {}
    start = exact_date(fact.start.window)
    if start is not None:
        result[start_key] = start
    end = exact_date(fact.end.window) if fact.end is not None else None
    if end is not None:
        result[end_key] = end
    return result


def _sources_of(timeline: Timeline, facts: list[Fact]) -> list[Source]:
    groups = []
    for fact in facts:
        for event_id in fact.events:
            groups.append(timeline.events[event_id].sources)
    return distinct_sources(groups)


def never_held(fact: Fact) -> bool:
    """True when a fact was started and ended by one event, and no confidence filter can keep
    its end while keeping its start: it never held at the end of any day, at any confidence,
    so there is nothing to export (docs/interop.md, "Changes inside one event")."""
    if not fact.zero_length:
        return False
    return fact.end_confidence is None or fact.end_confidence >= fact.start_confidence


def _confirmation(fact: Fact, staleness: tuple[int, int]) -> dict[str, Any]:
    """``last_confirmed`` (event-file syntax) and ``stale`` of a fact, judged on
    ``staleness`` (the reference day and the threshold in days)."""
    return {"last_confirmed": fact.confirmed_window.text(), "stale": fact.stale_on(*staleness)}


def _person(timeline: Timeline, person_id: str, staleness: tuple[int, int]) -> dict[str, Any]:
    person = timeline.dataset.people[person_id]
    result: dict[str, Any] = {"id": person.id, "name": person.name}
    other_names = [
        {"name": name, "lang": lang, "note": "multilingual"} for lang, name in person.names
    ]
    other_names += [{"name": alias, "note": "alias"} for alias in person.aliases]
    if other_names:
        result["other_names"] = other_names
    if person.description:
        result["summary"] = person.description
    if person.sources:
        result["sources"] = links(person.sources)
    extension: dict[str, Any] = {}
    if person.notes:
        extension["notes"] = person.notes
    if person.sources:
        extension["sources"] = [source_dict(s) for s in person.sources]
    lines = [f for f in timeline.reporting_facts if f.slot[0] == person_id and not never_held(f)]
    if lines:
        # No end reasons: a line only gets one from person_left, which the roles' ends tell.
        extension["reporting_lines"] = [
            {
                "reports_to": str(f.value[0]),
                **_confirmation(f, staleness),
                **_span(f, reasons=False),
            }
            for f in lines
        ]
    if extension:
        result["reorg"] = extension
    return result


def _name_record(fact: Fact) -> dict[str, Any]:
    name, *others = fact.value
    record: dict[str, Any] = {"name": str(name)}
    if others:
        record["names"] = {str(others[i]): str(others[i + 1]) for i in range(0, len(others), 2)}
    record.update(_span(fact))
    return record


def _organization(
    timeline: Timeline, unit: str, day: int, staleness: tuple[int, int]
) -> dict[str, Any]:
    by_kind = timeline.unit_facts[unit]
    life = by_kind[FactKind.UNIT]
    names, kinds, parents = by_kind[FactKind.NAME], by_kind[FactKind.KIND], by_kind[FactKind.PARENT]
    info = timeline.dataset.units.get(unit)
    presence = max((f.presence(day) for f in life), default=Presence.ABSENT)
    name = fact_near(names, day)
    kind = fact_near(kinds, day)
    result: dict[str, Any] = {
        "id": unit,
        "name": str(name.value[0]) if name else unit,
        "classification": str(kind.value[0]) if kind else None,
    }
    if presence is not Presence.ABSENT:
        parent = fact_near(parents, day)
        if parent is not None and parent.value[0] is not None:
            result["parent_id"] = str(parent.value[0])
    founding = exact_date(life[0].start.window)
    if founding is not None:
        result["founding_date"] = founding
    last = life[-1]
    dissolution = exact_date(last.end.window) if last.end is not None else None
    if dissolution is not None:
        result["dissolution_date"] = dissolution
    other_names: list[dict[str, Any]] = []
    for fact in names:
        if fact is not name:
            later = name is not None and fact.start.order > name.start.order
            note = "later name" if later else "former name"
            other_names.append({"name": str(fact.value[0]), **_dates(fact), "note": note})
        others = fact.value[1:]
        for i in range(0, len(others), 2):
            other_names.append(
                {
                    "name": str(others[i + 1]),
                    "lang": str(others[i]),
                    **_dates(fact),
                    "note": "multilingual",
                }
            )
    if info is not None:
        other_names += [{"name": alias, "note": "alias"} for alias in info.aliases]
    if other_names:
        result["other_names"] = other_names
    if info is not None and info.description:
        result["description"] = info.description
    registry_sources = info.sources if info is not None else ()
    sources = distinct_sources(
        [registry_sources, _sources_of(timeline, [*life, *names, *kinds, *parents])]
    )
    if sources:
        result["sources"] = links(sources)
    extension: dict[str, Any] = {"presence": presence.name.lower()}
    extension.update(_confirmation(last, staleness))
    extension["start"] = _edge(life[0].start, life[0].start_confidence)
    if last.end is not None:
        extension["end"] = _edge(last.end, last.end_confidence)
        if last.successor:
            extension["merged_into"] = last.successor
    extension["names"] = [_name_record(f) for f in names]
    extension["kinds"] = [{"kind": str(f.value[0]), **_span(f)} for f in kinds]
    extension["parents"] = [
        {"parent_id": f.value[0] if f.value[0] is None else str(f.value[0]), **_span(f)}
        for f in parents
    ]
    if info is not None:
        if info.aliases:
            extension["aliases"] = list(info.aliases)
        if info.notes:
            extension["notes"] = info.notes
        if info.sources:
            extension["sources"] = [source_dict(s) for s in info.sources]
    result["reorg"] = extension
    return result


def _event(event: Event) -> dict[str, Any]:
    result: dict[str, Any] = {"id": event.id, "name": event.title}
    if event.summary:
        result["description"] = event.summary
    start = exact_date(event.date)
    if start is not None:
        result["start_date"] = start
    result["classification"] = "reorganization"
    if event.sources:
        result["sources"] = links(event.sources)
    extension: dict[str, Any] = {"date": event.date.text(), "confidence": event.confidence.label}
    if event.seq:
        extension["seq"] = event.seq
    if event.announced is not None:
        extension["announced"] = event.announced.text()
    if event.notes:
        extension["notes"] = event.notes
    if event.sources:
        extension["sources"] = [source_dict(s) for s in event.sources]
    result["reorg"] = extension
    return result


def popolo_document(
    timeline: Timeline, day: int, *, today: int, stale_after: int | None = None
) -> dict[str, Any]:
    """The whole history as one Popolo document; ``name``, ``classification`` and
    ``parent_id`` of organizations are those in force at the end of ``day``. Membership
    ``status`` is relative to ``today`` (an ordinal, decided by the caller).

    Staleness (``stale_after`` days, else the dataset's threshold) is judged as the rest of
    each record is: an organization's on ``day`` (as its ``presence``), a membership's and a
    reporting line's on ``today`` (as a membership's ``status``), each replaced by the coverage
    end when past it. A
    membership that would be ``current`` but is stale has the status ``stale``."""
    threshold = timeline.stale_after_days(stale_after)
    on_day = (timeline.staleness_day(day), threshold)
    on_today = (timeline.staleness_day(today), threshold)
    persons = [_person(timeline, pid, on_today) for pid in timeline.dataset.people]
    units = sorted(
        timeline.unit_facts, key=lambda u: timeline.unit_facts[u][FactKind.UNIT][0].start.order
    )
    organizations = [_organization(timeline, unit, day, on_day) for unit in units]

    post_ids: dict[tuple[str, str], str] = {}
    used_posts: set[str] = set()
    posts: dict[str, dict[str, Any]] = {}

    def post_for(unit: str, title: str) -> dict[str, Any]:
        key = (unit, title)
        if key not in post_ids:
            post_id = unique(f"{unit}/{slug(title)}", used_posts)
            post_ids[key] = post_id
            posts[post_id] = {
                "id": post_id,
                "label": title,
                "role": title,
                "organization_id": unit,
            }
        return posts[post_ids[key]]

    posts_in_order = sorted(
        [*timeline.role_facts, *timeline.vacancy_facts], key=lambda f: f.start.order
    )
    for fact in posts_in_order:
        unit, title = (fact.slot[1], fact.slot[2]) if fact.kind is FactKind.ROLE else fact.slot
        post = post_for(unit, title)
        if fact.kind is FactKind.VACANCY:
            vacancies = post.setdefault("reorg", {}).setdefault("vacancies", [])
            vacancies.append({"holder": str(fact.value[0]), **_span(fact)})

    memberships = []
    used_memberships: set[str] = set()
    for fact in timeline.role_facts:
        person, unit, title = fact.slot
        post = post_for(unit, title)
        membership: dict[str, Any] = {
            "id": unique(f"{post['id']}/{person}", used_memberships),
            "person_id": person,
            "organization_id": unit,
            "post_id": post["id"],
            "role": title,
            **_dates(fact),
        }
        sources = _sources_of(timeline, [fact])
        if sources:
            membership["sources"] = links(sources)
        confirmation = _confirmation(fact, on_today)
        status = fact.status(today)
        # As the CSV and history: only a membership that would read current can be stale.
        confirmation["stale"] = status == "current" and confirmation["stale"]
        if confirmation["stale"]:
            status = "stale"
        membership["reorg"] = {
            "head": bool(fact.value[0]),
            "shared": bool(fact.value[1]),
            "status": status,
            "confidence": fact.confidence.label,
            **confirmation,
            **_span(fact),
        }
        memberships.append(membership)

    coverage: dict[str, Any] = {}
    if timeline.coverage_end is not None:
        coverage["coverage_end"] = timeline.coverage_end.iso()
    coverage["stale_after_days"] = threshold
    return {
        "reorg": {
            "format": "popolo",
            "format_version": FORMAT_VERSION,
            "at": ordinal_iso(day),
            **coverage,
            "generator": f"reorg {__version__}",
        },
        "persons": persons,
        "organizations": organizations,
        "posts": list(posts.values()),
        "memberships": memberships,
        "events": [_event(e) for e in timeline.order],
    }
