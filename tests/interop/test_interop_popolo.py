"""Popolo export (validated against the Popolo JSON Schemas) and import (round trip)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.errors import EventFileError
from reorg_cli.events.files import write_tree
from reorg_cli.events.loader import default_events_path
from reorg_cli.interop.importing import check_files, check_imported
from reorg_cli.interop.popolo import popolo_document
from reorg_cli.interop.popolo_import import convert_popolo, import_popolo
from tests.conftest import CLI_ENV, MINI, TODAY, day
from tests.interop.staleness import without_staleness

SCHEMAS = Path(__file__).parents[3] / "shared" / "popolo" / "schemas"
COLLECTIONS = {
    "persons": "person",
    "organizations": "organization",
    "posts": "post",
    "memberships": "membership",
    "events": "event",
}


@pytest.fixture(scope="module")
def alibaba() -> Timeline:
    return load_timeline(default_events_path())


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    """Draft-03 validators for the Popolo schemas, $refs resolved from the local folder."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"Popolo schemas not found at {SCHEMAS}")
    from jsonschema import Draft3Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT3

    schemas = {p.stem: json.loads(p.read_text("utf-8")) for p in SCHEMAS.glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (schema["id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT3))
        for schema in schemas.values()
    )
    return {
        name: Draft3Validator(schemas[name], registry=registry) for name in COLLECTIONS.values()
    }


def popolo_errors(document: dict[str, Any], validators: dict[str, Any]) -> list[str]:
    errors = []
    for collection, name in COLLECTIONS.items():
        assert document[collection], f"{collection} is empty"
        for i, record in enumerate(document[collection]):
            for error in validators[name].iter_errors(record):
                path = "/".join(str(p) for p in error.absolute_path)
                errors.append(f"{collection}[{i}]/{path}: {error.message}")
    return errors


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_export_of_the_bundled_data_validates_against_the_popolo_schemas(
    validators: dict[str, Any],
) -> None:
    result = run("export", "--format", "popolo", "--at", "2026-04-09")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert popolo_errors(document, validators) == []
    assert document["reorg"]["at"] == "2026-04-09"


def test_the_schema_check_is_not_vacuous(validators: dict[str, Any], mini: Timeline) -> None:
    document = popolo_document(mini, day("2025-06-30"), today=TODAY)
    document["organizations"][0]["founding_date"] = "by 2024-01-15"
    document["memberships"][0]["person_id"] = 7
    document["persons"][0]["other_names"] = [{"note": "x", "name": None}]
    assert len(popolo_errors(document, validators)) == 3


def test_mini_export_maps_the_model_onto_popolo(mini: Timeline) -> None:
    document = popolo_document(mini, day("2025-06-30"), today=TODAY)
    persons = {p["id"]: p for p in document["persons"]}
    assert persons["ann"]["other_names"] == [
        {"name": "李安", "lang": "zh", "note": "multilingual"},
        {"name": "Annie", "note": "alias"},
    ]
    organizations = {o["id"]: o for o in document["organizations"]}
    lab = organizations["lab"]
    assert (lab["name"], lab["classification"], lab["parent_id"]) == (
        "AI Business Unit",
        "business_unit",
        "corp",
    )
    assert lab["founding_date"] == "2024-01-15"
    assert lab["other_names"] == [
        {
            "name": "Research Lab",
            "start_date": "2024-01-15",
            "end_date": "2025-03",
            "note": "former name",
        },
        {
            "name": "研究实验室",
            "lang": "zh",
            "start_date": "2024-01-15",
            "end_date": "2025-03",
            "note": "multilingual",
        },
    ]
    assert organizations["comm"]["classification"] == "committee"
    memberships = {
        (m["person_id"], m["organization_id"], m["role"]): m for m in document["memberships"]
    }
    head = memberships[("bo", "lab", "Head")]
    assert (head["start_date"], head["end_date"]) == ("2024-01-15", "2025-06-01")
    assert head["post_id"] == "lab/head"
    assert head["reorg"]["status"] == "ended"
    assert head["sources"] == [
        {"url": "https://example.com/memo", "note": "Example Corp; 2024-01-15"}
    ]
    cto = memberships[("cy", "lab", "CTO")]
    assert cto["start_date"] == "2025-03" and "end_date" not in cto
    assert cto["reorg"]["confidence"] == "reported"
    posts = {p["id"]: p for p in document["posts"]}
    assert posts["lab/head"]["reorg"]["vacancies"][0]["holder"] == "unknown"


def test_name_and_parent_are_those_in_force_on_the_date(mini: Timeline) -> None:
    before = {
        o["id"]: o for o in popolo_document(mini, day("2024-12-31"), today=TODAY)["organizations"]
    }
    assert before["lab"]["name"] == "Research Lab"
    notes = {n["name"]: n["note"] for n in before["lab"]["other_names"]}
    assert notes == {"研究实验室": "multilingual", "AI Business Unit": "later name"}
    assert "parent_id" not in before["comm"]  # the committee does not exist yet
    assert before["comm"]["reorg"]["presence"] == "absent"


def test_windows_that_popolo_cannot_say_stay_in_the_extension(alibaba: Timeline) -> None:
    document = popolo_document(alibaba, day("2026-04-09"), today=TODAY)
    by_window = [
        m for m in document["memberships"] if m["reorg"]["start"]["date"].startswith("by ")
    ]
    assert by_window
    assert all("start_date" not in m for m in by_window)
    unknown_end = [
        m for m in document["memberships"] if m["reorg"]["status"] == "ended (date unknown)"
    ]
    assert unknown_end and all("end_date" not in m for m in unknown_end)


@pytest.mark.parametrize("source", ["mini", "bundled"])
def test_export_import_export_gives_the_same_document(
    source: str, tmp_path: Path, alibaba: Timeline, mini: Timeline
) -> None:
    timeline = mini if source == "mini" else alibaba
    first = popolo_document(timeline, day("2026-04-09"), today=TODAY)
    files = import_popolo(json.dumps(first, ensure_ascii=False), "doc.json")
    write_tree(tmp_path / "imported", files)
    second = popolo_document(load_timeline(tmp_path / "imported"), day("2026-04-09"), today=TODAY)
    assert without_staleness(second) == without_staleness(first)


def test_round_trip_through_the_command_line(tmp_path: Path) -> None:
    exported = tmp_path / "org.json"
    assert (
        run(
            "export",
            "-f",
            "popolo",
            "--at",
            "2025-06",
            "--events",
            str(MINI),
            "--out",
            str(exported),
        ).exit_code
        == 0
    )
    result = run("import", "popolo", str(exported), "--into", str(tmp_path / "org"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote 4 files to {tmp_path / 'org'}\n")
    again = run("export", "-f", "popolo", "--at", "2025-06", "--events", str(tmp_path / "org"))
    assert without_staleness(json.loads(again.stdout)) == without_staleness(
        json.loads(exported.read_text("utf-8"))
    )
    assert run("validate", str(tmp_path / "org")).exit_code == 0


def strip_extension(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_extension(v) for k, v in value.items() if k != "reorg"}
    if isinstance(value, list):
        return [strip_extension(v) for v in value]
    return value


def test_plain_popolo_from_another_tool_is_imported_roughly(tmp_path: Path, mini: Timeline) -> None:
    plain = strip_extension(popolo_document(mini, day("2025-06-30"), today=TODAY))
    plain.pop("events")
    files = import_popolo(json.dumps(plain), "plain.json")
    check_files(files, "plain.json")
    write_tree(tmp_path / "plain", files)
    timeline = load_timeline(tmp_path / "plain")
    state = timeline.state_at(day("2025-06-30"))
    assert {u: (s.name, s.kind, s.parent) for u, s in state.units.items()} == {
        "corp": ("Example Corp", "company", None),
        "lab": ("AI Business Unit", "business_unit", "corp"),
        "comm": ("Tech Committee", "committee", "corp"),
    }
    assert sorted((r.person, r.unit, r.title) for r in state.roles) == [
        ("ann", "comm", "Chair"),
        ("ann", "corp", "CEO"),
        ("bo", "comm", "Member"),
        ("cy", "lab", "CTO"),
    ]
    assert timeline.find_person("李安").id == "ann"


def test_plain_popolo_child_founded_before_its_parent(tmp_path: Path) -> None:
    document = {
        "persons": [{"id": "p1", "name": "Pat"}],
        "organizations": [
            {"id": "team", "name": "Team", "parent_id": "org", "founding_date": "2019"},
            {"id": "org", "name": "Org", "founding_date": "2020-05", "dissolution_date": "2022"},
        ],
        "memberships": [
            {
                "person_id": "p1",
                "organization_id": "team",
                "role": "Lead",
                "start_date": "2019-03-01",
            }
        ],
    }
    files = import_popolo(json.dumps(document), "d.json")
    check_files(files, "d.json")
    write_tree(tmp_path / "d", files)
    timeline = load_timeline(tmp_path / "d")
    assert timeline.state_at(day("2019-12-31")).units["team"].parent is None
    assert timeline.state_at(day("2021-01-01")).units["team"].parent == "org"
    assert timeline.state_at(day("2022-12-31")).units["team"].parent is None


def test_bad_documents_are_reported_with_where_the_problem_is(mini: Timeline) -> None:
    with pytest.raises(EventFileError) as caught:
        import_popolo("{not json", "bad.json")
    assert str(caught.value.problems[0]) == (
        "bad.json:1:2: not valid JSON: Expecting property name enclosed in double quotes (the "
        "file must be one JSON document; a JSON validator or 'python3 -m json.tool FILE' shows "
        "the same place)"
    )
    with pytest.raises(EventFileError) as caught:
        import_popolo("{} x", "trail.json")
    assert str(caught.value.problems[0]).startswith("trail.json:1:4: not valid JSON: Extra data (")
    document = popolo_document(mini, day("2025-06-30"), today=TODAY)
    document["memberships"][0]["reorg"]["start"]["event"] = "no-such-event"
    document["persons"][1]["id"] = "bad id"
    text = json.dumps(document, indent=2)
    with pytest.raises(EventFileError) as caught:
        import_popolo(text, "doc.json")
    problems = caught.value.problems
    assert [(p.location.path, p.message, p.hint) for p in problems] == [
        (
            "doc.json",
            "$.persons[1].id: 'bad id' is not a valid reorg id",
            "use letters, digits, '.', '_' and '-', starting with a letter or digit",
        ),
        ("doc.json", "$.memberships[0].reorg.start.event: unknown event 'no-such-event'", ""),
    ]
    # Each is placed at the line and column of the value it names.
    lines = text.splitlines()
    spots = [lines[p.location.line - 1][p.location.column - 1 :] for p in problems]
    assert spots == ['"bad id",', '"no-such-event",']


def test_import_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    exported = tmp_path / "org.json"
    exported.write_text(
        json.dumps(popolo_document(load_timeline(MINI), day("2025-06-30"), today=TODAY))
    )
    target = tmp_path / "existing"
    target.mkdir()
    (target / "keep.yaml").write_text("events: []\n")
    result = run("import", "popolo", str(exported), "--into", str(target))
    assert result.exit_code == 1
    assert "directory is not empty" in result.stderr
    assert [p.name for p in target.iterdir()] == ["keep.yaml"]


def test_plain_popolo_that_makes_no_valid_history_is_refused() -> None:
    document = {
        "persons": [{"id": "p1", "name": "Pat"}],
        "organizations": [{"id": "org", "name": "Org", "founding_date": "2020"}],
        "memberships": [
            {"person_id": "p1", "organization_id": "org", "role": "Lead", "start_date": "2020-03"},
            {"person_id": "p1", "organization_id": "org", "role": "Lead", "start_date": "2021"},
        ],
    }
    imported = convert_popolo(json.dumps(document, indent=1), "d.json")
    with pytest.raises(EventFileError) as caught:
        check_imported(imported, "d.json")
    # Named by the records of the document, never by the generated files (issue 11, item 7).
    assert [str(p) for p in caught.value.problems] == [
        "d.json:26:18: $.memberships[1].start_date: 'p1' already holds 'Lead' in 'org' "
        "(assigned at $.memberships[0].start_date, line 20) (end the role first, or remove "
        "this change)"
    ]
