"""An independent oracle for the replay: generated histories checked against a reference model
that shares nothing with the engine's date handling (issue 10).

The reference model is written to be obviously right rather than fast:

- dates are only ``YYYY-MM-DD``, ``YYYY-MM`` and ``YYYY``, turned into a first and last day
  here with :mod:`datetime` and :mod:`calendar` (not with ``reorg_cli.events.dates``);
- the replay order is the documented one, written out: first day, then ``seq``, then the
  file's name, then the position in the file; the generator leaves ``seq`` out on purpose, so
  events of the same first day are ordered only by file and position;
- a correction replaces the event it corrects (at the correction's date), a retracted event is
  dropped;
- the state at the end of a day where no event's window is open is the plain replay of the
  events that ended by then, and every fact in it is certain;
- on a day inside exactly one event's window, what that event creates, ends or touches is
  uncertain, and everything the replays with and without it agree on and it does not touch is
  certain;
- a role or reporting line says the confidence of the change that started it (a change's own
  ``confidence``, else its event's).

Histories come from :class:`tests.strategies.NaiveOrg`, which only knows which changes are
valid next; it knows nothing about dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.timeline import Timeline, load_timeline
from tests.conftest import examples
from tests.strategies import NaiveOrg, flow, pick_change, registry_yaml, scalar, write_files

EXAMPLES = examples(int(os.environ.get("REORG_PROPERTY_EXAMPLES", "300")))
CONFIDENCES = ("uncertain", "reported", "confirmed")
#: Dates in replay order of their first day; a month and its first day share a first day.
DATES = (
    "2023",
    "2024-01",
    "2024-01-01",
    "2024-01-31",
    "2024-02",
    "2024-02-28",
    "2024-02-29",
    "2024-03-01",
    "2024-12-31",
    "2025-01-01",
)


def first_and_last_day(text: str) -> tuple[dt.date, dt.date]:
    """The window of a date as written: a day, a month or a year."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


@dataclass(frozen=True)
class OracleEvent:
    """One generated event, where it is written, and what it does."""

    id: str
    date: str
    file: str
    changes: tuple[dict[str, Any], ...]
    confidence: str
    corrects: str | None = None
    retracts: str | None = None

    @property
    def first(self) -> dt.date:
        return first_and_last_day(self.date)[0]

    @property
    def last(self) -> dt.date:
        return first_and_last_day(self.date)[1]


def build(draw: st.DrawFn) -> list[OracleEvent]:
    """Events in the order they are meant to replay, each valid after those before it."""

    def pick(options: Any) -> Any:
        return draw(st.sampled_from(list(options)))

    org = NaiveOrg()
    events: list[OracleEvent] = []
    position = 0
    file_index = 0
    for index in range(draw(st.integers(1, 9))):
        position = min(position + pick((0, 0, 1, 1, 2)), len(DATES) - 1)
        file_index = min(file_index + pick((0, 0, 1)), 2)
        # Events of one first day stay in file order: a later one is never in an earlier file.
        date = DATES[position]
        kind = pick(("plain", "plain", "plain", "rumour", "corrected"))

        def changes(model: NaiveOrg) -> tuple[dict[str, Any], ...]:
            made = []
            for _ in range(pick((1, 1, 2, 3))):
                change = NaiveOrg.complete(pick_change(model, pick), pick, model)
                model.apply(change)
                if pick((False, False, True)):
                    change = {**change, "confidence": pick(CONFIDENCES)}
                made.append(change)
            return tuple(made)

        event_id = f"e{index}"
        confidence = pick(CONFIDENCES)
        if kind == "plain":
            events.append(
                OracleEvent(event_id, date, f"f{file_index}.yaml", changes(org), confidence)
            )
            continue
        # A rumour (later retracted) or a first report (later corrected): built on a copy, so
        # the history stays valid without it. Its fix comes later, in the same or a later file.
        dropped = OracleEvent(
            event_id, date, f"f{file_index}.yaml", changes(org.copy()), confidence
        )
        events.append(dropped)
        position = min(position + pick((0, 1, 2)), len(DATES) - 1)
        file_index = min(file_index + pick((0, 1)), 2)
        fix_date = DATES[position]
        fix_file = f"f{file_index}.yaml"
        if kind == "rumour":
            events.append(
                OracleEvent(f"{event_id}-r", fix_date, fix_file, (), "confirmed", retracts=event_id)
            )
        else:
            events.append(
                OracleEvent(
                    f"{event_id}-c", fix_date, fix_file, changes(org), confidence, corrects=event_id
                )
            )
    return events


