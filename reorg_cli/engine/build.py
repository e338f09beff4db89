"""Building a compiled store: the schema, then a compiled dataset's rows, in batches
(:func:`write_store`). Read back by :class:`reorg_cli.engine.store.Store`."""

from __future__ import annotations

import dataclasses
import itertools
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import orjson

from reorg_cli.engine.facts import Fact, FactKind
from reorg_cli.engine.schema import SCHEMA, SCHEMA_VERSION
from reorg_cli.engine.store import APPLICATION_ID, BATCH, name_key
from reorg_cli.events.model import CHANGE_TYPE_NAMES, Change, Confidence, Dataset, Event, Source

if TYPE_CHECKING:
    from reorg_cli.engine.compiler import Compiled


_STATEMENTS = [part.strip() for part in re.sub(r"--[^\n]*", "", SCHEMA).split(";") if part.strip()]
#: Indexes are made once the rows are in (faster than keeping them up to date row by row).
_INDEXES = [part for part in _STATEMENTS if "CREATE INDEX" in part]


def create_schema(conn: sqlite3.Connection, *, indexes: bool = True) -> None:
    """Create the tables, views and (unless not ``indexes``) indexes of an empty store, and
    its day index."""
    for statement in _STATEMENTS:
        if indexes or statement not in _INDEXES:
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
    """Numbers distinct sources as they are written."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ids: dict[Source, int] = {}

    def id(self, source: Source) -> int:
        found = self.ids.get(source)
        if found is None:
            found = self.ids[source] = len(self.ids) + 1
            self.conn.execute(
                "INSERT INTO source_records VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    found,
                    source.id,
                    source.url,
                    source.publisher,
                    source.published,
                    source.title,
                    source.note,
                ),
            )
        return found


_FIELDS: dict[type[Change], tuple[str, ...]] = {}


def _field_names(cls: type[Change]) -> tuple[str, ...]:
    """The fields of a change type that are stored (all but where it and its references are
    written: problems are found when compiling, before the store is written)."""
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


def write_store(
    conn: sqlite3.Connection,
    dataset: Dataset,
    compiled: Compiled,
    meta: dict[str, str] | None = None,
    step: Callable[[], None] | None = None,
) -> None:
    """Fill an empty store (see :func:`create_schema`) with a compiled dataset, in batches.

    While it is written, SQLite's page cache is held to :data:`BUILD_CACHE_KIB`: the dataset
    and its facts are in memory then, and a store written in order gains little from more."""
    (cache_size,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-BUILD_CACHE_KIB}")
    try:
        _write_store(conn, dataset, compiled, meta, step)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")


#: SQLite's page cache while a store is written, in KiB.
BUILD_CACHE_KIB = 16384


def _write_store(
    conn: sqlite3.Connection,
    dataset: Dataset,
    compiled: Compiled,
    meta: dict[str, str] | None,
    step: Callable[[], None] | None,
) -> None:
    create_schema(conn, indexes=False)
    conn.execute("BEGIN")
    sources = _Sources(conn)
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
    replay = {event.id: index for index, event in enumerate(compiled.order)}
    statuses = compiled.statuses

    def event_row(position: int, event: Event) -> tuple[Any, ...]:
        status = statuses[event.id]
        return (
            event.id,
            position,
            replay.get(event.id),
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
            status.corrected_by,
            status.retracted_by,
            event.path,
            event.location.line,
            event.location.column,
            event.position,
        )

    _insert(conn, "event_records", itertools.starmap(event_row, enumerate(dataset.events)))
    _insert(
        conn,
        "event_sources",
        ((e.id, i, sources.id(s)) for e in dataset.events for i, s in enumerate(e.sources)),
    )
    _insert(
        conn,
        "changes",
        (_change_row(e, i, c) for e in dataset.events for i, c in enumerate(e.changes)),
    )
    if step is not None:
        step()
    facts = compiled.facts
    _insert(conn, "facts", (_fact_row(i, f) for i, f in enumerate(facts, 1)))
    _insert(
        conn,
        "fact_days",
        (
            (i, f.start.window.lo, max(f.start.window.lo, _last_day(f)))
            for i, f in enumerate(facts, 1)
        ),
    )
    if step is not None:
        step()
    _write_units(conn, dataset, compiled, sources)
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
            for i, p in enumerate(compiled.problems)
        ),
    )
    for statement in _INDEXES:
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def _write_units(
    conn: sqlite3.Connection, dataset: Dataset, compiled: Compiled, sources: _Sources
) -> None:
    created: dict[str, int] = {}
    current: dict[str, str] = {}
    person_keys: set[tuple[str, str]] = set()
    for person in dataset.people.values():
        for text in (person.id, person.name, *person.aliases, *(n for _, n in person.names)):
            person_keys.add((name_key(text), person.id))
    unit_keys: set[tuple[str, str]] = set()
    for fact in compiled.facts:
        if fact.kind is FactKind.UNIT:
            unit = fact.slot[0]
            created.setdefault(unit, fact.start.order)
            unit_keys.add((name_key(unit), unit))
        elif fact.kind is FactKind.NAME:
            unit = fact.slot[0]
            current[unit] = str(fact.value[0])
            unit_keys.add((name_key(str(fact.value[0])), unit))
            for other in fact.value[2::2]:
                unit_keys.add((name_key(str(other)), unit))
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
        ((u.id, i, sources.id(s)) for u in dataset.units.values() for i, s in enumerate(u.sources)),
    )
    _insert(
        conn,
        "names",
        itertools.chain(
            (("person", k, o) for k, o in sorted(person_keys)),
            (("unit", k, o) for k, o in sorted(unit_keys)),
        ),
    )
