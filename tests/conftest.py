"""Shared fixtures: small event directories written from Python, and a pinned CLI runner.

Determinism (docs/reliability.md, "Deterministic tests"): every test sees the same "today"
(``REORG_TODAY``, set here before anything runs) and Hypothesis runs derandomized: the same
commit passes or fails the same way on every run. ``make explore`` selects the random,
much longer "explore" profile through ``REORG_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date

#: The "today" of every test (any fixed day after the bundled data's last event).
TEST_TODAY = "2026-11-29"
os.environ["REORG_TODAY"] = TEST_TODAY

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
#: ``make test``: the same examples on every run, no timing, no example database.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
#: ``make explore``: a fresh random seed and many more examples each run (tests/explore.py).
settings.register_profile(
    "explore",
    derandomize=False,
    deadline=None,
    max_examples=int(os.environ.get("REORG_EXPLORE_EXAMPLES", "500")),
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
HYPOTHESIS_PROFILE = os.environ.get("REORG_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(count: int) -> int:
    """Examples for a property: ``count`` in ``make test``, the explore profile's (more) in
    ``make explore``."""
    profile = settings.get_profile(HYPOTHESIS_PROFILE)
    return max(count, profile.max_examples)


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
    os.environ["REORG_CACHE_DIR"] = str(tmp_path_factory.mktemp("reorg-cache"))
    if not os.environ.get("REORG_MUTATING"):  # make mutate turns the cache off on purpose
        os.environ.pop("REORG_NO_CACHE", None)
        return
    # mutmut forks each mutant's test run from a process that already ran the whole suite, so
    # memoized date windows would hand a mutant the windows the unmutated code parsed.
    from reorg_cli.engine.store import window
    from reorg_cli.events.dates import parse_window

    parse_window.cache_clear()
    window.cache_clear()


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with the same "today"; a test may set another with monkeypatch."""
    monkeypatch.setenv("REORG_TODAY", TEST_TODAY)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``make explore`` (REORG_EXPLORE=1), run only the property tests."""
    if not os.environ.get("REORG_EXPLORE"):
        return
    chosen: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        is_property = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
        (chosen if is_property else dropped).append(item)
    items[:] = chosen
    config.hook.pytest_deselected(items=dropped)


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


#: :data:`TEST_TODAY` as a day ordinal, for the queries and exports that are handed "today".
TODAY = day(TEST_TODAY)


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
