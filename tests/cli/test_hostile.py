"""Hostile input: every file in tests/hostile/ (one per hazard) and the directory hazards that
cannot be committed (symlink loops, FIFOs, huge files) must give exit 1 and a positioned
message, never a traceback; the logical errors of valid YAML name the places involved; and the
CLI stays quiet on --debug-less internal errors, Ctrl-C and closed pipes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from reorg_cli.cli.app import app
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events import yamlfile
from reorg_cli.events.errors import EventFileError, Problem, Severity
from reorg_cli.events.loader import load_dataset
from reorg_cli.events.yamlfile import MAX_FILE_BYTES, YamlProblem, read_yaml_bytes
from tests.conftest import CLI_ENV, MINI, WriteEvents, day
from tests.fuzz.fuzz_loader import check_one

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).parents[1] / "hostile"
HOSTILE_FILES = sorted(p.name for p in HOSTILE.iterdir() if p.is_file())
CORPUS = sorted((Path(__file__).parents[1] / "fuzz" / "corpus").iterdir())
#: The ceiling the issue sets for one command on a hostile file.
MAX_RSS_BYTES = 200 * 1024 * 1024
#: Not a performance threshold: only a guard so a hang fails instead of blocking CI.
HANG_GUARD_SECONDS = 30

# -- running the real program ----------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished ``python -m reorg_cli`` process."""

    code: int
    stdout: bytes
    stderr: bytes
    seconds: float
    max_rss: int


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REORG_EVENTS", "FORCE_COLOR")}
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100", "REORG_DEBUG": ""})
    env.update(extra)
    return env


#: Starts the command from a small process and reports its exit status, wall time and peak
#: RSS. A child's ``ru_maxrss`` includes the memory of the process that forked it (until the
#: ``exec``), so measuring straight from the large pytest process would overstate it.
MEASURE = """\
import os, sys, time
start = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
seconds = time.monotonic() - start
with open(sys.argv[1], "w") as report:
    report.write(f"{os.waitstatus_to_exitcode(status)} {seconds} {usage.ru_maxrss * 1024}")
"""


def run_reorg(*args: str, env: dict[str, str] | None = None) -> Run:
    """Run the CLI as a real process; measure its wall time and peak RSS."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as report,
    ):
        command = [sys.executable, "-m", "reorg_cli", *args]
        process = subprocess.Popen(
            [sys.executable, "-c", MEASURE, report.name, *command],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env or child_env(),
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=HANG_GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
            pytest.fail(f"reorg {' '.join(args)} hung")
        code, seconds, rss = report.read().split()
        out.seek(0)
        err.seek(0)
        return Run(int(code), out.read(), err.read(), float(seconds), int(rss))


def assert_clean_failure(run: Run, path: str) -> None:
    """Exit 1, nothing on stdout, a ``path:line:col:`` or ``path:`` message, no traceback."""
    stderr = run.stderr.decode("utf-8")
    assert run.code == 1, stderr
    assert run.stdout == b""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    first = stderr.splitlines()[0]
    assert re.match(rf"(reorg: error: )?{re.escape(path)}(:\d+:\d+)?: ", first), first
    assert run.max_rss < MAX_RSS_BYTES, run.max_rss


@pytest.fixture(scope="module")
def hostile_runs() -> Iterator[dict[str, Run]]:
    """``reorg show --events tests/hostile/<file>`` for every file, two at a time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(
            lambda name: run_reorg("show", "--events", f"tests/hostile/{name}"), HOSTILE_FILES
        )
        yield dict(zip(HOSTILE_FILES, runs, strict=True))


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_file_fails_cleanly_in_a_real_process(
    name: str, hostile_runs: dict[str, Run]
) -> None:
    assert_clean_failure(hostile_runs[name], f"tests/hostile/{name}")


