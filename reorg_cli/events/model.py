"""The event vocabulary: confidence, sources, a dataset's settings, and what is read off
events (their replay links, unit names and date bounds).

The records a dataset is read into (people, units, events, the dataset) are in
:mod:`reorg_cli.events.records`, and the change records (``UnitRenamed``, ``RoleAssigned``)
in :mod:`reorg_cli.events.changes`: a warm query imports neither, and creating their classes
was a measurable part of every command's start.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from reorg_cli.events.dates import DateWindow, PartialDate
from reorg_cli.events.errors import Location, Problem, Severity

if TYPE_CHECKING:
    from reorg_cli.events.records import Event


class Confidence(IntEnum):
    """How sure the sources are; a larger value is surer."""

    UNCERTAIN = 0
    REPORTED = 1
    CONFIRMED = 2

    @property
    def label(self) -> str:
        """Lower-case name as written in files and JSON."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        """Read ``confirmed``, ``reported`` or ``uncertain``."""
        return cls[text.upper()]


#: The documented vocabulary of unit kinds.
UNIT_KINDS = (
    "group",
    "business_group",
    "business_unit",
    "business_line",
    "division",
    "department",
    "lab",
    "committee",
    "board",
    "task_force",
    "company",
    "subsidiary",
    "team",
    "office",
    "product",
)


def kind_label(kind: str) -> str:
    """A unit kind for people: ``business_unit`` -> ``business unit``."""
    return kind.replace("_", " ")


_IGNORED_IN_NAMES = str.maketrans("", "", " \t-_.·・")


def name_key(text: str) -> str:
    """Normalize a name for lookup: NFKC, case-folded, without spaces, '-', '_' and '.'."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_IGNORED_IN_NAMES)


@dataclass(frozen=True, slots=True)
class Source:
    """A document that supports an event."""

    url: str
    id: str | None = None
    publisher: str | None = None
    published: str | None = None
    title: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "url": self.url,
            "publisher": self.publisher,
            "published": self.published,
            "title": self.title,
            "note": self.note,
        }


#: Days after its last confirmation that an open fact is called stale, unless a dataset says.
DEFAULT_STALE_AFTER_DAYS = 180


@dataclass(frozen=True, slots=True)
class DatasetSettings:
    """The ``dataset:`` mapping of an events folder (docs/event-format.md, "Dataset settings").

    ``coverage_end`` is the date the data's knowledge reaches (None: the latest event date);
    ``stale_after_days`` the staleness threshold (None: :data:`DEFAULT_STALE_AFTER_DAYS`).
    ``first_event`` and ``last_event`` are not written in files: the loader sets them to the
    earliest and latest dates the events name (see :func:`event_date_bounds`).
    """

    coverage_end: PartialDate | None = None
    stale_after_days: int | None = None
    location: Location = field(default=Location(""), compare=False)
    first_event: PartialDate | None = None
    last_event: PartialDate | None = None


DateBounds = tuple[PartialDate | None, PartialDate | None]

#: An event that corrects or retracts another: (event, corrects, retracts, where).
Link = tuple[str, str | None, str | None, Location]

#: Where a unit is named: (unit, name, other names).
Naming = tuple[str, str, tuple[tuple[str, str], ...]]


def correction_links(events: Iterable[Event]) -> Iterator[Link]:
    """The events that correct or retract another, in order."""
    for event in events:
        if event.corrects or event.retracts:
            yield event.id, event.corrects, event.retracts, event.location


def unit_namings(events: Iterable[Event]) -> Iterator[Naming]:
    """Every name the events give units, in the order written (for "did you mean" hints)."""
    from reorg_cli.events.changes import UnitCreated, UnitRenamed

    for event in events:
        for change in event.changes:
            if isinstance(change, UnitCreated | UnitRenamed):
                yield change.unit, change.name, change.names


def event_date_bounds(events: Iterable[Event]) -> DateBounds:
    """The earliest and the latest date named by ``events``' dates, as written: ``by 2016-07``
    and ``2016-07`` both name July 2016; ``between A and B`` names A first and B last;
    ``unknown`` names nothing. Compared by first day (earliest) and last day (latest)."""
    bounds: DateBounds = (None, None)
    for event in events:
        bounds = widen_date_bounds(bounds, event.date)
    return bounds


def widen_date_bounds(bounds: DateBounds, window: DateWindow) -> DateBounds:
    """``bounds`` (see :func:`event_date_bounds`) widened to the dates ``window`` names."""
    if window.first is None:
        return bounds
    first, last = bounds
    early = window.first
    late = window.second if window.second is not None else window.first
    if first is None or early.first_day() < first.first_day():
        first = early
    if last is None or late.last_day() > last.last_day():
        last = late
    return first, last


#: The event known latest, for :func:`coverage_end_problem`: the first day it was known, its
#: id and place, the date it was known from, and whether that date is its announcement (not
#: the event itself: a loader reading a history keeps no event longer than it needs to).
LatestKnown = tuple[int, str, Location, DateWindow, bool]


def later_known(latest: LatestKnown | None, event: Event) -> LatestKnown | None:
    """``latest``, or ``event`` when it was known later (its announcement, else its date)."""
    known = event.announced or event.date
    if known.first is None or (latest is not None and latest[0] >= known.lo):
        return latest
    return (known.lo, event.id, event.location, known, known is event.announced)


def coverage_end_problem(
    settings: DatasetSettings | None, latest_known: LatestKnown | None
) -> Problem | None:
    """A warning when ``coverage_end`` is before the event known latest (announced, or else
    taking place): the data would say its knowledge stops before what it records, and every
    answer would be judged on that date."""
    if settings is None or settings.coverage_end is None or latest_known is None:
        return None
    end = settings.coverage_end
    day, event_id, where, known, announced = latest_known
    if day <= end.last_day():
        return None
    return Problem(
        settings.location,
        f"coverage_end {end.iso()} is before event {event_id!r} ({where}), "
        f"{'announced' if announced else 'dated'} {known.display()}",
        "set coverage_end to the date up to which the sources were searched; an event "
        "announced before it for a later date gives 'announced:'",
        Severity.WARNING,
    )
