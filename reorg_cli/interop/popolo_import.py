"""Import a Popolo JSON document as event files: the reverse of ``reorg export --format popolo``.

A document written by reorg carries a ``reorg`` object on every record (the event behind each
start and end, windows, confidence); from it the history is rebuilt exactly, so exporting the
imported files gives the same document again. A plain Popolo document (from another tool) is
imported too, more roughly: one event per distinct date, organizations under their
``parent_id`` (docs/interop.md, "Import Popolo").
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field
from typing import Any

from reorg_cli.events.dates import NEG_INF, POS_INF, DateSyntaxError, parse_partial, parse_window
from reorg_cli.events.errors import EventFileError, Location, Problem
from reorg_cli.events.loader import ID_RE, LANG_RE
from reorg_cli.events.model import UNIT_KINDS, Source
from reorg_cli.events.writer import dump_yaml
from reorg_cli.interop.common import slug, source_dict
from reorg_cli.interop.importing import Imported, Origins, split_events
from reorg_cli.interop.jsonread import format_path, load_json, locate, parse_path

_PLAIN_CONFIDENCE = "reported"


class _Bad(Exception):
    """A record has a problem; it has been reported."""


@dataclass(slots=True)
class _Edge:
    event: str
    confidence: str | None = None
    reason: str | None = None
    where: str = ""  # what in the document says so (a JSON path)


@dataclass(slots=True)
class _Dated:
    start: _Edge
    end: _Edge | None
    value: tuple[Any, ...]


@dataclass(slots=True)
class _Unit:
    id: str
    life: _Dated
    where: str = ""  # the organization's JSON path
    merged_into: str | None = None
    names: list[_Dated] = field(default_factory=list)  # (name, {lang: name})
    kinds: list[_Dated] = field(default_factory=list)  # (kind,)
    parents: list[_Dated] = field(default_factory=list)  # (parent or None,)


@dataclass(slots=True)
class _Event:
    id: str
    date: str
    title: str
    confidence: str
    seq: int = 0
    summary: str | None = None
    notes: str | None = None
    announced: str | None = None
    sources: list[Source] = field(default_factory=list)
    where: str = ""  # the record's JSON path, if there is one


@dataclass(slots=True)
class _History:
    events: list[_Event] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    person_sources: dict[str, list[Source]] = field(default_factory=dict)
    infos: list[dict[str, Any]] = field(default_factory=list)
    info_sources: dict[str, list[Source]] = field(default_factory=dict)
    where: dict[tuple[str, str], str] = field(default_factory=dict)  # ("person"/"unit", id)
    units: list[_Unit] = field(default_factory=list)
    roles: list[_Dated] = field(default_factory=list)  # (person, unit, title, head, shared)
    vacancies: list[_Dated] = field(default_factory=list)  # (unit, title, holder)
    lines: list[_Dated] = field(default_factory=list)  # (person, reports_to)


class _Reader:
    """Typed access to the JSON document, reporting every problem with where it is: a JSON
    path such as ``organizations[3].founding_date`` (shown as ``$.organizations[3]...``, at
    the line and column where it is in the document)."""

    def __init__(self, display: str, text: str) -> None:
        self.display = display
        self.text_of_document = text
        self.failures: list[tuple[str, str, str]] = []

    def fail(self, where: str, message: str, hint: str = "") -> _Bad:
        self.failures.append((where, message, hint))
        return _Bad()

    def places(self, wheres: list[str]) -> dict[str, tuple[Location, str]]:
        """The place in the document (location, JSON path) of each ``where``: the line and
        column of the value it names, or of the nearest enclosing value found."""
        paths = {where: parse_path(where) for where in wheres}
        wanted = {path[:i] for path in paths.values() for i in range(len(path) + 1)}
        found = locate(self.text_of_document, wanted)
        result: dict[str, tuple[Location, str]] = {}
        for where, path in paths.items():
            line, column = next(
                (found[path[:i]] for i in range(len(path), -1, -1) if path[:i] in found), (0, 0)
            )
            result[where] = (Location(self.display, line, column), format_path(path))
        return result

    def places_problems(self, where: str, message: str, hint: str = "") -> list[Problem]:
        """One problem at ``where``, placed in the document."""
        location, path = self.places([where])[where]
        return [Problem(location, f"{path}: {message}", hint)]

    @property
    def problems(self) -> list[Problem]:
        """Every problem reported so far, placed in the document."""
        if not self.failures:
            return []
        places = self.places([where for where, _, _ in self.failures])
        result = []
        for where, message, hint in self.failures:
            location, path = places[where]
            result.append(Problem(location, f"{path}: {message}", hint))
        return result

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a JSON object")
        return value

    def records(self, document: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        value = document.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return []
        result = []
        for i, item in enumerate(value):
            where = f"{key}[{i}]"
            if isinstance(item, dict):
                result.append((where, item))
            else:
                self.fail(where, "must be a JSON object")
        return result

    def text(self, item: dict[str, Any], key: str, where: str, *, required: bool = False) -> Any:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(where, f"'{key}' is missing")
            return None
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", "must be text")
        return value.strip()

    def ident(self, item: dict[str, Any], key: str, where: str, *, required: bool = True) -> Any:
        value = self.text(item, key, where, required=required)
        if value is not None and not ID_RE.fullmatch(value):
            raise self.fail(
                f"{where}.{key}",
                f"{value!r} is not a valid reorg id",
                "use letters, digits, '.', '_' and '-', starting with a letter or digit",
            )
        return value

    def window(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "must be a date written as text")
        try:
            return parse_window(value.strip()).text()
        except DateSyntaxError as err:
            raise self.fail(where, str(err)) from None

    def sources(self, item: dict[str, Any], extension: dict[str, Any], where: str) -> list[Source]:
        full = extension.get("sources")
        if full is not None:
            if not isinstance(full, list):
                raise self.fail(f"{where}.reorg.sources", "must be a list")
            result = []
            for i, entry in enumerate(full):
                spot = f"{where}.reorg.sources[{i}]"
                entry = self.obj(entry, spot)
                published = self.text(entry, "published", spot)
                if published is not None:
                    try:
                        published = parse_partial(published).iso()
                    except DateSyntaxError as err:
                        raise self.fail(f"{spot}.published", str(err)) from None
                result.append(
                    Source(
                        url=self.text(entry, "url", spot, required=True),
                        id=self.ident(entry, "id", spot, required=False),
                        publisher=self.text(entry, "publisher", spot),
                        published=published,
                        title=self.text(entry, "title", spot),
                        note=self.text(entry, "note", spot),
                    )
                )
            return result
        links = item.get("sources")
        if links is None:
            return []
        if not isinstance(links, list):
            raise self.fail(f"{where}.sources", "must be a list of links")
        result = []
        for i, link in enumerate(links):
            spot = f"{where}.sources[{i}]"
            link = self.obj(link, spot)
            result.append(
                Source(
                    url=self.text(link, "url", spot, required=True),
                    note=self.text(link, "note", spot),
                )
            )
        return result

    def other_names(
        self, item: dict[str, Any], where: str
    ) -> tuple[dict[str, str], list[str], list[dict[str, Any]]]:
        """Names in other languages, aliases, and the remaining (former/later) names."""
        value = item.get("other_names")
        names: dict[str, str] = {}
        aliases: list[str] = []
        rest: list[dict[str, Any]] = []
        if value is None:
            return names, aliases, rest
        if not isinstance(value, list):
            raise self.fail(f"{where}.other_names", "must be a list")
        for i, entry in enumerate(value):
            spot = f"{where}.other_names[{i}]"
            entry = self.obj(entry, spot)
            name = self.text(entry, "name", spot, required=True)
            lang = self.text(entry, "lang", spot)
            note = self.text(entry, "note", spot)
            if lang is not None:
                if not LANG_RE.fullmatch(lang):
                    raise self.fail(f"{spot}.lang", f"{lang!r} is not a language tag")
                names.setdefault(lang, name)
            elif note == "alias":
                aliases.append(name)
            else:
                rest.append(entry)
        return names, aliases, rest


def _extension(item: dict[str, Any], reader: _Reader, where: str) -> dict[str, Any]:
    value = item.get("reorg")
    if value is None:
        return {}
    return reader.obj(value, f"{where}.reorg")


# -- documents written by reorg ------------------------------------------------------------------


class _Extended:
    def __init__(self, reader: _Reader, document: dict[str, Any]) -> None:
        self.reader = reader
        self.document = document
        self.history = _History()
        self.event_ids: set[str] = set()

    def edge(self, value: Any, where: str) -> _Edge:
        item = self.reader.obj(value, where)
        event = self.reader.ident(item, "event", where)
        if event not in self.event_ids:
            raise self.reader.fail(f"{where}.event", f"unknown event {event!r}")
        confidence = self.reader.text(item, "confidence", where)
        if confidence is not None and confidence not in ("confirmed", "reported", "uncertain"):
            raise self.reader.fail(f"{where}.confidence", f"unknown confidence {confidence!r}")
        return _Edge(event, confidence, self.reader.text(item, "reason", where), where)

    def dated(self, item: dict[str, Any], where: str, value: tuple[Any, ...]) -> _Dated:
        start = self.edge(item.get("start"), f"{where}.start")
        end = self.edge(item["end"], f"{where}.end") if item.get("end") is not None else None
        return _Dated(start, end, value)

    def dated_list(self, extension: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = extension.get(key)
        if not isinstance(value, list) or not value:
            raise self.reader.fail(f"{where}.reorg.{key}", "must be a non-empty list")
        return [self.reader.obj(v, f"{where}.reorg.{key}[{i}]") for i, v in enumerate(value)]

    def read(self) -> _History:
        reader, history = self.reader, self.history
        for where, item in reader.records(self.document, "events"):
            try:
                history.events.append(self.event(where, item))
            except _Bad:
                continue
        for where, item in reader.records(self.document, "persons"):
            try:
                self.person(where, item)
            except _Bad:
                continue
        for where, item in reader.records(self.document, "organizations"):
            try:
                self.organization(where, item)
            except _Bad:
                continue
        posts: dict[str, tuple[str, str]] = {}
        for where, item in reader.records(self.document, "posts"):
            try:
                self.post(where, item, posts)
            except _Bad:
                continue
        for where, item in reader.records(self.document, "memberships"):
            try:
                self.membership(where, item, posts)
            except _Bad:
                continue
        return history

    def event(self, where: str, item: dict[str, Any]) -> _Event:
        reader = self.reader
        event_id = reader.ident(item, "id", where)
        if event_id in self.event_ids:
            raise reader.fail(f"{where}.id", f"event id {event_id!r} is used twice")
        extension = _extension(item, reader, where)
        date = reader.window(extension.get("date", item.get("start_date")), f"{where}.reorg.date")
        confidence = reader.text(extension, "confidence", f"{where}.reorg") or _PLAIN_CONFIDENCE
        seq = extension.get("seq", 0)
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise reader.fail(f"{where}.reorg.seq", "must be a whole number")
        announced = extension.get("announced")
        self.event_ids.add(event_id)
        return _Event(
            id=event_id,
            date=date,
            title=reader.text(item, "name", where, required=True),
            confidence=confidence,
            seq=seq,
            summary=reader.text(item, "description", where),
            notes=reader.text(extension, "notes", f"{where}.reorg"),
            announced=(
                reader.window(announced, f"{where}.reorg.announced")
                if announced is not None
                else None
            ),
            sources=reader.sources(item, extension, where),
            where=where,
        )

    def person(self, where: str, item: dict[str, Any]) -> None:
        reader = self.reader
        person_id = reader.ident(item, "id", where)
        extension = _extension(item, reader, where)
        names, aliases, rest = reader.other_names(item, where)
        aliases += [str(entry["name"]).strip() for entry in rest]
        record: dict[str, Any] = {
            "id": person_id,
            "name": reader.text(item, "name", where, required=True),
        }
        if names:
            record["names"] = names
        if aliases:
            record["aliases"] = aliases
        description = reader.text(item, "summary", where)
        if description:
            record["description"] = description
        notes = reader.text(extension, "notes", f"{where}.reorg")
        if notes:
            record["notes"] = notes
        self.history.people.append(record)
        self.history.where["person", person_id] = where
        self.history.person_sources[person_id] = reader.sources(item, extension, where)
        lines = extension.get("reporting_lines") or []
        if not isinstance(lines, list):
            raise reader.fail(f"{where}.reorg.reporting_lines", "must be a list")
        for i, line in enumerate(lines):
            spot = f"{where}.reorg.reporting_lines[{i}]"
            line = reader.obj(line, spot)
            boss = reader.ident(line, "reports_to", spot)
            self.history.lines.append(self.dated(line, spot, (person_id, boss)))

    def organization(self, where: str, item: dict[str, Any]) -> None:
        reader = self.reader
        unit_id = reader.ident(item, "id", where)
        extension = _extension(item, reader, where)
        unit = _Unit(unit_id, self.dated(extension, f"{where}.reorg", ()), where)
        unit.merged_into = reader.ident(extension, "merged_into", f"{where}.reorg", required=False)
        for i, entry in enumerate(self.dated_list(extension, "names", where)):
            spot = f"{where}.reorg.names[{i}]"
            names = entry.get("names") or {}
            if not isinstance(names, dict) or not all(
                isinstance(k, str) and LANG_RE.fullmatch(k) and isinstance(v, str)
                for k, v in names.items()
            ):
                raise reader.fail(f"{spot}.names", "must map language tags to names")
            name = reader.text(entry, "name", spot, required=True)
            unit.names.append(self.dated(entry, spot, (name, dict(names))))
        for i, entry in enumerate(self.dated_list(extension, "kinds", where)):
            spot = f"{where}.reorg.kinds[{i}]"
            kind = reader.text(entry, "kind", spot, required=True)
            if kind not in UNIT_KINDS:
                raise reader.fail(f"{spot}.kind", f"unknown unit kind {kind!r}")
            unit.kinds.append(self.dated(entry, spot, (kind,)))
        for i, entry in enumerate(self.dated_list(extension, "parents", where)):
            spot = f"{where}.reorg.parents[{i}]"
            parent = reader.ident(entry, "parent_id", spot, required=False)
            unit.parents.append(self.dated(entry, spot, (parent,)))
        self.history.units.append(unit)
        aliases = extension.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise reader.fail(f"{where}.reorg.aliases", "must be a list of text")
        info: dict[str, Any] = {"id": unit_id}
        if aliases:
            info["aliases"] = aliases
        description = reader.text(item, "description", where)
        if description:
            info["description"] = description
        notes = reader.text(extension, "notes", f"{where}.reorg")
        if notes:
            info["notes"] = notes
        sources = reader.sources({}, extension, where)
        self.history.where["unit", unit_id] = where
        if len(info) > 1 or sources:
            self.history.infos.append(info)
            self.history.info_sources[unit_id] = sources

    def post(self, where: str, item: dict[str, Any], posts: dict[str, tuple[str, str]]) -> None:
        reader = self.reader
        post_id = reader.text(item, "id", where, required=True)
        unit = reader.ident(item, "organization_id", where)
        title = reader.text(item, "role", where) or reader.text(item, "label", where, required=True)
        posts[post_id] = (unit, title)
        extension = _extension(item, reader, where)
        vacancies = extension.get("vacancies") or []
        if not isinstance(vacancies, list):
            raise reader.fail(f"{where}.reorg.vacancies", "must be a list")
        for i, entry in enumerate(vacancies):
            spot = f"{where}.reorg.vacancies[{i}]"
            entry = reader.obj(entry, spot)
            holder = reader.text(entry, "holder", spot, required=True)
            if holder not in ("vacant", "unknown"):
                raise reader.fail(f"{spot}.holder", "must be 'vacant' or 'unknown'")
            self.history.vacancies.append(self.dated(entry, spot, (unit, title, holder)))

    def membership(
        self, where: str, item: dict[str, Any], posts: dict[str, tuple[str, str]]
    ) -> None:
        reader = self.reader
        person = reader.ident(item, "person_id", where)
        unit = reader.ident(item, "organization_id", where)
        title = reader.text(item, "role", where)
        post_id = reader.text(item, "post_id", where)
        if title is None and post_id in posts:
            title = posts[post_id][1]
        if title is None:
            raise reader.fail(where, "'role' is missing")
        extension = _extension(item, reader, where)
        head = extension.get("head", False) is True
        shared = extension.get("shared", False) is True
        self.history.roles.append(
            self.dated(extension, f"{where}.reorg", (person, unit, title, head, shared))
        )


# -- plain Popolo --------------------------------------------------------------------------------


def lo_of(date: str) -> int:
    """The replay-order day of a date as written."""
    return parse_window(date).sort_day


class _Plain:
    """A Popolo document from another tool: one event per distinct date."""

    def __init__(self, reader: _Reader, document: dict[str, Any]) -> None:
        self.reader = reader
        self.document = document
        self.history = _History()
        self.events: dict[tuple[str, int], _Event] = {}
        self.unit_where: dict[str, str] = {}

    def date(self, item: dict[str, Any], key: str, where: str) -> str | None:
        value = self.reader.text(item, key, where)
        if value is None:
            return None
        try:
            return parse_partial(value[:10]).iso()
        except DateSyntaxError as err:
            raise self.reader.fail(f"{where}.{key}", str(err)) from None

    def edge(self, date: str, sources: list[Source], stage: int = 1, where: str = "") -> _Edge:
        """The event for ``date`` and ``stage``: 0 organizations founded, 1 other changes,
        2 organizations dissolved. Stages are the events' ``seq``, so on any day every
        founding replays before the changes and every dissolution after them."""
        event = self.events.get((date, stage))
        if event is None:
            shown = parse_window(date).display()
            what = ("Organizations founded", "Changes dated", "Organizations dissolved")[stage]
            suffix = ("-founded", "", "-dissolved")[stage]
            event = _Event(
                id="popolo-" + slug(date) + suffix,
                date=date,
                title=f"{what} {shown} (imported from Popolo)",
                confidence=_PLAIN_CONFIDENCE,
                seq=stage,
            )
            self.events[(date, stage)] = event
        known = {s.url for s in event.sources}
        event.sources.extend(s for s in sources if s.url not in known)
        return _Edge(event.id, where=where)

    def read(self) -> _History:
        reader, history = self.reader, self.history
        for where, item in reader.records(self.document, "persons"):
            try:
                person_id = reader.ident(item, "id", where)
                names, aliases, rest = reader.other_names(item, where)
                record: dict[str, Any] = {
                    "id": person_id,
                    "name": reader.text(item, "name", where, required=True),
                }
                if names:
                    record["names"] = names
                aliases += [str(entry["name"]).strip() for entry in rest]
                if aliases:
                    record["aliases"] = aliases
                summary = reader.text(item, "summary", where)
                if summary:
                    record["description"] = summary
                history.people.append(record)
                history.where["person", person_id] = where
                history.person_sources[person_id] = reader.sources(item, {}, where)
            except _Bad:
                continue
        # (where, record, founding_date, dissolution_date) of each readable organization
        organizations: list[tuple[str, dict[str, Any], str | None, str | None]] = []
        for where, item in reader.records(self.document, "organizations"):
            try:
                reader.ident(item, "id", where)
                organizations.append(
                    (
                        where,
                        item,
                        self.date(item, "founding_date", where),
                        self.date(item, "dissolution_date", where),
                    )
                )
            except _Bad:
                continue
        posts: dict[str, tuple[str, str]] = {}
        for _where, item in reader.records(self.document, "posts"):
            post_id = item.get("id")
            unit = item.get("organization_id")
            title = item.get("role") or item.get("label")
            if isinstance(post_id, str) and isinstance(unit, str) and isinstance(title, str):
                posts[post_id] = (unit, title.strip())
        memberships = []
        for where, item in reader.records(self.document, "memberships"):
            try:
                person = reader.ident(item, "person_id", where)
                unit = reader.ident(item, "organization_id", where)
                post = posts.get(str(item.get("post_id")))
                title = (
                    reader.text(item, "role", where)
                    or (post[1] if post else None)
                    or reader.text(item, "label", where)
                    or "Member"
                )
                start = self.date(item, "start_date", where)
                end = self.date(item, "end_date", where)
                memberships.append(
                    (person, unit, title, start, end, reader.sources(item, {}, where), where)
                )
            except _Bad:
                continue
        dates = [d for m in memberships for d in (m[3], m[4]) if d]
        dates += [
            d for _, _, founded, dissolved in organizations for d in (founded, dissolved) if d
        ]
        earliest = min(dates, key=lambda d: parse_partial(d).first_day()) if dates else None

        def by(date: str | None) -> str:
            if date is None:
                return "unknown"
            return "by " + dt.date.fromordinal(parse_partial(date).first_day()).isoformat()

        units: dict[str, tuple[str, str | None, dict[str, Any]]] = {}
        for where, item, founding, dissolution in organizations:
            unit_id = item["id"].strip()
            self.unit_where[unit_id] = where
            if founding is None:
                own = [m[3] for m in memberships if m[1] == unit_id and m[3]]
                founding = by(
                    min(own, key=lambda d: parse_partial(d).first_day()) if own else earliest
                )
            units[unit_id] = (founding, dissolution, item)
        self.check_parents(units)
        self.build_units(units)
        for person, unit, title, start, end, sources, where in memberships:
            if unit not in units:
                reader.fail(f"{where}.organization_id", f"unknown organization {unit!r}")
                continue
            # Clamp to the organization's life: a role starts once it exists, and ends with it.
            founding, dissolution, _ = units[unit]
            begin = start or founding
            if lo_of(begin) < lo_of(founding):
                begin = founding
            if end and dissolution and lo_of(end) > lo_of(dissolution):
                end = None
            history.roles.append(
                _Dated(
                    self.edge(begin, sources, where=f"{where}.start_date"),
                    self.edge(end, sources, where=f"{where}.end_date") if end else None,
                    (person, unit, title, False, True),
                )
            )
        order = sorted(self.events.values(), key=lambda e: (parse_window(e.date).sort_day, e.seq))
        history.events = order
        return history

    def check_parents(self, units: dict[str, tuple[str, str | None, dict[str, Any]]]) -> None:
        """Refuse an organization that is its own parent or ancestor: ``parent_id`` has no
        dates, so such a cycle would hold on every day (a parent dissolved before the child is
        founded does not count; the child is imported without it)."""
        links: dict[str, str] = {}
        for unit_id, (founding, _, item) in units.items():
            parent = item.get("parent_id")
            if not isinstance(parent, str) or parent.strip() not in units:
                continue
            parent = parent.strip()
            if parent == unit_id:
                self.reader.fail(
                    f"{self.unit_where[unit_id]}.parent_id",
                    f"organization {unit_id!r} is its own parent",
                    "remove parent_id or name another organization",
                )
            elif not _gone_before(units, parent, founding):
                links[unit_id] = parent
        done: set[str] = set()
        for start in links:
            walked: dict[str, int] = {}
            cursor: str | None = start
            while cursor is not None and cursor not in done and cursor not in walked:
                walked[cursor] = len(walked)
                cursor = links.get(cursor)
            if cursor is not None and cursor in walked:
                chain = list(walked)[walked[cursor] :]
                self.reader.fail(
                    f"{self.unit_where[chain[0]]}.parent_id",
                    "parent cycle: " + " → ".join([*chain, chain[0]]),
                    "an organization cannot be inside itself; remove the parent_id of one of them",
                )
            done.update(walked)

    def build_units(self, units: dict[str, tuple[str, str | None, dict[str, Any]]]) -> None:
        reader = self.reader

        def lo(date: str) -> int:
            return parse_window(date).sort_day

        for unit_id, (founding, dissolution, item) in units.items():
            where = self.unit_where[unit_id]
            try:
                sources = reader.sources(item, {}, where)
                names, aliases, rest = reader.other_names(item, where)
                name = reader.text(item, "name", where) or unit_id
            except _Bad:
                continue
            aliases += [str(entry["name"]).strip() for entry in rest]
            classification = str(item.get("classification") or "").strip()
            kind = classification.casefold().replace(" ", "_").replace("-", "_")
            start = self.edge(founding, sources, 0, f"{where}.founding_date")
            end = (
                self.edge(dissolution, sources, 2, f"{where}.dissolution_date")
                if dissolution
                else None
            )
            unit = _Unit(unit_id, _Dated(start, end, ()), where)
            unit.names.append(_Dated(start, None, (name, names)))
            unit.kinds.append(_Dated(start, None, (kind if kind in UNIT_KINDS else "group",)))
            try:
                parent = reader.ident(item, "parent_id", where, required=False)
                description = reader.text(item, "description", where)
            except _Bad:
                continue
            gone = isinstance(parent, str) and _gone_before(units, parent, founding)
            if isinstance(parent, str) and parent in units and parent != unit_id and not gone:
                p_founding, p_dissolution, _ = units[parent]
                if lo(p_founding) > lo(founding) or (
                    lo(p_founding) == lo(founding) and p_founding != founding
                ):
                    joined = self.edge(p_founding, [], where=f"{where}.parent_id")
                    unit.parents.append(_Dated(start, joined, (None,)))
                    unit.parents.append(_Dated(joined, None, (parent,)))
                else:
                    unit.parents.append(_Dated(start, None, (parent,)))
                if p_dissolution and (
                    dissolution is None
                    or lo(p_dissolution) < lo(dissolution)
                    or (lo(p_dissolution) == lo(dissolution) and p_dissolution != dissolution)
                ):
                    left = self.edge(p_dissolution, [], where=f"{where}.parent_id")
                    unit.parents[-1].end = left
                    unit.parents.append(_Dated(left, None, (None,)))
            else:
                if parent is not None and parent not in units:
                    reader.fail(f"{where}.parent_id", f"unknown organization {parent!r}")
                unit.parents.append(_Dated(start, None, (None,)))
            self.history.units.append(unit)
            info: dict[str, Any] = {"id": unit_id}
            if aliases:
                info["aliases"] = aliases
            if description:
                info["description"] = description
            if classification and kind not in UNIT_KINDS:
                info["notes"] = f"Popolo classification: {classification}"
            self.history.where["unit", unit_id] = where
            if len(info) > 1:
                self.history.infos.append(info)
        self.history.units.sort(key=lambda u: lo(units[u.id][0]))


def _gone_before(
    units: dict[str, tuple[str, str | None, dict[str, Any]]], parent: str, founding: str
) -> bool:
    """Whether the organization ``parent`` is dissolved by the date ``founding``."""
    if parent not in units:
        return False
    dissolution = units[parent][1]
    return dissolution is not None and lo_of(dissolution) <= lo_of(founding)


# -- writing event files -------------------------------------------------------------------------


class _Writer:
    def __init__(self, history: _History, reader: _Reader) -> None:
        self.history = history
        self.reader = reader
        self.events = {e.id: e for e in history.events}
        self.phases: dict[str, list[list[dict[str, Any]]]] = {
            e.id: [[] for _ in range(6)] for e in history.events
        }
        self.origin: dict[int, str] = {}  # id(change) -> what in the document made it
        self.creations: dict[str, list[tuple[str, str | None, dict[str, Any]]]] = {}
        self.ends: dict[str, list[tuple[str, str | None, dict[str, Any]]]] = {}

    def confidence(self, edge: _Edge) -> dict[str, str]:
        own = self.events[edge.event].confidence
        return {"confidence": edge.confidence} if edge.confidence not in (None, own) else {}

    def add(self, edge: _Edge, phase: int, change: dict[str, Any]) -> None:
        change.update(self.confidence(edge))
        self.origin[id(change)] = edge.where
        self.phases[edge.event][phase].append(change)

    def build(self) -> None:
        for unit in self.history.units:
            self.unit(unit)
        for event_id, created in self.creations.items():
            parent_of = {unit: parent for unit, parent, _ in created}
            order, stuck = _ordered([(u, {p} if p else set(), c) for u, p, c in created])
            self.phases[event_id][0].extend(order)
            if stuck:
                chain = [stuck[0]]
                while (parent := parent_of.get(chain[-1])) is not None and parent not in chain:
                    chain.append(parent)
                chain = chain[chain.index(parent) :] if parent is not None else chain
                where = next(u.where for u in self.history.units if u.id == chain[0])
                self.reader.fail(
                    f"{where}.reorg.parents[0].parent_id",
                    f"parent cycle when event {event_id!r} creates them: "
                    + " → ".join([*chain, chain[0]]),
                    "an organization cannot be inside itself",
                )
        for event_id, ends in self.ends.items():
            # A unit ends before its parent and before the unit it merges into.
            after: dict[str, set[str]] = {unit_id: set() for unit_id, _, _ in ends}
            for unit_id, parent, end_change in ends:
                for other in (parent, end_change.get("into")):
                    if other in after:
                        after[other].add(unit_id)
            self.phases[event_id][5].extend(_ordered([(u, after[u], c) for u, _, c in ends])[0])
        early_ends, late_ends, vacancy_of = self.place_role_ends()
        for index, role in enumerate(self.history.roles):
            person, unit, title, head, shared = role.value
            change: dict[str, Any] = {
                "type": "role_assigned",
                "person": person,
                "unit": unit,
                "title": title,
            }
            if head:
                change["head"] = True
            if shared:
                change["shared"] = True
            self.add(role.start, 3, change)
            if role.end is None:
                continue
            role_end: dict[str, Any] = {
                "type": "role_ended",
                "person": person,
                "unit": unit,
                "title": title,
            }
            if role.end.reason:
                role_end["reason"] = role.end.reason
            if index in vacancy_of:
                role_end["vacancy"] = vacancy_of[index]
            if index in late_ends:
                phase = 4
            elif role.end.event == role.start.event:
                phase = 3 if index in early_ends else 4
            else:
                phase = 2
            self.add(role.end, phase, role_end)
        for line in self.history.lines:
            person, boss = line.value
            self.add(
                line.start, 3, {"type": "reporting_line_set", "person": person, "reports_to": boss}
            )
            if line.end is not None:
                phase = 3 if line.end.event == line.start.event else 2
                self.add(line.end, phase, {"type": "reporting_line_cleared", "person": person})
        self.order_moves()

    def order_moves(self) -> None:
        """Within each event, put the moves in an order that never makes a unit its own
        ancestor on the way (a unit leaves another before that one moves under it)."""
        parent: dict[str, str | None] = {}

        def cycle(unit: str, new_parent: str | None) -> bool:
            cursor, seen = new_parent, set()
            while cursor is not None and cursor not in seen:
                if cursor == unit:
                    return True
                seen.add(cursor)
                cursor = parent.get(cursor)
            return False

        for event in self.history.events:
            phases = self.phases[event.id]
            for change in phases[0]:
                parent[change["unit"]] = change.get("parent")
            moves = [c for c in phases[1] if c["type"] == "unit_moved"]
            ordered = [c for c in phases[1] if c["type"] != "unit_moved"]
            while moves:
                index = next(
                    (i for i, m in enumerate(moves) if not cycle(m["unit"], m["parent"])), 0
                )
                move = moves.pop(index)
                parent[move["unit"]] = move["parent"]
                ordered.append(move)
            phases[1] = ordered
            for change in phases[5]:
                parent.pop(change["unit"], None)

    def place_role_ends(self) -> tuple[set[int], set[int], dict[int, str]]:
        """Where each role's end goes among its event's changes.

        Ends normally come before the event's new roles (phase 2); a role that starts and ends
        in one event ends after all of them (phase 4), unless the same post is taken up again in
        that event, when it must end first. A vacancy is opened by one of the post's ends in its
        event: if it is filled in the same event that end must come before the new roles, if
        not, after them. Returns (early, late, vacancy by role index).
        """
        roles = self.history.roles
        ends_at: dict[tuple[str, str, str], list[int]] = {}
        starts_at: dict[tuple[str, tuple[Any, ...]], list[int]] = {}
        for index, role in enumerate(roles):
            starts_at.setdefault((role.start.event, role.value[:3]), []).append(index)
            if role.end is not None:
                ends_at.setdefault((role.end.event, role.value[1], role.value[2]), []).append(index)
        early: set[int] = set()
        late: set[int] = set()
        for index, role in enumerate(roles):
            if role.end is not None and any(
                other > index for other in starts_at.get((role.end.event, role.value[:3]), [])
            ):
                early.add(index)
        vacancy_of: dict[int, str] = {}
        for vacancy in self.history.vacancies:
            unit, title, holder = vacancy.value
            free = [
                i
                for i in ends_at.get((vacancy.start.event, unit, title), [])
                if i not in vacancy_of
            ]
            if not free:
                continue
            filled_here = vacancy.end is not None and vacancy.end.event == vacancy.start.event
            chosen = free[0] if filled_here else free[-1]
            vacancy_of[chosen] = holder
            if filled_here:
                early.add(chosen)
            elif chosen not in early:
                late.add(chosen)
        return early, late, vacancy_of

    def unit(self, unit: _Unit) -> None:
        life = unit.life
        first_name, first_kind, first_parent = unit.names[0], unit.kinds[0], unit.parents[0]
        name, names = first_name.value
        change: dict[str, Any] = {"type": "unit_created", "unit": unit.id, "name": name}
        if names:
            change["names"] = names
        change["kind"] = first_kind.value[0]
        if first_parent.value[0] is not None:
            change["parent"] = first_parent.value[0]
        change.update(self.confidence(life.start))
        self.origin[id(change)] = life.start.where
        self.creations.setdefault(life.start.event, []).append(
            (unit.id, first_parent.value[0], change)
        )
        for fact in unit.names[1:]:
            name, names = fact.value
            renamed: dict[str, Any] = {"type": "unit_renamed", "unit": unit.id, "name": name}
            if names:
                renamed["names"] = names
            self.add(fact.start, 1, renamed)
        for fact in unit.kinds[1:]:
            self.add(
                fact.start, 1, {"type": "unit_reclassified", "unit": unit.id, "kind": fact.value[0]}
            )
        for fact in unit.parents[1:]:
            self.add(
                fact.start, 1, {"type": "unit_moved", "unit": unit.id, "parent": fact.value[0]}
            )
        if life.end is not None:
            ended: dict[str, Any] = (
                {"type": "unit_merged", "unit": unit.id, "into": unit.merged_into}
                if unit.merged_into
                else {"type": "unit_dissolved", "unit": unit.id}
            )
            ended.update(self.confidence(life.end))
            self.origin[id(ended)] = life.end.where
            parent = unit.parents[-1].value[0]
            self.ends.setdefault(life.end.event, []).append((unit.id, parent, ended))

    def files(self, label: str) -> Imported:
        self.build()
        history = self.history
        registry = _source_registry(history)
        header = f"# Imported by 'reorg import popolo' from {label}.\n"
        files: dict[str, str] = {}
        origins: Origins = {}
        people: dict[str, Any] = {"people": []}
        for person in history.people:
            entry = dict(person)
            sources = history.person_sources.get(person["id"], [])
            if sources:
                entry["sources"] = [_source_ref(s, registry) for s in sources]
            people["people"].append(entry)
        if people["people"]:
            files["people.yaml"] = dump_yaml(people, header)
            origins["people.yaml"] = [
                (("people", i), history.where.get(("person", p["id"]), ""))
                for i, p in enumerate(history.people)
            ]
        if registry:
            files["sources.yaml"] = dump_yaml(
                {"sources": [source_dict(s) for s in registry.values()]}, header
            )
        if history.infos:
            infos = []
            for info in history.infos:
                entry = dict(info)
                sources = history.info_sources.get(info["id"], [])
                if sources:
                    entry["sources"] = [_source_ref(s, registry) for s in sources]
                infos.append(entry)
            files["units.yaml"] = dump_yaml({"units": infos}, header)
            origins["units.yaml"] = [
                (("units", i), history.where.get(("unit", info["id"]), ""))
                for i, info in enumerate(history.infos)
            ]
        by_file: dict[str, list[tuple[dict[str, Any], str, list[str]]]] = {}
        for event in history.events:
            record: dict[str, Any] = {"id": event.id, "date": event.date}
            if event.seq:
                record["seq"] = event.seq
            record["title"] = event.title
            if event.summary:
                record["summary"] = event.summary
            if event.notes:
                record["notes"] = event.notes
            record["confidence"] = event.confidence
            if event.announced:
                record["announced"] = event.announced
            if event.sources:
                record["sources"] = [_source_ref(s, registry) for s in event.sources]
            record["changes"] = [c for phase in self.phases[event.id] for c in phase]
            changes = [self.origin.get(id(c), "") for c in record["changes"]]
            # A plain document's events are made up: name the first record behind one instead.
            where = event.where or next((c for c in changes if c), "")
            by_file.setdefault(_file_for(event.date), []).append((record, where, changes))
        for stem, entries in by_file.items():
            try:
                parts = split_events(stem, [record for record, _, _ in entries], header)
            except ValueError as err:
                record, where, _ = entries[err.args[0]]
                raise EventFileError(
                    self.reader.places_problems(
                        where,
                        f"event {record['id']!r} has {len(record['changes'])} changes, too many "
                        "for one event file",
                        "split the document and import the parts into separate directories",
                    )
                ) from None
            for name, text, indexes in parts:
                files[name] = text
                records: list[tuple[tuple[str | int, ...], str]] = []
                for position, index in enumerate(indexes):
                    _, where, changes = entries[index]
                    records.append((("events", position), where))
                    records += [
                        (("events", position, "changes", j), origin)
                        for j, origin in enumerate(changes)
                    ]
                origins[name] = records
        return Imported(files, origins, self.reader.places)


def _file_for(date: str) -> str:
    """The events file (without ``.yaml``) for an event on ``date``: its year, or undated."""
    day = parse_window(date).sort_day
    if day in (NEG_INF, POS_INF) or day > dt.date.max.toordinal():
        return "undated"
    return f"{dt.date.fromordinal(day).year:04d}"


def _ordered(
    items: list[tuple[str, set[str], dict[str, Any]]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The changes of ``items`` (unit, units that must come first, change) in their order,
    moving a change after those it depends on (among the units listed), else keeping the given
    order; and the units left in a cycle, whose changes are appended in the given order."""
    index_of = {unit: i for i, (unit, _, _) in enumerate(items)}
    waiting = [0] * len(items)
    dependents: list[list[int]] = [[] for _ in items]
    for i, (unit, first, _) in enumerate(items):
        for other in first:
            if other != unit and other in index_of:
                waiting[i] += 1
                dependents[index_of[other]].append(i)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    emitted: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        emitted.append(i)
        for j in dependents[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    stuck = [i for i, count in enumerate(waiting) if count > 0]
    order = [items[i][2] for i in emitted + stuck]
    return order, [items[i][0] for i in stuck]


def _source_registry(history: _History) -> dict[str, Source]:
    seen: dict[str, Source] = {}
    clashes: set[str] = set()
    groups = [e.sources for e in history.events]
    groups += list(history.person_sources.values()) + list(history.info_sources.values())
    for group in groups:
        for source in group:
            if source.id is None:
                continue
            if source.id in seen and seen[source.id] != source:
                clashes.add(source.id)
            seen.setdefault(source.id, source)
    return {k: v for k, v in seen.items() if k not in clashes}


def _source_ref(source: Source, registry: dict[str, Source]) -> str | dict[str, str]:
    if source.id is not None and registry.get(source.id) == source:
        return source.id
    return source_dict(source)


def import_popolo(text: str, label: str) -> dict[str, str]:
    """Event files (relative path -> YAML text) rebuilding the history in a Popolo document.

    ``label`` names the input in messages. Raises :class:`EventFileError` listing every problem.
    """
    return convert_popolo(text, label).files


def convert_popolo(text: str, label: str) -> Imported:
    """:func:`import_popolo` with where each record of the files came from in the document,
    for :func:`~reorg_cli.interop.importing.check_imported`."""
    reader = _Reader(label, text)
    document = load_json(text, label)
    if not isinstance(document, dict):
        raise EventFileError(
            [Problem(Location(label, 1, 1), "$: a Popolo document must be a JSON object")]
        )
    extension = document.get("reorg")
    if isinstance(extension, dict) and extension.get("format") == "popolo":
        version = extension.get("format_version")
        if version != 1:
            reader.fail(
                "reorg.format_version",
                f"{version!r} is not supported",
                "this reorg reads format_version 1",
            )
            raise EventFileError(reader.problems)
    try:
        if isinstance(extension, dict) and extension.get("format") == "popolo":
            history = _Extended(reader, document).read()
        else:
            history = _Plain(reader, document).read()
    except _Bad:  # a problem outside any one record; it has been reported
        raise EventFileError(reader.problems) from None
    if reader.failures:
        raise EventFileError(reader.problems)
    files = _Writer(history, reader).files(label)
    if reader.failures:
        raise EventFileError(reader.problems)
    return files
