"""The diff of two states: computed in Python over two :meth:`Timeline.state_at` results, with
the events behind each change read from the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from reorg_cli.engine.facts import Fact, FactKind, Presence
from reorg_cli.engine.results import Entry, OrgState, ReportingLineState
from reorg_cli.engine.results_over_time import DiffChange, OrgDiff
from reorg_cli.events.dates import POS_INF
from reorg_cli.events.model import Confidence, kind_label

if TYPE_CHECKING:
    from reorg_cli.engine.timeline import Timeline


def _edges_in(
    facts: Iterable[Fact], day_from: int, day_to: int
) -> tuple[tuple[str, ...], Confidence | None]:
    """The events of the starts and ends of ``facts`` that may fall between the two days, in
    replay order, and the least sure of those starts and ends (None: there are none)."""
    lo, hi = min(day_from, day_to), max(day_from, day_to)
    found: list[tuple[int, str]] = []
    least: Confidence | None = None
    for fact in facts:
        for edge, sure in (
            (fact.start, fact.start_confidence),
            (
                fact.end,
                fact.start_confidence if fact.end_confidence is None else fact.end_confidence,
            ),
        ):
            if edge is not None and edge.lo <= hi and edge.hi > lo:
                found.append((edge.order, edge.event))
                least = sure if least is None else min(least, sure)
    result: list[str] = []
    for _, event in sorted(found):
        if event not in result:
            result.append(event)
    return tuple(result), least


def diff(
    timeline: Timeline,
    day_from: int,
    day_to: int,
    min_confidence: Confidence = Confidence.UNCERTAIN,
) -> OrgDiff:
    """Everything that differs between the ends of ``day_from`` and ``day_to``."""
    before = timeline.state_at(day_from, min_confidence, cite=False)
    after = timeline.state_at(day_to, min_confidence, cite=False)
    return diff_states(timeline, before, after)


def diff_states(timeline: Timeline, before: OrgState, after: OrgState) -> OrgDiff:
    """What :func:`diff` answers, from two states already computed at the same confidence
    filter (the explorer's slider keeps the state it leaves)."""
    day_from, day_to = before.day, after.day
    changes: list[DiffChange] = []
    # A unit is named as it was on the side a change is read from: what was removed by its
    # name before, what was added or changed by its name after (a unit renamed in between
    # held its old roles under its old name).
    names_before = {u: s.name for u, s in before.units.items()}
    names_after = {u: s.name for u, s in after.units.items()}

    def named(first: dict[str, str], then: dict[str, str]) -> Callable[[str | None], str]:
        def label(unit: str | None) -> str:
            if unit is None:
                return "top level"
            return first.get(unit) or then.get(unit) or timeline.unit_name_now(unit)

        return label

    label_before = named(names_before, names_after)
    label = named(names_after, names_before)

    for unit in sorted(set(before.units) | set(after.units)):
        old, new = before.units.get(unit), after.units.get(unit)
        if old == new:
            continue
        unit_facts = timeline.facts_of_unit(unit)
        facts = [f for fs in unit_facts.values() for f in fs]
        events, sure = _edges_in(facts, day_from, day_to)
        if old is None and new is not None:
            summary = f"{new.name} ({kind_label(new.kind)}) created"
            if new.parent:
                summary += f" under {label(new.parent)}"
            changes.append(
                DiffChange(
                    "unit_added", summary, events, ("unit", unit), None, new, confidence=sure
                )
            )
            continue
        if new is None and old is not None:
            end = unit_facts[FactKind.UNIT][-1]
            if end.end is None or end.end.lo > max(day_from, day_to):
                summary = f"{old.name} no longer shown (its facts are less sure)"
            elif end.successor:
                summary = f"{old.name} merged into {label(end.successor)}"
            else:
                summary = f"{old.name} dissolved"
            changes.append(
                DiffChange(
                    "unit_removed", summary, events, ("unit", unit), old, None, confidence=sure
                )
            )
            continue
        assert old is not None and new is not None
        parts = []
        kinds = []
        if old.name != new.name:
            parts.append(f"renamed to {new.name}")
            kinds.append("renamed")
        elif old.names != new.names:
            shown = ", ".join(f"{lang}: {name}" for lang, name in new.names) or "none"
            parts.append(f"names in other languages now {shown}")
            kinds.append("renamed")
        if old.kind != new.kind:
            parts.append(f"reclassified from {kind_label(old.kind)} to {kind_label(new.kind)}")
            kinds.append("reclassified")
        if old.parent != new.parent:
            parts.append(f"moved from {label_before(old.parent)} to {label(new.parent)}")
            kinds.append("moved")
        if not parts:
            certain = new.presence is Presence.PRESENT and not new.uncertain_fields
            if (old.presence, old.uncertain_fields) != (new.presence, new.uncertain_fields):
                parts.append("now certain" if certain else "now uncertain")
            elif old.confidence != new.confidence:
                parts.append(f"now {new.confidence.label}")
            else:
                parts.append("recorded again (same name, kind and parent)")
            kinds.append("certainty")
        change_type = "unit_" + kinds[0] if len(kinds) == 1 else "unit_changed"
        changes.append(
            DiffChange(
                change_type,
                f"{old.name} " + "; ".join(parts),
                events,
                ("unit", unit),
                old,
                new,
                confidence=sure,
            )
        )
    _diff_entries(
        timeline,
        changes,
        FactKind.ROLE,
        {(r.person, r.unit, r.title): r for r in before.roles},
        {(r.person, r.unit, r.title): r for r in after.roles},
        lambda r, label: f"{r.person_name} — {r.title}, {label(r.unit)}",
        (label_before, label),
        day_from,
        day_to,
    )
    _diff_entries(
        timeline,
        changes,
        FactKind.VACANCY,
        {(v.unit, v.title): v for v in before.vacancies},
        {(v.unit, v.title): v for v in after.vacancies},
        lambda v, label: (
            f"{v.title}, {label(v.unit)}: holder "
            + ("unknown" if v.vacancy == "unknown" else "vacant")
        ),
        (label_before, label),
        day_from,
        day_to,
    )
    _diff_entries(
        timeline,
        changes,
        FactKind.REPORTING_LINE,
        {(r.person,): r for r in before.reporting_lines},
        {(r.person,): r for r in after.reporting_lines},
        lambda r, label: f"{r.person_name} reports to {r.reports_to_name}",
        (label_before, label),
        day_from,
        day_to,
    )
    first_order = _replay_steps(timeline, {c.events[0] for c in changes if c.events})
    rank = {"unit": 0, "role": 1, "vacancy": 2, "reporting_line": 3}
    changes.sort(
        key=lambda c: (
            first_order.get(c.events[0], POS_INF) if c.events else POS_INF,
            rank[c.key[0]],
            c.type,
            c.key,
        )
    )
    return OrgDiff(day_from, day_to, tuple(changes))


def _replay_steps(timeline: Timeline, event_ids: set[str]) -> dict[str, int]:
    """The replay step of each applied event among ``event_ids``."""
    found: dict[str, int] = {}
    ids = sorted(event_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for event_id, step in timeline.store.rows(
            f"SELECT id, replay FROM event_records WHERE id IN ({marks}) AND replay IS NOT NULL",
            *chunk,
        ):
            found[event_id] = step
    return found


def _diff_entries(
    timeline: Timeline,
    changes: list[DiffChange],
    kind: FactKind,
    old: Mapping[tuple[str, ...], Entry],
    new: Mapping[tuple[str, ...], Entry],
    describe: Callable[[Any, Callable[[str | None], str]], str],
    labels: tuple[Callable[[str | None], str], Callable[[str | None], str]],
    day_from: int,
    day_to: int,
) -> None:
    """Add the changes of one kind of entry: ``describe`` words an entry with one of
    ``labels``, the units' names before and after (a removed entry is worded as it was)."""
    before, after = labels
    noun = kind.value
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        events, sure = _edges_in(timeline.facts_of_slot(kind, key), day_from, day_to)
        if a is None:
            changes.append(
                DiffChange(
                    f"{noun}_added", describe(b, after), events, (noun, *key), None, b, 0, sure
                )
            )
        elif b is None:
            changes.append(
                DiffChange(
                    f"{noun}_removed", describe(a, before), events, (noun, *key), a, None, 0, sure
                )
            )
        else:
            summary = describe(b, after)
            if (
                isinstance(a, ReportingLineState)
                and isinstance(b, ReportingLineState)
                and a.reports_to != b.reports_to
            ):
                summary += f" (before: {a.reports_to_name})"
            if getattr(a, "presence", None) != getattr(b, "presence", None):
                summary += (
                    " (now certain)"
                    if getattr(b, "presence", None) is Presence.PRESENT
                    else " (now uncertain)"
                )
            changes.append(
                DiffChange(f"{noun}_changed", summary, events, (noun, *key), a, b, 0, sure)
            )
