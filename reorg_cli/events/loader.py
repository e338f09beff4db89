"""Event files to a :class:`~reorg_cli.events.model.Dataset`: discovery, reading and schema checks.

Every problem is collected with its ``path:line:col`` so that ``reorg validate`` can report all
of them in one run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from reorg_cli.events.changes import (
    CHANGE_TYPES,
    Change,
    PersonLeft,
    ReportingLineCleared,
    ReportingLineConfirmed,
    ReportingLineSet,
    RoleAssigned,
    RoleConfirmed,
    RoleEnded,
    UnitConfirmed,
    UnitCreated,
    UnitDissolved,
    UnitMerged,
    UnitMoved,
    UnitReclassified,
    UnitRenamed,
)
from reorg_cli.events.dates import parse_partial
from reorg_cli.events.discovery import discover_event_files as discover_event_files
from reorg_cli.events.discovery import read_event_file as read_event_file
from reorg_cli.events.discovery import read_regular_file as read_regular_file
from reorg_cli.events.errors import EventFileError, Location, Problem, Severity
from reorg_cli.events.fields import (
    _CHANGE_COMMON,
    _CHANGE_KEYS,
    _DATASET_KEYS,
    _EVENT_KEYS,
    _LIST_KEYS,
    _PERSON_KEYS,
    _REFERENCES,
    _TOP_KEYS,
    _UNIT_KEYS,
    _FieldReader,
    _Skip,
)
from reorg_cli.events.fields import CHANGE_KEYS as CHANGE_KEYS
from reorg_cli.events.fields import EVENT_FILE_SUFFIXES as EVENT_FILE_SUFFIXES
from reorg_cli.events.fields import ID_RE as ID_RE
from reorg_cli.events.fields import LANG_RE as LANG_RE
from reorg_cli.events.fields import MAX_STALE_AFTER_DAYS as MAX_STALE_AFTER_DAYS
from reorg_cli.events.fields import MAX_UNKNOWN_KEYS_LISTED as MAX_UNKNOWN_KEYS_LISTED
from reorg_cli.events.fields import STREAMED_KEYS as STREAMED_KEYS
from reorg_cli.events.fields import closest as closest
from reorg_cli.events.fields import is_source_url as is_source_url
from reorg_cli.events.model import (
    UNIT_KINDS,
    DatasetSettings,
    DateBounds,
    LatestKnown,
    Link,
    Naming,
    Source,
    correction_links,
    coverage_end_problem,
    later_known,
    name_key,
    unit_namings,
    widen_date_bounds,
)
from reorg_cli.events.paths import default_events_path as default_events_path  # re-exported
from reorg_cli.events.reader import EventReader
from reorg_cli.events.records import Dataset, Event, Person, UnitInfo
from reorg_cli.events.yamlfile import (
    YamlList,
    YamlMap,
    YamlProblem,
)


def load_dataset(
    path: Path,
    *,
    progress: Callable[[str, int, int], None] | None = None,
    reader: EventReader | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Read every event file under ``path`` into a dataset, collecting all problems.

    ``progress``, if given, is called as ``progress("read", files_done, files_total)``.
    With a ``reader``, each event is handed to it as soon as it is read, instead of being
    kept: the dataset then holds no events (its sources are not yet resolved: a source
    referred to by id has its id and no url), and the reader gets what a compile needs
    to know of them all (:meth:`EventReader.finish`).
    """
    builder = _DatasetBuilder(reader)
    files = discover_event_files(path)
    for done, (display, real) in enumerate(files):
        if progress is not None:
            progress("read", done, len(files))
        builder.item_problems = len(builder.problems)
        try:
            document = read_event_file(real, display, builder.add_item, STREAMED_KEYS)
        except YamlProblem as err:
            # The item read last may be one the syntax error cut short (a line indented
            # wrongly ends it): what it lacks is the error's doing, reported once, as it.
            del builder.problems[builder.item_problems :]
            builder.problems.append(err.problem)
            continue
        builder.add_document(document, display)
    return builder.finish(tuple(display for display, _ in files))


def load_dataset_or_raise(path: Path) -> Dataset:
    """Like :func:`load_dataset`, raising :class:`EventFileError` on any error."""
    dataset, problems = load_dataset(path)
    if any(p.severity is Severity.ERROR for p in problems):
        raise EventFileError(problems)
    return dataset


