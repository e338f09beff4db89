"""Hostile input, round two (issue 11): what writes files, what the format's logic allows, and
rendering at the edges. Each test failed before its fix.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.errors import EventFileError, ReorgError, Severity
from reorg_cli.events.files import check_new_directory, write_atomic
from reorg_cli.interop.csvexport import neutralize, roles_csv
from reorg_cli.output.gantt import gantt_lines
from tests.conftest import CLI_ENV, MINI, WriteEvents, day


def invoke(*args: str, env: dict[str, str | None] | None = None, **kwargs: Any) -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})}, **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def errors_of(root: Path) -> list[str]:
    with pytest.raises(EventFileError) as caught:
        load_timeline(root)
    return [str(p) for p in caught.value.problems if p.severity is Severity.ERROR]


def one_error_line(result: Result) -> str:
    """The single stderr line of a failed command (exit 1), checked to be clean."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


# -- item 1: --out --force replaces only a regular file ------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_out_refuses_a_device(force: bool) -> None:
    args = ["export", "--format", "csv", "--events", str(MINI), "--out", "/dev/null"]
    line = one_error_line(invoke(*args, *(["--force"] if force else [])))
    assert line.startswith("reorg: error: /dev/null: is a device; --out replaces only regular")


def test_out_refuses_a_fifo_a_socket_a_directory_and_a_symlink(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    target = tmp_path / "target.csv"
    target.write_text("keep me\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    expected = {
        fifo: "is a FIFO",
        sock_path: "is a socket",
        tmp_path: "is a directory",
        link: "is a symbolic link",
    }
    try:
        for path, what in expected.items():
            args = ["export", "--format", "csv", "--events", str(MINI), "--out", str(path)]
            line = one_error_line(invoke(*args, "--force"))
            assert line.startswith(f"reorg: error: {path}: {what}"), line
    finally:
        sock.close()
    assert fifo.is_fifo() and link.is_symlink() and target.read_text() == "keep me\n"
    assert "give the path of the file it points to: " + str(target) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fifo",
        "link.csv",
        "sock",
        "target.csv",
    ]


def test_out_force_still_replaces_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    write_atomic(target, "new\n", force=True)
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_into_a_symlink_to_an_empty_directory_says_so(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ReorgError) as caught:
        check_new_directory(link)
    assert str(caught.value) == (
        f"{link}: is a symbolic link (to {real}); reorg does not import through links "
        f"(pass the directory itself: --into {real})"
    )


# -- item 2: CSV formulas are neutralized; source URLs are http(s) only ---------------------------


def event(event_id: str, date: str, *changes: str, extra: str = "") -> str:
    lines = "".join(f"\n      - {change}" for change in changes)
    return (
        f"  - id: {event_id}\n    date: {date}\n    title: T\n    confidence: confirmed\n"
        f"    sources: [s1]\n{extra}    changes:{lines}\n"
    )


CORP = "{type: unit_created, unit: corp, name: Corp, kind: company}"
LAB = "{type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}"


def test_csv_export_neutralizes_formulas(write_events: WriteEvents) -> None:
    people = (
        "people:\n"
        '  - {id: ann, name: \'=HYPERLINK("http://evil/","x")\'}\n'
        '  - {id: bo, name: "@SUM(1+1)"}\n'
        '  - {id: cy, name: "\'quoted"}\n'
        "sources:\n  - {id: s1, url: 'https://example.com/1'}\n"
    )
    unit = "{type: unit_created, unit: corp, name: '+cmd|calc', kind: company}"
    roles = [
        "{type: role_assigned, person: ann, unit: corp, title: '-1+2'}",
        "{type: role_assigned, person: bo, unit: corp, title: '+1'}",
        "{type: role_assigned, person: cy, unit: corp, title: Member}",
    ]
    root = write_events(
        {"a.yaml": "events:\n" + event("e1", "2025-01-01", unit, *roles)}, people=people
    )
    result = invoke("export", "--format", "csv", "--events", str(root))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert rows[1][1:5] == ['\'=HYPERLINK("http://evil/","x")', "corp", "'+cmd|calc", "'-1+2"]
    assert rows[2][1] == "'@SUM(1+1)" and rows[2][4] == "'+1"
    assert rows[3][1] == "''quoted" and rows[3][4] == "Member"
    # Undoing the documented rule gives back exactly what was written.
    undone = [c[1:] if c.startswith("'") else c for c in cells]
    assert '=HYPERLINK("http://evil/","x")' in undone and "'quoted" in undone


