"""The JSON Schema of event files (reorg_cli/event-file.schema.json): valid, in step with the
loader, accepts every real event file, and rejects what the loader rejects where a schema can.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

import reorg_cli
from reorg_cli.cli.app import app
from reorg_cli.events.errors import Severity
from reorg_cli.events.loader import (
    _CHANGE_COMMON,
    _CHANGE_KEYS,
    _DATASET_KEYS,
    _EVENT_KEYS,
    _PERSON_KEYS,
    _SOURCE_KEYS,
    _TOP_KEYS,
    _UNIT_KEYS,
    EVENT_FILE_SUFFIXES,
    load_dataset,
)
from reorg_cli.events.model import UNIT_KINDS
from reorg_cli.events.yamlfile import YamlProblem, read_yaml_bytes
from tests.conftest import CLI_ENV, MINI

SCHEMA_PATH = Path(reorg_cli.__file__).parent / "events" / "event-file.schema.json"
EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


SCHEMA = load_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def as_json(data: bytes, path: str) -> Any:
    """An event file as plain JSON data, the way an editor or CI would see it."""
    try:
        document = read_yaml_bytes(data, path)
    except YamlProblem as err:
        pytest.fail(f"not readable as an event file: {err.problem}")
    return json.loads(json.dumps(document))


def schema_errors(document: Any) -> list[str]:
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(VALIDATOR.iter_errors(document), key=lambda e: e.json_path)
    ]


def loader_errors(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_dataset(path)
    return [str(p) for p in problems if p.severity is Severity.ERROR]


def event_files() -> list[Any]:
    """Every event file under events/, found the way the loader finds them."""
    found: list[Path] = []
    if EVENTS.is_dir():
        for path in EVENTS.rglob("*"):
            relative = path.relative_to(EVENTS)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if path.is_file() and path.name.endswith(EVENT_FILE_SUFFIXES):
                found.append(path)
    if not found:
        return [pytest.param(None, id="no-event-files", marks=pytest.mark.skip("events/ is empty"))]
    return [pytest.param(p, id=p.relative_to(EVENTS).as_posix()) for p in sorted(found)]


# -- the schema itself ---------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == "https://reorg.invalid/schemas/event-file.schema.json"
    assert SCHEMA["title"]


def test_schema_is_printed_by_reorg_schema() -> None:
    result = CliRunner().invoke(app, ["schema"], env=CLI_ENV)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == SCHEMA


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    """Every subschema with its JSON pointer, except the conditions of ``if``."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key not in ("if", "examples", "enum", "const"):
                yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from walk(value, f"{path}/{position}")


def test_every_property_has_a_description() -> None:
    missing = [
        f"{path}/properties/{name}"
        for path, node in walk(SCHEMA)
        if isinstance(node.get("properties"), dict)
        for name, prop in node["properties"].items()
        if not prop.get("description")
    ]
    assert missing == []


def test_every_object_is_closed() -> None:
    open_objects = [
        path
        for path, node in walk(SCHEMA)
        if "properties" in node
        and path != "#/$defs/change"  # dispatches on 'type' to the closed change.<type> schemas
        and not path.endswith("/then")
        and node.get("additionalProperties") is not False
    ]
    assert open_objects == []


def keys_of(name: str) -> tuple[str, ...]:
    return tuple(SCHEMA["$defs"][name]["properties"])


def test_keys_match_the_loader() -> None:
    assert tuple(SCHEMA["properties"]) == _TOP_KEYS
    assert keys_of("person") == _PERSON_KEYS
    assert keys_of("unit") == _UNIT_KEYS
    assert keys_of("source") == _SOURCE_KEYS
    assert keys_of("inlineSource") == _SOURCE_KEYS
    assert keys_of("event") == _EVENT_KEYS
    assert SCHEMA["$defs"]["unitKind"]["enum"] == list(UNIT_KINDS)
    assert keys_of("datasetSettings") == _DATASET_KEYS


def test_change_types_match_the_loader() -> None:
    defs = SCHEMA["$defs"]
    assert defs["change"]["properties"]["type"]["enum"] == list(_CHANGE_KEYS)
    branches = {b["if"]["properties"]["type"]["const"]: b["then"] for b in defs["change"]["allOf"]}
    assert list(branches) == list(_CHANGE_KEYS)
    for change_type, (required, optional) in _CHANGE_KEYS.items():
        assert branches[change_type] == {"$ref": f"#/$defs/change.{change_type}"}
        branch = defs[f"change.{change_type}"]
        assert branch["properties"]["type"]["const"] == change_type
        assert set(branch["properties"]) == {*_CHANGE_COMMON, *required, *optional}
        assert branch["required"] == ["type", *required]


