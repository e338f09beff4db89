"""Plain data returned by queries: what renderers and serializers draw from.

Here: the org on one date (``OrgState`` and its entries) and its coverage: all that
``reorg show`` needs. The ``Evidence`` a result cites is in :mod:`reorg_cli.engine.evidence`,
imported only where citations are shown. The results of the questions asked over time
(diffs, histories, the chronicle, event records, the sources report) are in
:mod:`reorg_cli.engine.results_over_time`, which a warm ``show`` never imports.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reorg_cli.engine.facts import Presence
from reorg_cli.events.dates import DateWindow, PartialDate
from reorg_cli.events.model import Confidence

if TYPE_CHECKING:
    from reorg_cli.engine.evidence import Evidence

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


class UnitOutline:
    """The unit tree at the end of one day, with only what choosing and cutting its levels
    needs: each unit's parent and name, and how many reporting lines hold. A big
    organization's default tree is chosen from this before any unit's full state is
    computed. (A plain class: it is on every ``show``'s path, and a dataclass costs its
    creation at each start.)"""

    __slots__ = ("_children", "_fits", "reporting_lines", "units")

    def __init__(self, units: dict[str, tuple[str | None, str]], reporting_lines: int) -> None:
        #: unit id -> (its parent's id or None, its name)
        self.units = units
        self.reporting_lines = reporting_lines
        self._children: dict[str | None, list[str]] = {}
        # Depths already chosen: ``state_at`` chooses the levels to compute, and ``show`` asks
        # again for the levels to draw (a walk of the whole tree each time).
        self._fits: dict[tuple[str | None, int], int | None] = {}

    def children(self, unit: str | None) -> list[str]:
        """Ids of the units whose parent is ``unit`` (``None``: the roots, whose parent is
        none or not in the tree), in no particular order (a drawn tree orders the units it
        draws by name; choosing levels and counting need no order)."""
        if not self._children and self.units:
            units = self.units
            for found, (parent, _) in units.items():
                key = parent if parent is not None and parent in units else None
                self._children.setdefault(key, []).append(found)
        return self._children.get(unit, [])

    def levels(self, root: str | None) -> Iterator[list[str]]:
        """Unit ids level by level, top first, from ``root`` (``None``: the roots)."""
        level = [root] if root is not None else self.children(None)
        while level:
            yield level
            level = [child for unit in level for child in self.children(unit)]

    def depth_that_fits(self, root: str | None, limit: int) -> int | None:
        """How many top levels to show so that at most ``limit`` units are drawn (at least
        one level); ``None`` when the whole tree has no more than ``limit`` units, or all of
        it fits."""
        if len(self.units) <= limit:
            return None
        key = (root, limit)
        if key not in self._fits:
            self._fits[key] = self._depth_that_fits(root, limit)
        return self._fits[key]

    def _depth_that_fits(self, root: str | None, limit: int) -> int | None:
        shown = 0
        for depth, level in enumerate(self.levels(root), start=1):
            if depth > 1 and shown + len(level) > limit:
                return depth - 1
            shown += len(level)
        return None

    def top(self, root: str | None, depth: int | None) -> set[str]:
        """Ids of the units in the top ``depth`` levels from ``root`` (``None``: all)."""
        return {unit for level in itertools.islice(self.levels(root), depth) for unit in level}


@dataclass(frozen=True, slots=True)
class OrgState:
    """The organization at the end of one day.

    A state may hold only the top levels of the day's unit tree (the default tree of a big
    organization): then ``outline`` is the whole tree, which counts what is not shown."""

    day: int
    units: dict[str, UnitState]
    roles: tuple[RoleState, ...]
    vacancies: tuple[VacancyState, ...]
    reporting_lines: tuple[ReportingLineState, ...]
    #: The events behind every fact of the state, and those confirming them.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)
    coverage: Coverage | None = field(default=None, compare=False, repr=False)
    outline: UnitOutline | None = field(default=None, compare=False, repr=False)
    # Per-unit groupings, built on first use (a 10k-unit state would be quadratic without).
    _groups: dict[str, dict[str | None, list[Any]]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _tree: list[UnitOutline] = field(default_factory=list, init=False, compare=False, repr=False)

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

    def whole_tree(self) -> UnitOutline:
        """The day's unit tree: :attr:`outline`, or made from this state's units."""
        if self.outline is not None:
            return self.outline
        if not self._tree:
            units = {u.id: (u.parent, u.name) for u in self.units.values()}
            self._tree.append(UnitOutline(units, len(self.reporting_lines)))
        return self._tree[0]

    def depth_that_fits(self, root: str | None, limit: int) -> int | None:
        """How many top levels of the day's tree to show so that at most ``limit`` units are
        drawn (:meth:`UnitOutline.depth_that_fits`)."""
        return self.whole_tree().depth_that_fits(root, limit)

    def top_levels(self, root: str | None, depth: int) -> tuple[OrgState, int]:
        """This state keeping only the reporting lines of people in the top ``depth`` levels,
        and how many units those levels hold. Its :meth:`whole_tree` stays the whole day's."""
        tree = self.whole_tree()
        shown = tree.top(root, depth)
        people = {role.person for role in self.roles if role.unit in shown}
        lines = tuple(line for line in self.reporting_lines if line.person in people)
        return dataclasses.replace(self, reporting_lines=lines, outline=tree), len(shown)

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
