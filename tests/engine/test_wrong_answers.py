"""Tests that catch wrong answers the rest of the suite was blind to (issue 10).

Each test here was checked by hand against a mutation of the engine that left every other test
passing; the mutation it catches is named in its docstring (docs/reliability.md, "Mutation
testing"). The history is small and every expected answer is written out, not computed.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline
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
      - {type: unit_created, unit: team, name: Team, kind: team, parent: corp}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: reporting_line_set, person: bo, reports_to: ann}
  - id: e2
    date: 2024-03-01
    title: Lab moves under Team; Bo reports to Cy
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_moved, unit: lab, parent: team}
      - {type: reporting_line_set, person: bo, reports_to: cy}
  - id: e3
    date: 2024-05-01
    title: Team merged into Corp
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_merged, unit: team, into: corp}
  - id: e4
    date: 2024-06-10
    title: Ann heads Corp
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
"""


@pytest.fixture
def timeline(write_events: WriteEvents) -> Timeline:
    return load_timeline(write_events({"history.yaml": HISTORY}))


def summaries(timeline: Timeline, first: str, last: str) -> dict[str, tuple[str, ...]]:
    """Each change of the diff from ``first`` to ``last``: summary -> events cited."""
    return {c.summary: c.events for c in timeline.diff(day(first), day(last)).changes}


def test_a_move_names_the_old_parent_then_the_new(timeline: Timeline) -> None:
    """Catches: the diff swaps moved-from and moved-to."""
    assert "Lab moved from Corp to Team" in summaries(timeline, "2024-02-01", "2024-03-01")
    assert "Lab moved from Team to Corp" in summaries(timeline, "2024-03-01", "2024-02-01")


def test_a_unit_history_says_a_move_came_from_its_parents_merger(timeline: Timeline) -> None:
    """Mutation: the compiler records the implied move under another name than
    ``unit_merged``."""
    assert [(c.date.text(), c.summary) for c in timeline.unit_history("lab").changes] == [
        ("2024-01-01", "created as Lab (lab) under Corp"),
        ("2024-03-01", "moved from Corp to Team"),
        ("2024-05-01", "moved from Team to Corp (its parent was merged)"),
    ]


def test_a_diff_cites_only_events_after_its_from_date(timeline: Timeline) -> None:
    """Catches: the diff also cites events dated on FROM (the state at the end of FROM already
    includes them, so they are outside the range the diff describes)."""
    assert summaries(timeline, "2024-03-01", "2024-05-01") == {
        "Team merged into Corp": ("e3",),
        "Lab moved from Team to Corp": ("e3",),
    }
    assert summaries(timeline, "2024-02-29", "2024-03-01") == {
        "Lab moved from Corp to Team": ("e2",),
        "Bo Chen reports to Cy Wu (before: Ann Lee)": ("e2",),
    }


def test_a_new_manager_says_who_the_old_one_was(timeline: Timeline) -> None:
    """Catches: "(before: X)" names the new manager instead of the old one."""
    found = summaries(timeline, "2024-02-01", "2024-04-01")
    assert "Bo Chen reports to Cy Wu (before: Ann Lee)" in found
    back = summaries(timeline, "2024-04-01", "2024-02-01")
    assert "Bo Chen reports to Ann Lee (before: Cy Wu)" in back


def test_a_diff_ending_on_a_merge_day_says_merged(timeline: Timeline) -> None:
    """Catches: a diff ending on the merge day says "no longer shown (its facts are less
    sure)" instead of "merged into ..."."""
    assert "Team merged into Corp" in summaries(timeline, "2024-04-30", "2024-05-01")
    assert "Team merged into Corp" in summaries(timeline, "2024-04", "2024-05")


def run(*args: str, **env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **env})
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_timeline_to_a_day_includes_the_events_of_that_day(
    timeline: Timeline, write_events: WriteEvents
) -> None:
    """Catches: ``timeline --to D`` leaves out the events dated D."""
    ids = [e.id for e in timeline.events_between(day("2024-03-01"), day("2024-05-01"))]
    assert ids == ["e2", "e3"]
    root = write_events({"history.yaml": HISTORY})
    code, out, err = run(
        "timeline", "--from", "2024-03-01", "--to", "2024-05-01", "--events", str(root)
    )
    assert code == 0, err
    assert "Team merged into Corp" in out and "Lab moves under Team" in out
    assert "Founded" not in out and "Ann heads Corp" not in out


def test_an_event_dated_today_is_not_planned(timeline: Timeline, write_events: WriteEvents) -> None:
    """Catches: an event dated today is marked "planned" (it happens today; only later events
    are planned)."""
    planned = {e.id: e.planned for e in timeline.events_between(today=day("2024-06-10"))}
    assert planned == {"e1": False, "e2": False, "e3": False, "e4": False}
    planned = {e.id: e.planned for e in timeline.events_between(today=day("2024-06-09"))}
    assert planned == {"e1": False, "e2": False, "e3": False, "e4": True}
    root = write_events({"history.yaml": HISTORY})
    code, out, _ = run("timeline", "--events", str(root), REORG_TODAY="2024-06-10")
    assert code == 0 and "Ann heads Corp" in out and "planned" not in out
    code, out, _ = run("timeline", "--events", str(root), REORG_TODAY="2024-06-09")
    assert code == 0 and "Ann heads Corp (planned)" in out


# -- REORG_TODAY ------------------------------------------------------------------------------


