"""Hostile input to the importers (``reorg import csv``, ``reorg import popolo``): the same
guarantees as the event loader. Every case ends in one clean line naming the place in the
user's input, exit 1, no traceback, no hang, and nothing written (issue 11, items 4-7).
"""

from __future__ import annotations

import copy as copy_module
import json
import re
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reorg_cli.interop import importing
from tests.cli.test_hostile import Run, run_reorg
from tests.conftest import TODAY

KINDS = ("csv", "popolo")


def assert_one_clean_line(run: Run, start: str, into: Path | None = None) -> str:
    """Exit 1, nothing on stdout, one line on stderr starting with ``start``, no traceback,
    and (if given) nothing created at ``into``."""
    stderr = run.stderr.decode("utf-8")
    assert run.code == 1, stderr
    assert run.stdout == b""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(start), stderr
    if into is not None:
        assert not into.exists()
    return stderr


# -- item 4: regular files only, with a size limit ---------------------------------------------


def _fifo(path: Path) -> Path:
    import os

    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


SPECIAL: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, "not a regular file (a FIFO)"),
    "socket": (_socket, "not a regular file (a socket)"),
    "directory": (_directory, "not a regular file (a directory)"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("special", sorted(SPECIAL))
def test_import_refuses_special_files_without_hanging(
    kind: str, special: str, tmp_path: Path
) -> None:
    make, message = SPECIAL[special]
    path = make(tmp_path / f"input.{kind}")
    into = tmp_path / "out"
    run = run_reorg("import", kind, str(path), "--into", str(into))
    assert message in assert_one_clean_line(run, f"{path}: error: ", into)


@pytest.mark.parametrize("kind", KINDS)
def test_import_refuses_dev_zero(kind: str, tmp_path: Path) -> None:
    into = tmp_path / "out"
    run = run_reorg("import", kind, "/dev/zero", "--into", str(into))
    stderr = assert_one_clean_line(run, "/dev/zero: error: ", into)
    assert "not a regular file (a character device)" in stderr


@pytest.mark.parametrize("kind", KINDS)
def test_import_refuses_a_file_over_its_limit_unread(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"big.{kind}"
    with path.open("wb") as handle:  # sparse: nothing is read, so its content does not matter
        handle.truncate(importing.MAX_IMPORT_BYTES + 1)
    into = tmp_path / "out"
    run = run_reorg("import", kind, str(path), "--into", str(into))
    stderr = assert_one_clean_line(run, f"{path}: error: ", into)
    assert f"file is {importing.MAX_IMPORT_BYTES + 1} bytes; imported files are limited to" in (
        stderr
    )


def test_the_import_limit_admits_a_40_mb_document() -> None:
    assert importing.MAX_IMPORT_BYTES >= 64 * 1024 * 1024


# -- item 5: Popolo JSON that the decoder would crash on or silently accept ----------------------

ORGS = '{"organizations": [\n  {"id": "a", "name": "A"},\n  {"id": "b", "name": "B", %s}\n]}\n'

JSON_HAZARDS: dict[str, tuple[str, str]] = {
    # name: (document, the start of the one line expected after "FILE:")
    "nested-arrays": ("[" * 100_000 + "]" * 100_000, "1:65: error: JSON nesting is too deep"),
    "nested-objects": (
        '{"a": ' * 100_000 + "1" + "}" * 100_000,
        "1:385: error: JSON nesting is too deep",
    ),
    "long-integer": (
        ORGS % ('"seats": ' + "7" * 100_000),
        "3:37: error: $.organizations[1].seats: number is too long",
    ),
    "feb-30": (
        ORGS % '"founding_date": "2020-02-30"',
        "3:45: error: $.organizations[1].founding_date: '2020-02-30' is not a date",
    ),
    "overflowing-float": (
        ORGS % '"founding_date": 1e999999',
        "3:45: error: $.organizations[1].founding_date: number is not finite",
    ),
    "nan": (ORGS % '"seats": NaN', "3:37: error: $.organizations[1].seats: number is not finite"),
    "date-as-number": (
        ORGS % '"founding_date": 2020',
        "3:45: error: $.organizations[1].founding_date: must be text",
    ),
    "duplicate-key": (
        ORGS % '"name": "Bee"',
        "3:28: error: $.organizations[1].name: duplicate key 'name'",
    ),
    "duplicate-top-level-key": (
        '{"persons": [],\n "persons": []}',
        "2:2: error: $.persons: duplicate key 'persons'",
    ),
    "bad-other-names": (
        ORGS % '"other_names": 5',
        "3:43: error: $.organizations[1].other_names: must be a list",
    ),
    "not-an-object": ("[1, 2]", "1:1: error: $: a Popolo document must be a JSON object"),
}


@pytest.mark.parametrize("name", sorted(JSON_HAZARDS))
def test_hostile_popolo_json_gives_one_positioned_line(name: str, tmp_path: Path) -> None:
    document, expected = JSON_HAZARDS[name]
    path = tmp_path / f"{name}.json"
    path.write_text(document, encoding="utf-8")
    into = tmp_path / "out"
    run = run_reorg("import", "popolo", str(path), "--into", str(into))
    assert_one_clean_line(run, f"{path}:{expected}", into)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value (depth-first)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = copy_module.deepcopy(document)
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2020-02-30", "2020", "", "a b", "by 2020", "9999-12-31", "0000"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def popolo_documents() -> list[Any]:
    from reorg_cli.engine.timeline import load_timeline
    from reorg_cli.interop.popolo import popolo_document
    from tests.conftest import MINI, day

    extended = popolo_document(load_timeline(MINI), day("2025-06-30"), today=TODAY)

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k != "reorg"}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return [extended, plain(extended)]


@given(data=st.data())
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_value_anywhere_in_a_popolo_document_gives_user_errors_only(
    popolo_documents: list[Any], data: st.DataObject
) -> None:
    """Replace one value of a valid document (with or without reorg objects) by any JSON
    value: the import converts it or reports problems; it never raises anything else."""
    from reorg_cli.events.errors import EventFileError
    from reorg_cli.interop.importing import check_imported
    from reorg_cli.interop.popolo_import import convert_popolo

    document = data.draw(st.sampled_from(popolo_documents))
    path = data.draw(st.sampled_from(_paths(document)))
    changed = _replaced(document, path, data.draw(JSON_VALUES))
    try:
        check_imported(convert_popolo(json.dumps(changed, indent=1), "doc.json"), "doc.json")
    except EventFileError as err:
        for problem in err.problems:
            assert problem.location.path == "doc.json", problem
            assert "\n" not in str(problem)
            assert ".yaml" not in str(problem), problem  # named in the document (item 7)


# -- messages to mend: a parent cycle is a parent cycle ----------------------------------------

CYCLES = {
    "three-founded-together": (
        '{"organizations": [\n'
        ' {"id": "a", "name": "A", "parent_id": "b", "founding_date": "2020"},\n'
        ' {"id": "b", "name": "B", "parent_id": "c", "founding_date": "2020"},\n'
        ' {"id": "c", "name": "C", "parent_id": "a", "founding_date": "2020"}]}',
        "2:40: error: $.organizations[0].parent_id: parent cycle: a → b → c → a",
    ),
    "founded-apart": (
        '{"organizations": [\n'
        ' {"id": "a", "name": "A", "parent_id": "b", "founding_date": "2021"},\n'
        ' {"id": "b", "name": "B", "parent_id": "a", "founding_date": "2020"}]}',
        "2:40: error: $.organizations[0].parent_id: parent cycle: a → b → a",
    ),
    "own-parent": (
        '{"organizations": [\n {"id": "a", "name": "A", "parent_id": "a"}]}',
        "2:40: error: $.organizations[0].parent_id: organization 'a' is its own parent",
    ),
    "reorg-objects": (
        '{"reorg": {"format": "popolo", "format_version": 1},\n'
        ' "events": [{"id": "e1", "name": "E", "reorg": {"date": "2020"}}],\n'
        ' "organizations": [\n'
        + ",\n".join(
            f'  {{"id": "{unit}", "name": "{unit}", "reorg": {{"start": {{"event": "e1"}}, '
            f'"names": [{{"name": "{unit}", "start": {{"event": "e1"}}}}], '
            f'"kinds": [{{"kind": "team", "start": {{"event": "e1"}}}}], '
            f'"parents": [{{"parent_id": "{parent}", "start": {{"event": "e1"}}}}]}}}}'
            for unit, parent in (("a", "b"), ("b", "a"))
        )
        + "]}",
        "4:197: error: $.organizations[0].reorg.parents[0].parent_id: parent cycle when event "
        "'e1' creates them: a → b → a",
    ),
}


@pytest.mark.parametrize("name", sorted(CYCLES))
def test_a_parent_cycle_in_popolo_is_reported_as_one(name: str, tmp_path: Path) -> None:
    document, expected = CYCLES[name]
    path = tmp_path / f"{name}.json"
    path.write_text(document, encoding="utf-8")
    into = tmp_path / "out"
    run = run_reorg("import", "popolo", str(path), "--into", str(into))
    stderr = assert_one_clean_line(run, f"{path}:{expected}", into)
    assert "does not exist yet" not in stderr


# -- item 7: problems found in the imported history are named in the user's document ---------


def test_problems_in_the_imported_history_name_the_document_not_generated_files(
    popolo_documents: list[Any], tmp_path: Path
) -> None:
    extended, plain = popolo_documents
    for name, document in (("extended", extended), ("plain", plain)):
        changed = copy_module.deepcopy(document)
        membership = changed["memberships"][0]
        changed["memberships"].append(copy_module.deepcopy(membership))
        last = len(changed["memberships"]) - 1
        path = tmp_path / f"{name}.json"
        text = json.dumps(changed, indent=2)
        path.write_text(text, encoding="utf-8")
        into = tmp_path / f"out-{name}"
        run = run_reorg("import", "popolo", str(path), "--into", str(into))
        stderr = assert_one_clean_line(run, f"{path}:", into)
        assert ".yaml" not in stderr, stderr
        key = "reorg.start" if name == "extended" else "start_date"
        match = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): error: (\S+): ", stderr)
        assert match is not None, stderr
        line, column = int(match.group(1)), int(match.group(2))
        # The copy (the last membership) is the one refused: at its own start, with the first
        # holder's record named in the message.
        assert match.group(3) in (f"$.memberships[{last}].{key}", f"$.memberships[0].{key}")
        assert "already holds" in stderr and "$.memberships[" in stderr.split("already")[1]
        assert text.splitlines()[line - 1][column - 1 :].startswith(("{", '"'))


