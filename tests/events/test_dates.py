"""Partial dates, date windows and command-line dates."""

from __future__ import annotations

import datetime as dt

import pytest

from reorg_cli.events.dates import (
    NEG_INF,
    POS_INF,
    DateSyntaxError,
    Precision,
    WindowKind,
    parse_partial,
    parse_query_date,
    parse_window,
)


def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


@pytest.mark.parametrize(
    ("text", "precision", "display", "first", "last"),
    [
        ("2026-04-08", Precision.DAY, "2026-04-08", "2026-04-08", "2026-04-08"),
        ("2026-04", Precision.MONTH, "Apr 2026", "2026-04-01", "2026-04-30"),
        ("2024-02", Precision.MONTH, "Feb 2024", "2024-02-01", "2024-02-29"),
        ("2026", Precision.YEAR, "2026", "2026-01-01", "2026-12-31"),
    ],
)
def test_partial_dates_keep_their_precision(
    text: str, precision: Precision, display: str, first: str, last: str
) -> None:
    date = parse_partial(text)
    assert date.precision is precision
    assert date.iso() == text
    assert date.display() == display
    assert iso(date.first_day()) == first
    assert iso(date.last_day()) == last


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-13",
        "2026-00",
        "0000",
        "2026-3-1",
        "03/04/2026",
        " 2026",
        "10000-01-01",
        "2026-04-08T10:00",
        "",
        "2026-02-29",
    ],
)
def test_impossible_or_malformed_dates_are_rejected(text: str) -> None:
    with pytest.raises(DateSyntaxError):
        parse_partial(text)


def test_windows() -> None:
    by = parse_window("by 2025-06-23")
    assert (by.kind, by.lo, iso(by.hi)) == (WindowKind.BY, NEG_INF, "2025-06-23")
    assert by.display() == "by 2025-06-23"
    after = parse_window("after 2026-03-16")
    assert (iso(after.lo), after.hi) == ("2026-03-17", POS_INF)
    between = parse_window("between 2024-04 and 2025-06-23")
    assert (iso(between.lo), iso(between.hi)) == ("2024-04-01", "2025-06-23")
    assert between.display() == "between Apr 2024 and 2025-06-23"
    unknown = parse_window("unknown")
    assert (unknown.lo, unknown.hi, unknown.display()) == (NEG_INF, POS_INF, "date unknown")
    month = parse_window("2026-03")
    assert month.text() == "2026-03" and month.sort_day == month.lo


@pytest.mark.parametrize(
    "text", ["by", "after 2026-13", "between 2026 and", "between 2026-05 and 2026-04", "soon"]
)
def test_bad_windows(text: str) -> None:
    with pytest.raises(DateSyntaxError):
        parse_window(text)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2026-04-08", "2026-04-08", Precision.DAY),
        ("2026-04", "2026-04-30", Precision.MONTH),  # a partial date means the period's end
        ("2026", "2026-12-31", Precision.YEAR),
        ("2024-02", "2024-02-29", Precision.MONTH),
        ("April 8, 2026", "2026-04-08", Precision.DAY),
        ("8 Apr 2026", "2026-04-08", Precision.DAY),
        ("Apr 2026", "2026-04-30", Precision.MONTH),
        ("  2026-04-08 ", "2026-04-08", Precision.DAY),
    ],
)
def test_query_dates(text: str, expected: str, precision: Precision) -> None:
    query = parse_query_date(text)
    assert query.iso() == expected
    assert query.precision is precision


def test_query_date_start_is_the_first_day_of_the_period() -> None:
    assert iso(parse_query_date("2026-04").start) == "2026-04-01"
    assert iso(parse_query_date("2026").start) == "2026-01-01"


def test_today_is_today() -> None:
    assert parse_query_date("today", dt.date(2026, 3, 31)).iso() == "2026-03-31"


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "03/04/2026",
        "4/8/26",
        "April 2026 8 12",
        "April 8",
        "8 April",
        "1A2B",
        "next tuesday",
        "",
        "2026-04-08 10:00",
        "Smarch 8, 2026",
        "April 31, 2026",
    ],
)
def test_bad_or_ambiguous_query_dates_are_errors_not_guesses(text: str) -> None:
    with pytest.raises(DateSyntaxError):
        parse_query_date(text)
