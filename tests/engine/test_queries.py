"""Queries on one small history whose answers are written out: the unit tree of a state
(levels, subtrees, how deep a picture can go), sorting within a unit, and the timeline's
lookups (issue 10: the mutation run showed these were only checked through rendered output)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from reorg_cli.engine.results import OrgState, UnitState
from reorg_cli.engine.timeline import Timeline, load_timeline, window_display
from reorg_cli.events.dates import NEG_INF, POS_INF, ordinal_iso
from reorg_cli.events.errors import AmbiguousNameError, UnknownNameError
from tests.conftest import WriteEvents, day

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
      - {type: unit_created, unit: ops, name: Ops, kind: team, parent: corp}
      - {type: unit_created, unit: t1, name: beta team, kind: team, parent: lab}
      - {type: unit_created, unit: t2, name: Alpha Team, kind: team, parent: lab}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: role_assigned, person: ann, unit: corp, title: Adviser}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
      - {type: role_assigned, person: cy, unit: t1, title: Lead, head: true}
      - {type: role_assigned, person: cy, unit: corp, title: Board, head: true}
      - {type: reporting_line_set, person: bo, reports_to: ann}
      - {type: reporting_line_set, person: cy, reports_to: bo}
  - id: e2
    date: 2024-03
    title: Changes
    confidence: reported
    sources: [s1]
    changes:
      - {type: role_ended, person: cy, unit: t1, title: Lead, vacancy: vacant}
      - {type: role_ended, person: cy, unit: corp, title: Board, vacancy: unknown}
      - {type: unit_dissolved, unit: t2}
"""


@pytest.fixture
def timeline(write_events: WriteEvents) -> Timeline:
    return load_timeline(write_events({"history.yaml": HISTORY}))


def ids(levels: Iterable[list[UnitState]]) -> list[list[str]]:
    return [[unit.id for unit in level] for level in levels]


def test_levels_go_top_down_with_siblings_by_name(timeline: Timeline) -> None:
    state = timeline.state_at(day("2024-01-01"))
    assert ids(state.levels(None)) == [["corp"], ["lab", "ops"], ["t2", "t1"]]
    assert ids(state.levels("lab")) == [["lab"], ["t2", "t1"]]
    assert state.subtree("lab") == ["lab", "t2", "t1"]
    assert state.subtree("ops") == ["ops"]
    assert [u.id for u in state.children(None)] == ["corp"]
    assert [u.id for u in state.children("lab")] == ["t2", "t1"]
    later = timeline.state_at(day("2024-06-30"))
    assert ids(later.levels(None)) == [["corp"], ["lab", "ops"], ["t1"]]


@pytest.mark.parametrize(
    ("limit", "depth"), [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, None), (9, None)]
)
def test_depth_that_fits(timeline: Timeline, limit: int, depth: int | None) -> None:
    """1 + 2 + 2 units by level: at least one level, never more units than ``limit``."""
    assert timeline.state_at(day("2024-01-01")).depth_that_fits(None, limit) == depth


def test_depth_that_fits_below_a_unit(timeline: Timeline) -> None:
    state = timeline.state_at(day("2024-01-01"))
    assert state.depth_that_fits("lab", 2) == 1
    assert state.depth_that_fits("lab", 3) is None


def test_depth_that_fits_asked_again_of_one_state(timeline: Timeline) -> None:
    """Asked in turn for other roots and limits, one state answers as a fresh one does (each
    answer is kept: ``show`` asks again for the depth its state was cut to)."""
    state = timeline.state_at(day("2024-01-01"))
    asked = [(None, 3), ("lab", 2), (None, 1), ("lab", 3), (None, 3), (None, 5), ("lab", 2)]
    answers = [state.depth_that_fits(root, limit) for root, limit in asked]
    fresh = [timeline.state_at(day("2024-01-01")).depth_that_fits(r, n) for r, n in asked]
    assert answers == fresh == [2, 1, 1, None, 2, None, 1]


def test_top_levels_keep_the_lines_of_the_people_shown(timeline: Timeline) -> None:
    state = timeline.state_at(day("2024-01-01"))
    lines = {
        depth: (
            [(line.person, line.reports_to) for line in top.reporting_lines],
            shown,
        )
        for depth in (1, 2, 3)
        for top, shown in [state.top_levels(None, depth)]
    }
    assert lines == {
        1: ([("cy", "bo")], 1),  # cy sits on the board of corp
        2: ([("bo", "ann"), ("cy", "bo")], 3),
        3: ([("bo", "ann"), ("cy", "bo")], 5),
    }
    top, shown = timeline.state_at(day("2024-06-30")).top_levels(None, 1)
    assert (top.reporting_lines, shown) == ((), 1)
    assert top.units == timeline.state_at(day("2024-06-30")).units  # only lines are cut


