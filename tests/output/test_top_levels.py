"""A big organization's default tree is drawn from a state of its top levels only (the unit
outline chooses them): it must draw exactly what the whole state, cut to the same levels,
draws, at every width, with and without footnotes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reorg_cli.engine.cache import load_timeline_cached
from reorg_cli.engine.results import OrgState
from reorg_cli.engine.state import unit_outline
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.output.render import Footnotes, render_state_tree
from tests.conftest import WriteEvents
from tests.output.test_render import draw
from tools.synth import generate

#: Days across the history, some inside imprecise windows of the synthetic events.
DAYS = ["1991-06-30", "1998-03", "2004", "2010-07-01", "2016-12-31", "2021-05", "2026-04-08"]


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    root = tmp_path_factory.mktemp("outline") / "h"
    generate(root, 3000, seed=11)
    return load_timeline_cached(Path(root), use_cache=False)


def day(text: str) -> int:
    return parse_query_date(text).day


def assert_presence(timeline: Timeline, rows: list[tuple[Any, ...]], on: int) -> None:
    """The presence the outline's rows carry is each fact's own."""
    ids = sorted(row[0] for row in rows)
    facts = timeline.store.facts(f"id IN ({', '.join(map(str, ids))})")
    presence = {row[0]: row[5] for row in rows}
    assert [presence[i] for i in ids] == [f.presence(on).value for f in facts]


@pytest.mark.parametrize("when", DAYS)
def test_the_outline_is_the_tree_of_the_whole_state(timeline: Timeline, when: str) -> None:
    full = timeline.state_at(day(when), cite=False)
    outline, rows = unit_outline(timeline, day(when))
    assert outline.units == {u.id: (u.parent, u.name) for u in full.units.values()}
    assert outline.reporting_lines == len(full.reporting_lines)
    assert_presence(timeline, rows, day(when))
    for unit in full.units:
        assert sorted(outline.children(unit)) == sorted(u.id for u in full.children(unit))


def test_the_history_is_big_enough_to_cut(timeline: Timeline) -> None:
    state = timeline.state_at(day("2016-12-31"), cite=False)
    assert len(state.units) > 30 and state.depth_that_fits(None, 10) is not None


@pytest.mark.parametrize("limit", [3, 10, 25])
@pytest.mark.parametrize("when", DAYS)
def test_a_state_of_the_top_levels_draws_what_the_whole_state_cut_draws(
    timeline: Timeline, when: str, limit: int
) -> None:
    full = timeline.state_at(day(when))
    top = timeline.state_at(day(when), top_units=limit)
    depth = full.depth_that_fits(None, limit)
    if depth is None:
        assert top.outline is None and top == full
        return
    assert top.outline is not None and top.depth_that_fits(None, limit) == depth
    whole, shown = full.top_levels(None, depth)
    cut, shown_too = top.top_levels(None, depth)
    assert shown == shown_too == len(cut.units) < len(full.units)
    assert cut.units == {unit: full.units[unit] for unit in cut.units}
    assert cut.roles == tuple(r for r in full.roles if r.unit in cut.units)
    assert cut.vacancies == tuple(v for v in full.vacancies if v.unit in cut.units)
    assert cut.reporting_lines == whole.reporting_lines
    assert cut.tree().units == whole.tree().units
    assert cut.tree().reporting_lines == len(full.reporting_lines)
    assert cut.cited == {e: full.cited[e] for e in cut.cited_ids()}
    for width in (50, 80, 120):
        for why in (False, True):
            assert drawn(cut, depth, width, why) == drawn(whole, depth, width, why)


def drawn(state: OrgState, depth: int, width: int, why: bool, root: str | None = None) -> str:
    notes = Footnotes(state.cited) if why else None
    return draw(render_state_tree(state, root=root, depth=depth, why=notes), width)


@pytest.mark.parametrize("limit", [2, 6])
@pytest.mark.parametrize("when", DAYS[2:])
def test_the_top_levels_below_a_unit_draw_what_the_whole_state_cut_draws(
    timeline: Timeline, when: str, limit: int
) -> None:
    full = timeline.state_at(day(when))
    # The unit with the most units under it, and one with none.
    roots = sorted(full.units, key=lambda u: (-len(full.subtree(u)), u))
    for root in (roots[0], roots[-1]):
        top = timeline.state_at(day(when), top_units=limit, root=root)
        depth = full.depth_that_fits(root, limit)
        if depth is None:
            assert top.outline is None and top == full
            continue
        assert top.outline is not None and root in top.units
        whole, shown = full.top_levels(root, depth)
        cut, shown_too = top.top_levels(root, depth)
        assert shown == shown_too == len(cut.units) < len(full.units)
        assert cut.units == {unit: full.units[unit] for unit in cut.units}
        assert cut.roles == tuple(r for r in full.roles if r.unit in cut.units)
        for width in (50, 80):
            for why in (False, True):
                assert drawn(cut, depth, width, why, root) == drawn(whole, depth, width, why, root)


def test_a_unit_that_does_not_exist_gets_the_whole_state(timeline: Timeline) -> None:
    gone = timeline.state_at(day("2026-04-08"), cite=False)
    early = timeline.state_at(day("1991-06-30"), top_units=2, root=max(gone.units))
    assert early.outline is None and max(gone.units) not in early.units


def test_a_confidence_filter_computes_the_whole_state(timeline: Timeline) -> None:
    from reorg_cli.events.model import Confidence

    state = timeline.state_at(day("2016-12-31"), Confidence.REPORTED, top_units=3)
    assert state.outline is None
    assert state == timeline.state_at(day("2016-12-31"), Confidence.REPORTED)


#: Slots with two possible facts: ``lab``'s name ``Old Lab`` ends some day in 2024 (a year)
#: while ``Mid Lab``, named on 2024-03-20, is sure; ``t1`` is created under ``lab`` and moved
#: under ``ops`` in one event of an imprecise month, so its first parent never holds; ``bo``'s
#: reporting line is set and cleared in one event, so it never holds either.
EDGES = """\
events:
  - id: e1
    date: 2024-01-01
    title: Founded
    confidence: confirmed
    sources: [{id: s1, url: "https://example.com/a"}]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Old Lab, kind: lab, parent: corp}
      - {type: unit_created, unit: ops, name: Ops, kind: team, parent: corp}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: reporting_line_set, person: cy, reports_to: ann}
  - id: e2
    date: 2024
    title: Renamed some day in 2024
    confidence: reported
    sources: [s1]
    changes:
      - {type: unit_renamed, unit: lab, name: New Lab}
  - id: e3
    date: 2024-03-20
    title: Renamed again
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_renamed, unit: lab, name: Mid Lab}
  - id: e4
    date: 2024-05
    title: A team made and moved
    confidence: reported
    sources: [s1]
    changes:
      - {type: unit_created, unit: t1, name: Team, kind: team, parent: lab}
      - {type: unit_moved, unit: t1, parent: ops}
      - {type: role_assigned, person: bo, unit: t1, title: Lead}
      - {type: reporting_line_set, person: bo, reports_to: ann}
      - {type: reporting_line_cleared, person: bo}
"""


@pytest.mark.parametrize("when", ["2024-02-01", "2024-04-01", "2024-05-15", "2024-08-01"])
def test_the_outline_picks_each_slot_as_the_state_does(
    write_events: WriteEvents, when: str
) -> None:
    timeline = load_timeline(write_events({"history.yaml": EDGES}))
    full = timeline.state_at(day(when), cite=False)
    outline, rows = unit_outline(timeline, day(when))
    assert outline.units == {u.id: (u.parent, u.name) for u in full.units.values()}
    assert outline.reporting_lines == len(full.reporting_lines)
    assert_presence(timeline, rows, day(when))


def test_the_edge_history_has_its_edges(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"history.yaml": EDGES}))
    may = timeline.state_at(day("2024-05-15"), cite=False)
    assert may.units["t1"].parent == "ops" and "parent" in may.units["t1"].uncertain_fields
    assert [line.person for line in may.reporting_lines] == ["cy"]
    april = timeline.state_at(day("2024-04-01"), cite=False)
    assert april.units["lab"].name == "Mid Lab" and "name" in april.units["lab"].uncertain_fields
