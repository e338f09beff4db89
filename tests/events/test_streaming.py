"""Large files are read item by item (issue 11, item 14): same answers, bounded memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reorg_cli.events.errors import Location
from reorg_cli.events.loader import MAX_UNKNOWN_KEYS_LISTED, load_dataset
from reorg_cli.events.yamlfile import MAX_MAPPING_KEYS, YamlList, YamlMap, read_yaml_bytes

TEXT = b"""\
people:
  - {id: ann, name: Ann}
events:
  - id: e1
    date: 2024
    title: one
  - id: e2
    date: 2025
    title: two
"""


def test_streamed_items_go_to_the_sink_as_they_are_read() -> None:
    seen: list[tuple[str, int, Any, Location]] = []

    def sink(key: str, position: int, item: Any, where: Location) -> None:
        seen.append((key, position, item, where))

    document = read_yaml_bytes(TEXT, "f.yaml", sink, frozenset({"events"}))
    assert isinstance(document, YamlMap)
    events = document["events"]
    assert isinstance(events, YamlList) and events.streamed and events == []
    assert [(k, p, i["id"], (w.line, w.column)) for k, p, i, w in seen] == [
        ("events", 0, "e1", (4, 5)),
        ("events", 1, "e2", (7, 5)),
    ]
    people = document["people"]  # not streamed: held as before
    assert isinstance(people, YamlList) and not people.streamed and people[0]["id"] == "ann"


def test_without_a_sink_nothing_changes() -> None:
    document = read_yaml_bytes(TEXT, "f.yaml")
    assert [e["id"] for e in document["events"]] == ["e1", "e2"]
    assert document["events"].item_locations[1] == Location("f.yaml", 7, 5)


def test_the_loader_reads_streamed_files_in_file_order(tmp_path: Path) -> None:
    lines = ["events:"]
    for i in range(300):
        lines += [
            f"  - id: e{i:03d}",
            "    date: 2024-01-01",
            f"    title: event {i}",
            "    confidence: confirmed",
            "    changes: []",
        ]
    (tmp_path / "many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset, problems = load_dataset(tmp_path)
    assert [e.id for e in dataset.events] == [f"e{i:03d}" for i in range(300)]
    assert [e.position for e in dataset.events] == list(range(300))
    assert all("without sources" in p.message or "source" in p.message for p in problems)


def test_a_flood_of_keys_is_refused_where_it_passes_the_limit(tmp_path: Path) -> None:
    keys = "".join(f"k{i:06d}: 1\n" for i in range(100_000))
    (tmp_path / "keys.yaml").write_text(keys, encoding="utf-8")
    _, problems = load_dataset(tmp_path)
    [problem] = problems
    assert problem.message == f"more than {MAX_MAPPING_KEYS} keys in one mapping"
    assert (problem.location.line, problem.location.column) == (MAX_MAPPING_KEYS + 1, 1)


def test_a_mapping_with_very_many_unknown_keys_is_summed_up(tmp_path: Path) -> None:
    keys = "".join(f"k{i:06d}: 1\n" for i in range(900))
    (tmp_path / "keys.yaml").write_text(keys, encoding="utf-8")
    _, problems = load_dataset(tmp_path)
    assert len(problems) == MAX_UNKNOWN_KEYS_LISTED + 1
    last = problems[-1]
    assert last.message == "880 more unknown keys in the file's top level (from 'k000020' on)"
    assert (last.location.line, last.location.column) == (21, 1)


def test_an_event_with_very_many_unknown_keys_is_summed_up(tmp_path: Path) -> None:
    head = "events:\n  - id: e1\n    date: 2024\n    title: t\n    confidence: confirmed\n"
    keys = "".join(f"    x{i:05d}: 1\n" for i in range(900))
    (tmp_path / "e.yaml").write_text(head + keys + "    changes: []\n", encoding="utf-8")
    _, problems = load_dataset(tmp_path)
    messages = [p.message for p in problems]
    assert len(messages) == MAX_UNKNOWN_KEYS_LISTED + 1
    assert messages[0] == "unknown key 'x00000' in an event"
    assert messages[-1].startswith("880 more unknown keys in an event")
