"""The timeline engine on small hand-written histories."""

from __future__ import annotations

from pathlib import Path

import pytest

from reorg_cli.engine.compiler import compile_dataset
from reorg_cli.engine.facts import Presence
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.errors import AmbiguousNameError, EventFileError, Severity, UnknownNameError
from reorg_cli.events.loader import load_dataset
from tests.conftest import WriteEvents, day


def event(eid: str, date: str, changes: str, *, extra: str = "", conf: str = "confirmed") -> str:
    body = "\n".join("      " + line for line in changes.strip().splitlines())
    return (
        f"  - id: {eid}\n    date: {date}\n    title: {eid}\n    confidence: {conf}\n"
        f"    sources: [s1]\n{extra}    changes:\n{body}\n"
    )


BASE = event(
    "base",
    "2024-01-15",
    """
- {type: unit_created, unit: corp, name: Corp, kind: company}
- {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
- {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
""",
)


def timeline_of(write_events: WriteEvents, *events: str) -> Timeline:
    return load_timeline(write_events({"events.yaml": "events:\n" + "".join(events)}))


def problems_of(write_events: WriteEvents, *events: str) -> list[str]:
    root = write_events({"events.yaml": "events:\n" + "".join(events)})
    dataset, problems = load_dataset(root)
    if not problems:
        problems = compile_dataset(dataset).problems
    return [str(p) for p in problems if p.severity is Severity.ERROR]


def warnings_of(write_events: WriteEvents, *events: str) -> list[str]:
    root = write_events({"events.yaml": "events:\n" + "".join(events)})
    dataset, problems = load_dataset(root)
    problems = problems + compile_dataset(dataset).problems
    return [str(p) for p in problems if p.severity is Severity.WARNING]


def role_presence(timeline: Timeline, when: str, person: str) -> Presence:
    state = timeline.state_at(day(when))
    found = [r.presence for r in state.roles if r.person == person]
    return found[0] if found else Presence.ABSENT


# -- state_at ---------------------------------------------------------------------------------


def test_state_before_the_first_event_is_empty(mini: Timeline) -> None:
    state = mini.state_at(day("2024-01-14"))
    assert state.units == {} and state.roles == () and state.reporting_lines == ()


def test_a_view_as_of_a_date_includes_that_dates_events(mini: Timeline) -> None:
    state = mini.state_at(day("2024-01-15"))
    assert set(state.units) == {"corp", "lab"}
    assert state.units["lab"].parent == "corp"
    assert [(r.person, r.title) for r in state.roles_in("corp")] == [("ann", "CEO")]
    assert [(r.person, r.reports_to) for r in state.reporting_lines] == [("bo", "ann")]


def test_partial_query_date_means_end_of_period(mini: Timeline) -> None:
    # The committee is created on 2025-06-01: `2025-06` (= June 30) includes it, `2025-05` not.
    assert "comm" in mini.state_at(day("2025-06")).units
    assert "comm" not in mini.state_at(day("2025-05")).units


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-02-28", Presence.ABSENT),
        ("2026-03-01", Presence.UNCERTAIN),
        ("2026-03-30", Presence.UNCERTAIN),
        ("2026-03-31", Presence.PRESENT),
    ],
)
def test_a_role_starting_in_a_month_is_uncertain_inside_it(
    write_events: WriteEvents, when: str, expected: Presence
) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "appoint",
            "2026-03",
            "- {type: role_assigned, person: bo, unit: lab, title: Head, head: true}",
        ),
    )
    assert role_presence(timeline, when, "bo") is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-02-28", Presence.PRESENT),
        ("2026-03-01", Presence.UNCERTAIN),
        ("2026-03-30", Presence.UNCERTAIN),
        ("2026-03-31", Presence.ABSENT),
    ],
)
def test_a_role_ending_in_a_month_is_uncertain_inside_it(
    write_events: WriteEvents, when: str, expected: Presence
) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "appoint", "2025-01-01", "- {type: role_assigned, person: bo, unit: lab, title: Head}"
        ),
        event("leave", "2026-03", "- {type: role_ended, person: bo, unit: lab, title: Head}"),
    )
    assert role_presence(timeline, when, "bo") is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2025-06-30", Presence.UNCERTAIN),  # "by 2025-07-01": no first day
        ("2025-07-01", Presence.PRESENT),
        ("2026-03-16", Presence.PRESENT),
        ("2026-03-17", Presence.UNCERTAIN),  # ended "after 2026-03-16": no last day
        ("2030-01-01", Presence.UNCERTAIN),
    ],
)
def test_bounded_windows_follow_the_same_rule(
    write_events: WriteEvents, when: str, expected: Presence
) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "appoint",
            "by 2025-07-01",
            "- {type: role_assigned, person: bo, unit: lab, title: Head}",
        ),
        event(
            "leave", "after 2026-03-16", "- {type: role_ended, person: bo, unit: lab, title: Head}"
        ),
    )
    assert role_presence(timeline, when, "bo") is expected
    span = timeline.person_history("bo").roles[0]
    assert span.status == "ended (date unknown)"


