"""Exports to Mermaid, DOT, CSV and TimelineJS, and the export command's output options."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.interop.csvexport import roles_csv
from reorg_cli.interop.graph import dot_graph, dot_string, mermaid_chart, mermaid_text
from reorg_cli.interop.timelinejs import timelinejs_document
from tests.conftest import CLI_ENV, MINI, TODAY, WriteEvents, day

HAS_DOT = shutil.which("dot") is not None


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_mermaid_chart_of_the_mini_org(mini: Timeline) -> None:
    assert (
        mermaid_chart(mini.state_at(day("2025-03-10")))
        == """\
---
title: Organization on 2025-03-10
---
flowchart TD
    u_corp["Example Corp<br/>company<br/>CEO: Ann Lee"]
    u_lab["Research Lab<br/>lab [~] [R]<br/>Head: Bo Chen<br/>CTO: Cy Wu [~] [R]"]
    u_corp --> u_lab
    classDef committee fill:#fff4d6,stroke:#b7791f
    classDef uncertain stroke-dasharray:5 4
    class u_lab uncertain
    %% [~] may or may not hold on this date (the change's date is imprecise)
    %% [R] reported: a single outlet or unconfirmed
    %% [U] uncertain: sources conflict or are weak
    %% [?] stale: no source confirms it within the staleness threshold (--stale-after) \
of this date or of the data's coverage end; it may no longer hold
"""
    )


def test_committees_are_hexagons_with_their_own_class(mini: Timeline) -> None:
    chart = mermaid_chart(mini.state_at(day("2025-06-30")))
    assert (
        '    u_comm{{"Tech Committee<br/>committee<br/>Chair: Ann Lee<br/>Member: Bo Chen"}}'
        in chart
    )
    assert "    u_corp -.-> u_comm\n" in chart
    assert "    class u_comm committee\n" in chart
    dot = dot_graph(mini.state_at(day("2025-06-30")))
    assert (
        '"comm" [label="Tech Committee\\ncommittee\\nChair: Ann Lee\\nMember: Bo Chen", '
        "shape=hexagon" in dot
    )


def test_dot_graph_of_the_mini_org(mini: Timeline) -> None:
    assert (
        dot_graph(mini.state_at(day("2025-06-30")))
        == """\
digraph organization {
    graph [label="Organization on 2025-06-30", labelloc=t, rankdir=TB, fontname=Helvetica];
    node [shape=box, style="rounded", fontname=Helvetica];
    edge [arrowhead=none];
    "corp" [label="Example Corp\\ncompany\\nCEO: Ann Lee"];
    "lab" [label="AI Business Unit\\nbusiness unit [R]\\nCTO: Cy Wu [R]\\nHead: holder unknown"];
    "comm" [label="Tech Committee\\ncommittee\\nChair: Ann Lee\\nMember: Bo Chen", \
shape=hexagon, fillcolor="#fff4d6", style="filled"];
    "corp" -> "lab";
    "corp" -> "comm";
    // [~] may or may not hold on this date (the change's date is imprecise)
    // [R] reported: a single outlet or unconfirmed
    // [U] uncertain: sources conflict or are weak
    // [?] stale: no source confirms it within the staleness threshold (--stale-after) \
of this date or of the data's coverage end; it may no longer hold
}
"""
    )


def test_labels_are_escaped() -> None:
    assert mermaid_text('A "B" <C> & #1 `x`') == "A #quot;B#quot; #lt;C#gt; #amp; #35;1 #96;x#96;"
    assert dot_string('say "hi" \\ bye') == '"say \\"hi\\" \\\\ bye"'


TRICKY_PEOPLE = """\
people:
  - {id: q, name: 'Quote "Q" <b>#1</b> \\ back'}
"""
TRICKY = """\
events:
  - id: e1
    date: 2024-01-01
    title: T
    confidence: confirmed
    sources: [{url: "file:evil.html", publisher: "<script>"}]
    changes:
      - {type: unit_created, unit: end, name: 'Team "A" [x] {y} & <z>', kind: board}
      - {type: role_assigned, person: q, unit: end, title: 'Head; "of" -->', head: true}
"""


def test_tricky_names_survive_every_format(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"e.yaml": TRICKY}, people=TRICKY_PEOPLE))
    state = timeline.state_at(day("2024-01-01"))
    chart = mermaid_chart(state)
    assert (
        '    u_end{{"Team #quot;A#quot; [x] {y} #amp; #lt;z#gt;<br/>board<br/>'
        'Head; #quot;of#quot; --#gt;: Quote #quot;Q#quot; #lt;b#gt;#35;1#lt;/b#gt; \\ back"}}'
    ) in chart
    dot = dot_graph(state)
    assert (
        '"end" [label="Team \\"A\\" [x] {y} & <z>\\nboard\\n'
        'Head; \\"of\\" -->: Quote \\"Q\\" <b>#1</b> \\\\ back"' in dot
    )
    slide = timelinejs_document(timeline)["events"][0]
    assert "&lt;script&gt;" in slide["text"]["text"]
    # javascript: URLs are refused when the file is read; file: ones never become links.
    assert "href" not in slide["text"]["text"].split("Sources:")[1]
    assert "<a " not in slide["text"]["text"]
    assert "Quote &quot;Q&quot; &lt;b&gt;#1&lt;/b&gt;" in slide["text"]["text"]


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz (dot) is not installed")
@pytest.mark.parametrize("events", ["mini", "bundled"])
def test_dot_output_is_drawn_by_graphviz(
    events: str, tmp_path: Path, write_events: WriteEvents
) -> None:
    args = ["export", "--format", "dot", "--at", "2026-04-09"]
    if events == "mini":
        args += ["--events", str(MINI)]
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    drawn = subprocess.run(
        ["dot", "-Tsvg"], input=result.stdout.encode(), capture_output=True, check=False, timeout=60
    )
    assert drawn.returncode == 0, drawn.stderr.decode()
    assert drawn.stdout.startswith(b"<?xml") and b"<svg" in drawn.stdout
    tricky = dot_graph(
        load_timeline(write_events({"e.yaml": TRICKY}, people=TRICKY_PEOPLE)).state_at(
            day("2024-06")
        )
    )
    drawn = subprocess.run(
        ["dot", "-Tsvg"], input=tricky.encode(), capture_output=True, check=False, timeout=60
    )
    assert drawn.returncode == 0, drawn.stderr.decode()
    assert b"Team &quot;A&quot; [x] {y} &amp; &lt;z&gt;" in drawn.stdout


def test_csv_has_one_row_per_role(mini: Timeline) -> None:
    assert (
        roles_csv(mini, today=TODAY)
        == """\
person_id,person_name,unit_id,unit_name,title,head,start,end,status,confidence,sources,events,\
last_confirmed,stale,presence_at
ann,Ann Lee,corp,Example Corp,CEO,yes,2024-01-15,,current,confirmed,https://example.com/memo,\
founding,2024-01-15,,
bo,Bo Chen,lab,Research Lab,Head,yes,2024-01-15,2025-06-01,ended,confirmed,\
https://example.com/memo,founding committee,2024-01-15,,
cy,Cy Wu,lab,AI Business Unit,CTO,,2025-03,,current,reported,https://example.com/news,lab-upgrade,\
2025-03,,
ann,Ann Lee,comm,Tech Committee,Chair,yes,2025-06-01,,current,confirmed,https://example.com/memo,\
committee,2025-06-01,,
bo,Bo Chen,comm,Tech Committee,Member,,2025-06-01,,current,confirmed,https://example.com/memo,\
committee,2025-06-01,,
"""
    )
    assert roles_csv(mini, at=day("2024-12-31"), today=TODAY).splitlines()[1:] == [
        "ann,Ann Lee,corp,Example Corp,CEO,yes,2024-01-15,,current,confirmed,"
        "https://example.com/memo,founding,2024-01-15,,present",
        "bo,Bo Chen,lab,Research Lab,Head,yes,2024-01-15,2025-06-01,ended,confirmed,"
        "https://example.com/memo,founding committee,2024-01-15,,present",
    ]


def test_csv_at_leaves_out_roles_in_units_that_do_not_exist_then(
    write_events: WriteEvents,
) -> None:
    """A role started 'by 2025-12' may hold on 2025-01-01, but its unit was only created on
    2025-06-01: on that day `show --at` lists no such role, and neither does the CSV. A role
    that may or may not hold is marked `uncertain` in presence_at."""
    events = """\
        events:
          - id: corp
            date: 2024-01-01
            title: T
            confidence: confirmed
            sources: [{url: "https://example.com/a"}]
            changes:
              - {type: unit_created, unit: corp, name: Corp, kind: company}
          - id: team
            date: 2025-06-01
            title: T
            confidence: confirmed
            sources: [{url: "https://example.com/b"}]
            changes:
              - {type: unit_created, unit: team, name: Team, kind: team, parent: corp}
          - id: head
            date: by 2025-12
            title: T
            confidence: confirmed
            sources: [{url: "https://example.com/c"}]
            changes:
              - {type: role_assigned, person: ann, unit: team, title: Head}
              - {type: role_assigned, person: bo, unit: corp, title: CEO}
        """
    timeline = load_timeline(write_events({"e.yaml": events}))
    before = roles_csv(timeline, at=day("2025-01-01"), today=TODAY).splitlines()
    assert [row.split(",")[:3] for row in before[1:]] == [["bo", "Bo Chen", "corp"]]
    assert before[1].endswith(",uncertain")
    after = roles_csv(timeline, at=day("2026-01-01"), today=TODAY).splitlines()
    assert [row.split(",")[0] for row in after[1:]] == ["ann", "bo"]
    assert all(row.endswith(",present") for row in after[1:])


def test_timelinejs_slides(mini: Timeline) -> None:
    document = timelinejs_document(mini)
    assert document["title"]["text"]["text"] == (
        "<p>3 events, 2024-01-15 to 2025-06-01. Exported by reorg.</p>"
    )
    slides = document["events"]
    assert [s["unique_id"] for s in slides] == ["founding", "lab-upgrade", "committee"]
    assert slides[1]["start_date"] == {"year": 2025, "month": 3, "display_date": "Mar 2025"}
    assert slides[1]["display_date"] == "Mar 2025"
    assert [s["group"] for s in slides] == ["Example Corp", "AI Business Unit", "Tech Committee"]
    assert slides[1]["text"] == {
        "headline": "Research Lab becomes the AI business unit",
        "text": "<ul><li>Research Lab becomes a business unit, named AI Business Unit</li>"
        "<li>Cy Wu becomes CTO, AI Business Unit</li></ul><p>Confidence: reported</p>"
        '<p>Sources: <a href="https://example.com/news" target="_blank" rel="noopener">'
        "Example News</a></p>",
    }
    by_person = timelinejs_document(mini, group_by="person")["events"]
    assert [s["group"] for s in by_person] == ["Ann Lee", "Cy Wu", "Ann Lee"]
    assert len(timelinejs_document(mini, until=day("2025-03"))["events"]) == 2


def test_timelinejs_windows(write_events: WriteEvents) -> None:
    events = """\
events:
  - {id: a, date: "by 2024-06", title: A, confidence: confirmed, sources: [s1], changes: []}
  - {id: b, date: "between 2024 and 2025-02-03", title: B, confidence: confirmed, sources: [s1],
     changes: []}
  - {id: c, date: unknown, title: C, confidence: confirmed, sources: [s1], changes: []}
"""
    document = timelinejs_document(load_timeline(write_events({"e.yaml": events})))
    b, a = document["events"]  # replay order: the between window starts first
    assert (a["start_date"], a["display_date"]) == (
        {"year": 2024, "month": 6, "display_date": "Jun 2024"},
        "by Jun 2024",
    )
    assert (b["start_date"], b["end_date"], b["display_date"]) == (
        {"year": 2024, "display_date": "2024"},
        {"year": 2025, "month": 2, "day": 3, "display_date": "2025-02-03"},
        "between 2024 and 2025-02-03",
    )
    assert "1 events with an unknown date are not shown" in document["title"]["text"]["text"]
    assert "group" not in a


def test_export_bundled_data_in_every_format() -> None:
    for output in ("popolo", "timelinejs", "mermaid", "dot", "csv"):
        result = run("export", "--format", output, "--at", "2026-04-09")
        assert result.exit_code == 0, (output, result.stderr)
        # csv and popolo statuses are of today (2026-11-29), past the coverage end.
        past = "reorg: note: events known up to 2026-06-17; later changes are not in this data\n"
        assert result.stderr == (past if output in ("popolo", "csv") else "")
        if output in ("popolo", "timelinejs"):
            json.loads(result.stdout)
    chart = run("export", "-f", "mermaid", "--at", "2026-04-09").stdout
    assert "Chief AI Architect: Zhou Jingren" in chart and "flowchart TD" in chart


def test_export_out_writes_atomically_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "org.mmd"
    base = ["export", "-f", "mermaid", "--at", "2025-06", "--events", str(MINI)]
    first = run(*base, "--out", str(target))
    assert (first.exit_code, first.stdout) == (0, "")
    expected = run(*base).stdout
    assert target.read_text("utf-8") == expected
    target.write_text("mine\n")
    again = run(*base, "--out", str(target))
    assert again.exit_code == 1
    assert again.stderr == f"reorg: error: {target}: file exists (pass --force to overwrite it)\n"
    assert target.read_text() == "mine\n"
    assert run(*base, "--out", str(target), "--force").exit_code == 0
    assert target.read_text("utf-8") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.mmd"]
    missing = run(*base, "--out", str(tmp_path / "no" / "org.mmd"))
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_export_usage_errors() -> None:
    result = run("export", "-f", "csv", "--group", "person", "--events", str(MINI))
    assert result.exit_code == 2
    assert result.stderr == "reorg: error: --group applies only to --format timelinejs\n"
    assert run("export", "--events", str(MINI)).exit_code == 2
    bad_date = run("export", "-f", "dot", "--at", "2025-13", "--events", str(MINI))
    assert bad_date.exit_code == 2 and "invalid date for --at" in bad_date.stderr


@pytest.mark.parametrize(
    "command", [["export"], ["import"], ["import", "csv"], ["import", "popolo"]]
)
def test_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.stdout
    assert {"export", "import"} <= set(run("--help").stdout.split())


def test_a_mermaid_chart_past_mermaids_limits_gets_a_note(write_events: WriteEvents) -> None:
    """Mermaid (and GitHub) draw an error instead of a chart of more than 500 edges or 50,000
    characters: the export says so on stderr; stdout keeps the chart, and DOT has no note."""
    changes = "\n".join(
        f"      - {{type: unit_created, unit: u{i}, name: Unit {i}, kind: team, parent: corp}}"
        for i in range(501)
    )
    events = write_events(
        {
            "e.yaml": "events:\n  - id: e\n    date: 2024-01-01\n    title: T\n"
            "    confidence: confirmed\n    sources: [s1]\n    changes:\n"
            "      - {type: unit_created, unit: corp, name: Corp, kind: company}\n" + changes
        }
    )
    result = run("export", "--format", "mermaid", "--at", "2024-01-02", "--events", str(events))
    assert result.exit_code == 0
    assert result.stdout.count(" --> ") == 501
    assert (
        "reorg: note: the chart has 501 edges (Mermaid's maxEdges is 500): Mermaid (and GitHub) "
        "will show an error instead unless those settings are raised; --format dot has no such "
        "limit" in " ".join(result.stderr.split())
    )
    dot = run("export", "--format", "dot", "--at", "2024-01-02", "--events", str(events))
    assert dot.exit_code == 0 and "maxEdges" not in dot.stderr
    small = run("export", "--format", "mermaid", "--at", "2025-06-30", "--events", str(MINI))
    assert "maxEdges" not in small.stderr and "maxTextSize" not in small.stderr
