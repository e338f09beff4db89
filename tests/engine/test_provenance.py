"""Provenance and uncertainty: --why, --min-confidence, sources, corrections."""

from __future__ import annotations

import json
import re
from typing import Any

from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, MINI, WriteEvents


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, "COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def confidences(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "confidence" and isinstance(value, str):
                found.add(value)
            elif key != "events":  # the events map describes events, not facts
                found |= confidences(value)
    elif isinstance(data, list):
        for item in data:
            found |= confidences(item)
    return found


def test_why_shows_the_committee_event_and_its_sources() -> None:
    result = run("show", "--at", "2026-04-09", "--why")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    evidence = lines.index("Evidence")
    notes = {}
    for line in lines[evidence + 1 :]:
        match = re.match(r"\[(\d+)\] (\S+)", line)
        if match:
            current = match.group(1)
            notes[current] = [line]
        elif line.startswith("    "):
            notes[current].append(line)
    committee = [line for line in lines if "Group Technology Committee (committee)" in line]
    members = [
        line
        for line in lines
        if re.search(
            r"(Chair: Wu Yongming|Chief AI Architect: Zhou Jingren|"
            r"Member: Li Feifei|Member: Wu Zeming) since 2026-04-08",
            line,
        )
    ]
    assert len(committee) == 1 and len(members) == 4
    for line in committee + members:
        refs = re.findall(r"\[([\d,]+)\]\s*$", line)
        assert refs, line
        texts = ["\n".join(notes[n]) for n in refs[0].split(",")]
        assert any("2026-04-08" in t and "https://" in t for t in texts), (line, texts)


def test_json_carries_events_and_sources_for_every_fact() -> None:
    result = run("show", "--at", "2026-04-09", "--format", "json")
    data = json.loads(result.stdout)
    for unit in data["units"]:
        for fact in [unit, *unit["roles"], *unit["vacancies"]]:
            assert fact["events"] and all(e in data["events"] for e in fact["events"])
    for event in data["events"].values():
        assert event["sources"] and event["sources"][0]["url"].startswith("http")


def test_min_confidence_filters_every_fact() -> None:
    full = json.loads(run("show", "--at", "2026-04-09", "--format", "json").stdout)
    confirmed = json.loads(
        run(
            "show", "--at", "2026-04-09", "--min-confidence", "confirmed", "--format", "json"
        ).stdout
    )
    assert confidences(full) > {"confirmed"}
    assert confidences(confirmed) == {"confirmed"}
    history = json.loads(
        run("history", "Wu Zeming", "--min-confidence", "confirmed", "--format", "json").stdout
    )
    assert confidences(history["roles"]) == {"confirmed"}
    timeline = json.loads(
        run("timeline", "--min-confidence", "reported", "--format", "json").stdout
    )
    assert {e["confidence"] for e in timeline["events"]} <= {"confirmed", "reported"}


def test_marks_and_legend_are_visible_without_colour() -> None:
    result = run("show", "--at", "2026-04-09")
    assert "[R]" in result.stdout
    assert "[R] reported: a single outlet or unconfirmed" in result.stdout


def test_unknown_end_reads_as_ended_date_unknown() -> None:
    result = run("history", "Wu Zeming")
    assert "ended (date unknown" in result.stdout


def test_sources_lists_support_and_single_reported_facts() -> None:
    data = json.loads(run("sources", "--format", "json").stdout)
    assert data["sources"][0]["facts"] >= data["sources"][-1]["facts"]
    assert all({"url", "facts", "events"} <= set(s) for s in data["sources"])
    single = json.loads(run("sources", "--single-reported", "--format", "json").stdout)
    assert single["facts"]
    for fact in single["facts"]:
        assert len(fact["sources"]) == 1 and fact["confidence"] != "confirmed"


def test_corrections_show_both_beliefs(write_events: WriteEvents) -> None:
    base = (
        "events:\n"
        "  - {id: base, date: 2024-01-01, title: Founded, confidence: confirmed, sources: [s1],"
        " changes: [{type: unit_created, unit: corp, name: Corp, kind: company}]}\n"
        "  - {id: early, date: 2024-02-01, title: Bo appointed, confidence: reported,"
        " sources: [s1], changes: [{type: role_assigned, person: bo, unit: corp, title: CTO}]}\n"
        "  - {id: fixed, date: 2024-03-01, title: Bo appointed (corrected date),"
        " confidence: confirmed, corrects: early, sources: [{url: 'https://example.com/fix'}],"
        " changes: [{type: role_assigned, person: bo, unit: corp, title: CTO}]}\n"
    )
    root = write_events({"events.yaml": base})
    timeline = run("timeline", "--events", str(root))
    assert "(corrected by fixed)" in timeline.stdout
    assert "(corrects early)" in timeline.stdout
    why = run("show", "--events", str(root), "--at", "2024-03-01", "--why")
    assert "CTO: Bo Chen since 2024-03-01" in why.stdout
    assert "corrects, and replaces in the replay:" in why.stdout
    assert "https://example.com/fix" in why.stdout and "https://example.com/1" in why.stdout
    feb = json.loads(
        run("show", "--events", str(root), "--at", "2024-02-15", "--format", "json").stdout
    )
    assert feb["units"][0]["roles"] == []


def test_event_command_shows_one_event() -> None:
    result = run("event", "committee", "--events", str(MINI))
    assert result.exit_code == 0
    assert "Committee formed" in result.stdout and "https://example.com/memo" in result.stdout
    data = json.loads(run("event", "committee", "--events", str(MINI), "--format", "json").stdout)
    assert data["event"]["changes"][0]["type"] == "unit_created"
    missing = run("event", "comittee", "--events", str(MINI))
    assert missing.exit_code == 1 and "did you mean committee?" in missing.stderr


def test_min_confidence_cites_only_events_at_that_confidence() -> None:
    # A weaker end left out by the filter is not cited either.
    data = json.loads(
        run(
            "show", "--at", "2026-04-09", "--min-confidence", "confirmed", "--format", "json"
        ).stdout
    )
    assert {e["confidence"] for e in data["events"].values()} == {"confirmed"}
