"""Confirmations, last_confirmed, staleness on the threshold day and the day after, coverage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reorg_cli.engine.checks import check_timeline
from reorg_cli.engine.compiler import compile_dataset
from reorg_cli.engine.facts import FactKind, confirmation_day, is_stale
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_window
from reorg_cli.events.errors import Severity
from reorg_cli.events.loader import load_dataset
from tests.conftest import WriteEvents


def ordinal(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


HISTORY = """\
events:
  - id: founding
    date: 2024-01-01
    title: Founding
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
      - {type: reporting_line_set, person: bo, reports_to: ann}
  - id: ann-confirmed
    date: 2024-03
    title: Ann still CEO
    confidence: reported
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: CEO}
      - {type: reporting_line_confirmed, person: bo, reports_to: ann}
"""


@pytest.fixture
def timeline(write_events: WriteEvents) -> Timeline:
    root = write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2026-06-17\n"}
    )
    return load_timeline(root)


def test_a_confirmation_moves_last_confirmed_from_its_window_first_day(
    timeline: Timeline,
) -> None:
    roles = {f.slot: f for f in timeline.role_facts}
    ann = roles[("ann", "corp", "CEO")]
    assert ann.last_confirmed == parse_window("2024-03")
    assert ann.confirmed_by == ("ann-confirmed",)
    # A month counts from its first day: the conservative reading.
    assert confirmation_day(ann.confirmed_window) == ordinal("2024-03-01")
    bo = roles[("bo", "lab", "Head")]
    assert bo.last_confirmed == parse_window("2024-01-01") and bo.confirmed_by == ()
    # role_confirmed confirms the unit it names; the line is confirmed on its own.
    corp = timeline.unit_facts["corp"][FactKind.UNIT][0]
    assert corp.last_confirmed == parse_window("2024-03")
    (line,) = timeline.reporting_facts
    assert line.last_confirmed == parse_window("2024-03")


def test_confirmation_days_of_every_window_shape() -> None:
    assert confirmation_day(parse_window("2024")) == ordinal("2024-01-01")
    assert confirmation_day(parse_window("by 2024-05-10")) == ordinal("2024-05-10")
    assert confirmation_day(parse_window("by 2024-05")) == ordinal("2024-05-31")
    assert confirmation_day(parse_window("after 2024-05-10")) == ordinal("2024-05-11")
    assert confirmation_day(parse_window("between 2024-02 and 2024-04")) == ordinal("2024-02-01")
    assert is_stale(parse_window("unknown"), ordinal("2000-01-01"), 10_000)


def test_stale_on_the_day_after_the_threshold_not_on_the_threshold_day(
    timeline: Timeline,
) -> None:
    confirmed = ordinal("2024-03-01")
    on_threshold = timeline.state_at(confirmed + 180)
    after = timeline.state_at(confirmed + 181)
    ann = {r.person: r for r in on_threshold.roles}["ann"]
    assert (ann.stale, ann.last_confirmed) == (False, parse_window("2024-03"))
    assert {r.person: r.stale for r in after.roles}["ann"] is True
    # Bo was last confirmed at the start, 2024-01-01: stale 181 days later, not 180.
    bo_start = ordinal("2024-01-01")
    assert {r.person: r.stale for r in timeline.state_at(bo_start + 180).roles}["bo"] is False
    assert {r.person: r.stale for r in timeline.state_at(bo_start + 181).roles}["bo"] is True
    assert after.units["corp"].stale is True
    assert [line.stale for line in after.reporting_lines] == [True]


def test_the_threshold_can_be_overridden(timeline: Timeline) -> None:
    day = ordinal("2024-03-01") + 31
    assert {r.person: r.stale for r in timeline.state_at(day, stale_after=30).roles}["ann"]
    assert not {r.person: r.stale for r in timeline.state_at(day, stale_after=31).roles}["ann"]


def test_past_the_coverage_end_staleness_is_judged_on_the_coverage_end(
    write_events: WriteEvents,
) -> None:
    root = write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2024-05-01\n"}
    )
    timeline = load_timeline(root)
    # Years later, nothing is stale: the data knows nothing after 2024-05-01.
    state = timeline.state_at(ordinal("2030-01-01"))
    assert [r.stale for r in state.roles] == [False, False]
    assert timeline.staleness_day(ordinal("2030-01-01")) == ordinal("2024-05-01")
    assert timeline.staleness_day(ordinal("2024-02-01")) == ordinal("2024-02-01")


def test_min_confidence_does_not_change_staleness(timeline: Timeline) -> None:
    from reorg_cli.events.model import Confidence

    day = ordinal("2024-03-01") + 100
    everything = {r.person: r for r in timeline.state_at(day).roles}
    sure = {r.person: r for r in timeline.state_at(day, Confidence.CONFIRMED).roles}
    assert (everything["ann"].stale, sure["ann"].stale) == (False, False)
    assert everything["ann"].last_confirmed == sure["ann"].last_confirmed
    # ... but only sure enough confirming events are cited.
    assert everything["ann"].confirmed_by == ("ann-confirmed",)
    assert sure["ann"].confirmed_by == ()


def test_history_reads_stale_instead_of_current(timeline: Timeline) -> None:
    history = timeline.person_history("ann")
    (span,) = history.roles
    assert (span.status, span.stale, span.last_confirmed) == (
        "stale",
        True,
        parse_window("2024-03"),
    )


def test_coverage_notes(timeline: Timeline) -> None:
    assert timeline.coverage_note(ordinal("2026-06-17")) is None
    assert timeline.coverage_note(ordinal("2026-06-18")) == (
        "events known up to 2026-06-17; later changes are not in this data"
    )
    assert timeline.coverage_note(ordinal("2023-12-31")) == (
        "events known from 2024-01-01; the organization before that is not in this data"
    )
    assert timeline.coverage_note(ordinal("2024-01-01")) is None


def test_the_coverage_end_defaults_to_the_latest_event_date(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"history.yaml": HISTORY}))
    assert timeline.coverage_end is not None and timeline.coverage_end.iso() == "2024-03"
    assert timeline.coverage_note(ordinal("2024-03-31")) is None
    assert timeline.coverage_note(ordinal("2024-04-01")) is not None


def problems_of(root: Path) -> list[str]:
    dataset, problems = load_dataset(root)
    if not any(p.severity is Severity.ERROR for p in problems):
        problems = problems + compile_dataset(dataset).problems
    return [f"{p.location.line}: {p.message} ({p.hint})" for p in problems]


def test_confirming_what_does_not_hold_is_an_error(write_events: WriteEvents) -> None:
    bad = HISTORY.replace(
        "      - {type: reporting_line_confirmed, person: bo, reports_to: ann}",
        "      - {type: role_confirmed, person: bo, unit: corp, title: CEO}\n"
        "      - {type: reporting_line_confirmed, person: ann, reports_to: bo}\n"
        "      - {type: unit_confirmed, unit: nowhere}",
    )
    found = problems_of(write_events({"history.yaml": bad}))
    assert found == [
        "20: cannot confirm 'bo' as 'CEO' in 'corp' on Mar 2024: they do not hold that role "
        "then (they hold 'Head' in lab)",
        "21: cannot confirm that 'ann' reports to 'bo' on Mar 2024: the line does not hold "
        "then (they have no reporting line then)",
        "22: unknown unit 'nowhere' (create it with a unit_created change)",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dataset:\n  stale_after_days: 0\n", "'stale_after_days' must be a whole number"),
        ("dataset:\n  stale_after_days: soon\n", "'stale_after_days' must be a whole number"),
        ("dataset:\n  coverage_end: 2026-13\n", "month 13 does not exist"),
        ("dataset:\n  coverage: 2026\n", "unknown key 'coverage' in the dataset settings"),
        ("dataset: 2026\n", "'dataset' must be a mapping"),
    ],
)
def test_bad_dataset_settings_are_located(
    write_events: WriteEvents, text: str, message: str
) -> None:
    found = problems_of(write_events({"history.yaml": HISTORY, "dataset.yaml": text}))
    assert len(found) == 1 and message in found[0], found


def test_dataset_settings_are_given_once(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "history.yaml": HISTORY,
            "a.yaml": "dataset:\n  coverage_end: 2026\n",
            "b.yaml": "dataset:\n  stale_after_days: 90\n",
        }
    )
    (found,) = problems_of(root)
    assert "dataset settings are given twice (also at" in found


def test_check_reports_stale_facts_with_where_to_edit(timeline: Timeline) -> None:
    report = check_timeline(timeline)
    stale = [f for f in report.findings if f.check == "stale"]
    assert sorted(f.message for f in stale) == [
        "Ann Lee — CEO, Corp: last confirmed Mar 2024, more than 180 days before 2026-06-17",
        "Bo Chen reports to Ann Lee: last confirmed Mar 2024, more than 180 days before 2026-06-17",
        "Bo Chen — Head, Lab: last confirmed 2024-01-01, more than 180 days before 2026-06-17",
        "Corp exists: last confirmed Mar 2024, more than 180 days before 2026-06-17",
        "Lab exists: last confirmed 2024-01-01, more than 180 days before 2026-06-17",
    ]
    assert sorted({(Path(f.path).name, f.line) for f in stale}) == [
        ("history.yaml", 2),
        ("history.yaml", 13),
    ]
    assert all("role_confirmed" in f.fix for f in stale if "—" in f.message)
    assert report.counts()["stale"] == 5
    # With a long enough threshold nothing is stale.
    assert check_timeline(timeline, stale_after=36_500).counts()["stale"] == 0


BUSY_UNIT = """\
events:
  - id: founding
    date: 2024-01-01
    title: Founding
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
  - id: hire-ann
    date: 2024-02-01
    title: Ann joins
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: corp, title: CEO}
  - id: corp-confirmed
    date: 2024-03-01
    title: Corp listed
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_confirmed, unit: corp}
  - id: hire-bo
    date: 2024-04-01
    title: Bo joins
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: bo, unit: corp, title: CTO}
  - id: hire-cy
    date: 2024-05-01
    title: Cy joins
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: cy, unit: corp, title: CFO}
  - id: ann-second-post
    date: 2024
    title: Ann took a second post some time in 2024
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: corp, title: COO}
"""


def test_a_unit_cites_every_explicit_confirmation_but_only_its_latest_implicit_one(
    write_events: WriteEvents,
) -> None:
    # Changes to a unit or a role in it confirm it in passing; keeping each of them would
    # make every answer about a busy unit grow with the whole history.
    timeline = load_timeline(write_events({"history.yaml": BUSY_UNIT}))
    corp = timeline.unit_facts["corp"][FactKind.UNIT][0]
    assert corp.confirmed_by == ("corp-confirmed", "hire-cy")
    assert corp.last_confirmed == parse_window("2024-05-01")
    state = timeline.state_at(ordinal("2024-06-01"))
    assert state.units["corp"].confirmed_by == ("corp-confirmed", "hire-cy")


@pytest.mark.parametrize(
    ("coverage_end", "announced", "warned"),
    [
        ("2024-03", None, False),  # the last event is in March 2024 ("2024-03")
        ("2024-02-29", None, True),
        ("2024-02-29", "2024-02-15", False),  # announced before, for a later date
        ("2024-02-14", "2024-02-15", True),
    ],
)
def test_a_coverage_end_before_an_event_was_known_is_a_warning(
    write_events: WriteEvents, coverage_end: str, announced: str | None, warned: bool
) -> None:
    """An audit set ``coverage_end: 1999-01-01`` above a 2026 history and validate said ok."""
    history = HISTORY.replace(
        "    title: Ann still CEO\n",
        "    title: Ann still CEO\n" + (f"    announced: {announced}\n" if announced else ""),
    )
    root = write_events(
        {"history.yaml": history, "dataset.yaml": f"dataset:\n  coverage_end: {coverage_end}\n"}
    )
    _, problems = load_dataset(root)
    found = [str(p) for p in problems if "coverage_end" in p.message]
    assert len(found) == warned
    if warned:
        assert found[0].startswith(f"{root / 'dataset.yaml'}:2:3: warning: coverage_end ")
        assert "is before event 'ann-confirmed' (" in found[0]
        assert all(p.severity is Severity.WARNING for p in problems)