def test_an_end_of_unknown_date_is_never_current(write_events: WriteEvents) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "appoint", "2025-01-01", "- {type: role_assigned, person: bo, unit: lab, title: Head}"
        ),
        event("leave", "unknown", "- {type: role_ended, person: bo, unit: lab, title: Head}"),
    )
    assert role_presence(timeline, "2024-12-31", "bo") is Presence.ABSENT
    assert role_presence(timeline, "2025-01-01", "bo") is Presence.UNCERTAIN
    assert timeline.person_history("bo").roles[0].status == "ended (date unknown)"


def test_same_day_events_apply_in_seq_then_path_order(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n" + BASE,
            # File b sorts after c by seq: b's end comes last, so bo holds no role at the end.
            "b.yaml": "events:\n"
            + event(
                "end",
                "2025-05-05",
                "- {type: role_ended, person: bo, unit: lab, title: Head}",
                extra="    seq: 2\n",
            ),
            "c.yaml": "events:\n"
            + event(
                "start",
                "2025-05-05",
                "- {type: role_assigned, person: bo, unit: lab, title: Head}",
                extra="    seq: 1\n",
            ),
        }
    )
    timeline = load_timeline(root)
    assert [e.id for e in timeline.order] == ["base", "start", "end"]
    assert role_presence(timeline, "2025-05-05", "bo") is Presence.ABSENT
    assert len(timeline.person_history("bo").roles) == 1


def test_rename_keeps_the_id_and_the_former_name_stays_searchable(mini: Timeline) -> None:
    assert mini.find_unit("Research Lab") == "lab"
    assert mini.find_unit("ai business unit") == "lab"
    assert mini.find_unit("研究实验室") == "lab"
    state = mini.state_at(day("2025-04"))
    assert (state.units["lab"].name, state.units["lab"].kind) == (
        "AI Business Unit",
        "business_unit",
    )


def test_merge_moves_children_and_ends_roles(write_events: WriteEvents) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "more",
            "2024-02-01",
            """
- {type: unit_created, unit: team, name: Team, kind: team, parent: lab}
- {type: unit_created, unit: bu, name: BU, kind: business_unit, parent: corp}
- {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
""",
        ),
        event("merge", "2024-03-01", "- {type: unit_merged, unit: lab, into: bu}"),
    )
    state = timeline.state_at(day("2024-03-01"))
    assert "lab" not in state.units
    assert state.units["team"].parent == "bu"
    assert not [r for r in state.roles if r.person == "bo"]
    span = timeline.person_history("bo").roles[0]
    assert (span.status, span.end_reason) == ("ended", "unit merged into BU")
    history = timeline.unit_history("bu")
    assert [c.type for c in history.changes] == ["created", "absorbed"]
    assert timeline.unit_history("lab").successor == "bu"


def test_diff_links_every_change_to_its_event(mini: Timeline) -> None:
    result = mini.diff(day("2024-12-31"), day("2025-12-31"))
    by_type = {(c.type, c.key): c.events for c in result.changes}
    assert by_type[("unit_added", ("unit", "comm"))] == ("committee",)
    assert by_type[("role_removed", ("role", "bo", "lab", "Head"))] == ("committee",)
    assert ("unit_changed", ("unit", "lab")) in by_type
    assert all(c.events for c in result.changes)
    assert mini.diff(day("2025-12-31"), day("2025-12-31")).changes == ()


def test_person_history_names_units_as_they_were_then(mini: Timeline) -> None:
    history = mini.person_history("bo")
    head = history.roles[0]
    assert (head.unit_name, head.unit_name_at_end, head.title) == (
        "Research Lab",
        "AI Business Unit",
        "Head",
    )
    assert head.start.text() == "2024-01-15" and head.end is not None
    assert history.roles[1].status == "current"