def test_neutralize_covers_tab_and_carriage_return() -> None:
    # Event files refuse these characters in names; the rule covers them all the same.
    assert neutralize("\tx") == "'\tx" and neutralize("\rx") == "'\rx"
    assert neutralize("plain") == "plain" and neutralize("") == ""


@pytest.mark.parametrize(
    "url",
    [
        '=WEBSERVICE("http://evil/")',
        "javascript:alert(1)",
        "ftp://example.com/x",
        "https://",
        "example.com",
    ],
)
def test_source_urls_must_be_http(url: str, write_events: WriteEvents) -> None:
    people = f"people:\n  - {{id: ann, name: Ann}}\nsources:\n  - {{id: s1, url: '{url}'}}\n"
    root = write_events({"a.yaml": "events:\n" + event("e1", "2025-01-01", CORP)}, people=people)
    line = one_error_line(invoke("show", "--events", str(root)))
    assert line.startswith(
        f"{root / 'people.yaml'}:4:19: error: source url {url!r} is not an http(s)"
    )


def test_inline_source_url_is_checked_too(write_events: WriteEvents) -> None:
    extra = "    announced: 2025-01-01\n"
    text = event("e1", "2025-01-01", CORP, extra=extra).replace(
        "sources: [s1]", "sources: [{url: '@cmd'}]"
    )
    root = write_events({"a.yaml": "events:\n" + text})
    line = one_error_line(invoke("show", "--events", str(root)))
    assert line.startswith(f"{root / 'a.yaml'}:6:21: error: source url '@cmd'")
    assert "only http:// and https:// addresses" in line


@pytest.mark.parametrize("url", ["https://example.com", "HTTP://EXAMPLE.COM/a?b#c", "file:hr.csv"])
def test_good_source_urls_load(url: str, write_events: WriteEvents) -> None:
    people = f"people:\n  - {{id: ann, name: Ann}}\nsources:\n  - {{id: s1, url: '{url}'}}\n"
    root = write_events({"a.yaml": "events:\n" + event("e1", "2025-01-01", CORP)}, people=people)
    assert invoke("validate", str(root)).exit_code == 0


# -- item 3: %% cannot reach a Mermaid chart -------------------------------------------------------


def test_mermaid_escapes_percent_signs(write_events: WriteEvents) -> None:
    people = (
        "people:\n  - {id: ann, name: \"%%{init: {'theme': 'dark'}}%% Ann\"}\n"
        "sources:\n  - {id: s1, url: 'https://example.com/1'}\n"
    )
    unit = "{type: unit_created, unit: corp, name: 'Corp %% hidden', kind: company}"
    role = "{type: role_assigned, person: ann, unit: corp, title: '100% Head'}"
    root = write_events(
        {"a.yaml": "events:\n" + event("e1", "2025-01-01", unit, role)}, people=people
    )
    result = invoke("export", "--format", "mermaid", "--at", "2025-02-01", "--events", str(root))
    assert result.exit_code == 0, result.output
    chart_lines = [line for line in result.stdout.splitlines() if not line.startswith("    %% ")]
    assert not [line for line in chart_lines if "%" in line]
    assert (
        '    u_corp["Corp #37;#37; hidden<br/>company<br/>100#37; Head: '
        "#37;#37;{init: {'theme': 'dark'}}#37;#37; Ann\"]"
    ) in result.stdout


