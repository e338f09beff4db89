"""The change records: what one event did, named for what happened (``UnitRenamed``,
``RoleAssigned``), and the ``type:`` names they are written under in event files.

Apart from :mod:`reorg_cli.events.model` (people, units, sources, events) so that a command
that reads only compiled facts (a warm ``reorg show``) never creates these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reorg_cli.events.errors import Location
from reorg_cli.events.model import Confidence


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """Base of every change; ``confidence`` overrides the event's when set."""

    location: Location = field(default=Location(""), compare=False)
    note: str | None = None
    confidence: Confidence | None = None
    #: Where each reference to a person or unit (``person``, ``unit``, ``parent``, ``into``,
    #: ``reports_to``) is written, so that a problem with one points at it.
    refs: tuple[tuple[str, Location], ...] = field(default=(), compare=False, repr=False)

    def where(self, key: str) -> Location:
        """The position of the value of ``key`` in the file, else of the change."""
        for name, location in self.refs:
            if name == key:
                return location
        return self.location


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitCreated(Change):
    """A unit came into being."""

    unit: str
    name: str
    names: tuple[tuple[str, str], ...] = ()
    kind: str
    parent: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitRenamed(Change):
    """A unit got a new name; the old one stays searchable."""

    unit: str
    name: str
    names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitReclassified(Change):
    """A unit changed kind (a lab became a business unit), perhaps with a new name."""

    unit: str
    kind: str
    name: str | None = None
    names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitMoved(Change):
    """A unit got a new parent (``None``: top level)."""

    unit: str
    parent: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitMerged(Change):
    """A unit was absorbed into its successor ``into``."""

    unit: str
    into: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitDissolved(Change):
    """A unit ceased to exist."""

    unit: str
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleAssigned(Change):
    """A person started holding a titled role in a unit."""

    person: str
    unit: str
    title: str
    head: bool = False
    shared: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleEnded(Change):
    """A person stopped holding a role; ``vacancy`` says what the post became."""

    person: str
    unit: str
    title: str
    reason: str | None = None
    vacancy: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonLeft(Change):
    """A person left the organization: every role and reporting line ended."""

    person: str
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportingLineSet(Change):
    """A person started reporting to another person."""

    person: str
    reports_to: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportingLineCleared(Change):
    """A person stopped having a reporting line."""

    person: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleConfirmed(Change):
    """A source shows that a person still holds a role as of the event's date."""

    person: str
    unit: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitConfirmed(Change):
    """A source shows that a unit still exists, under its current name, as of the date."""

    unit: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportingLineConfirmed(Change):
    """A source shows that a person still reports to another as of the date."""

    person: str
    reports_to: str


#: Changes that confirm a fact instead of changing it.
CONFIRMATIONS = (RoleConfirmed, UnitConfirmed, ReportingLineConfirmed)

CHANGE_TYPES: dict[str, type[Change]] = {
    "unit_created": UnitCreated,
    "unit_renamed": UnitRenamed,
    "unit_reclassified": UnitReclassified,
    "unit_moved": UnitMoved,
    "unit_merged": UnitMerged,
    "unit_dissolved": UnitDissolved,
    "role_assigned": RoleAssigned,
    "role_ended": RoleEnded,
    "person_left": PersonLeft,
    "reporting_line_set": ReportingLineSet,
    "reporting_line_cleared": ReportingLineCleared,
    "role_confirmed": RoleConfirmed,
    "unit_confirmed": UnitConfirmed,
    "reporting_line_confirmed": ReportingLineConfirmed,
}
CHANGE_TYPE_NAMES: dict[type[Change], str] = {cls: name for name, cls in CHANGE_TYPES.items()}
