"""Reading a Popolo document into a history: a document written by reorg (exact) or a plain one
(rough); part of :mod:`reorg_cli.interop.popolo_import`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from reorg_cli.events.dates import DateSyntaxError, parse_partial, parse_window
from reorg_cli.events.loader import LANG_RE
from reorg_cli.events.model import UNIT_KINDS, Source
from reorg_cli.interop.common import slug
from reorg_cli.interop.popolo_records import (
    _PLAIN_CONFIDENCE,
    _Bad,
    _Dated,
    _Edge,
    _Event,
    _extension,
    _History,
    _Reader,
    _Unit,
)

#: The longest one-line text (a name, title, id, url...) an import takes, in characters.
MAX_LINE_CHARS = 4096
#: The longest text that may hold line breaks (``summary``, ``description``, ``notes``).
MAX_TEXT_CHARS = 1 << 20
#: The keys whose text may hold line breaks and tabs, as in event files.
MULTILINE_KEYS = frozenset({"summary", "description", "notes"})
# Control characters (tab and line feed only in multi-line text), DEL, C1 controls, the
# bidirectional formatting marks, the line and paragraph separators, and lone surrogates
# (JSON's "\ud800" decodes to one; no UTF-8 file can hold it).
_FORBIDDEN_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_FORBIDDEN_TEXT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]"
)


class _CheckedReader(_Reader):
    """The document reader, checking every text it hands out where it is read, under its own
    JSON path: its length, and no control, bidirectional-override or lone surrogate
    character (the event loader would reject them only later, at a record's first field)."""

    def text(self, item: dict[str, Any], key: str, where: str, *, required: bool = False) -> Any:
        value = super().text(item, key, where, required=required)
        if value is not None:
            self.check(value, f"{where}.{key}", multiline=key in MULTILINE_KEYS)
        return value

    def check(self, value: str, where: str, *, multiline: bool = False) -> None:
        """Fail at ``where`` if ``value`` is too long or holds a character event files refuse."""
        limit = MAX_TEXT_CHARS if multiline else MAX_LINE_CHARS
        if len(value) > limit:
            raise self.fail(
                where,
                f"text is {len(value):,} characters; imported text is limited to {limit:,}",
                "shorten it; docs/interop.md, 'What the importers accept', lists the limits",
            )
        bad = (_FORBIDDEN_TEXT if multiline else _FORBIDDEN_LINE).search(value)
        if bad is not None:
            char = bad.group()
            what = (
                "a lone surrogate"
                if "\ud800" <= char <= "\udfff"
                else "a line break"
                if char in "\n\r\u2028\u2029"
                else "the bidirectional formatting character"
                if char in "\u061c\u200e\u200f" or "\u202a" <= char <= "\u2069"
                else "the control character"
            )
            raise self.fail(
                where,
                f"text contains {what} U+{ord(char):04X} at character {bad.start() + 1}",
                "remove it; control and bidirectional-override characters are not allowed"
                + ("" if multiline else ", nor line breaks outside summary, description, notes"),
            )


# -- documents written by reorg ------------------------------------------------------------------


def _check(reader: _Reader, value: str, where: str) -> None:
    if isinstance(reader, _CheckedReader):
        reader.check(value, where)


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
            for lang, other in names.items():
                _check(reader, other, f"{spot}.names.{lang}")
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
        for i, alias in enumerate(aliases):
            _check(reader, alias, f"{where}.reorg.aliases[{i}]")
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
