"""The store's memo of decoded facts and the timeline's memo of evidence: later queries that
reuse them, and queries that overflow them, answer exactly as a fresh timeline does."""

from __future__ import annotations

import pytest

from reorg_cli.engine import store as store_module
from reorg_cli.engine import timeline as timeline_module
from reorg_cli.engine.timeline import load_timeline
from tests.conftest import MINI, day

DAYS = ["2024-01-01", "2025-01-01", "2025-06-30", "2026-01-01"]


def states(memo_facts: int, memo_evidence: int, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    monkeypatch.setattr(store_module, "FACT_MEMO", memo_facts)
    monkeypatch.setattr(timeline_module, "EVIDENCE_MEMO", memo_evidence)
    timeline = load_timeline(MINI)
    answers: list[object] = []
    for text in DAYS * 2:  # the second round reuses (or overflows) the memos
        state = timeline.state_at(day(text))
        answers.append((state, sorted(state.cited.items())))
    return answers


def test_queries_answer_the_same_through_the_memos_and_when_they_overflow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = []
    for text in DAYS * 2:
        state = load_timeline(MINI).state_at(day(text))
        fresh.append((state, sorted(state.cited.items())))
    assert fresh[0] != fresh[1]  # the days differ, so reuse is really tested
    assert states(200_000, 100_000, monkeypatch) == fresh
    assert states(1, 1, monkeypatch) == fresh


@pytest.mark.parametrize("bundled", [False, True], ids=["mini", "bundled"])
def test_reads_by_id_answer_the_same_without_json_each(
    bundled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The citations and confirmations read by id join the ids as a JSON array; a SQLite
    without ``json_each`` reads them in batches of IN lists, with the same answers."""
    from reorg_cli.engine.store import Store
    from reorg_cli.events.model import Confidence
    from reorg_cli.events.paths import default_events_path

    path = default_events_path() if bundled else MINI

    def answers() -> list[tuple[object, list[tuple[str, object]]]]:
        timeline = load_timeline(path)
        found: list[tuple[object, list[tuple[str, object]]]] = []
        for text in DAYS:
            for confidence in Confidence:
                state = timeline.state_at(day(text), confidence)
                found.append((state, sorted(state.cited.items())))
        return found

    with_json = answers()
    assert any(cited for _, cited in with_json)  # the answers do cite events
    monkeypatch.setattr(Store, "has_json_each", property(lambda self: False))
    assert not load_timeline(MINI).store.has_json_each
    assert answers() == with_json