class _DatasetBuilder(_FieldReader):
    def __init__(self, reader: EventReader | None = None) -> None:
        super().__init__()
        self.reader = reader
        self.bounds: DateBounds = (None, None)
        self.latest_known: LatestKnown | None = None  # see coverage_end_problem
        self.item_problems = 0  # problems before the item read last (see load_dataset)
        self.links: list[Link] = []
        self.namings: list[Naming] = []

    # -- structure ---------------------------------------------------------------------------
    def add_document(self, document: Any, path: str) -> None:
        if not isinstance(document, YamlMap):
            location = getattr(document, "location", Location(path))
            found = "a list" if isinstance(document, YamlList) else "a single value"
            self.problems.append(
                Problem(
                    location,
                    f"an event file must be a mapping with {', '.join(_LIST_KEYS)}; found {found}",
                    "start the file with 'events:' followed by a list",
                )
            )
            return
        unknown = [key for key in document if key not in _TOP_KEYS]
        for key in unknown[:MAX_UNKNOWN_KEYS_LISTED]:
            self.problems.append(
                Problem(
                    document.key_locations[key],
                    f"unknown top-level key {key!r}",
                    closest(key, _TOP_KEYS) or f"expected one of {', '.join(_TOP_KEYS)}",
                )
            )
        self.more_unknown_keys(document, unknown, "the file's top level")
        if "dataset" in document:
            with contextlib.suppress(_Skip):
                self.add_settings(document, document["dataset"])
        for key in self.readers():
            if key not in document:
                continue
            items = document[key]
            if items is None:
                continue
            if not isinstance(items, YamlList):
                self.problems.append(
                    Problem(
                        document.where(key),
                        f"'{key}' must be a list",
                        f"write '{key}:' followed by items starting with '- '",
                    )
                )
                continue
            if items.streamed:
                continue  # already read, item by item, through add_item
            for position, item in enumerate(items):
                self.add_item(key, position, item, items.item_locations[position])

    def readers(self) -> dict[str, Callable[[YamlMap, int], None]]:
        """The reader of each top-level list's items."""
        return {
            "sources": self.add_source,
            "people": self.add_person,
            "units": self.add_unit,
            "events": self.add_event,
        }

    def add_item(self, key: str, position: int, item: Any, where: Location) -> None:
        """Read one item of the top-level list ``key`` (called as soon as it is parsed)."""
        self.item_problems = len(self.problems)
        if not isinstance(item, YamlMap):
            self.problems.append(
                Problem(
                    where,
                    f"each item of '{key}' must be a mapping",
                    "write 'key: value' lines under '- '",
                )
            )
            return
        with contextlib.suppress(_Skip):
            self.readers()[key](item, position)

    # -- records -----------------------------------------------------------------------------
    def add_settings(self, document: YamlMap, item: Any) -> None:
        where = document.where("dataset")
        if not isinstance(item, YamlMap):
            raise self.problem(
                where,
                "'dataset' must be a mapping",
                "e.g. 'dataset:' followed by '  coverage_end: 2026-06-17'",
            )
        if self.settings is not None:
            raise self.problem(
                where,
                f"dataset settings are given twice (also at {self.settings.location})",
                "keep one 'dataset:' mapping per events folder",
            )
        self.check_keys(item, _DATASET_KEYS, "the dataset settings")
        coverage = self.partial_text(item, "coverage_end", "the dataset settings")
        days = item.get("stale_after_days")
        if days is not None and (
            not isinstance(days, int)
            or isinstance(days, bool)
            or not 1 <= days <= MAX_STALE_AFTER_DAYS
        ):
            raise self.problem(
                item.where("stale_after_days"),
                f"'stale_after_days' must be a whole number of days from 1 to "
                f"{MAX_STALE_AFTER_DAYS}, not {days!r}",
                "e.g. stale_after_days: 180",
            )
        self.settings = DatasetSettings(
            coverage_end=parse_partial(coverage) if coverage is not None else None,
            stale_after_days=days,
            location=where,
        )

    def add_source(self, item: YamlMap, position: int) -> None:
        source = self.read_source(item, registry=True)
        assert source.id is not None
        if source.id in self.sources:
            first = self.source_locations[source.id]
            raise self.problem(
                item.location, f"source {source.id!r} is defined twice (also at {first})"
            )
        self.sources[source.id] = source
        self.source_locations[source.id] = item.location

    def add_person(self, item: YamlMap, position: int) -> None:
        self.check_keys(item, _PERSON_KEYS, "a person")
        person_id = self.ident(item, "id", "a person")
        assert person_id is not None
        name = self.text(item, "name", "a person", required=True)
        assert name is not None
        person = Person(
            id=person_id,
            name=name,
            names=self.names(item, "names"),
            aliases=self.text_list(item, "aliases"),
            description=self.text(item, "description", "a person", multiline=True),
            notes=self.text(item, "notes", "a person", multiline=True),
            sources=self.source_list(item, "sources"),
            location=item.location,
        )
        if person_id in self.people:
            first = self.people[person_id].location
            raise self.problem(
                item.where("id"),
                f"person {person_id!r} is defined twice (first at {first})",
                "give each person one entry",
            )
        self.people[person_id] = person

    def add_unit(self, item: YamlMap, position: int) -> None:
        self.check_keys(item, _UNIT_KEYS, "a unit description")
        unit_id = self.ident(item, "id", "a unit description")
        assert unit_id is not None
        info = UnitInfo(
            id=unit_id,
            aliases=self.text_list(item, "aliases"),
            description=self.text(item, "description", "a unit description", multiline=True),
            notes=self.text(item, "notes", "a unit description", multiline=True),
            sources=self.source_list(item, "sources"),
            location=item.location,
        )
        if unit_id in self.units:
            first = self.units[unit_id].location
            raise self.problem(
                item.where("id"), f"unit {unit_id!r} is described twice (first at {first})"
            )
        self.units[unit_id] = info

    def add_event(self, item: YamlMap, position: int) -> None:
        self.check_keys(item, _EVENT_KEYS, "an event")
        event_id = self.ident(item, "id", "an event")
        assert event_id is not None
        where = item.where("id")
        first = self.event_ids.get(event_id)
        if first is not None:
            raise self.problem(
                where,
                f"event id {event_id!r} is used twice (first at {self.unpack(first)})",
                "event ids must be unique across all files",
            )
        self.event_ids[event_id] = self.pack(where)
        date = self.window(item, "date", "an event", required=True)
        assert date is not None
        title = self.text(item, "title", "an event", required=True)
        assert title is not None
        confidence = self.confidence(item, required=True)
        assert confidence is not None
        seq = item.get("seq", 0)
        if seq is None:
            seq = 0
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise self.problem(item.where("seq"), f"'seq' must be a whole number, not {seq!r}")
        corrects = self.ident(item, "corrects", "an event", required=False)
        retracts = self.ident(item, "retracts", "an event", required=False)
        if corrects and retracts:
            raise self.problem(item.location, "an event may correct or retract, not both")
        changes: list[Change] = []
        raw_changes = item.get("changes")
        if raw_changes is None and "changes" not in item and not retracts:
            raise self.problem(
                item.location,
                "an event is missing 'changes'",
                "write 'changes: []' if the event changed nothing",
            )
        if raw_changes is not None:
            if not isinstance(raw_changes, YamlList):
                raise self.problem(item.where("changes"), "'changes' must be a list")
            failed = False
            for entry, location in zip(raw_changes, raw_changes.item_locations, strict=True):
                try:
                    changes.append(self.change(entry, location))
                except _Skip:
                    failed = True
            if failed:
                raise _Skip()
        if retracts and changes:
            raise self.problem(item.where("changes"), "a retraction cannot also make changes")
        sources = self.source_list(item, "sources")
        if not sources:
            self.warn(
                item.location,
                f"event {event_id!r} cites no sources",
                "add 'sources' so every fact can say where it came from",
            )
        self.keep(
            Event(
                id=event_id,
                date=date,
                title=title,
                confidence=confidence,
                changes=tuple(changes),
                sources=sources,
                seq=seq,
                summary=self.text(item, "summary", "an event", multiline=True),
                notes=self.text(item, "notes", "an event", multiline=True),
                announced=self.window(item, "announced", "an event", required=False),
                corrects=corrects,
                retracts=retracts,
                location=item.location,
                path=item.location.path,
                position=position,
            )
        )

    def pack(self, where: Location) -> int:
        """A place as one number: its file's number, line and column."""
        number = self.paths.setdefault(where.path, len(self.paths))
        return (number << 64) | (where.line << 32) | where.column

    def unpack(self, packed: int) -> Location:
        """The place :meth:`pack` made a number of."""
        path = next(p for p, n in self.paths.items() if n == packed >> 64)
        return Location(path, (packed >> 32) & 0xFFFFFFFF, packed & 0xFFFFFFFF)

    def keep(self, event: Event) -> None:
        """Note what the whole history needs of an event, and keep it or hand it on."""
        self.bounds = widen_date_bounds(self.bounds, event.date)
        self.latest_known = later_known(self.latest_known, event)
        self.links.extend(correction_links((event,)))
        self.namings.extend(unit_namings((event,)))
        if self.reader is not None:
            self.reader.event(event)
        else:
            self.events.append(event)

    def change(self, entry: Any, location: Location) -> Change:
        if not isinstance(entry, YamlMap):
            raise self.problem(location, "a change must be a mapping with a 'type'")
        change_type = self.text(entry, "type", "a change", required=True)
        assert change_type is not None
        if change_type not in _CHANGE_KEYS:
            raise self.problem(
                entry.where("type"),
                f"unknown change type {change_type!r}",
                closest(change_type, _CHANGE_KEYS) or "see docs/event-format.md",
            )
        required, optional = _CHANGE_KEYS[change_type]
        self.check_keys(entry, _CHANGE_COMMON + required + optional, f"a {change_type} change")
        for key in required:
            if key not in entry:
                raise self.problem(entry.location, f"{change_type} is missing '{key}'")
        common: dict[str, Any] = {
            "location": entry.location,
            "note": self.text(entry, "note", "a change"),
            "confidence": self.confidence(entry, required=False),
            "refs": tuple((key, entry.where(key)) for key in _REFERENCES if key in entry),
        }
        what = f"a {change_type} change"

        def ref(key: str, required: bool = True) -> Any:
            value = self.ident(entry, key, what, required=required)
            # Ids repeat in every change about a person or unit: share one string (memory).
            return sys.intern(value) if value is not None else None

        cls = CHANGE_TYPES[change_type]
        if cls is UnitCreated or cls is UnitReclassified:
            kind = self.text(entry, "kind", what, required=True)
            if kind not in UNIT_KINDS:
                raise self.problem(
                    entry.where("kind"),
                    f"unknown unit kind {kind!r}",
                    closest(kind or "", UNIT_KINDS) or "kinds: " + ", ".join(UNIT_KINDS),
                )
            if cls is UnitCreated:
                return UnitCreated(
                    unit=ref("unit"),
                    name=self.text(entry, "name", what, required=True) or "",
                    names=self.names(entry, "names"),
                    kind=kind,
                    parent=ref("parent", False),
                    **common,
                )
            return UnitReclassified(
                unit=ref("unit"),
                kind=kind,
                name=self.text(entry, "name", what),
                names=self.names(entry, "names"),
                **common,
            )
        if cls is UnitRenamed:
            return UnitRenamed(
                unit=ref("unit"),
                name=self.text(entry, "name", what, required=True) or "",
                names=self.names(entry, "names"),
                **common,
            )
        if cls is UnitMoved:
            return UnitMoved(unit=ref("unit"), parent=ref("parent", False), **common)
        if cls is UnitMerged:
            return UnitMerged(unit=ref("unit"), into=ref("into"), **common)
        if cls is UnitDissolved:
            return UnitDissolved(
                unit=ref("unit"), reason=self.text(entry, "reason", what), **common
            )
        if cls is RoleAssigned:
            return RoleAssigned(
                person=ref("person"),
                unit=ref("unit"),
                title=sys.intern(self.text(entry, "title", what, required=True) or ""),
                head=self.boolean(entry, "head"),
                shared=self.boolean(entry, "shared"),
                **common,
            )
        if cls is RoleEnded:
            vacancy = self.text(entry, "vacancy", what)
            if vacancy not in (None, "vacant", "unknown"):
                raise self.problem(
                    entry.where("vacancy"),
                    f"vacancy must be 'vacant' or 'unknown', not {vacancy!r}",
                )
            return RoleEnded(
                person=ref("person"),
                unit=ref("unit"),
                title=sys.intern(self.text(entry, "title", what, required=True) or ""),
                reason=self.text(entry, "reason", what),
                vacancy=vacancy,
                **common,
            )
        if cls is PersonLeft:
            return PersonLeft(
                person=ref("person"), reason=self.text(entry, "reason", what), **common
            )
        if cls is ReportingLineSet:
            return ReportingLineSet(person=ref("person"), reports_to=ref("reports_to"), **common)
        if cls is RoleConfirmed:
            return RoleConfirmed(
                person=ref("person"),
                unit=ref("unit"),
                title=sys.intern(self.text(entry, "title", what, required=True) or ""),
                **common,
            )
        if cls is UnitConfirmed:
            return UnitConfirmed(unit=ref("unit"), **common)
        if cls is ReportingLineConfirmed:
            return ReportingLineConfirmed(
                person=ref("person"), reports_to=ref("reports_to"), **common
            )
        return ReportingLineCleared(person=ref("person"), **common)

    # -- finishing -----------------------------------------------------------------------------
    def suggest_ids(self) -> None:
        """Hints for references written as names: "did you mean wukong-division (Wukong
        Division)?" when the name is exactly a person's or unit's name or alias."""
        if not self.named_refs:
            return
        people = _named_ids(
            (p.id, name)
            for p in self.people.values()
            for name in (p.name, *(n for _, n in p.names), *p.aliases)
        )
        unit_pairs: list[tuple[str, str]] = []
        for unit, name, names in self.namings:
            unit_pairs.append((unit, name))
            unit_pairs.extend((unit, n) for _, n in names)
        unit_pairs.extend((u.id, alias) for u in self.units.values() for alias in u.aliases)
        units = _named_ids(unit_pairs)
        for index, key, value in self.named_refs:
            table = people if key in ("person", "reports_to") else units
            owners = table.get(name_key(value), {})
            if not owners:
                continue
            listed = ", ".join(f"{i} ({n})" if i != n else i for i, n in sorted(owners.items()))
            problem = self.problems[index]
            self.problems[index] = Problem(
                problem.location,
                f"{value!r} is a name, not an id",
                f'did you mean {listed}? a {key} is written as its id; reorg search "{value}" '
                "lists ids",
                problem.severity,
            )

    def finish(self, files: tuple[str, ...]) -> tuple[Dataset, list[Problem]]:
        self.suggest_ids()
        for source_id, location in self.pending_refs:
            if source_id not in self.sources:
                self.problems.append(
                    Problem(
                        location,
                        f"unknown source {source_id!r}",
                        closest(source_id, self.sources) or "define it under 'sources:'",
                    )
                )
        events = tuple(_with_resolved_sources(event, self.sources) for event in self.events)
        people = {k: _with_resolved_sources(p, self.sources) for k, p in self.people.items()}
        units = {k: _with_resolved_sources(u, self.sources) for k, u in self.units.items()}
        first, last = self.bounds
        self.problems.extend(filter(None, [coverage_end_problem(self.settings, self.latest_known)]))
        if self.reader is not None:
            self.reader.finish(self.event_ids, self.links, self.namings)
        settings = dataclasses.replace(
            self.settings or DatasetSettings(), first_event=first, last_event=last
        )
        dataset = Dataset(people, units, self.sources, events, files, settings)
        return dataset, self.problems


def _resolve(sources: tuple[Source, ...], registry: dict[str, Source]) -> tuple[Source, ...]:
    return tuple(registry.get(s.id, s) if (s.id and not s.url) else s for s in sources)


def _named_ids(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Normalized name -> {id: display name} for every (id, name) pair."""
    found: dict[str, dict[str, str]] = {}
    for ident, name in pairs:
        found.setdefault(name_key(name), {}).setdefault(ident, name)
    return found


#: The records that cite sources (by id, resolved once every file is read).
_Sourced = TypeVar("_Sourced", Event, Person, UnitInfo)


def _with_resolved_sources(record: _Sourced, registry: dict[str, Source]) -> _Sourced:
    """``record`` with its sources given by id replaced by the registry's (itself when it has
    none such)."""
    if not any(s.id and not s.url for s in record.sources):
        return record
    return dataclasses.replace(record, sources=_resolve(record.sources, registry))
