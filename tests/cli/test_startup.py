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
    ["--version"],
    ["diff", "2025", "2025-06", "--events", str(MINI)],
    ["diff", "2025-06", "2025", "--events", str(MINI)],
    [
        "diff",
        "2025",
        "2025-06",
        "--format",
        "json",
        "--min-confidence",
        "reported",
        "--why",
        "--events",
        str(MINI),
    ],
    ["history", "Ann Lee", "--format", "gantt", "--events", str(MINI)],
    ["history", "Ann Lee", "--format", "json", "--events", str(MINI)],
    ["unit", "corp", "--format", "json", "--events", str(MINI)],
    ["unit", "corp", "--why", "--events", str(MINI)],
    ["timeline", "--person", "Ann Lee", "--unit", "corp", "--events", str(MINI)],
    ["validate", str(MINI)],
    ["validate", "--format", "json", "--events", str(MINI)],
    ["sources", "--single-reported", "--events", str(MINI)],
    ["sources", "--format", "json", "--events", str(MINI)],
    ["event", "nope", "--events", str(MINI)],
    ["schema"],
    ["export", "--format", "mermaid", "--at", "2025", "--events", str(MINI)],
    ["export", "--format", "csv", "--events", str(MINI)],
    ["export", "--format", "timelinejs", "--group", "person", "--events", str(MINI)],
    ["export", "--format", "dot", "--group", "person", "--events", str(MINI)],
    ["import", "csv", "missing.csv", "--into", "x"],
    ["import", "popolo", "--help"],
]


@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a)[:40])
def test_the_cli_behaves_as_with_plain_typer(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = CliRunner().invoke(app, args, env=CLI_ENV)
    fast_build = getattr(core, "build_runtime_param")  # noqa: B009 - not exported
    if not getattr(fast_build, "reorg_fast", False):
        pytest.skip("the speed patch is off for this Typer version")
    monkeypatch.setattr(core, "build_runtime_param", fast_build.__wrapped__)
    plain = CliRunner().invoke(app, args, env=CLI_ENV)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (
        plain.exit_code,
        plain.stdout,
        plain.stderr,
    )


def test_the_patch_is_on_only_for_the_typer_it_was_written_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import typer

    from reorg_cli.cli import speedups

    assert speedups.supported(typer.__version__) == typer.__version__.startswith(
        speedups.WRITTEN_FOR
    )
    assert not speedups.supported("0.30.0")
    assert not speedups.supported("1.0.0")
    plain = getattr(core, "build_runtime_param")  # noqa: B009 - not exported
    monkeypatch.setattr(core, "build_runtime_param", getattr(plain, "__wrapped__", plain))
    monkeypatch.setattr(typer, "__version__", "0.30.0")
    speedups.install()
    assert not getattr(getattr(core, "build_runtime_param"), "reorg_fast", False)  # noqa: B009


def test_a_run_converts_only_the_command_it_invokes() -> None:
    import typer
    import typer.main

    group = typer.main.get_command(app)
    context = typer.Context(group)
    assert set(group.commands) == {"import"}  # type: ignore[attr-defined]
    assert group.get_command(context, "show") is not None  # type: ignore[attr-defined]
    assert set(group.commands) == {"import", "show"}  # type: ignore[attr-defined]
    assert group.get_command(context, "nonsense") is None  # type: ignore[attr-defined]
    listed = group.list_commands(context)  # type: ignore[attr-defined]
    assert listed[0] == "show" and listed[-1] == "import" and len(listed) == 21
