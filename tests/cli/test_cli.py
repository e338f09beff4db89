"""The command line through Typer's CliRunner: exit codes, stdout vs stderr, JSON shapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reorg_cli import __version__
from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, MINI, WriteEvents

COMMANDS = ["show", "diff", "history", "unit", "timeline", "validate", "check", "schema"]


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})})
    # A crash would surface as an exception other than SystemExit.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def run_json(*args: str) -> Any:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_version() -> None:
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"reorg {__version__}\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help", env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout and len(result.stdout) > 100


def test_show_json_shape() -> None:
    data = run_json("show", "--events", str(MINI), "--at", "2025-06")
    assert data["schema_version"] == 1 and data["at"] == "2025-06-30"
    units = {u["id"]: u for u in data["units"]}
    assert set(units) == {"corp", "lab", "comm"}
    comm = units["comm"]
    assert {"id", "name", "kind", "parent", "roles"} <= set(comm)
    assert comm["parent"] == "corp"
    assert [(r["person"], r["person_name"], r["title"], r["since"]) for r in comm["roles"]] == [
        ("ann", "Ann Lee", "Chair", "2025-06-01"),
        ("bo", "Bo Chen", "Member", "2025-06-01"),
    ]
    assert data["reporting_lines"][0]["person"] == "bo"
    assert data["reporting_lines"][0]["reports_to"] == "ann"
    assert set(data["events"]) >= {"founding", "committee"}
    assert data["events"]["committee"]["sources"][0]["url"] == "https://example.com/memo"


def test_show_tree_goes_to_stdout() -> None:
    result = run("show", "--events", str(MINI), "--at", "2025-06")
    assert result.exit_code == 0 and result.stderr == ""
    assert "Tech Committee (committee)" in result.stdout


def test_show_unit_subtree_and_missing_unit() -> None:
    data = run_json("show", "--events", str(MINI), "--at", "2025-06", "--unit", "tech committee")
    assert [u["id"] for u in data["units"]] == ["comm"]
    result = run("show", "--events", str(MINI), "--at", "2024-06", "--unit", "comm")
    assert result.exit_code == 1 and result.stdout == ""
    assert "does not exist on 2024-06-30" in result.stderr


def test_diff_json_shape() -> None:
    data = run_json("diff", "2024-12-31", "2025-12-31", "--events", str(MINI))
    assert (data["from"], data["to"]) == ("2024-12-31", "2025-12-31")
    assert data["changes"] and all({"type", "summary", "events"} <= set(c) for c in data["changes"])
    assert all(c["events"] for c in data["changes"])


@pytest.mark.parametrize("name", ["李安", "ann lee", "Ann Lee", "ANNIE", "ann"])
def test_history_accepts_any_name(name: str) -> None:
    result = run("history", name, "--events", str(MINI))
    assert result.exit_code == 0
    assert result.stdout == run("history", "Ann Lee", "--events", str(MINI)).stdout


def test_history_json_shape() -> None:
    data = run_json("history", "bo", "--events", str(MINI))
    assert data["person"] == {
        "id": "bo",
        "name": "Bo Chen",
        "names": {},
        "aliases": [],
        "description": None,
    }
    first, second = data["roles"]
    assert (first["unit"], first["unit_name"], first["title"]) == ("lab", "Research Lab", "Head")
    assert (first["start"], first["end"], second["end"]) == ("2024-01-15", "2025-06-01", None)


def test_unit_and_timeline_json() -> None:
    unit = run_json("unit", "Research Lab", "--events", str(MINI))
    assert unit["unit"]["id"] == "lab"
    assert [c["type"] for c in unit["changes"]] == ["created", "renamed", "reclassified"]
    timeline = run_json("timeline", "--events", str(MINI), "--from", "2025", "--to", "2025-06")
    events = timeline["events"]
    assert [e["id"] for e in events] == ["lab-upgrade", "committee"]
    assert all({"id", "date", "title", "confidence", "sources"} <= set(e) for e in events)
    assert events[0]["date"] == "2025-03"


def test_unknown_person_is_one_line_with_suggestions() -> None:
    result = run("history", "Anne Lee", "--events", str(MINI))
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr == "reorg: error: no person called 'Anne Lee' (did you mean Ann Lee (ann)?)\n"
    )


@pytest.mark.parametrize("date", ["2026-02-30", "03/04/2026", "soon"])
def test_invalid_date_is_a_usage_error_on_one_line(date: str) -> None:
    result = run("show", "--events", str(MINI), "--at", date)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("reorg: error: invalid date for --at:")


def test_validate_ok_and_misspelled_key(write_events: WriteEvents) -> None:
    result = run("validate", str(MINI))
    assert result.exit_code == 0 and "0 errors" in result.stdout
    root = write_events(
        {
            "bad.yaml": "events:\n  - id: x\n    date: 2025-01-01\n    titel: Oops\n"
            "    confidence: confirmed\n    changes: []\n"
        }
    )
    result = run("validate", str(root))
    assert result.exit_code == 1
    assert (
        f"{root / 'bad.yaml'}:4:5: error: unknown key 'titel' in an event "
        "(did you mean 'title'?)" in result.stdout
    )


def test_broken_files_fail_every_command_cleanly(write_events: WriteEvents) -> None:
    root = write_events({"bad.yaml": "events:\n  - id: [unclosed\n"})
    result = run("show", "--events", str(root))
    assert result.exit_code == 1 and result.stdout == ""
    assert "bad.yaml:3:1: error: YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_line_indented_wrongly_is_one_error_not_two(write_events: WriteEvents) -> None:
    """The item the syntax error cut short was reported too ("an event is missing 'title'",
    where the title was written, on the line the parser stopped at): two lines for one
    mistake. Items read whole before the error still report their own problems."""
    root = write_events(
        {
            "bad.yaml": "events:\n  - id: good\n    date: 2026-01-01\n    changes: []\n"
            "  - id: x\n    date: 2026-01-01\n   title: bad indent\n"
        }
    )
    result = run("show", "--events", str(root))
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr  # the first item really lacks its title
    assert lines[0].startswith(f"{root / 'bad.yaml'}:2:5: error: an event is missing 'title'")
    assert lines[1].startswith(f"{root / 'bad.yaml'}:7:4: error: YAML syntax error")


def test_events_from_environment_variable() -> None:
    result = run("timeline", "--format", "json", env={"REORG_EVENTS": str(MINI)})
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["events"]) == 3


def test_missing_events_path() -> None:
    result = run("show", "--events", "/nonexistent/events")
    assert result.exit_code == 1
    assert result.stderr.startswith("reorg: error: /nonexistent/events: no such file")


def test_schema_prints_json() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert isinstance(json.loads(result.stdout), dict)


def test_python_dash_m_works(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reorg_cli", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"reorg {__version__}\n")


def test_closed_pipe_exits_quietly() -> None:
    code = (
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'reorg_cli', 'timeline', '--events', "
        f"{str(MINI)!r}], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "p.stdout.readline(); p.stdout.close(); err = p.stderr.read(); p.wait()\n"
        "print(p.returncode, repr(err))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 b''"
