"""The results of the questions asked over time: what changed between two dates (``diff``),
a unit's history, the chronicle (``timeline``), one event as recorded (``event``), and which
sources the facts rest on (``sources``). A person's history is in
:mod:`reorg_cli.engine.results_person` (re-exported here).

Apart from :mod:`reorg_cli.engine.results` (the org on one date and the evidence it cites) so
that a warm ``reorg show`` never creates these classes; only the modules that build, draw or
write these results import this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reorg_cli.engine.evidence import Evidence
from reorg_cli.engine.results import Cited, Coverage, Entry
from reorg_cli.engine.results_person import PersonHistory as PersonHistory
from reorg_cli.engine.results_person import RoleSpan as RoleSpan
from reorg_cli.events.dates import DateWindow
from reorg_cli.events.model import Confidence, Source
from reorg_cli.events.records import Event


def _no_citations() -> Cited:
    return {}


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
    #: How sure the change itself is: the least sure of the starts and ends (of ``events``)
    #: that made it, so a removal is as sure as the end that removed it. None: no such edge.
    confidence: Confidence | None = None


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
