"""``reorg show`` of an organization too big to draw whole shows its top levels, drawn from a
state of those levels only; what it says it left out is counted in the whole day's tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reorg_cli.cli import common, show
from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.dates import parse_query_date
from tests.conftest import CLI_ENV
from tools.synth import generate

NOTE = re.compile(
    r"Showing (\d+) levels: (\d+) of (\d+) units, (\d+) of (\d+) reporting lines\. "
    r"--depth N or --unit NAME shows more; --depth 99 shows everything\.\Z"
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree") / "h"
    generate(root, 3000, seed=11)
    return root


@pytest.mark.parametrize("when", ["2010-07-01", "2026-04-08"])
@pytest.mark.parametrize("limit", [3, 10])
def test_the_default_tree_counts_what_it_leaves_out_in_the_whole_tree(
    history: Path, when: str, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(show, "DEFAULT_TREE_UNITS", limit)
    monkeypatch.setattr(common, "DEFAULT_TREE_UNITS", limit)
    args = ["--no-cache", "show", "--at", when, "--events", str(history)]
    result = CliRunner().invoke(app, args, env={**CLI_ENV, "COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    found = NOTE.search(" ".join(result.stdout.split()))
    assert found is not None, result.stdout[-400:]
    depth, shown, units, lines, all_lines = map(int, found.groups())
    whole = load_timeline(history).state_at(parse_query_date(when).day, cite=False)
    assert depth == whole.depth_that_fits(None, limit)
    cut, count = whole.top_levels(None, depth)
    assert (shown, units) == (count, len(whole.units))
    assert (lines, all_lines) == (len(cut.reporting_lines), len(whole.reporting_lines))
    # The tree itself is what --depth draws from the whole state.
    deep = CliRunner().invoke(
        app, [*args, "--depth", str(depth)], env={**CLI_ENV, "COLUMNS": "100"}
    )
    assert deep.exit_code == 0, deep.output
    assert result.stdout.split("Reporting lines")[0] == deep.stdout.split("Reporting lines")[0]


@pytest.mark.parametrize("limit", [2, 6])
def test_the_tree_below_a_unit_is_cut_the_same_way(
    history: Path, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(show, "DEFAULT_TREE_UNITS", limit)
    whole = load_timeline(history).state_at(parse_query_date("2026-04-08").day, cite=False)
    root = max(whole.units, key=lambda u: (len(whole.subtree(u)), u))
    depth = whole.depth_that_fits(root, limit)
    assert depth is not None
    args = ["--no-cache", "show", "--at", "2026-04-08", "--unit", root, "--events", str(history)]
    result = CliRunner().invoke(app, args, env={**CLI_ENV, "COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    tree, note = result.stdout.split("Showing ")
    assert " ".join(note.split()).startswith(
        f"{depth} levels: {whole.top_levels(root, depth)[1]} of {len(whole.units)} units. "
    )
    deep = CliRunner().invoke(
        app, [*args, "--depth", str(depth)], env={**CLI_ENV, "COLUMNS": "100"}
    )
    assert deep.exit_code == 0, deep.output
    assert tree == deep.stdout