#: Histories for the oracle (and for the Popolo round trip).
oracle_histories = st.composite(build)


def files_of(events: list[OracleEvent]) -> dict[str, str]:
    """The events as YAML files (no ``seq``: order inside a day is by file and position)."""
    texts: dict[str, list[str]] = {"f0.yaml": [], "f1.yaml": [], "f2.yaml": []}
    for event in events:
        lines = [
            f"  - id: {event.id}",
            f"    date: {event.date}",
            f"    title: {scalar('Event ' + event.id)}",
            f"    confidence: {event.confidence}",
            "    sources: [s1]",
        ]
        if event.corrects:
            lines.append(f"    corrects: {event.corrects}")
        if event.retracts:
            lines.append(f"    retracts: {event.retracts}")
        else:
            lines.append("    changes:")
            lines += [f"      - {flow(change)}" for change in event.changes]
        texts[event.file].append("\n".join(lines) + "\n")
    result = {"people.yaml": registry_yaml()}
    for name, items in texts.items():
        result[name] = "events:\n" + "".join(items) if items else "events: []\n"
    return result


def replayed(events: list[OracleEvent]) -> list[OracleEvent]:
    """The events the replay applies, in the documented order."""
    dropped = {e.corrects for e in events if e.corrects} | {
        e.retracts for e in events if e.retracts
    }
    kept = [e for e in events if e.id not in dropped]
    position = {e.id: (e.file, i) for i, e in enumerate(events)}  # written in generation order
    return sorted(kept, key=lambda e: (e.first, position[e.id]))


@dataclass
class Snapshot:
    """What the reference model says holds: roles and lines with their confidence."""

    roles: dict[tuple[str, str, str], str]
    lines: dict[str, tuple[str, str]]
    units: set[str]


def replay(events: list[OracleEvent]) -> Snapshot:
    """Apply the changes of ``events`` in order, the obvious way."""
    org = NaiveOrg()
    role_confidence: dict[tuple[str, str, str], str] = {}
    line_confidence: dict[str, str] = {}
    for event in events:
        for change in event.changes:
            org.apply(change)
            confidence = change.get("confidence", event.confidence)
            if change["type"] == "role_assigned":
                role_confidence[(change["person"], change["unit"], change["title"])] = confidence
            elif change["type"] == "reporting_line_set":
                line_confidence[change["person"]] = confidence
    return Snapshot(
        roles={key: role_confidence[key] for key in org.roles},
        lines={person: (boss, line_confidence[person]) for person, boss in org.reports.items()},
        units=set(org.units),
    )


def touched(event: OracleEvent) -> tuple[set[str], set[tuple[str, str, str]], set[str], set[str]]:
    """Units, roles, reporting lines (by person) and people leaving that an event creates, ends
    or changes; a unit that ends takes its roles with it, a person who leaves their roles and
    line."""
    units: set[str] = set()
    roles: set[tuple[str, str, str]] = set()
    lines: set[str] = set()
    leavers: set[str] = set()
    for change in event.changes:
        kind = change["type"]
        if kind in ("unit_created", "unit_merged", "unit_dissolved"):
            units.add(change["unit"])
        elif kind in ("role_assigned", "role_ended"):
            roles.add((change["person"], change["unit"], change["title"]))
        elif kind in ("reporting_line_set", "reporting_line_cleared"):
            lines.add(change["person"])
        elif kind == "person_left":
            leavers.add(change["person"])
    return units, roles, lines, leavers


