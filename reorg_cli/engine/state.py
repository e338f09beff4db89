"""The state on a day: the facts that may hold then, read from the store, and for each slot
the one it shows (:meth:`Timeline.state_at <reorg_cli.engine.timeline.Timeline.state_at>`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from reorg_cli.engine.facts import Fact, FactKind, Presence
from reorg_cli.engine.results import (
    OrgState,
    ReportingLineState,
    RoleState,
    UnitOutline,
    UnitState,
    VacancyState,
)
from reorg_cli.events.dates import POS_INF
from reorg_cli.events.model import Confidence

if TYPE_CHECKING:
    from reorg_cli.engine.timeline import Timeline


def presence_of(fact: Fact, day: int, min_confidence: Confidence) -> Presence:
    """Whether ``fact`` holds on ``day`` when facts below ``min_confidence`` are left out."""
    if min_confidence is Confidence.UNCERTAIN:
        return fact.presence(day)
    if fact.start_confidence < min_confidence:
        return Presence.ABSENT
    return fact.presence_at(day, min_confidence)


def pick(
    facts: Sequence[Fact], day: int, min_confidence: Confidence = Confidence.UNCERTAIN
) -> tuple[Fact | None, bool]:
    """The fact of a slot that holds on ``day``, and whether that is uncertain."""
    chosen: Fact | None = None
    chosen_presence = Presence.ABSENT
    uncertain = False
    for fact in facts:
        presence = presence_of(fact, day, min_confidence)
        if presence is Presence.ABSENT:
            continue
        if presence is Presence.UNCERTAIN:
            uncertain = True
        if chosen is None or (
            presence is Presence.PRESENT and chosen_presence is not Presence.PRESENT
        ):
            chosen, chosen_presence = fact, presence
    return chosen, uncertain


def holding(
    facts: Iterable[Fact], day: int, min_confidence: Confidence
) -> list[tuple[Fact, Presence]]:
    """The fact of each slot that holds on ``day``, with its presence.

    Two facts of one slot can both be possible inside an imprecise window (a role ended some
    day in March and given again on March 20): the slot is shown once, by its present fact if
    it has one, else by its earliest, as :func:`pick` does for unit names.
    """
    chosen: dict[tuple[str, ...], tuple[Fact, Presence]] = {}
    for fact in facts:
        presence = presence_of(fact, day, min_confidence)
        if presence is Presence.ABSENT:
            continue
        held = chosen.get(fact.slot)
        if held is None or (presence is Presence.PRESENT and held[1] is not Presence.PRESENT):
            chosen[fact.slot] = (fact, presence)
    return list(chosen.values())


def unit_state(
    unit: str,
    by_kind: dict[FactKind, list[Fact]],
    day: int,
    min_confidence: Confidence,
    staleness: tuple[int, int] = (POS_INF, 0),
    confirming: Callable[[Fact], tuple[str, ...]] = lambda fact: fact.confirmed_by,
) -> UnitState | None:
    """A unit as of ``day`` from its facts that may hold then (None: it does not exist).
    ``staleness`` is the reference day and threshold its existence is judged stale by;
    ``confirming`` lists the confirmations the result cites."""
    exists, _exists_uncertain = pick(by_kind[FactKind.UNIT], day, min_confidence)
    if exists is None:
        return None
    name, name_unsure = pick(by_kind[FactKind.NAME], day, min_confidence)
    kind, kind_unsure = pick(by_kind[FactKind.KIND], day, min_confidence)
    parent, parent_unsure = pick(by_kind[FactKind.PARENT], day, min_confidence)
    if name is None:
        name, name_unsure = pick(by_kind[FactKind.NAME], day)
    if kind is None:
        kind, kind_unsure = pick(by_kind[FactKind.KIND], day)
    used = [f for f in (exists, name, kind, parent) if f is not None]
    confidence = min(f.confidence_on(day, min_confidence) for f in used)
    assert name is not None and kind is not None
    unsure = tuple(
        label
        for label, flag in (
            ("name", name_unsure),
            ("kind", kind_unsure),
            ("parent", parent_unsure),
        )
        if flag
    )
    events: list[str] = []
    for fact in used:
        if fact.start.event not in events:
            events.append(fact.start.event)
    other_names = name.value[1:]
    return UnitState(
        id=unit,
        name=str(name.value[0]),
        kind=str(kind.value[0]),
        parent=parent.value[0] if parent is not None else None,  # type: ignore[arg-type]
        since=exists.start.window,
        presence=presence_of(exists, day, min_confidence),
        confidence=confidence,
        events=tuple(events),
        names=tuple(
            (str(other_names[i]), str(other_names[i + 1])) for i in range(0, len(other_names), 2)
        ),
        uncertain_fields=unsure,
        last_confirmed=exists.confirmed_window,
        stale=exists.stale_on(*staleness, min_confidence),
        confirmed_by=confirming(exists),
    )


#: A fact's :class:`Presence` on the day ``?1`` (its value), from its bounds, in SQL: what
#: :meth:`Fact.presence` decides (a fact that ends where it starts never holds).
PRESENCE_SQL = """CASE
    WHEN f.start_lo > ?1 OR f.end_step = f.start_step OR f.end_hi <= ?1 THEN 0
    WHEN f.end_lo <= ?1 OR f.start_hi > ?1 THEN 1
    ELSE 2 END"""

_UNIT, _NAME, _PARENT = FactKind.UNIT.value, FactKind.NAME.value, FactKind.PARENT.value
_ROLE, _LINE = FactKind.ROLE.value, FactKind.REPORTING_LINE.value


def unit_outline(timeline: Timeline, day: int) -> tuple[UnitOutline, list[tuple[Any, ...]]]:
    """The unit tree at the end of ``day`` (every fact counted, as with no confidence
    filter): each unit's parent and name, picked per slot as :func:`pick` picks them (the
    first present fact, else the first possible one), and how many reporting lines hold.
    Made from a few columns of each fact that may hold on the day, which are returned too:
    ``id, kind, unit, person, value`` (of names and parents only) and its presence."""
    # The day index drives the join (CROSS JOIN keeps SQLite from starting at the units).
    rows = timeline.store.rows(
        "SELECT f.id, f.kind, f.unit, f.person, "
        f"CASE WHEN f.kind IN ('{_NAME}', '{_PARENT}') THEN f.value END, {PRESENCE_SQL} "
        "FROM fact_days d CROSS JOIN facts f ON f.id = d.id WHERE d.lo <= ?1 AND d.hi >= ?1",
        day,
    )
    picked: dict[tuple[str, str], tuple[int, int, str | None]] = {}
    people: set[str] = set()
    for fact_id, kind, unit, person, value, presence in rows:
        if not presence:
            continue
        if kind == _LINE:
            people.add(person)
        elif kind in (_UNIT, _NAME, _PARENT):
            held = picked.get((kind, unit))
            # Rows come in no order: the earliest fact of the best presence.
            if held is None or presence > held[0] or (presence == held[0] and fact_id < held[1]):
                picked[(kind, unit)] = (presence, fact_id, value)
    units: dict[str, tuple[str | None, str]] = {}
    for kind, unit in picked:
        if kind == _UNIT:
            parent = picked.get((_PARENT, unit), (0, 0, None))[2]
            units[unit] = (parent, str(picked.get((_NAME, unit), (0, 0, unit))[2]))
    return UnitOutline(units, len(people)), rows


def _facts_of(timeline: Timeline, rows: list[tuple[Any, ...]], units: set[str]) -> list[Fact]:
    """Of ``rows`` (see :func:`unit_outline`), the facts of ``units``, their roles and
    vacancies, and the reporting lines of the people holding roles in them."""
    people = {row[3] for row in rows if row[1] == _ROLE and row[5] and row[2] in units}
    ids = [row[0] for row in rows if (row[3] in people if row[1] == _LINE else row[2] in units)]
    return timeline.store.facts_selected(
        "SELECT value FROM json_each(?)", orjson.dumps(ids).decode()
    )


def _has_more_units(timeline: Timeline, count: int) -> bool:
    """Whether the history has more than ``count`` units (a smaller one never needs a tree
    cut to its top levels, and skips the outline)."""
    sql = "SELECT count(*) FROM (SELECT 1 FROM unit_records LIMIT ?)"
    return bool(timeline.store.one(sql, count + 1)[0] > count)


def _live(timeline: Timeline, day: int, min_confidence: Confidence) -> list[Fact]:
    """Every fact that may hold on ``day`` (a superset when filtering by confidence, whose
    ignored ends the day index cannot know about), in creation order."""
    if min_confidence is Confidence.UNCERTAIN:
        return timeline.store.facts_selected(
            "SELECT id FROM fact_days WHERE lo <= ? AND hi >= ?", day, day
        )
    return timeline.store.facts_selected(
        "SELECT id FROM facts "
        "WHERE start_lo <= ? AND (end_hi IS NULL OR end_hi > ? OR end_confidence < ?)",
        day,
        day,
        int(min_confidence),
    )


def state_at(
    timeline: Timeline,
    day: int,
    min_confidence: Confidence = Confidence.UNCERTAIN,
    stale_after: int | None = None,
    *,
    cite: bool = True,
    top_units: int | None = None,
    root: str | None = None,
) -> OrgState:
    """The organization at the end of ``day`` (see :meth:`Timeline.state_at`).

    ``top_units`` (with no confidence filter): when the day's tree has more units, only the
    top levels holding at most that many are computed, with their roles, vacancies and the
    reporting lines of their people; with ``root`` (a unit that exists on the day), only the
    units below it, the levels that fit or all of them. The state's
    :attr:`~OrgState.outline` is then the whole tree (a big organization's default tree
    draws a few hundred of its units)."""
    outline = live = None
    if (
        top_units is not None
        and min_confidence is Confidence.UNCERTAIN
        and _has_more_units(timeline, top_units)
    ):
        outline, rows = unit_outline(timeline, day)
        depth = outline.depth_that_fits(root, top_units)
        if root is not None and root in outline.units:
            live = _facts_of(timeline, rows, outline.top(root, depth))
        elif root is None and depth is not None:
            live = _facts_of(timeline, rows, outline.top(None, depth))
        else:
            outline = None
    reference = timeline.staleness_day(day)
    threshold = timeline.stale_after_days(stale_after)

    sure: dict[str, int] = {}  # the confidence of every confirming event, when filtering

    def confirming(fact: Fact) -> tuple[str, ...]:
        # Staleness counts every confirmation; the list cites only those sure enough.
        if not fact.confirmed_by or min_confidence is Confidence.UNCERTAIN:
            return fact.confirmed_by
        return tuple(e for e in fact.confirmed_by if sure[e] >= min_confidence)

    unit_facts: dict[str, dict[FactKind, list[Fact]]] = {}
    by_kind: dict[FactKind, list[Fact]] = {
        FactKind.ROLE: [],
        FactKind.VACANCY: [],
        FactKind.REPORTING_LINE: [],
    }
    if live is None:
        live = _live(timeline, day, min_confidence)
    if min_confidence is not Confidence.UNCERTAIN:
        sure.update(
            timeline.store.event_confidences({e for fact in live for e in fact.confirmed_by})
        )
    for fact in live:
        listed = by_kind.get(fact.kind)
        if listed is not None:
            listed.append(fact)
        else:
            kinds = unit_facts.get(fact.slot[0])
            if kinds is None:
                kinds = unit_facts[fact.slot[0]] = {
                    FactKind.UNIT: [],
                    FactKind.NAME: [],
                    FactKind.KIND: [],
                    FactKind.PARENT: [],
                }
            kinds[fact.kind].append(fact)
    units: dict[str, UnitState] = {}
    for unit, facts in unit_facts.items():
        state = unit_state(unit, facts, day, min_confidence, (reference, threshold), confirming)
        if state is not None:
            units[unit] = state
    held = {kind: holding(facts, day, min_confidence) for kind, facts in by_kind.items()}
    timeline.load_person_names(
        name
        for fact, _ in held[FactKind.REPORTING_LINE]
        for name in (fact.slot[0], str(fact.value[0]))
    )
    timeline.load_person_names(fact.slot[0] for fact, _ in held[FactKind.ROLE])
    roles = []
    for fact, presence in held[FactKind.ROLE]:
        person, unit, title = fact.slot
        if unit not in units:
            continue
        roles.append(
            RoleState(
                person=person,
                person_name=timeline.person_name(person),
                unit=unit,
                title=title,
                head=bool(fact.value[0]),
                since=fact.start.window,
                presence=presence,
                confidence=fact.confidence_on(day, min_confidence),
                events=fact.events_at(min_confidence),
                last_confirmed=fact.confirmed_window,
                stale=fact.stale_on(reference, threshold, min_confidence),
                confirmed_by=confirming(fact),
            )
        )
    vacancies = []
    for fact, presence in held[FactKind.VACANCY]:
        unit, title = fact.slot
        if unit not in units:
            continue
        vacancies.append(
            VacancyState(
                unit=unit,
                title=title,
                vacancy=str(fact.value[0]),
                since=fact.start.window,
                presence=presence,
                confidence=fact.confidence_on(day, min_confidence),
                events=fact.events_at(min_confidence),
            )
        )
    lines = []
    for fact, presence in held[FactKind.REPORTING_LINE]:
        boss = str(fact.value[0])
        lines.append(
            ReportingLineState(
                person=fact.slot[0],
                person_name=timeline.person_name(fact.slot[0]),
                reports_to=boss,
                reports_to_name=timeline.person_name(boss),
                since=fact.start.window,
                presence=presence,
                confidence=fact.confidence_on(day, min_confidence),
                events=fact.events_at(min_confidence),
                last_confirmed=fact.confirmed_window,
                stale=fact.stale_on(reference, threshold, min_confidence),
                confirmed_by=confirming(fact),
            )
        )
    roles.sort(key=lambda r: (r.unit, r.title, r.person))
    vacancies.sort(key=lambda v: (v.unit, v.title))
    lines.sort(key=lambda r: (r.person, r.reports_to))
    result = OrgState(
        day,
        units,
        tuple(roles),
        tuple(vacancies),
        tuple(lines),
        coverage=timeline.coverage(stale_after),
        outline=outline,
    )
    if not cite:
        return result
    return dataclasses.replace(result, cited=timeline.citations(result.cited_ids()))
