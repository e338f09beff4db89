"""A big organization's default tree is drawn from a state of its top levels only (the unit
outline chooses them): it must draw exactly what the whole state, cut to the same levels,
draws, at every width, with and without footnotes; below a unit (``--unit``), from a state of
that unit's subtree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reorg_cli.engine.cache import load_timeline_cached
from reorg_cli.engine.results import OrgState
from reorg_cli.engine.state import unit_outline
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import NEG_INF, POS_INF, parse_query_date
from reorg_cli.events.model import Confidence
from reorg_cli.output.render import Footnotes, render_state_tree
from tests.conftest import FIXTURES, WriteEvents
from tests.output.test_render import draw
from tools.synth import generate

#: Days across the synthetic history, some inside imprecise windows of its events.
DAYS = ["1991-06-30", "1998-03", "2004", "2010-07-01", "2016-12-31", "2021-05", "2026-04-08"]


@pytest.fixture(scope="module")
def timeline(tmp_path_factory: pytest.TempPathFactory) -> Timeline:
    root = tmp_path_factory.mktemp("outline") / "h"
    generate(root, 3000, seed=11)
    return load_timeline_cached(Path(root), use_cache=False)


@pytest.fixture(scope="module")
def edges() -> Timeline:
    """tests/fixtures/outline: a small history of every kind of edge a cut meets: dates
    `by`, `after`, `between` and `unknown`; a unit created and moved in one event and one made
    and dissolved the same day by two events; moves and a merge in imprecise windows; a
    parent dissolved inside its child's move window; a role that ends where it starts."""
    return load_timeline(FIXTURES / "outline")


def day(text: str) -> int:
    return parse_query_date(text).day


def boundaries(timeline: Timeline) -> list[int]:
    """Every first and last day of every event's window, and the days either side."""
    days = {
        edge + step
        for _, window in timeline.event_windows()
        for edge in (window.lo, window.hi)
        if edge not in (NEG_INF, POS_INF)
        for step in (-1, 0, 1)
    }
    return sorted(days)


def assert_presence(timeline: Timeline, rows: list[tuple[Any, ...]], on: int) -> None:
    """The presence the outline's rows carry is each fact's own."""
    ids = sorted(row[0] for row in rows)
    facts = timeline.store.facts(f"id IN ({', '.join(map(str, ids))})" if ids else "0")
    presence = {row[0]: row[5] for row in rows}
    assert [presence[i] for i in ids] == [f.presence(on).value for f in facts]


def assert_outline_is_the_tree(timeline: Timeline, on: int) -> None:
    full = timeline.state_at(on, cite=False)
    outline, rows = unit_outline(timeline, on)
    assert outline.units == {u.id: (u.parent, u.name) for u in full.units.values()}
    assert outline.reporting_lines == len(full.reporting_lines)
    for unit in [None, *full.units]:
        assert sorted(outline.children(unit)) == sorted(u.id for u in full.children(unit))
    assert_presence(timeline, rows, on)


def drawn(state: OrgState, depth: int | None, width: int, why: bool, root: str | None) -> str:
    notes = Footnotes(state.cited) if why else None
    return draw(render_state_tree(state, root=root, depth=depth, why=notes), width)


def assert_cut_draws_the_same(
    timeline: Timeline, on: int, limit: int, root: str | None, widths: tuple[int, ...]
) -> bool:
    """The state of the top levels (or of ``root``'s subtree) against the whole state cut
    the old way; whether a cut was made."""
    full = timeline.state_at(on)
    top = timeline.state_at(on, top_units=limit, root=root)
    if root is not None and root not in full.units:
        assert top.outline is None and top == full
        return False
    depth = full.depth_that_fits(root, limit)
    if root is None and depth is None:
        assert top.outline is None and top == full
        return False
    assert top.outline is not None and top.depth_that_fits(root, limit) == depth
    assert top.whole_tree().units == full.whole_tree().units
    assert top.whole_tree().reporting_lines == len(full.reporting_lines)
    whole, cut = full, top
    if depth is not None:
        (whole, shown), (cut, shown_too) = full.top_levels(root, depth), top.top_levels(root, depth)
        assert shown == shown_too == len(cut.units)
    wanted = set(full.subtree(root)) if root is not None else set(full.units)
    wanted = {u for u in wanted if u in cut.units} if depth is not None else wanted
    assert set(cut.units) == wanted and cut.units == {u: full.units[u] for u in wanted}
    assert cut.roles == tuple(r for r in full.roles if r.unit in wanted)
    assert cut.vacancies == tuple(v for v in full.vacancies if v.unit in wanted)
    holders = {r.person for r in cut.roles}
    assert top.reporting_lines == tuple(r for r in full.reporting_lines if r.person in holders)
    assert cut.cited == {e: full.cited[e] for e in cut.cited_ids()}
    for width in widths:
        for why in (False, True):
            assert drawn(cut, depth, width, why, root) == drawn(whole, depth, width, why, root)
    # Drawn deeper than it holds, a state of the top levels says what it leaves out.
    if depth is not None and root is None:
        deeper = drawn(cut, depth + 1, 80, False, None)
        assert "not shown (raise --depth)" in deeper or len(cut.units) == len(full.units)
    return True


