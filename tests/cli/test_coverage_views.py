"""The coverage line on stderr (never stdout) for every command that shows roles or events,
and the staleness fields of ``people``/``units --at`` and ``blame`` through the command line
(docs/event-format.md, "Coverage" and "Stale")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, WriteEvents
from tests.output.test_staleness_views import HISTORY

PAST = "reorg: note: events known up to 2024-12-31; later changes are not in this data\n"
BEFORE = (
    "reorg: note: events known from 2024-01-01; the organization before that is not in this data\n"
)
INSIDE_TODAY = "2024-12-31"  # the coverage end itself: inside the data
PAST_TODAY = "2025-01-01"


@pytest.fixture
def events(write_events: WriteEvents) -> Path:
    return write_events(
        {"history.yaml": HISTORY, "dataset.yaml": "dataset:\n  coverage_end: 2024-12-31\n"}
    )


def run(events: Path, today: str, *args: str) -> Result:
    env = {**CLI_ENV, "REORG_TODAY": today}
    result = CliRunner().invoke(app, [*args, "--events", str(events)], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    return result


#: Commands without a date asked about: the line when today is past the coverage end.
TODAY_COMMANDS = [
    ["history", "bo"],
    ["history", "bo", "--format", "json"],
    ["unit", "lab"],
    ["unit", "lab", "--format", "json"],
    ["when", "Bo Chen reports to Ann Lee"],
    ["when", "Bo Chen reports to Ann Lee", "--format", "json"],
    ["blame", "bo"],
    ["blame", "bo", "--format", "json"],
]


@pytest.mark.parametrize("args", TODAY_COMMANDS, ids=" ".join)
def test_today_past_the_coverage_end_puts_the_line_on_stderr(events: Path, args: list[str]) -> None:
    inside = run(events, INSIDE_TODAY, *args)
    assert inside.stderr == ""
    past = run(events, PAST_TODAY, *args)
    assert past.stderr == PAST
    assert "reorg: note" not in past.stdout
    # Stdout keeps its form: the same answer whichever side of the coverage end today is.
    assert past.stdout == inside.stdout


def test_no_line_when_nothing_shown_is_open(events: Path, write_events: WriteEvents) -> None:
    # Cy holds no role: nothing reads "current" or "no end recorded", so nothing to warn about.
    assert run(events, PAST_TODAY, "history", "cy").stderr == ""
    never = run(events, PAST_TODAY, "when", "Cy Wu reports to Ann Lee")
    assert (never.stdout.splitlines()[-1], never.stderr) == ("never", "")


#: Commands with dates asked about: the line when a date given is outside the data.
DATED = [
    (["people", "--at", "2030-01-01"], PAST),
    (["people", "--at", "2030-01-01", "--format", "json"], PAST),
    (["people", "--at", "2023-06-01"], BEFORE),
    (["units", "--at", "2030-01-01"], PAST),
    (["units", "--at", "2023-06-01", "--format", "json"], BEFORE),
    (["blame", "bo", "--at", "2030-01-01"], PAST),
    (["blame", "corp", "--at", "2030-01-01", "--format", "json"], PAST),
    (["log", "--until", "2030-01-01"], PAST),
    (["log", "--since", "2030-01-01", "--format", "json"], PAST),
    (["log", "--since", "2023-01-01", "--oneline"], BEFORE),
    (["timeline", "--since", "2024-06-01", "--until", "2030"], PAST),
    (["timeline", "--until", "2023-12-31"], BEFORE),
]


@pytest.mark.parametrize(("args", "note"), DATED, ids=[" ".join(args) for args, _ in DATED])
def test_a_date_outside_the_data_puts_the_line_on_stderr(
    events: Path, args: list[str], note: str
) -> None:
    # Today inside the data: only the date asked about can bring the line.
    result = run(events, INSIDE_TODAY, *args)
    assert result.stderr == note
    assert "reorg: note" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["people", "--at", "2024-12-31"],
        ["units", "--at", "2024-01-01"],
        ["blame", "bo", "--at", "2024-06-01"],
        ["log", "--since", "2024-01-01", "--until", "2024-12-31"],
        ["log"],
        ["timeline"],
        ["people"],
    ],
    ids=" ".join,
)
def test_dates_inside_the_data_or_none_given_bring_no_line(events: Path, args: list[str]) -> None:
    # Today is past the coverage end, but these commands answer about the dates given (or list
    # what the data has): nothing in them reads as holding today.
    assert run(events, PAST_TODAY, *args).stderr == ""


def test_publish_range_past_the_coverage_end(events: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = run(events, INSIDE_TODAY, "publish", "--out", str(out), "--to", "2030")
    assert (result.stderr, result.stdout) == (PAST, "")
    inside = run(events, PAST_TODAY, "publish", "--out", str(out), "--to", "2024-12", "--force")
    assert inside.stderr == ""


def test_people_at_text_and_json_through_the_cli(events: Path) -> None:
    text = run(events, PAST_TODAY, "people", "--at", "today").stdout
    assert "Ann Lee  ann  CEO, Corp, last confirmed 2024-01-01 [?]\n" in text
    assert "Bo Chen  bo   Head, Lab\n" in text
    data = json.loads(run(events, PAST_TODAY, "people", "--at", "today", "-f", "json").stdout)
    assert (data["coverage_end"], data["stale_after_days"]) == ("2024-12-31", 180)
    assert [r["stale"] for p in data["people"] for r in p["roles"]] == [True, False]
    longer = run(events, PAST_TODAY, "people", "--at", "today", "--stale-after", "400")
    assert "[?]" not in longer.stdout
    units = json.loads(run(events, PAST_TODAY, "units", "--at", "today", "-f", "json").stdout)
    assert [(u["id"], u["stale"]) for u in units["units"]] == [("corp", True), ("lab", False)]


def test_blame_text_and_json_through_the_cli(events: Path) -> None:
    text = run(events, PAST_TODAY, "blame", "bo").stdout
    assert (
        "Bo Chen reports to Ann Lee\n  since 2024-01-01, not confirmed since [?]; confirmed\n"
        in (text)
    )
    assert "Bo Chen — Head, Lab\n  since 2024-01-01; confirmed\n" in text
    data = json.loads(run(events, PAST_TODAY, "blame", "bo", "-f", "json").stdout)
    assert (data["coverage_end"], data["stale_after_days"]) == ("2024-12-31", 180)
    assert [(f["stale"], f["last_confirmed"], f["confirmed_by"]) for f in data["facts"]] == [
        (True, "2024-01-01", []),
        (False, "2024-12-01", ["bo-confirmed"]),
    ]
    shorter = json.loads(
        run(events, PAST_TODAY, "blame", "bo", "-f", "json", "--stale-after", "29").stdout
    )
    assert [f["stale"] for f in shorter["facts"]] == [True, True]
