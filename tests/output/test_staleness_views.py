"""The staleness marks of ``people --at``, ``units --at`` and ``blame`` as exact text at fixed
widths, and their JSON fields (docs/event-format.md, "Stale")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reorg_cli.engine.history_log import blame
from reorg_cli.engine.names import people_list, units_list
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.output.directory import people_dict, render_people, render_units, units_dict
from reorg_cli.output.gitlike import render_blame
from reorg_cli.output.gitlike_json import blame_dict
from tests.conftest import WriteEvents
from tests.output.test_gitlike_render import draw

# Ann's role, the line from Bo to Ann and the unit Corp rest on 2024-01-01 alone; Bo's role
# (and so his unit, Lab) is confirmed on 2024-12-01, within 180 days of the coverage end.
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
  - id: bo-confirmed
    date: 2024-12-01
    title: Bo still heads the lab
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: bo, unit: lab, title: Head}
"""
LEGEND = (
    "[?] stale: no source confirms it within the staleness threshold (--stale-after) \n"
    "of this date or of the data's coverage end; it may no longer hold\n"
)


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


@pytest.fixture
def timeline(write_events: WriteEvents) -> Timeline:
    root = write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2024-12-31\n"}
    )
    return load_timeline(root)


def test_people_at_marks_a_stale_role_and_not_a_confirmed_one(timeline: Timeline) -> None:
    found = people_list(timeline, day("2030-01-01"))
    assert draw(render_people(found, at="2030-01-01"), 80) == (
        "People on 2030-01-01 (2)\n"
        "Name     Id   Roles on that day\n"
        "───────  ───  ────────────────────────────────────────\n"
        "Ann Lee  ann  CEO, Corp, last confirmed 2024-01-01 [?]\n"
        "Bo Chen  bo   Head, Lab\n" + LEGEND
    )


def test_people_at_inside_the_threshold_has_no_mark_and_no_legend(timeline: Timeline) -> None:
    # 2024-06-29 is 180 days after 2024-01-01: the threshold day itself is not stale.
    text = draw(render_people(people_list(timeline, day("2024-06-29")), at="2024-06-29"), 80)
    assert "[?]" not in text and "last confirmed" not in text
    later = people_list(timeline, day("2024-06-30"))
    assert [r.stale for p in later for r in p.roles] == [True, False]


def test_people_at_stale_after_moves_the_threshold(timeline: Timeline) -> None:
    found = people_list(timeline, day("2030-01-01"), stale_after=365)
    assert [r.stale for p in found for r in p.roles] == [False, False]


def test_units_at_marks_a_stale_unit(timeline: Timeline) -> None:
    found = units_list(timeline, day("2030-01-01"))
    assert draw(render_units(found, at="2030-01-01"), 80) == (
        "Units on 2030-01-01 (2)\n"
        "Id    Unit\n"
        "────  ─────────────────────────────────────────────────────────\n"
        "corp  Corp (company); since 2024-01-01, not confirmed since [?]\n"
        "lab   Lab (lab) in Corp; since 2024-01-01\n" + LEGEND
    )


def test_people_and_units_json_carry_staleness_and_coverage(timeline: Timeline) -> None:
    coverage = timeline.coverage()
    people = people_dict(
        people_list(timeline, day("2030-01-01")), at="2030-01-01", coverage=coverage
    )
    assert (people["coverage_end"], people["stale_after_days"]) == ("2024-12-31", 180)
    roles = {p["id"]: p["roles"][0] for p in people["people"]}
    assert {k: roles["ann"][k] for k in ("last_confirmed", "stale", "confirmed_by")} == {
        "last_confirmed": "2024-01-01",
        "stale": True,
        "confirmed_by": [],
    }
    assert (roles["bo"]["last_confirmed"], roles["bo"]["stale"], roles["bo"]["confirmed_by"]) == (
        "2024-12-01",
        False,
        ["bo-confirmed"],
    )
    units = units_dict(units_list(timeline, day("2030-01-01")), at="2030-01-01", coverage=coverage)
    assert units["coverage_end"] == "2024-12-31"
    assert {u["id"]: u["stale"] for u in units["units"]} == {"corp": True, "lab": False}
    # Without a date there is nothing to judge: no staleness keys at all.
    plain = people_dict(people_list(timeline), at=None, coverage=coverage)
    assert "coverage_end" not in plain and "roles" not in plain["people"][0]
    assert "stale" not in units_dict(units_list(timeline), at=None)["units"][0]


