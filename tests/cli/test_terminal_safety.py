"""Terminal safety: user data is text, never markup, and no escape or control character reaches
the terminal, in every command, piped or on a terminal, with NO_COLOR, TERM=dumb or colour.

Control characters are rejected when files are loaded (reorg_cli.events.yamlfile) and shown
visibly as ``\\uXXXX`` if one ever reaches a renderer (reorg_cli.output.render.sanitize). These
tests look at the raw bytes written.
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.evidence import Evidence
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.changes import (
    ReportingLineSet,
    RoleAssigned,
    RoleEnded,
    UnitCreated,
    UnitRenamed,
)
from reorg_cli.events.dates import parse_window
from reorg_cli.events.errors import Location, Problem
from reorg_cli.events.model import Confidence, Source
from reorg_cli.events.records import Dataset, Event, Person
from reorg_cli.output import render
from tests.conftest import CLI_ENV, day

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).parents[1] / "hostile"
EVIL = "[bold red]Evil[/]"  # names are trimmed on load, so the trailing space goes too

EVENTS = f"""\
people:
  - {{id: ann, name: "[red]Ann[/red] Lee", names: {{zh: 李安}}, aliases: ["[i]Annie"]}}
  - {{id: bo, name: "周靖人"}}
  - {{id: cy, name: "Zoë \\\\ O'Neil\\\\"}}
  - {{id: dee, name: "Dee [link=https://example.com]x[/link]"}}
units:
  - {{id: evil, aliases: ["[/]"], description: "Desc [bold]not bold[/bold]"}}
sources:
  - {{id: s1, url: "https://example.com/[x]", publisher: "[red]Pub[/red]", title: "T [u]"}}
events:
  - id: e1
    date: 2024-01-15
    title: "[blink]Founding[/blink] \\\\"
    summary: "Summary with [bold]markup[/bold] :smile: and a tab\\tinside"
    confidence: confirmed
    sources: [s1]
    changes:
      - {{type: unit_created, unit: corp, name: "通义实验室 Lab", kind: company}}
      - {{type: unit_created, unit: evil, name: "{EVIL} ", kind: lab, parent: corp}}
      - {{type: unit_created, unit: link, name: "[link=https://example.com]x[/link]",
          kind: team, parent: corp}}
      - {{type: unit_created, unit: ops, name: "Dept [/] Ops :smile:", kind: team,
          parent: evil}}
      - {{type: unit_created, unit: emoji, name: "🚀 Rocket 👩‍💻", kind: team, parent: corp}}
      - {{type: unit_created, unit: mark, name: "Cafe\\u0301 q\\u0307 ﷽", kind: team,
          parent: corp}}
      - {{type: role_assigned, person: ann, unit: evil, title: "[b]Head[/b]", head: true}}
      - {{type: role_assigned, person: bo, unit: corp, title: "CEO 首席执行官"}}
      - {{type: role_assigned, person: cy, unit: emoji, title: "Lead :rocket:"}}
      - {{type: role_assigned, person: dee, unit: link, title: "Member", shared: true}}
      - {{type: reporting_line_set, person: ann, reports_to: bo}}
  - id: e2
    date: 2024-03
    title: "Rename [/]"
    confidence: reported
    sources: [{{url: "https://example.com/2", publisher: "[blue]P2"}}]
    changes:
      - {{type: unit_renamed, unit: corp, name: "通义大模型事业部 [BU]"}}
      - {{type: role_ended, person: cy, unit: emoji, title: "Lead :rocket:",
          reason: "[red]gone[/red]", vacancy: unknown}}
