"""``reorg import popolo`` checks each text where it reads it (its own JSON path: length,
control and bidi characters, lone surrogates), refuses a document of too many records before
converting it, and says why an event is too large for one file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.events import yamlfile
from reorg_cli.interop import popolo_import
from reorg_cli.interop.popolo_read import MAX_LINE_CHARS
from tests.conftest import CLI_ENV


def import_document(tmp_path: Path, document: str) -> tuple[Result, Path, Path]:
    path = tmp_path / "org.json"
    path.write_text(document, encoding="utf-8")
    into = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["import", "popolo", str(path), "--into", str(into)], env=CLI_ENV
    )
    return result, path, into


def assert_one_line(result: Result, into: Path, expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert not into.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a\\u0000b", "the control character U+0000 at character 2"),
        ("a\\u001b[31m", "the control character U+001B at character 2"),
        ("a\\u202eb", "the bidirectional formatting character U+202E at character 2"),
        ("ab\\ud800", "a lone surrogate U+D800 at character 3"),
        ("a\\nb", "a line break U+000A at character 2"),
    ],
)
def test_a_bad_name_is_reported_at_the_name(tmp_path: Path, name: str, expected: str) -> None:
    document = '{"organizations": [\n  {"id": "x", "name": "' + name + '"}\n]}\n'
    result, path, into = import_document(tmp_path, document)
    assert_one_line(result, into, f"{path}:2:23: error: $.organizations[0].name: text contains")
    assert expected in result.stderr


def test_a_line_break_is_fine_in_a_description(tmp_path: Path) -> None:
    document = {"organizations": [{"id": "x", "name": "X", "description": "one\ntwo"}]}
    result, _, into = import_document(tmp_path, json.dumps(document))
    assert result.exit_code == 0, result.output
    assert (into / "units.yaml").is_file()


def test_a_name_over_the_limit_is_reported_at_the_name(tmp_path: Path) -> None:
    long = "N" * (MAX_LINE_CHARS + 1)
    document = json.dumps({"organizations": [{"id": "x", "name": long}]})
    result, path, into = import_document(tmp_path, document)
    assert_one_line(
        result,
        into,
        f"{path}:1:40: error: $.organizations[0].name: text is {MAX_LINE_CHARS + 1:,} "
        f"characters; imported text is limited to {MAX_LINE_CHARS:,}",
    )


def test_a_document_of_too_many_records_is_refused_before_it_is_converted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(popolo_import, "MAX_IMPORT_RECORDS", 3)
    organizations = [{"id": f"o{i}", "name": f"O {i}"} for i in range(3)]
    persons = [{"id": "p", "name": "P"}]
    document = json.dumps({"persons": persons, "organizations": organizations})
    result, path, into = import_document(tmp_path, document)
    assert_one_line(
        result,
        into,
        f"{path}:1:58: error: $.organizations: the document has 4 records (1 persons, "
        "3 organizations); reorg imports at most 3 (split the document",
    )


def test_an_event_too_large_for_a_file_says_so_in_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 2000)
    organizations = [{"id": f"o{i}", "name": f"Org {i}"} for i in range(100)]
    result, _, into = import_document(tmp_path, json.dumps({"organizations": organizations}))
    assert_one_line(result, into, "(100 changes) would be ")
    assert "bytes of YAML, over the 2,000-byte limit of one event file" in result.stderr
