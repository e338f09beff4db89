"""A store is built as the event files are read (issue 12, item 2): the history is never held
whole in memory, and the store answers exactly as a compile in memory does."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest

from reorg_cli.engine import build, compiler
from reorg_cli.engine.build import StoreBuilder
from reorg_cli.engine.compiler import compile_dataset
from reorg_cli.engine.facts import Fact
from reorg_cli.engine.store import Store
from reorg_cli.events.loader import load_dataset
from reorg_cli.events.records import Event
from tools.synth import generate

SIZE = 3000


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stream") / "h"
    generate(root, SIZE, seed=7)
    return root


def live_events() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Event))


def test_a_streamed_store_holds_the_facts_and_statuses_of_a_compile_in_memory(
    history: Path,
) -> None:
    dataset, _ = load_dataset(history)
    compiled = compile_dataset(dataset)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    builder = StoreBuilder(conn)
    streamed, _ = load_dataset(history, reader=builder)
    assert streamed.events == () and builder.compile(streamed) == compiled.problems
    builder.complete(streamed)
    store = Store(conn)
    facts = store.facts("1")
    assert facts == compiled.facts
    assert [(f.last_confirmed, f.confirmed_by) for f in facts] == [
        (f.last_confirmed, f.confirmed_by) for f in compiled.facts
    ]
    assert store.statuses() == compiled.statuses
    replayed = store.events("replay IS NOT NULL", order="replay")
    assert [e.id for e in replayed] == [e.id for e in compiled.order]
    assert [c.refs for e in replayed for c in e.changes] == [
        c.refs for e in compiled.order for c in e.changes
    ]
    assert [e.sources for e in replayed] == [e.sources for e in compiled.order]


def test_a_streamed_build_never_holds_the_whole_history(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "REPLAY_BATCH", 100)
    monkeypatch.setattr(compiler, "FLUSH", 100)
    gc.collect()
    before = live_events()  # held by other tests' fixtures and caches
    read: list[int] = []
    replayed: list[tuple[int, int]] = []

    class Watched(StoreBuilder):
        def event(self, event: Event) -> None:
            super().event(event)
            if self.read % 250 == 0:
                read.append(live_events() - before)

        def _facts(self, batch: list[tuple[int, Fact]]) -> None:
            super()._facts(batch)
            replayed.append((live_events() - before, len(batch)))

    builder = Watched(sqlite3.connect(":memory:", isolation_level=None))
    dataset, _ = load_dataset(history, reader=builder)
    assert len(read) == SIZE // 250 and max(read) <= 1
    assert builder.compile(dataset) == []
    # Facts were written in many batches, while at most two batches of events were alive.
    assert len(replayed) > 10 and max(alive for alive, _ in replayed) <= 200