"""
#: Visible text that must appear exactly, per command (at a width where nothing wraps).
SHOWN = {
    "tree": [EVIL, "[b]Head[/b]", "[red]Ann[/red] Lee", "Dept [/] Ops :smile:", "🚀 Rocket 👩‍💻"],
    "table": [EVIL, "[link=https://example.com]x[/link]", "通义大模型事业部 [BU]"],
    "diff": ["Dept [/] Ops :smile:", EVIL, "[b]Head[/b]"],
    "history": ["[red]Ann[/red] Lee", "[b]Head[/b]", "[i]Annie"],
    "unit": [EVIL, "Desc [bold]not bold[/bold]", "[b]Head[/b]"],
    "timeline": ["[blink]Founding[/blink] \\", "Rename [/]"],
    "event": ["[blink]Founding[/blink] \\", "[red]Pub[/red]", ":smile:"],
    "sources": ["[red]Pub[/red]", "[blue]P2"],
}

SGR_RE = re.compile(rb"\x1b\[[0-9;]*m")
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def unsafe_characters(raw: bytes, *, colour: bool, terminal: bool = False) -> list[str]:
    """Control, escape and bidi characters in output (Rich's own colour codes allowed if
    ``colour``, and the carriage returns a terminal adds to line ends if ``terminal``)."""
    if colour:
        raw = SGR_RE.sub(b"", raw)
    text = raw.decode("utf-8")
    allowed = "\n\t" + ("\r" if terminal else "")
    return [
        f"U+{ord(c):04X}"
        for c in text
        if (unicodedata.category(c) == "Cc" and c not in allowed) or c in BIDI
    ]


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("terminal") / "events"
    root.mkdir()
    (root / "events.yaml").write_text(EVENTS, encoding="utf-8")
    return root


COMMANDS: dict[str, list[str]] = {
    "tree": ["show", "--at", "2024-02-01"],
    "tree-why": ["show", "--at", "2024-02-01", "--why"],
    "table": ["show", "--at", "2024-04-01", "--format", "table"],
    "diff": ["diff", "2024-01-01", "2024-03-31"],
    "diff-why": ["diff", "2024-01-01", "2024-03-31", "--why"],
    "history": ["history", "ann"],
    "history-why": ["history", "ann", "--why"],
    "unit": ["unit", "evil"],
    "timeline": ["timeline"],
    "event": ["event", "e1"],
    "sources": ["sources"],
    "validate": ["validate"],
}
ENVIRONMENTS: dict[str, dict[str, str | None]] = {
    "no-color": {"NO_COLOR": "1", "TERM": "xterm-256color"},
    "dumb": {"NO_COLOR": None, "TERM": "dumb"},
    "piped": {"NO_COLOR": None, "TERM": "xterm-256color"},
    "force-color": {"NO_COLOR": None, "TERM": "xterm-256color", "FORCE_COLOR": "1"},
}


def invoke(args: list[str], env: dict[str, str | None]) -> tuple[int, bytes, bytes]:
    result = CliRunner().invoke(app, args, env={**CLI_ENV, "COLUMNS": "250", **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


@pytest.mark.parametrize("environment", sorted(ENVIRONMENTS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_user_data_prints_literally_and_safely(
    command: str, environment: str, events: Path
) -> None:
    env = ENVIRONMENTS[environment]
    code, out, err = invoke([*COMMANDS[command], "--events", str(events)], env)
    assert code == 0, err.decode()
    colour = environment == "force-color"
    assert unsafe_characters(out + err, colour=colour) == []
    if not colour:
        assert b"\x1b" not in out + err
    text = SGR_RE.sub(b"", out).decode()
    for shown in SHOWN.get(command.split("-")[0], []):
        assert shown in text, (shown, text)


@pytest.mark.parametrize("command", ["", *sorted({c[0] for c in COMMANDS.values()}), "export"])
@pytest.mark.parametrize("environment", ["force-color", "dumb"])
def test_help_is_plain_and_safe(command: str, environment: str) -> None:
    code, out, err = invoke(
        [command, "--help"] if command else ["--help"], ENVIRONMENTS[environment]
    )
    assert code == 0 and err == b""
    assert b"Usage" in out
    assert unsafe_characters(out, colour=environment == "force-color") == []


def test_json_output_is_utf8_with_markup_kept(events: Path) -> None:
    code, out, _ = invoke(
        ["show", "--at", "2024-02-01", "--format", "json", "--events", str(events)],
        ENVIRONMENTS["force-color"],
    )
    assert code == 0 and b"\x1b" not in out
    assert unsafe_characters(out, colour=False) == []
    assert not out.isascii() and "通义".encode() in out
    assert b'"name": "[bold red]Evil[/]"' in out


# -- the escape itself ------------------------------------------------------------------------


def test_an_escape_in_a_name_is_rejected_by_every_command(tmp_path: Path) -> None:
    root = tmp_path / "events"
    root.mkdir()
    hostile = (HOSTILE / "control-escape-sequence.yaml").read_text(encoding="utf-8")
    assert '"[bold red]Evil[/] \\e[2J"' in hostile
    (root / "events.yaml").write_text(hostile, encoding="utf-8")
    for args in (*COMMANDS.values(), ["show", "--format", "json"]):
        for environment in ("no-color", "force-color"):
            code, out, err = invoke([*args, "--events", str(root)], ENVIRONMENTS[environment])
            assert code == 1 and b"Traceback" not in err
            assert unsafe_characters(out + err, colour=environment == "force-color") == []
            message = SGR_RE.sub(b"", out + err).decode()
            expected = f"{root / 'events.yaml'}:14:48: error: text contains the control character"
            assert f"{expected} U+001B" in message


def test_command_line_arguments_are_echoed_safely(events: Path) -> None:
    evil = "\x1b[2J[red]x[/red]\u202e\x9b\x07"
    for args in (
        ["history", evil],
        ["unit", evil],
        ["event", evil],
        ["show", "--unit", evil],
        ["show", "--at", evil],
        ["diff", evil, "2024"],
        ["timeline", "--person", evil],
        ["show", "--format", evil],
        [evil],
    ):
        for environment in ("no-color", "force-color"):
            code, out, err = invoke([*args, "--events", str(events)], ENVIRONMENTS[environment])
            assert code in (1, 2) and out == b""
            assert unsafe_characters(err, colour=environment == "force-color") == [], args
            assert "[red]x[/red]" in SGR_RE.sub(b"", err).decode(), args
    code, _, err = invoke(["show", "--events", "/tmp/\x1b[2Jnowhere"], ENVIRONMENTS["no-color"])
    assert (
        code == 1
        and err
        == b"reorg: error: /tmp/\\u001b[2Jnowhere: no such file or directory (pass --events PATH)\n"
    )


# -- a real terminal and a real pipe ----------------------------------------------------------


def run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """Run ``reorg`` with its stdout and stderr on a pseudo-terminal; return what it drew."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    process = subprocess.Popen(
        [sys.executable, "-m", "reorg_cli", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
        cwd=ROOT,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 30  # a hang guard, not a performance limit
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the other side has closed
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif process.poll() is not None and not select.select([leader], [], [], 0)[0]:
                break
        code = process.wait(timeout=30)
    finally:
        process.kill()
        os.close(leader)
    return code, b"".join(chunks)


def terminal_env(**extra: str) -> dict[str, str]:
    unset = ("NO_COLOR", "FORCE_COLOR", "REORG_EVENTS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update({"TERM": "xterm-256color", "COLUMNS": "250", "LINES": "50"})
    env.update(extra)
    return env


TERMINAL_RUNS = {
    "tree": (["show", "--at", "2024-02-01"], {}),
    "table": (["show", "--at", "2024-04-01", "--format", "table"], {"NO_COLOR": "1"}),
    "diff": (["diff", "2024-01-01", "2024-03-31"], {}),
    "history": (["history", "ann", "--why"], {"TERM": "dumb"}),
    "timeline": (["timeline"], {}),
    "validate": (["validate"], {}),
}


@pytest.mark.parametrize("name", sorted(TERMINAL_RUNS))
def test_on_a_real_terminal(name: str, events: Path) -> None:
    args, extra = TERMINAL_RUNS[name]
    code, raw = run_on_terminal([*args, "--events", str(events)], terminal_env(**extra))
    assert code == 0, raw
    assert b"\x1b]" not in raw  # no OSC (hyperlinks, titles)
    assert unsafe_characters(raw, colour=True, terminal=True) == []
    if name in SHOWN:
        for shown in SHOWN[name]:
            assert shown.encode() in SGR_RE.sub(b"", raw), shown


def test_escape_file_on_a_real_terminal() -> None:
    path = HOSTILE / "control-escape-sequence.yaml"
    code, raw = run_on_terminal(["show", "--events", str(path)], terminal_env())
    assert code == 1
    assert unsafe_characters(raw, colour=True, terminal=True) == []
    assert b"control character U+001B" in raw


@pytest.mark.parametrize("name", ["tree", "diff", "timeline"])
def test_piped_with_colour_forced(name: str, events: Path) -> None:
    args, _ = TERMINAL_RUNS[name]
    result = subprocess.run(
        [sys.executable, "-m", "reorg_cli", "--color", "always", *args, "--events", str(events)],
        capture_output=True,
        env=terminal_env(),
        timeout=30,
        check=False,
    )
    # stderr holds at most the coverage note (diff starts before the first event).
    other = [
        line
        for line in SGR_RE.sub(b"", result.stderr).splitlines()
        if not line.startswith(b"reorg: note: ")
    ]
    assert result.returncode == 0 and other == []
    assert SGR_RE.search(result.stdout)  # colour really is on
    assert unsafe_characters(result.stdout, colour=True) == []


# -- double-width characters keep tables aligned ------------------------------------------------


def misaligned(text: str, columns: int) -> list[str]:
    """Lines of ``text`` wider than ``columns``, and table rows whose cells do not start where
    the rule under their table's header says a column starts (a row has two spaces before each
    column's start; a heading across the table has no two spaces in a row)."""
    bad: list[str] = []
    starts: list[int] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if following and set(following) <= {"─", " "}:
            continue  # a header: checked against its own rule by the caller's eye
        if cell_len(line) > columns:
            bad.append(line)
        if line and set(line) <= {"─", " "}:
            starts, at = [], 0
            for part in line.split("  "):
                starts.append(at)
                at += cell_len(part) + 2
            continue
        if not line.strip() or "  " not in line.strip():
            continue
        gaps = {cell_len(line[:k]) for k in range(2, len(line)) if line[k - 2 : k] == "  "}
        for start in starts[1:]:
            if start < cell_len(line) and start not in gaps:
                bad.append(line)
                break
    return bad


@pytest.mark.parametrize("columns", ["60", "100", "250"])
@pytest.mark.parametrize(
    "args",
    [
        ["show", "--at", "2024-04-01", "--format", "table"],
        ["history", "bo"],
        ["unit", "corp"],
        ["timeline"],
        ["diff", "2024-01-01", "2024-04-01"],
    ],
    ids=lambda args: args[0] if isinstance(args, list) else args,
)
def test_tables_with_wide_characters_stay_aligned(
    args: list[str], columns: str, events: Path
) -> None:
    code, out, _ = invoke([*args, "--events", str(events)], {"COLUMNS": columns, "NO_COLOR": "1"})
    assert code == 0
    text = out.decode()
    assert "──" in text, text
    assert misaligned(text, int(columns)) == [], text


# -- the renderers, given control characters that bypassed the loader ------------------------------

DIRTY = "[bold red]Evil[/] \x1b[2J\x1b]8;;https://evil.example\x07x\x1b]8;;\x07\u202e\x9b\x7f"


def dirty_timeline() -> Timeline:
    """A history built in code, with control characters the loader would have rejected."""
    where = Location("dirty.yaml", 1, 1)
    person = Person(id="p", name=DIRTY, aliases=(DIRTY,), description=DIRTY, location=where)
    boss = Person(id="q", name="Boss " + DIRTY, location=where)
    source = Source(url="https://example.com/" + DIRTY, id="s", publisher=DIRTY, title=DIRTY)
    first = Event(
        id="e1",
        date=parse_window("2024-01-15"),
        title=DIRTY,
        summary=DIRTY,
        notes=DIRTY,
        confidence=Confidence.REPORTED,
        sources=(source,),
        changes=(
            UnitCreated(unit="u", name=DIRTY, kind="lab", location=where),
            UnitCreated(unit="v", name="Child " + DIRTY, kind="team", parent="u", location=where),
            RoleAssigned(person="p", unit="u", title=DIRTY, head=True, location=where),
            RoleAssigned(person="q", unit="v", title="Head", location=where),
            ReportingLineSet(person="p", reports_to="q", location=where),
        ),
        location=where,
        path="dirty.yaml",
    )
    second = Event(
        id="e2",
        date=parse_window("2024-03"),
        title="Second " + DIRTY,
        confidence=Confidence.UNCERTAIN,
        changes=(
            UnitRenamed(unit="u", name="Renamed " + DIRTY, location=where),
            RoleEnded(
                person="p", unit="u", title=DIRTY, reason=DIRTY, vacancy="unknown", location=where
            ),
        ),
        location=where,
        path="dirty.yaml",
        position=1,
    )
    dataset = Dataset({"p": person, "q": boss}, {}, {"s": source}, (first, second))
    return Timeline.from_dataset(dataset)


def draw(renderable: object, colour: bool) -> bytes:
    console = Console(
        width=120,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
        emoji=False,
        markup=False,
        record=False,
        file=io.StringIO(),
    )
    console.print(renderable)
    output = console.file
    assert isinstance(output, io.StringIO)
    return output.getvalue().encode()


def renderables(timeline: Timeline) -> Iterator[tuple[str, object]]:
    before, after = day("2024-02-01"), day("2024-04-01")
    tree, table = timeline.state_at(before), timeline.state_at(after)
    diff = timeline.diff(before, after)
    person, unit = timeline.person_history("p"), timeline.unit_history("u")
    chronicle = timeline.chronicle()
    for why in (False, True):

        def notes(cited: Mapping[str, Evidence], why: bool = why) -> render.Footnotes | None:
            return render.Footnotes(cited) if why else None

        yield "tree", render.render_state_tree(tree, why=notes(tree.cited))
        yield "table", render.render_state_table(table, why=notes(table.cited))
        yield "diff", render.render_diff(diff, why=notes(diff.cited))
        yield "history", render.render_person_history(person, notes(person.cited))
        yield "unit", render.render_unit_history(unit, notes(unit.cited))
        yield "timeline", render.render_timeline(chronicle, notes(chronicle.cited))
    cited = {**tree.cited, **table.cited, **diff.cited, **person.cited, **unit.cited}
    footnotes = render.Footnotes({**cited, **chronicle.cited})
    footnotes.ref(sorted(footnotes.cited))
    yield "footnotes", footnotes.render()
    yield "event", render.render_event(timeline.event_record("e1"))
    yield "sources", render.render_sources(timeline.sources_report())
    yield "facts", render.render_fact_summaries(timeline.single_reported_facts(), "Facts")
    yield (
        "problems",
        render.render_problems([Problem(Location("dir/\x1b[2J.yaml", 1, 2), DIRTY, DIRTY)]),
    )


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_renderers_show_control_characters_visibly(colour: bool) -> None:
    for name, renderable in renderables(dirty_timeline()):
        raw = draw(renderable, colour)
        assert unsafe_characters(raw, colour=colour) == [], name
        text = SGR_RE.sub(b"", raw).decode()
        assert "\\u001b[2J" in text or name == "facts", (name, text)
        assert "[bold red]Evil[/]" in text or name in ("problems",), (name, text)


def test_sanitize_makes_every_control_and_bidi_character_visible() -> None:
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), *map(ord, BIDI)]:
        char = chr(code)
        shown = render.sanitize(f"a{char}b")
        if char in "\n\t":
            assert shown == f"a{char}b"
        else:
            assert shown == f"a\\u{code:04x}b"
    assert render.sanitize("[bold]x[/] 周 👩‍💻 é") == "[bold]x[/] 周 👩‍💻 é"
