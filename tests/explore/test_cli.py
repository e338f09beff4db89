"""``reorg explore`` on the command line: its options, its errors, and that no other command
pays for Textual."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, MINI


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=CLI_ENV)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_the_options_and_keys() -> None:
    code, out, _ = run("explore", "--help")
    assert code == 0
    for text in ("--at", "--min-confidence", "--events", "t today", "g go to a date", "? help"):
        assert text in out


def test_a_bad_date_is_a_usage_error_with_the_cli_message() -> None:
    code, out, err = run("explore", "--at", "2026-13", "--events", str(MINI))
    assert (code, out) == (2, "")
    assert (
        err
        == "reorg: error: invalid date for --at: '2026-13' is not a date: month 13 does not exist\n"
    )


def test_without_a_terminal_it_says_what_to_use_instead() -> None:
    code, out, err = run("explore", "--events", str(MINI))
    assert (code, out) == (2, "")
    assert err.startswith("reorg: error: reorg explore needs a terminal")
    assert "'reorg show'" in err


def test_other_commands_do_not_import_textual() -> None:
    script = (
        "import sys\n"
        "from reorg_cli.cli.app import app\n"
        "assert 'textual' not in sys.modules, 'textual imported at startup'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
