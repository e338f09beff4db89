"""The state of a replay and the helpers that open, confirm and close facts (part of
:mod:`reorg_cli.engine.compiler`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from reorg_cli.engine.facts import Edge, Fact, FactKind, confirmation_day
from reorg_cli.events.changes import Change, RoleAssigned, UnitCreated
from reorg_cli.events.dates import DateWindow, WindowKind
from reorg_cli.events.errors import Location, Problem, Severity
from reorg_cli.events.model import Confidence, Naming, unit_namings
from reorg_cli.events.records import Dataset, Event


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


#: The status of an ordinary event: part of the replay, correcting and corrected by nothing.
APPLIED = EventStatus(applied=True)

#: A streaming compile hands its closed facts on once this many have gathered.
FLUSH = 5000


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


class _CompilerState:
    """The state of a replay: the open facts, the problems found, and the helpers that open,
    confirm and close facts."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        namings: Callable[[], Iterable[Naming]] | None = None,
        on_facts: Callable[[list[tuple[int, Fact]]], None] | None = None,
    ) -> None:
        """``namings`` lists the units' names when ``dataset`` holds no events (a streaming
        compile); ``on_facts``, if given, receives the facts (numbered in creation order) in
        batches as they close, and the open ones at the end, instead of ``facts``."""
        self.dataset = dataset
        self.namings = namings or (lambda: unit_namings(dataset.events))
        self.on_facts = on_facts
        self.problems: list[Problem] = []
        self.facts: list[Fact] = []
        self.numbered = 0
        self.pending: dict[int, tuple[int, Fact]] = {}  # open facts not handed on, by id()
        self.closed: list[tuple[int, Fact]] = []
        self.unit: dict[str, Fact] = {}
        self.unit_created_at: dict[str, tuple[Location, DateWindow]] = {}
        self.unit_ended: dict[str, tuple[Location, DateWindow, str]] = {}
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
        # Units named by a unit_created change of the replay, in replay order.
        self.created_units: dict[str, None] = {}
        self.first_role: dict[tuple[str, str, str], Location] = {}
        # Where each role last ended.
        self.role_ended_at: dict[tuple[str, str, str], tuple[Location, DateWindow]] = {}
        self.event: Event | None = None
        self.edge: Edge | None = None
        # Units created only by events that a correction or retraction took out of the replay.
        self.withdrawn_creation: dict[str, tuple[Location, str, EventStatus]] = {}
        # The implicit confirmation each fact keeps (by the fact's id()), replaced by a later one.
        self.implicit_confirmation: dict[int, str] = {}
        # The whole replay once more, read only when an error needs a hint from later events.
        self.replayed_again: Callable[[], Iterable[Event]] = lambda: ()
        self._later: (
            tuple[
                dict[str, tuple[Location, DateWindow]],
                dict[tuple[str, str, str], list[tuple[int, Location, DateWindow]]],
            ]
            | None
        ) = None

    # -- what later events do (for hints) --------------------------------------------------------
    def _later_events(
        self,
    ) -> tuple[
        dict[str, tuple[Location, DateWindow]],
        dict[tuple[str, str, str], list[tuple[int, Location, DateWindow]]],
    ]:
        if self._later is None:
            first: dict[str, tuple[Location, DateWindow]] = {}
            assigned: dict[tuple[str, str, str], list[tuple[int, Location, DateWindow]]] = {}
            for index, event in enumerate(self.replayed_again()):
                for change in event.changes:
                    if isinstance(change, UnitCreated) and change.unit not in first:
                        first[change.unit] = (change.location, event.date)
                    if isinstance(change, RoleAssigned):
                        key = (change.person, change.unit, change.title)
                        assigned.setdefault(key, []).append((index, change.location, event.date))
            self._later = (first, assigned)
        return self._later

    @property
    def first_creation(self) -> dict[str, tuple[Location, DateWindow]]:
        """Where the replay first creates each unit (read when an error needs it)."""
        return self._later_events()[0]

    @property
    def assignments(self) -> dict[tuple[str, str, str], list[tuple[int, Location, DateWindow]]]:
        """Where the replay assigns each role: (replay step, place, date), in order (read when
        an error needs it)."""
        return self._later_events()[1]

    # -- streaming -------------------------------------------------------------------------------
    def flush(self, *, everything: bool = False) -> None:
        """Hand the closed facts (with ``everything``, every fact not yet handed) on."""
        assert self.on_facts is not None
        batch = self.closed
        self.closed = []
        for _, fact in batch:
            self.pending.pop(id(fact), None)
        if everything:
            batch.extend(self.pending.values())
            self.pending.clear()
        if batch:
            self.on_facts(batch)

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
        if self.on_facts is None:
            self.facts.append(fact)
        else:
            self.numbered += 1
            self.pending[id(fact)] = (self.numbered, fact)
        return fact

    def confirm(self, fact: Fact | None) -> None:
        """Record that the current event shows ``fact`` still holding (an explicit
        confirmation: every one is kept in ``confirmed_by``)."""
        assert self.edge is not None
        if fact is None or fact.start is self.edge:
            return
        window, event = self.edge.window, self.edge.event
        others = tuple(e for e in fact.confirmed_by if e != event)
        if self.implicit_confirmation.get(id(fact)) == event:
            del self.implicit_confirmation[id(fact)]  # now explicit as well: kept for good
        if fact.last_confirmed is None or confirmation_day(window) >= confirmation_day(
            fact.last_confirmed
        ):
            # The event that set last_confirmed is kept last.
            fact.last_confirmed = window
            fact.confirmed_by = (*others, event)
        else:
            fact.confirmed_by = (event, *others)

    def confirm_implicitly(self, fact: Fact | None) -> None:
        """Record that the current event shows ``fact`` holding in passing (a change to a unit
        or to a role in it shows the unit exists). Only the latest such event is kept, and only
        when it moves ``last_confirmed``: a unit touched by thousands of changes would
        otherwise cite them all, and every answer about it would grow with the history."""
        assert self.edge is not None
        if fact is None or fact.start is self.edge:
            return
        window, event = self.edge.window, self.edge.event
        if event in fact.confirmed_by:
            return
        if fact.last_confirmed is not None and confirmation_day(window) < confirmation_day(
            fact.last_confirmed
        ):
            return
        kept = fact.confirmed_by
        previous = self.implicit_confirmation.get(id(fact))
        if previous is not None:
            kept = tuple(e for e in kept if e != previous)
        self.implicit_confirmation[id(fact)] = event
        fact.last_confirmed = window
        fact.confirmed_by = (*kept, event)

    def confirm_unit(self, unit: str | None, *, explicit: bool = False) -> None:
        """A dated change about a unit (or a role in it) shows the unit exists then;
        ``explicit`` for ``unit_confirmed``, which says so on purpose."""
        if unit is not None and unit in self.unit:
            confirm = self.confirm if explicit else self.confirm_implicitly
            confirm(self.unit[unit])
            confirm(self.name.get(unit))

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
        self.implicit_confirmation.pop(id(fact), None)
        if self.on_facts is not None:
            numbered = self.pending.get(id(fact))
            if numbered is not None:
                self.closed.append(numbered)

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
            for unit, name, others in self.namings():
                primary[unit] = name
                unit_names.setdefault(unit, []).append(name)
                unit_names[unit].extend(n for _, n in others)
            for unit, known_names in unit_names.items():
                info = self.dataset.units.get(unit)
                aliases = info.aliases if info is not None else ()
                candidates.append(
                    Named("unit", unit, primary[unit], (unit, *known_names, *aliases))
                )
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
            where, date, how = self.unit_ended[unit]
            self.error(
                location,
                f"{what} {unit!r} no longer exists here: it was {how} on "
                f"{date.display()} ({where})",
            )
            return False
        later = self.first_creation.get(unit)
        if later is not None:
            where, date = later
            self.error(
                location,
                f"{what} {unit!r} does not exist yet {_on(self.event.date)}; it is "
                f"created {_on(date)} ({where})",
                "a unit must be created by an event that replays earlier",
            )
            return False
        withdrawn = self.withdrawn_creation.get(unit)
        if withdrawn is not None:
            where, event_id, status = withdrawn
            how = (
                f"retracted by {status.retracted_by!r}"
                if status.retracted_by
                else f"corrected by {status.corrected_by!r}, which does not create it"
            )
            self.error(
                location,
                f"{what} {unit!r} does not exist: the event that creates it, {event_id!r} "
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
