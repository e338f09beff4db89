"""Screenshots of the explorer (pytest-textual-snapshot): the mini fixture and the bundled data
at 80x24 and 160x48. Update with ``pytest tests/explore --snapshot-update`` and look at them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from tests.explore.helpers import app

SnapCompare = Callable[..., bool]

SMALL, LARGE = (80, 24), (160, 48)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])
def test_mini(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(app("2025-03"), terminal_size=size)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])
def test_bundled_after_a_step(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(app("2026-04-07", bundled=True), terminal_size=size, press=["right"])


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "160x48"])
def test_bundled_person_history(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    keys: Iterable[str] = ["slash", *"周靖人", "enter"]
    assert snap_compare(app("2026-04-08", bundled=True), terminal_size=size, press=keys)


def test_help(snap_compare: SnapCompare) -> None:
    assert snap_compare(app("2025-03"), terminal_size=SMALL, press=["question_mark"])


def test_no_color(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(app("2025-03"), terminal_size=SMALL, press=["right"])
