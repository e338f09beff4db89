"""Building a compiled store as the event files are read (:class:`StoreBuilder`): each event's
rows are written as soon as it is read, the replay reads the events back from the store in
batches, and facts are written as they close, so memory does not grow with the history's
object graph. Read back by :class:`reorg_cli.engine.store.Store`."""

from __future__ import annotations

import dataclasses
import itertools
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from reorg_cli.engine.compiler import APPLIED, _Compiler, resolve_corrections
from reorg_cli.engine.facts import Fact, FactKind
from reorg_cli.engine.schema import SCHEMA, SCHEMA_VERSION
from reorg_cli.engine.store import APPLICATION_ID, BATCH, Store, name_key
from reorg_cli.engine.storeerrors import storage_errors
from reorg_cli.events.changes import CHANGE_TYPE_NAMES, Change
from reorg_cli.events.errors import EventFileError, Problem, Severity
from reorg_cli.events.model import Confidence, Link, Naming, Source, correction_links, unit_namings
from reorg_cli.events.reader import EventReader
from reorg_cli.events.records import Dataset, Event

_STATEMENTS = [part.strip() for part in re.sub(r"--[^\n]*", "", SCHEMA).split(";") if part.strip()]
#: Indexes are made once the rows are in (faster than keeping them up to date row by row),
#: except the replay's, which the replay itself reads by.
_REPLAY_INDEX = next(part for part in _STATEMENTS if "events_by_replay" in part)
_INDEXES = [part for part in _STATEMENTS if "CREATE INDEX" in part and part != _REPLAY_INDEX]

#: SQLite's page cache while a store is written, in KiB.
BUILD_CACHE_KIB = 16384

#: Events read back from the store at a time by the replay.
REPLAY_BATCH = 2000


