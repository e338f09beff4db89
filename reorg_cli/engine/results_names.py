"""Results of name lookups and listings (:mod:`reorg_cli.engine.names`: ``search``, ``people``,
``units`` and every name a command resolves): plain data, like :mod:`reorg_cli.engine.reports`
(which re-exports them), apart from it so that resolving a name creates only these classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from reorg_cli.events.dates import DateWindow

EXACT, PREFIX, WORDS, INSIDE, CLOSE = 0, 1, 2, 3, 4
HOW = {EXACT: "exact", PREFIX: "prefix", WORDS: "words", INSIDE: "substring", CLOSE: "close"}


@dataclass(frozen=True, slots=True)
class Named:
    """Something that can be found by name: its kind, id, display name and every name."""

    kind: str
    id: str
    name: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """One search result: what was found, by which of its names, and how well."""

    kind: str
    id: str
    name: str
    matched: str
    rank: int

    @property
    def how(self) -> str:
        """How the query matched: exact, prefix, words, substring or close."""
        return HOW[self.rank]

    def label(self) -> str:
        """``Name (id)``, or the id alone when it is the name."""
        return self.name if self.name == self.id else f"{self.name} ({self.id})"


@dataclass(frozen=True, slots=True)
class HeldRole:
    """A role held on the day ``reorg people --at`` asks about, with its staleness
    (docs/event-format.md, "Stale")."""

    title: str
    unit: str
    unit_name: str
    last_confirmed: DateWindow | None = None
    stale: bool = False
    confirmed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """A person for ``reorg people``: names, and the roles held on the day asked about."""

    id: str
    name: str
    names: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]
    roles: tuple[HeldRole, ...]  # on the day asked about, by title then unit


@dataclass(frozen=True, slots=True)
class UnitEntry:
    """A unit for ``reorg units``: its name, kind and parent (on the day, or latest), and
    when it existed."""

    id: str
    name: str
    kind: str
    parent: str | None
    parent_name: str | None
    since: DateWindow | None
    until: DateWindow | None
    former_names: tuple[str, ...]
    # Staleness on the day asked about (``--at`` only; docs/event-format.md, "Stale").
    last_confirmed: DateWindow | None = None
    stale: bool = False
    confirmed_by: tuple[str, ...] = ()