def test_lookup_ignores_case_spacing_and_script(mini: Timeline) -> None:
    for query in ("ann", "Ann Lee", "ann lee", "ANN-LEE", "李安", "annie", " Ann  Lee "):
        assert mini.find_person(query).id == "ann"
    with pytest.raises(UnknownNameError) as err:
        mini.find_person("Anne Lee")
    assert err.value.suggestions == ["Ann Lee (ann)"]


def test_ambiguous_names_are_errors(write_events: WriteEvents) -> None:
    people = "people:\n  - {id: a1, name: Li Jin}\n  - {id: a2, name: Li Jin}\n"
    root = write_events({"e.yaml": "events: []\n"}, people=people)
    timeline = load_timeline(root)
    with pytest.raises(AmbiguousNameError):
        timeline.find_person("li jin")
    assert timeline.find_person("a2").id == "a2"


def test_corrections_replace_and_retractions_remove(write_events: WriteEvents) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "rumour",
            "2025-01-01",
            "- {type: role_assigned, person: bo, unit: lab, title: Head}",
            conf="reported",
        ),
        event(
            "wrong-date", "2025-02-01", "- {type: role_assigned, person: cy, unit: lab, title: CTO}"
        ),
        event(
            "fix",
            "2025-03-01",
            "- {type: role_assigned, person: cy, unit: lab, title: CTO}",
            extra="    corrects: wrong-date\n",
        ),
        "  - {id: retract, date: 2025-04-01, title: retracted, confidence: confirmed, "
        "sources: [s1], retracts: rumour}\n",
    )
    assert role_presence(timeline, "2025-02-15", "cy") is Presence.ABSENT
    assert role_presence(timeline, "2025-03-01", "cy") is Presence.PRESENT
    assert role_presence(timeline, "2025-01-15", "bo") is Presence.ABSENT
    statuses = {e.id: e.status for e in timeline.events_between()}
    assert statuses == {
        "base": "applied",
        "rumour": "retracted",
        "wrong-date": "corrected",
        "fix": "correction",
        "retract": "retraction",
    }


def test_events_between_filters_by_date_person_and_unit(mini: Timeline) -> None:
    ids = [e.id for e in mini.events_between(day("2025-01-01"), day("2025-12-31"))]
    assert ids == ["lab-upgrade", "committee"]
    assert [e.id for e in mini.events_between(person="cy")] == ["lab-upgrade"]
    assert [e.id for e in mini.events_between(unit="comm")] == ["committee"]


def test_vacancy_shows_until_filled(mini: Timeline) -> None:
    state = mini.state_at(day("2025-06-01"))
    assert [(v.unit, v.title, v.vacancy) for v in state.vacancies] == [("lab", "Head", "unknown")]


def test_min_confidence_hides_weaker_facts(mini: Timeline) -> None:
    from reorg_cli.events.model import Confidence

    # Filtering shows what the confirmed events establish: the reported rename and
    # reclassification are left out, so the lab keeps its confirmed name and kind.
    state = mini.state_at(day("2025-12-31"), Confidence.CONFIRMED)
    assert (state.units["lab"].name, state.units["lab"].kind) == ("Research Lab", "lab")
    assert all(r.confidence is Confidence.CONFIRMED for r in state.roles)
    assert all(u.confidence is Confidence.CONFIRMED for u in state.units.values())
    assert "cy" not in {r.person for r in state.roles}  # appointed by a reported event
    # Before the reported change, a confirmed fact is not weakened by it.
    before = mini.state_at(day("2024-06"))
    assert before.units["lab"].confidence is Confidence.CONFIRMED
    assert [r.person for r in before.roles_in("lab")] == ["bo"]


def test_a_weak_end_is_ignored_by_a_stricter_filter(write_events: WriteEvents) -> None:
    timeline = timeline_of(
        write_events,
        BASE,
        event(
            "ends",
            "2025-01-01",
            "- {type: role_ended, person: ann, unit: corp, title: CEO, confidence: uncertain}",
        ),
    )
    from reorg_cli.events.model import Confidence

    assert role_presence(timeline, "2025-06-01", "ann") is Presence.ABSENT
    strict = timeline.state_at(day("2025-06-01"), Confidence.CONFIRMED)
    assert [r.person for r in strict.roles] == ["ann"]
    span = timeline.person_history("ann").roles[0]
    assert (span.confidence, span.end_confidence) == (Confidence.CONFIRMED, Confidence.UNCERTAIN)