# -- real files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(MINI.rglob("*.yaml")), ids=lambda p: p.name)
def test_fixture_files_validate(path: Path) -> None:
    assert schema_errors(as_json(path.read_bytes(), str(path))) == []


@pytest.mark.parametrize("path", event_files())
def test_event_files_validate(path: Path | None) -> None:
    assert path is not None
    assert schema_errors(as_json(path.read_bytes(), str(path))) == []


# -- documents the schema and the loader agree on -------------------------------------------------

EVERY_CHANGE = """\
people:
  - id: ann
    name: Ann Lee
    names: {zh: 李安, zh-Hant: 李安}
    aliases: [Annie, A. Lee]
    description: |
      Founder.
      Second line.
    notes: free text
    sources: [s1, {url: "https://example.com/p"}]
  - {id: bo, name: Bo Chen, aliases: Bobby}
units:
  - {id: corp, aliases: [Corp], description: The company., notes: ~, sources: [s1]}
sources:
  - {id: s1, url: "https://example.com/1", publisher: Example, published: 2026-04,
     title: A memo, note: reprint}
  - {id: s2, url: "https://example.com/2", published: 2026}
events:
  - id: everything
    date: 2026-04-08
    seq: 2
    title: >
      Every change,
      folded onto one line
    summary: |
      Two
      lines.
    notes: ~
    confidence: confirmed
    announced: 2026-04-09
    sources: [s1, {id: inline.1, url: "https://example.com/x", publisher: X}]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, names: {zh: 实验室}, kind: lab, parent: corp,
         note: one line, confidence: reported}
      - {type: unit_created, unit: lab2, name: Lab 2, kind: lab, parent: ~}
      - {type: unit_renamed, unit: lab, name: AI Lab, names: {en: AI Lab}}
      - {type: unit_reclassified, unit: lab, kind: business_unit}
      - {type: unit_reclassified, unit: lab, kind: division, name: AI Division, names: {zh: 部}}
      - {type: unit_moved, unit: lab2, parent: lab}
      - {type: unit_moved, unit: lab2, parent: null}
      - {type: unit_merged, unit: lab2, into: lab}
      - {type: unit_dissolved, unit: lab, reason: no longer needed}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true, shared: false}
      - {type: role_assigned, person: bo, unit: corp, title: Member}
      - {type: role_ended, person: ann, unit: corp, title: CEO, reason: retired, vacancy: vacant}
      - {type: role_ended, person: bo, unit: corp, title: Member, vacancy: unknown}
      - {type: role_ended, person: bo, unit: corp, title: Member}
      - {type: person_left, person: bo, reason: left}
      - {type: person_left, person: ann}
      - {type: reporting_line_set, person: bo, reports_to: ann}
      - {type: reporting_line_cleared, person: bo, confidence: uncertain}
"""


def one_event(lines: str, event_id: str = "e1") -> str:
    """An event file with one event; ``lines`` are its YAML lines, separated by ``|``."""
    body = "".join(f"    {line}\n" for line in lines.split("|"))
    return f"events:\n  - id: {event_id}\n{body}"


