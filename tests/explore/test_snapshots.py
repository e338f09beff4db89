"""Screenshots of the explorer, as Textual's own SVG export draws them: the mini fixture and the
bundled data at 80x24 and 160x48, and with NO_COLOR. After a deliberate change of the screen,
run ``REORG_UPDATE_SNAPSHOTS=1 pytest tests/explore/test_snapshots.py`` and look at the SVGs in
``tests/explore/snapshots/`` before committing them."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from reorg_cli.explore.app import ExploreApp
from tests.explore.helpers import app

SNAPSHOTS = Path(__file__).parent / "snapshots"
SMALL, LARGE = (80, 24), (160, 48)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])


def screenshot(explore: ExploreApp, size: tuple[int, int], press: Iterable[str] = ()) -> str:
    """The app's SVG screenshot at ``size`` after pressing ``press``."""

    async def take() -> str:
        async with explore.run_test(size=size) as pilot:
            await pilot.pause()
            for key in press:
                await pilot.press(key)
            await pilot.pause()
            return explore.export_screenshot(title="reorg explore")

    return asyncio.run(take())


def check(name: str, svg: str) -> None:
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("REORG_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(svg, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path.name}: run with REORG_UPDATE_SNAPSHOTS=1"
    assert svg == path.read_text(encoding="utf-8"), f"the screen differs from {path.name}"


@SIZES
def test_mini(size: tuple[int, int]) -> None:
    check(f"mini-{size[0]}x{size[1]}", screenshot(app("2025-03"), size))


@SIZES
def test_bundled_after_a_step(size: tuple[int, int]) -> None:
    svg = screenshot(app("2026-04-07", bundled=True), size, ["right"])
    check(f"bundled-step-{size[0]}x{size[1]}", svg)


@SIZES
def test_bundled_person_history(size: tuple[int, int]) -> None:
    svg = screenshot(app("2026-04-08", bundled=True), size, ["slash", *"周靖人", "enter"])
    check(f"bundled-history-{size[0]}x{size[1]}", svg)


def test_help() -> None:
    check("help-80x24", screenshot(app("2025-03"), SMALL, ["question_mark"]))


def test_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    check("no-color-80x24", screenshot(app("2025-03"), SMALL, ["right"]))
