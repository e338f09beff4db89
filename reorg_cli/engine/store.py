"""The compiled store: a compiled history in SQLite (schema in :mod:`reorg_cli.engine.schema`,
documented in docs/sqlite.md).

:class:`~reorg_cli.engine.build.StoreBuilder` writes a store as the event files are read;
:class:`Store` reads rows back as the engine's records (facts, events, people, sources). Every
query of :class:`~reorg_cli.engine.timeline.Timeline` runs on a store, whether it lives in a
cache file or in memory.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from reorg_cli.engine.facts import Edge, Fact, FactKind
from reorg_cli.engine.storeerrors import storage_error
from reorg_cli.events.dates import DateWindow, PartialDate, parse_partial, parse_window
from reorg_cli.events.errors import Location, Problem, ReorgError, Severity
from reorg_cli.events.model import Confidence, DatasetSettings, Source
from reorg_cli.events.model import name_key as name_key  # re-exported

if TYPE_CHECKING:
    from reorg_cli.engine.compiler import EventStatus
    from reorg_cli.events.changes import Change
    from reorg_cli.events.records import Dataset, Event, Person, UnitInfo

#: Rows written per statement batch while building a store.
BATCH = 5000

#: Most decoded facts a store keeps for its queries to share (about 300 bytes each).
FACT_MEMO = 200_000

_T = TypeVar("_T")

#: The application id in a store's header ("rorg"): a file that lacks it is not a store.
APPLICATION_ID = 0x726F7267


#: Columns of ``facts`` that :meth:`Store.fact` decodes, in order.
FACT_COLUMNS = (
    "id, kind, person, unit, title, value, names, head, shared, "
    "start_date, start_lo, start_hi, start_event, start_step, start_implied_by, "
    "start_confidence, end_date, end_lo, end_hi, end_event, end_step, end_implied_by, "
    "end_confidence, end_reason, successor, last_confirmed, last_confirmed_lo, "
    "last_confirmed_hi, confirmed_by"
)
_KINDS = {kind.value: kind for kind in FactKind}


#: The store of a run without a cache file: SQLite's private temporary database (the empty
#: name), which lives in memory up to its page cache and spills to an anonymous temporary
#: file beyond it, so a big history does not need its whole store in RAM; it is gone when
#: the run ends, like ``:memory:``.
PRIVATE = ""


def connect(target: str) -> sqlite3.Connection:
    """A connection to a store file (or ``:memory:``), tuned for one process's queries."""
    conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA cache_size = -65536")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


# -- reading ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def window(text: str, lo: int, hi: int) -> DateWindow:
    """A stored date window: its text as written, with the bounds the compiler gave it."""
    found = parse_window(text)
    if found.lo != lo or found.hi != hi:  # an `unknown` end starts where its fact did
        found = DateWindow(found.kind, lo, hi, found.first, found.second)
    return found


_CONFIDENCES = tuple(Confidence)


class StoreDamaged(ReorgError):
    """A cached store turned out to be damaged while a query was reading it. The file has been
    removed; the CLI then runs the command again without the cache (``retry_without_cache``)."""

    retry_without_cache = True


