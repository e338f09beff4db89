"""Exports never write "current" for a fact the data only does not end: stale roles and units
carry ``last confirmed`` and a mark, and an export of a date past the data's coverage (or before
it) says so on stderr, never in the file (docs/interop.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.interop.csvexport import COLUMNS, roles_csv
from reorg_cli.interop.graph import dot_graph, mermaid_chart
from reorg_cli.interop.popolo import popolo_document
from tests.conftest import CLI_ENV, WriteEvents, day

#: Ann's CEO role (and Cy's reporting line) is confirmed 60 days before the coverage end; Bo's
#: Head role, Cy's membership, Bo's reporting line and the lab itself only by the founding
#: event, 536 days before it.
EVENTS = """\
dataset:
  coverage_end: 2026-06-30
  stale_after_days: 180
events:
  - id: founding
    date: 2025-01-10
    title: Corp founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Example Corp, kind: company}
      - {type: unit_created, unit: lab, name: Research Lab, kind: lab, parent: corp}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
      - {type: role_assigned, person: cy, unit: lab, title: Member}
      - {type: reporting_line_set, person: bo, reports_to: ann}
      - {type: reporting_line_set, person: cy, reports_to: ann}
  - id: still-ceo
    date: 2026-05-01
    title: Ann Lee still CEO
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: CEO}
      - {type: unit_confirmed, unit: corp}
      - {type: reporting_line_confirmed, person: cy, reports_to: ann}