BASE = "title: T|confidence: confirmed|changes: []"
VALID = {
    "every change type and field": EVERY_CHANGE,
    "empty registries": "people:\nunits: []\nsources:\nevents: []\n",
    "day": one_event("date: 2026-04-08|" + BASE),
    "month": one_event("date: 2026-04|" + BASE),
    "year as integer": one_event("date: 2026|" + BASE),
    "year as text": one_event("date: '2026'|" + BASE),
    "by": one_event("date: by 2025-06-23|" + BASE),
    "after": one_event("date: after 2026-03|" + BASE),
    "between": one_event("date: between 2024-04 and 2025-06-23|" + BASE),
    "unknown": one_event("date: unknown|" + BASE),
    "announced by": one_event("date: 2026|announced: by 2026-05|seq: -1|" + BASE),
    "changes null": one_event("date: 2026|title: T|confidence: uncertain|changes:"),
    "retraction": one_event("date: 2026|title: T|confidence: reported|retracts: e0"),
    "retraction with empty changes": one_event("date: 2026|retracts: e0|" + BASE),
    "correction": one_event("date: 2026|corrects: e0|" + BASE),
    "every unit kind": one_event(
        "date: 2026|title: T|confidence: confirmed|changes:"
        + "".join(
            f"|  - {{type: unit_created, unit: u-{k}, name: U, kind: {k}}}" for k in UNIT_KINDS
        )
    ),
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_documents(text: str, tmp_path: Path) -> None:
    assert loader_errors(text, tmp_path) == []
    assert schema_errors(as_json(text.encode(), "case.yaml")) == []


def with_id(event_id: str) -> str:
    return one_event("date: 2026|" + BASE, event_id)


def change(fields: str) -> str:
    return one_event("date: 2026|title: T|confidence: confirmed|changes:|  - {" + fields + "}")


INVALID = {
    "unknown top-level key": "event: []\n",
    "registry not a list": "people: {id: ann, name: Ann}\n",
    "unknown event key": one_event("date: 2026|titel: T|" + BASE),
    "missing title": one_event("date: 2026|confidence: confirmed|changes: []"),
    "missing date": one_event(BASE),
    "missing confidence": one_event("date: 2026|title: T|changes: []"),
    "missing changes": one_event("date: 2026|title: T|confidence: confirmed"),
    "title on two lines": one_event('date: 2026|title: "a\\nb"|confidence: confirmed|changes: []'),
    "title is a number": one_event("date: 2026|title: 2026|confidence: confirmed|changes: []"),
    "title empty": one_event("date: 2026|title: ' '|confidence: confirmed|changes: []"),
    "bad confidence": one_event("date: 2026|title: T|confidence: probable|changes: []"),
    "bad id": with_id("-e1"),
    "id with space": with_id("e 1"),
    "id is a number": with_id("2024"),
    "id too long": with_id("e" * 129),
    "two-digit year": one_event("date: 26-04-08|" + BASE),
    "month name": one_event("date: April 2026|" + BASE),
    "month 13": one_event("date: 2026-13-01|" + BASE),
    "day 32": one_event("date: 2026-01-32|" + BASE),
    "slashes": one_event("date: 2026/04/08|" + BASE),
    "time of day": one_event("date: 2026-04-08T10:00|" + BASE),
    "by without space": one_event("date: by2026|" + BASE),
    "between without second": one_event("date: between 2024 and|" + BASE),
    "three-digit year": one_event("date: 999|" + BASE),
    "bad announced": one_event("date: 2026|announced: soon|" + BASE),
    "seq is text": one_event("date: 2026|seq: first|" + BASE),
    "retraction with changes": one_event(
        "date: 2026|title: T|confidence: confirmed|retracts: e0|changes:"
        "|  - {type: person_left, person: ann}"
    ),
    "corrects and retracts": one_event("date: 2026|corrects: e0|retracts: e1|" + BASE),
    "bad change type": change("type: unit_create, unit: u, name: U, kind: lab"),
    "change without type": change("unit: u, name: U, kind: lab"),
    "unknown change field": change("type: role_ended, person: a, unit: u, title: T, head: true"),
    "missing change field": change("type: role_assigned, person: a, unit: u"),
    "null change field": change("type: unit_merged, unit: u, into: ~"),
    "bad unit kind": change("type: unit_created, unit: u, name: U, kind: lab_team"),
    "head not boolean": change("type: role_assigned, person: a, unit: u, title: T, head: yes"),
    "bad vacancy": change("type: role_ended, person: a, unit: u, title: T, vacancy: open"),
    "bad change confidence": change("type: person_left, person: a, confidence: sure"),
    "bad language tag": change("type: unit_renamed, unit: u, name: U, names: {Chinese: 通义}"),
    "empty other name": change("type: unit_renamed, unit: u, name: U, names: {zh: ''}"),
    "bad parent id": change("type: unit_moved, unit: u, parent: 'a/b'"),
    "source without url": "sources:\n  - {id: s1, publisher: X}\n",
    "formula as url": "sources:\n  - {id: s1, url: '=WEBSERVICE(\"http://x\")'}\n",
    "javascript url": "sources:\n  - {id: s1, url: 'javascript:alert(1)'}\n",
    "url without host": "sources:\n  - {id: s1, url: 'https:///path'}\n",
    "url with a space": "sources:\n  - {id: s1, url: 'https://example.com/a b'}\n",
    "registry source without id": "sources:\n  - {url: 'https://example.com'}\n",
    "unknown source key": "sources:\n  - {id: s1, url: 'https://example.com', author: X}\n",
    "published window": "sources:\n  - {id: s1, url: 'https://example.com', published: by 2026}\n",
    "source id is a number": one_event("date: 2026|sources: [86]|" + BASE),
    "person without name": "people:\n  - {id: ann}\n",
    "empty alias": "people:\n  - {id: ann, name: Ann, aliases: [Annie, '']}\n",
    "alias on two lines": 'people:\n  - {id: ann, name: Ann, aliases: ["a\\nb"]}\n',
    "unit registry with kind": "units:\n  - {id: lab, kind: lab}\n",
}


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_invalid_documents(text: str, tmp_path: Path) -> None:
    assert loader_errors(text, tmp_path) != []
    assert schema_errors(as_json(text.encode(), "case.yaml")) != []