# -- item 8: retracting a retraction restores; correction cycles are errors ---------------------


def retraction(event_id: str, date: str, target: str, verb: str = "retracts") -> str:
    return (
        f"  - id: {event_id}\n    date: {date}\n    title: T\n    confidence: confirmed\n"
        f"    sources: [s1]\n    {verb}: {target}\n"
    )


ROLE = "{type: role_assigned, person: ann, unit: corp, title: CEO}"


def holders(root: Path, at: str) -> list[str]:
    state = load_timeline(root).state_at(day(at))
    return sorted(r.person for r in state.roles)


def test_a_retracted_retraction_restores_the_event(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP)
            + event("e2", "2025-02-01", ROLE)
            + retraction("r1", "2025-03-01", "e2")
            + retraction("r2", "2025-04-01", "r1")
        }
    )
    assert holders(root, "2025-05-01") == ["ann"]
    statuses = load_timeline(root).statuses
    assert statuses["e2"].applied and statuses["e2"].retracted_by is None
    assert not statuses["r1"].applied and statuses["r1"].retracted_by == "r2"
    # A third retraction takes it away again.
    (root / "b.yaml").write_text("events:\n" + retraction("r3", "2025-05-01", "r2"))
    assert holders(root, "2025-05-01") == []


def test_a_retracted_correction_restores_the_original(write_events: WriteEvents) -> None:
    bo_role = "{type: role_assigned, person: bo, unit: corp, title: CEO}"
    correction = event("c1", "2025-02-01", bo_role).replace(
        "changes:", "corrects: e2\n    changes:"
    )
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP)
            + event("e2", "2025-02-01", ROLE)
            + correction
        }
    )
    assert holders(root, "2025-03-01") == ["bo"]
    (root / "b.yaml").write_text("events:\n" + retraction("r1", "2025-03-01", "c1"))
    assert holders(root, "2025-03-01") == ["ann"]


def test_a_corrected_correction_still_replaces_the_original(write_events: WriteEvents) -> None:
    def fix(event_id: str, target: str, person: str) -> str:
        change = f"{{type: role_assigned, person: {person}, unit: corp, title: CEO}}"
        return event(event_id, "2025-02-01", change).replace(
            "changes:", f"corrects: {target}\n    changes:"
        )

    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP)
            + event("e2", "2025-02-01", ROLE)
            + fix("c1", "e2", "bo")
            + fix("c2", "c1", "cy")
        }
    )
    assert holders(root, "2025-03-01") == ["cy"]


@pytest.mark.parametrize("verb", ["corrects", "retracts"])
def test_a_correction_cycle_is_an_error_naming_both(verb: str, write_events: WriteEvents) -> None:
    other = event("c2", "2025-02-01", ROLE).replace("changes:", f"{verb}: c1\n    changes:")
    first = (
        retraction("c1", "2025-03-01", "c2")
        if verb == "retracts"
        else event("c1", "2025-03-01", ROLE).replace("changes:", "corrects: c2\n    changes:")
    )
    if verb == "retracts":
        other = retraction("c2", "2025-02-01", "c1")
    root = write_events(
        {
            "a.yaml": "events:\n" + event("e1", "2025-01-01", CORP) + first,
            "b.yaml": "events:\n" + other,
        }
    )
    line = one_error_line(invoke("show", "--events", str(root)))
    assert line.startswith(
        f"{root / 'b.yaml'}:2:5: error: correction cycle: c2 → c1 → c2; event 'c2' {verb} 'c1', "
        f"and 'c1' {verb} 'c2' ({root / 'a.yaml'}:9:5)"
    ), line


def test_a_retracted_unit_creation_is_named(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP)
            + retraction("r1", "2025-01-02", "e1")
            + event("e2", "2025-02-01", ROLE)
        }
    )
    line = one_error_line(invoke("show", "--events", str(root)))
    assert line == (
        f"{root / 'a.yaml'}:21:50: error: unit 'corp' does not exist: the event that "
        f"creates it, 'e1' ({root / 'a.yaml'}:8:9), is retracted by 'r1' (create the unit in "
        "an event that is part of the replay)"
    ), line


