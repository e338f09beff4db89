"""Compile events into dated facts, checking the history's logic on the way.

The replay is a pure function of the dataset: events are applied in the documented order
(:meth:`Event.sort_key`), each change closes and opens facts, and every logical problem is
reported with the places involved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from reorg_cli.engine.facts import Edge, Fact, FactKind, confirmation_day
from reorg_cli.events.dates import POS_INF, DateWindow, WindowKind
from reorg_cli.events.errors import Location, Problem, Severity
from reorg_cli.events.model import (
    Change,
    Confidence,
    Dataset,
    Event,
    Person,
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
    name_key,
)


def closest(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint (the loader's; imported only when there is a problem to report,
    so that reading a cached timeline does not load YAML)."""
    from reorg_cli.events.loader import closest as loader_closest

    return loader_closest(word, choices)


@dataclasses.dataclass(frozen=True, slots=True)
class EventStatus:
    """Whether an event is part of the replay, and what replaced it if not."""

    applied: bool
    corrected_by: str | None = None
    retracted_by: str | None = None
    corrects: str | None = None
    retracts: str | None = None


@dataclasses.dataclass(slots=True)
class Compiled:
    """The result of compiling: facts in creation order, and the events in replay order."""

    facts: list[Fact]
    order: list[Event]
    statuses: dict[str, EventStatus]
    problems: list[Problem]


def replay_order(events: Iterable[Event]) -> list[Event]:
    """Events sorted in the documented replay order."""
    return sorted(events, key=Event.sort_key)


def _describe_window(window: DateWindow) -> str:
    return window.display()


def _on(window: DateWindow) -> str:
    """``on 2026-04-08``, ``in Apr 2026``, but ``by 2024-05-20`` and ``between ... and ...``
    without ``on``, and ``on an unknown date``."""
    text = window.display()
    if window.kind is WindowKind.UNKNOWN:
        return "on an unknown date"
    if window.kind is WindowKind.EXACT:
        assert window.first is not None
        return f"on {text}" if window.first.day is not None else f"in {text}"
    return text