"""

NOTE_PAST = "reorg: note: events known up to 2026-06-30; later changes are not in this data\n"
NOTE_BEFORE = (
    "reorg: note: events known from 2025-01-10; the organization before that is not in this data\n"
)


@pytest.fixture
def root(write_events: WriteEvents) -> Path:
    return write_events({"events.yaml": EVENTS})


def run(*args: str, today: str = "2030-01-01") -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, "REORG_TODAY": today})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def rows(text: str) -> dict[str, dict[str, str]]:
    return {f"{r['person_id']}/{r['title']}": r for r in csv.DictReader(io.StringIO(text))}


# -- CSV -------------------------------------------------------------------------------------------


def test_csv_stale_role_is_not_current(root: Path) -> None:
    result = run("export", "-f", "csv", "--events", str(root))
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[0].split(",")
    # The columns of the first release keep their positions; the new ones come last.
    assert header[:12] == [
        "person_id",
        "person_name",
        "unit_id",
        "unit_name",
        "title",
        "head",
        "start",
        "end",
        "status",
        "confidence",
        "sources",
        "events",
    ]
    assert header[12:] == ["last_confirmed", "stale", "presence_at"] and tuple(header) == COLUMNS
    by_role = rows(result.stdout)
    assert {k: (r["status"], r["last_confirmed"], r["stale"]) for k, r in by_role.items()} == {
        "ann/CEO": ("current", "2026-05-01", ""),
        "bo/Head": ("stale", "2025-01-10", "yes"),
        "cy/Member": ("stale", "2025-01-10", "yes"),
    }
    assert result.stderr == NOTE_PAST


def test_csv_staleness_is_judged_on_today_inside_the_coverage(root: Path) -> None:
    timeline = load_timeline(root)
    # 180 days after the founding: not yet stale; 181 days after: stale.
    fresh = rows(roles_csv(timeline, today=day("2025-07-09")))
    assert (fresh["bo/Head"]["status"], fresh["bo/Head"]["stale"]) == ("current", "")
    old = rows(roles_csv(timeline, today=day("2025-07-10")))
    assert (old["bo/Head"]["status"], old["bo/Head"]["stale"]) == ("stale", "yes")
    # --at picks the rows, not the day staleness is judged on (that is today, like status).
    at = rows(roles_csv(timeline, today=day("2030-01-01"), at=day("2025-02-01")))
    assert at["bo/Head"]["status"] == "stale"
    longer = rows(roles_csv(timeline, today=day("2030-01-01"), stale_after=600))
    assert longer["bo/Head"]["status"] == "current"


def test_csv_out_file_has_no_note(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "roles.csv"
    result = run("export", "-f", "csv", "--events", str(root), "--out", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", NOTE_PAST)
    text = target.read_text("utf-8")
    assert "note" not in text and rows(text)["bo/Head"]["status"] == "stale"
    inside = run("export", "-f", "csv", "--events", str(root), today="2026-06-30")
    assert inside.stderr == ""


def test_stale_after_option(root: Path) -> None:
    result = run("export", "-f", "csv", "--stale-after", "600", "--events", str(root))
    assert rows(result.stdout)["bo/Head"]["status"] == "current"
    for output in ("timelinejs", "sqlite"):
        refused = run("export", "-f", output, "--stale-after", "9", "--out", "x", "--events", "e")
        assert refused.exit_code == 2 and "--stale-after applies only to" in refused.stderr


# -- Popolo ----------------------------------------------------------------------------------------


def test_popolo_stale_membership_is_not_current(root: Path) -> None:
    result = run("export", "-f", "popolo", "--at", "2026-06-01", "--events", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == NOTE_PAST  # statuses are of today, past the coverage end
    document = json.loads(result.stdout)
    assert document["reorg"]["coverage_end"] == "2026-06-30"
    assert document["reorg"]["stale_after_days"] == 180
    members = {m["id"]: m["reorg"] for m in document["memberships"]}
    assert {k: (v["status"], v["last_confirmed"], v["stale"]) for k, v in members.items()} == {
        "corp/ceo/ann": ("current", "2026-05-01", False),
        "lab/head/bo": ("stale", "2025-01-10", True),
        "lab/member/cy": ("stale", "2025-01-10", True),
    }
    lines = {
        p["id"]: [(r["last_confirmed"], r["stale"]) for r in p["reorg"]["reporting_lines"]]
        for p in document["persons"]
        if "reorg" in p
    }
    assert lines == {"bo": [("2025-01-10", True)], "cy": [("2026-05-01", False)]}
    units = {o["id"]: o["reorg"] for o in document["organizations"]}
    assert {k: (v["last_confirmed"], v["stale"]) for k, v in units.items()} == {
        "corp": ("2026-05-01", False),
        "lab": ("2025-01-10", True),
    }


def test_popolo_organizations_are_judged_on_the_at_date(root: Path) -> None:
    timeline = load_timeline(root)
    document = popolo_document(timeline, day("2025-03-01"), today=day("2025-03-01"))
    assert [o["reorg"]["stale"] for o in document["organizations"]] == [False, False]
    assert all(m["reorg"]["status"] == "current" for m in document["memberships"])
    later = popolo_document(timeline, day("2030-01-01"), today=day("2025-03-01"))
    assert [o["reorg"]["stale"] for o in later["organizations"]] == [False, True]
    assert all(m["reorg"]["status"] == "current" for m in later["memberships"])


# -- Mermaid and DOT -------------------------------------------------------------------------------


def test_mermaid_marks_stale_roles_and_units(root: Path) -> None:
    result = run("export", "-f", "mermaid", "--events", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == NOTE_PAST
    assert result.stdout == (
        "---\n"
        "title: Organization on 2030-01-01 (events known up to 2026-06-30)\n"
        "---\n"
        "flowchart TD\n"
        '    u_corp["Example Corp<br/>company<br/>CEO: Ann Lee"]\n'
        '    u_lab["Research Lab<br/>lab, last confirmed 2025-01-10 [?]<br/>'
        "Head: Bo Chen, last confirmed 2025-01-10 [?]<br/>"
        'Member: Cy Wu, last confirmed 2025-01-10 [?]"]\n'
        "    u_corp --> u_lab\n"
        "    classDef committee fill:#fff4d6,stroke:#b7791f\n"
        "    classDef uncertain stroke-dasharray:5 4\n"
        "    %% [~] may or may not hold on this date (the change's date is imprecise)\n"
        "    %% [R] reported: a single outlet or unconfirmed\n"
        "    %% [U] uncertain: sources conflict or are weak\n"
        "    %% [?] stale: no source confirms it within the staleness threshold "
        "(--stale-after) of this date or of the data's coverage end; it may no longer hold\n"
    )


def test_dot_marks_stale_roles_and_units(root: Path) -> None:
    result = run("export", "-f", "dot", "--events", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == NOTE_PAST
    lines = result.stdout.splitlines()
    assert lines[1] == (
        '    graph [label="Organization on 2030-01-01 (events known up to 2026-06-30)", '
        "labelloc=t, rankdir=TB, fontname=Helvetica];"
    )
    assert '    "corp" [label="Example Corp\\ncompany\\nCEO: Ann Lee"];' in lines
    assert (
        '    "lab" [label="Research Lab\\nlab, last confirmed 2025-01-10 [?]\\n'
        "Head: Bo Chen, last confirmed 2025-01-10 [?]\\n"
        'Member: Cy Wu, last confirmed 2025-01-10 [?]"];'
    ) in lines
    assert lines[-2].startswith("    // [?] stale: ") and lines[-1] == "}"


def test_pictures_inside_the_coverage_have_no_note(root: Path) -> None:
    timeline = load_timeline(root)
    state = timeline.state_at(day("2025-06-01"))
    assert "[?]" not in mermaid_chart(state).replace("%% [?]", "")
    assert "title: Organization on 2025-06-01\n" in mermaid_chart(state)
    assert 'label="Organization on 2025-06-01"' in dot_graph(state)
    for output in ("mermaid", "dot"):
        result = run("export", "-f", output, "--at", "2025-06-01", "--events", str(root))
        assert (result.exit_code, result.stderr) == (0, "")


def test_export_before_the_first_event_says_so(root: Path) -> None:
    for output in ("mermaid", "dot", "timelinejs"):
        result = run(
            "export", "-f", output, "--at", "2024-01-01", "--events", str(root), today="2026-06-01"
        )
        assert (result.exit_code, result.stderr) == (0, NOTE_BEFORE), output
        assert "note" not in result.stdout
    # Popolo: both the --at date (before) and today (past) are out of the data: two lines.
    both = run("export", "-f", "popolo", "--at", "2024-01-01", "--events", str(root))
    assert both.stderr == NOTE_BEFORE + NOTE_PAST


def test_a_role_whose_end_no_source_states_is_ended_not_stale(write_events: WriteEvents) -> None:
    """An uncertain end does not keep a fact from being stale while it goes on (Fact.stale_on),
    but once it is past the fact has ended: the exports call it ended, not stale."""
    ended = EVENTS + (
        "  - id: bo-leaves\n    date: 2026-06-01\n    title: Bo leaves\n"
        "    confidence: uncertain\n    sources: [s1]\n    changes:\n"
        "      - {type: role_ended, person: bo, unit: lab, title: Head}\n"
        "      - {type: reporting_line_cleared, person: bo}\n"
    )
    timeline = load_timeline(write_events({"events.yaml": ended}))
    bo = rows(roles_csv(timeline, today=day("2030-01-01")))["bo/Head"]
    assert (bo["status"], bo["stale"]) == ("ended", "")
    document = popolo_document(timeline, day=day("2030-01-01"), today=day("2030-01-01"))
    lines = [
        line
        for person in document["persons"]
        if person["id"] == "bo"
        for line in person.get("reorg", {}).get("reporting_lines", [])
    ]
    assert lines and all(line["stale"] is False for line in lines)