def test_a_creation_dated_by_reads_without_on(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2024-01-01", ROLE)
            + event("e2", "by 2024-05-20", CORP)
        }
    )
    (message,) = errors_of(root)
    assert "it is created by 2024-05-20 (" in message and "on by" not in message


# -- item 11: an end whose window contains the start ---------------------------------------------


def test_an_end_window_containing_the_start_gets_a_true_message(write_events: WriteEvents) -> None:
    end = "{type: role_ended, person: ann, unit: corp, title: CEO}"
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2024-01-01", CORP)
            + event("e2", "2024-06-01", ROLE)
            + event("e3", "2024", end)
        }
    )
    (message,) = errors_of(root)
    assert "assigned only later" not in message
    assert message == (
        f"{root / 'a.yaml'}:22:9: this ends 'ann''s role 'CEO' in 'corp' in 2024, a window that "
        f"begins before the role is assigned on 2024-06-01 ({root / 'a.yaml'}:15:9); events "
        "replay from the first day of their window, so this end would come before the start "
        "(date the end after the start, e.g. 'between 2024-06-02 and 2024-12-31')"
    )
    fixed = (
        (root / "a.yaml")
        .read_text()
        .replace("date: 2024\n", "date: between 2024-06-02 and 2024-12-31\n")
    )
    (root / "a.yaml").write_text(fixed)
    assert holders(root, "2025-01-01") == []


# -- item 9: future facts are planned everywhere; an end in 9999 has not come ---------------------

FUTURE = "2999-01-01"


END_CEO = "{type: role_ended, person: ann, unit: corp, title: CEO}"
LINE_TO_BO = "{type: reporting_line_set, person: ann, reports_to: bo}"
CLEAR_LINE = "{type: reporting_line_cleared, person: ann}"


def future_roles(write_events: WriteEvents) -> Path:
    chair = "{type: role_assigned, person: ann, unit: corp, title: Chair}"
    return write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2024-01-01", CORP, ROLE)
            + event("e2", FUTURE, chair, LINE_TO_BO)
            + event("e3", "9999-12-31", END_CEO)
        }
    )


def test_a_role_starting_in_the_future_is_planned(write_events: WriteEvents) -> None:
    root = future_roles(write_events)
    timeline = load_timeline(root)
    today = day("2026-06-01")
    statuses = {s.title: s.status for s in timeline.person_history("ann", today=today).roles}
    assert statuses == {"CEO": "current", "Chair": "planned"}
    table = invoke("history", "ann", "--events", str(root), env={"COLUMNS": "120"})
    assert table.exit_code == 0, table.output
    chair_row = next(line for line in table.stdout.splitlines() if "Chair" in line)
    ceo_row = next(line for line in table.stdout.splitlines() if "CEO" in line)
    assert "planned" in chair_row and "current" not in chair_row
    assert "9999-12-31 (planned)" in ceo_row  # held today; its end, a future fact, is planned
    bo_row = next(line for line in table.stdout.splitlines() if "Bo Chen" in line)
    assert "planned" in bo_row
    data = json.loads(invoke("history", "ann", "--events", str(root), "--format", "json").stdout)
    assert {r["title"]: r["status"] for r in data["roles"]} == {
        "CEO": "current",
        "Chair": "planned",
    }
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("export", "--format", "csv", "--events", str(root)).stdout)
        )
    )
    assert {r["title"]: r["status"] for r in rows} == {"CEO": "current", "Chair": "planned"}
    popolo = json.loads(invoke("export", "--format", "popolo", "--events", str(root)).stdout)
    assert {m["role"]: m["reorg"]["status"] for m in popolo["memberships"]} == {
        "CEO": "current",
        "Chair": "planned",
    }


