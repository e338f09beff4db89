"""Results of the git-like, lookup and check queries (``log``, ``blame``, ``when``, name
lookups and listings, ``check``, ``--known-as-of``): plain data, like
:mod:`reorg_cli.engine.results`, that renderers and serializers draw from without the engine.
The queries that build them live in :mod:`reorg_cli.engine.history_log`,
:mod:`~reorg_cli.engine.when`, :mod:`~reorg_cli.engine.names`, :mod:`~reorg_cli.engine.checks`
and :mod:`~reorg_cli.engine.knowledge`, which re-export them. The results of name lookups and
listings are in :mod:`reorg_cli.engine.results_names` (re-exported here), so that resolving a
name does not create all of these classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from reorg_cli.engine.facts import Edge
from reorg_cli.engine.results_names import Match as Match
from reorg_cli.engine.results_names import Named as Named
from reorg_cli.engine.results_names import PersonEntry as PersonEntry
from reorg_cli.engine.results_names import UnitEntry as UnitEntry
from reorg_cli.engine.results_over_time import DiffChange, TimelineEntry
from reorg_cli.events.dates import DateWindow
from reorg_cli.events.model import Confidence, Source

# -- log and blame (reorg_cli.engine.history_log) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One event in the log, with its sources and (for ``--patch``) its effect."""

    entry: TimelineEntry
    notes: str | None
    sources: tuple[Source, ...]
    patch: tuple[DiffChange, ...] | None = None
    #: With ``--patch``: what the event confirms still held (its ``*_confirmed`` changes), in
    #: words like a diff change's summary, the units named as they were then.
    confirms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BlameEvent:
    """An event as blame cites it."""

    id: str
    date: str
    confidence: Confidence
    sources: tuple[Source, ...]
    path: str
    line: int
    role: str  # established | ended | corrects | confirmed


@dataclass(frozen=True, slots=True)
class BlameLine:
    """One fact beside the events behind it."""

    kind: str
    description: str
    start: str
    end: str | None
    confidence: Confidence
    events: tuple[BlameEvent, ...]
    # Staleness (docs/event-format.md, "Stale"): the latest date a source shows the fact
    # holding, whether that is too long ago, and the confirming events (latest last).
    last_confirmed: DateWindow | None = None
    stale: bool = False
    confirmed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Blame:
    """Every fact about one subject, each with its events."""

    subject_kind: str  # unit | person
    subject_id: str
    subject_name: str
    at: str | None
    lines: tuple[BlameLine, ...]
    #: The data's coverage end (ISO, None: no dated events) and the staleness threshold used.
    coverage_end: str | None = None
    stale_after_days: int = 180


# -- when (reorg_cli.engine.when) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: its kind and the resolved ids (and title)."""

    kind: str  # reports_to | holds | in | exists | under
    text: str
    subject: str
    subject_name: str
    other: str | None = None
    other_name: str | None = None
    title: str | None = None

    def describe(self) -> str:
        """The condition in words, with resolved names."""
        if self.kind == "reports_to":
            return f"{self.subject_name} reports to {self.other_name}"
        if self.kind == "holds":
            return f"{self.subject_name} holds {self.title} in {self.other_name}"
        if self.kind == "in":
            return f"{self.subject_name} holds a role in {self.other_name}"
        if self.kind == "exists":
            return f"{self.subject_name} exists"
        return f"{self.subject_name} is under {self.other_name}"


@dataclass(frozen=True, slots=True)
class WhenWindow:
    """One stretch of time in which the condition held."""

    start: Edge
    end: Edge | None  # None: no end is recorded
    start_confidence: Confidence
    end_confidence: Confidence | None


@dataclass(frozen=True, slots=True)
class WhenResult:
    """Every window in which a condition held, in order."""

    condition: Condition
    windows: tuple[WhenWindow, ...]


# -- check (reorg_cli.engine.checks) ----------------------------------------------------------

#: Every kind of finding, in the order reports list them, with what it means.
CHECKS: dict[str, str] = {
    "stale": "a fact with no end that no source confirms within the staleness threshold",
    "single_source": "a fact that rests on one source, reported only",
    "overlapping_holders": "two people hold a single-holder post at the same time",
    "no_head": "a unit that exists at the coverage end with no head",
    "orphaned_reporting_line": "a reporting line that outlives a role it rested on",
    "no_role": "a person with no role for years before the coverage end",
    "date_precision": "an event dated more precisely than, or after, its sources",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One data-quality finding: where to edit, what is wrong, and what would resolve it."""

    check: str
    path: str
    line: int
    message: str
    fix: str
    subject: tuple[str, ...] = ()
    events: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``path:line``."""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Every finding, with the day they were judged on and the threshold used."""

    findings: tuple[Finding, ...]
    coverage_end: str | None
    reference_day: int
    stale_after_days: int

    def counts(self) -> dict[str, int]:
        """Findings per check (every check listed, zero included)."""
        counts = dict.fromkeys(CHECKS, 0)
        for finding in self.findings:
            counts[finding.check] += 1
        return counts


# -- --known-as-of (reorg_cli.engine.knowledge) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class KnowledgeEntry:
    """One event's standing on the knowledge date."""

    event: str
    date: str
    title: str
    status: str  # one of KNOWN, UNDATED, POSSIBLY, NOT_YET, DEPENDS
    first_published: str | None  # the earliest ``published`` of its sources, as written


@dataclass(frozen=True, slots=True)
class KnowledgeReport:
    """What ``--known-as-of DAY`` kept and left out."""

    day: int
    iso: str
    left_out: tuple[KnowledgeEntry, ...]
    undated: tuple[KnowledgeEntry, ...]
