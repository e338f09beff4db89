"""The compiled timeline and its queries: state_at, name lookup and the ways in.

A :class:`Timeline` reads a compiled store (:mod:`reorg_cli.engine.store`), in a cache file or
in memory; every query is SQL over rows of facts, and what reads better in Python (choosing
among uncertain facts, the diff of two states, wording) is done over the rows a query returns.
Histories, events and provenance are in :mod:`reorg_cli.engine.histories`, the diff in
:mod:`reorg_cli.engine.diff`.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from reorg_cli.engine.facts import Fact, FactKind
from reorg_cli.engine.results import Coverage, OrgState
from reorg_cli.engine.store import EventsById, Store, name_key
from reorg_cli.events.dates import NEG_INF, POS_INF, DateWindow, PartialDate
from reorg_cli.events.errors import EventFileError, Problem, Severity
from reorg_cli.events.model import (
    DEFAULT_STALE_AFTER_DAYS,
    Confidence,
    DatasetSettings,
    Source,
    event_date_bounds,
)

if TYPE_CHECKING:
    from reorg_cli.engine.compiler import EventStatus
    from reorg_cli.engine.evidence import Evidence
    from reorg_cli.engine.results_over_time import (
        Chronicle,
        EventRecord,
        FactSummary,
        OrgDiff,
        PersonHistory,
        SourceUse,
        TimelineEntry,
        UnitHistory,
    )
    from reorg_cli.events.records import Dataset, Event, Person, UnitInfo

__all__ = ["Timeline", "load_timeline", "name_key", "window_display"]


_UNIT_KINDS = "('unit', 'name', 'kind', 'parent')"


#: Most events (and their evidence) a timeline keeps for its later queries.
EVIDENCE_MEMO = 100_000


class Timeline:
    """A compiled history on a store. Build one with :func:`load_timeline`,
    :meth:`from_dataset`, or :func:`reorg_cli.engine.cache.load_timeline_cached`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.events: Mapping[str, Event] = EventsById(store)
        self._cited: dict[str, Event] = {}
        self._evidence: dict[str, Evidence] = {}
        self._people: dict[str, str] = {}
        self._unit_names: dict[str, tuple[list[int], list[str]]] = {}

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Timeline:
        """Compile a dataset into an in-memory store; raises :class:`EventFileError` if the
        history has errors."""
        from reorg_cli.engine.build import build_store
        from reorg_cli.engine.store import PRIVATE, connect

        conn = connect(PRIVATE)
        problems = build_store(conn, dataset)
        if any(p.severity is Severity.ERROR for p in problems):
            conn.close()
            raise EventFileError(problems)
        return cls(Store(conn))

    def cited(self, ids: Iterable[str]) -> dict[str, Event]:
        """The events of ``ids`` by id, sorted, as a result cites them: date, title,
        confidence, sources, path and line, read in batches (their ``changes`` are left
        empty; ``events[id]`` has them)."""
        wanted = sorted(set(ids))
        self.read_cited(wanted)
        return {i: self._cited[i] for i in wanted}

    def read_cited(self, ids: Iterable[str]) -> dict[str, Event]:
        """Those events of ``ids`` that the history has, by id, as :meth:`cited` reads them:
        each read once per run, in batches."""
        wanted = sorted(set(ids))
        missing = [i for i in wanted if i not in self._cited]
        if len(self._cited) + len(missing) > EVIDENCE_MEMO:
            self._cited.clear()
            missing = wanted
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for event in self.store.events(f"id IN ({marks})", *chunk, changes=False):
                self._cited[event.id] = event
        return {i: self._cited[i] for i in wanted if i in self._cited}

    def citations(self, ids: Iterable[str]) -> dict[str, Evidence]:
        """The evidence of the events of ``ids`` by id, sorted, read in one batched lookup:
        what a result carries as ``cited``. Evidence once read is kept for the run (the
        explorer cites mostly the same events at each step)."""
        from reorg_cli.engine.provenance import cited_evidence

        wanted = sorted(set(ids))
        known = self._evidence
        missing = [i for i in wanted if i not in known]
        if missing:
            if len(known) + len(missing) > EVIDENCE_MEMO:
                known.clear()
                missing = wanted
            known.update(cited_evidence(self, missing))
        return {i: known[i] for i in wanted if i in known}

    def coverage(self, stale_after: int | None = None) -> Coverage:
        """How far the data reaches, and the staleness threshold (``stale_after``, else the
        dataset's, else the default)."""
        return Coverage(self.coverage_end, self.stale_after_days(stale_after))

    # -- whole-history views (exports walk these; queries do not) ---------------------------------
    @functools.cached_property
    def dataset(self) -> Dataset:
        """Everything read from the event files (every event decoded: for exports that walk
        the whole history; :attr:`people` and :attr:`unit_infos` read only what they say)."""
        return self.store.dataset()

    @functools.cached_property
    def people(self) -> dict[str, Person]:
        """Every person, by id, in the order read."""
        return self.store.people()

    @functools.cached_property
    def unit_infos(self) -> dict[str, UnitInfo]:
        """Every unit's registry entry (aliases, description), by id, in the order read."""
        return self.store.unit_infos()

    @functools.cached_property
    def order(self) -> list[Event]:
        """The applied events in replay order."""
        return self.store.events("replay IS NOT NULL", order="replay")

    @functools.cached_property
    def statuses(self) -> dict[str, EventStatus]:
        """Every event's status by id."""
        return self.store.statuses()

    @functools.cached_property
    def problems(self) -> list[Problem]:
        """The warnings found while compiling."""
        return list(self.store.problems())

    @functools.cached_property
    def facts(self) -> list[Fact]:
        """Every fact in creation order."""
        return self.store.facts("1")

    @functools.cached_property
    def role_facts(self) -> list[Fact]:
        """Role facts in creation order."""
        return self.store.facts("kind = 'role'")

    @functools.cached_property
    def vacancy_facts(self) -> list[Fact]:
        """Vacancy facts in creation order."""
        return self.store.facts("kind = 'vacancy'")

    @functools.cached_property
    def reporting_facts(self) -> list[Fact]:
        """Reporting-line facts in creation order."""
        return self.store.facts("kind = 'reporting_line'")

    @functools.cached_property
    def unit_facts(self) -> dict[str, dict[FactKind, list[Fact]]]:
        """Facts about each unit by kind, units in creation order."""
        found: dict[str, dict[FactKind, list[Fact]]] = {}
        for fact in self.store.facts(f"kind IN {_UNIT_KINDS}"):
            found.setdefault(fact.slot[0], {}).setdefault(fact.kind, []).append(fact)
        return found

    def facts_of_unit(self, unit: str) -> dict[FactKind, list[Fact]]:
        """One unit's facts by kind, in replay order."""
        found: dict[FactKind, list[Fact]] = {
            FactKind.UNIT: [],
            FactKind.NAME: [],
            FactKind.KIND: [],
            FactKind.PARENT: [],
        }
        for fact in self.store.facts(f"unit = ? AND kind IN {_UNIT_KINDS}", unit):
            found[fact.kind].append(fact)
        return found

    def facts_of_slot(self, kind: FactKind, key: tuple[str, ...]) -> list[Fact]:
        """The role, vacancy or reporting-line facts of one slot, in creation order."""
        if kind is FactKind.ROLE:
            return self.store.facts("kind = 'role' AND person = ? AND unit = ? AND title = ?", *key)
        if kind is FactKind.VACANCY:
            return self.store.facts("kind = 'vacancy' AND unit = ? AND title = ?", *key)
        return self.store.facts("kind = 'reporting_line' AND person = ?", *key)

    def unit_ids(self) -> list[str]:
        """Every unit the history creates, in the order they are created."""
        return [
            r[0]
            for r in self.store.rows(
                "SELECT id FROM unit_records WHERE created IS NOT NULL ORDER BY created, rowid"
            )
        ]

    def has_unit(self, unit: str) -> bool:
        """Whether the history creates ``unit``."""
        row = self.store.one("SELECT created FROM unit_records WHERE id = ?", unit)
        return row is not None and row[0] is not None

    # -- names -----------------------------------------------------------------------------------
    def person_name(self, person_id: str) -> str:
        """Display name of a person id."""
        name = self._people.get(person_id)
        if name is None:
            row = self.store.one("SELECT name FROM people WHERE id = ?", person_id)
            name = self._people[person_id] = row[0] if row else person_id
        return name

    def load_person_names(self, ids: Iterable[str]) -> None:
        """Read the display names of ``ids`` in batches (:meth:`person_name` then has them)."""
        wanted = sorted({i for i in ids if i not in self._people})
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for pid, name in self.store.rows(
                f"SELECT id, name FROM people WHERE id IN ({marks})", *chunk
            ):
                self._people[pid] = name

    def unit_name_at_order(self, unit: str, order: int) -> str:
        """A unit's name right after replay step ``order`` (its first name if earlier)."""
        names = self._unit_names.get(unit)
        if names is None:
            if len(self._unit_names) >= EVIDENCE_MEMO:
                self._unit_names.clear()
            # Every name of the unit in (step, id) order, read once: a history asks for the
            # names of the same units at many steps (each role's start and end).
            rows = self.store.rows(
                "SELECT start_step, value FROM facts WHERE unit = ? AND kind = 'name' "
                "ORDER BY start_step, id",
                unit,
            )
            names = self._unit_names[unit] = ([r[0] for r in rows], [str(r[1]) for r in rows])
        steps, values = names
        if not steps:
            return unit
        # The latest name started at or before ``order``, else the first.
        at = bisect.bisect_right(steps, order)
        return values[at - 1] if at else values[0]

    def unit_name_now(self, unit: str) -> str:
        """A unit's latest name."""
        row = self.store.one("SELECT current_name FROM unit_records WHERE id = ?", unit)
        return str(row[0]) if row and row[0] is not None else unit

    def _build_indexes(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Normalized names (ids, names in every script, former names, aliases) to the ids
        of the people and units they name, read once from the store's ``names`` table."""
        cached: tuple[dict[str, set[str]], dict[str, set[str]]] | None = getattr(
            self, "_name_indexes", None
        )
        if cached is None:
            people: dict[str, set[str]] = {}
            units: dict[str, set[str]] = {}
            for what, key, owner in self.store.rows("SELECT what, key, owner FROM names"):
                index = people if what == "person" else units if what == "unit" else None
                if index is not None:
                    index.setdefault(str(key), set()).add(str(owner))
            cached = (people, units)
            self._name_indexes = cached
        return cached

    def person(self, person_id: str) -> Person:
        """A person by id."""
        row = self.store.one("SELECT * FROM people WHERE id = ?", person_id)
        if row is None:
            raise KeyError(person_id)
        return self.store.person(row)

    def find_person(self, query: str) -> Person:
        """The person whose id, name or alias (in any script, any case) is ``query``, or the
        one person it matches (:func:`reorg_cli.engine.names.resolve`)."""
        return self.person(self._resolve(query, "person", "people"))

    def find_unit(self, query: str) -> str:
        """The id of the unit whose id, current or former name, or alias is ``query``, or of
        the one unit it matches (:func:`reorg_cli.engine.names.resolve`)."""
        return self._resolve(query, "unit", "unit_records")

    def _resolve(self, query: str, what: str, table: str) -> str:
        """:func:`~reorg_cli.engine.names.resolve` with its exact steps as indexed queries:
        an id or an exact name never reads every name (only the fuzzy search does)."""
        from reorg_cli.engine.names import resolve

        def is_id(text: str) -> bool:
            return self.store.one(f"SELECT id FROM {table} WHERE id = ?", text) is not None

        def named(key: str) -> list[str]:
            rows = self.store.rows("SELECT owner FROM names WHERE what = ? AND key = ?", what, key)
            return [str(row[0]) for row in rows]

        return resolve(self, query, what, is_id=is_id, named=named)

    def unit_lifetime(self, unit: str) -> tuple[int, int]:
        """The first day a unit may have existed and the last (ordinals; ``POS_INF`` while it
        exists): from the earliest possible day of its creation to the latest possible day of
        its end. Charts use it so that no role is drawn where its unit was not."""
        lives = self.unit_facts.get(unit, {}).get(FactKind.UNIT, [])
        if not lives:
            return NEG_INF, POS_INF
        last = lives[-1]
        return lives[0].start.window.lo, POS_INF if last.end is None else last.end.window.hi

    # -- coverage and staleness --------------------------------------------------------------------
    @functools.cached_property
    def settings(self) -> DatasetSettings:
        """The dataset's settings (coverage end, staleness threshold, events' date range)."""
        return self.store.settings()

    @property
    def coverage_end(self) -> PartialDate | None:
        """The date the data's knowledge reaches: the dataset's ``coverage_end``, else the
        latest event date (None for a history without dated events)."""
        return self.settings.coverage_end or self._event_bounds[1]

    @property
    def coverage_start(self) -> PartialDate | None:
        """The earliest event date (None for a history without dated events)."""
        return self._event_bounds[0]

    @functools.cached_property
    def _event_bounds(self) -> tuple[PartialDate | None, PartialDate | None]:
        """The earliest and latest event dates: as the loader recorded them, else (a dataset
        built in code) computed from the events."""
        settings = self.settings
        if settings.first_event is not None or settings.last_event is not None:
            return settings.first_event, settings.last_event
        return event_date_bounds(self.store.events(changes=False))

    def stale_after_days(self, override: int | None = None) -> int:
        """The staleness threshold: ``override`` (``--stale-after``), else the dataset's, else
        :data:`DEFAULT_STALE_AFTER_DAYS`."""
        if override is not None:
            return override
        days = self.settings.stale_after_days
        return days if days is not None else DEFAULT_STALE_AFTER_DAYS

    def staleness_day(self, day: int | None = None) -> int:
        """The day staleness is judged on for a query of ``day`` (None: no query date): the
        query date, or the coverage end when the query is past it (or not given)."""
        coverage = self.coverage_end
        end = coverage.last_day() if coverage is not None else None
        if day is None:
            return end if end is not None else POS_INF
        return day if end is None else min(day, end)

    def coverage_note(self, day_from: int, day_to: int | None = None) -> str | None:
        """One line saying a query reaches past what the data knows, or before it; else None.
        ``day_from``..``day_to`` is the span of days the query asks about."""
        last = day_to if day_to is not None else day_from
        coverage, start = self.coverage_end, self.coverage_start
        if coverage is not None and last > coverage.last_day():
            return f"events known up to {coverage.iso()}; later changes are not in this data"
        if start is not None and day_from < start.first_day():
            return (
                f"events known from {start.iso()}; the organization before that is not in this data"
            )
        return None

    # -- state -----------------------------------------------------------------------------------
    def state_at(
        self,
        day: int,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        stale_after: int | None = None,
        *,
        cite: bool = True,
        top_units: int | None = None,
        root: str | None = None,
    ) -> OrgState:
        """The organization at the end of ``day`` (an ordinal), keeping facts at or above
        ``min_confidence``. Facts with no end whose last confirmation is more than the
        staleness threshold (``stale_after`` days, else the dataset's) before ``day`` — or
        before the coverage end, when ``day`` is past it — are marked ``stale``.

        The state carries the evidence of the events it cites and the coverage; ``cite=False``
        (a state only computed from, like the two a diff compares) leaves ``cited`` empty.
        ``top_units`` and ``root``: see :func:`reorg_cli.engine.state.state_at`."""
        from reorg_cli.engine.state import state_at

        return state_at(
            self, day, min_confidence, stale_after, cite=cite, top_units=top_units, root=root
        )

    # -- the queries of the other modules ----------------------------------------------------------
    def diff(
        self,
        day_from: int,
        day_to: int,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        *,
        cite: bool = True,
    ) -> OrgDiff:
        """Everything that differs between the ends of ``day_from`` and ``day_to``, with the
        evidence of the events it cites (``cite=False``: without)."""
        from reorg_cli.engine.diff import diff

        result = diff(self, day_from, day_to, min_confidence)
        return self._cite_diff(result) if cite else result

    def _cite_diff(self, result: OrgDiff) -> OrgDiff:
        return dataclasses.replace(result, cited=self.citations(result.cited_ids()))

    def diff_states(self, before: OrgState, after: OrgState) -> OrgDiff:
        """What :meth:`diff` answers, from two states already computed (at the same
        confidence filter): the explorer's slider keeps the state it leaves."""
        from reorg_cli.engine.diff import diff_states

        return self._cite_diff(diff_states(self, before, after))

    def event_windows(self) -> list[tuple[str, DateWindow]]:
        """The id and date of every event the replay applied, in replay order (corrected and
        retracted events are not applied; their corrections are)."""
        return [(event.id, event.date) for event in self.order]

    def person_history(
        self,
        person_id: str,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        stale_after: int | None = None,
        *,
        today: int | None = None,
    ) -> PersonHistory:
        """Every role ``person_id`` held, in replay order, with their reporting lines.

        ``today`` (an ordinal; default: the clock's) decides which roles are ``planned``,
        ``current`` or ``ended``; a role or line with no end is ``stale`` when no source
        confirms it within ``stale_after`` days (else the dataset's threshold) of today or,
        when today is past it, of the coverage end."""
        from reorg_cli.engine.histories import person_history

        result = person_history(self, person_id, min_confidence, stale_after, today=today)
        return dataclasses.replace(
            result, cited=self.citations(result.cited_ids()), coverage=self.coverage(stale_after)
        )

    def unit_history(
        self,
        unit: str,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        stale_after: int | None = None,
        *,
        today: int | None = None,
    ) -> UnitHistory:
        """A unit's creation, renames, reclassifications, moves, merges, end and heads; roles
        with no end are judged stale or not as in :meth:`person_history`."""
        from reorg_cli.engine.histories import unit_history

        result = unit_history(self, unit, min_confidence, stale_after, today=today)
        return dataclasses.replace(
            result, cited=self.citations(result.cited_ids()), coverage=self.coverage(stale_after)
        )

    def events_between(
        self,
        day_from: int | None = None,
        day_to: int | None = None,
        *,
        person: str | None = None,
        unit: str | None = None,
        today: int | None = None,
        min_confidence: Confidence = Confidence.UNCERTAIN,
    ) -> list[TimelineEntry]:
        """Events dated from ``day_from`` to ``day_to`` (inclusive), oldest first, optionally
        only those touching ``person`` or ``unit``; corrected and retracted events included."""
        from reorg_cli.engine.histories import events_between

        return events_between(
            self,
            day_from,
            day_to,
            person=person,
            unit=unit,
            today=today,
            min_confidence=min_confidence,
        )

    def chronicle(
        self,
        day_from: int | None = None,
        day_to: int | None = None,
        *,
        person: str | None = None,
        unit: str | None = None,
        today: int | None = None,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        cite: bool = True,
    ) -> Chronicle:
        """:meth:`events_between` as a result that carries the evidence of its events
        (``reorg timeline``); ``cite=False`` (a table without ``--why``) leaves it empty."""
        from reorg_cli.engine.results_over_time import Chronicle

        entries = self.events_between(
            day_from,
            day_to,
            person=person,
            unit=unit,
            today=today,
            min_confidence=min_confidence,
        )
        cited = self.citations(entry.id for entry in entries) if cite else {}
        return Chronicle(tuple(entries), day_from, day_to, cited)

    def event_record(self, event_id: str) -> EventRecord:
        """One event as recorded, its evidence and what became of it (``reorg event``);
        raises :class:`KeyError` for an unknown id."""
        from reorg_cli.engine.results_over_time import EventRecord

        event = self.events[event_id]
        replay, corrected_by, retracted_by = self.store.one(
            "SELECT replay, corrected_by, retracted_by FROM event_records WHERE id = ?", event_id
        )
        return EventRecord(
            event=event,
            evidence=self.evidence(event_id),
            applied=replay is not None,
            corrected_by=corrected_by,
            retracted_by=retracted_by,
        )

    def evidence(self, event_id: str) -> Evidence:
        """An event with its sources, and the event it corrects, if any."""
        from reorg_cli.engine.provenance import evidence

        return evidence(self, event_id)

    def describe(self, fact: Fact) -> str:
        """A fact in words, with names as they were when it started."""
        from reorg_cli.engine.provenance import describe

        return describe(self, fact)

    def fact_sources(self, fact: Fact) -> tuple[Source, ...]:
        """The distinct sources of the events behind a fact (by URL)."""
        from reorg_cli.engine.provenance import fact_sources

        return fact_sources(self, fact)

    def sources_report(self) -> list[SourceUse]:
        """Every source cited by an event, with how many facts rest on it."""
        from reorg_cli.engine.provenance import sources_report

        return sources_report(self)

    def single_reported_facts(self) -> list[FactSummary]:
        """Facts that rest on exactly one source and are not confirmed."""
        from reorg_cli.engine.provenance import single_reported_facts

        return single_reported_facts(self)


def window_display(window: DateWindow | None) -> str:
    """A window for people, or an empty string."""
    return window.display() if window is not None else ""


def load_timeline(
    path: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> Timeline:
    """Read, check and compile the event files under ``path`` into an in-memory store, as
    the files are read (:func:`reorg_cli.engine.build.compile_files`).

    Raises :class:`~reorg_cli.events.errors.EventFileError` listing every error found. ``progress``,
    if given, is called as ``progress("read", files_done, files_total)`` while files are read
    and ``progress("compile", 0, 0)`` before compiling.
    """
    from reorg_cli.engine.build import compile_files
    from reorg_cli.engine.store import PRIVATE, connect

    conn = connect(PRIVATE)
    try:
        compile_files(conn, path, progress)
    except BaseException:
        conn.close()
        raise
    return Timeline(Store(conn))
