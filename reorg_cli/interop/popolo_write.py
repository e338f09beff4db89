"""Writing the history read from a Popolo document as event files (part of
:mod:`reorg_cli.interop.popolo_import`).
"""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Any

from reorg_cli.events import yamlfile
from reorg_cli.events.chars import visible
from reorg_cli.events.dates import NEG_INF, POS_INF, parse_window
from reorg_cli.events.errors import EventFileError
from reorg_cli.events.model import Source
from reorg_cli.events.writer import dump_yaml
from reorg_cli.interop.common import source_dict
from reorg_cli.interop.importing import Imported, Origins, split_events
from reorg_cli.interop.popolo_order import plan_roles
from reorg_cli.interop.popolo_records import _Edge, _History, _Reader, _Unit

_MERGED = "unit merged into "  # the start of the reason a merge gives the facts it ends

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
        #: (event, unit) -> the unit's renames in the event, in order, and its name before them
        self.renames: dict[tuple[str, str], tuple[str, list[dict[str, Any]]]] = {}

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
            seen = self.names_seen(event_id)
            # Merges into a unit renamed in this event go in the order of the names they saw.
            ends = sorted(ends, key=lambda end: seen.get(end[0], (0, ""))[0])
            ordered = _ordered([(u, after[u], c) for u, _, c in ends])[0]
            self.phases[event_id][5].extend(self.with_late_renames(event_id, ordered, seen))
        for steps in plan_roles(self.history, self.effective).values():
            for phase, (kind, index, vacancy) in steps:
                self.role_change(index, kind, phase, vacancy)
        # Reporting lines: ends of earlier lines first, then the lines set and ended in this
        # event (each set and at once cleared), then the lines that stay. Every state on the
        # way has fewer lines than one the original replay passed through (docs/interop.md,
        # "Changes inside one event"), so no order of the original makes a cycle here.
        stays = {e: len(p[3]) for e, p in self.phases.items()}  # where the fleeting lines go
        fleeting = []
        for line in self.history.lines:
            person, boss = line.value
            if line.end is not None and line.end.event == line.start.event:
                fleeting.append(line)
                continue
            self.add(
                line.start, 3, {"type": "reporting_line_set", "person": person, "reports_to": boss}
            )
            if line.end is not None:
                self.add(line.end, 2, {"type": "reporting_line_cleared", "person": person})
        for line in fleeting:
            assert line.end is not None
            person, boss = line.value
            pair = [
                {"type": "reporting_line_set", "person": person, "reports_to": boss},
                {"type": "reporting_line_cleared", "person": person},
            ]
            for edge, change in zip((line.start, line.end), pair, strict=True):
                change.update(self.confidence(edge))
                self.origin[id(change)] = edge.where
            at = stays[line.start.event]
            self.phases[line.start.event][3][at:at] = pair
            stays[line.start.event] = at + 2
        self.order_moves()

    def names_seen(self, event_id: str) -> dict[str, tuple[int, str]]:
        """For each unit merged in the event into a unit renamed in it: which of the
        successor's names in the event (0: its name before the event, k: after its k-th
        rename) the merge saw, and that name.

        A merge closes the merged unit's open vacancies with the reason "unit merged into
        NAME", NAME being the successor's name at that moment: the document keeps that
        reason, not the order of the merge and the rename inside the event."""
        seen: dict[str, tuple[int, str]] = {}
        merged_into = {u.id: u.merged_into for u in self.history.units if u.merged_into}
        for vacancy in self.history.vacancies:
            end, unit = vacancy.end, str(vacancy.value[0])
            if end is None or end.event != event_id or not end.reason or unit in seen:
                continue
            renamed = self.renames.get((event_id, merged_into.get(unit, "")))
            if renamed is None or not end.reason.startswith(_MERGED):
                continue
            before, changes = renamed
            names = [before, *(c["name"] for c in changes)]
            name = end.reason[len(_MERGED) :]
            if name in names:
                seen[unit] = (names.index(name), name)
        return seen

    def with_late_renames(
        self, event_id: str, ends: list[dict[str, Any]], seen: dict[str, tuple[int, str]]
    ) -> list[dict[str, Any]]:
        """The event's unit ends (in order), with the renames of a unit that another unit
        merges into moved among them when the merge saw an earlier name (``seen``, from
        :meth:`names_seen`).

        Renames come before the ends by default; when a merge saw an earlier name of its
        successor, the successor's renames in the event are taken out of the renames phase
        and put back among the ends: before each merge into it up to the name it saw, the
        rest before the successor's own end or after the last end. A rename changes nothing
        but the names, so only the names move."""
        held: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
        for change in ends:
            into = change.get("into")
            if not isinstance(into, str) or into in held or change["unit"] not in seen:
                continue
            before, changes = self.renames[event_id, into]
            if seen[change["unit"]][1] != changes[-1]["name"]:
                held[into] = ([before, *(c["name"] for c in changes)], list(changes))
                moved = {id(c) for c in changes}
                phase = self.phases[event_id][1]
                phase[:] = [c for c in phase if id(c) not in moved]
        if not held:
            return ends
        result: list[dict[str, Any]] = []

        def release(unit: str, upto: str | None) -> None:
            """Put back ``unit``'s held renames until its name is ``upto`` (None: all)."""
            names, changes = held[unit]
            done = len(names) - 1 - len(changes)  # renames already put back
            stop = len(changes) + done
            if upto is not None:
                stop = next((k for k in range(done, len(names)) if names[k] == upto), done)
            result.extend(changes[: stop - done])
            del changes[: stop - done]

        for change in ends:
            into = change.get("into")
            if isinstance(into, str) and into in held and change["unit"] in seen:
                release(into, seen[change["unit"]][1])
            if change["unit"] in held:
                release(change["unit"], None)
            result.append(change)
        for unit in held:
            release(unit, None)
        return result

    def effective(self, edge: _Edge) -> str:
        """The confidence a change made for ``edge`` replays with."""
        return edge.confidence or self.events[edge.event].confidence

    def role_change(self, index: int, kind: str, phase: int, vacancy: str | None) -> None:
        """Add the start or the end of the role ``index`` to its event's ``phase``."""
        role = self.history.roles[index]
        person, unit, title, head, shared = role.value
        change: dict[str, Any] = {
            "type": "role_assigned" if kind == "start" else "role_ended",
            "person": person,
            "unit": unit,
            "title": title,
        }
        if kind == "start":
            if head:
                change["head"] = True
            if shared:
                change["shared"] = True
            self.add(role.start, phase, change)
            return
        assert role.end is not None
        if role.end.reason:
            change["reason"] = role.end.reason
        if vacancy is not None:
            change["vacancy"] = vacancy
        self.add(role.end, phase, change)

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
        for before, fact in zip(unit.names, unit.names[1:], strict=False):
            name, names = fact.value
            renamed: dict[str, Any] = {"type": "unit_renamed", "unit": unit.id, "name": name}
            if names:
                renamed["names"] = names
            self.add(fact.start, 1, renamed)
            key = (fact.start.event, unit.id)
            self.renames.setdefault(key, (str(before.value[0]), []))[1].append(renamed)
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
        # A line break in the file's name would end the comment and break the YAML.
        header = f"# Imported by 'reorg import popolo' from {visible(label)}.\n"
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
                size = len(dump_yaml({"events": [record]}).encode("utf-8"))
                raise EventFileError(
                    self.reader.places_problems(
                        where,
                        f"event {record['id']!r} ({len(record['changes'])} changes) would be "
                        f"{size:,} bytes of YAML, over the {yamlfile.MAX_FILE_BYTES:,}-byte "
                        "limit of one event file",
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