def test_roles_in_a_unit_heads_first_then_by_title(timeline: Timeline) -> None:
    state = timeline.state_at(day("2024-01-01"))
    assert [(r.person, r.title) for r in state.roles_in("corp")] == [
        ("cy", "Board"),
        ("ann", "CEO"),
        ("ann", "Adviser"),
    ]
    assert [(r.person, r.title) for r in state.roles_in("t1")] == [("cy", "Lead")]
    assert state.roles_in("ops") == [] and state.vacancies_in("t1") == []


def test_vacancies_after_the_roles_end(timeline: Timeline) -> None:
    state = timeline.state_at(day("2024-06-30"))
    assert [(v.title, v.vacancy) for v in state.vacancies_in("t1")] == [("Lead", "vacant")]
    assert [(v.title, v.vacancy) for v in state.vacancies_in("corp")] == [("Board", "unknown")]
    assert [(r.person, r.title) for r in state.roles_in("corp")] == [
        ("ann", "CEO"),
        ("ann", "Adviser"),
    ]
    assert state.event_ids() == {"e1", "e2"}


def test_a_unit_whose_parent_is_not_in_the_state_is_a_root(timeline: Timeline) -> None:
    state = timeline.state_at(day("2024-01-01"))
    without_corp = {unit: s for unit, s in state.units.items() if unit != "corp"}
    cut = OrgState(state.day, without_corp, (), (), ())
    assert ids(cut.levels(None)) == [["lab", "ops"], ["t2", "t1"]]
    assert list(OrgState(state.day, {}, (), (), ()).levels(None)) == []


def test_unit_lookups(timeline: Timeline) -> None:
    assert timeline.unit_ids() == ["corp", "lab", "ops", "t1", "t2"]
    assert (timeline.has_unit("t2"), timeline.has_unit("nope")) == (True, False)
    first, last = timeline.unit_lifetime("t2")
    assert (ordinal_iso(first), ordinal_iso(last)) == ("2024-01-01", "2024-03-31")
    assert timeline.unit_lifetime("corp") == (day("2024-01-01"), POS_INF)
    assert timeline.unit_lifetime("nope") == (NEG_INF, POS_INF)


def test_people_and_events(timeline: Timeline) -> None:
    assert timeline.person("ann").name == "Ann Lee"
    with pytest.raises(KeyError) as caught:
        timeline.person("zed")
    assert caught.value.args == ("zed",)
    assert [(eid, window.text()) for eid, window in timeline.event_windows()] == [
        ("e1", "2024-01-01"),
        ("e2", "2024-03"),
    ]
    assert timeline.problems == []
    lead = next(f for f in timeline.role_facts if f.slot == ("cy", "t1", "Lead"))
    assert [s.url for s in timeline.fact_sources(lead)] == ["https://example.com/1"]
    assert timeline.describe(lead) == "Cy Wu — Lead, beta team"
    assert (window_display(None), window_display(lead.start.window)) == ("", "2024-01-01")


def test_diff_states_is_the_diff(timeline: Timeline) -> None:
    before, after = timeline.state_at(day("2024-01-01")), timeline.state_at(day("2024-06-30"))
    diff = timeline.diff_states(before, after)
    assert diff == timeline.diff(day("2024-01-01"), day("2024-06-30"))
    assert [c.summary for c in diff.changes] == [
        "Alpha Team dissolved",
        "Cy Wu — Board, Corp",
        "Cy Wu — Lead, beta team",
        "Board, Corp: holder unknown",
        "Lead, beta team: holder vacant",
    ]


