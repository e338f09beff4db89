"""Plain data returned by queries: what renderers and serializers draw from."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from reorg_cli.engine.facts import Presence
from reorg_cli.events.dates import DateWindow, PartialDate
from reorg_cli.events.model import Confidence, Event, Source

#: What a result cites: every event its facts rest on (and the events confirming them), by id,
#: as :class:`Evidence`. Filled by the query that builds the result, in one batched lookup, so
#: renderers and serializers never go back to the engine for them.
Cited = Mapping[str, "Evidence"]


def _no_citations() -> Cited:
    return {}


def cited_subset(cited: Cited, ids: Iterable[str]) -> dict[str, Evidence]:
    """The evidence of ``ids`` (each must be cited), sorted by id."""
    return {event_id: cited[event_id] for event_id in sorted(set(ids))}


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the data's knowledge reaches, and the staleness threshold a result used."""

    #: The dataset's ``coverage_end``, else the latest event date (None: no dated events).
    end: PartialDate | None
    #: ``--stale-after``, else the dataset's threshold, else the default.
    stale_after_days: int


@dataclass(frozen=True, slots=True)
class UnitState:
    """A unit as of a date."""

    id: str
    name: str
    kind: str
    parent: str | None
    since: DateWindow
    presence: Presence
    confidence: Confidence
    events: tuple[str, ...]
    names: tuple[tuple[str, str], ...] = ()
    uncertain_fields: tuple[str, ...] = ()
    # Staleness (docs/event-format.md, "Confirmations"); not compared, so diff ignores it.
    last_confirmed: DateWindow | None = field(default=None, compare=False)
    stale: bool = field(default=False, compare=False)
    confirmed_by: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class RoleState:
    """A role held as of a date."""

    person: str
    person_name: str
    unit: str
    title: str
    head: bool
    since: DateWindow
    presence: Presence
    confidence: Confidence
    events: tuple[str, ...]
    last_confirmed: DateWindow | None = field(default=None, compare=False)
    stale: bool = field(default=False, compare=False)
    confirmed_by: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class VacancyState:
    """A post with no holder (``vacant``) or an unknown holder (``unknown``) as of a date."""

    unit: str
    title: str
    vacancy: str
    since: DateWindow
    presence: Presence
    confidence: Confidence
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportingLineState:
    """A reporting line as of a date."""

    person: str
    person_name: str
    reports_to: str
    reports_to_name: str
    since: DateWindow
    presence: Presence
    confidence: Confidence
    events: tuple[str, ...]
    last_confirmed: DateWindow | None = field(default=None, compare=False)
    stale: bool = field(default=False, compare=False)
    confirmed_by: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class OrgState:
    """The organization at the end of one day."""

    day: int
    units: dict[str, UnitState]
    roles: tuple[RoleState, ...]
    vacancies: tuple[VacancyState, ...]
    reporting_lines: tuple[ReportingLineState, ...]
    #: The events behind every fact of the state, and those confirming them.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)
    coverage: Coverage | None = field(default=None, compare=False, repr=False)
    # Per-unit groupings, built on first use (a 10k-unit state would be quadratic without).
    _groups: dict[str, dict[str | None, list[Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def _grouped(self, what: str) -> dict[str | None, list[Any]]:
        groups = self._groups.get(what)
        if groups is None:
            groups = {}
            if what == "children":
                for unit in self.units.values():
                    groups.setdefault(unit.parent, []).append(unit)
            else:
                for item in self.roles if what == "roles" else self.vacancies:
                    groups.setdefault(item.unit, []).append(item)
            self._groups[what] = groups
        return groups

    def children(self, unit: str | None) -> list[UnitState]:
        """Units whose parent is ``unit`` (``None``: the roots), sorted by name."""
        if unit is None:
            found = [
                u for u in self.units.values() if u.parent is None or u.parent not in self.units
            ]
        else:
            found = self._grouped("children").get(unit, [])
        return sorted(found, key=lambda u: (u.name.casefold(), u.id))

    def roles_in(self, unit: str) -> list[RoleState]:
        """Roles in ``unit``: heads first, then by title and name."""
        found = self._grouped("roles").get(unit, [])
        return sorted(found, key=lambda r: (not r.head, r.title.casefold(), r.person_name))

    def vacancies_in(self, unit: str) -> list[VacancyState]:
        """Vacant or unknown posts in ``unit``."""
        return sorted(self._grouped("vacancies").get(unit, []), key=lambda v: v.title)

    def levels(self, root: str | None) -> Iterator[list[UnitState]]:
        """The unit tree level by level, top first, from ``root`` (``None``: the roots)."""
        level = [self.units[root]] if root is not None else self.children(None)
        while level:
            yield level
            level = [child for unit in level for child in self.children(unit.id)]

    def subtree(self, root: str) -> list[str]:
        """Ids of ``root`` and every unit under it."""
        return [unit.id for level in self.levels(root) for unit in level]

    def depth_that_fits(self, root: str | None, limit: int) -> int | None:
        """How many top levels to show so that at most ``limit`` units are drawn (at least
        one level); ``None`` when the whole state has no more than ``limit`` units, or all of
        the tree fits."""
        if len(self.units) <= limit:
            return None
        shown = 0
        for depth, level in enumerate(self.levels(root), start=1):
            if depth > 1 and shown + len(level) > limit:
                return depth - 1
            shown += len(level)
        return None

    def top_levels(self, root: str | None, depth: int) -> tuple[OrgState, int]:
        """This state keeping only the reporting lines of people in the top ``depth`` levels,
        and how many units those levels hold."""
        shown: set[str] = set()
        for level in itertools.islice(self.levels(root), depth):
            shown.update(unit.id for unit in level)
        people = {role.person for role in self.roles if role.unit in shown}
        lines = tuple(line for line in self.reporting_lines if line.person in people)
        return dataclasses.replace(self, reporting_lines=lines), len(shown)

    def event_ids(self) -> set[str]:
        """Every event id behind any fact in this state."""
        ids: set[str] = set()
        for unit in self.units.values():
            ids.update(unit.events)
        for group in (self.roles, self.vacancies, self.reporting_lines):
            for item in group:
                ids.update(item.events)
        return ids

    def cited_ids(self) -> set[str]:
        """What the state cites: :meth:`event_ids` and the events confirming its facts."""
        ids = self.event_ids()
        for unit in self.units.values():
            ids.update(unit.confirmed_by)
        for group in (self.roles, self.reporting_lines):
            for item in group:
                ids.update(item.confirmed_by)
        return ids


Entry = UnitState | RoleState | VacancyState | ReportingLineState


@dataclass(frozen=True, slots=True)
class DiffChange:
    """One difference between two states; ``before``/``after`` are the entries compared."""

    type: str
    summary: str
    events: tuple[str, ...]
    key: tuple[str, ...]
    before: Entry | None
    after: Entry | None
    sort_order: int = 0


@dataclass(frozen=True, slots=True)
class OrgDiff:
    """Everything that differs between the states at two dates."""

    day_from: int
    day_to: int
    changes: tuple[DiffChange, ...]
    #: The events of every change and of the entries compared.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)

    def cited_ids(self) -> list[str]:
        """What the diff cites: each change's events, then those of the entries compared."""
        ids = [e for change in self.changes for e in change.events]
        for change in self.changes:
            for entry in (change.before, change.after):
                if entry is not None:
                    ids.extend(entry.events)
        return ids


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """One role in a person's history."""

    unit: str
    unit_name: str
    title: str
    head: bool
    start: DateWindow
    end: DateWindow | None
    end_reason: str | None
    status: str  # current | stale | ended | ended (date unknown) | planned
    confidence: Confidence
    events: tuple[str, ...]
    unit_name_at_end: str | None = None
    person: str = ""
    person_name: str = ""
    end_confidence: Confidence | None = None
    last_confirmed: DateWindow | None = None
    stale: bool = False
    confirmed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonHistory:
    """Every role a person held, in order, plus their reporting lines."""

    person_id: str
    name: str
    names: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]
    description: str | None
    roles: tuple[RoleSpan, ...]
    reporting_lines: tuple[
        tuple[str, str, DateWindow, DateWindow | None, tuple[str, ...], Confidence], ...
    ]
    #: The day (ordinal) the statuses are relative to; a line starting after it is planned.
    today: int | None = None
    # For each reporting line, in the same order: (last confirmed, stale, confirming events).
    reporting_line_confirmations: tuple[tuple[DateWindow, bool, tuple[str, ...]], ...] = ()
    #: The events behind every role and line, and those confirming them.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)
    coverage: Coverage | None = field(default=None, compare=False, repr=False)

    def cited_ids(self) -> list[str]:
        """What the history cites, roles first."""
        ids = [e for span in self.roles for e in (*span.events, *span.confirmed_by)]
        ids += [e for line in self.reporting_lines for e in line[4]]
        ids += [e for _, _, by in self.reporting_line_confirmations for e in by]
        return ids


@dataclass(frozen=True, slots=True)
class UnitChange:
    """One step in a unit's life."""

    date: DateWindow
    type: str
    summary: str
    events: tuple[str, ...]
    confidence: Confidence
    order: int = 0


@dataclass(frozen=True, slots=True)
class UnitHistory:
    """A unit's life: its changes, heads and roles."""

    unit_id: str
    name: str
    former_names: tuple[str, ...]
    description: str | None
    changes: tuple[UnitChange, ...]
    heads: tuple[RoleSpan, ...]
    roles: tuple[RoleSpan, ...]
    successor: str | None = None
    #: The events behind every change, head and role, and those confirming them.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)
    coverage: Coverage | None = field(default=None, compare=False, repr=False)

    def cited_ids(self) -> list[str]:
        """What the history cites: its changes' events, then its roles' (heads are roles)."""
        ids = [e for c in self.changes for e in c.events]
        ids += [e for s in self.roles for e in (*s.events, *s.confirmed_by)]
        ids += [e for s in self.heads for e in (*s.events, *s.confirmed_by)]
        return ids


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """An event in the chronicle, with what became of it."""

    id: str
    date: DateWindow
    title: str
    confidence: Confidence
    status: str  # applied | corrected | retracted | correction | retraction
    related: str | None = None
    planned: bool = False
    summary: str | None = None
    sources: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Chronicle:
    """What ``reorg timeline`` asks: the events between two days, with what they cite."""

    entries: tuple[TimelineEntry, ...]
    day_from: int | None
    day_to: int | None
    #: Every entry's event, by id.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """What ``reorg event`` asks: one event as recorded (with its changes), its evidence,
    and what became of it."""

    event: Event
    evidence: Evidence
    applied: bool
    corrected_by: str | None
    retracted_by: str | None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a fact is believed: one event with its sources, and what corrected it."""

    id: str
    date: DateWindow
    title: str
    confidence: Confidence
    sources: tuple[Source, ...]
    path: str
    line: int
    notes: str | None = None
    status: str = "applied"
    corrects: Evidence | None = None


@dataclass(frozen=True, slots=True)
class SourceUse:
    """A source and how many facts rest on it."""

    source: Source
    events: tuple[str, ...]
    facts: int


@dataclass(frozen=True, slots=True)
class FactSummary:
    """A fact described for people, with what it rests on."""

    description: str
    start: DateWindow
    end: DateWindow | None
    confidence: Confidence
    events: tuple[str, ...]
    sources: tuple[Source, ...]
