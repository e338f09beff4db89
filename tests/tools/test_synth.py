"""The synthetic-history generator (``make synth``): deterministic, valid, and varied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.compiler import compile_dataset
from reorg_cli.events.changes import CHANGE_TYPES
from reorg_cli.events.errors import Severity
from reorg_cli.events.loader import load_dataset
from tests.conftest import CLI_ENV
from tools.synth import generate
from tools.synth import main as synth_main


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synth") / "h"
    summary = generate(root, 3000, seed=1)
    assert summary.events == 3000
    return root


def test_same_seed_same_files_and_another_seed_other_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", 400, seed=3)
    generate(tmp_path / "b", 400, seed=3)
    generate(tmp_path / "c", 400, seed=4)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert files_of(tmp_path / "a") != files_of(tmp_path / "c")


@pytest.mark.parametrize("size", [10, 300, 1000])
def test_every_history_compiles_without_problems(tmp_path: Path, size: int) -> None:
    summary = generate(tmp_path / "h", size, seed=size)
    dataset, problems = load_dataset(tmp_path / "h")
    assert problems == []
    assert len(dataset.events) == summary.events == size
    assert compile_dataset(dataset).problems == []


def test_the_history_has_every_kind_of_change_date_and_event(history: Path) -> None:
    dataset, problems = load_dataset(history)
    compiled = compile_dataset(dataset)
    assert not [p for p in problems + compiled.problems if p.severity is Severity.ERROR]
    kinds = {type(change) for event in dataset.events for change in event.changes}
    assert kinds == set(CHANGE_TYPES.values())
    shapes = {event.date.kind.value for event in dataset.events}
    assert shapes == {"exact", "by", "after", "between", "unknown"}
    precisions = {event.date.first.precision.value for event in dataset.events if event.date.first}
    assert precisions == {"day", "month", "year"}
    assert any(e.corrects for e in dataset.events) and any(e.retracts for e in dataset.events)
    assert any(e.seq for e in dataset.events)
    assert any(len(e.sources) > 1 for e in dataset.events)
    assert any(s.id is None for e in dataset.events for s in e.sources)  # inline sources
    assert any(e.summary for e in dataset.events) and any(e.announced for e in dataset.events)
    assert any(p.names for p in dataset.people.values())
    assert any(p.aliases for p in dataset.people.values())
    assert dataset.units  # a unit registry
    confidences = {e.confidence.label for e in dataset.events}
    assert confidences == {"confirmed", "reported", "uncertain"}


def test_the_hierarchy_is_deep_and_files_are_many(history: Path) -> None:
    from reorg_cli.engine.timeline import load_timeline

    timeline = load_timeline(history)
    state = timeline.state_at(timeline.order[-1].date.sort_day)
    depth = 0
    level = state.children(None)
    while level:
        depth += 1
        level = [c for u in level for c in state.children(u.id)]
    assert depth >= 4
    assert len(list(history.rglob("*.yaml"))) > 100
    assert (history / "README.md").exists()  # not an event file


def test_make_synth_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out"
    assert synth_main([str(target), "200"]) == 0
    assert re.match(r"wrote 200 events in \d+ files \(", capsys.readouterr().out)
    with pytest.raises(SystemExit) as again:
        synth_main([str(target), "200"])
    assert again.value.code == 2 and "not empty" in capsys.readouterr().err
    shown = CliRunner().invoke(app, ["show", "--events", str(target), "--at", "1995"], env=CLI_ENV)
    assert shown.exit_code == 0 and "Organization on 1995-12-31" in shown.stdout


def test_the_generator_is_not_shipped() -> None:
    result = CliRunner().invoke(app, ["synth", "x"], env=CLI_ENV)
    assert result.exit_code == 2
    import importlib.util

    assert importlib.util.find_spec("reorg_cli.synth") is None
