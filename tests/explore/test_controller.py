"""The explorer's model without a terminal: stops, steps, marks, search, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reorg_cli.events.dates import DateSyntaxError, Precision
from reorg_cli.events.model import Confidence
from reorg_cli.explore.controller import (
    MARK_ADDED,
    MARK_CHANGED,
    MARK_INSIDE,
    display_date,
    parse_prompt_date,
    shift_months,
)
from tests.explore.helpers import MINI, TODAY, explorer


def day(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal()


def test_stops_are_the_last_day_of_each_event_date_at_its_precision() -> None:
    model = explorer("2025-01-01")
    assert model.stops == [day("2024-01-15"), day("2025-03-31"), day("2025-06-01")]
    assert model.stop_precision[day("2025-03-31")] is Precision.MONTH
    assert model.coverage_end == day("2030-12-31")


def test_steps_and_their_diffs() -> None:
    model = explorer("2025-01-01")
    assert model.next_event()
    assert (model.day, model.date_label) == (day("2025-03-31"), "2025-03 (to 2025-03-31)")
    assert model.baseline == day("2025-01-01")
    assert [c.type for c in model.changes()] == ["unit_changed", "role_added"]
    assert model.unit_marks_with_contents() == {"lab": MARK_CHANGED, "corp": MARK_INSIDE}
    assert model.entry_marks() == {("role", "cy", "lab", "CTO"): MARK_ADDED}
    assert model.next_event()
    assert model.day == day("2025-06-01")
    assert not model.next_event()
    assert model.previous_event() and model.day == day("2025-03-31")
    assert model.previous_event() and model.day == day("2024-01-15")
    assert not model.previous_event()


def test_a_removed_unit_marks_its_parent() -> None:
    model = explorer("2025-06-01")
    model.go_to(day("2023-01-01"))
    assert model.unit_marks_with_contents() == {}
    assert next(c.type for c in model.changes()) == "unit_removed"


def test_start_shows_the_changes_of_the_latest_stop() -> None:
    model = explorer("2025-06-01")
    assert model.baseline == day("2025-03-31")
    assert model.changes()[0].summary == "Tech Committee (committee) created under Example Corp"
    before_all = explorer("2020-01-01")
    assert before_all.baseline is None and before_all.changes() == ()
    assert before_all.before_first_event


def test_months_years_today_and_typed_dates() -> None:
    model = explorer("2024-03-31")
    model.move_months(-1)
    assert model.day == day("2024-02-29")
    model.move_years(1)
    assert model.day == day("2025-02-28")
    model.go_today()
    assert model.day == TODAY and not model.past_coverage
    model.go_to_text("2031-01")
    assert model.past_coverage and model.coverage_note is not None
    model.go_to_text("2024")
    assert model.date_label == "2024 (to 2024-12-31)"
    with pytest.raises(DateSyntaxError, match="is ambiguous"):
        model.go_to_text("03/04/2024")


def test_shift_months_clamps_at_the_calendar_ends() -> None:
    assert shift_months(day("0001-01-15"), -1) == day("0001-01-01")
    assert shift_months(day("9999-12-15"), 1) == day("9999-12-31")
    assert display_date(day("2026-04-08"), Precision.DAY) == "2026-04-08"


def test_prompt_dates_have_the_cli_messages() -> None:
    with pytest.raises(DateSyntaxError, match="no date given"):
        parse_prompt_date("  ", TODAY)
    with pytest.raises(DateSyntaxError) as err:
        parse_prompt_date("2026-02-30", TODAY)
    assert str(err.value) == "'2026-02-30' is not a date: Feb 2026 has days 01 to 28"
    assert parse_prompt_date("today", TODAY).day == TODAY


def test_confidence_filter_cycles() -> None:
    model = explorer("2025-03")
    assert "lab" in model.state.units
    assert model.cycle_min_confidence() is Confidence.REPORTED
    assert model.cycle_min_confidence() is Confidence.CONFIRMED
    assert model.state.units["lab"].name == "Research Lab"
    assert model.cycle_min_confidence() is Confidence.UNCERTAIN


def test_search_matches_names_in_any_script_and_ranks_exact_first() -> None:
    model = explorer("2025-06-01")
    assert [(h.kind, h.id) for h in model.search("李安")] == [("person", "ann")]
    assert [(h.kind, h.id) for h in model.search("annie")] == [("person", "ann")]
    hits = model.search("lab")
    assert hits[0].kind == "unit" and hits[0].id == "lab"
    assert ("event", "lab-upgrade") in [(h.kind, h.id) for h in hits]
    assert model.search("  ") == []
    assert model.search("zzz") == []


def test_cached_event_windows_match_the_compiled_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reorg_cli.engine.cache import load_timeline_cached
    from reorg_cli.engine.timeline import load_timeline

    monkeypatch.setenv("REORG_CACHE_DIR", str(tmp_path))
    load_timeline_cached(MINI, use_cache=True)
    cached = load_timeline_cached(MINI, use_cache=True)
    expected = load_timeline(MINI).event_windows()
    assert cached.event_windows() == expected
    assert [event for event, _ in expected] == ["founding", "lab-upgrade", "committee"]