def test_load_timeline_reports_its_progress(write_events: WriteEvents) -> None:
    calls: list[tuple[str, int, int]] = []
    load_timeline(
        write_events({"history.yaml": HISTORY}),
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert calls == [("read", 0, 2), ("read", 1, 2), ("compile", 0, 0)]


def test_finding_people_and_units_by_name(timeline: Timeline) -> None:
    assert timeline.find_unit("t1") == "t1"
    assert timeline.find_unit("Beta Team") == "t1"  # any case
    assert timeline.find_unit("alpha") == "t2"  # a unit that no longer exists, by a prefix
    assert [timeline.find_person(q).id for q in ("cy", "annie", "李安", "Bo Chen")] == [
        "cy",
        "ann",
        "ann",
        "bo",
    ]


@pytest.mark.parametrize(
    ("kind", "query", "message"),
    [
        ("unit", "Ann Lee", "no unit called 'Ann Lee'"),  # a person's name is not a unit's
        ("person", "Lab", "no person called 'Lab'"),  # nor a unit's a person's
        ("unit", "nothing", "no unit called 'nothing'"),
    ],
)
def test_a_name_of_the_other_kind_is_unknown(
    timeline: Timeline, kind: str, query: str, message: str
) -> None:
    find = timeline.find_unit if kind == "unit" else timeline.find_person
    with pytest.raises(UnknownNameError) as caught:
        find(query)
    assert caught.value.message == message
    plural = "units" if kind == "unit" else "people"
    assert caught.value.hint.startswith(f"'reorg {plural}' lists them; 'reorg search NAME'")


def test_an_id_wins_over_a_name_that_looks_the_same(write_events: WriteEvents) -> None:
    """Unit ``lab`` is named "Ops" and unit ``ops`` "Lab": an id names its own unit."""
    swapped = (
        HISTORY.split("      - {type: unit_created, unit: ops")[0].replace(
            "unit: lab, name: Lab,", "unit: lab, name: Ops,"
        )
        + "      - {type: unit_created, unit: ops, name: Lab, kind: team, parent: corp}\n"
    )
    timeline = load_timeline(write_events({"history.yaml": swapped}))
    assert (timeline.find_unit("lab"), timeline.find_unit("ops")) == ("lab", "ops")
    with pytest.raises(AmbiguousNameError):
        timeline.find_unit("Lab")


def test_coverage_notes(timeline: Timeline) -> None:
    """The history's events run from 2024-01-01 to 2024-03 (a month)."""
    assert timeline.coverage_note(day("2024-01-01"), day("2024-06-30")) == (
        "events known up to 2024-03; later changes are not in this data"
    )
    assert timeline.coverage_note(day("2023-12-31")) == (
        "events known from 2024-01-01; the organization before that is not in this data"
    )
    assert timeline.coverage_note(day("2024-01-01"), day("2024-03-31")) is None


def test_top_levels_below_a_unit(timeline: Timeline) -> None:
    top, shown = timeline.state_at(day("2024-01-01")).top_levels("lab", 1)
    assert ([(line.person, line.reports_to) for line in top.reporting_lines], shown) == (
        [("bo", "ann")],
        1,
    )


@pytest.mark.parametrize(
    ("today", "stale_after", "statuses"),
    [
        ("2023-06-01", None, ["planned", "planned", "planned"]),
        ("2024-02-01", None, ["current", "current", "current"]),
        # judged on the coverage end (2024-03-31): 90 days after the roles were last recorded
        ("2024-12-31", 30, ["stale", "stale", "ended"]),
        ("2024-12-31", None, ["current", "current", "ended"]),
    ],
)
def test_unit_history_judges_roles_on_the_day_and_threshold_given(
    timeline: Timeline, today: str, stale_after: int | None, statuses: list[str]
) -> None:
    history = timeline.unit_history("corp", stale_after=stale_after, today=day(today))
    assert [(r.person, r.title) for r in history.roles] == [
        ("ann", "CEO"),
        ("ann", "Adviser"),
        ("cy", "Board"),
    ]
    assert [r.status for r in history.roles] == statuses


def test_person_history_and_events_on_the_day_and_threshold_given(timeline: Timeline) -> None:
    ann = timeline.person_history("ann", stale_after=30, today=day("2024-12-31"))
    assert [(r.title, r.status) for r in ann.roles] == [("CEO", "stale"), ("Adviser", "stale")]
    ann = timeline.person_history("ann", today=day("2024-12-31"))
    assert [(r.title, r.status) for r in ann.roles] == [("CEO", "current"), ("Adviser", "current")]
    cy = timeline.person_history("cy", today=day("2023-06-01"))
    assert [(r.title, r.status) for r in cy.roles] == [("Lead", "planned"), ("Board", "planned")]
    assert cy.today == day("2023-06-01")
    events = timeline.events_between(
        day("2024-01-01"), day("2024-12-31"), person="cy", today=day("2024-02-01")
    )
    assert [(e.id, e.planned) for e in events] == [("e1", False), ("e2", True)]
    assert [e.id for e in timeline.events_between(day("2024-02-01"), person="cy")] == ["e2"]
    assert [e.id for e in timeline.events_between(None, day("2024-02-01"), unit="t2")] == ["e1"]


ENDS = """\
events:
  - id: e1
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: unit_created, unit: ops, name: Ops, kind: team, parent: corp}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
      - {type: role_assigned, person: cy, unit: ops, title: Lead, head: true}
  - id: e2
    date: 2024-02-01
    title: Lab merged, Ops dissolved
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_merged, unit: lab, into: corp}
      - {type: unit_dissolved, unit: ops}
"""


def test_a_role_ends_with_its_unit_and_says_why(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"history.yaml": ENDS}))
    ended = [
        (r.title, r.end.text() if r.end else None, r.end_reason)
        for person in ("bo", "cy")
        for r in timeline.person_history(person, today=day("2024-06-01")).roles
    ]
    assert ended == [
        ("Head", "2024-02-01", "unit merged into Corp"),
        ("Lead", "2024-02-01", "unit dissolved"),
    ]


