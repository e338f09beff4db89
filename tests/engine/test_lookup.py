"""Looking a person or unit up by id or exact name is two indexed queries; only a query
that is neither reads every name (for the close and partial matches)."""

from __future__ import annotations

import pytest

from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.errors import UnknownNameError
from tests.conftest import MINI


@pytest.fixture
def timeline() -> Timeline:
    return load_timeline(MINI)


def test_ids_and_exact_names_do_not_read_every_name(
    timeline: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_every_name() -> None:
        raise AssertionError("an exact lookup read every name")

    monkeypatch.setattr(timeline, "_build_indexes", read_every_name)
    assert timeline.find_person(" ann ").id == "ann"
    assert timeline.find_person("ANN lee").id == "ann"
    assert timeline.find_unit("lab") == "lab"
    assert timeline.find_unit("研究实验室") == "lab"
    assert timeline.find_unit("research-lab") == "lab"


def test_other_queries_still_get_the_full_search(timeline: Timeline) -> None:
    assert timeline.find_person("Ann").id == "ann"  # a partial name
    with pytest.raises(UnknownNameError):
        timeline.find_person("Zed Nobody")
