"""The pager, as git does it: on a terminal, through $PAGER (default less -FRX); off with
--no-pager, REORG_PAGER= or PAGER=; never when piped or for JSON."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reorg_cli.cli import common
from reorg_cli.cli.common import DEFAULT_PAGER, page, pager_command


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, DEFAULT_PAGER),
        ({"PAGER": "more"}, "more"),
        ({"PAGER": "more", "REORG_PAGER": "less -S"}, "less -S"),
        ({"PAGER": ""}, None),
        ({"PAGER": "more", "REORG_PAGER": ""}, None),
        ({"REORG_PAGER": "cat"}, None),
    ],
)
def test_the_pager_command(environ: dict[str, str], expected: str | None) -> None:
    assert pager_command(environ) == expected


def test_page_sends_the_text_through_the_pager(tmp_path: Path) -> None:
    out = tmp_path / "paged.txt"
    assert page("周靖人\nline 2\n", f"cat > {out}")
    assert out.read_text(encoding="utf-8") == "周靖人\nline 2\n"
    assert not page("x", "no-such-pager-anywhere-14")  # not started: the caller prints


def test_print_out_pages_only_a_tall_text_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.text import Text

    seen: list[str] = []

    def fake_page(text: str, command: str) -> bool:
        seen.append(text)
        return True

    monkeypatch.setattr(common, "page", fake_page)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("REORG_PAGER", "less")
    monkeypatch.setattr(common.settings, "color", common.ColorMode.always)
    tall = Text("\n".join(f"line {n}" for n in range(500)))
    common.print_out(tall)
    assert len(seen) == 1 and "line 499" in seen[0]
    monkeypatch.setattr(common.settings, "pager", False)  # --no-pager
    common.print_out(tall)
    assert len(seen) == 1


def test_never_when_piped(tmp_path: Path) -> None:
    marker = tmp_path / "paged"
    env = {**os.environ, "REORG_PAGER": f"touch {marker}; cat", "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "reorg_cli", "timeline"], capture_output=True, env=env, check=False
    )
    assert done.returncode == 0 and b"Timeline" in done.stdout
    assert not marker.exists()