def test_an_end_that_has_not_come_reads_planned(write_events: WriteEvents) -> None:
    """A role and a reporting line held today whose recorded ends are still to come: the
    history (table and the explorer's pane) shows each end as planned, not as a plain date
    that reads as if it had passed."""
    from reorg_cli.output.render_details import render_person_roles
    from reorg_cli.output.render_text import Footnotes

    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2024-01-01", CORP, ROLE, LINE_TO_BO)
            + event("e2", FUTURE, END_CEO, CLEAR_LINE)
        }
    )
    table = invoke("history", "ann", "--events", str(root), env={"COLUMNS": "120"})
    assert table.exit_code == 0, table.output
    ceo_row = next(line for line in table.stdout.splitlines() if "CEO" in line)
    bo_row = next(line for line in table.stdout.splitlines() if "Bo Chen" in line)
    assert f"{FUTURE} (planned)" in ceo_row and f"{FUTURE} (planned)" in bo_row
    history = load_timeline(root).person_history("ann", today=day("2026-06-01"))
    pane = Console(file=io.StringIO(), width=80, color_system=None)
    pane.print(render_person_roles(history, Footnotes(history.cited)))
    assert pane.file.getvalue().count(f"{FUTURE} (planned)") == 2  # type: ignore[attr-defined]
    past = load_timeline(root).person_history("ann", today=day("2999-06-01"))
    pane = Console(file=io.StringIO(), width=80, color_system=None)
    pane.print(render_person_roles(past, Footnotes(past.cited)))
    assert "(planned)" not in pane.file.getvalue()  # type: ignore[attr-defined]


def test_a_stale_role_with_an_end_still_to_come_reads_stale(write_events: WriteEvents) -> None:
    """A role and a reporting line never confirmed since 2024, whose ends in 2027 no source
    states (uncertain): JSON calls them stale, and so do the table and the explorer's pane
    (the role's end read as a plain date, and neither carried ``[?]``)."""
    from reorg_cli.output.render_details import render_person_roles
    from reorg_cli.output.render_text import Footnotes

    later = event("e2", "2027-03", END_CEO, CLEAR_LINE).replace("confirmed", "uncertain")
    root = write_events(
        {"a.yaml": "events:\n" + event("e1", "2024-01-01", CORP, ROLE, LINE_TO_BO) + later}
    )
    today: dict[str, str | None] = {"COLUMNS": "200", "REORG_TODAY": "2026-06-01"}
    data = json.loads(
        invoke("history", "ann", "--events", str(root), "-f", "json", env=today).stdout
    )
    assert [role["status"] for role in data["roles"]] == ["stale"]
    table = invoke("history", "ann", "--events", str(root), env=today)
    assert table.exit_code == 0, table.output
    rows = table.stdout.splitlines()
    ceo_row = next(row for row in rows if "CEO" in row)
    bo_row = next(row for row in rows if "Bo Chen" in row)
    assert ceo_row.rstrip().endswith("Mar 2027 (planned) [U], last confirmed 2024-01-01 [?]")
    assert bo_row.rstrip().endswith("Mar 2027 (planned), last confirmed 2024-01-01 [?]")
    history = load_timeline(root).person_history("ann", today=day("2026-06-01"))
    pane = Console(file=io.StringIO(), width=80, color_system=None)
    pane.print(render_person_roles(history, Footnotes(history.cited)))
    assert pane.file.getvalue().count("last confirmed 2024-01-01 [?]") == 2  # type: ignore[attr-defined]


def test_a_line_that_ended_on_an_unknown_date_is_not_stale(write_events: WriteEvents) -> None:
    """A role and a reporting line both ended ``after 2025-01`` (no source says when): the
    role is "ended (date unknown)", not stale; the line said ``stale: true`` in JSON."""
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2024-01-01", CORP, ROLE, LINE_TO_BO)
            + event("e2", "after 2025-01", END_CEO, CLEAR_LINE).replace("confirmed", "uncertain")
        }
    )
    env: dict[str, str | None] = {"REORG_TODAY": "2026-06-01"}
    result = invoke("history", "ann", "--events", str(root), "-f", "json", env=env)
    data = json.loads(result.stdout)
    assert [(r["status"], r["stale"]) for r in data["roles"]] == [("ended (date unknown)", False)]
    assert [line["stale"] for line in data["reporting_lines"]] == [False]


