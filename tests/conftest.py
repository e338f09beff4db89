"""Shared fixtures: small event directories written from Python, and a pinned CLI runner."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"

PEOPLE = """\
people:
  - {id: ann, name: Ann Lee, names: {zh: 李安}, aliases: [Annie]}
  - {id: bo, name: Bo Chen}
  - {id: cy, name: Cy Wu}
sources:
  - {id: s1, url: "https://example.com/1", publisher: Example}
"""

WriteEvents = Callable[..., Path]


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests (and the processes they start) never touch the user's compiled-timeline cache."""
    import os

    os.environ["REORG_CACHE_DIR"] = str(tmp_path_factory.mktemp("reorg-cache"))
    os.environ.pop("REORG_NO_CACHE", None)


@pytest.fixture
def write_events(tmp_path: Path) -> WriteEvents:
    """Write files (name -> YAML text) into a fresh events directory; people included."""

    def write(files: dict[str, str] | None = None, *, people: str = PEOPLE, **named: str) -> Path:
        root = tmp_path / "events"
        root.mkdir(exist_ok=True)
        all_files = {"people.yaml": people, **(files or {}), **named}
        for name, text in all_files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return write


def day(text: str) -> int:
    """The ordinal of a query date."""
    return parse_query_date(text).day


@pytest.fixture(scope="session")
def mini() -> Timeline:
    """The hand-written mini organization in tests/fixtures/mini."""
    return load_timeline(MINI)


CLI_ENV: dict[str, str | None] = {
    "NO_COLOR": "1",
    "COLUMNS": "100",
    "TERM": "dumb",
    "REORG_EVENTS": None,
    "FORCE_COLOR": None,
}
