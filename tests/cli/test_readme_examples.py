"""The README's examples are real output: each ``$ reorg ...`` block, run on the bundled data
at 80 columns, prints exactly the lines shown (trailing spaces aside). A change of the data or
of the output that makes the README wrong fails here; regenerate the block with the command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"```\n\$ (reorg [^\n]*)\n(.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    """(command, shown output) of each README block that starts with ``$ reorg``."""
    found = []
    for command, shown in BLOCK.findall(README.read_text(encoding="utf-8")):
        found.append((command.split("  #")[0].strip(), shown))
    return found


def test_the_readme_has_its_three_examples() -> None:
    assert [shlex.split(command)[1] for command, _ in examples()] == ["show", "diff", "history"]


@pytest.mark.parametrize(("command", "shown"), examples(), ids=[c for c, _ in examples()])
def test_each_readme_example_is_real_output(command: str, shown: str) -> None:
    # Today is fixed past the data's coverage end (2026-06-17), where the README was made:
    # statuses and stale marks depend on it, and no test depends on the real clock.
    env = {**CLI_ENV, "COLUMNS": "80", "REORG_TODAY": "2026-11-30"}
    result = CliRunner().invoke(app, shlex.split(command)[1:], env=env)
    assert result.exit_code == 0, result.output
    real = [line.rstrip() for line in result.stdout.splitlines()]
    assert real == [line.rstrip() for line in shown.splitlines()]
