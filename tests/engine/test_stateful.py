"""Model-based test: a history grows one event at a time, and after every step the compiled
timeline must agree with a deliberately naive reference replay (tests/strategies.NaiveOrg) at
every date seen so far. Changes the reference calls invalid must be rejected by the loader.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import Entry, OrgState
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.events.errors import EventFileError
from tests.conftest import examples
from tests.strategies import (
    EXACT_DATES,
    HistoryEvent,
    NaiveOrg,
    event_yaml,
    pick_change,
    registry_yaml,
)


def observed(state: OrgState) -> dict[str, Any]:
    """A state in the reference model's terms."""
    everything: list[Entry] = [
        *state.units.values(),
        *state.roles,
        *state.vacancies,
        *state.reporting_lines,
    ]
    assert all(entry.presence is Presence.PRESENT for entry in everything)
    return {
        "units": {u.id: (u.name, u.kind, u.parent) for u in state.units.values()},
        "roles": {(r.person, r.unit, r.title): r.head for r in state.roles},
        "vacancies": {(v.unit, v.title): v.vacancy for v in state.vacancies},
        "reports": {r.person: r.reports_to for r in state.reporting_lines},
    }


def expected(model: NaiveOrg) -> dict[str, Any]:
    """The reference model's state."""
    return {
        "units": model.units,
        "roles": model.roles,
        "vacancies": model.vacancies,
        "reports": model.reports,
    }


class HistoryMachine(RuleBasedStateMachine):
    """Grows an events directory; compares the real replay with :class:`NaiveOrg`."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="reorg-stateful-"))
        self.root = self.tmp / "events"
        self.root.mkdir()
        (self.root / "people.yaml").write_text(registry_yaml(), encoding="utf-8")
        self.model = NaiveOrg()
        self.snapshots: dict[str, NaiveOrg] = {}
        self.position = 0
        self.seq = 0
        self.count = 0

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def date(self) -> str:
        return EXACT_DATES[self.position]

    @rule(data=st.data(), advance=st.sampled_from((0, 0, 1, 1, 2)), size=st.integers(0, 3))
    def add_event(self, data: st.DataObject, advance: int, size: int) -> None:
        if self.count:
            position = min(self.position + advance, len(EXACT_DATES) - 1)
            self.seq = 0 if position != self.position else self.seq + 1
            self.position = position
        self.count += 1
        changes = []
        for _ in range(size):
            change = NaiveOrg.complete(
                pick_change(self.model, lambda seq: data.draw(st.sampled_from(list(seq)))),
                lambda seq: data.draw(st.sampled_from(list(seq))),
                self.model,
            )
            self.model.apply(change)
            changes.append(change)
        event = HistoryEvent(f"ev-{self.count}", self.date, self.seq, "confirmed", tuple(changes))
        # File names do not follow replay order, so the reading order is mixed up too.
        prefix = data.draw(st.sampled_from("kazm"))
        path = self.root / f"{prefix}-{self.count:03d}.yaml"
        path.write_text("events:\n" + event_yaml(event), encoding="utf-8")
        self.snapshots[self.date] = self.model.copy()

    @rule(data=st.data())
    def invalid_change_is_rejected(self, data: st.DataObject) -> None:
        change = NaiveOrg.complete(
            data.draw(st.sampled_from(self.model.invalid_options())),
            lambda seq: data.draw(st.sampled_from(list(seq))),
        )
        event = HistoryEvent("bad-event", self.date, 99, "confirmed", (change,))
        path = self.root / "zz-bad.yaml"
        path.write_text("events:\n" + event_yaml(event), encoding="utf-8")
        try:
            with pytest.raises(EventFileError) as caught:
                load_timeline(self.root)
        finally:
            path.unlink()
        errors = [p for p in caught.value.problems if p.severity.value == "error"]
        assert errors and all(p.location.path == str(path) for p in errors), errors
        assert all(p.location.line > 0 for p in errors)

    @invariant()
    def replay_matches_the_reference(self) -> None:
        timeline = load_timeline(self.root)
        for date, model in self.snapshots.items():
            state = timeline.state_at(parse_query_date(date).day)
            assert observed(state) == expected(model), date


TestHistoryMachine = HistoryMachine.TestCase
TestHistoryMachine.settings = settings(
    max_examples=examples(int(os.environ.get("REORG_STATEFUL_EXAMPLES", "100"))),
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