class Store:
    """Reads a store's rows back as the engine's records.

    ``on_damage`` is called when SQLite finds the file damaged in the middle of a query (a
    cache entry then removes itself); the query raises :class:`StoreDamaged`.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        on_damage: Callable[[], None] | None = None,
        file: str | None = None,
    ) -> None:
        self.conn = conn
        self.file = file  # the file it is read from (None: in memory)
        self.built = file is None  # whether this run compiled it
        self.on_damage = on_damage
        self._sources: dict[int, Source] = {}
        self._facts: dict[int, Fact] = {}

    def _damaged(self, err: sqlite3.DatabaseError | str) -> StoreDamaged:
        if self.on_damage is not None:
            self.on_damage()
        return StoreDamaged(f"the compiled-timeline cache is damaged ({err}); rebuilt")

    def damaged(self, detail: str) -> StoreDamaged:
        """The error to raise when a check finds this store damaged (a cache entry removes
        itself, and the command runs again without the cache)."""
        return self._damaged(detail)

    def rows(self, sql: str, *args: Any) -> list[Any]:
        """Every row of a query."""
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.ProgrammingError | sqlite3.InterfaceError):
                raise
            full = storage_error(err, self.conn)
            if full is not None:  # not damage: the disk is full
                raise full from None
            raise self._damaged(err) from err

    def one(self, sql: str, *args: Any) -> Any:
        """The first row of a query, or None."""
        rows = self.rows(sql + " LIMIT 1" if "LIMIT" not in sql else sql, *args)
        return rows[0] if rows else None

    def facts(self, where: str, *args: Any, order: str = "id") -> list[Fact]:
        """The facts matching a WHERE clause, decoded."""
        sql = f"SELECT {FACT_COLUMNS} FROM facts WHERE {where} ORDER BY {order}"
        decode = self.fact
        return [decode(row) for row in self.rows(sql, *args)]

    def facts_selected(self, id_query: str, *args: Any) -> list[Fact]:
        """The facts whose row ids ``id_query`` selects (``SELECT id FROM ...``), in id order.

        Each fact is decoded once and kept (up to :data:`FACT_MEMO`): the explorer's steps and
        a diff's two states ask for mostly the same facts again, and decoding them is most of
        a state's time. Facts are not changed once compiled, so sharing them is safe. When
        most are new (a first query), they are read in one join; else only the new ones, by
        id."""
        known = self._facts
        decode = self.fact
        if not known:  # the first query: one join, nothing to skip
            sql = f"SELECT {FACT_COLUMNS} FROM facts WHERE id IN ({id_query}) ORDER BY id"
            facts = []
            for row in self.rows(sql, *args):
                fact = known[row[0]] = decode(row)
                facts.append(fact)
            return facts
        ids = sorted(row[0] for row in self.rows(id_query, *args))
        missing = [i for i in ids if i not in known]
        if len(known) + len(missing) > FACT_MEMO:
            known.clear()
            return self.facts_selected(id_query, *args)
        if len(missing) * 2 > len(ids):
            sql = f"SELECT {FACT_COLUMNS} FROM facts WHERE id IN ({id_query})"
            for row in self.rows(sql, *args):
                if row[0] not in known:
                    known[row[0]] = decode(row)
        else:
            for chunk in _chunks(missing, 500):
                marks = ", ".join("?" * len(chunk))
                sql = f"SELECT {FACT_COLUMNS} FROM facts WHERE id IN ({marks})"
                for row in self.rows(sql, *chunk):
                    known[row[0]] = decode(row)
        return [known[i] for i in ids]

    @staticmethod
    def fact(row: Sequence[Any]) -> Fact:
        """Decode one row of :data:`FACT_COLUMNS`."""
        (
            _,
            kind_text,
            person,
            unit,
            title,
            value,
            names,
            head,
            shared,
            start_date,
            start_lo,
            start_hi,
            start_event,
            start_step,
            start_implied,
            start_conf,
            end_date,
            end_lo,
            end_hi,
            end_event,
            end_step,
            end_implied,
            end_conf,
            end_reason,
            successor,
            confirmed,
            confirmed_lo,
            confirmed_hi,
            confirmed_by,
        ) = row
        kind = _KINDS[kind_text]
        slot: tuple[str, ...]
        values: tuple[str | bool | None, ...]
        if kind is FactKind.ROLE:
            slot, values = (person, unit, title), (bool(head), bool(shared))
        elif kind is FactKind.VACANCY:
            slot, values = (unit, title), (value,)
        elif kind is FactKind.REPORTING_LINE:
            slot, values = (person,), (value,)
        elif kind is FactKind.UNIT:
            slot, values = (unit,), ()
        elif kind is FactKind.NAME:
            slot = (unit,)
            values = (value, *(text for pair in orjson.loads(names) for text in pair))
        else:
            slot, values = (unit,), (value,)
        start = Edge(window(start_date, start_lo, start_hi), start_event, start_step, start_implied)
        end = (
            None
            if end_date is None
            else Edge(window(end_date, end_lo, end_hi), end_event, end_step, end_implied)
        )
        return Fact(
            kind,
            slot,
            values,
            start,
            _CONFIDENCES[start_conf],
            end,
            None if end_conf is None else _CONFIDENCES[end_conf],
            end_reason,
            successor,
            None if confirmed is None else window(confirmed, confirmed_lo, confirmed_hi),
            () if confirmed_by is None else tuple(orjson.loads(confirmed_by)),
        )

    # -- records -----------------------------------------------------------------------------------
    def source(self, source_id: int) -> Source:
        """A source by row id."""
        found = self._sources.get(source_id)
        if found is None:
            row = self.one("SELECT * FROM source_records WHERE id = ?", source_id)
            found = self._sources[source_id] = Source(row[2], row[1], *row[3:])
        return found

    def _load_sources(self, source_ids: set[int]) -> None:
        """Read the sources of ``source_ids`` not read yet, in batches (a state at 100k events
        cites about 500 sources: one query each was a fifth of its time)."""
        missing = sorted(i for i in source_ids if i not in self._sources)
        for chunk in _chunks(missing, 500):
            marks = ", ".join("?" * len(chunk))
            for row in self.rows(f"SELECT * FROM source_records WHERE id IN ({marks})", *chunk):
                self._sources[row[0]] = Source(row[2], row[1], *row[3:])

    def sources_of(self, table: str, column: str, key: str) -> tuple[Source, ...]:
        """The sources linked to a record, in order."""
        rows = self.rows(f"SELECT source FROM {table} WHERE {column} = ? ORDER BY position", key)
        return tuple(self.source(r[0]) for r in rows)

    def person(self, row: Sequence[Any]) -> Person:
        """Decode a row of ``people``."""
        from reorg_cli.events.records import Person

        pid, name, names, aliases, description, notes, path, line, col, _ = row
        return Person(
            pid,
            name,
            tuple(tuple(pair) for pair in orjson.loads(names)),
            tuple(orjson.loads(aliases)),
            description,
            notes,
            self.sources_of("person_sources", "person", pid),
            Location(path, line, col),
        )

    def people(self) -> dict[str, Person]:
        """Every person, in file order."""
        return {
            row[0]: self.person(row) for row in self.rows("SELECT * FROM people ORDER BY position")
        }

    _REGISTERED_UNITS = (
        "SELECT id, aliases, description, notes, path, line, col FROM unit_records "
        "WHERE aliases IS NOT NULL"
    )

    def unit_infos(self) -> dict[str, UnitInfo]:
        """The registry of units (``units:``), in file order."""
        rows = self.rows(self._REGISTERED_UNITS + " ORDER BY position")
        return {row[0]: self._unit_info(row) for row in rows}

    def unit_info(self, unit: str) -> UnitInfo | None:
        """One unit's registry entry, if it has one."""
        row = self.one(self._REGISTERED_UNITS + " AND id = ?", unit)
        return None if row is None else self._unit_info(row)

    def _unit_info(self, row: Sequence[Any]) -> UnitInfo:
        from reorg_cli.events.records import UnitInfo

        uid, aliases, description, notes, path, line, col = row
        sources = self.sources_of("unit_sources", "unit", uid)
        return UnitInfo(
            uid,
            tuple(orjson.loads(aliases)),
            description,
            notes,
            sources,
            Location(path, line, col),
        )

    @functools.cached_property
    def has_json_each(self) -> bool:
        """Whether this SQLite has ``json_each`` (built in since 3.38, an option before)."""
        try:
            self.conn.execute("SELECT 1 FROM json_each('[]')").fetchall()
        except sqlite3.OperationalError:
            return False
        return True

    def rows_for_ids(
        self, select: str, table: str, column: str, ids: Sequence[str], order: str = ""
    ) -> list[Any]:
        """``SELECT {select} FROM {table} AS t`` where ``t.{column}`` is one of ``ids`` (each
        once): one join over the ids as a JSON array, in the order written (the planner, left
        to itself, scans the big table once for each id); batches of ``IN`` lists on a SQLite
        without ``json_each``. ``order`` orders the rows of each batch."""
        order_by = f" ORDER BY {order}" if order else ""
        if self.has_json_each:
            return self.rows(
                f"SELECT {select} FROM json_each(?) AS j CROSS JOIN {table} AS t "
                f"ON t.{column} = j.value{order_by}",
                orjson.dumps(list(ids)).decode(),
            )
        found: list[Any] = []
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            found += self.rows(
                f"SELECT {select} FROM {table} AS t WHERE t.{column} IN ({marks}){order_by}",
                *chunk,
            )
        return found

    def event_confidences(self, ids: Iterable[str]) -> dict[str, int]:
        """The confidence rank of each event of ``ids`` the store has, in one query."""
        wanted = sorted(set(ids))
        return dict(self.rows_for_ids("t.id, t.confidence", "event_records", "id", wanted))

    def evidence_rows(self, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """What a result cites of the events of ``ids`` (each once) that the store has, in no
        particular order: ``(id, date, date_lo, date_hi, title, confidence, path, line, notes,
        corrects, corrected_by, retracted_by, sources)``, the sources decoded, in order.

        Two joins over the ids (:meth:`rows_for_ids`), and no :class:`Event` built: a state
        at a million events cites 63,000 events, which took a second as events."""
        if not ids:
            return []
        links: dict[str, list[int]] = {}
        for event_id, source in self.rows_for_ids(
            "t.event, t.source", "event_sources", "event", ids, order="t.event, t.position"
        ):
            links.setdefault(event_id, []).append(source)
        self._load_sources({source for found in links.values() for source in found})
        sources = self._sources
        none: tuple[Source, ...] = ()
        return [
            (*row, tuple(sources[s] for s in links[row[0]]) if row[0] in links else none)
            for row in self.rows_for_ids(
                "t.id, t.date, t.date_lo, t.date_hi, t.title, t.confidence, t.path, t.line, "
                "t.notes, t.corrects, t.corrected_by, t.retracted_by",
                "event_records",
                "id",
                ids,
            )
        ]

    _EVENT_COLUMNS = (
        "id, date, date_lo, date_hi, title, confidence, seq, summary, notes, announced, "
        "corrects, retracts, path, line, col, file_position"
    )

    def events(
        self,
        where: str = "1",
        *args: Any,
        order: str = "position",
        changes: bool = True,
        sources: bool = True,
    ) -> list[Event]:
        """Events matching a WHERE clause, decoded with their sources (unless not ``sources``:
        the replay does not need them) and changes (unless not ``changes``: citing an event
        needs only its date, title and sources)."""
        from reorg_cli.events.records import Event

        rows = self.rows(
            f"SELECT {self._EVENT_COLUMNS} FROM event_records WHERE {where} ORDER BY {order}",
            *args,
        )
        if not rows:
            return []
        ids = [r[0] for r in rows]
        with_changes = changes
        changes_of: dict[str, list[Change]] = {}
        change_types = _change_types() if with_changes else {}
        cited: dict[str, list[Source]] = {}
        # One string per file, not per event: a long replay keeps many of their places.
        paths = {r[0]: sys.intern(r[12]) for r in rows}
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            for event_id, type_name, fields, line, col, refs in (
                self.rows(
                    "SELECT event, type, fields, line, col, refs FROM changes "
                    f"WHERE event IN ({marks}) ORDER BY event, position",
                    *chunk,
                )
                if with_changes
                else ()
            ):
                path = paths[event_id]
                changes_of.setdefault(event_id, []).append(
                    _change(change_types[type_name], fields, Location(path, line, col), refs)
                )
            if not sources:
                continue
            links = self.rows(
                f"SELECT event, source FROM event_sources WHERE event IN ({marks}) "
                "ORDER BY event, position",
                *chunk,
            )
            self._load_sources({source for _, source in links})
            for event_id, source in links:
                cited.setdefault(event_id, []).append(self.source(source))
        events = []
        for row in rows:
            (eid, date, lo, hi, title, conf, seq, summary, notes, announced) = row[:10]
            corrects, retracts, path, line, col, position = row[10:]
            events.append(
                Event(
                    eid,
                    window(date, lo, hi),
                    title,
                    _CONFIDENCES[conf],
                    tuple(changes_of.get(eid, ())),
                    tuple(cited.get(eid, ())),
                    seq,
                    summary,
                    notes,
                    parse_window(announced) if announced is not None else None,
                    corrects,
                    retracts,
                    Location(paths[eid], line, col),
                    paths[eid],
                    position,
                )
            )
        return events

    def statuses(self) -> dict[str, EventStatus]:
        """Every event's status, by id."""
        from reorg_cli.engine.compiler import EventStatus

        plain = EventStatus(applied=True)
        found = {}
        for eid, replay, corrects, retracts, corrected_by, retracted_by in self.rows(
            "SELECT id, replay, corrects, retracts, corrected_by, retracted_by "
            "FROM event_records ORDER BY position"
        ):
            if replay is not None and not (corrects or retracts):
                found[eid] = plain
            else:
                found[eid] = EventStatus(
                    replay is not None, corrected_by, retracted_by, corrects, retracts
                )
        return found

    def dataset(self) -> Dataset:
        """The whole dataset, decoded (for exports that walk all of it)."""
        from reorg_cli.events.records import Dataset

        registered = {
            key: self.source(source)
            for key, source in self.rows(
                "SELECT key, source FROM registered_sources ORDER BY position"
            )
        }
        return Dataset(
            self.people(),
            self.unit_infos(),
            registered,
            tuple(self.events()),
            tuple(r[0] for r in self.rows("SELECT path FROM files ORDER BY position")),
            self.settings(),
        )

    def settings(self) -> DatasetSettings:
        """The dataset's settings, with the events' date range."""
        row = self.one("SELECT * FROM dataset_settings")
        if row is None:
            return DatasetSettings()
        coverage, days, first, last, path, line, col = row

        def partial(text: str | None) -> PartialDate | None:
            return None if text is None else parse_partial(text)

        return DatasetSettings(
            partial(coverage), days, Location(path, line, col), partial(first), partial(last)
        )

    def problems(self) -> list[Problem]:
        """The warnings found while compiling."""
        return [
            Problem(Location(path, line, col), message, hint, Severity(severity))
            for path, line, col, message, hint, severity in self.rows(
                "SELECT path, line, col, message, hint, severity FROM problems ORDER BY position"
            )
        ]


class EventsById(Mapping[str, "Event"]):
    """Events by id, read from the store one at a time (all at once when iterated)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.found: dict[str, Event] = {}
        self.complete = False

    def __getitem__(self, event_id: str) -> Event:
        event = self.found.get(event_id)
        if event is None:
            if self.complete:
                raise KeyError(event_id)
            events = self.store.events("id = ?", event_id)
            if not events:
                raise KeyError(event_id)
            event = self.found[event_id] = events[0]
        return event

    def __contains__(self, event_id: object) -> bool:
        if event_id in self.found:
            return True
        return self.store.one("SELECT 1 FROM event_records WHERE id = ?", event_id) is not None

    def _all(self) -> dict[str, Event]:
        if not self.complete:
            self.found = {e.id: e for e in self.store.events()}
            self.complete = True
        return self.found

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return int(self.store.one("SELECT count(*) FROM event_records")[0])


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: The fields of a change that name a person, unit or title: shared strings, as the loader
#: makes them (a replay keeps many of them as keys).
_SHARED = ("person", "unit", "parent", "into", "reports_to", "title")


def _change_types() -> dict[str, type[Change]]:
    """The change record of each ``type:`` name, imported only when changes are decoded: a warm
    ``reorg show`` decodes none, and so never creates their classes."""
    from reorg_cli.events.changes import CHANGE_TYPES

    return CHANGE_TYPES


def _change(kind: type[Change], fields: str, location: Location, refs: str | None) -> Change:
    values = orjson.loads(fields)
    for name in _SHARED:
        value = values.get(name)
        if value is not None:
            values[name] = sys.intern(value)
    if refs is not None:
        values["refs"] = tuple(
            (key, Location(location.path, line, col)) for key, line, col in orjson.loads(refs)
        )
    if "names" in values:
        values["names"] = tuple(tuple(pair) for pair in values["names"])
    if values.get("confidence") is not None:
        values["confidence"] = Confidence.parse(values["confidence"])
    return kind(location=location, **values)
