"""Wrong answers a fact check of the bundled data found (session 6): an end no source states
kept a fact from reading stale; a diff, ``when`` and ``blame`` named a unit by a name it took
only later; a removal read as sure as what it removed, not as what removed it; and an
uncertain end was reported with its start's confidence (rank 0 is falsy).

Every expected answer is written out. The history: Lab is renamed Forge on the day its head
leaves; Bo's line to Ann, last confirmed at its start, is closed years later by a change no
source states (``confidence: uncertain``); Cy's line, closed by a reported event.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.checks import check_timeline
from reorg_cli.engine.facts import FactKind
from reorg_cli.engine.history_log import blame
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.engine.when import parse_condition, when
from reorg_cli.events.model import Confidence
from tests.conftest import CLI_ENV, WriteEvents, day

HISTORY = """\
events:
  - id: e1
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: role_assigned, person: ann, unit: lab, title: Head, head: true}
      - {type: reporting_line_set, person: bo, reports_to: ann}
      - {type: reporting_line_set, person: cy, reports_to: ann}
  - id: e2
    date: 2026-03-01
    title: Lab renamed Forge; Ann leaves it; Bo's line closed
    confidence: reported
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: lab, title: Head, vacancy: unknown}
      - {type: unit_renamed, unit: lab, name: Forge}
      - {type: reporting_line_cleared, person: bo, confidence: uncertain}
      - {type: reporting_line_cleared, person: cy}
"""


@pytest.fixture
def timeline(write_events: WriteEvents) -> Timeline:
    root = write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2026-12-31\n"}
    )
    return load_timeline(root)


def lines_on(timeline: Timeline, when_: str, **options: object) -> dict[str, bool]:
    state = timeline.state_at(day(when_), **options)  # type: ignore[arg-type]
    return {line.person: line.stale for line in state.reporting_lines}


def test_an_uncertain_end_does_not_keep_a_fact_from_reading_stale(timeline: Timeline) -> None:
    """Bo's line, confirmed only in 2024, is stale in 2025 though an (uncertain) end comes in
    2026; Cy's, whose end a source states, held until then and is not."""
    assert lines_on(timeline, "2024-06-29") == {"bo": False, "cy": False}  # 180 days
    assert lines_on(timeline, "2025-01-01") == {"bo": True, "cy": False}


def test_a_reported_end_left_out_by_min_confidence_dates_the_fact_until_then(
    timeline: Timeline,
) -> None:
    """At ``--min-confidence confirmed`` both reported or weaker ends are left out and both
    lines run on; Cy's reported end still shows it holding until 2026-03-01 (stale 180 days
    later), Bo's uncertain end shows nothing."""
    confirmed = {"min_confidence": Confidence.CONFIRMED}
    assert lines_on(timeline, "2026-06-30", **confirmed) == {"bo": True, "cy": False}
    assert lines_on(timeline, "2026-08-28", **confirmed)["cy"] is False  # 180 days after
    assert lines_on(timeline, "2026-08-29", **confirmed)["cy"] is True


def test_check_lists_a_fact_whose_only_end_no_source_states(write_events: WriteEvents) -> None:
    """Judged as of a coverage end before the ends: Bo's line (its end unsourced) and Corp
    (no end) are stale; Cy's line and Ann's role, which a source ends later, are not (nor is
    Lab, which its later renaming confirms)."""
    root = write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2025-12-31\n"}
    )
    stale = [f for f in check_timeline(load_timeline(root)).findings if f.check == "stale"]
    assert sorted(f.subject for f in stale) == [("bo",), ("corp",)]


def test_a_diff_names_what_it_removes_as_it_was_and_marks_how_sure_the_removal_is(
    timeline: Timeline,
) -> None:
    changes = {c.summary: c for c in timeline.diff(day("2026-01-01"), day("2026-06-01")).changes}
    assert "Ann Lee — Head, Lab" in changes  # not "Head, Forge": Forge never had her
    assert "Head, Forge: holder unknown" in changes  # the post left behind, as it is named now
    assert changes["Lab renamed to Forge"].confidence is Confidence.REPORTED
    assert changes["Ann Lee — Head, Lab"].confidence is Confidence.REPORTED
    assert changes["Bo Chen reports to Ann Lee"].confidence is Confidence.UNCERTAIN
    assert changes["Cy Wu reports to Ann Lee"].confidence is Confidence.REPORTED
    backwards = {c.summary for c in timeline.diff(day("2026-06-01"), day("2026-01-01")).changes}
    assert "Ann Lee — Head, Lab" in backwards  # she is back in Lab, under its name then


