"""Renderers, serializers and exporters are functions of a result alone (issue 12, item 4):
a result carries the events it cites, so drawing or writing it never goes back to the engine,
and nothing below the command line reads the clock."""

from __future__ import annotations

import ast
import io
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.model import Confidence
from reorg_cli.output import render, serialize
from reorg_cli.output.gantt import Gantt
from tests.conftest import TODAY, WriteEvents, day

PACKAGE = Path(__file__).resolve().parents[2] / "reorg_cli"

EVENTS = """\
events:
  - id: e1
    date: 2025-01-01
    title: Corp founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
  - id: e2
    date: 2025-02-01
    title: Ann heads the lab (wrongly dated)
    confidence: reported
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: lab, title: Head}
  - id: c1
    date: 2025-02-03
    title: Ann heads the lab
    confidence: confirmed
    sources: [s1]
    corrects: e2
    changes:
      - {type: role_assigned, person: ann, unit: lab, title: Head}
  - id: e3
    date: 2025-03-01
    title: Bo joins and reports to Ann
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: bo, unit: lab, title: Researcher}
      - {type: reporting_line_set, person: bo, reports_to: ann}
  - id: k1
    date: 2025-06-01
    title: Ann still heads the lab
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: lab, title: Head}
"""


def draw(renderable: RenderableType) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    console.print(renderable)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue()


def _closed(timeline: Timeline) -> None:
    """Close the timeline's store: any later read of it raises."""
    timeline.store.conn.close()
    with pytest.raises(sqlite3.ProgrammingError):
        timeline.store.one("SELECT 1")


def test_results_are_drawn_and_written_with_the_engine_closed(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"a.yaml": EVENTS}))
    before, after = day("2025-01-15"), day("2025-07-01")
    state = timeline.state_at(after)
    diff = timeline.diff(before, after)
    person = timeline.person_history("ann", today=TODAY)
    unit = timeline.unit_history("lab", today=TODAY)
    chronicle = timeline.chronicle(today=TODAY)
    record = timeline.event_record("c1")
    _closed(timeline)

    with_why = [
        (render.render_state_tree(state, why=render.Footnotes(state.cited)), "k1"),
        (render.render_state_table(state, why=render.Footnotes(state.cited)), "k1"),
        (render.render_diff(diff, render.Footnotes(diff.cited)), "Bo joins"),
        (render.render_person_history(person, render.Footnotes(person.cited)), "k1"),
        (render.render_unit_history(unit, render.Footnotes(unit.cited)), "c1"),
        (render.render_timeline(chronicle, render.Footnotes(chronicle.cited)), "e2"),
    ]
    for renderable, cited in with_why:
        text = draw(renderable)
        assert "Evidence" in text and cited in text and "https://example.com/1" in text
    assert "corrects, and replaces in the replay" in draw(render.render_event(record))
    assert "Ann Lee" in draw(Gantt(person, today=TODAY))
    documents = [
        serialize.state_dict(state, at_input="2025-07-01", min_confidence=Confidence.UNCERTAIN),
        serialize.diff_dict(diff, min_confidence=Confidence.UNCERTAIN),
        serialize.history_dict(person),
        serialize.unit_history_dict(unit),
        serialize.timeline_dict(chronicle),
        serialize.event_dict(record),
    ]
    for document in documents:
        serialize.dumps(document)
    assert set(documents[0]["events"]) == {"c1", "e1", "e3", "k1"}
    assert documents[2]["events"]["c1"]["title"] == "Ann heads the lab"
    assert documents[0]["coverage_end"] == "2025-06-01"


def test_a_result_cites_its_confirmations_and_what_its_events_correct(
    write_events: WriteEvents,
) -> None:
    timeline = load_timeline(write_events({"a.yaml": EVENTS}))
    history = timeline.person_history("ann", today=TODAY)
    assert set(history.cited) == set(history.cited_ids()) == {"c1", "k1"}
    assert set(timeline.person_history("bo", today=TODAY).cited) == {"e3"}
    correction = history.cited["c1"]
    assert correction.corrects is not None and correction.corrects.id == "e2"
    assert correction.corrects.status == "corrected by c1"
    assert correction == timeline.evidence("c1")
    state = timeline.state_at(day("2025-07-01"))
    assert set(state.cited) == state.cited_ids()
    assert timeline.state_at(day("2025-07-01"), cite=False).cited == {}


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_renderer_or_serializer_takes_the_engine() -> None:
    """No parameter of a function in reorg_cli/output is a Timeline or a Store."""
    found = []
    for path in sorted((PACKAGE / "output").glob("*.py")):
        for function in _functions(path):
            arguments = function.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                note = ast.unparse(arg.annotation) if arg.annotation is not None else ""
                if "Timeline" in note.replace("TimelineEntry", "") or "Store" in note:
                    found.append(f"{path.name}:{function.lineno} {function.name}({arg.arg})")
    assert found == []


@pytest.mark.parametrize("package", ["output", "interop"])
def test_renderers_and_exporters_never_read_the_clock(package: str) -> None:
    """The clock is read once per run by the command line (reorg_cli.cli.common.run_today)."""
    clocks = {"today_ordinal", "today_date", "today", "now", "utcnow", "time", "localtime"}
    found = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "reorg_cli.events.dates",
                "datetime",
                "time",
            ):
                found += [
                    f"{path.name}:{node.lineno} {a.name}" for a in node.names if a.name in clocks
                ]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in clocks - {"time"}
            ):
                found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    assert found == []
