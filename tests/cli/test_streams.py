"""The standard streams and the environment a run is given: a closed or full stdout, an
unwritable stderr, COLUMNS that is not a width, arguments that are not UTF-8, an ASCII-only
output encoding, names longer than the system allows, escapes in echoed paths, the pager.

Each runs the real program (``python -m reorg_cli``) through ``/bin/sh`` for its redirections.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from reorg_cli import __version__
from reorg_cli.cli.common import page
from tests.conftest import FIXTURES, MINI

ROOT = Path(__file__).resolve().parents[2]
HR_50 = FIXTURES / "hr" / "hr-50.csv"
#: Not a performance threshold: only a guard so a hang fails instead of blocking CI.
HANG_GUARD_SECONDS = 60
FULL = "/dev/full"
needs_dev_full = pytest.mark.skipif(not os.path.exists(FULL), reason="no /dev/full")

STDOUT_CLOSED = "reorg: error: cannot write to standard output: it is closed\n"
STDOUT_FULL = "reorg: error: cannot write to standard output: No space left on device\n"


def env_for(**extra: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REORG_EVENTS", "FORCE_COLOR", "COLUMNS", "LINES", "REORG_DEBUG")
    }
    env.update({"NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "100", "PYTHONIOENCODING": ""})
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def sh(
    args: Sequence[str | bytes], redirect: str = "", **env: str | None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m reorg_cli ARGS REDIRECT`` run by the shell (what is not redirected is
    captured)."""
    words = [os.fsdecode(a) for a in [sys.executable, "-m", "reorg_cli", *args]]
    command = "exec " + " ".join(shlex.quote(w) for w in words) + " " + redirect
    return subprocess.run(
        ["/bin/sh", "-c", command],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env_for(**env),
        cwd=ROOT,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )


def err_of(run: subprocess.CompletedProcess[bytes]) -> str:
    text = run.stderr.decode("utf-8")
    assert "Traceback" not in text and "internal error" not in text, text
    return text


# -- 1. COLUMNS that is not a width --------------------------------------------------------------


@pytest.mark.parametrize("columns", ["0", "00", "²", "-3", "wide"])
def test_a_columns_that_is_not_a_positive_number_is_ignored(columns: str) -> None:
    shown = sh(["show", "--events", str(MINI)], COLUMNS=columns)
    assert shown.returncode == 0, err_of(shown)
    assert b"Organization on" in shown.stdout
    unknown = sh(["history", "nobody", "--events", str(MINI)], COLUMNS=columns)
    assert unknown.returncode == 1
    assert "reorg: error: no person called 'nobody'" in err_of(unknown)
    bad = sh(["show", "--at", "bad", "--events", str(MINI)], COLUMNS=columns, LINES="0")
    assert bad.returncode == 2
    assert "reorg: error: invalid date for --at: 'bad' is not a date" in err_of(bad)


def test_a_huge_columns_is_capped_at_the_widest_layout() -> None:
    run = sh(["history", "ann", "--events", str(MINI), "-f", "gantt"], COLUMNS="1000000")
    assert run.returncode == 0, err_of(run)
    lines = run.stdout.decode("utf-8").splitlines()
    assert lines and max(len(line) for line in lines) <= 1000


# -- 2. a closed or full stdout ------------------------------------------------------------------


def test_a_closed_stdout_is_one_line_when_the_command_needs_it() -> None:
    run = sh(["show", "--events", str(MINI)], ">&-")
    assert (run.returncode, err_of(run)) == (1, STDOUT_CLOSED)
    as_json = sh(["show", "--events", str(MINI), "-f", "json"], ">&-")
    assert (as_json.returncode, err_of(as_json)) == (1, STDOUT_CLOSED)


@needs_dev_full
def test_a_full_stdout_is_one_line() -> None:
    run = sh(["show", "--events", str(MINI)], f">{FULL}")
    assert (run.returncode, err_of(run)) == (1, STDOUT_FULL)
    as_json = sh(["show", "--events", str(MINI), "-f", "json"], f">{FULL}")
    assert (as_json.returncode, err_of(as_json)) == (1, STDOUT_FULL)