# -- logical errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ("- {type: role_assigned, person: bo, unit: nowhere, title: X}", "unknown unit 'nowhere'"),
        (
            "- {type: role_ended, person: bo, unit: lab, title: Head}",
            "'bo' does not hold 'Head' in 'lab'",
        ),
        (
            "- {type: unit_created, unit: lab, name: Lab 2, kind: lab}",
            "unit 'lab' is created twice",
        ),
        ("- {type: unit_moved, unit: corp, parent: lab}", "parent cycle: corp → lab → corp"),
        ("- {type: reporting_line_set, person: bo, reports_to: bo}", "cannot report to themselves"),
        ("- {type: role_assigned, person: zed, unit: lab, title: X}", "unknown person 'zed'"),
        ("- {type: unit_dissolved, unit: corp}", "still has child units: lab"),
        ("- {type: role_assigned, person: ann, unit: corp, title: CEO}", "already holds 'CEO'"),
    ],
)
def test_logical_errors_are_reported_with_a_location(
    write_events: WriteEvents, changes: str, expected: str
) -> None:
    problems = problems_of(write_events, BASE, event("bad", "2025-01-01", changes))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(Path("events.yaml"))) or "events.yaml:" in p for p in problems)


def test_reporting_cycle_names_both_places(write_events: WriteEvents) -> None:
    problems = problems_of(
        write_events,
        BASE,
        event("a", "2025-01-01", "- {type: reporting_line_set, person: bo, reports_to: ann}"),
        event("b", "2025-01-02", "- {type: reporting_line_set, person: ann, reports_to: bo}"),
    )
    assert len(problems) == 1
    assert "reporting cycle: ann → bo → ann" in problems[0]
    assert problems[0].count("events.yaml:") == 2


def test_acting_on_a_dissolved_unit_names_the_dissolution(write_events: WriteEvents) -> None:
    problems = problems_of(
        write_events,
        BASE,
        event("gone", "2025-01-01", "- {type: unit_dissolved, unit: lab}"),
        event("late", "2025-02-01", "- {type: unit_renamed, unit: lab, name: Lab 2}"),
    )
    assert len(problems) == 1
    assert "no longer exists here: it was dissolved on 2025-01-01" in problems[0]


def test_using_a_unit_before_its_creation_names_the_creation(write_events: WriteEvents) -> None:
    problems = problems_of(
        write_events,
        BASE,
        event("early", "2024-06-01", "- {type: role_assigned, person: bo, unit: new, title: X}"),
        event("create", "2025-01-01", "- {type: unit_created, unit: new, name: New, kind: team}"),
    )
    assert len(problems) == 1
    assert "does not exist yet on 2024-06-01; it is created on 2025-01-01" in problems[0]


def test_two_holders_of_a_single_holder_post_is_a_warning(write_events: WriteEvents) -> None:
    warnings = warnings_of(
        write_events,
        BASE,
        event(
            "second", "2025-01-01", "- {type: role_assigned, person: bo, unit: corp, title: CEO}"
        ),
    )
    assert any("both hold the single-holder post 'CEO'" in w for w in warnings)


def test_duplicate_event_ids_across_files(write_events: WriteEvents) -> None:
    root = write_events({"a.yaml": "events:\n" + BASE, "b.yaml": "events:\n" + BASE})
    with pytest.raises(EventFileError) as err:
        load_timeline(root)
    assert "event id 'base' is used twice (first at" in str(err.value.problems[0])


def test_the_replay_is_deterministic(write_events: WriteEvents) -> None:
    root = write_events({"events.yaml": "events:\n" + BASE})
    first, second = load_timeline(root), load_timeline(root)
    assert first.state_at(day("2030")) == second.state_at(day("2030"))


def test_a_single_holder_post_still_held_cannot_be_vacant(write_events: WriteEvents) -> None:
    problems = problems_of(
        write_events,
        BASE,
        event(
            "second",
            "2025-01-01",
            """
- {type: role_assigned, person: bo, unit: corp, title: CEO}
- {type: role_ended, person: ann, unit: corp, title: CEO, vacancy: vacant}
""",
        ),
    )
    assert len(problems) == 1
    assert "the post 'CEO' in 'corp' cannot be vacant: 'bo' still holds it" in problems[0]