def test_a_diff_shows_the_removals_marks(write_events: WriteEvents) -> None:
    root = write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2026-06-30\n"}
    )
    args = ["diff", "2026-01-01", "2026-06-01", "--events", str(root)]
    result = CliRunner().invoke(app, args, env=CLI_ENV)
    assert result.exit_code == 0, result.stderr
    rows = [line.split("  ")[0] for line in result.stdout.splitlines()]
    assert "Bo Chen reports to Ann Lee [U]" in rows
    assert "Cy Wu reports to Ann Lee [R]" in rows
    assert "Ann Lee — Head, Lab [R]" in rows
    data = json.loads(CliRunner().invoke(app, [*args, "--format", "json"], env=CLI_ENV).stdout)
    sure = {c["summary"]: c["confidence"] for c in data["changes"]}
    assert sure["Bo Chen reports to Ann Lee"] == "uncertain"
    assert sure["Lab renamed to Forge"] == "reported"


def test_when_names_the_unit_as_it_was_when_the_condition_last_held(timeline: Timeline) -> None:
    result = when(timeline, parse_condition(timeline, "Ann Lee holds Head in Forge"))
    assert result.condition.describe() == "Ann Lee holds Head in Lab"
    assert [(w.start.window.text(), w.end and w.end.window.text()) for w in result.windows] == [
        ("2024-01-01", "2026-03-01")
    ]
    still = when(timeline, parse_condition(timeline, "Lab exists"))
    assert still.condition.describe() == "Forge exists"  # it still does, under this name


def test_when_gives_an_uncertain_end_its_own_confidence(timeline: Timeline) -> None:
    """An uncertain end is rank 0: ``end_confidence or start_confidence`` read it as the
    start's."""
    result = when(timeline, parse_condition(timeline, "Bo Chen reports to Ann Lee"))
    assert [(w.start_confidence, w.end_confidence) for w in result.windows] == [
        (Confidence.CONFIRMED, Confidence.UNCERTAIN)
    ]


def test_blame_on_a_day_names_the_unit_as_it_was_then(timeline: Timeline) -> None:
    assert blame(timeline, unit="lab", day=day("2025-01-01")).subject_name == "Lab"
    assert blame(timeline, unit="lab", day=day("2026-06-01")).subject_name == "Forge"
    assert blame(timeline, unit="lab").subject_name == "Forge"


def test_check_leaves_out_a_role_in_a_unit_gone_by_then(write_events: WriteEvents) -> None:
    """Ann's role ends at an unknown date "after 2024-03" (uncertain), so it may hold at the
    coverage end, but Lab is dissolved in 2025: a role in a unit that no longer exists cannot
    hold, and show does not draw it. Corp goes on and is stale."""
    history = """\
events:
  - id: e1
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: role_assigned, person: ann, unit: lab, title: Head, head: true}
  - id: e2
    date: after 2024-03
    title: Ann's post ends (date not reported)
    confidence: uncertain
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: lab, title: Head}
  - id: e3
    date: 2025-06-01
    title: Lab dissolved
    confidence: reported
    sources: [s1]
    changes:
      - {type: unit_dissolved, unit: lab}
"""
    root = write_events(
        {"history.yaml": history, "dataset.yaml": "dataset:\n  coverage_end: 2026-06-30\n"}
    )
    timeline = load_timeline(root)
    ann = timeline.facts_of_slot(FactKind.ROLE, ("ann", "lab", "Head"))[0]
    assert ann.stale_on(day("2026-06-30"), 180)  # as a fact it may still hold, unconfirmed
    stale = [f.subject for f in check_timeline(timeline).findings if f.check == "stale"]
    assert stale == [("corp",)]


def test_a_fact_that_has_ended_is_never_stale(
    timeline: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review found blame (without --at) and history's JSON marking long-ended facts stale:
    the rule judged an end's date but not whether the fact still held."""
    cy = timeline.facts_of_slot(FactKind.REPORTING_LINE, ("cy",))[0]  # a reported end
    bo = timeline.facts_of_slot(FactKind.REPORTING_LINE, ("bo",))[0]  # an uncertain end
    for fact in (cy, bo):
        assert not fact.stale_on(day("2026-12-31"), 180)
    assert bo.stale_on(day("2026-02-28"), 180) and not cy.stale_on(day("2026-02-28"), 180)
    monkeypatch.setenv("REORG_TODAY", "2026-12-31")
    assert [line.stale for line in blame(timeline, person="bo").lines] == [False]
    history = timeline.person_history("bo", today=day("2026-12-31"))
    assert [stale for _, stale, _ in history.reporting_line_confirmations] == [False]