OTHER_COMMANDS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["diff", "2020", "2030", "--format", "json"],
    ["history", "ann", "--why"],
]


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_every_command_fails_cleanly_on_a_hostile_file(name: str) -> None:
    path = f"tests/hostile/{name}"
    for args in OTHER_COMMANDS:
        where = [path] if args[0] == "validate" else ["--events", path]
        result = invoke(*args, *where)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and "internal error" not in result.output
        if args == ["validate", "--format", "json"]:
            # UTF-8, with nothing a terminal would act on (controls are escaped).
            assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in result.stdout)
            problems = json.loads(result.stdout)["problems"]
            assert problems and all(p["path"] == path for p in problems), problems
            continue
        # Errors are text on stderr (validate prints its report on stdout), even with JSON.
        shown = result.stdout if args[0] == "validate" else result.stderr
        assert re.search(rf"(^|\n)(reorg: error: )?{re.escape(path)}(:\d+:\d+)?: ", shown), (
            args,
            shown,
        )


# -- what each hostile file is rejected for ------------------------------------------------------

#: fixture -> (fragment of the first error, whether it has a line and column)
EXPECTED: dict[str, tuple[str, bool]] = {
    "alias-bomb.yaml": ("anchors and aliases are not allowed", True),
    "alias-in-event.yaml": ("anchors and aliases are not allowed", True),
    "merge-key.yaml": ("merge keys ('<<') are not allowed", True),
    "deep-nesting-flow.yaml": ("nesting is too deep", True),
    "deep-nesting-mapping.yaml": ("nesting is too deep", True),
    "deep-nesting-40.yaml": ("nesting is too deep", True),
    "multiple-documents.yaml": ("only one YAML document", True),
    "empty.yaml": ("file has no content", False),
    "comments-only.yaml": ("file has no content", False),
    "whitespace-only.yaml": ("YAML syntax error", True),
    "explicit-null-document.yaml": ("must be a mapping", False),
    "syntax-error-unclosed.yaml": ("YAML syntax error", True),
    "syntax-error-tab-indent.yaml": ("YAML syntax error", True),
    "duplicate-keys.yaml": ("duplicate key 'title' (first defined on line 10)", True),
    "duplicate-top-level-key.yaml": ("duplicate key 'people'", True),
    "non-string-key-int.yaml": ("mapping keys must be text, not '1'", True),
    "non-string-key-bool.yaml": ("mapping keys must be text, not 'true'", True),
    "non-string-key-null.yaml": ("mapping keys must be text", True),
    "non-string-key-list.yaml": ("mapping keys must be text", True),
    "unknown-key-typo.yaml": ("unknown key 'titel' in an event", True),
    "yaml11-norway-bool.yaml": ("'head' must be true or false, not 'NO'", True),
    "yaml11-yes-bool.yaml": ("'shared' must be true or false, not 'yes'", True),
    "yaml11-on-key.yaml": ("unknown top-level key 'on'", True),
    "yaml11-octal.yaml": ("'seq' must be a whole number, not '010'", True),
    "yaml11-float-exponent.yaml": ("'seq' must be a whole number, not '1e3'", True),
    "yaml11-sexagesimal.yaml": ("'1:20' is not a date", True),
    "yaml11-timestamp.yaml": ("'2026-04-08T10:00:00+02:00' is not a date", True),
    "yaml11-float-date.yaml": ("'2026.04' is not a date", True),
    "date-feb-30.yaml": ("'2026-02-30' is not a date", True),
    "date-month-13.yaml": ("'2026-13' is not a date", True),
    "date-month-00.yaml": ("'2026-00' is not a date", True),
    "date-day-00.yaml": ("'2026-03-00' is not a date", True),
    "date-year-0000.yaml": ("'0000' is not a date", True),
    "date-slashes.yaml": ("'03/04/2026' is not a date", True),
    "date-five-digit-year.yaml": ("'10000-01-01' is not a date", True),
    "date-after-max.yaml": ("there is no day after 9999-12-31", True),
    "date-non-ascii-digits.yaml": ("is not a date", True),
    "date-between-reversed.yaml": ("the second date is before the first", True),
    "date-as-list.yaml": ("'date' must be text, not a list", True),
    "tag-python-object.yaml": ("python/object/apply:os.system' is not allowed", True),
    "tag-python-name.yaml": ("python/name:os.system' is not allowed", True),
    "tag-binary.yaml": ("binary' is not allowed", True),
    "tag-custom.yaml": ("'!include' is not allowed", True),
    "tag-timestamp.yaml": ("timestamp' is not allowed", True),
    "tag-set.yaml": ("set' is not allowed", True),
    "yaml-directive.yaml": ("'tag:example.com,2000:x' is not allowed", True),
    "top-level-list.yaml": ("must be a mapping", True),
    "top-level-scalar.yaml": ("must be a mapping", False),
    "events-is-mapping.yaml": ("'events' must be a list", True),
    "events-is-string.yaml": ("'events' must be a list", True),
    "event-is-list.yaml": ("each item of 'events' must be a mapping", True),
    "changes-is-mapping.yaml": ("'changes' must be a list", True),
    "change-is-list.yaml": ("a change must be a mapping", True),
    "people-is-mapping.yaml": ("'people' must be a list", True),
    "names-is-list.yaml": ("'names' must map language tags to names", True),
    "title-is-mapping.yaml": ("'title' must be text, not a list or mapping", True),
    "name-is-number.yaml": ("'name' must be text, not 42", True),
    "huge-integer.yaml": ("is too large", True),
    "control-escape-sequence.yaml": ("control character U+001B", True),
    "control-osc8-link.yaml": ("control character U+001B", True),
    "control-bidi-override.yaml": ("control character U+202E", True),
    "control-c1-csi.yaml": ("control character U+009B", True),
    "control-bell-in-title.yaml": ("control character U+0007", True),
    "control-in-key.yaml": ("control character U+001B", True),
    "control-newline-in-name.yaml": ("'name' must be one line", True),
    "control-raw-escape-byte.yaml": ("control character U+001B", True),
    "control-raw-nul.yaml": ("control character U+0000", True),
    "invalid-utf8.yaml": ("not UTF-8 text", True),
    "invalid-utf8-truncated.yaml": ("not UTF-8 text", True),
    "latin1.yaml": ("not UTF-8 text", True),
    "utf16-with-bom.yaml": ("UTF-16", False),
    "utf16-without-bom.yaml": ("control character U+0000", True),
    "binary-png.yaml": ("not UTF-8 text", True),
    "bom-then-error.yaml": ("'2026-02-30' is not a date", True),
    "bom-in-the-middle.yaml": ("YAML syntax error", True),
    "logic-parent-cycle.yaml": ("parent cycle", True),
    "logic-reports-to-self.yaml": ("cannot report to themselves", True),
    "logic-reporting-cycle.yaml": ("reporting cycle", True),
    "logic-end-before-start.yaml": ("the role is assigned only later", True),
    "logic-end-role-not-held.yaml": ("does not hold 'CTO'", True),
    "logic-end-role-twice.yaml": ("has already ended on 2025-02-01", True),
    "logic-dissolved-unit.yaml": ("it was dissolved on 2025-02-01", True),
    "logic-dissolve-with-children.yaml": ("still has child units", True),
    "logic-unit-before-created.yaml": ("does not exist yet on 2025-01-01", True),
    "logic-unit-created-twice.yaml": ("is created twice", True),
    "logic-duplicate-event-id.yaml": ("event id 'e1' is used twice", True),
    "logic-unknown-person.yaml": ("unknown person 'anne'", True),
    "logic-merge-into-child.yaml": ("which is inside it", True),
}