def test_status_follows_the_reference_day(write_events: WriteEvents) -> None:
    timeline = load_timeline(future_roles(write_events))
    (ceo, chair) = sorted(timeline.role_facts, key=lambda f: f.slot[2])
    assert chair.slot[2] == "Chair"
    assert chair.status(day("2998-12-31")) == "planned"
    assert chair.status(day(FUTURE)) == "current"
    assert ceo.status(day("9999-12-30")) == "current"
    assert ceo.status(day("9999-12-31")) == "ended"
    rows = roles_csv(timeline, today=day("9999-12-31")).splitlines()
    # The Chair, last confirmed when it started in 2999, is stale seven millennia later.
    assert [r.split(",")[8] for r in rows[1:]] == ["ended", "stale"]
    rows = roles_csv(timeline, today=day("9999-12-31"), stale_after=10**7).splitlines()
    assert [r.split(",")[8] for r in rows[1:]] == ["ended", "current"]


# -- item 12: a Gantt chart with dates in year 9999 ----------------------------------------------


def test_gantt_handles_year_9999(write_events: WriteEvents) -> None:
    root = future_roles(write_events)
    result = invoke("history", "ann", "--events", str(root), "--format", "gantt")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].split()[0] == "2024"
    chair = next(line for line in lines if line.startswith("Chair"))
    assert "▶" not in chair  # planned: not held today
    timeline = load_timeline(root)
    history = timeline.person_history("ann", today=day("2026-01-01"))
    for width in (20, 80, 300):
        assert gantt_lines(history, width=width, today=day("9999-12-31"))


# -- item 10: two people may not share a lookup key; siblings with one name ------------------------

SOURCES = "sources:\n  - {id: s1, url: 'https://example.com/1'}\n"


def people_root(write_events: WriteEvents, people: str) -> Path:
    return write_events(
        {"a.yaml": "events:\n" + event("e1", "2025-01-01", CORP)}, people=people + SOURCES
    )


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (
            "people:\n  - {id: ann, name: Ann}\n  - {id: ANN, name: Other}\n",
            "person 'ANN': id 'ANN' is the same lookup key as the id 'ann' of person 'ann'",
        ),
        (
            "people:\n  - {id: ann-lee, name: Ann}\n  - {id: ann_lee, name: Other}\n",
            "person 'ann_lee': id 'ann_lee' is the same lookup key as the id 'ann-lee'",
        ),
        (
            "people:\n  - {id: ann, name: Ann}\n  - {id: bo, name: Bo, aliases: [Ann]}\n",
            "person 'bo': alias 'Ann' is the same lookup key as the id 'ann' of person 'ann'",
        ),
        (
            "people:\n  - {id: bo, name: Bo, aliases: [ann]}\n  - {id: ann, name: Ann}\n",
            "person 'ann': id 'ann' is the same lookup key as the alias 'ann' of person 'bo'",
        ),
    ],
)
def test_people_sharing_an_id_key_is_an_error(
    people: str, message: str, write_events: WriteEvents
) -> None:
    root = people_root(write_events, people)
    line = one_error_line(invoke("show", "--events", str(root)))
    assert line.startswith(f"{root / 'people.yaml'}:3:5: error: {message}"), line
    assert f"({root / 'people.yaml'}:2:5)" in line and "two people may not share" in line


