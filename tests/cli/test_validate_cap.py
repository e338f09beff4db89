"""``reorg validate`` lists at most MAX_PROBLEMS_PER_FILE problems of a file and counts the
rest, in text and in JSON, so a file of a million bad items does not take a million lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.cli.validate import MAX_PROBLEMS_PER_FILE
from tests.conftest import CLI_ENV, MINI


def history_with_bad_items(tmp_path: Path, count: int) -> tuple[Path, Path]:
    events = tmp_path / "events"
    shutil.copytree(MINI, events)
    bad = events / "zz.yaml"
    bad.write_text("events:\n" + "  - 1\n" * count, encoding="utf-8")
    return events, bad


def test_validate_lists_the_first_problems_of_a_file_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    count = MAX_PROBLEMS_PER_FILE + 150
    events, bad = history_with_bad_items(tmp_path, count)
    result = CliRunner().invoke(app, ["validate", str(events)], env=CLI_ENV)
    assert result.exit_code == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    listed = [line for line in lines if line.startswith(f"{bad}:")]
    assert len(listed) == MAX_PROBLEMS_PER_FILE
    assert listed[-1].startswith(f"{bad}:{MAX_PROBLEMS_PER_FILE + 1}:5: error: ")
    assert lines[-2] == (
        f"… and 150 more problems in {bad} (150 errors, 0 warnings): only the first "
        f"{MAX_PROBLEMS_PER_FILE} of a file are listed; fix these first"
    )
    assert lines[-1].endswith(f", {count} errors, 0 warnings")


def test_validate_json_keeps_the_totals_and_says_what_it_left_out(tmp_path: Path) -> None:
    count = MAX_PROBLEMS_PER_FILE + 7
    events, bad = history_with_bad_items(tmp_path, count)
    result = CliRunner().invoke(app, ["validate", str(events), "-f", "json"], env=CLI_ENV)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == count and report["warnings"] == 0
    assert len(report["problems"]) == MAX_PROBLEMS_PER_FILE
    assert report["omitted"] == [{"errors": 7, "path": str(bad), "warnings": 0}]
    clean = CliRunner().invoke(app, ["validate", str(MINI), "-f", "json"], env=CLI_ENV)
    assert clean.exit_code == 0 and json.loads(clean.stdout)["omitted"] == []
