"""The records a Popolo import reads into, and the reader that checks a document's values and
reports problems at their place in the JSON (part of :mod:`reorg_cli.interop.popolo_import`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reorg_cli.events.dates import DateSyntaxError, parse_partial, parse_window
from reorg_cli.events.errors import Location, Problem
from reorg_cli.events.loader import ID_RE, LANG_RE
from reorg_cli.events.model import Source
from reorg_cli.interop.jsonread import format_path, locate, parse_path

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
