"""Property-based tests over generated histories (tests/strategies.py), read through the real
loader: the queries agree with each other, and nothing depends on how the files are laid out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reorg_cli.engine.diffapply import DiffMismatchError, apply_diff
from reorg_cli.engine.facts import Presence, confirmation_day
from reorg_cli.engine.results import (
    OrgState,
    ReportingLineState,
    RoleState,
    UnitState,
    VacancyState,
)
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_window
from reorg_cli.events.loader import load_dataset
from reorg_cli.events.model import Confidence
from reorg_cli.events.records import Dataset
from reorg_cli.output.serialize import diff_dict, dumps, history_dict, state_dict, unit_history_dict
from tests.conftest import WriteEvents, examples
from tests.conftest import day as query_day
from tests.strategies import PEOPLE, History, histories, history_files, write_files

#: Examples per property; REORG_PROPERTY_EXAMPLES=5000 for a deeper search than CI affords.
EXAMPLES = examples(int(os.environ.get("REORG_PROPERTY_EXAMPLES", "300")))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def load(history: History, **layout: Any) -> Timeline:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_files(Path(tmp) / "events", history_files(history, **layout))
        return load_timeline(root)


# -- diff -------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(histories(), st.data())
def test_applying_a_diff_to_the_first_state_gives_the_second(
    history: History, data: st.DataObject
) -> None:
    timeline = load(history)
    days = data.draw(st.lists(st.sampled_from(history.interesting_days()), min_size=2, max_size=5))
    confidence = data.draw(st.sampled_from(list(Confidence)))
    states = {day: timeline.state_at(day, confidence) for day in days}
    for first in days:
        for second in days:
            change = timeline.diff(first, second, confidence)
            assert apply_diff(states[first], change) == states[second]
            if first == second:
                assert change.changes == ()


def test_apply_diff_on_the_mini_organization(mini: Timeline) -> None:
    a, b = query_day("2024-06"), query_day("2025-12")
    assert apply_diff(mini.state_at(a), mini.diff(a, b)) == mini.state_at(b)
    assert apply_diff(mini.state_at(b), mini.diff(b, a)) == mini.state_at(a)


def test_apply_diff_refuses_a_state_it_does_not_start_from(mini: Timeline) -> None:
    a, b = query_day("2024-06"), query_day("2025-12")
    change = mini.diff(a, b)
    with pytest.raises(DiffMismatchError, match="the diff starts on day"):
        apply_diff(mini.state_at(b), change)
    with pytest.raises(DiffMismatchError, match="expects"):
        apply_diff(OrgState(a, {}, (), (), ()), change)


# -- regressions found by these properties --------------------------------------------------------


def test_a_post_vacated_twice_is_closed_when_filled(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "e.yaml": """\
            events:
              - id: e1
                date: 2024-01-01
                title: T
                confidence: confirmed
                changes:
                  - {type: unit_created, unit: c, name: C, kind: committee}
                  - {type: role_assigned, person: ann, unit: c, title: Member, shared: true}
                  - {type: role_assigned, person: bo, unit: c, title: Member, shared: true}
              - id: e2
                date: 2024-02-01
                title: T
                confidence: confirmed
                changes:
                  - {type: role_ended, person: ann, unit: c, title: Member, vacancy: unknown}
                  - {type: role_ended, person: bo, unit: c, title: Member, vacancy: vacant}
              - id: e3
                date: 2024-04-01
                title: T
                confidence: confirmed
                changes:
                  - {type: role_assigned, person: cy, unit: c, title: Member, shared: true}
            """
        }
    )
    timeline = load_timeline(root)
    assert [v.vacancy for v in timeline.state_at(query_day("2024-03")).vacancies] == ["vacant"]
    after = timeline.state_at(query_day("2024-05"))
    assert after.vacancies == () and [r.person for r in after.roles] == ["cy"]


def test_a_slot_held_twice_in_an_imprecise_window_is_shown_once(
    write_events: WriteEvents,
) -> None:
    root = write_events(
        {
            "e.yaml": """\
            events:
              - id: e1
                date: 2024-01-01
                title: T
                confidence: confirmed
                changes:
                  - {type: unit_created, unit: c, name: C, kind: team}
                  - {type: role_assigned, person: ann, unit: c, title: Head}
                  - {type: reporting_line_set, person: bo, reports_to: ann}
              - id: e2
                date: 2024-02
                title: T
                confidence: confirmed
                changes:
                  - {type: role_ended, person: ann, unit: c, title: Head}
                  - {type: reporting_line_set, person: bo, reports_to: cy}
              - id: e3
                date: 2024-02-10
                title: T
                confidence: confirmed
                changes:
                  - {type: role_assigned, person: ann, unit: c, title: Head}
            """
        }
    )
    timeline = load_timeline(root)
    a, b = query_day("2024-01-15"), query_day("2024-02-15")
    state = timeline.state_at(b)
    # The role is certainly held (ended some day in February, given again on the 10th) ...
    assert [(r.person, r.presence, r.since.text()) for r in state.roles] == [
        ("ann", Presence.PRESENT, "2024-02-10")
    ]
    # ... and the reporting line is one of two, shown once, as uncertain.
    assert [(r.reports_to, r.presence) for r in state.reporting_lines] == [
        ("ann", Presence.UNCERTAIN)
    ]
    assert apply_diff(timeline.state_at(a), timeline.diff(a, b)) == state


# -- layout independence ------------------------------------------------------------------------

_LOCATION_RE = re.compile(r"\S+\.ya?ml:\d+:\d+")
FILE_NAMES = ("a.yaml", "b.yml", "z/early.yaml", "2024/x.yaml", "m.yaml", "00.yaml")


def _snapshot(timeline: Timeline, days: list[int]) -> dict[str, Any]:
    return {
        "states": [timeline.state_at(day) for day in days],
        "people": [timeline.person_history(p) for p in PEOPLE],
        "units": [timeline.unit_history(u) for u in sorted(timeline.unit_facts)],
        "events": timeline.events_between(),
        "order": [e.id for e in timeline.order],
        # Messages name the places involved; those differ between layouts, the rest does not.
        "warnings": sorted(_LOCATION_RE.sub("<place>", p.message) for p in timeline.problems),
    }


@PROPERTY_SETTINGS
@given(histories(), st.data())
def test_result_does_not_depend_on_files_or_their_order(
    history: History, data: st.DataObject
) -> None:
    files = data.draw(st.integers(min_value=1, max_value=len(FILE_NAMES)))
    assignment = data.draw(
        st.lists(
            st.integers(0, files - 1),
            min_size=len(history.events),
            max_size=len(history.events),
        )
    )
    names = data.draw(st.permutations(FILE_NAMES))[:files]
    registry = data.draw(st.integers(0, files - 1))
    days = history.interesting_days()
    one_file = _snapshot(load(history), days)
    split = load(history, assignment=assignment, names=names, registry_file=registry)
    assert _snapshot(split, days) == one_file

    # The compiler sorts: the order in which events reach it does not matter either.
    shuffled_events = data.draw(st.permutations(split.dataset.events))
    dataset = split.dataset
    shuffled = Timeline.from_dataset(
        Dataset(dataset.people, dataset.units, dataset.sources, tuple(shuffled_events))
    )
    assert _snapshot(shuffled, days) == one_file


# -- histories agree with states ----------------------------------------------------------------


def _window_presence(start_lo: int, start_hi: int, end: tuple[int, int] | None, day: int) -> int:
    if day < start_lo:
        return Presence.ABSENT
    if end is not None:
        if day >= end[1]:
            return Presence.ABSENT
        if day >= end[0]:
            return Presence.UNCERTAIN
    return Presence.UNCERTAIN if day < start_hi else Presence.PRESENT


@PROPERTY_SETTINGS
@given(histories())
def test_person_history_agrees_with_state_where_roles_change(history: History) -> None:
    timeline = load(history)
    for person in PEOPLE:
        spans = timeline.person_history(person).roles
        days: set[int] = set()
        for span in spans:
            edges = [span.start.lo, span.start.hi]
            if span.end is not None:
                edges += [span.end.lo, span.end.hi]
            days.update(d for e in edges for d in (e, e - 1) if 1 < d < 3_652_059)
        for day in sorted(days):
            state = timeline.state_at(day)
            expected: dict[tuple[str, str], int] = {}
            for span in spans:
                if span.end is not None and len(span.events) == 1:
                    continue  # started and ended by one event: it never held at any day's end
                end = (span.end.lo, span.end.hi) if span.end is not None else None
                presence = _window_presence(span.start.lo, span.start.hi, end, day)
                key = (span.unit, span.title)
                # A history keeps an end as recorded ("left in January"); a role cannot outlive
                # its unit (dissolved on January 10), so where the unit is gone, so is the role.
                if presence is not Presence.ABSENT and span.unit in state.units:
                    expected[key] = max(expected.get(key, 0), presence)
            actual = {(r.unit, r.title): r.presence for r in state.roles if r.person == person}
            assert actual == expected, (person, day)


@PROPERTY_SETTINGS
@given(histories())
def test_nothing_exists_before_the_first_event(history: History) -> None:
    timeline = load(history)
    first = min((lo for lo, _ in history.windows()), default=0)
    for day in (first - 1, first - 30, 2):
        if 1 < day < first:
            state = timeline.state_at(day)
            assert state.units == {}
            assert (state.roles, state.vacancies, state.reporting_lines) == ((), (), ())


# -- JSON -------------------------------------------------------------------------------------


def state_from_json(data: dict[str, Any], day: int) -> OrgState:
    """Rebuild a state from ``reorg show --format json``."""

    def common(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            "since": parse_window(entry["since"]),
            "presence": Presence[entry["presence"].upper()],
            "confidence": Confidence.parse(entry["confidence"]),
            "events": tuple(entry["events"]),
        }

    units: dict[str, UnitState] = {}
    roles: list[RoleState] = []
    vacancies: list[VacancyState] = []
    for unit in data["units"]:
        units[unit["id"]] = UnitState(
            id=unit["id"],
            name=unit["name"],
            kind=unit["kind"],
            parent=unit["parent"],
            names=tuple(sorted(unit["names"].items())),
            uncertain_fields=tuple(unit["uncertain_fields"]),
            **common(unit),
        )
        for role in unit["roles"]:
            roles.append(
                RoleState(
                    person=role["person"],
                    person_name=role["person_name"],
                    unit=unit["id"],
                    title=role["title"],
                    head=role["head"],
                    **common(role),
                )
            )
        for vacancy in unit["vacancies"]:
            vacancies.append(
                VacancyState(
                    unit=vacancy["unit"],
                    title=vacancy["title"],
                    vacancy=vacancy["holder"],
                    **common(vacancy),
                )
            )
    lines = [
        ReportingLineState(
            person=line["person"],
            person_name=line["person_name"],
            reports_to=line["reports_to"],
            reports_to_name=line["reports_to_name"],
            **common(line),
        )
        for line in data["reporting_lines"]
    ]
    roles.sort(key=lambda r: (r.unit, r.title, r.person))
    vacancies.sort(key=lambda v: (v.unit, v.title))
    lines.sort(key=lambda r: (r.person, r.reports_to))
    return OrgState(day, units, tuple(roles), tuple(vacancies), tuple(lines))


def _sorted_names(state: OrgState) -> OrgState:
    units = {
        u: UnitState(**{**{f: getattr(s, f) for f in s.__slots__}, "names": tuple(sorted(s.names))})
        for u, s in state.units.items()
    }
    return OrgState(state.day, units, state.roles, state.vacancies, state.reporting_lines)


@PROPERTY_SETTINGS
@given(histories(), st.data())
def test_json_output_round_trips(history: History, data: st.DataObject) -> None:
    timeline = load(history)
    day = data.draw(st.sampled_from(history.interesting_days()))
    other = data.draw(st.sampled_from(history.interesting_days()))
    state = timeline.state_at(day)
    text = dumps(state_dict(state, at_input="x", min_confidence=Confidence.UNCERTAIN))
    assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in text)
    assert state_from_json(json.loads(text), day) == _sorted_names(state)
    documents = [
        diff_dict(timeline.diff(day, other), min_confidence=Confidence.UNCERTAIN),
        *(history_dict(timeline.person_history(p)) for p in PEOPLE),
        *(unit_history_dict(timeline.unit_history(u)) for u in timeline.unit_facts),
    ]
    for document in documents:
        assert json.loads(dumps(document)) == document


# -- the real loader and the dataset agree --------------------------------------------------------


@PROPERTY_SETTINGS
@given(histories())
def test_loading_twice_gives_equal_datasets(history: History) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_files(Path(tmp), history_files(history))
        first, problems = load_dataset(root)
        second, _ = load_dataset(root)
    assert first == second
    assert not [p for p in problems if p.severity.value == "error"]
    assert [e.id for e in first.events] == [e.id for e in history.events]


# -- confirmations ----------------------------------------------------------------------------

CONFIRMATIONS = ("role_confirmed", "unit_confirmed", "reporting_line_confirmed")


def without_confirmations(history: History) -> History:
    events = tuple(
        dataclasses.replace(
            event, changes=tuple(c for c in event.changes if c["type"] not in CONFIRMATIONS)
        )
        for event in history.events
    )
    return dataclasses.replace(history, events=events)


@PROPERTY_SETTINGS
@given(histories())
def test_confirmations_change_nothing_but_staleness(history: History) -> None:
    confirmed, plain = load(history), load(without_confirmations(history))
    for day in history.interesting_days():
        with_them, without = confirmed.state_at(day), plain.state_at(day)
        # Staleness fields are not compared: the states are otherwise the same ...
        assert with_them == without
        # ... and a confirmation never makes a fact staler, nor an older last confirmation.
        pairs: list[tuple[UnitState | RoleState | ReportingLineState, Any]] = list(
            zip(
                (*with_them.roles, *with_them.reporting_lines, *with_them.units.values()),
                (*without.roles, *without.reporting_lines, *without.units.values()),
                strict=True,
            )
        )
        for a, b in pairs:
            assert not (a.stale and not b.stale)
            assert a.last_confirmed is not None and b.last_confirmed is not None
            assert confirmation_day(a.last_confirmed) >= confirmation_day(b.last_confirmed)
