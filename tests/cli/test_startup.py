"""Typer without pydantic on the common path (reorg_cli.cli.speedups): same behaviour."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

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


#: What a warm ``reorg show`` must not import: the other commands, the other views' renderers
#: and results, and what only compiling needs (the explorer, YAML, pydantic, the loader and
#: compiler, the change records).
NOT_FOR_SHOW = {
    *(f"reorg_cli.cli.{name}" for name in ("diff", "history", "unit", "export", "validate")),
    "reorg_cli.output.render_history",
    "reorg_cli.output.render_details",
    "reorg_cli.engine.reports",
    "reorg_cli.engine.results_over_time",
    "reorg_cli.engine.compiler",
    "reorg_cli.events.loader",
    "reorg_cli.events.changes",
    "reorg_cli.events.records",
    "textual",
    "yaml",
    "click",  # Click itself, installed beside the copy Typer vendors (typer._click)
    "pydantic",
}

_IMPORTED = """
import sys
from reorg_cli.cli.app import main
sys.argv = ['reorg', 'show', '--at', '2025-06', '--events', *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(repr(sorted(sys.modules)), file=sys.stderr)
"""


def warm_modules(tmp_path: Path, script: str, options: list[str]) -> list[str]:
    """The modules ``script`` has imported when it ends, run on a warm cache of MINI."""
    env = {**os.environ, "REORG_CACHE_DIR": str(tmp_path)}
    for name, value in CLI_ENV.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    env.pop("REORG_NO_CACHE", None)
    for _ in range(2):  # the first run compiles the history, the second reads its cache
        result = subprocess.run(
            [sys.executable, "-c", script, str(MINI), *options],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
    modules: list[str] = ast.literal_eval(result.stderr.strip().splitlines()[-1])
    return modules


@pytest.mark.parametrize(
    "options", [[], ["--why"], ["--format", "json", "--why"]], ids=lambda o: " ".join(o)
)
def test_a_warm_show_imports_only_what_it_uses(tmp_path: Path, options: list[str]) -> None:
    modules = warm_modules(tmp_path, _IMPORTED, options)
    drawn_by = "reorg_cli.output.serialize" if "json" in options else "reorg_cli.output.render"
    assert "reorg_cli.cli.show" in modules and drawn_by in modules
    assert NOT_FOR_SHOW.isdisjoint(modules), NOT_FOR_SHOW & set(modules)
    # Evidence is read only for what shows it.
    assert ("reorg_cli.engine.evidence" in modules) == bool(options)


#: What a warm ``reorg history`` must not import: the other results (diffs, unit histories, the
#: chronicle, the git-like reports) and what only compiling needs.
NOT_FOR_HISTORY = {
    *(f"reorg_cli.cli.{name}" for name in ("show", "diff", "unit", "export", "validate")),
    "reorg_cli.output.render_details",
    "reorg_cli.engine.reports",
    "reorg_cli.engine.results_over_time",
    "reorg_cli.engine.compiler",
    "reorg_cli.events.loader",
    "reorg_cli.events.changes",
    "textual",
    "yaml",
    "pydantic",
}

_IMPORTED_HISTORY = _IMPORTED.replace(
    "['reorg', 'show', '--at', '2025-06', '--events', *sys.argv[1:]]",
    "['reorg', 'history', 'Ann Lee', '--events', *sys.argv[1:]]",
)


@pytest.mark.parametrize(
    "options",
    [[], ["--why"], ["--format", "json"], ["--format", "gantt"]],
    ids=lambda o: " ".join(o),
)
def test_a_warm_history_imports_only_what_it_uses(tmp_path: Path, options: list[str]) -> None:
    assert _IMPORTED_HISTORY != _IMPORTED
    modules = warm_modules(tmp_path, _IMPORTED_HISTORY, options)
    assert "reorg_cli.cli.history" in modules and "reorg_cli.engine.results_person" in modules
    assert NOT_FOR_HISTORY.isdisjoint(modules), NOT_FOR_HISTORY & set(modules)