# -- item 6: a year of events larger than one event file is split over several ---------------


def one_year_history(root: Path, events: int) -> Path:
    """Event files for ``events`` events in 2020: units created under one root, each with a
    head appointed; one year file of them would be about ``events`` x 300 bytes. They are
    written 40 events to a file, so that they load under a small size limit."""
    people = "\n".join(f"  - {{id: p{i}, name: Person {i}}}" for i in range(events))
    blocks = [
        "  - id: root\n    date: 2020-01-01\n    title: Root\n    confidence: confirmed\n"
        "    sources: [{url: 'https://example.com/root'}]\n    changes:\n"
        "      - {type: unit_created, unit: root, name: Root, kind: company}\n"
    ]
    for i in range(events):
        blocks.append(
            f"  - id: e{i}\n    date: 2020-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
            f"    title: Team {i} set up\n    confidence: reported\n"
            f"    sources: [{{url: 'https://example.com/{i}'}}]\n    changes:\n"
            f"      - {{type: unit_created, unit: u{i}, name: Team {i}, kind: team, "
            "parent: root}\n"
            f"      - {{type: role_assigned, person: p{i}, unit: u{i}, title: Head, head: true}}\n"
        )
    root.mkdir()
    (root / "people.yaml").write_text(f"people:\n{people}\n", encoding="utf-8")
    for number, first in enumerate(range(0, len(blocks), 40)):
        text = "events:\n" + "".join(blocks[first : first + 40])
        (root / f"2020-{number:02d}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def small_file_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Event files limited to 32 KiB (instead of 16 MiB), for the loader and the importers."""
    limit = 32 * 1024
    monkeypatch.setattr("reorg_cli.events.yamlfile.MAX_FILE_BYTES", limit)
    monkeypatch.setattr("reorg_cli.events.discovery.MAX_FILE_BYTES", limit)
    return limit


@pytest.mark.parametrize("kind", ["extended", "plain"])
def test_a_year_over_the_file_limit_is_split_into_parts(
    kind: str, tmp_path: Path, small_file_limit: int
) -> None:
    from typer.testing import CliRunner

    from reorg_cli.cli.app import app
    from reorg_cli.engine.timeline import load_timeline
    from reorg_cli.interop.popolo import popolo_document
    from tests.conftest import CLI_ENV, day

    source = load_timeline(one_year_history(tmp_path / "source", 400))
    document = popolo_document(source, day("2020-12-31"), today=TODAY)
    if kind == "plain":
        document = {k: v for k, v in _plain(document).items() if k != "events"}
    path = tmp_path / "org.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    into = tmp_path / "org"
    result = CliRunner().invoke(
        app, ["import", "popolo", str(path), "--into", str(into)], env=CLI_ENV
    )
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in into.iterdir())
    parts = [n for n in names if n.startswith("2020-part-")]
    assert len(parts) >= 3 and "2020.yaml" not in names, names
    assert parts == [f"2020-part-{i:02d}.yaml" for i in range(1, len(parts) + 1)]
    assert all((into / n).stat().st_size <= small_file_limit for n in names)
    imported = load_timeline(into)
    if kind == "extended":  # the same history: it exports to the same document
        assert popolo_document(imported, day("2020-12-31"), today=TODAY) == document
    else:
        state = imported.state_at(day("2020-12-31"))
        assert len(state.roles) == 400


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "reorg"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_an_event_too_large_for_any_file_is_refused_at_its_record(
    tmp_path: Path, small_file_limit: int
) -> None:
    from typer.testing import CliRunner

    from reorg_cli.cli.app import app
    from tests.conftest import CLI_ENV

    # A plain document whose 400 memberships all start on one day: one event of 400 changes.
    document = {
        "persons": [{"id": f"p{i}", "name": f"Person {i}"} for i in range(400)],
        "organizations": [{"id": "org", "name": "Org", "founding_date": "2020-01-01"}],
        "memberships": [
            {
                "person_id": f"p{i}",
                "organization_id": "org",
                "role": f"Role {i}",
                "start_date": "2020-02-01",
            }
            for i in range(400)
        ],
    }
    path = tmp_path / "org.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    into = tmp_path / "org"
    result = CliRunner().invoke(
        app, ["import", "popolo", str(path), "--into", str(into)], env=CLI_ENV
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert re.match(
        rf"{re.escape(str(path))}:\d+:\d+: error: \$\.memberships\[0\]\.start_date: event "
        rf"'popolo-2020-02-01' \(400 changes\) would be [0-9,]+ bytes of YAML, over the "
        rf"{small_file_limit:,}-byte limit of one event file",
        result.stderr,
    )
    assert len(result.stderr.splitlines()) == 1
    assert not into.exists()


# -- messages to mend: --into a symbolic link ---------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_into_a_symlink_to_an_empty_directory_says_what_it_is(kind: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    link = tmp_path / "link"
    link.symlink_to(empty)
    path = tmp_path / f"input.{kind}"
    path.write_text("{}" if kind == "popolo" else "effective_date,action\n", encoding="utf-8")
    run = run_reorg("import", kind, str(path), "--into", str(link))
    stderr = assert_one_clean_line(run, f"reorg: error: {link}: is a symbolic link (to {empty})")
    assert f"pass the directory itself: --into {empty}" in stderr
    assert "is not a directory" not in stderr
    assert link.is_symlink() and list(empty.iterdir()) == []


def test_popolo_that_is_not_utf8_names_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"persons": [\n  {"id": "p", "name": "Jos\u00e9"}]}'.encode("latin-1"))
    into = tmp_path / "out"
    run = run_reorg("import", "popolo", str(path), "--into", str(into))
    assert_one_clean_line(run, f"{path}:2:27: error: not UTF-8 text", into)