def test_a_shared_display_name_is_a_warning(write_events: WriteEvents) -> None:
    people = "people:\n  - {id: ann, name: Ann Lee}\n  - {id: ann2, name: ann lee}\n"
    root = people_root(write_events, people)
    timeline = load_timeline(root)
    (warning,) = [str(p) for p in timeline.problems]
    assert warning == (
        f"{root / 'people.yaml'}:3:5: warning: people 'ann' and 'ann2' share the lookup key of "
        f"name 'Ann Lee' ({root / 'people.yaml'}:2:5) and name 'ann lee'; looking it up finds "
        "both (add an alias that tells them apart, or look them up by id)"
    )
    result = invoke("validate", str(root))
    assert result.exit_code == 0 and "1 warnings" in result.stdout
    ambiguous = invoke("history", "Ann Lee", "--events", str(root))
    assert ambiguous.exit_code == 1 and "matches more than one person" in ambiguous.stderr


def test_renaming_a_unit_to_a_live_siblings_name_is_a_warning(write_events: WriteEvents) -> None:
    other = "{type: unit_created, unit: lab2, name: Lab Two, kind: lab, parent: corp}"
    rename = "{type: unit_renamed, unit: lab2, name: LAB}"
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP, LAB, other)
            + event("e2", "2025-02-01", rename)
        }
    )
    (warning,) = [str(p) for p in load_timeline(root).problems]
    assert warning == (
        f"{root / 'a.yaml'}:17:9: warning: unit 'lab2' is now named 'LAB', like unit 'lab' "
        f"beside it ({root / 'a.yaml'}:9:9); looking the name up finds both (give one of them "
        "a distinguishing name, or dissolve or rename the other first)"
    )


def test_the_bundled_dataset_has_no_shared_lookup_keys() -> None:
    result = invoke("validate", str(Path(__file__).parents[2] / "events"))
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.stdout


def test_a_non_ascii_id_is_told_to_use_ascii(write_events: WriteEvents) -> None:
    root = people_root(write_events, "people:\n  - {id: анна, name: Anna}\n")
    line = one_error_line(invoke("show", "--events", str(root)))
    assert line == (
        f"{root / 'people.yaml'}:2:10: error: 'анна' is not a valid id (use ASCII letters "
        "(A-Z, a-z), digits, '.', '_' and '-', starting with a letter or digit; names in other "
        "scripts go in 'names' or 'aliases')"
    )


# -- item 13: a chain of thousands of units renders without recursion --------------------------


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One event creating a chain of 1,500 units, each under the one before; Ann heads the last."""
    changes = ["      - {type: unit_created, unit: u0, name: U0, kind: team}"]
    changes += [
        f"      - {{type: unit_created, unit: u{i}, name: U{i}, kind: team, parent: u{i - 1}}}"
        for i in range(1, 1500)
    ]
    changes.append("      - {type: role_assigned, person: ann, unit: u1499, title: Head}")
    path = tmp_path_factory.mktemp("chain") / "chain.yaml"
    path.write_text(
        "people:\n  - {id: ann, name: Ann}\n" + SOURCES + "events:\n  - id: e1\n"
        "    date: 2024-01-01\n    title: T\n    confidence: confirmed\n    sources: [s1]\n"
        "    changes:\n" + "\n".join(changes) + "\n"
    )
    return path


@pytest.mark.parametrize("args", [("--depth", "2000"), ("--unit", "u5", "--depth", "1600")])
def test_show_depth_on_a_long_chain_says_where_it_stops(chain: Path, args: tuple[str, ...]) -> None:
    result = invoke("show", "--events", str(chain), "--at", "2024-06-01", *args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    words = " ".join(result.stdout.split())
    # COLUMNS=100 leaves room for 20 levels; the note names the unit to continue from.
    first = int(args[1][1:]) if args[0] == "--unit" else 0
    last = first + 19
    assert f"U{last} (team)" in words and f"U{last + 1} " not in words
    note = f"1 sub-unit not shown (too deep for this width; --unit u{last} shows them)"
    assert note in words
    assert max(len(line) for line in lines) <= 100


def test_show_html_on_a_long_chain(chain: Path, tmp_path: Path) -> None:
    out = tmp_path / "chain.html"
    args = ["show", "--events", str(chain), "--at", "2024-06-01", "--depth", "2000"]
    result = invoke(*args, "--format", "html", "--out", str(out), "--width", "1000")
    assert result.exit_code == 0, result.output
    text = " ".join(re.sub(r"<[^>]*>", " ", out.read_text()).split())
    assert "U244 (team)" in text and "U245 " not in text
    assert "1 sub-unit not shown (too deep for this width; --unit u244 shows them)" in text


def test_the_tree_renders_deep_levels_that_fit(chain: Path) -> None:
    result = invoke(
        "show", "--events", str(chain), "--at", "2024-06-01", "--unit", "u1490", "--depth", "20"
    )
    assert result.exit_code == 0, result.output
    assert "Head: Ann" in result.stdout and "too deep" not in result.stdout


def test_a_fifo_that_appears_while_writing_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    real_chmod = os.chmod

    def chmod_then_plant_a_fifo(path: str, mode: int) -> None:
        real_chmod(path, mode)
        os.mkfifo(target)

    monkeypatch.setattr(os, "chmod", chmod_then_plant_a_fifo)
    with pytest.raises(ReorgError, match="is a FIFO"):
        write_atomic(target, "x\n", force=True)
    assert target.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# -- a file name that is not UTF-8 ---------------------------------------------------------------

ONE_UNIT = """sources:
  - id: s1
    url: https://example.com/a
