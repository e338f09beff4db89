"""``export --format sqlite`` and the five questions of docs/sqlite.md, run on the bundled data."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.events.model import Confidence
from reorg_cli.events.paths import default_events_path
from tests.conftest import CLI_ENV, MINI

DOC = Path(__file__).parents[2] / "docs" / "sqlite.md"


def questions() -> dict[int, str]:
    """The SQL of each numbered question in docs/sqlite.md."""
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    found = {}
    for block in blocks:
        match = re.match(r"-- question (\d)\n", block)
        if match:
            found[int(match.group(1))] = block
    assert sorted(found) == [1, 2, 3, 4, 5]
    return found


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    out = tmp_path_factory.mktemp("export") / "alibaba.sqlite"
    result = CliRunner().invoke(
        app, ["export", "--format", "sqlite", "--out", str(out)], env=CLI_ENV
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    return sqlite3.connect(out)


@pytest.fixture(scope="module")
def bundled() -> Timeline:
    return load_timeline(default_events_path())


def test_who_held_what_on_a_date(exported: sqlite3.Connection, bundled: Timeline) -> None:
    rows = exported.execute(questions()[1]).fetchall()
    assert (
        "Zhou Jingren",
        "Chief AI Architect",
        "Group Technology Committee",
        "2026-04-08",
        "confirmed",
        1,
    ) in rows
    state = bundled.state_at(parse_query_date("2026-04-09").day)
    assert sorted((r[0], r[1]) for r in rows) == sorted(
        (r.person_name, r.title) for r in state.roles
    )


def test_every_change_to_one_unit(exported: sqlite3.Connection, bundled: Timeline) -> None:
    rows = exported.execute(questions()[2]).fetchall()
    history = bundled.unit_history("tongyi-lab")
    assert {r[4] for r in rows} >= {e for c in history.changes for e in c.events}
    assert ("2022", 738156, "role began", "Zhou Jingren: Head", "baseline-2022-tongyi-lab") in rows


def test_people_with_concurrent_roles(exported: sqlite3.Connection) -> None:
    rows = dict(exported.execute(questions()[3]).fetchall())
    assert rows["Zhou Jingren"] >= 2
    # Two roles of his that are both open now overlap.
    both = exported.execute(
        "SELECT count(*) FROM roles WHERE person = 'zhou-jingren' AND \"end\" IS NULL "
        "AND unit IN ('tech-committee', 'foundation-model-support-group')"
    ).fetchone()
    assert both == (2,)


def test_facts_on_one_reported_source(exported: sqlite3.Connection, bundled: Timeline) -> None:
    rows = exported.execute(questions()[4]).fetchall()
    expected = [f for f in bundled.single_reported_facts() if f.confidence is Confidence.REPORTED]
    assert len(rows) == len(expected) > 0
    assert sorted(r[7] for r in rows) == sorted(f.sources[0].url for f in expected)


def test_units_per_year(exported: sqlite3.Connection, bundled: Timeline) -> None:
    rows = exported.execute(questions()[5]).fetchall()
    assert rows[0][0] <= 2022
    for year, count in rows:
        state = bundled.state_at(parse_query_date(f"{year}-12-31").day)
        assert count == len(state.units), year


def test_the_views_read_naturally(exported: sqlite3.Connection) -> None:
    for view in ("roles", "units", "reporting_lines", "events", "sources", "unit_facts"):
        assert exported.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0
    row = exported.execute(
        "SELECT start, start_first_day, start_last_day, confidence, event FROM roles "
        "WHERE person = 'zhou-jingren' AND unit = 'tech-committee'"
    ).fetchone()
    assert row == (
        "2026-04-08",
        "2026-04-08",
        "2026-04-08",
        "confirmed",
        "2026-04-08-technology-committee",
    )
    partial = exported.execute(
        "SELECT start, start_first_day, start_last_day FROM roles WHERE start = '2023-11' LIMIT 1"
    ).fetchone()
    assert partial == ("2023-11", "2023-11-01", "2023-11-30")
    meta = dict(exported.execute("SELECT key, value FROM meta").fetchall())
    assert "fingerprint" not in meta and "code" not in meta  # nothing about this machine


def test_confirmations_and_settings_are_in_the_export(exported: sqlite3.Connection) -> None:
    row = exported.execute(
        "SELECT start, last_confirmed, last_confirmed_lo, confirmed_by FROM roles "
        "WHERE person = 'wan-lin' AND unit = 'cainiao' AND title = 'CEO'"
    ).fetchone()
    assert row[1] == "2025-05-04"
    assert row[2] == parse_query_date("2025-05-04").day
    assert json.loads(row[3]) == ["confirm-2025-01-cainiao-aidc", "confirm-2025-05-04-cainiao-ceo"]
    unconfirmed = exported.execute(
        "SELECT start, last_confirmed, confirmed_by FROM roles "
        "WHERE person = 'zhou-jingren' AND unit = 'tech-committee'"
    ).fetchone()
    assert unconfirmed == ("2026-04-08", "2026-04-08", None)  # its start is its confirmation
    settings = exported.execute(
        "SELECT coverage_end, stale_after_days, first_event, last_event FROM dataset_settings"
    ).fetchall()
    assert len(settings) == 1
    coverage_end, stale_after_days, first_event, last_event = settings[0]
    assert (coverage_end, stale_after_days) == ("2026-06-17", None)
    assert first_event is not None and last_event is not None and first_event < last_event


def test_export_sqlite_needs_out_and_never_clobbers(tmp_path: Path) -> None:
    base = ["export", "--format", "sqlite", "--events", str(MINI)]
    result = CliRunner().invoke(app, base, env=CLI_ENV)
    assert result.exit_code == 2 and "--out" in result.stderr and result.stdout == ""
    out = tmp_path / "x.sqlite"
    out.write_text("keep me")
    result = CliRunner().invoke(app, [*base, "--out", str(out)], env=CLI_ENV)
    assert result.exit_code == 1 and "file exists" in result.stderr
    assert out.read_text() == "keep me"
    result = CliRunner().invoke(app, [*base, "--out", str(out), "--force"], env=CLI_ENV)
    assert result.exit_code == 0
    with sqlite3.connect(out) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    db.close()
    assert not [p for p in tmp_path.iterdir() if p.name != "x.sqlite"]  # no temporary left