# -- the JSON reader's pieces --------------------------------------------------------------------


def test_json_paths_are_written_and_read_back() -> None:
    from reorg_cli.interop.jsonread import format_path, parse_path

    path = ("organizations", 3, "reorg", "odd key", 0)
    assert format_path(path) == '$.organizations[3].reorg["odd key"][0]'
    assert parse_path(format_path(path)) == path
    assert parse_path("organizations[3].founding_date") == ("organizations", 3, "founding_date")
    assert format_path(()) == "$"


def test_locate_finds_values_at_any_depth_without_recursion() -> None:
    from reorg_cli.interop.jsonread import locate

    text = '{"a": [1, {"b": "x,]}"}],\n "c": {"d": [true, {"e": null}], "f": {}}}'
    assert locate(text, [("a", 1, "b"), ("c", "d", 1, "e"), ("c", "f"), ("missing",)]) == {
        ("a", 1, "b"): (1, 17),
        ("c", "d", 1, "e"): (2, 26),
        ("c", "f"): (2, 39),
    }
    deep = '{"deep": ' + "[" * 50_000 + "7" + "]" * 50_000 + ',\n "after": 1}'
    assert locate(deep, [("after",), ("deep", 0, 0)]) == {
        ("after",): (2, 11),
        ("deep", 0, 0): (1, 12),
    }


