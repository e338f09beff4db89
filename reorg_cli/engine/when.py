"""``reorg when``: the windows in which a condition about the org held.

A condition is one of (docs/queries.md has the grammar)::

    PERSON reports to PERSON
    PERSON holds TITLE in UNIT
    PERSON in UNIT
    UNIT exists
    UNIT under UNIT

Names are matched as everywhere else (id, name, alias, any script or case). The condition is
evaluated at every replay step where one of the facts it reads starts or ends, so each window
opens and closes at an event, and keeps that event's date window at its precision.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from reorg_cli.engine.facts import Edge, Fact, FactKind
from reorg_cli.engine.reports import Condition as Condition
from reorg_cli.engine.reports import WhenResult as WhenResult
from reorg_cli.engine.reports import WhenWindow as WhenWindow
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.errors import ReorgError, UnknownNameError, UsageError
from reorg_cli.events.model import Confidence

GRAMMAR = (
    '"PERSON reports to PERSON", "PERSON holds TITLE in UNIT", "PERSON in UNIT", '
    '"UNIT exists" or "UNIT under UNIT"'
)


_SPACES = re.compile(r"\s+")


def _splits(text: str, keyword: str) -> list[tuple[str, str]]:
    """Every way to cut ``text`` around ``keyword`` (whole words, any case)."""
    found = []
    for match in re.finditer(rf"(?i)\s{keyword}\s", text):
        left, right = text[: match.start()].strip(), text[match.end() :].strip()
        if left and right:
            found.append((left, right))
    return found


def _first_resolving(
    splits: list[tuple[str, str]],
    left: Callable[[str], tuple[str, str]],
    right: Callable[[str], tuple[str, str]],
) -> tuple[tuple[str, str], tuple[str, str]]:
    """The first split whose two names both resolve; else the error of the last one tried."""
    error: ReorgError | None = None
    for a, b in splits:
        try:
            return left(a), right(b)
        except UnknownNameError as err:
            error = err
    assert error is not None
    raise error


def parse_condition(timeline: Timeline, text: str) -> Condition:
    """Parse and resolve a condition; unknown names raise with "did you mean"."""
    clean = _SPACES.sub(" ", text.strip())

    def person(name: str) -> tuple[str, str]:
        found = timeline.find_person(name)
        return found.id, found.name

    def unit(name: str) -> tuple[str, str]:
        uid = timeline.find_unit(name)
        return uid, timeline.unit_name_now(uid)

    lowered = clean.casefold()
    if lowered.endswith(" exists"):
        uid, name = unit(clean[: -len(" exists")])
        return Condition("exists", clean, uid, name)
    if splits := _splits(clean, "reports to"):
        (a, a_name), (b, b_name) = _first_resolving(splits, person, person)
        return Condition("reports_to", clean, a, a_name, b, b_name)
    if splits := _splits(clean, "holds"):
        who, rest = splits[0]
        pid, pname = person(who)
        cuts = _splits(rest, "in")
        if not cuts:
            raise UsageError(
                f"cannot read the condition {text!r}: 'holds' needs 'TITLE in UNIT'",
                f"write one of {GRAMMAR}",
            )
        error: ReorgError | None = None
        for title, unit_text in cuts:
            try:
                uid, uname = unit(unit_text)
            except UnknownNameError as err:
                error = err
                continue
            return Condition("holds", clean, pid, pname, uid, uname, title)
        assert error is not None
        raise error
    if splits := _splits(clean, "under"):
        (a, a_name), (b, b_name) = _first_resolving(splits, unit, unit)
        return Condition("under", clean, a, a_name, b, b_name)
    if splits := _splits(clean, "in"):
        (a, a_name), (b, b_name) = _first_resolving(splits, person, unit)
        return Condition("in", clean, a, a_name, b, b_name)
    raise UsageError(f"cannot read the condition {text!r}", f"write one of {GRAMMAR}")


def _counted(facts: Sequence[Fact], min_confidence: Confidence) -> list[Fact]:
    return [f for f in facts if f.start_confidence >= min_confidence]


def _end_confidence(fact: Fact) -> Confidence:
    # Not ``end_confidence or ...``: an uncertain end is rank 0, and falsy.
    return fact.start_confidence if fact.end_confidence is None else fact.end_confidence


def _end_order(fact: Fact, min_confidence: Confidence) -> int | None:
    return fact.end.order if fact.end is not None and fact.counts_end(min_confidence) else None


def _active(fact: Fact, order: int, min_confidence: Confidence) -> bool:
    end = _end_order(fact, min_confidence)
    return fact.start.order <= order and (end is None or order < end)


def when(
    timeline: Timeline, condition: Condition, min_confidence: Confidence = Confidence.UNCERTAIN
) -> WhenResult:
    """The windows in which ``condition`` held, as far as facts at ``min_confidence`` show."""
    facts, holds = _reader(timeline, condition, min_confidence)
    edges: dict[int, tuple[Edge, Confidence]] = {}
    for fact in facts:
        edges.setdefault(fact.start.order, (fact.start, fact.start_confidence))
        end = _end_order(fact, min_confidence)
        if end is not None and fact.end is not None:
            edges.setdefault(end, (fact.end, _end_confidence(fact)))
    windows: list[WhenWindow] = []
    opened: tuple[Edge, Confidence] | None = None
    for order in sorted(edges):
        now = holds(order)
        if now and opened is None:
            opened = edges[order]
        elif not now and opened is not None:
            edge, confidence = edges[order]
            windows.append(WhenWindow(opened[0], edge, opened[1], confidence))
            opened = None
    if opened is not None:
        windows.append(WhenWindow(opened[0], None, opened[1], None))
    return WhenResult(_named_when_held(timeline, condition, windows), tuple(windows))


def _named_when_held(
    timeline: Timeline, condition: Condition, windows: Sequence[WhenWindow]
) -> Condition:
    """``condition`` with its units named as they were the last time it held (a unit renamed
    since held its roles under the old name), or as now when it holds still or never did."""
    if not windows or windows[-1].end is None:
        return condition
    order = windows[-1].end.order - 1

    def name(unit: str | None, now: str | None) -> str | None:
        return timeline.unit_name_at_order(unit, order) if unit is not None else now

    if condition.kind in ("exists", "under"):
        return dataclasses.replace(
            condition,
            subject_name=str(name(condition.subject, condition.subject_name)),
            other_name=name(condition.other, condition.other_name),
        )
    if condition.kind in ("holds", "in"):
        return dataclasses.replace(condition, other_name=name(condition.other, None))
    return condition


def _reader(
    timeline: Timeline, condition: Condition, min_confidence: Confidence
) -> tuple[list[Fact], Callable[[int], bool]]:
    """The facts a condition reads, and whether it holds right after a replay step."""
    kind = condition.kind
    if kind == "reports_to":
        facts = _counted(
            [
                f
                for f in timeline.reporting_facts
                if f.slot[0] == condition.subject and f.value[0] == condition.other
            ],
            min_confidence,
        )
    elif kind in ("holds", "in"):
        title = (condition.title or "").casefold()
        facts = _counted(
            [
                f
                for f in timeline.role_facts
                if f.slot[0] == condition.subject
                and f.slot[1] == condition.other
                and (kind == "in" or str(f.slot[2]).casefold() == title)
            ],
            min_confidence,
        )
    elif kind == "exists":
        facts = _counted(
            timeline.unit_facts.get(condition.subject, {}).get(FactKind.UNIT, []), min_confidence
        )
    else:
        return _under_reader(timeline, condition, min_confidence)

    def holds(order: int) -> bool:
        return any(_active(f, order, min_confidence) for f in facts)

    return facts, holds


def _under_reader(
    timeline: Timeline, condition: Condition, min_confidence: Confidence
) -> tuple[list[Fact], Callable[[int], bool]]:
    parents: dict[str, list[Fact]] = {}
    for unit, by_kind in timeline.unit_facts.items():
        parents[unit] = _counted(by_kind.get(FactKind.PARENT, []), min_confidence)
    exists = _counted(
        timeline.unit_facts.get(condition.subject, {}).get(FactKind.UNIT, []), min_confidence
    )
    limit = len(parents) + 1

    def parent_at(unit: str, order: int) -> str | None:
        for fact in parents.get(unit, []):
            if _active(fact, order, min_confidence):
                value = fact.value[0]
                return str(value) if value is not None else None
        return None

    def holds(order: int) -> bool:
        if not any(_active(f, order, min_confidence) for f in exists):
            return False
        current: str | None = condition.subject
        for _ in range(limit):
            current = parent_at(current, order) if current is not None else None
            if current is None:
                return False
            if current == condition.other:
                return True
        return False

    facts = [f for group in parents.values() for f in group] + exists
    return facts, holds
