"""Dated facts: what the compiler produces and every query reads.

A fact is a value that holds over a half-open interval of days, from the event that started it
to the event that ended it (or open). Both ends are date *windows*, so a fact can be present,
absent or uncertain on a given day (docs/event-format.md, "Dates").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum

from reorg_cli.events.dates import NEG_INF, POS_INF, DateWindow, WindowKind
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


def confirmation_day(window: DateWindow) -> int:
    """The day a source dated ``window`` shows a fact to hold, read conservatively: the
    window's first day (``2024-02`` counts from February 1, ``between 2023-11 and 2024-01``
    from November 1, ``after 2026-03-16`` from March 17); for ``by DATE``, DATE's last day
    (the fact held by then); for ``unknown``, no day at all (:data:`NEG_INF`)."""
    if window.kind is WindowKind.UNKNOWN:
        return NEG_INF
    return window.lo if window.lo != NEG_INF else window.hi


def is_stale(last_confirmed: DateWindow, reference_day: int, stale_after_days: int) -> bool:
    """Whether a fact with no end, last confirmed in ``last_confirmed``, is stale on
    ``reference_day``: its confirmation day is more than ``stale_after_days`` days earlier.
    Exactly ``stale_after_days`` days earlier is not stale; one day more is."""
    return confirmation_day(last_confirmed) < reference_day - stale_after_days


@dataclass(slots=True)
class Fact:
    """A value holding from ``start`` until ``end`` (``None``: still holds).

    ``slot`` identifies what the value is of: two facts with the same slot never hold in the
    same replay step (a unit has one name at a time). Facts are built by the compiler and not
    changed afterwards.

    ``last_confirmed`` is the date window of the latest event that shows the fact holding: its
    start, or a later confirming event (``role_confirmed``, ``unit_confirmed``,
    ``reporting_line_confirmed``; see docs/event-format.md, "Confirmations"), compared by
    :func:`confirmation_day`. ``confirmed_by`` lists the confirming events; the one that set
    ``last_confirmed`` (if any did) is last.
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
    last_confirmed: DateWindow | None = None  # set by the compiler; None only mid-build
    confirmed_by: tuple[str, ...] = ()

    @property
    def confirmed_window(self) -> DateWindow:
        """The window of the latest event that shows the fact holding (its start if none)."""
        return self.last_confirmed if self.last_confirmed is not None else self.start.window

    @property
    def latest_confirmation(self) -> str | None:
        """The id of the confirming event that set ``last_confirmed``, or None when no
        confirmation is later than the start."""
        if not self.confirmed_by or self.confirmed_window == self.start.window:
            return None
        return self.confirmed_by[-1]

    def stale_on(
        self,
        reference_day: int,
        stale_after_days: int,
        min_confidence: Confidence = Confidence.UNCERTAIN,
    ) -> bool:
        """True when the fact holds (or may) on ``reference_day`` and nothing shows it holding
        within ``stale_after_days`` before (see :func:`is_stale`): neither its last
        confirmation nor its end. A fact that has ended by then is never stale.

        An end that a source states (reported or confirmed) shows the fact holding until the
        first day the end may have come, so a fact is never stale before such an end. An end
        that is only uncertain (no source states it, or sources conflict) shows nothing: the
        fact is judged on its confirmations alone, as if it had no end. ``min_confidence``
        leaves out ends less sure than it (:meth:`presence_at`): a fact shown running on past
        such an end is judged from that end's first day, if a source states it."""
        if self.presence_at(reference_day, min_confidence) is Presence.ABSENT:
            return False
        if not is_stale(self.confirmed_window, reference_day, stale_after_days):
            return False
        end = self.end
        if end is None or self.end_confidence is Confidence.UNCERTAIN:
            return True
        return end.window.lo < reference_day - stale_after_days

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

    @property
    def zero_length(self) -> bool:
        """True when one event both started and ended the fact (a line set and cleared in
        one event): all its changes happen at one instant, so the fact never held at the end
        of any day."""
        return self.end is not None and self.end.order == self.start.order

    def presence(self, day: int) -> Presence:
        """Whether the fact holds at the end of ``day``."""
        start = self.start.window
        if day < start.lo:
            return Presence.ABSENT
        end = self.end
        if end is not None:
            if end.order == self.start.order:
                return Presence.ABSENT
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