class _Compiler:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.problems: list[Problem] = []
        self.facts: list[Fact] = []
        self.unit: dict[str, Fact] = {}
        self.unit_created_at: dict[str, tuple[Location, Event]] = {}
        self.unit_ended: dict[str, tuple[Location, Event, str]] = {}
        self.name: dict[str, Fact] = {}
        self.kind: dict[str, Fact] = {}
        self.parent: dict[str, Fact] = {}
        self.parent_set_at: dict[str, Location] = {}
        self.children: dict[str, set[str]] = {}
        self.roles: dict[tuple[str, str, str], Fact] = {}
        self.roles_by_person: dict[str, set[tuple[str, str, str]]] = {}
        self.roles_by_unit: dict[str, set[tuple[str, str, str]]] = {}
        self.vacancies: dict[tuple[str, str], Fact] = {}
        self.reports: dict[str, Fact] = {}
        self.report_set_at: dict[str, Location] = {}
        self.first_creation: dict[str, tuple[Location, Event]] = {}
        self.first_role: dict[tuple[str, str, str], Location] = {}
        # Where each role was assigned (replay step, place, event) and where it last ended.
        self.assignments: dict[tuple[str, str, str], list[tuple[int, Location, Event]]] = {}
        self.role_ended_at: dict[tuple[str, str, str], tuple[Location, Event]] = {}
        self.event: Event | None = None
        self.edge: Edge | None = None
        # Units created only by events that a correction or retraction took out of the replay.
        self.withdrawn_creation: dict[str, tuple[Location, Event, EventStatus]] = {}

    # -- reporting -----------------------------------------------------------------------------
    def error(self, location: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, message, hint))

    def warn(self, location: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, message, hint, Severity.WARNING))

    # -- helpers -------------------------------------------------------------------------------
    def confidence_of(self, change: Change) -> Confidence:
        assert self.event is not None
        return change.confidence if change.confidence is not None else self.event.confidence

    def open_fact(
        self,
        kind: FactKind,
        slot: tuple[str, ...],
        value: tuple[str | bool | None, ...],
        change: Change,
    ) -> Fact:
        assert self.edge is not None
        fact = Fact(kind, slot, value, self.edge, self.confidence_of(change))
        fact.last_confirmed = self.edge.window
        self.facts.append(fact)
        return fact

    def confirm(self, fact: Fact | None) -> None:
        """Record that the current event shows ``fact`` still holding."""
        assert self.edge is not None
        if fact is None or fact.start is self.edge:
            return
        window, event = self.edge.window, self.edge.event
        others = tuple(e for e in fact.confirmed_by if e != event)
        if fact.last_confirmed is None or confirmation_day(window) >= confirmation_day(
            fact.last_confirmed
        ):
            # The event that set last_confirmed is kept last.
            fact.last_confirmed = window
            fact.confirmed_by = (*others, event)
        else:
            fact.confirmed_by = (event, *others)

    def confirm_unit(self, unit: str | None) -> None:
        """A dated change about a unit (or a role in it) shows the unit exists then."""
        if unit is not None and unit in self.unit:
            self.confirm(self.unit[unit])
            self.confirm(self.name.get(unit))

    def close_fact(
        self,
        fact: Fact,
        change: Change,
        reason: str | None = None,
        implied_by: str | None = None,
    ) -> None:
        assert self.edge is not None
        edge = (
            self.edge
            if implied_by is None
            else dataclasses.replace(self.edge, implied_by=implied_by)
        )
        if edge.window.lo < fact.start.window.lo:
            # An end can't fall before its start: an `unknown` end starts where the fact did.
            edge = dataclasses.replace(
                edge, window=dataclasses.replace(edge.window, lo=fact.start.window.lo)
            )
        if edge.window.hi < fact.start.window.lo:
            self.error(
                change.location,
                f"this ends {self.describe_fact(fact)} {_on(edge.window)}, before it "
                f"started ({fact.start.window.display()}, event {fact.start.event})",
            )
        fact.end = edge
        fact.end_confidence = self.confidence_of(change)
        fact.end_reason = reason

    def describe_fact(self, fact: Fact) -> str:
        if fact.kind is FactKind.ROLE:
            person, unit, title = fact.slot
            return f"{person}'s role {title!r} in {unit}"
        return f"the {fact.kind.value} of {fact.slot[0]}"

    def person_exists(self, person: str, location: Location) -> bool:
        if person in self.dataset.people:
            return True
        self.error(
            location,
            f"unknown person {person!r}",
            self.did_you_mean(person, "person") or "add them under 'people:'",
        )
        return False

    def did_you_mean(self, reference: str, kind: str) -> str:
        """``did you mean id (Name)?`` for a reference to an unknown person or unit, found by
        id, name or alias with the one matcher every command uses (a file that writes
        ``unit: Wukong Division`` is told the id ``wukong-division``)."""
        from reorg_cli.engine.names import Named, match

        candidates: list[Named] = []
        if kind == "person":
            for p in self.dataset.people.values():
                known = (p.id, p.name, *(n for _, n in p.names), *p.aliases)
                candidates.append(Named("person", p.id, p.name, known))
        else:
            unit_names: dict[str, list[str]] = {}
            primary: dict[str, str] = {}
            for event in self.dataset.events:
                for change in event.changes:
                    if isinstance(change, UnitCreated | UnitRenamed):
                        primary[change.unit] = change.name
                        unit_names.setdefault(change.unit, []).append(change.name)
                        unit_names[change.unit].extend(n for _, n in change.names)
            for unit, names in unit_names.items():
                info = self.dataset.units.get(unit)
                aliases = info.aliases if info is not None else ()
                candidates.append(Named("unit", unit, primary[unit], (unit, *names, *aliases)))
        found = match(reference, candidates)[:3]
        if not found:
            return ""
        listed = ", ".join(m.id if m.id == m.name else f"{m.id} ({m.name})" for m in found)
        return f"did you mean {listed}?"

    def unit_alive(self, unit: str, location: Location, what: str = "unit") -> bool:
        """Check that ``unit`` exists at the current point of the replay."""
        assert self.event is not None
        if unit in self.unit:
            return True
        if unit in self.unit_ended:
            where, event, how = self.unit_ended[unit]
            self.error(
                location,
                f"{what} {unit!r} no longer exists here: it was {how} on "
                f"{event.date.display()} ({where})",
            )
            return False
        later = self.first_creation.get(unit)
        if later is not None:
            where, event = later
            self.error(
                location,
                f"{what} {unit!r} does not exist yet {_on(self.event.date)}; it is "
                f"created {_on(event.date)} ({where})",
                "a unit must be created by an event that replays earlier",
            )
            return False
        withdrawn = self.withdrawn_creation.get(unit)
        if withdrawn is not None:
            where, event, status = withdrawn
            how = (
                f"retracted by {status.retracted_by!r}"
                if status.retracted_by
                else f"corrected by {status.corrected_by!r}, which does not create it"
            )
            self.error(
                location,
                f"{what} {unit!r} does not exist: the event that creates it, {event.id!r} "
                f"({where}), is {how}",
                "create the unit in an event that is part of the replay",
            )
            return False
        self.error(
            location,
            f"unknown {what} {unit!r}",
            self.did_you_mean(unit, "unit") or "create it with a unit_created change",
        )
        return False

    # -- the replay ------------------------------------------------------------------------------
    def run(self) -> Compiled:
        statuses = self.resolve_corrections()
        applied = [e for e in self.dataset.events if statuses[e.id].applied]
        for event in self.dataset.events:
            status = statuses[event.id]
            if not status.applied:
                for change in event.changes:
                    if isinstance(change, UnitCreated):
                        self.withdrawn_creation.setdefault(
                            change.unit, (change.location, event, status)
                        )
        order = replay_order(applied)
        for index, event in enumerate(order):
            for change in event.changes:
                if isinstance(change, UnitCreated) and change.unit not in self.first_creation:
                    self.first_creation[change.unit] = (change.location, event)
                if isinstance(change, RoleAssigned):
                    key = (change.person, change.unit, change.title)
                    self.assignments.setdefault(key, []).append((index, change.location, event))
        for index, event in enumerate(order):
            self.event = event
            self.edge = Edge(event.date, event.id, index)
            for change in event.changes:
                self.apply(change)
        self.check_registry()
        self.check_people()
        return Compiled(self.facts, order, statuses, self.problems)

    def resolve_corrections(self) -> dict[str, EventStatus]:
        """Which events the replay uses.

        A correction replaces its target, and a retraction drops it, as long as the correction
        or retraction is itself in force: a retracted retraction restores its target, and a
        retracted correction restores the event it corrected. A correction that is corrected
        in turn still replaces its target (its own correction takes its place). Events that
        correct or retract each other in a cycle are an error.
        """
        events = {e.id: e for e in self.dataset.events}
        corrected: dict[str, str] = {}
        retracted: dict[str, str] = {}
        for event in self.dataset.events:
            target = event.corrects or event.retracts
            if target is None:
                continue
            table = corrected if event.corrects else retracted
            verb = "corrects" if event.corrects else "retracts"
            if target not in events:
                self.error(
                    event.location,
                    f"event {event.id!r} {verb} unknown event {target!r}",
                    closest(target, events),
                )
                continue
            if target == event.id:
                self.error(event.location, f"event {event.id!r} {verb} itself")
                continue
            if target in corrected or target in retracted:
                other = corrected.get(target) or retracted.get(target)
                assert other is not None
                self.error(
                    event.location,
                    f"event {target!r} is already corrected or retracted by {other!r} "
                    f"({events[other].location})",
                    "correct the correction instead",
                )
                continue
            cycle = [event.id, target]
            while True:
                following = events[cycle[-1]].corrects or events[cycle[-1]].retracts
                if following is None or (following not in corrected and following not in retracted):
                    break
                if (corrected.get(following) or retracted.get(following)) != cycle[-1]:
                    break
                cycle.append(following)
                if following == event.id:
                    break
            if cycle[-1] == event.id:
                closing = events[cycle[-2]]
                self.error(
                    event.location,
                    f"correction cycle: {' → '.join(cycle)}; event {event.id!r} {verb} "
                    f"{target!r}, and {closing.id!r} "
                    f"{'corrects' if closing.corrects else 'retracts'} {event.id!r} "
                    f"({closing.location})",
                    "events may not correct or retract each other in a circle; remove one link",
                )
                continue
            table[target] = event.id
        # Whether each retraction or correction is in force: not retracted by one in force.
        # Chains are followed iteratively, so a long chain of retractions cannot overflow.
        in_force: dict[str, bool] = {}
        for start in events:
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
        plain = EventStatus(applied=True)  # shared by every ordinary event (memory)
        for event in self.dataset.events:
            status = EventStatus(
                applied=event.id not in corrected and event.id not in retracted,
                corrected_by=corrected.get(event.id),
                retracted_by=retracted.get(event.id),
                corrects=event.corrects,
                retracts=event.retracts,
            )
            statuses[event.id] = plain if status == plain else status
        return statuses

    def apply(self, change: Change) -> None:
        match change:
            case UnitCreated():
                self.unit_created(change)
            case UnitRenamed():
                if self.unit_alive(change.unit, change.where("unit")):
                    self.confirm(self.unit[change.unit])
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
                    self.confirm_unit(change.unit)
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
        if unit in self.unit or unit in self.unit_ended:
            where, event = self.unit_created_at[unit]
            self.error(
                change.location,
                f"unit {unit!r} is created twice; it was already created on "
                f"{event.date.display()} ({where})",
                "use unit_renamed, unit_reclassified or unit_moved to change it",
            )
            return
        if change.parent is not None and not self.unit_alive(
            change.parent, change.where("parent"), "parent unit"
        ):
            return
        self.unit_created_at[unit] = (change.location, self.event)
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
            self.role_ended_at[key] = (change.location, self.event)
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
        self.unit_ended[unit] = (change.location, self.event, how)

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

    # -- roles -------------------------------------------------------------------------------------
    def role_assigned(self, change: RoleAssigned) -> None:
        person_ok = self.person_exists(change.person, change.where("person"))
        if not (self.unit_alive(change.unit, change.where("unit")) and person_ok):
            return
        key = (change.person, change.unit, change.title)
        if key in self.roles:
            first = self.first_role.get(key, change.location)
            self.error(
                change.location,
                f"{change.person!r} already holds {change.title!r} in {change.unit!r} "
                f"(assigned at {first})",
                "end the role first, or remove this change",
            )
            return
        if not change.shared:
            holders = [
                k
                for k in self.roles_by_unit.get(change.unit, set())
                if k[2] == change.title and not self.roles[k].value[1]
            ]
            for other in holders:
                self.warn(
                    change.location,
                    f"{change.person!r} and {other[0]!r} both hold the single-holder post "
                    f"{change.title!r} in {change.unit!r} (the other since "
                    f"{self.roles[other].start.window.display()}, {self.first_role[other]})",
                    "end the earlier holder's role, or mark the post 'shared: true'",
                )
        vacancy = self.vacancies.pop((change.unit, change.title), None)
        if vacancy is not None:
            self.close_fact(vacancy, change, f"filled by {change.person}")
        self.roles[key] = self.open_fact(FactKind.ROLE, key, (change.head, change.shared), change)
        self.first_role[key] = change.location
        self.roles_by_person.setdefault(change.person, set()).add(key)
        self.roles_by_unit.setdefault(change.unit, set()).add(key)

    def role_ended(self, change: RoleEnded) -> None:
        assert self.event is not None
        if not self.person_exists(change.person, change.where("person")):
            return
        key = (change.person, change.unit, change.title)
        fact = self.roles.get(key)
        if fact is None:
            held = sorted(
                f"{title!r} in {unit}"
                for _, unit, title in self.roles_by_person.get(change.person, set())
            )
            hint = ("they hold " + ", ".join(held)) if held else "they hold no role then"
            assert self.edge is not None
            later = [a for a in self.assignments.get(key, []) if a[0] >= self.edge.order]
            if key in self.first_role:
                hint = f"the role was assigned at {self.first_role[key]} and has already ended"
                if key in self.role_ended_at:
                    where, event = self.role_ended_at[key]
                    hint += f" {_on(event.date)} ({where})"
            elif later:
                _, where, event = later[0]
                end = self.event.date
                if event.date.lo <= end.hi:
                    # The start lies inside this end's window (a role from 2024-06-01 that
                    # ends in "2024"): the end replays first, from its window's first day.
                    first = dt.date.fromordinal(event.date.lo + 1).isoformat()
                    last = dt.date.fromordinal(end.hi).isoformat() if end.hi < POS_INF else ""
                    fix = (
                        f"'between {first} and {last}'"
                        if last and event.date.lo < end.hi
                        else f"'after {dt.date.fromordinal(event.date.lo).isoformat()}'"
                    )
                    self.error(
                        change.location,
                        f"this ends {change.person!r}'s role {change.title!r} in "
                        f"{change.unit!r} {_on(end)}, a window that begins before the role "
                        f"is assigned {_on(event.date)} ({where}); events replay from the "
                        "first day of their window, so this end would come before the start",
                        f"date the end after the start, e.g. {fix}",
                    )
                    return
                hint = (
                    f"the role is assigned only later, {_on(event.date)} ({where}); "
                    "a role must start before it ends"
                )
            self.error(
                change.location,
                f"{change.person!r} does not hold {change.title!r} in {change.unit!r} "
                f"{_on(self.event.date)}",
                hint,
            )
            return
        del self.roles[key]
        self.roles_by_person[change.person].discard(key)
        self.roles_by_unit[change.unit].discard(key)
        self.close_fact(fact, change, change.reason)
        self.role_ended_at[key] = (change.location, self.event)
        if change.vacancy is not None:
            # A single-holder post that someone else still holds is not vacant; a seat on a
            # shared post (a committee membership) can be.
            others = sorted(
                k
                for k in self.roles_by_unit[change.unit]
                if k[2] == change.title and not fact.value[1]
            )
            if others:
                other = others[0]
                self.error(
                    change.location,
                    f"the post {change.title!r} in {change.unit!r} cannot be "
                    f"{change.vacancy}: {other[0]!r} still holds it (assigned at "
                    f"{self.first_role[other]})",
                    "remove 'vacancy', or end the other holder's role first",
                )
                return
            earlier = self.vacancies.pop((change.unit, change.title), None)
            if earlier is not None:
                # One vacancy per post: a second holder leaving replaces the first record.
                self.close_fact(earlier, change)
            self.vacancies[(change.unit, change.title)] = self.open_fact(
                FactKind.VACANCY, (change.unit, change.title), (change.vacancy,), change
            )

    def role_confirmed(self, change: RoleConfirmed) -> None:
        assert self.event is not None
        if not self.person_exists(change.person, change.where("person")):
            return
        key = (change.person, change.unit, change.title)
        fact = self.roles.get(key)
        if fact is None:
            held = sorted(
                f"{title!r} in {unit}"
                for _, unit, title in self.roles_by_person.get(change.person, set())
            )
            hint = ("they hold " + ", ".join(held)) if held else "they hold no role then"
            if key in self.role_ended_at:
                where, event = self.role_ended_at[key]
                hint = f"the role ended on {event.date.display()} ({where})"
            elif key in self.assignments and key not in self.first_role:
                _, where, event = self.assignments[key][0]
                hint = f"the role is assigned only later, on {event.date.display()} ({where})"
            self.error(
                change.location,
                f"cannot confirm {change.person!r} as {change.title!r} in {change.unit!r} on "
                f"{self.event.date.display()}: they do not hold that role then",
                hint,
            )
            return
        self.confirm(fact)
        self.confirm_unit(change.unit)

    def reporting_line_confirmed(self, change: ReportingLineConfirmed) -> None:
        assert self.event is not None
        ok = self.person_exists(change.person, change.where("person"))
        if not (self.person_exists(change.reports_to, change.where("reports_to")) and ok):
            return
        line = self.reports.get(change.person)
        if line is None or line.value[0] != change.reports_to:
            hint = (
                f"they report to {line.value[0]!r} then (set at "
                f"{self.report_set_at[change.person]})"
                if line is not None
                else "they have no reporting line then"
            )
            self.error(
                change.location,
                f"cannot confirm that {change.person!r} reports to {change.reports_to!r} on "
                f"{self.event.date.display()}: the line does not hold then",
                hint,
            )
            return
        self.confirm(line)

    def person_left(self, change: PersonLeft) -> None:
        if not self.person_exists(change.person, change.where("person")):
            return
        reason = change.reason or "left the organization"
        for key in sorted(self.roles_by_person.get(change.person, set())):
            fact = self.roles.pop(key)
            self.roles_by_unit[key[1]].discard(key)
            self.close_fact(fact, change, reason, implied_by="person_left")
            assert self.event is not None
            self.role_ended_at[key] = (change.location, self.event)
        self.roles_by_person.pop(change.person, None)
        line = self.reports.pop(change.person, None)
        if line is not None:
            self.close_fact(line, change, reason, implied_by="person_left")

    def reporting_line_set(self, change: ReportingLineSet) -> None:
        ok = self.person_exists(change.person, change.where("person"))
        if not (self.person_exists(change.reports_to, change.where("reports_to")) and ok):
            return
        if change.person == change.reports_to:
            self.error(change.location, f"{change.person!r} cannot report to themselves")
            return
        chain = [change.reports_to]
        cursor = change.reports_to
        while cursor in self.reports:
            cursor = str(self.reports[cursor].value[0])
            chain.append(cursor)
            if cursor == change.person:
                other = self.report_set_at.get(chain[-2], change.location)
                self.error(
                    change.location,
                    "reporting cycle: "
                    + " → ".join([change.person, *chain])
                    + f" (the line {chain[-2]} → {change.person} is set at {other})",
                )
                return
        old = self.reports.pop(change.person, None)
        if old is not None:
            self.close_fact(old, change)
        self.reports[change.person] = self.open_fact(
            FactKind.REPORTING_LINE, (change.person,), (change.reports_to,), change
        )
        self.report_set_at[change.person] = change.location

    def reporting_line_cleared(self, change: ReportingLineCleared) -> None:
        assert self.event is not None
        if not self.person_exists(change.person, change.where("person")):
            return
        old = self.reports.pop(change.person, None)
        if old is None:
            self.error(
                change.location,
                f"{change.person!r} has no reporting line to clear {_on(self.event.date)}",
            )
            return
        self.close_fact(old, change)

    def check_people(self) -> None:
        """Two people may not share a lookup key (docs/event-format.md, "People").

        An id that matches another person's id, name or alias (ignoring case, spaces, '-',
        '_' and '.') is an error: that id would no longer find one person. A name or alias
        shared by two people is a warning: real people share names, and the id still tells
        them apart.
        """
        owners: dict[str, tuple[Person, str, str]] = {}
        reported: set[tuple[str, str, str]] = set()
        for person in self.dataset.people.values():
            keys = [("id", person.id), ("name", person.name)]
            keys += [("alias", alias) for alias in person.aliases]
            keys += [(f"{lang} name", other) for lang, other in person.names]
            for what, text in keys:
                key = name_key(text)
                if not key:
                    continue
                first = owners.get(key)
                if first is None:
                    owners[key] = (person, what, text)
                    continue
                other, other_what, other_text = first
                if other.id == person.id or (other.id, person.id, key) in reported:
                    continue
                reported.add((other.id, person.id, key))
                mine = f"{what} {text!r}"
                theirs = f"{other_what} {other_text!r}"
                if "id" in (what, other_what):
                    self.error(
                        person.location,
                        f"person {person.id!r}: {mine} is the same lookup key as the {theirs} "
                        f"of person {other.id!r} ({other.location})",
                        "two people may not share a lookup key (case, spaces, '-', '_' and "
                        "'.' are ignored); change the id or remove the alias",
                    )
                else:
                    self.warn(
                        person.location,
                        f"people {other.id!r} and {person.id!r} share the lookup key of "
                        f"{theirs} ({other.location}) and {mine}; looking it up finds both",
                        "add an alias that tells them apart, or look them up by id",
                    )

    def warn_sibling_name(self, unit: str, change: Change) -> None:
        """Warn when ``unit`` now has the same name as a unit beside it (same parent)."""
        name_fact = self.name.get(unit)
        if name_fact is None:
            return
        key = name_key(str(name_fact.value[0]))
        parent_fact = self.parent.get(unit)
        parent = parent_fact.value[0] if parent_fact is not None else None
        beside = (
            sorted(self.children.get(parent, set()))
            if isinstance(parent, str)
            else [u for u in self.unit if (f := self.parent.get(u)) is None or f.value[0] is None]
        )
        for other in beside:
            fact = self.name.get(other)
            if other == unit or other not in self.unit or fact is None:
                continue
            if name_key(str(fact.value[0])) != key:
                continue
            where = self.unit_created_at.get(other)
            self.warn(
                change.location,
                f"unit {unit!r} is now named {name_fact.value[0]!r}, like unit {other!r} beside "
                f"it{f' ({where[0]})' if where else ''}; looking the name up finds both",
                "give one of them a distinguishing name, or dissolve or rename the other first",
            )
            return

    def check_registry(self) -> None:
        for unit_id, info in self.dataset.units.items():
            if unit_id not in self.first_creation:
                self.warn(
                    info.location,
                    f"unit {unit_id!r} is described but no event creates it",
                    closest(unit_id, self.first_creation),
                )


def compile_dataset(dataset: Dataset) -> Compiled:
    """Replay the dataset's events into facts; problems are returned, not raised."""
    return _Compiler(dataset).run()
