"""``reorg new`` scaffolds an event file and validates it; ``validate`` points at the field
that names an unknown person or unit and suggests the id."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.events.loader import load_dataset
from tests.conftest import CLI_ENV, MINI


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})})


def history(tmp_path: Path) -> Path:
    target = tmp_path / "events"
    shutil.copytree(MINI, target)
    return target


def test_new_writes_a_scaffold_with_the_keys_of_each_change_type(tmp_path: Path) -> None:
    events = history(tmp_path)
    result = run(
        "new", "Lab head named", "--date", "2025-07-01", "-t", "role_assigned",
        "-t", "unit_created", "--events", str(events),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = events / "2025-07-01-lab-head-named.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  - id: 2025-07-01-lab-head-named\n    date: 2025-07-01\n" in text
    for key in ("person:", "unit:", "title:", "# head:", "# shared:", "name:", "kind:"):
        assert key in text, key
    assert "sources:\n      - url: https://" in text
    # Its problems are the to-do list, each at its own line.
    assert "to fill in:" in result.stdout
    assert "2025-07-01-lab-head-named.yaml:23:15: error: unknown unit kind 'KIND'" in (
        result.stdout
    )
    again = run("new", "Lab head named", "--date", "2025-07-01", "--events", str(events))
    assert again.exit_code == 1 and "exists" in again.stderr  # never replaced without --force


def test_new_with_edit_validates_what_the_editor_left(tmp_path: Path) -> None:
    events = history(tmp_path)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text().replace('PERSON-ID', 'bo').replace('UNIT-ID', 'lab')\n"
        "p.write_text(t.replace('TITLE', 'Chief Scientist'))\n",
        encoding="utf-8",
    )
    edit = {"EDITOR": f"{sys.executable} {editor}", "VISUAL": None}
    args = ("new", "bo", "--date", "2025-07-01", "-t", "role_assigned", "--events", str(events))
    result = run(*args, "--edit", env=edit)
    assert result.exit_code == 0, result.output
    assert "ok: it validates" in result.stdout
    dataset, problems = load_dataset(events)
    assert "2025-07-01-bo" in {e.id for e in dataset.events} and not problems
    bad = {"EDITOR": f"{sys.executable} -c pass", "VISUAL": None}  # leaves the placeholders
    result = run("new", "x", "--date", "2025-08-01", "-t", "person_left", "--events",
                 str(events), "--edit", env=bad)  # fmt: skip
    assert result.exit_code == 1 and "unknown person 'PERSON-ID'" in result.stdout


def test_new_refuses_bad_input_with_usage_errors(tmp_path: Path) -> None:
    events = history(tmp_path)
    bad_type = run(
        "new", "x", "--date", "2025-07-01", "-t", "role_asigned", "--events", str(events)
    )
    assert bad_type.exit_code == 2 and "did you mean 'role_assigned'" in bad_type.stderr
    bad_date = run("new", "x", "--date", "2025-02-30", "--events", str(events))
    assert bad_date.exit_code == 2 and "invalid --date" in bad_date.stderr
    assert run("new", "通义", "--date", "2025-07-01", "--events", str(events)).exit_code == 2


def test_validate_suggests_the_id_at_the_fields_own_line(tmp_path: Path) -> None:
    events = history(tmp_path)
    (events / "zz.yaml").write_text(
        "events:\n"
        "  - id: zz\n"
        "    date: 2025-07-01\n"
        "    title: t\n"
        "    confidence: reported\n"
        "    sources: [{url: 'https://example.com/zz'}]\n"
        "    changes:\n"
        "      - type: role_assigned\n"
        "        person: bo-chn\n"
        "        unit: Research Lab\n"
        "        title: Head\n",
        encoding="utf-8",
    )
    result = run("validate", str(events))
    assert result.exit_code == 1
    assert "zz.yaml:10:15: error: 'Research Lab' is a name, not an id (did you mean lab" in (
        result.stdout
    )
    (events / "zz.yaml").write_text(
        (events / "zz.yaml").read_text().replace("Research Lab", "lab"), encoding="utf-8"
    )
    result = run("validate", str(events))
    assert "zz.yaml:9:17: error: unknown person 'bo-chn' (did you mean bo (Bo Chen)?)" in (
        result.stdout
    )


def test_new_writes_the_title_as_one_quoted_yaml_value(tmp_path: Path) -> None:
    events = history(tmp_path)
    result = run("new", "x", "-d", "2025-07-01", "--title", "a: b # c", "--events", str(events))
    assert result.exit_code == 0, result.output
    dataset, problems = load_dataset(events)
    assert not problems
    assert [e.title for e in dataset.events if e.id == "2025-07-01-x"] == ["a: b # c"]


def test_new_refuses_a_title_with_a_line_break_control_or_bidi_character(tmp_path: Path) -> None:
    events = history(tmp_path)
    before = sorted(p.name for p in events.iterdir())
    for title, shown in (
        ("x\n    confidence: confirmed\n    bogus: 1", "U+000A"),
        ("x\x1b[31m", "U+001B"),
        ("x\u202ey", "U+202E"),
        ("   ", "empty"),
    ):
        result = run("new", "x", "-d", "2025-07-01", "--title", title, "--events", str(events))
        assert result.exit_code == 2, (title, result.output)
        assert result.stdout == "" and shown in result.stderr
        assert result.stderr.count("\n") == 1
    assert sorted(p.name for p in events.iterdir()) == before  # nothing written


def test_new_names_partial_dates_like_the_bundled_files(tmp_path: Path) -> None:
    events = history(tmp_path)
    for date, name in (
        ("between 2026-01 and 2026-03", "2026-01-2026-03-t"),
        ("by 2026-02", "2026-02-by-t"),
        ("after 2026-02-03", "2026-02-03-after-t"),
        ("unknown", "unknown-t"),
        ("2026", "2026-t"),
    ):
        result = run("new", "t", "-d", date, "--events", str(events))
        assert result.exit_code == 0, result.output
        assert f"{name}.yaml" in result.stdout and "ok: it validates" in result.stdout
    dataset, problems = load_dataset(events)
    assert not problems
    ids = {e.id for e in dataset.events}
    assert {"2026-01-2026-03-t", "2026-02-by-t", "2026-02-03-after-t", "unknown-t"} <= ids
    long = run("new", "a" * 130, "-d", "2026-05-01", "--events", str(events))
    assert long.exit_code == 2 and "ids are at most 128" in long.stderr


def test_new_does_not_say_it_validates_when_the_rest_of_the_history_does_not(
    tmp_path: Path,
) -> None:
    events = history(tmp_path)
    (events / "zz-broken.yaml").write_text("events:\n  - id: bad\n    date: nope\n")
    result = run("new", "x", "-d", "2025-07-01", "--events", str(events))
    assert result.exit_code == 0, result.output
    assert "ok: it validates" not in result.stdout
    assert "the rest of the history has 1 error" in result.stdout
    assert f"reorg validate {events}" in result.stdout
    editor = {"EDITOR": f"{sys.executable} -c pass", "VISUAL": None}
    edited = run("new", "y", "-d", "2025-07-01", "--edit", "--events", str(events), env=editor)
    assert edited.exit_code == 1 and "ok: it validates" not in edited.stdout


def test_new_help_names_every_change_type() -> None:
    """``new --help`` lists the change types -t takes; it left out the three confirmations."""
    from reorg_cli.events.changes import CHANGE_TYPES

    result = run("new", "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    for name in CHANGE_TYPES:
        assert name in flat, name


def test_new_help_says_where_the_file_goes() -> None:
    """``new --events`` is where the file is written (default: the current directory); its
    help said "default: the bundled dataset", the other commands' text."""
    result = run("new", "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "(default: the current directory)" in flat
    assert "bundled dataset" not in flat