@pytest.mark.parametrize("redirect", [">&-", f">{FULL}"])
def test_a_command_that_writes_a_file_needs_no_stdout(tmp_path: Path, redirect: str) -> None:
    if FULL in redirect and not os.path.exists(FULL):
        pytest.skip("no /dev/full")
    page_file, csv_file, into = tmp_path / "p.html", tmp_path / "x.csv", tmp_path / "n"
    for args in (
        ["export", "-f", "csv", "-o", str(csv_file), "--events", str(MINI)],
        ["publish", "-o", str(page_file), "--events", str(MINI)],
        ["import", "csv", str(HR_50), "--into", str(into)],
        ["new", "x", "-d", "2026-01-01", "--events", str(tmp_path)],
    ):
        run = sh(args, redirect)
        assert (run.returncode, err_of(run)) == (0, ""), args
    assert csv_file.is_file() and page_file.is_file() and len(list(into.iterdir())) == 28
    assert (tmp_path / "2026-01-01-x.yaml").is_file()


def test_a_reader_that_leaves_early_is_still_quiet() -> None:
    script = f"{shlex.quote(sys.executable)} -m reorg_cli show -f json --events {MINI} | head -c 1"
    run = subprocess.run(
        ["/bin/sh", "-c", script],
        capture_output=True,
        env=env_for(),
        cwd=ROOT,
        timeout=HANG_GUARD_SECONDS,
        check=False,
    )
    assert (run.stdout, err_of(run)) == (b"{", "")


# -- 3. --help and --version (run by Click, outside the commands' boundary) -----------------------


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["show", "-h"], ["import", "-h"]])
def test_help_and_version_to_a_closed_or_full_stdout(args: list[str]) -> None:
    closed = sh(args, ">&-")
    assert (closed.returncode, err_of(closed)) == (1, STDOUT_CLOSED)
    if os.path.exists(FULL):
        full = sh(args, f">{FULL}")
        assert (full.returncode, err_of(full)) == (1, STDOUT_FULL)


def test_version_still_prints() -> None:
    run = sh(["--version"])
    assert (run.returncode, run.stdout, run.stderr) == (0, f"reorg {__version__}\n".encode(), b"")


# -- 4. an unwritable stderr ---------------------------------------------------------------------


@pytest.mark.parametrize("redirect", ["2>&-", f"2>{FULL}"])
def test_an_unwritable_stderr_drops_the_note_and_keeps_the_result(redirect: str) -> None:
    if FULL in redirect and not os.path.exists(FULL):
        pytest.skip("no /dev/full")
    # A date after the data's coverage end: a note on stderr, then the tree on stdout.
    run = sh(["show", "--at", "2031-01-01", "--events", str(MINI)], redirect)
    assert run.returncode == 0
    assert b"Organization on 2031-01-01" in run.stdout
    history = sh(["history", "ann", "--events", str(MINI)], redirect)
    assert history.returncode == 0
    assert b"Ann" in history.stdout
    failed = sh(["history", "nobody", "--events", str(MINI)], redirect)
    assert (failed.returncode, failed.stdout) == (1, b"")
    usage = sh(["show", "--no-such-option"], redirect)
    assert (usage.returncode, usage.stdout) == (2, b"")


# -- 5. arguments that are not UTF-8 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ([b"history", b"\xff"], "\\xff"),
        ([b"unit", b"a\xffb"], "a\\xffb"),
        ([b"blame", b"\xff"], "\\xff"),
        ([b"event", b"\xff"], "\\xff"),
        ([b"when", b"\xff exists"], "\\xff exists"),
        ([b"publish", b"-o", b"p.html", b"--force", b"--title", b"\xe5\x91\xa8\xff"], "周\\xff"),
    ],
)
def test_an_argument_that_is_not_utf8_is_a_usage_error(args: list[bytes], shown: str) -> None:
    run = sh([*args])
    assert (run.returncode, run.stdout) == (2, b"")
    assert err_of(run).startswith(f"reorg: error: argument '{shown}' is not valid UTF-8 (")