def first_error(path: Path) -> Problem:
    dataset, problems = load_dataset(path)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if not errors:
        try:
            Timeline.from_dataset(dataset)
        except EventFileError as err:
            errors = [p for p in err.problems if p.severity is Severity.ERROR]
    assert errors, f"{path.name} loaded without errors"
    return errors[0]


def test_every_hostile_file_has_an_expectation() -> None:
    assert sorted(EXPECTED) == HOSTILE_FILES


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_file_gives_the_expected_problem(name: str) -> None:
    fragment, positioned = EXPECTED[name]
    problem = first_error(HOSTILE / name)
    assert fragment in problem.message + " " + problem.hint
    assert problem.location.path == str(HOSTILE / name)
    assert (problem.location.line > 0) is positioned, problem
    assert problem.location.line == 0 or problem.location.column > 0


@pytest.fixture(params=["libyaml", "pure-python"])
def loader_base(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run with libyaml's parser and with PyYAML's pure-Python fallback (used without it)."""
    if request.param == "pure-python":
        resolvers = dict(yamlfile.StrictLoader.yaml_implicit_resolvers)
        python_loader = type(
            "PythonStrictLoader", (yaml.SafeLoader,), {"yaml_implicit_resolvers": resolvers}
        )
        monkeypatch.setattr(yamlfile, "StrictLoader", python_loader)
        monkeypatch.setattr(yamlfile, "_Base", yaml.SafeLoader)
    return str(request.param)


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_bytes_raise_only_user_errors(name: str, loader_base: str) -> None:
    data = (HOSTILE / name).read_bytes()
    try:
        read_yaml_bytes(data, name)
    except YamlProblem as err:
        assert err.problem.location.path == name
    check_one(data)  # the fuzz target: every query and renderer, with invariants


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_fuzz_corpus_replays(path: Path) -> None:
    check_one(path.read_bytes())


def test_deep_nesting_of_ten_thousand_levels_in_every_style(loader_base: str) -> None:
    for text in (
        "- " * 10_000 + "x",
        "events: " + "[" * 10_000 + "]" * 10_000,
        "events: " + "{a: " * 10_000 + "b" + "}" * 10_000,
        "".join(" " * i + "a:\n" for i in range(1200)),
    ):
        with pytest.raises(YamlProblem) as caught:
            read_yaml_bytes(text.encode(), "deep.yaml")
        assert (
            "too deep" in caught.value.problem.message or "syntax" in caught.value.problem.message
        )


# -- what stays what it was written as ----------------------------------------------------------


def test_yaml_11_traps_stay_the_text_that_was_written(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "e.yaml": """\
            events:
              - id: e1
                date: 2026
                seq: 2
                title: 010
                summary: 1:20
                notes: 1e3
                confidence: confirmed
                sources: [s1]
                changes:
                  - {type: unit_created, unit: no, name: NO, kind: team}
                  - {type: unit_created, unit: on, name: on, kind: team, parent: no}
                  - {type: role_assigned, person: ann, unit: on, title: yes, head: true}
            """
        }
    )
    timeline = load_timeline(root)
    event = timeline.events["e1"]
    assert (event.title, event.summary, event.notes, event.seq) == ("010", "1:20", "1e3", 2)
    assert event.date.text() == "2026"
    state = timeline.state_at(day("2026"))
    assert {u.id: u.name for u in state.units.values()} == {"no": "NO", "on": "on"}
    assert state.units["on"].parent == "no"
    assert [(r.title, r.head) for r in state.roles] == [("yes", True)]


def test_a_utf8_bom_is_allowed_and_does_not_shift_columns(tmp_path: Path) -> None:
    text = (HOSTILE / "bom-then-error.yaml").read_bytes()
    plain = tmp_path / "plain.yaml"
    plain.write_bytes(text.removeprefix(b"\xef\xbb\xbf"))
    with_bom = first_error(HOSTILE / "bom-then-error.yaml").location
    without = first_error(plain).location
    assert (with_bom.line, with_bom.column) == (without.line, without.column) == (9, 11)
    good = tmp_path / "good.yaml"
    good.write_bytes(b"\xef\xbb\xbf" + (MINI / "people.yaml").read_bytes())
    dataset, problems = load_dataset(good)
    assert problems == [] and set(dataset.people) == {"ann", "bo", "cy"}


def test_standard_tags_that_fit_their_value_are_allowed() -> None:
    assert read_yaml_bytes(b"a: !!str 010\nb: !!int 3\nc: !!bool true\n", "t.yaml") == {
        "a": "010",
        "b": 3,
        "c": True,
    }


def test_files_over_the_size_limit_are_rejected_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: costs no disk and no time
        handle.truncate(MAX_FILE_BYTES + 1)
    run = run_reorg("show", "--events", str(big))
    assert_clean_failure(run, str(big))
    assert b"16777217 bytes; event files are limited to 16777216 bytes" in run.stderr
    with pytest.raises(YamlProblem, match="limited to"):
        read_yaml_bytes(b"#" * (MAX_FILE_BYTES + 1), "big.yaml")


# -- directories ---------------------------------------------------------------------------------


def events_dir(tmp_path: Path) -> Path:
    root = tmp_path / "events"
    root.mkdir()
    for source in MINI.iterdir():
        (root / source.name).write_bytes(source.read_bytes())
    return root


def test_unrelated_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    root = events_dir(tmp_path)
    (root / "README.md").write_text("# not: [an event file\n")
    (root / "notes.txt").write_text("events: [broken\n")
    (root / "logo.png").write_bytes(bytes(range(256)))
    (root / ".hidden.yaml").write_text("events: [broken\n")
    (root / ".git").mkdir()
    (root / ".git" / "config.yaml").write_text("events: [broken\n")
    (root / "backup.yaml~").write_text("events: [broken\n")
    (root / "archive").mkdir()
    (root / "archive" / "more.yml").write_text("events: []\n")
    dataset, problems = load_dataset(root)
    assert problems == []
    assert tuple(Path(f).relative_to(root).as_posix() for f in dataset.files) == (
        "2024-01-15-founding.yaml",
        "2025-03-upgrade.yaml",
        "archive/more.yml",
        "dataset.yaml",
        "people.yaml",
    )


def test_directory_symlinks_are_not_followed(tmp_path: Path) -> None:
    root = events_dir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "bad.yaml").write_text("events: [broken\n")
    (root / "linked").symlink_to(elsewhere, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "alias.yaml").symlink_to(root / "people.yaml")
    dataset, problems = load_dataset(root)
    # A file symlink is read like a file (here: the registry is defined a second time).
    assert f"person 'ann' is defined twice (first at {root / 'alias.yaml'}:2:5)" in [
        p.message for p in problems
    ]
    assert all("bad.yaml" not in str(p.location) for p in problems)
    assert [Path(f).name for f in dataset.files] == [
        "2024-01-15-founding.yaml",
        "2025-03-upgrade.yaml",
        "alias.yaml",
        "dataset.yaml",
        "people.yaml",
    ]


def make_hazard(root: Path, hazard: str) -> Path:
    """One unreadable event file in ``root``; returns its path."""
    path = root / f"{hazard}.yaml"
    if hazard == "symlink-loop":
        (root / "zz-other.yaml").symlink_to(path)
        path.symlink_to(root / "zz-other.yaml")
    elif hazard == "broken-symlink":
        path.symlink_to(root / "missing.yaml")
    elif hazard == "fifo":
        os.mkfifo(path)
    elif hazard == "socket":
        import socket

        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
    return path


DIRECTORY_HAZARDS = {
    "symlink-loop": "too many levels of symbolic links",
    "broken-symlink": "no such file or directory",
    "fifo": "not a regular file",
    "socket": "not a regular file",
}


@pytest.mark.parametrize("hazard", sorted(DIRECTORY_HAZARDS))
def test_unreadable_event_files_fail_cleanly(hazard: str, tmp_path: Path) -> None:
    root = events_dir(tmp_path)
    path = make_hazard(root, hazard)
    for target in (root, path):
        run = run_reorg("show", "--events", str(target))
        shown = path if target == root else target
        assert_clean_failure(run, str(shown))
        assert DIRECTORY_HAZARDS[hazard] in run.stderr.decode().lower(), run.stderr


def test_a_file_that_cannot_be_opened_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = events_dir(tmp_path)
    secret = root / "secret.yaml"
    secret.write_text("events: []\n")
    if os.geteuid() != 0:
        secret.chmod(0)
    else:  # root reads anything: make opening this one file fail the way chmod 000 would
        real_open = os.open

        def deny(file: Any, *args: Any, **kwargs: Any) -> Any:
            if Path(file) == secret:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr("reorg_cli.events.loader.os.open", deny)
    result = invoke("show", "--events", str(root))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"{secret}: error: cannot read file: Permission denied\n"


def test_special_files_given_directly_fail_cleanly() -> None:
    run = run_reorg("show", "--events", "/dev/zero")
    assert_clean_failure(run, "/dev/zero")
    run = run_reorg("show", "--events", "/nonexistent/events.yaml")
    assert_clean_failure(run, "/nonexistent/events.yaml")


def test_a_directory_without_event_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n")
    run = run_reorg("show", "--events", str(tmp_path))
    assert_clean_failure(run, str(tmp_path))
    assert b"no event files" in run.stderr


# -- logical errors name both places ------------------------------------------------------------


def invoke(*args: str, env: dict[str, str | None] | None = None, **kwargs: Any) -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})}, **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def event(event_id: str, date: str, *changes: str) -> str:
    lines = "".join(f"\n      - {change}" for change in changes)
    return (
        f"  - id: {event_id}\n    date: {date}\n    title: T\n    confidence: confirmed\n"
        f"    sources: [s1]\n    changes:{lines}\n"
    )


def errors_of(root: Path) -> list[str]:
    with pytest.raises(EventFileError) as caught:
        load_timeline(root)
    return [str(p) for p in caught.value.problems if p.severity is Severity.ERROR]


CORP = "{type: unit_created, unit: corp, name: Corp, kind: company}"
LAB = "{type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}"


def test_parent_cycle_names_both_links(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n" + event("e1", "2025-01-01", CORP, LAB),
            "b.yaml": "events:\n"
            + event("e2", "2025-02-01", "{type: unit_moved, unit: corp, parent: lab}"),
        }
    )
    (message,) = errors_of(root)
    assert message.startswith(f"{root / 'b.yaml'}:8:9: parent cycle: corp → lab → corp")
    assert f"the link lab → corp is set at {root / 'a.yaml'}:9:9" in message


def test_reporting_cycle_names_both_lines(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", "{type: reporting_line_set, person: bo, reports_to: ann}"),
            "b.yaml": "events:\n"
            + event("e2", "2025-02-01", "{type: reporting_line_set, person: cy, reports_to: bo}")
            + event("e3", "2025-03-01", "{type: reporting_line_set, person: ann, reports_to: cy}"),
        }
    )
    (message,) = errors_of(root)
    assert message.startswith(f"{root / 'b.yaml'}:15:9: reporting cycle: ann → cy → bo → ann")
    assert f"is set at {root / 'a.yaml'}:8:9" in message


def test_ending_a_role_before_it_starts_names_both(write_events: WriteEvents) -> None:
    end = "{type: role_ended, person: ann, unit: corp, title: CEO}"
    start = "{type: role_assigned, person: ann, unit: corp, title: CEO}"
    root = write_events(
        {
            "a.yaml": "events:\n" + event("e1", "2025-01-01", CORP) + event("e2", "2025-06", start),
            "b.yaml": "events:\n" + event("e3", "2025-03-01", end),
        }
    )
    (message,) = errors_of(root)
    assert message.startswith(
        f"{root / 'b.yaml'}:8:9: 'ann' does not hold 'CEO' in 'corp' on 2025-03-01"
    )
    assert f"assigned only later, in Jun 2025 ({root / 'a.yaml'}:15:9)" in message


def test_ending_a_role_twice_names_where_it_ended(write_events: WriteEvents) -> None:
    start = "{type: role_assigned, person: ann, unit: corp, title: CEO}"
    end = "{type: role_ended, person: ann, unit: corp, title: CEO}"
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP, start)
            + event("e2", "2025-02-01", end),
            "b.yaml": "events:\n" + event("e3", "2025-03-01", end),
        }
    )
    (message,) = errors_of(root)
    assert message.startswith(f"{root / 'b.yaml'}:8:9: 'ann' does not hold 'CEO'")
    assert f"assigned at {root / 'a.yaml'}:9:9" in message
    assert f"ended on 2025-02-01 ({root / 'a.yaml'}:16:9)" in message


def test_acting_on_a_dissolved_unit_names_the_dissolution(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP)
            + event("e2", "2025-02-01", "{type: unit_dissolved, unit: corp}"),
            "b.yaml": "events:\n"
            + event("e3", "2025-03-01", "{type: unit_renamed, unit: corp, name: New}"),
        }
    )
    (message,) = errors_of(root)
    assert message == (
        f"{root / 'b.yaml'}:8:36: unit 'corp' no longer exists here: it was dissolved on "
        f"2025-02-01 ({root / 'a.yaml'}:15:9)"
    )


def test_duplicate_ids_across_files_name_both(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n" + event("e1", "2025-01-01", CORP),
            "b.yaml": "events:\n" + event("e1", "2025-02-01"),
        }
    )
    _, problems = load_dataset(root)
    assert [str(p) for p in problems if p.severity is Severity.ERROR] == [
        f"{root / 'b.yaml'}:2:9: event id 'e1' is used twice (first at {root / 'a.yaml'}:2:9) "
        "(event ids must be unique across all files)"
    ]


def test_two_holders_of_a_single_holder_post_is_a_warning(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event(
                "e1",
                "2025-01-01",
                CORP,
                "{type: role_assigned, person: ann, unit: corp, title: CEO}",
            ),
            "b.yaml": "events:\n"
            + event(
                "e2", "2025-02-01", "{type: role_assigned, person: bo, unit: corp, title: CEO}"
            ),
        }
    )
    timeline = load_timeline(root)
    (warning,) = [str(p) for p in timeline.problems]
    assert warning.startswith(f"{root / 'b.yaml'}:8:9: warning: 'bo' and 'ann' both hold")
    assert f"(the other since 2025-01-01, {root / 'a.yaml'}:9:9)" in warning
    result = invoke("validate", str(root))
    assert result.exit_code == 0 and "1 warnings" in result.stdout
    assert invoke("show", "--events", str(root), "--at", "2025-03").exit_code == 0


def test_people_and_units_may_be_defined_in_any_file(write_events: WriteEvents) -> None:
    # The registry comes last in read order ("zz"), a unit is created in a later file but on
    # an earlier date: both are fine, because registries are read first and replay is by date.
    people = "people:\n  - {id: zed, name: Zed}\n"
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event(
                "e2", "2025-02-01", "{type: role_assigned, person: zed, unit: lab, title: Head}"
            ),
            "b.yaml": "events:\n" + event("e1", "2025-01-01", CORP, LAB),
            "zz.yaml": people,
        }
    )
    state = load_timeline(root).state_at(day("2025-02-01"))
    assert [(r.person, r.unit) for r in state.roles] == [("zed", "lab")]


def test_a_unit_used_before_it_is_created_names_the_creation(write_events: WriteEvents) -> None:
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", "{type: role_assigned, person: ann, unit: corp, title: X}"),
            "b.yaml": "events:\n" + event("e2", "2025-06-01", CORP),
        }
    )
    (message,) = errors_of(root)
    assert message == (
        f"{root / 'a.yaml'}:8:50: unit 'corp' does not exist yet on 2025-01-01; it is created on "
        f"2025-06-01 ({root / 'b.yaml'}:8:9) (a unit must be created by an event that replays "
        "earlier)"
    )


def test_future_events_are_allowed_and_shown_as_planned(write_events: WriteEvents) -> None:
    future = "2999-01-01"
    root = write_events(
        {
            "a.yaml": "events:\n"
            + event("e1", "2025-01-01", CORP)
            + event("e2", future, "{type: unit_renamed, unit: corp, name: Future Corp}")
        }
    )
    assert invoke("validate", str(root)).exit_code == 0
    now = invoke("show", "--events", str(root))
    assert now.exit_code == 0 and "Corp (company)" in now.stdout and "Future" not in now.stdout
    later = invoke("show", "--events", str(root), "--at", future)
    assert later.exit_code == 0 and "Future Corp (company)" in later.stdout
    timeline = invoke("timeline", "--events", str(root), env={"COLUMNS": "200"})
    line = next(line for line in timeline.stdout.splitlines() if "2999-01-01" in line)
    assert "(planned)" in line
    data = invoke("timeline", "--events", str(root), "--format", "json")
    planned = {e["id"]: e["planned"] for e in json.loads(data.stdout)["events"]}
    assert planned == {"e1": False, "e2": True}


# -- --debug, Ctrl-C and closed pipes ----------------------------------------------------------

BOOM = """\
import os, signal, sys, time
import reorg_cli.engine.timeline as timeline
mode = sys.argv.pop(1)
def boom(self, *args, **kwargs):
    if mode == "sigint":
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(20)
    raise RuntimeError("boom")
timeline.Timeline.state_at = boom
from reorg_cli.cli.app import main
sys.argv[0] = "reorg"
main()
"""


def run_boom(mode: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BOOM, mode, *args, "show", "--events", str(MINI)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )


def test_internal_errors_are_one_line_without_debug() -> None:
    result = run_boom("error")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "reorg: error: internal error: RuntimeError: boom (this is a bug; rerun with --debug "
        "and report the traceback)\n"
    )


def test_debug_prints_the_traceback() -> None:
    result = run_boom("error", "--debug")
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr


def test_debug_in_process_reraises(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(Timeline, "state_at", boom)
    with pytest.raises(RuntimeError, match="boom"):
        CliRunner().invoke(
            app, ["--debug", "show", "--events", str(MINI)], env=CLI_ENV, catch_exceptions=False
        )
    result = invoke("show", "--events", str(MINI))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("reorg: error: internal error: RuntimeError: boom")
    assert result.stderr.count("\n") == 1


def test_ctrl_c_exits_130_quietly() -> None:
    result = run_boom("sigint")
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "")


def test_keyboard_interrupt_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Timeline, "state_at", interrupt)
    result = invoke("show", "--events", str(MINI))
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "")


@pytest.fixture(scope="module")
def big_events() -> Iterator[Path]:
    """A few thousand events: output far larger than a pipe's buffer."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = ["people:", "  - {id: ann, name: Ann}", "events:"]
        lines += [
            f"  - {{id: e{i}, date: 2020-01-01, seq: {i}, title: Event number {i}, "
            f"confidence: confirmed, changes: [{{type: unit_created, unit: u{i}, "
            f"name: Unit {i}, kind: team}}, {{type: role_assigned, person: ann, unit: u{i}, "
            "title: Head}]}"
            for i in range(1500)
        ]
        (root / "big.yaml").write_text("\n".join(lines) + "\n")
        yield root


@pytest.mark.parametrize(
    "args",
    [
        ("timeline",),
        ("show", "--at", "2021"),
        ("show", "--at", "2021", "--format", "table"),
        ("show", "--at", "2021", "--format", "json"),
        ("diff", "2019", "2021"),
        ("history", "ann"),
        ("validate", "--format", "json"),
    ],
    ids=lambda args: "-".join(args),
)
def test_closed_pipe_on_large_output_exits_quietly(args: tuple[str, ...], big_events: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "reorg_cli", *args, "--events", str(big_events)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    try:
        stderr = process.stderr.read()
        code = process.wait(timeout=HANG_GUARD_SECONDS)
    finally:
        process.kill()
        process.stderr.close()
    # The only thing on stderr may be the coverage note (the queries reach past 2020-01-01).
    other = [line for line in stderr.splitlines() if not line.startswith(b"reorg: note: ")]
    assert (code, other) == (0, [])


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ("people:\n  - {id: 周, name: \x1b}\n".encode(), "x.yaml:2:19"),
        (b"\xef\xbb\xbfa: b\nc: \x07\n", "x.yaml:2:4"),
        ("a: 周\nb: ".encode() + b"\xff\n", "x.yaml:2:4"),
    ],
)
def test_reader_errors_are_positioned_by_both_parsers(
    data: bytes, where: str, loader_base: str
) -> None:
    with pytest.raises(YamlProblem) as caught:
        read_yaml_bytes(data, "x.yaml")
    assert str(caught.value.problem.location) == where
