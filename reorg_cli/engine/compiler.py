"""Compile events into dated facts, checking the history's logic on the way.

The replay is a pure function of the dataset: events are applied in the documented order
(:meth:`Event.sort_key`), each change closes and opens facts, and every logical problem is
reported with the places involved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Sequence

from reorg_cli.engine.compiler_roles import _RolesAndChecks
from reorg_cli.engine.compiler_state import APPLIED as APPLIED
from reorg_cli.engine.compiler_state import FLUSH as FLUSH
from reorg_cli.engine.compiler_state import Compiled as Compiled
from reorg_cli.engine.compiler_state import EventStatus as EventStatus
from reorg_cli.engine.compiler_state import closest as closest
from reorg_cli.engine.compiler_state import replay_order as replay_order
from reorg_cli.engine.facts import Edge, FactKind
from reorg_cli.events.changes import (
    Change,
    PersonLeft,
    ReportingLineCleared,
    ReportingLineConfirmed,
    ReportingLineSet,
    RoleAssigned,
    RoleConfirmed,
    RoleEnded,
    UnitConfirmed,
    UnitCreated,
    UnitDissolved,
    UnitMerged,
    UnitMoved,
    UnitReclassified,
    UnitRenamed,
)
from reorg_cli.events.errors import Location
from reorg_cli.events.model import Link, correction_links
from reorg_cli.events.records import Dataset, Event


class _Compiler(_RolesAndChecks):
    """The replay itself: the order of events, corrections, and the changes to units."""

    # -- the replay ------------------------------------------------------------------------------
    def run(self) -> Compiled:
        """Compile the dataset's events in memory."""
        events = self.dataset.events
        changed = resolve_corrections(
            list(correction_links(events)), {e.id: None for e in events}, self.error
        )
        statuses = {e.id: changed.get(e.id, APPLIED) for e in events}
        order = replay_order(e for e in events if statuses[e.id].applied)
        self.replayed_again = lambda: order
        self.withdrawn((e, statuses[e.id]) for e in events if not statuses[e.id].applied)
        self.replay(order)
        self.finish()
        return Compiled(self.facts, order, statuses, self.problems)

    def withdrawn(self, events: Iterable[tuple[Event, EventStatus]]) -> None:
        """Note the units that events taken out of the replay would have created (for hints)."""
        for event, status in events:
            for change in event.changes:
                if isinstance(change, UnitCreated):
                    self.withdrawn_creation.setdefault(
                        change.unit, (change.location, event.id, status)
                    )

    def replay(self, order: Iterable[Event], start: int = 0) -> None:
        """Apply events in replay order; ``start`` is the replay step of the first."""
        for index, event in enumerate(order, start):
            self.event = event
            self.edge = Edge(event.date, event.id, index)
            for change in event.changes:
                self.apply(change)
            if self.on_facts is not None and len(self.closed) >= FLUSH:
                self.flush()

    def finish(self) -> None:
        """The checks made once every event is applied; a streaming compile's last facts."""
        self.check_registry()
        self.check_people()
        if self.on_facts is not None:
            self.flush(everything=True)

    def apply(self, change: Change) -> None:
        match change:
            case UnitCreated():
                self.unit_created(change)
            case UnitRenamed():
                if self.unit_alive(change.unit, change.where("unit")):
                    self.confirm_implicitly(self.unit[change.unit])
                    self.set_name(change.unit, change.name, change.names, change)
                    self.warn_sibling_name(change.unit, change)
            case UnitReclassified():
                if self.unit_alive(change.unit, change.where("unit")):
                    self.confirm_unit(change.unit)
                    self.set_kind(change.unit, change.kind, change)
                    if change.name is not None:
                        self.set_name(change.unit, change.name, change.names, change)
                        self.warn_sibling_name(change.unit, change)
            case UnitMoved():
                if self.unit_alive(change.unit, change.where("unit")):
                    self.confirm_unit(change.unit)
                    self.set_parent(change.unit, change.parent, change)
            case UnitMerged():
                self.confirm_unit(change.into)
                self.unit_merged(change)
            case UnitDissolved():
                self.unit_dissolved(change)
            case RoleAssigned():
                self.confirm_unit(change.unit)
                self.role_assigned(change)
            case RoleEnded():
                self.confirm_unit(change.unit)
                self.role_ended(change)
            case RoleConfirmed():
                self.role_confirmed(change)
            case UnitConfirmed():
                if self.unit_alive(change.unit, change.where("unit")):
                    self.confirm_unit(change.unit, explicit=True)
            case ReportingLineConfirmed():
                self.reporting_line_confirmed(change)
            case PersonLeft():
                self.person_left(change)
            case ReportingLineSet():
                self.reporting_line_set(change)
            case ReportingLineCleared():
                self.reporting_line_cleared(change)
            case _:  # pragma: no cover - the loader only builds the types above
                raise TypeError(f"unknown change {change!r}")

    # -- units -----------------------------------------------------------------------------------
    def unit_created(self, change: UnitCreated) -> None:
        assert self.event is not None
        unit = change.unit
        self.created_units.setdefault(unit)
        if unit in self.unit or unit in self.unit_ended:
            where, date = self.unit_created_at[unit]
            self.error(
                change.location,
                f"unit {unit!r} is created twice; it was already created on "
                f"{date.display()} ({where})",
                "use unit_renamed, unit_reclassified or unit_moved to change it",
            )
            return
        if change.parent is not None and not self.unit_alive(
            change.parent, change.where("parent"), "parent unit"
        ):
            return
        self.unit_created_at[unit] = (change.location, self.event.date)
        self.confirm_unit(change.parent)
        self.unit[unit] = self.open_fact(FactKind.UNIT, (unit,), (), change)
        self.set_name(unit, change.name, change.names, change)
        self.set_kind(unit, change.kind, change)
        self.set_parent(unit, change.parent, change)

    def set_name(
        self, unit: str, name: str, names: tuple[tuple[str, str], ...], change: Change
    ) -> None:
        old = self.name.pop(unit, None)
        if old is not None:
            self.close_fact(old, change)
        flat: list[str | bool | None] = [name]
        for lang, other in names:
            flat.extend((lang, other))
        self.name[unit] = self.open_fact(FactKind.NAME, (unit,), tuple(flat), change)

    def set_kind(self, unit: str, kind: str, change: Change) -> None:
        old = self.kind.pop(unit, None)
        if old is not None:
            self.close_fact(old, change)
        self.kind[unit] = self.open_fact(FactKind.KIND, (unit,), (kind,), change)

    def set_parent(
        self, unit: str, parent: str | None, change: Change, implied_by: str | None = None
    ) -> None:
        if parent is not None:
            if parent == unit:
                self.error(change.location, f"unit {unit!r} cannot be its own parent")
                return
            if not self.unit_alive(parent, change.where("parent"), "parent unit"):
                return
            chain = [parent]
            cursor: str | None = parent
            while cursor is not None:
                fact = self.parent.get(cursor)
                cursor = fact.value[0] if fact is not None else None  # type: ignore[assignment]
                if cursor is not None:
                    chain.append(cursor)
                if cursor == unit:
                    loop = " → ".join([unit, *chain])
                    other = self.parent_set_at.get(chain[-2], change.location)
                    self.error(
                        change.location,
                        f"parent cycle: {loop} (the link {chain[-2]} → {unit} is set at {other})",
                    )
                    return
        old = self.parent.pop(unit, None)
        if old is not None:
            old_parent = old.value[0]
            if isinstance(old_parent, str):
                self.children.get(old_parent, set()).discard(unit)
            self.close_fact(old, change, implied_by=implied_by)
        self.parent[unit] = self.open_fact(FactKind.PARENT, (unit,), (parent,), change)
        if implied_by is not None:
            self.parent[unit].start = dataclasses.replace(
                self.parent[unit].start, implied_by=implied_by
            )
        self.parent_set_at[unit] = change.location
        if parent is not None:
            self.children.setdefault(parent, set()).add(unit)

    def end_unit(self, unit: str, change: Change, how: str, successor: str | None) -> None:
        assert self.event is not None
        implied = "unit_merged" if successor else "unit_dissolved"
        successor_name = self.name[successor].value[0] if successor in self.name else successor
        reason = f"unit merged into {successor_name}" if successor else "unit dissolved"
        for key in sorted(self.roles_by_unit.get(unit, set())):
            fact = self.roles.pop(key)
            self.roles_by_person[key[0]].discard(key)
            self.close_fact(fact, change, reason, implied_by=implied)
            self.role_ended_at[key] = (change.location, self.event.date)
        self.roles_by_unit.pop(unit, None)
        for post in [k for k in self.vacancies if k[0] == unit]:
            self.close_fact(self.vacancies.pop(post), change, reason, implied_by=implied)
        for table in (self.name, self.kind):
            attribute = table.pop(unit, None)
            if attribute is not None:
                self.close_fact(attribute, change)
        parent_fact = self.parent.pop(unit, None)
        if parent_fact is not None:
            old_parent = parent_fact.value[0]
            if isinstance(old_parent, str):
                self.children.get(old_parent, set()).discard(unit)
            self.close_fact(parent_fact, change)
        fact = self.unit.pop(unit)
        self.close_fact(fact, change, reason)
        fact.successor = successor
        self.unit_ended[unit] = (change.location, self.event.date, how)

    def unit_merged(self, change: UnitMerged) -> None:
        if not self.unit_alive(change.unit, change.where("unit")):
            return
        if not self.unit_alive(change.into, change.where("into"), "successor unit"):
            return
        if change.into == change.unit:
            self.error(change.location, f"unit {change.unit!r} cannot be merged into itself")
            return
        cursor: str | None = change.into
        while cursor is not None:
            if cursor == change.unit:
                self.error(
                    change.location,
                    f"unit {change.unit!r} cannot be merged into {change.into!r}, which is "
                    "inside it",
                    f"move {change.into!r} out first",
                )
                return
            fact = self.parent.get(cursor)
            cursor = fact.value[0] if fact is not None else None  # type: ignore[assignment]
        for child in sorted(self.children.get(change.unit, set())):
            self.set_parent(child, change.into, change, implied_by="unit_merged")
        self.end_unit(change.unit, change, f"merged into {change.into!r}", change.into)

    def unit_dissolved(self, change: UnitDissolved) -> None:
        if not self.unit_alive(change.unit, change.where("unit")):
            return
        children = sorted(self.children.get(change.unit, set()))
        if children:
            self.error(
                change.location,
                f"unit {change.unit!r} is dissolved while it still has child units: "
                + ", ".join(children),
                "move, merge or dissolve them first",
            )
            return
        self.end_unit(change.unit, change, "dissolved", None)