# -- 6. an output encoding that cannot hold every character --------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_ascii_or_latin1_stdout_degrades(encoding: str) -> None:
    run = sh(["people", "--events", str(MINI)], PYTHONIOENCODING=encoding)
    assert run.returncode == 0, err_of(run)
    run.stdout.decode(encoding)  # only what the encoding holds
    history = sh(["history", "zhou-jingren"], PYTHONIOENCODING=encoding)
    assert history.returncode == 0, err_of(history)
    assert b"\\u5468\\u9756\\u4eba" in history.stdout  # 周靖人, written as escapes


# -- 8. names longer than the system allows ------------------------------------------------------


def test_a_directory_name_too_long_is_a_usage_error(tmp_path: Path) -> None:
    long = str(tmp_path / ("d" * 300))
    run = sh(["import", "csv", str(HR_50), "--into", long])
    assert (run.returncode, run.stdout) == (2, b"")
    message = err_of(run)
    assert message.startswith("reorg: error: --into '") and len(message.splitlines()) == 1
    assert "…': a name in it is too long for this system (use a shorter name" in message
    new = sh(["new", "x", "-d", "2026-01-01", "--events", long])
    assert (new.returncode, new.stdout) == (2, b"")
    assert err_of(new).startswith("reorg: error: --events '")
    assert "too long for this system" in err_of(new)


# -- 9. escapes in the success lines -------------------------------------------------------------


def test_paths_in_success_lines_have_their_escapes_made_visible(tmp_path: Path) -> None:
    into = tmp_path / "\x1b[31mx"
    run = sh(["import", "csv", str(HR_50), "--into", str(into)])
    assert run.returncode == 0, err_of(run)
    assert b"\x1b" not in run.stdout and b"\\u001b[31mx" in run.stdout
    folder = tmp_path / "\x1b[32md"
    folder.mkdir()
    new = sh(["new", "y", "-d", "2026-01-01", "--events", str(folder)])
    assert new.returncode == 0, err_of(new)
    assert b"\x1b" not in new.stdout and b"wrote " in new.stdout and b"\\u001b[32md" in new.stdout


# -- 10. the pager -------------------------------------------------------------------------------


def test_a_pager_program_that_is_not_found_is_skipped_without_the_shells_message(
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert not page("text\n", "no-such-pager-anywhere-14 -R")
    assert capfd.readouterr().err == ""
    assert page("", "true")  # found and run


# -- 11. long names echoed in errors, and their hint ---------------------------------------------


def test_an_unknown_name_is_echoed_short_with_a_hint() -> None:
    run = sh(["history", "nobody", "--events", str(MINI)])
    assert err_of(run) == (
        "reorg: error: no person called 'nobody' ('reorg people' lists them; "
        "'reorg search NAME' finds any name or part of one)\n"
    )
    long = sh(["unit", "q" * 10_000, "--events", str(MINI)])
    assert long.returncode == 1
    assert err_of(long) == (
        "reorg: error: no unit called '" + "q" * 80 + "…' ('reorg units' lists them; "
        "'reorg search NAME' finds any name or part of one)\n"
    )


def test_blame_and_event_echo_an_unknown_name_short_with_a_hint() -> None:
    """They raised their own "no … called" and echoed the whole argument, with no hint."""
    blamed = sh(["blame", "q" * 10_000, "--events", str(MINI)])
    assert blamed.returncode == 1
    assert err_of(blamed) == (
        "reorg: error: no unit or person called '" + "q" * 80 + "…' ('reorg units' and "
        "'reorg people' list them; 'reorg search NAME' finds any name or part of one)\n"
    )
    event = sh(["event", "q" * 10_000, "--events", str(MINI)])
    assert event.returncode == 1
    assert err_of(event) == (
        "reorg: error: no event called '" + "q" * 80 + "…' ('reorg timeline' or "
        "'reorg log' lists the events)\n"
    )
