"""Choosing, among the facts that may hold on a day, the one each slot shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from reorg_cli.engine.facts import Fact, FactKind, Presence
from reorg_cli.engine.results import UnitState
from reorg_cli.events.dates import POS_INF
from reorg_cli.events.model import Confidence


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
        stale=exists.stale_on(*staleness),
        confirmed_by=confirming(exists),
    )
