"""log, blame, when and --known-as-of queries on small fixtures."""

from __future__ import annotations

import pytest

from reorg_cli.engine.history_log import LogEntry, blame, log_entries, units_below
from reorg_cli.engine.knowledge import (
    DEPENDS,
    NOT_YET,
    POSSIBLY,
    UNDATED,
    known_as_of,
)
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.engine.when import parse_condition, when
from reorg_cli.events.errors import UnknownNameError, UsageError
from reorg_cli.events.loader import load_dataset_or_raise
from reorg_cli.events.model import Confidence
from tests.conftest import WriteEvents, day

HISTORY = """\
events:
  - id: found
    date: 2024-01-15
    title: Corp founded
    confidence: confirmed
    sources: [{url: "https://example.com/a", published: 2024-01-16}]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: unit_created, unit: team, name: Team, kind: team, parent: lab}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
  - id: line
    date: 2024-03
    title: Bo reports to Ann
    confidence: reported
    sources: [{url: "https://example.com/b", published: 2024-04}]
    changes:
      - {type: reporting_line_set, person: bo, reports_to: ann}
  - id: move
    date: between 2024-06-03 and 2024-06-10
    title: Team moves to Corp
    summary: The team leaves the lab for the top level of Corp.
    confidence: confirmed
    sources: [{url: "https://example.com/c", published: 2024-06-11}]
    changes:
      - {type: unit_moved, unit: team, parent: corp}
  - id: cut
    date: 2024-09-01
    title: Line cleared
    confidence: confirmed
    sources: [{url: "https://example.com/d"}]
    changes:
      - {type: reporting_line_cleared, person: bo}
  - id: again
    date: 2025-01-01
    title: Bo reports to Ann again
    confidence: confirmed
    sources: [{url: "https://example.com/e", published: 2025-01-02}]
    changes:
      - {type: reporting_line_set, person: bo, reports_to: ann}
      - {type: role_ended, person: bo, unit: lab, title: Head}
"""


@pytest.fixture
def history(write_events: WriteEvents) -> Timeline:
    return load_timeline(write_events({"h.yaml": HISTORY}))


def _windows(timeline: Timeline, text: str) -> list[tuple[str, str | None]]:
    result = when(timeline, parse_condition(timeline, text))
    return [
        (w.start.window.display(), w.end.window.display() if w.end else None)
        for w in result.windows
    ]


def test_when_reports_to_keeps_each_window_and_its_precision(history: Timeline) -> None:
    assert _windows(history, "Bo Chen reports to Ann Lee") == [
        ("Mar 2024", "2024-09-01"),
        ("2025-01-01", None),
    ]


def test_when_holds_in_exists_and_under(history: Timeline) -> None:
    assert _windows(history, "Bo Chen holds head in Lab") == [("2024-01-15", "2025-01-01")]
    assert _windows(history, "bo in lab") == [("2024-01-15", "2025-01-01")]
    assert _windows(history, "Team exists") == [("2024-01-15", None)]
    assert _windows(history, "Team under Lab") == [
        ("2024-01-15", "between 2024-06-03 and 2024-06-10")
    ]
    assert _windows(history, "Team under Corp") == [("2024-01-15", None)]
    assert _windows(history, "Ann Lee reports to Bo Chen") == []


def test_when_errors(history: Timeline) -> None:
    with pytest.raises(UnknownNameError, match="did you mean"):
        parse_condition(history, "Bo Chenn reports to Ann Lee")
    with pytest.raises(UsageError, match="cannot read the condition"):
        parse_condition(history, "Bo Chen likes Ann Lee")


def test_when_min_confidence_leaves_out_reported_facts(history: Timeline) -> None:
    result = when(
        history, parse_condition(history, "Bo Chen reports to Ann Lee"), Confidence.CONFIRMED
    )
    assert [w.start.event for w in result.windows] == ["again"]


def test_log_filters_and_order(history: Timeline) -> None:
    def ids(**kwargs: object) -> list[str]:
        options: dict[str, object] = {
            "day_from": None,
            "day_to": None,
            "person": None,
            "unit": None,
            "grep": None,
            "today": day("2026-01-01"),
            "min_confidence": Confidence.UNCERTAIN,
            "newest_first": True,
            "limit": None,
            "patch": False,
        }
        options.update(kwargs)
        return [e.entry.id for e in log_entries(history, **options)]  # type: ignore[arg-type]

    assert ids() == ["again", "cut", "move", "line", "found"]
    assert ids(newest_first=False, limit=2) == ["found", "line"]
    assert ids(grep="TOP LEVEL") == ["move"]  # the summary, any case
    assert ids(day_from=day("2024-06-01"), day_to=day("2024-09-01")) == ["cut", "move"]
    assert ids(unit="lab") == ["again", "move", "found"]  # the team was under the lab
    assert ids(person="bo") == ["again", "cut", "line", "found"]


def log_patch_on(timeline: Timeline, date: str) -> list[LogEntry]:
    """``reorg log -p --since DATE --until DATE``, as entries."""
    return log_entries(
        timeline,
        day_from=day(date),
        day_to=day(date),
        person=None,
        unit=None,
        grep=None,
        today=None,
        min_confidence=Confidence.UNCERTAIN,
        newest_first=True,
        limit=None,
        patch=True,
    )