events:
  - id: e1
    date: 2024-01-01
    title: T
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
"""


@pytest.mark.parametrize("cached", [False, True])
@pytest.mark.parametrize("whole_folder", [False, True])
def test_an_event_file_name_that_is_not_utf8_is_one_clear_error(
    tmp_path: Path, cached: bool, whole_folder: bool
) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    bad = folder / os.fsdecode(b"ev\xff.yaml")
    try:
        bad.write_text(ONE_UNIT, encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    env: dict[str, str | None] = {"REORG_CACHE_DIR": str(tmp_path / "cache")}
    env["REORG_NO_CACHE"] = None if cached else "1"
    target = str(folder if whole_folder else bad)
    for args in (["show", "--events", target], ["validate", target]):
        line = one_error_line(invoke(*args, env=env))
        assert line == (
            f"reorg: error: {folder}/ev\\xff.yaml: the file name is not valid UTF-8 "
            "(rename it: reorg reads the names of event files as UTF-8)"
        )


def test_a_path_with_a_line_break_stays_on_the_error_line(tmp_path: Path) -> None:
    """An error naming a path with a line break (or a tab) is still one line: the break is
    written as visible ``\\u000a`` (it split the message over two lines)."""
    folder = tmp_path / "a\nb\tc"
    folder.mkdir()
    empty = invoke("validate", "--events", str(folder))
    missing = invoke("show", "--events", str(folder / "none"))
    (folder / "e\n1.yaml").write_text("events:\n  - id: x\n    bad: 1\n", encoding="utf-8")
    located = invoke("validate", "--events", str(folder))
    for result in (empty, missing):
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
        assert "a\\u000ab\\u0009c" in result.stderr
    assert located.exit_code == 1
    [problem] = [line for line in located.stdout.splitlines() if "unknown key" in line]
    assert "e\\u000a1.yaml:3:5: error: unknown key 'bad'" in problem


@pytest.mark.parametrize(
    "args",
    [("show",), ("history", "ann"), ("validate",), ("log", "--oneline"), ("export", "-f", "csv")],
)
def test_an_empty_events_path_is_a_usage_error(args: tuple[str, ...]) -> None:
    """``--events ""`` read the current directory (``Path("")`` is "."): a usage error now."""
    result = invoke(*args, "--events", "")
    assert result.exit_code == 2, result.output
    assert result.stderr == "reorg: error: --events is empty (give a path, or leave --events out)\n"
