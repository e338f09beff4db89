"""Import an effective-dated HR export (CSV) as event files.

Each row is one dated action - a hire, transfer, promotion or leave, or a unit being created,
renamed, moved or dissolved (docs/interop.md, "Import an HR CSV"). Every row is checked against
the state the earlier rows built; if any row is bad, every bad row is reported as
``file:line:column: message`` and nothing is written. Reading the rows is
:mod:`reorg_cli.interop.hrcsv_rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from reorg_cli.events.chars import visible
from reorg_cli.events.errors import EventFileError, Location, Problem
from reorg_cli.events.loader import closest
from reorg_cli.events.writer import dump_yaml
from reorg_cli.interop.common import slug, unique
from reorg_cli.interop.hrcsv_rows import ACTIONS as ACTIONS
from reorg_cli.interop.hrcsv_rows import COLUMNS as COLUMNS
from reorg_cli.interop.hrcsv_rows import Bad, Row, RowReader
from reorg_cli.interop.importing import Imported, Origins, split_events

SOURCE_ID = "hr-export"


@dataclass(slots=True)
class _Unit:
    name: str
    parent: str | None
    line: int
    alive: bool = True


@dataclass(slots=True)
class _Person:
    name: str
    line: int
    names: list[str] = field(default_factory=list)
    employed: bool = False
    unit: str | None = None
    title: str | None = None
    manager: str | None = None


class _Importer(RowReader):
    def __init__(self, label: str, source_name: str) -> None:
        super().__init__(label)
        # The file's name goes into the generated text (notes, the source's title, a comment):
        # a line break or a control character in it would break the YAML or be refused by the
        # loader, so they are written as visible \uXXXX. The file: URL percent-encodes them.
        self.source_name = visible(source_name)
        self.source_url = "file:" + quote(source_name)
        self.units: dict[str, _Unit] = {}
        self.people: dict[str, _Person] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.event_lines: dict[str, list[int]] = {}  # the row behind each event
        self.event_ids: set[str] = set()

    # -- replaying -------------------------------------------------------------------------------
    def replay(self, rows: list[Row]) -> None:
        for row in sorted(rows, key=lambda r: (r.day, r.line)):
            handler = getattr(self, "do_" + row.action)
            try:
                title, changes, subject = handler(row)
            except Bad:
                continue
            base = f"{row.date}-{row.action.replace('_', '-')}-{slug(subject)}"
            event = {
                "id": unique(base, self.event_ids),
                "date": row.date,
                "title": title,
                "notes": f"{self.source_name} line {row.line}",
                "confidence": "confirmed",
                "sources": [SOURCE_ID],
                "changes": changes,
            }
            self.events.setdefault(row.date, []).append(event)
            self.event_lines.setdefault(row.date, []).append(row.line)

    def unit_alive(self, row: Row, unit_id: str, what: str = "unit") -> _Unit:
        column = row.col("parent_unit_id" if what == "parent unit" else "unit_id")
        unit = self.units.get(unit_id)
        if unit is None:
            raise self.fail(
                row.line,
                f"unknown {what} {unit_id!r}",
                closest(unit_id, self.units) or "create it first with a unit_create row",
                column,
            )
        if not unit.alive:
            raise self.fail(
                row.line,
                f"{what} {unit_id!r} was dissolved (line {unit.line})",
                "a dissolved unit cannot be used again; create a new unit with a new id",
                column,
            )
        return unit

    def employed(self, row: Row, person_id: str, what: str = "person") -> _Person:
        column = row.col("manager_id" if what == "manager" else "person_id")
        person = self.people.get(person_id)
        if person is None:
            raise self.fail(
                row.line,
                f"unknown {what} {person_id!r}",
                closest(person_id, self.people) or "hire them first",
                column,
            )
        if not person.employed:
            raise self.fail(
                row.line,
                f"{what} {person_id!r} is not employed on {row.date}",
                "they have left; a hire row brings them back",
                column,
            )
        return person

    def check_manager(self, row: Row, person_id: str, manager_id: str) -> None:
        column = row.col("manager_id")
        if manager_id == person_id:
            raise self.fail(
                row.line,
                f"{person_id!r} cannot be their own manager",
                "leave manager_id empty or name someone else",
                column,
            )
        self.employed(row, manager_id, "manager")
        chain, cursor = [manager_id], self.people[manager_id].manager
        while cursor is not None:
            chain.append(cursor)
            if cursor == person_id:
                raise self.fail(
                    row.line,
                    "reporting cycle: " + " → ".join([person_id, *chain]),
                    "someone in the chain must report to another manager first",
                    column,
                )
            cursor = self.people[cursor].manager if cursor in self.people else None

    def target_unit(self, row: Row, changes: list[dict[str, Any]]) -> _Unit:
        """The row's unit; an unknown unit with a unit_name is created on the spot."""
        unit_id = row.get("unit_id")
        if unit_id not in self.units and row.get("unit_name"):
            parent = row.get("parent_unit_id") or None
            if parent is not None:
                self.unit_alive(row, parent, "parent unit")
            changes.append(self.create_unit(row, unit_id, row.get("unit_name"), parent))
        return self.unit_alive(row, unit_id)

    def create_unit(self, row: Row, unit_id: str, name: str, parent: str | None) -> dict[str, Any]:
        self.units[unit_id] = _Unit(name, parent, row.line)
        change: dict[str, Any] = {
            "type": "unit_created",
            "unit": unit_id,
            "name": name,
            "kind": "company" if parent is None else "department",
        }
        if parent is not None:
            change["parent"] = parent
        return change

    def note_name(self, row: Row, person: _Person) -> None:
        name = row.get("person_name")
        if name and name != person.name:
            person.names.append(person.name)
            person.name = name

    def manager_change(self, row: Row, person_id: str, person: _Person) -> list[dict[str, Any]]:
        manager = row.get("manager_id")
        if not manager or manager == person.manager:
            return []
        self.check_manager(row, person_id, manager)
        person.manager = manager
        return [{"type": "reporting_line_set", "person": person_id, "reports_to": manager}]

    def do_hire(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        person_id, title = row.get("person_id"), row.get("title")
        person = self.people.get(person_id)
        if person is not None and person.employed:
            raise self.fail(
                row.line,
                f"{person_id!r} is already employed (hired on line {person.line})",
                "use transfer or promote to change their role",
                row.col("person_id"),
            )
        if person is None and not row.get("person_name"):
            raise self.fail(
                row.line,
                "hire needs person_name for a new person",
                "fill in person_name",
                row.col("person_name"),
            )
        changes: list[dict[str, Any]] = []
        unit = self.target_unit(row, changes)
        manager = row.get("manager_id")
        if manager:
            self.check_manager(row, person_id, manager)
        if person is None:
            person = _Person(row.get("person_name"), row.line)
            self.people[person_id] = person
        self.note_name(row, person)
        person.employed, person.unit, person.title, person.line = (
            True,
            row.get("unit_id"),
            title,
            row.line,
        )
        person.manager = None
        changes.append(
            {
                "type": "role_assigned",
                "person": person_id,
                "unit": row.get("unit_id"),
                "title": title,
                "shared": True,
            }
        )
        changes += self.manager_change(row, person_id, person)
        return f"{person.name} hired as {title}, {unit.name}", changes, person_id

    def move_person(self, row: Row, verb: str) -> tuple[str, list[dict[str, Any]], str]:
        person_id = row.get("person_id")
        person = self.employed(row, person_id)
        unit_id = row.get("unit_id") or person.unit or ""
        title = row.get("title") or person.title or ""
        same_post = (unit_id, title) == (person.unit, person.title)
        manager = row.get("manager_id")
        if same_post and (not manager or manager == person.manager):
            raise self.fail(
                row.line,
                f"{verb} changes nothing: {person_id!r} is already {title} in {unit_id!r}",
                "give a new unit_id, title or manager_id, or remove the row",
                row.col("unit_id" if verb == "transfer" else "title"),
            )
        if manager and manager != person.manager:
            self.check_manager(row, person_id, manager)
        row.cells["unit_id"] = unit_id
        changes: list[dict[str, Any]] = []
        unit = self.target_unit(row, changes)
        self.note_name(row, person)
        if not same_post:
            changes.append(
                {
                    "type": "role_ended",
                    "person": person_id,
                    "unit": person.unit,
                    "title": person.title,
                }
            )
            changes.append(
                {
                    "type": "role_assigned",
                    "person": person_id,
                    "unit": unit_id,
                    "title": title,
                    "shared": True,
                }
            )
        changes += self.manager_change(row, person_id, person)
        person.unit, person.title = unit_id, title
        if same_post:
            boss = self.people[manager].name
            summary = f"{person.name} now reports to {boss}"
        elif verb == "promote":
            summary = f"{person.name} promoted to {title}, {unit.name}"
        else:
            summary = f"{person.name} transferred to {unit.name} as {title}"
        return summary, changes, person_id

    def do_transfer(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        return self.move_person(row, "transfer")

    def do_promote(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        return self.move_person(row, "promote")

    def do_leave(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        person_id = row.get("person_id")
        person = self.employed(row, person_id)
        person.employed, person.unit, person.title, person.manager = False, None, None, None
        return f"{person.name} left", [{"type": "person_left", "person": person_id}], person_id

    def do_unit_create(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        unit_id, name = row.get("unit_id"), row.get("unit_name")
        if unit_id in self.units:
            raise self.fail(
                row.line,
                f"unit {unit_id!r} already exists (created on line {self.units[unit_id].line})",
                "a unit id can be created only once; use a new id",
                row.col("unit_id"),
            )
        parent = row.get("parent_unit_id") or None
        parent_name = self.unit_alive(row, parent, "parent unit").name if parent else None
        change = self.create_unit(row, unit_id, name, parent)
        title = f"{name} created" + (f" under {parent_name}" if parent_name else "")
        return title, [change], unit_id

    def do_unit_rename(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        unit_id, name = row.get("unit_id"), row.get("unit_name")
        unit = self.unit_alive(row, unit_id)
        if name == unit.name:
            raise self.fail(
                row.line,
                f"unit {unit_id!r} is already named {name!r}",
                "give a new unit_name, or remove the row",
                row.col("unit_name"),
            )
        old, unit.name = unit.name, name
        return (
            f"{old} renamed {name}",
            [{"type": "unit_renamed", "unit": unit_id, "name": name}],
            unit_id,
        )

    def do_unit_move(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        unit_id = row.get("unit_id")
        unit = self.unit_alive(row, unit_id)
        parent = row.get("parent_unit_id") or None
        if parent == unit.parent:
            raise self.fail(
                row.line,
                f"unit {unit_id!r} is already under {parent or 'the top level'!r}",
                "give a new parent_unit_id, or remove the row",
                row.col("parent_unit_id"),
            )
        if parent is not None:
            self.unit_alive(row, parent, "parent unit")
            cursor: str | None = parent
            while cursor is not None:
                if cursor == unit_id:
                    raise self.fail(
                        row.line,
                        f"unit {unit_id!r} cannot move under its own sub-unit {parent!r}",
                        "move the sub-unit out first",
                        row.col("parent_unit_id"),
                    )
                cursor = self.units[cursor].parent
        unit.parent = parent
        where = self.units[parent].name if parent else "the top level"
        return (
            f"{unit.name} moved to {where}",
            [{"type": "unit_moved", "unit": unit_id, "parent": parent}],
            unit_id,
        )

    def do_unit_dissolve(self, row: Row) -> tuple[str, list[dict[str, Any]], str]:
        unit_id = row.get("unit_id")
        unit = self.unit_alive(row, unit_id)
        staff = sorted(p for p, s in self.people.items() if s.employed and s.unit == unit_id)
        if staff:
            shown = ", ".join(staff[:3]) + (f" and {len(staff) - 3} more" if len(staff) > 3 else "")
            raise self.fail(
                row.line,
                f"unit {unit_id!r} still has people: {shown}",
                "transfer them (or record their leaving) before the unit is dissolved",
                row.col("unit_id"),
            )
        children = sorted(u for u, s in self.units.items() if s.alive and s.parent == unit_id)
        if children:
            raise self.fail(
                row.line,
                f"unit {unit_id!r} still has sub-units: {', '.join(children)}",
                "move or dissolve them first",
                row.col("unit_id"),
            )
        unit.alive = False
        return f"{unit.name} dissolved", [{"type": "unit_dissolved", "unit": unit_id}], unit_id

    # -- writing -------------------------------------------------------------------------------
    def files(self, rows: int) -> Imported:
        source_name = self.source_name
        header = f"# Imported by 'reorg import csv' from {source_name}.\n"
        people = []
        for person_id, person in self.people.items():
            entry: dict[str, Any] = {"id": person_id, "name": person.name}
            aliases = [n for n in dict.fromkeys(person.names) if n != person.name]
            if aliases:
                entry["aliases"] = aliases
            people.append(entry)
        files = {}
        if people:
            files["people.yaml"] = dump_yaml({"people": people}, header)
        source = {
            "id": SOURCE_ID,
            "url": self.source_url,
            "publisher": "HR export",
            "title": source_name,
            "note": f"{rows} rows imported with reorg import csv",
        }
        files["sources.yaml"] = dump_yaml({"sources": [source]}, header)
        origins: Origins = {}
        for date in sorted(self.events):
            lines = self.event_lines[date]
            try:
                parts = split_events(date, self.events[date], header)
            except ValueError as err:
                line = lines[err.args[0]]
                raise EventFileError(
                    [
                        Problem(
                            Location(self.label, line, 1),
                            "this row makes too large an event",
                            "shorten its names and title",
                        )
                    ]
                ) from None
            for name, text, indexes in parts:
                files[name] = text
                origins[name] = [
                    (("events", position), str(lines[index]))
                    for position, index in enumerate(indexes)
                ]
        return Imported(files, origins, self.places)

    def places(self, origins: list[str]) -> dict[str, tuple[Location, str]]:
        """The row of each origin (a row number), for :func:`check_imported`."""
        return {origin: (Location(self.label, int(origin), 1), "") for origin in origins}


def import_hr_csv(data: bytes, label: str, source_name: str) -> dict[str, str]:
    """Event files (relative path -> YAML text) for the HR export ``data``.

    ``label`` names the file in messages (``label:line:column: message``); ``source_name`` is
    the file name recorded as the events' source. Raises :class:`EventFileError` listing every
    bad row.
    """
    return convert_hr_csv(data, label, source_name).files


def convert_hr_csv(data: bytes, label: str, source_name: str) -> Imported:
    """:func:`import_hr_csv` with the row behind each event, for
    :func:`~reorg_cli.interop.importing.check_imported`."""
    importer = _Importer(label, source_name)
    rows = importer.read(data)
    if not importer.problems:
        if not rows:
            importer.fail(1, "the file has no rows after the header")
        importer.replay(rows)
    if importer.problems:
        importer.problems.sort(key=lambda p: p.location.line)
        raise EventFileError(importer.problems)
    return importer.files(len(rows))
