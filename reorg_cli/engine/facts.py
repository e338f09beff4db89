"""Dated facts: what the compiler produces and every query reads.

A fact is a value that holds over a half-open interval of days, from the event that started it
to the event that ended it (or open). Both ends are date *windows*, so a fact can be present,
absent or uncertain on a given day (docs/event-format.md, "Dates").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum

from reorg_cli.events.dates import POS_INF, DateWindow
from reorg_cli.events.model import Confidence


class FactKind(Enum):
    """What a fact is about."""

    UNIT = "unit"  # the unit exists
    NAME = "name"
    KIND = "kind"
    PARENT = "parent"
    ROLE = "role"
    VACANCY = "vacancy"
    REPORTING_LINE = "reporting_line"


class Presence(IntEnum):
    """Whether a fact holds on a day."""

    ABSENT = 0
    UNCERTAIN = 1
    PRESENT = 2


@dataclass(frozen=True, slots=True)
class Edge:
    """One end of a fact: the event that caused it and that event's date window."""

    window: DateWindow
    event: str
    order: int
    implied_by: str | None = None  # e.g. "unit_merged" when a role ends because its unit did

    @property
    def lo(self) -> int:
        """First possible day."""
        return self.window.lo

    @property
    def hi(self) -> int:
        """Last possible day."""
        return self.window.hi


@dataclass(slots=True)
class Fact:
    """A value holding from ``start`` until ``end`` (``None``: still holds).

    ``slot`` identifies what the value is of: two facts with the same slot never hold in the
    same replay step (a unit has one name at a time). Facts are built by the compiler and not
    changed afterwards.
    """

    kind: FactKind
    slot: tuple[str, ...]
    value: tuple[str | bool | None, ...]
    start: Edge
    start_confidence: Confidence
    end: Edge | None = None
    end_confidence: Confidence | None = None
    end_reason: str | None = None
    successor: str | None = field(default=None)

    @property
    def confidence(self) -> Confidence:
        """The weakest link: the lower of the start's and the end's confidence."""
        if self.end_confidence is None:
            return self.start_confidence
        return min(self.start_confidence, self.end_confidence)

    @property
    def events(self) -> tuple[str, ...]:
        """Ids of the events behind this fact, start first."""
        if self.end is None or self.end.event == self.start.event:
            return (self.start.event,)
        return (self.start.event, self.end.event)

    def events_at(self, min_confidence: Confidence) -> tuple[str, ...]:
        """The events behind the fact when ends less sure than ``min_confidence`` are left
        out (see :meth:`presence_at`)."""
        if self.end is not None and not self.counts_end(min_confidence):
            return (self.start.event,)
        return self.events

    @property
    def end_unknown(self) -> bool:
        """True when the fact has ended but its last possible day is unknown."""
        return self.end is not None and self.end.hi == POS_INF

    def status(self, today: int) -> str:
        """How the fact stands on ``today`` (an ordinal), in words the output uses:
        ``planned`` (it cannot have started yet), ``current`` (no end, or an end that cannot
        have come yet, such as 9999-12-31), ``ended (date unknown)`` or ``ended``."""
        if self.start.window.lo > today:
            return "planned"
        end = self.end
        if end is None or end.window.lo > today:
            return "current"
        return "ended (date unknown)" if end.window.hi == POS_INF else "ended"

    def presence(self, day: int) -> Presence:
        """Whether the fact holds at the end of ``day``."""
        start = self.start.window
        if day < start.lo:
            return Presence.ABSENT
        end = self.end
        if end is not None:
            if day >= end.window.hi:
                return Presence.ABSENT
            if day >= end.window.lo:
                return Presence.UNCERTAIN
        if day < start.hi:
            return Presence.UNCERTAIN
        return Presence.PRESENT

    def counts_end(self, min_confidence: Confidence) -> bool:
        """Whether the fact's end is sure enough to count at ``min_confidence``."""
        return self.end is not None and (
            self.end_confidence is None or self.end_confidence >= min_confidence
        )

    def presence_at(self, day: int, min_confidence: Confidence) -> Presence:
        """Like :meth:`presence`, but an end less sure than ``min_confidence`` is ignored:
        filtering by confidence shows what the sufficiently sure events establish."""
        if self.end is None or self.counts_end(min_confidence):
            return self.presence(day)
        start = self.start.window
        if day < start.lo:
            return Presence.ABSENT
        return Presence.UNCERTAIN if day < start.hi else Presence.PRESENT

    def confidence_on(
        self, day: int, min_confidence: Confidence = Confidence.UNCERTAIN
    ) -> Confidence:
        """How sure the fact is on ``day``: its start's confidence, lowered by its end's once the
        end may have happened (a later, weaker end does not weaken the fact before it)."""
        if (
            self.end is not None
            and self.end_confidence is not None
            and day >= self.end.window.lo
            and self.end_confidence >= min_confidence
        ):
            return min(self.start_confidence, self.end_confidence)
        return self.start_confidence