def test_blame_marks_the_stale_line_and_not_the_confirmed_role(
    timeline: Timeline, write_events: WriteEvents
) -> None:
    result = blame(timeline, person="bo", today=day("2030-01-01"))
    path = str(Path(timeline.events["founding"].path))
    text = draw(render_blame(result), 80).replace(path, "PATH")
    assert text == (
        "Person Bo Chen (bo)\n"
        "\n"
        "Bo Chen reports to Ann Lee\n"
        "  since 2024-01-01, not confirmed since [?]; confirmed\n"
        "  established 2024-01-01  founding (confirmed)\n"
        "              PATH:2\n"
        "              s1 Example\n"
        "              https://example.com/1\n"
        "\n"
        "Bo Chen — Head, Lab\n"
        "  since 2024-01-01; confirmed\n"
        "  established 2024-01-01  founding (confirmed)\n"
        "              PATH:2\n"
        "              s1 Example\n"
        "              https://example.com/1\n"
        "  confirmed   2024-12-01  bo-confirmed (confirmed)\n"
        "              PATH:13\n"
        "              s1 Example\n"
        "              https://example.com/1\n"
        "\n" + LEGEND
    )


def test_blame_wraps_a_stale_line_under_its_since_at_50_columns(timeline: Timeline) -> None:
    """At 50 columns the line broke with its confidence at column 0."""
    result = blame(timeline, person="bo", today=day("2030-01-01"))
    text = draw(render_blame(result), 50)
    assert "  since 2024-01-01, not confirmed since [?];\n    confirmed\n" in text


def test_blame_reads_last_confirmed_when_a_later_source_confirmed(timeline: Timeline) -> None:
    # Bo's role, confirmed 2024-12-01, is 30 days old at the coverage end (2024-12-31), which
    # is the reference day for a query past it.
    on = day("2030-01-01")
    result = blame(timeline, person="bo", day=on, at_text="2030-01-01", stale_after=29)
    text = draw(render_blame(result), 80)
    assert "  since 2024-01-01, last confirmed 2024-12-01 [?]; confirmed\n" in text
    fresh = blame(timeline, person="bo", day=on, at_text="2030-01-01", stale_after=30)
    assert [line.stale for line in fresh.lines] == [True, False]


def test_blame_json_carries_staleness_and_coverage(timeline: Timeline) -> None:
    data = blame_dict(blame(timeline, unit="corp", today=day("2030-01-01")), None)
    assert (data["coverage_end"], data["stale_after_days"]) == ("2024-12-31", 180)
    facts = {f["description"]: f for f in data["facts"]}
    exists = next(f for f in data["facts"] if f["kind"] == "unit")
    assert (exists["stale"], exists["last_confirmed"]) == (True, "2024-01-01")
    role = facts["Ann Lee — CEO, Corp"]
    assert (role["stale"], role["last_confirmed"], role["confirmed_by"]) == (
        True,
        "2024-01-01",
        [],
    )
    # A name is not something a source confirms: it is never stale and has no confirmation.
    name = next(f for f in data["facts"] if f["kind"] == "name")
    assert (name["stale"], name["last_confirmed"], name["confirmed_by"]) == (False, None, [])
    longer = blame_dict(
        blame(timeline, unit="corp", today=day("2030-01-01"), stale_after=400), None
    )
    assert not any(f["stale"] for f in longer["facts"])
    assert longer["stale_after_days"] == 400


def test_the_explorers_person_pane_marks_a_stale_reporting_line(timeline: Timeline) -> None:
    """The pane wrote ``→ current`` for every open line (docs/explore.md: the pane gives what
    ``history --why`` gives)."""
    from reorg_cli.output.render_details import render_person_roles
    from reorg_cli.output.render_text import Footnotes

    history = timeline.person_history("bo", today=day("2030-01-01"))
    assert [stale for _, stale, _ in history.reporting_line_confirmations] == [True]
    text = draw(render_person_roles(history, Footnotes(history.cited)), 80)
    assert "  reports to Ann Lee [1]\n    2024-01-01 → last confirmed 2024-01-01 [?]\n" in text
    assert "current" not in text.split("Reporting lines")[1]