# -- the synthetic history ---------------------------------------------------------------------


@pytest.mark.parametrize("when", DAYS)
def test_the_outline_is_the_tree_of_the_whole_state(timeline: Timeline, when: str) -> None:
    assert_outline_is_the_tree(timeline, day(when))


def test_the_history_is_big_enough_to_cut(timeline: Timeline) -> None:
    state = timeline.state_at(day("2016-12-31"), cite=False)
    assert len(state.units) > 30 and state.depth_that_fits(None, 10) == 2
    assert state.depth_that_fits(None, 25) == 3


@pytest.mark.parametrize("limit", [3, 10, 25])
@pytest.mark.parametrize("when", DAYS)
def test_a_state_of_the_top_levels_draws_what_the_whole_state_cut_draws(
    timeline: Timeline, when: str, limit: int
) -> None:
    assert_cut_draws_the_same(timeline, day(when), limit, None, (50, 80, 120))


@pytest.mark.parametrize("limit", [2, 6, 40])
@pytest.mark.parametrize("when", DAYS[2:])
def test_below_a_unit_only_its_subtree_is_computed(
    timeline: Timeline, when: str, limit: int
) -> None:
    full = timeline.state_at(day(when))
    # The unit with the most units under it (cut unless the limit is big), and a leaf.
    roots = sorted(full.units, key=lambda u: (-len(full.subtree(u)), u))
    for root in (roots[0], roots[-1]):
        assert assert_cut_draws_the_same(timeline, day(when), limit, root, (50, 80))


def test_a_subtree_that_fits_is_computed_alone(timeline: Timeline) -> None:
    full = timeline.state_at(day("2004"))
    inner = [u for u, state in full.units.items() if state.parent in full.units]
    root = max(inner, key=lambda u: (len(full.subtree(u)), u))
    assert 1 < len(full.subtree(root)) < len(full.units) and full.depth_that_fits(root, 40) is None
    top = timeline.state_at(day("2004"), top_units=40, root=root)
    assert top.outline is not None and set(top.units) == set(full.subtree(root))


def test_a_unit_that_does_not_exist_gets_the_whole_state(timeline: Timeline) -> None:
    gone = max(timeline.state_at(day("2026-04-08"), cite=False).units)
    assert not assert_cut_draws_the_same(timeline, day("1991-06-30"), 2, gone, (80,))


def test_a_confidence_filter_computes_the_whole_state(timeline: Timeline) -> None:
    state = timeline.state_at(day("2016-12-31"), Confidence.REPORTED, top_units=3)
    assert state.outline is None
    assert state == timeline.state_at(day("2016-12-31"), Confidence.REPORTED)


# -- the history of edges --------------------------------------------------------------------


def test_the_edge_history_has_its_edges(edges: Timeline) -> None:
    on = edges.state_at(day("2022-08-10"), cite=False)
    assert "sameday" not in on.units and on.units["a2"].name == "Renamed Twice"
    moving = edges.state_at(day("2021-07-15"), cite=False)
    # Its old parent was dissolved inside its move's window: it is a root of that day's tree.
    assert moving.units["c1"].parent == "c" and "c" not in moving.units
    assert "c1" in [u.id for u in moving.children(None)]
    assert len(boundaries(edges)) > 30


def test_the_outline_is_the_tree_on_every_boundary_of_the_edges(edges: Timeline) -> None:
    for on in boundaries(edges):
        assert_outline_is_the_tree(edges, on)


@pytest.mark.parametrize("root", [None, "corp", "a", "b"])
@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_cuts_of_the_edges_draw_what_the_whole_state_cut_draws(
    edges: Timeline, limit: int, root: str | None
) -> None:
    cuts = [assert_cut_draws_the_same(edges, on, limit, root, (80,)) for on in boundaries(edges)]
    assert any(cuts)


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


@pytest.mark.parametrize(
    "when", ["2024-01-01", "2024-02-01", "2024-04-01", "2024-05-01", "2024-05-15", "2024-08-01"]
)
def test_the_outline_picks_each_slot_as_the_state_does(
    write_events: WriteEvents, when: str
) -> None:
    assert_outline_is_the_tree(load_timeline(write_events({"history.yaml": EDGES})), day(when))


def test_the_slots_have_their_edges(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"history.yaml": EDGES}))
    may = timeline.state_at(day("2024-05-15"), cite=False)
    assert may.units["t1"].parent == "ops" and "parent" in may.units["t1"].uncertain_fields
    assert [line.person for line in may.reporting_lines] == ["cy"]
    april = timeline.state_at(day("2024-04-01"), cite=False)
    assert april.units["lab"].name == "Mid Lab" and "name" in april.units["lab"].uncertain_fields