def observed(timeline: Timeline, day: dt.date) -> dict[str, dict[Any, Any]]:
    state = timeline.state_at(day.toordinal())
    return {
        "units": {u.id: u.presence for u in state.units.values()},
        "roles": {
            (r.person, r.unit, r.title): (r.presence, r.confidence.label) for r in state.roles
        },
        "lines": {
            r.person: (r.reports_to, r.presence, r.confidence.label) for r in state.reporting_lines
        },
    }


def expected_certain(snapshot: Snapshot) -> dict[str, dict[Any, Any]]:
    return {
        "units": dict.fromkeys(snapshot.units, Presence.PRESENT),
        "roles": {key: (Presence.PRESENT, conf) for key, conf in snapshot.roles.items()},
        "lines": {
            person: (boss, Presence.PRESENT, conf)
            for person, (boss, conf) in snapshot.lines.items()
        },
    }


#: Found by make explore (seed 319368352): a line set inside a window while a role is held does
#: not make the role uncertain (the reference first said it did).
FOUND_BY_EXPLORE = [
    OracleEvent("e0", "2023", "f0.yaml", ({"type": "person_left", "person": "ann"},), "uncertain"),
    OracleEvent("e0-r", "2024-01-01", "f0.yaml", (), "confirmed", retracts="e0"),
    OracleEvent(
        "e2",
        "2024-01-01",
        "f0.yaml",
        ({"type": "unit_created", "unit": "u1", "parent": None, "name": "Alpha", "kind": "lab"},),
        "uncertain",
    ),
    OracleEvent(
        "e5",
        "2024-01-31",
        "f0.yaml",
        ({"type": "role_assigned", "person": "ann", "unit": "u1", "title": "Head", "head": False},),
        "uncertain",
    ),
    OracleEvent(
        "e6",
        "2024-02",
        "f0.yaml",
        ({"type": "reporting_line_set", "person": "ann", "reports_to": "bo"},),
        "uncertain",
    ),
]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(oracle_histories())
@example(FOUND_BY_EXPLORE)
def test_the_replay_agrees_with_the_reference_model(events: list[OracleEvent]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        timeline = load_timeline(write_files(Path(tmp) / "events", files_of(events)))
    order = replayed(events)
    assert [e.id for e in timeline.order] == [e.id for e in order]
    days = {d for e in order for d in (e.first - dt.timedelta(1), e.first, e.last)}
    days |= {e.last + dt.timedelta(1) for e in order}
    for day in sorted(days):
        open_events = [e for e in order if e.first <= day < e.last]
        done = [e for e in order if e.last <= day]
        if not open_events:
            assert observed(timeline, day) == expected_certain(replay(done)), day
            continue
        if len(open_events) > 1:
            continue  # several windows open at once: the reference does not go there
        (event,) = open_events
        if any(order.index(e) > order.index(event) for e in done):
            continue  # an event replayed later but already over: nor there
        without = replay([e for e in order if e.last <= day])
        with_it = replay([e for e in order if e.last <= day or e is event])
        units, roles, lines, leavers = touched(event)
        seen = observed(timeline, day)
        for unit in without.units | with_it.units:
            sure = unit in without.units and unit in with_it.units and unit not in units
            assert seen["units"].get(unit) == (Presence.PRESENT if sure else Presence.UNCERTAIN), (
                day,
                unit,
            )
        assert set(seen["units"]) == without.units | with_it.units, day
        for key in set(without.roles) | set(with_it.roles):
            sure = (
                key in without.roles
                and key in with_it.roles
                and key not in roles
                and key[0] not in leavers
                and key[1] not in units
            )
            if key[1] in seen["units"]:
                assert seen["roles"][key][0] == (
                    Presence.PRESENT if sure else Presence.UNCERTAIN
                ), (day, key)
        assert set(seen["roles"]) <= set(without.roles) | set(with_it.roles), day
        assert set(seen["lines"]) == set(without.lines) | set(with_it.lines), day
        for person, (boss, presence, confidence) in seen["lines"].items():
            before, after = without.lines.get(person), with_it.lines.get(person)
            if before == after and person not in lines | leavers:
                assert before == (boss, confidence) and presence is Presence.PRESENT, day
            else:
                assert presence is Presence.UNCERTAIN, (day, person)
                assert boss in {line[0] for line in (before, after) if line is not None}, day
