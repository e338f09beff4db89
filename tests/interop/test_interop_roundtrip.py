"""Property: for any valid generated history (tests/strategies.py), exporting to Popolo,
importing the document and exporting again gives the same document; and the graph and CSV
exports never fail."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.files import write_tree
from reorg_cli.interop.csvexport import roles_csv
from reorg_cli.interop.graph import dot_graph, mermaid_chart
from reorg_cli.interop.popolo import popolo_document
from reorg_cli.interop.popolo_import import import_popolo
from reorg_cli.interop.timelinejs import timelinejs_document
from tests.strategies import History, histories, history_files, write_files

EXAMPLES = int(os.environ.get("REORG_PROPERTY_EXAMPLES", "100"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(histories())
def test_popolo_round_trip_of_any_history(history: History) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_files(Path(tmp) / "events", history_files(history))
        timeline = load_timeline(root)
        days = history.interesting_days()
        for day in (days[0], days[len(days) // 2], days[-1]):
            first = popolo_document(timeline, day)
            files = import_popolo(json.dumps(first), "doc.json")
            target = Path(tmp) / f"imported-{day}"
            write_tree(target, files)
            again = popolo_document(load_timeline(target), day)
            assert again == first
            state = timeline.state_at(day)
            assert mermaid_chart(state).startswith("---\n")
            assert dot_graph(state).endswith("}\n")
        assert roles_csv(timeline).startswith("person_id,")
        assert len(timelinejs_document(timeline)["events"]) <= len(history.events)
