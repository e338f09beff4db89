"""Typer without pydantic on the common path (reorg_cli.cli.speedups): same behaviour."""

from __future__ import annotations

import pytest
from typer import core
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from tests.conftest import CLI_ENV, MINI

ARGS = [
    ["show", "--at", "2025-06", "--events", str(MINI)],
    ["show", "--at", "2025-06", "--format", "json", "--events", str(MINI)],
    ["show", "--format", "xml", "--events", str(MINI)],
    ["show", "--format", "JSON", "--events", str(MINI)],
    ["show", "--depth", "0", "--events", str(MINI)],
    ["show", "--depth", "1", "--at", "2025-06", "--events", str(MINI)],
    ["show", "--depth", "x", "--events", str(MINI)],
    ["show", "--depth", "+2", "--at", "2025-06", "--events", str(MINI)],
    ["show", "--min-confidence", "confirmed", "--at", "2025-06", "--events", str(MINI)],
    ["show", "--events", "", "--at", "2025"],
    ["--color", "sometimes", "show"],
    ["--color", "never", "history", "Ann Lee", "--events", str(MINI)],
    ["history", "nobody", "--events", str(MINI)],
    ["timeline", "--from", "2025", "--to", "2025-06", "--events", str(MINI)],
    ["synth", "--help"],
    ["--version"],
]


@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a)[:40])
def test_the_cli_behaves_as_with_plain_typer(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = CliRunner().invoke(app, args, env=CLI_ENV)
    fast_build = getattr(core, "build_runtime_param")  # noqa: B009 - not exported
    assert getattr(fast_build, "reorg_fast", False)
    monkeypatch.setattr(core, "build_runtime_param", fast_build.__wrapped__)
    plain = CliRunner().invoke(app, args, env=CLI_ENV)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (
        plain.exit_code,
        plain.stdout,
        plain.stderr,
    )


ENTRY = [
    ["show", "--help"],
    ["--help"],
    ["sho"],
    ["import", "--help"],
    ["--color", "never", "show", "--at", "2025-06", "--events", str(MINI)],
    ["--debug", "history", "nobody", "--events", str(MINI)],
]


@pytest.mark.parametrize("args", ENTRY, ids=lambda a: " ".join(a)[:40])
def test_the_console_script_registers_only_the_invoked_command(args: list[str]) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"}
    script = subprocess.run(
        [sys.executable, "-m", "reorg_cli", *args], capture_output=True, text=True, env=env
    )
    code = (
        "import sys\nfrom reorg_cli.cli.app import app\napp(prog_name='reorg', args=sys.argv[1:])"
    )
    whole = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    assert (script.returncode, script.stdout, script.stderr) == (
        whole.returncode,
        whole.stdout,
        whole.stderr,
    )