def test_integers_are_limited_to_18_digits_either_sign() -> None:
    from reorg_cli.events.errors import EventFileError
    from reorg_cli.interop.jsonread import load_json

    assert load_json('{"a": -123456789012345678}', "x") == {"a": -123456789012345678}
    for text in ('{"a": 1234567890123456789}', '{"a": -1234567890123456789}'):
        with pytest.raises(EventFileError, match=r"^x:1:7: \$\.a: number is too long"):
            load_json(text, "x")


def test_csv_import_problems_in_the_history_name_the_row() -> None:
    """A problem only the loader finds (here made by editing a generated file) is named by the
    CSV row behind the event, not by the generated file."""
    from reorg_cli.events.errors import EventFileError
    from reorg_cli.interop.hrcsv import convert_hr_csv
    from reorg_cli.interop.importing import check_imported
    from tests.conftest import FIXTURES

    imported = convert_hr_csv((FIXTURES / "hr" / "hr-50.csv").read_bytes(), "hr.csv", "hr.csv")
    name = "2020-02-03.yaml"
    assert "  - type: reporting_line_set\n    person: e005\n" in imported.files[name]
    imported.files[name] = imported.files[name].replace(
        "    person: e005\n    reports_to: e002", "    person: e005\n    reports_to: nobody"
    )
    with pytest.raises(EventFileError) as caught:
        check_imported(imported, "hr.csv")
    assert [str(p) for p in caught.value.problems] == [
        "hr.csv:11:1: unknown person 'nobody' (add them under 'people:')"
    ]