def test_reorg_today_is_what_today_means(write_events: WriteEvents) -> None:
    root = write_events({"history.yaml": HISTORY})
    code, out, err = run(
        "show", "--at", "today", "--format", "json", "--events", str(root), REORG_TODAY="2024-04-15"
    )
    assert code == 0, err
    assert '"at": "2024-04-15"' in out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "REORG_TODAY='2024-02-30' is not a real day"),
        ("2024-4-1", "REORG_TODAY='2024-4-1' is not a date in YYYY-MM-DD form"),
        ("tomorrow", "REORG_TODAY='tomorrow' is not a date in YYYY-MM-DD form"),
        ("2024-04-01T10:00", "REORG_TODAY='2024-04-01T10:00' is not a date in YYYY-MM-DD form"),
    ],
)
def test_a_bad_reorg_today_is_a_usage_error(
    write_events: WriteEvents, value: str, message: str
) -> None:
    root = write_events({"history.yaml": HISTORY})
    for args in (["show", "--at", "today"], ["timeline"], ["history", "ann", "-f", "gantt"]):
        code, out, err = run(*args, "--events", str(root), REORG_TODAY=value)
        assert code == 2, (args, out, err)
        assert err.startswith(f"reorg: error: {message} (set REORG_TODAY to a day"), err
        assert "Traceback" not in err and out == ""


# -- survivors of make mutate (docs/reliability.md, "Mutation testing") ------------------------

LESS_SURE_END = """\
events:
  - id: s1
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
  - id: s2
    date: 2024-02
    title: Ann said to leave
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: corp, title: CEO, confidence: uncertain}
  - id: s3
    date: 2024-03
    title: Lab founded some day in March
    confidence: reported
    sources: [s1]
    changes:
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
      - {type: role_ended, person: bo, unit: lab, title: Head, confidence: uncertain}
"""


def test_min_confidence_ignores_a_less_sure_end(write_events: WriteEvents) -> None:
    """At --min-confidence reported an uncertain end is ignored: the role still holds, fully
    present after its start, uncertain inside its start window, absent before it, and cites only
    its start."""
    from reorg_cli.engine.facts import Presence
    from reorg_cli.events.model import Confidence

    timeline = load_timeline(write_events({"history.yaml": LESS_SURE_END}))
    reported = Confidence.REPORTED

    def roles(on: str, level: Confidence = reported) -> dict[str, tuple[Presence, tuple[str, ...]]]:
        state = timeline.state_at(day(on), level)
        return {r.person: (r.presence, r.events) for r in state.roles}

    assert roles("2023-12-31") == {}
    assert roles("2024-01-01") == {"ann": (Presence.PRESENT, ("s1",))}
    assert roles("2024-06-01") == {
        "ann": (Presence.PRESENT, ("s1",)),
        "bo": (Presence.PRESENT, ("s3",)),
    }
    assert roles("2024-03-01") == {
        "ann": (Presence.PRESENT, ("s1",)),
        "bo": (Presence.UNCERTAIN, ("s3",)),
    }
    assert roles("2024-02-29") == {"ann": (Presence.PRESENT, ("s1",))}
    # Without the filter the end counts: gone after February, and it cites both events.
    assert roles("2024-06-01", Confidence.UNCERTAIN) == {}
    assert roles("2024-02-10", Confidence.UNCERTAIN) == {"ann": (Presence.UNCERTAIN, ("s1", "s2"))}
    # Once the less sure end may have happened, the role is only as sure as that end.
    confidence = {
        on: [r.confidence for r in timeline.state_at(day(on)).roles]
        for on in ("2024-01-31", "2024-02-01", "2024-02-10")
    }
    assert confidence == {
        "2024-01-31": [Confidence.CONFIRMED],
        "2024-02-01": [Confidence.UNCERTAIN],
        "2024-02-10": [Confidence.UNCERTAIN],
    }


def test_apply_diff_rebuilds_vacancies_in_order_and_says_what_is_wrong() -> None:
    """build_state sorts vacancies by unit and title; apply_diff's refusals say why."""
    from reorg_cli.engine.diffapply import DiffMismatchError, apply_diff, build_state, state_entries
    from reorg_cli.engine.facts import Presence
    from reorg_cli.engine.results import Entry, OrgState, VacancyState
    from reorg_cli.engine.results_over_time import DiffChange, OrgDiff
    from reorg_cli.events.dates import parse_window
    from reorg_cli.events.model import Confidence

    since = parse_window("2024-01-01")

    def vacancy(unit: str, title: str) -> VacancyState:
        return VacancyState(
            unit, title, "vacant", since, Presence.PRESENT, Confidence.CONFIRMED, ("e1",)
        )

    entries: dict[tuple[str, ...], Entry] = {
        ("vacancy", u, t): vacancy(u, t) for u, t in (("b", "Head"), ("a", "Z"), ("a", "CEO"))
    }
    built = build_state(5, entries)
    assert [(v.unit, v.title) for v in built.vacancies] == [("a", "CEO"), ("a", "Z"), ("b", "Head")]

    twice = OrgState(5, {}, (), (vacancy("a", "CEO"), vacancy("a", "CEO")), ())
    with pytest.raises(DiffMismatchError, match=r"the state has two entries for \('vacancy', 'a'"):
        state_entries(twice)
    wrong_key = DiffChange("vacancy_added", "x", (), ("vacancy", "a", "X"), None, vacancy("b", "Y"))
    with pytest.raises(DiffMismatchError, match=r"change vacancy_added .* has a mismatched entry"):
        apply_diff(OrgState(5, {}, (), (), ()), OrgDiff(5, 6, (wrong_key,)))