def test_cited_reads_events_in_batches(write_events: WriteEvents) -> None:
    """More than two batches of 500 events, each read once."""
    confirmations = "".join(
        f"  - {{id: c{i:04d}, date: 2024-02-01, title: Check, confidence: confirmed, "
        f"sources: [s1], changes: [{{type: unit_confirmed, unit: corp}}]}}\n"
        for i in range(1001)
    )
    timeline = load_timeline(write_events({"history.yaml": ENDS + confirmations}))
    wanted = [f"c{i:04d}" for i in range(1001)] + ["e1"]
    cited = timeline.cited(reversed(wanted))
    assert list(cited) == sorted(wanted)
    assert all(cited[i].id == i for i in wanted)


def test_a_fact_is_described_with_the_names_of_its_start(mini: Timeline) -> None:
    """The lab is renamed "AI Business Unit" by the event that gives Cy the CTO role."""
    described = {fact.slot: mini.describe(fact) for fact in mini.role_facts}
    assert described[("bo", "lab", "Head")] == "Bo Chen — Head, Research Lab"
    assert described[("cy", "lab", "CTO")] == "Cy Wu — CTO, AI Business Unit"
    assert [mini.unit_name_at_order("lab", step) for step in (0, 1, 9)] == [
        "Research Lab",
        "AI Business Unit",
        "AI Business Unit",
    ]
    # before the committee's first name, its first name; an unknown unit is its id
    assert mini.unit_name_at_order("comm", 0) == "Tech Committee"
    assert mini.unit_name_at_order("nope", 0) == "nope"
    assert (mini.unit_name_now("lab"), mini.unit_name_now("nope")) == ("AI Business Unit", "nope")


RENAMED = """\
events:
  - id: e1
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
  - id: e2
    date: 2024-06-01
    title: Renamed
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_renamed, unit: corp, name: Corp Two}
"""


@pytest.mark.parametrize(
    "change",
    [
        "{type: unit_renamed, unit: corp, name: Corp Two}",
        "{type: unit_reclassified, unit: corp, kind: group, name: Corp Two}",
    ],
)
def test_a_rename_confirms_that_the_unit_still_exists(
    write_events: WriteEvents, change: str
) -> None:
    history = RENAMED.replace("{type: unit_renamed, unit: corp, name: Corp Two}", change)
    timeline = load_timeline(write_events({"history.yaml": history}))
    corp = timeline.state_at(day("2024-12-31"), stale_after=100).units["corp"]
    assert corp.last_confirmed is not None
    assert (corp.name, corp.last_confirmed.text(), corp.stale, corp.confirmed_by) == (
        "Corp Two",
        "2024-06-01",
        False,
        ("e2",),
    )


def test_staleness_without_any_dated_event(write_events: WriteEvents) -> None:
    """Only an ``unknown`` date: no coverage end, so staleness is judged on the query date."""
    undated = RENAMED.split("  - id: e2")[0].replace("date: 2024-01-01", "date: unknown")
    timeline = load_timeline(write_events({"history.yaml": undated}))
    assert timeline.coverage_end is None
    assert timeline.staleness_day(day("2024-05-01")) == day("2024-05-01")
    assert timeline.staleness_day() == POS_INF
    assert "corp" in timeline.state_at(day("2024-05-01")).units


def test_a_retraction_and_what_it_retracts_in_the_chronicle(write_events: WriteEvents) -> None:
    retracted = RENAMED + (
        "  - id: r\n    date: 2024-07-01\n    title: Not renamed\n    confidence: confirmed\n"
        "    sources: [s1]\n    retracts: e2\n"
    )
    timeline = load_timeline(write_events({"history.yaml": retracted}))
    assert [(e.id, e.status, e.related) for e in timeline.events_between()] == [
        ("e1", "applied", None),
        ("e2", "retracted", "r"),
        ("r", "retraction", "e2"),
    ]
    assert (timeline.statuses["r"].retracts, timeline.statuses["e2"].retracted_by) == ("e2", "r")
    assert timeline.state_at(day("2024-12-31")).units["corp"].name == "Corp"


def test_looking_up_names_reads_no_event(timeline: Timeline) -> None:
    """Resolving a person or unit (every command's argument) reads people, units and names,
    never the whole history: decoding every event was most of `show --unit` on a big store."""
    from reorg_cli.engine.names import named, people_list

    found = {(n.kind, n.id) for n in named(timeline, ("person", "unit"))}
    assert ("unit", "corp") in found and any(kind == "person" for kind, _ in found)
    assert people_list(timeline)
    assert "dataset" not in vars(timeline)  # the cached whole dataset was never built
    events = [n.id for n in named(timeline, ("event",))]
    assert events and "dataset" not in vars(timeline)