def test_log_patch_is_the_events_effect(history: Timeline) -> None:
    [entry] = log_patch_on(history, "2024-09-01")
    assert entry.patch is not None
    assert [c.summary for c in entry.patch] == ["Bo Chen reports to Ann Lee"]
    assert all("cut" in c.events for c in entry.patch)


CONFIRMED = """\
events:
  - id: found
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: lab, name: Lab, kind: lab}
      - {type: role_assigned, person: bo, unit: lab, title: Head}
      - {type: reporting_line_set, person: bo, reports_to: ann}
  - id: still
    date: 2024-06-01
    title: Still there, under a new name
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_renamed, unit: lab, name: Research Lab}
      - {type: role_confirmed, person: bo, unit: lab, title: Head}
      - {type: unit_confirmed, unit: lab}
      - {type: reporting_line_confirmed, person: bo, reports_to: ann}
  - id: later
    date: 2025-01-01
    title: Renamed again
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_renamed, unit: lab, name: Big Lab}
"""


def test_log_patch_says_what_an_event_confirms(write_events: WriteEvents) -> None:
    """A confirmation changes nothing the diff shows; ``-p`` says what it confirmed, the unit
    named as it was right after the event."""
    [entry] = log_patch_on(load_timeline(write_events({"h.yaml": CONFIRMED})), "2024-06-01")
    assert entry.patch is not None
    assert [c.summary for c in entry.patch] == ["Lab renamed to Research Lab"]
    assert entry.confirms == (
        "Bo Chen — Head, Research Lab",
        "Research Lab exists",
        "Bo Chen reports to Ann Lee",
    )


def test_units_below_counts_every_unit_ever_under(history: Timeline) -> None:
    assert units_below(history, "lab") == {"lab", "team"}
    assert units_below(history, "team") == {"team"}


def test_blame_cites_the_establishing_and_ending_events(history: Timeline) -> None:
    result = blame(history, person="bo")
    roles = {line.description: [(e.role, e.id) for e in line.events] for line in result.lines}
    assert roles["Bo Chen — Head, Lab"] == [("established", "found"), ("ended", "again")]
    assert roles["Bo Chen reports to Ann Lee"] in (
        [("established", "line"), ("ended", "cut")],
        [("established", "again")],
    )
    at = blame(history, person="bo", day=day("2024-10-01"))
    assert [line.description for line in at.lines] == ["Bo Chen — Head, Lab"]


def test_known_as_of_leaves_out_what_was_not_yet_published(
    write_events: WriteEvents,
) -> None:
    dataset = load_dataset_or_raise(write_events({"h.yaml": HISTORY}))
    kept, report = known_as_of(dataset, day("2024-04-15"), "2024-04-15")
    assert [e.id for e in kept.events] == ["found"]
    statuses = {e.event: e.status for e in report.left_out}
    # "cut" has no dated source but clears a line not yet known: left out as dependent
    assert statuses == {"line": POSSIBLY, "move": NOT_YET, "cut": DEPENDS, "again": NOT_YET}
    kept, report = known_as_of(dataset, day("2025-02-01"), "2025-02-01")
    assert len(kept.events) == 5 and not report.left_out
    assert [(e.event, e.status) for e in report.undated] == [("cut", UNDATED)]
    # the first day a partial publication date has certainly passed: its last day
    kept, _ = known_as_of(dataset, day("2024-04-30"), "2024-04-30")
    assert "line" in [e.id for e in kept.events]


def test_known_as_of_leaves_out_what_depends_on_the_unknown(write_events: WriteEvents) -> None:
    text = HISTORY.replace(
        'sources: [{url: "https://example.com/e", published: 2025-01-02}]',
        'sources: [{url: "https://example.com/e", published: 2023-12-01}]',
    )
    dataset = load_dataset_or_raise(write_events({"h.yaml": text}))
    kept, report = known_as_of(dataset, day("2024-01-01"), "2024-01-01")
    # "again" was published early, but ends a role from "found", not yet known
    assert "again" not in [e.id for e in kept.events]
    assert {e.event: e.status for e in report.left_out}["again"] == DEPENDS
    Timeline.from_dataset(kept)  # compiles


def test_known_as_of_leaves_out_the_registry_descriptions(write_events: WriteEvents) -> None:
    """Caught by an audit: ``history eddie-wu --known-as-of 2020`` printed "Group CEO from
    2023-09-10" from the person's description (undated text written with hindsight)."""
    people = (
        "people:\n"
        "  - {id: ann, name: Ann Lee, description: CEO of Corp from 2025, notes: later text}\n"
        "  - {id: bo, name: Bo Chen}\n  - {id: cy, name: Cy Wu}\n"
        'sources:\n  - {id: s1, url: "https://example.com/1", publisher: Example}\n'
        "units:\n  - {id: lab, description: renamed Forge in 2025}\n"
    )
    dataset = load_dataset_or_raise(write_events({"h.yaml": HISTORY}, people=people))
    assert dataset.people["ann"].description == "CEO of Corp from 2025"
    kept, _ = known_as_of(dataset, day("2024-04-15"), "2024-04-15")
    assert (kept.people["ann"].description, kept.people["ann"].notes) == (None, None)
    assert kept.people["ann"].name == "Ann Lee" and kept.units["lab"].description is None