def compile_dataset(dataset: Dataset) -> Compiled:
    """Replay the dataset's events into facts; problems are returned, not raised."""
    return _Compiler(dataset).run()


def resolve_corrections(
    links: Sequence[Link],
    known: Collection[str],
    error: Callable[[Location, str, str], None],
) -> dict[str, EventStatus]:
    """Which events the replay uses: the status of every event that corrects or retracts, or
    is corrected or retracted (any other event is :data:`APPLIED`). ``known`` holds every
    event id.

    A correction replaces its target, and a retraction drops it, as long as the correction
    or retraction is itself in force: a retracted retraction restores its target, and a
    retracted correction restores the event it corrected. A correction that is corrected
    in turn still replaces its target (its own correction takes its place). Events that
    correct or retract each other in a cycle are an error.
    """
    by_id = {link[0]: link for link in links}
    corrected: dict[str, str] = {}
    retracted: dict[str, str] = {}
    for event_id, corrects, retracts, location in links:
        target = corrects or retracts
        assert target is not None
        table = corrected if corrects else retracted
        verb = "corrects" if corrects else "retracts"
        if target not in known:
            error(
                location,
                f"event {event_id!r} {verb} unknown event {target!r}",
                closest(target, known),
            )
            continue
        if target == event_id:
            error(location, f"event {event_id!r} {verb} itself", "")
            continue
        if target in corrected or target in retracted:
            other = corrected.get(target) or retracted.get(target)
            assert other is not None
            error(
                location,
                f"event {target!r} is already corrected or retracted by {other!r} "
                f"({by_id[other][3]})",
                "correct the correction instead",
            )
            continue
        cycle = [event_id, target]
        while True:
            link = by_id.get(cycle[-1])
            following = (link[1] or link[2]) if link is not None else None
            if following is None or (following not in corrected and following not in retracted):
                break
            if (corrected.get(following) or retracted.get(following)) != cycle[-1]:
                break
            cycle.append(following)
            if following == event_id:
                break
        if cycle[-1] == event_id:
            closing = by_id[cycle[-2]]
            error(
                location,
                f"correction cycle: {' → '.join(cycle)}; event {event_id!r} {verb} "
                f"{target!r}, and {closing[0]!r} "
                f"{'corrects' if closing[1] else 'retracts'} {event_id!r} "
                f"({closing[3]})",
                "events may not correct or retract each other in a circle; remove one link",
            )
            continue
        table[target] = event_id
    # Whether each retraction or correction is in force: not retracted by one in force.
    # Chains are followed iteratively, so a long chain of retractions cannot overflow.
    in_force: dict[str, bool] = {}
    for start in by_id:
        chain = [start]
        while chain[-1] not in in_force and chain[-1] in retracted:
            chain.append(retracted[chain[-1]])
        for event_id in reversed(chain):
            if event_id not in in_force:
                retractor = retracted.get(event_id)
                in_force[event_id] = retractor is None or not in_force[retractor]
    corrected = {t: c for t, c in corrected.items() if in_force[c]}
    retracted = {t: r for t, r in retracted.items() if in_force[r]}
    statuses: dict[str, EventStatus] = {}
    for event_id in (*by_id, *corrected, *retracted):
        link = by_id.get(event_id)
        statuses[event_id] = EventStatus(
            applied=event_id not in corrected and event_id not in retracted,
            corrected_by=corrected.get(event_id),
            retracted_by=retracted.get(event_id),
            corrects=link[1] if link is not None else None,
            retracts=link[2] if link is not None else None,
        )
    return statuses
