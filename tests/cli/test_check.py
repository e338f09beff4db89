"""``reorg check``, the coverage note and the staleness fields through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, WriteEvents

HISTORY = """\
events:
  - id: founding
    date: 2024-01-01
    title: Founding
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
  - id: ann-confirmed
    date: 2024-06-01
    title: Ann still CEO
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: CEO}
"""
NOTE = "reorg: note: events known up to 2024-12-31; later changes are not in this data\n"


@pytest.fixture
def events(write_events: WriteEvents) -> Path:
    return write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2024-12-31\n"}
    )


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_a_query_past_the_coverage_end_says_so_on_stderr(events: Path) -> None:
    inside = run("show", "--at", "2024-12-31", "--events", str(events))
    assert (inside.exit_code, inside.stderr) == (0, "")
    past = run("show", "--at", "2030-01-01", "--events", str(events))
    assert (past.exit_code, past.stderr) == (0, NOTE)
    # Stdout keeps its form: the same tree, dated as asked.
    assert past.stdout.replace("2030-01-01", "2024-12-31") == inside.stdout
    before = run("show", "--at", "2023-06-01", "--events", str(events))
    assert before.stderr == (
        "reorg: note: events known from 2024-01-01; the organization before that is not in "
        "this data\n"
    )


def test_show_json_carries_coverage_end_and_staleness(events: Path) -> None:
    result = run("show", "--at", "2030-01-01", "--format", "json", "--events", str(events))
    assert (result.exit_code, result.stderr) == (0, NOTE)
    data = json.loads(result.stdout)
    assert (data["coverage_end"], data["stale_after_days"]) == ("2024-12-31", 180)
    (unit,) = data["units"]
    (role,) = unit["roles"]
    # Confirmed on 2024-06-01; the coverage end is 213 days later.
    assert (role["last_confirmed"], role["stale"], role["confirmed_by"]) == (
        "2024-06-01",
        True,
        ["ann-confirmed"],
    )
    assert "ann-confirmed" in data["events"]
    longer = run(
        "show", "--at", "2030", "-f", "json", "--stale-after", "213", "--events", str(events)
    )
    assert json.loads(longer.stdout)["units"][0]["roles"][0]["stale"] is False


def test_history_reads_last_confirmed_and_its_json_says_stale(events: Path) -> None:
    table = run("history", "ann", "--events", str(events))
    assert "last confirmed 2024-06-01 [?]" in table.stdout and "current" not in table.stdout
    fresh = run("history", "ann", "--stale-after", "213", "--events", str(events))
    assert "current" in fresh.stdout
    data = json.loads(run("history", "ann", "-f", "json", "--events", str(events)).stdout)
    (role,) = data["roles"]
    assert (role["status"], role["last_confirmed"], role["stale"]) == ("stale", "2024-06-01", True)
    assert data["coverage_end"] == "2024-12-31"


def test_check_exits_0_with_findings_and_1_with_strict(events: Path) -> None:
    report = run("check", "--events", str(events))
    assert report.exit_code == 0 and report.stderr == ""
    assert "history.yaml:10: stale: Ann Lee — CEO, Corp: last confirmed 2024-06-01" in (
        report.stdout
    )
    assert "fix: add a role_confirmed change" in report.stdout
    assert run("check", "--strict", "--events", str(events)).exit_code == 1
    data = json.loads(run("check", "-f", "json", "--events", str(events)).stdout)
    assert data["counts"]["stale"] == 2 and data["coverage_end"] == "2024-12-31"
    first = data["findings"][0]
    assert (Path(first["path"]).name, first["line"], first["check"]) == (
        "history.yaml",
        10,
        "stale",
    )
    longer = run("check", "-f", "json", "--stale-after", "365", "--events", str(events))
    counts = json.loads(longer.stdout)["counts"]
    # Nothing is stale within a year; Bo and Cy (people.yaml) still hold no role at all.
    assert (counts["stale"], counts["no_role"], sum(counts.values())) == (0, 2, 2)


def test_check_on_the_bundled_data_runs() -> None:
    result = run("check", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["coverage_end"] == "2026-06-17"
    assert all(f["path"] and f["fix"] for f in data["findings"])