def create_schema(conn: sqlite3.Connection, *, indexes: bool = True) -> None:
    """Create the tables, views and (unless not ``indexes``) indexes of an empty store, and
    its day index."""
    for statement in _STATEMENTS:
        if indexes or (statement not in _INDEXES and statement != _REPLAY_INDEX):
            conn.execute(statement)
    try:  # an R*Tree finds the facts alive on a day without a scan ...
        conn.execute("CREATE VIRTUAL TABLE fact_days USING rtree_i32(id, lo, hi)")
    except sqlite3.OperationalError:  # ... a build of SQLite without it gets a plain index
        conn.execute("CREATE TABLE fact_days (id INTEGER PRIMARY KEY, lo INTEGER, hi INTEGER)")
        conn.execute("CREATE INDEX fact_days_by_lo ON fact_days (lo, hi)")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def _insert(conn: sqlite3.Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    statement: str | None = None
    for batch in _batches(rows):
        if statement is None:
            marks = ", ".join("?" * len(batch[0]))
            statement = f"INSERT INTO {table} VALUES ({marks})"
        conn.executemany(statement, batch)


def _json(value: Any) -> str:
    """Compact UTF-8 JSON, as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``
    writes it for these plain values, from compiled code."""
    return orjson.dumps(value).decode("utf-8")


class _Sources:
    """Numbers distinct sources as they are written. A reference to the registry by id (a
    source with an id and no url) gets its row at once and its fields once the registry is
    complete (:meth:`resolve`): the registry may be in any file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ids: dict[Source, int] = {}
        self.references: dict[str, int] = {}

    def id(self, source: Source) -> int:
        if source.id and not source.url:
            found = self.references.get(source.id)
            if found is None:
                found = self.references[source.id] = self._add(source)
            return found
        found = self.ids.get(source)
        if found is None:
            found = self.ids[source] = self._add(source)
        return found

    def _add(self, source: Source) -> int:
        row = len(self.ids) + len(self.references) + 1
        self.conn.execute(
            "INSERT INTO source_records (source_id, url, publisher, published, title, note, id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*_source_fields(source), row),
        )
        return row

    def resolve(self, registry: dict[str, Source]) -> None:
        """Fill the rows of references from the registry (an unknown id is a load error)."""
        for key, row in self.references.items():
            source = registry.get(key)
            if source is None:
                continue
            self.conn.execute(
                "UPDATE source_records SET source_id = ?, url = ?, publisher = ?, published = ?, "
                "title = ?, note = ? WHERE id = ?",
                (*_source_fields(source), row),
            )
            self.ids.setdefault(source, row)


def _source_fields(source: Source) -> tuple[str | None, ...]:
    """A source's columns of ``source_records``, but its row id."""
    return (source.id, source.url, source.publisher, source.published, source.title, source.note)


_FIELDS: dict[type[Change], tuple[str, ...]] = {}


def _field_names(cls: type[Change]) -> tuple[str, ...]:
    """The fields of a change type that are stored in ``fields`` (where it and its references
    are written have columns of their own)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if f.name not in ("location", "refs")
        )
    return names


def _change_row(event: Event, position: int, change: Change) -> tuple[Any, ...]:
    fields: dict[str, Any] = {}
    for name in _field_names(type(change)):
        value = getattr(change, name)
        if isinstance(value, Confidence):
            value = value.label
        fields[name] = value
    other = getattr(change, "parent", None) or getattr(change, "into", None)
    other = other or getattr(change, "reports_to", None)
    refs = change.refs
    return (
        event.id,
        position,
        CHANGE_TYPE_NAMES[type(change)],
        getattr(change, "person", None),
        getattr(change, "unit", None),
        other,
        _json(fields),
        change.location.line,
        change.location.column,
        _json([[key, at.line, at.column] for key, at in refs]) if refs else None,
    )


def _event_row(event: Event, position: int) -> tuple[Any, ...]:
    """An event's row as read; its replay step and what corrects or retracts it are set once
    every event is read."""
    return (
        event.id,
        position,
        None,
        event.date.text(),
        event.date.lo,
        event.date.hi,
        event.date.sort_day,
        event.title,
        int(event.confidence),
        event.seq,
        event.summary,
        event.notes,
        event.announced.text() if event.announced else None,
        event.corrects,
        event.retracts,
        None,
        None,
        event.path,
        event.location.line,
        event.location.column,
        event.position,
    )


def _fact_row(index: int, fact: Fact) -> tuple[Any, ...]:
    kind = fact.kind
    person = unit = title = value = names = head = shared = None
    if kind is FactKind.ROLE:
        person, unit, title = fact.slot
        head, shared = int(bool(fact.value[0])), int(bool(fact.value[1]))
    elif kind is FactKind.VACANCY:
        unit, title = fact.slot
        value = fact.value[0]
    elif kind is FactKind.REPORTING_LINE:
        person = fact.slot[0]
        value = fact.value[0]
    else:
        unit = fact.slot[0]
        if fact.value:
            value = fact.value[0]
        if kind is FactKind.NAME:
            rest = fact.value[1:]
            names = _json([[rest[i], rest[i + 1]] for i in range(0, len(rest), 2)])
    start, end, confirmed = fact.start, fact.end, fact.last_confirmed
    return (
        index,
        kind.value,
        person,
        unit,
        title,
        value,
        names,
        head,
        shared,
        start.window.text(),
        start.window.lo,
        start.window.hi,
        start.event,
        start.order,
        start.implied_by,
        int(fact.start_confidence),
        end.window.text() if end else None,
        end.window.lo if end else None,
        end.window.hi if end else None,
        end.event if end else None,
        end.order if end else None,
        end.implied_by if end else None,
        None if fact.end_confidence is None else int(fact.end_confidence),
        fact.end_reason,
        fact.successor,
        confirmed.text() if confirmed else None,
        confirmed.lo if confirmed else None,
        confirmed.hi if confirmed else None,
        _json(fact.confirmed_by) if fact.confirmed_by else None,
        int(fact.confidence),
    )


def _last_day(fact: Fact) -> int:
    """The last day on which a fact may hold (ignoring confidence filters). A fact that ends
    where it starts never holds; the index lists it on its first day (queries then see it
    absent), as an R*Tree box cannot be empty."""
    from reorg_cli.events.dates import POS_INF

    return POS_INF if fact.end is None else fact.end.window.hi - 1


class _UnitNames:
    """What the unit facts tell about units as they are written: the replay step of each
    unit's creation, its latest name, and every name it is looked up by."""

    def __init__(self) -> None:
        self.created: dict[str, tuple[int, int]] = {}  # unit -> (fact number, replay step)
        self.current: dict[str, tuple[int, str]] = {}  # unit -> (fact number, name)
        self.keys: set[tuple[str, str]] = set()

    def add(self, number: int, fact: Fact) -> None:
        if fact.kind is FactKind.UNIT:
            unit = fact.slot[0]
            if unit not in self.created or number < self.created[unit][0]:
                self.created[unit] = (number, fact.start.order)
            self.keys.add((name_key(unit), unit))
        elif fact.kind is FactKind.NAME:
            unit = fact.slot[0]
            name = str(fact.value[0])
            if unit not in self.current or number > self.current[unit][0]:
                self.current[unit] = (number, name)
            self.keys.add((name_key(name), unit))
            for other in fact.value[2::2]:
                self.keys.add((name_key(str(other)), unit))


class StoreBuilder(EventReader):
    """Writes a store (see :func:`create_schema`) while the event files are read and replays
    it: give it to :func:`reorg_cli.events.loader.load_dataset` as its reader (or call
    :meth:`event` for each event), then call :meth:`compile`, and :meth:`complete` if the
    history has no errors.

    While it is written, SQLite's page cache is held to :data:`BUILD_CACHE_KIB`: a store
    written in order gains little from more."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        (self.cache_size,) = conn.execute("PRAGMA cache_size").fetchone()
        conn.execute(f"PRAGMA cache_size = {-BUILD_CACHE_KIB}")
        create_schema(conn, indexes=False)
        conn.execute("BEGIN")
        self.sources = _Sources(conn)
        self.read = 0
        self.event_rows: list[tuple[Any, ...]] = []
        self.source_rows: list[tuple[Any, ...]] = []
        self.change_rows: list[tuple[Any, ...]] = []
        self.ids: Collection[str] = ()
        self.links: list[Link] = []
        self.namings: list[Naming] = []
        self.units = _UnitNames()
        self.compiled_problems: list[Problem] = []

    # -- reading -----------------------------------------------------------------------------
    def event(self, event: Event) -> None:
        self.event_rows.append(_event_row(event, self.read))
        self.read += 1
        source_id = self.sources.id
        self.source_rows.extend((event.id, i, source_id(s)) for i, s in enumerate(event.sources))
        self.change_rows.extend(_change_row(event, i, c) for i, c in enumerate(event.changes))
        if len(self.event_rows) >= BATCH:
            self._write_read()

    def finish(
        self,
        ids: Collection[str],
        links: list[Link],
        namings: list[Naming],
    ) -> None:
        self.ids, self.links, self.namings = ids, links, namings

    def _write_read(self) -> None:
        _insert(self.conn, "event_records", self.event_rows)
        _insert(self.conn, "event_sources", self.source_rows)
        _insert(self.conn, "changes", self.change_rows)
        self.event_rows, self.source_rows, self.change_rows = [], [], []

    # -- compiling ---------------------------------------------------------------------------
    def compile(self, dataset: Dataset) -> list[Problem]:
        """Replay the events written so far (``dataset`` gives the people, units, registry
        and settings; its events, if any, have been given to :meth:`event`). Returns the
        problems found."""
        self._write_read()
        self.sources.resolve(dataset.sources)
        compiler = _Compiler(dataset, namings=lambda: self.namings, on_facts=self._facts)
        changed = resolve_corrections(self.links, self.ids, compiler.error)
        self.conn.executemany(
            "UPDATE event_records SET corrected_by = ?, retracted_by = ? WHERE id = ?",
            (
                (s.corrected_by, s.retracted_by, event_id)
                for event_id, s in changed.items()
                if not s.applied
            ),
        )
        self.conn.execute(
            "UPDATE event_records SET replay = ranked.step FROM ("
            " SELECT rowid AS event_row, row_number() OVER ("
            "  ORDER BY sort_day, seq, path, file_position) - 1 AS step"
            " FROM event_records WHERE corrected_by IS NULL AND retracted_by IS NULL"
            ") AS ranked WHERE event_records.rowid = ranked.event_row"
        )
        self.conn.execute(_REPLAY_INDEX)
        store = Store(self.conn)
        compiler.withdrawn(
            (event, changed.get(event.id, APPLIED))
            for event in store.events("replay IS NULL", sources=False)
        )
        compiler.replayed_again = lambda: self._replay_order(store)
        compiler.replay(self._replay_order(store))
        compiler.finish()
        self.compiled_problems = compiler.problems
        return compiler.problems

    @staticmethod
    def _replay_order(store: Store) -> Iterator[Event]:
        step = 0
        while batch := store.events(
            "replay >= ? AND replay < ?",
            step,
            step + REPLAY_BATCH,
            order="replay",
            sources=False,
        ):
            yield from batch
            step += REPLAY_BATCH

    def _facts(self, batch: list[tuple[int, Fact]]) -> None:
        _insert(self.conn, "facts", (_fact_row(number, fact) for number, fact in batch))
        _insert(
            self.conn,
            "fact_days",
            (
                (number, f.start.window.lo, max(f.start.window.lo, _last_day(f)))
                for number, f in batch
            ),
        )
        for number, fact in batch:
            if fact.kind is FactKind.UNIT or fact.kind is FactKind.NAME:
                self.units.add(number, fact)

    # -- completing --------------------------------------------------------------------------
    def complete(
        self,
        dataset: Dataset,
        meta: dict[str, str] | None = None,
        step: Callable[[], None] | None = None,
    ) -> None:
        """Write the rest (people, units, names, settings, warnings), index and commit."""
        conn = self.conn
        sources = self.sources
        _insert(conn, "meta", ((k, v) for k, v in (meta or {}).items()))
        _insert(conn, "files", enumerate(dataset.files))
        settings = dataset.settings
        conn.execute(
            "INSERT INTO dataset_settings VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                settings.coverage_end.iso() if settings.coverage_end else None,
                settings.stale_after_days,
                settings.first_event.iso() if settings.first_event else None,
                settings.last_event.iso() if settings.last_event else None,
                settings.location.path,
                settings.location.line,
                settings.location.column,
            ),
        )
        _insert(
            conn,
            "registered_sources",
            ((key, sources.id(src), i) for i, (key, src) in enumerate(dataset.sources.items())),
        )
        _insert(
            conn,
            "people",
            (
                (
                    p.id,
                    p.name,
                    _json(p.names),
                    _json(p.aliases),
                    p.description,
                    p.notes,
                    p.location.path,
                    p.location.line,
                    p.location.column,
                    i,
                )
                for i, p in enumerate(dataset.people.values())
            ),
        )
        _insert(
            conn,
            "person_sources",
            (
                (p.id, i, sources.id(s))
                for p in dataset.people.values()
                for i, s in enumerate(p.sources)
            ),
        )
        if step is not None:
            step()
        self._write_units(dataset)
        _insert(
            conn,
            "problems",
            (
                (
                    i,
                    p.location.path,
                    p.location.line,
                    p.location.column,
                    p.message,
                    p.hint,
                    p.severity.value,
                )
                for i, p in enumerate(self.compiled_problems)
            ),
        )
        for statement in _INDEXES:
            conn.execute(statement)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute(f"PRAGMA cache_size = {int(self.cache_size)}")
        if step is not None:
            step()

    def _write_units(self, dataset: Dataset) -> None:
        conn = self.conn
        created = {  # in the order the units were created
            unit: step
            for unit, (_, step) in sorted(self.units.created.items(), key=lambda i: i[1][0])
        }
        current = {unit: name for unit, (_, name) in self.units.current.items()}
        person_keys: set[tuple[str, str]] = set()
        for person in dataset.people.values():
            for text in (person.id, person.name, *person.aliases, *(n for _, n in person.names)):
                person_keys.add((name_key(text), person.id))
        unit_keys = set(self.units.keys)
        for unit, info in dataset.units.items():
            if unit in created:
                for alias in info.aliases:
                    unit_keys.add((name_key(alias), unit))
        rows = []
        positions = {unit: i for i, unit in enumerate(dataset.units)}
        for unit in {**created, **dict.fromkeys(dataset.units, 0)}:
            described = dataset.units.get(unit)
            rows.append(
                (
                    unit,
                    created.get(unit),
                    current.get(unit),
                    _json(described.aliases) if described else None,
                    described.description if described else None,
                    described.notes if described else None,
                    described.location.path if described else None,
                    described.location.line if described else None,
                    described.location.column if described else None,
                    positions.get(unit),
                )
            )
        _insert(conn, "unit_records", rows)
        _insert(
            conn,
            "unit_sources",
            (
                (u.id, i, self.sources.id(s))
                for u in dataset.units.values()
                for i, s in enumerate(u.sources)
            ),
        )
        _insert(
            conn,
            "names",
            itertools.chain(
                (("person", k, o) for k, o in sorted(person_keys)),
                (("unit", k, o) for k, o in sorted(unit_keys)),
            ),
        )


def build_store(conn: sqlite3.Connection, dataset: Dataset) -> list[Problem]:
    """Compile a dataset held in memory into an empty store; returns the problems found, and
    completes the store only when none is an error."""
    builder = StoreBuilder(conn)
    for event in dataset.events:
        builder.event(event)
    builder.finish(
        {e.id: None for e in dataset.events},
        list(correction_links(dataset.events)),
        list(unit_namings(dataset.events)),
    )
    problems = builder.compile(dataset)
    if not any(p.severity is Severity.ERROR for p in problems):
        builder.complete(dataset)
    return problems


class FilesChanged(Exception):
    """The event files found while reading are not those fingerprinted before: the store is
    not cached (a later run could otherwise take it for a history it does not hold)."""


def compile_files(
    conn: sqlite3.Connection,
    path: Path,
    progress: Callable[[str, int, int], None] | None = None,
    meta: dict[str, str] | None = None,
    scanned: tuple[str, ...] | None = None,
) -> None:
    """Read, compile and write the history under ``path`` into the empty store ``conn`` as
    the files are read. ``meta`` marks a cache entry (its key), and ``scanned`` the files it
    was fingerprinted from. Raises :class:`EventFileError` when the files have errors, and
    :class:`FilesChanged` when ``scanned`` is not the list of files read.

    ``progress``, if given, is called as ``progress("read", files_done, files_total)`` while
    files are read, ``progress("compile", 0, 0)`` before the replay and, for a cache entry,
    ``progress("cache", done, 2)`` while it is completed."""
    from reorg_cli.events.loader import load_dataset

    with storage_errors(conn):
        builder = StoreBuilder(conn)
        dataset, problems = load_dataset(path, progress=progress, reader=builder)
        if any(p.severity is Severity.ERROR for p in problems):
            raise EventFileError(problems)
        if scanned is not None and scanned != tuple(dataset.files):
            raise FilesChanged()
        if progress is not None:
            progress("compile", 0, 0)
        found = builder.compile(dataset)
        if any(p.severity is Severity.ERROR for p in found):
            raise EventFileError(found)
        step = None
        if progress is not None and meta is not None:
            progress("cache", 0, 2)
            done = [0]

            def step() -> None:
                done[0] += 1
                progress("cache", done[0], 2)

        builder.complete(dataset, meta, step)
