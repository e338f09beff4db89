"""The records a set of event files is read into: people, units, events and the dataset
(the vocabulary they use is in :mod:`reorg_cli.events.model`). Only what reads or compiles
event files, or lists people and units, imports this module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reorg_cli.events.dates import DateWindow
from reorg_cli.events.errors import Location
from reorg_cli.events.model import Confidence, DatasetSettings, Source

if TYPE_CHECKING:
    from reorg_cli.events.changes import Change


@dataclass(frozen=True, slots=True)
class Person:
    """A person, with every name they are known by."""

    id: str
    name: str
    names: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    description: str | None = None
    notes: str | None = None
    sources: tuple[Source, ...] = ()
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """What does not change about a unit: aliases and a description."""

    id: str
    aliases: tuple[str, ...] = ()
    description: str | None = None
    notes: str | None = None
    sources: tuple[Source, ...] = ()
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True, slots=True)
class Event:
    """One dated announcement and the changes it made."""

    id: str
    date: DateWindow
    title: str
    confidence: Confidence
    changes: tuple[Change, ...] = ()
    sources: tuple[Source, ...] = ()
    seq: int = 0
    summary: str | None = None
    notes: str | None = None
    announced: DateWindow | None = None
    corrects: str | None = None
    retracts: str | None = None
    location: Location = field(default=Location(""), compare=False)
    path: str = field(default="", compare=False)
    position: int = field(default=0, compare=False)

    def sort_key(self) -> tuple[int, int, str, int]:
        """The documented replay order: date, seq, file path, position in file."""
        return (self.date.sort_day, self.seq, self.path, self.position)


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything read from a set of event files, before compiling."""

    people: dict[str, Person]
    units: dict[str, UnitInfo]
    sources: dict[str, Source]
    events: tuple[Event, ...]
    files: tuple[str, ...] = ()
    settings: DatasetSettings = field(default_factory=DatasetSettings)
