"""Partial dates, date windows and command-line dates."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest

from reorg_cli.events.dates import (
    NEG_INF,
    POS_INF,
    DateSyntaxError,
    Precision,
    WindowKind,
    days_in_month,
    parse_partial,
    parse_query_date,
    parse_window,
    today_date,
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a date: Feb 2026 has days 01 to 28"),
        ("2026-13", "'2026-13' is not a date: month 13 does not exist"),
        ("2026-00", "'2026-00' is not a date: month 00 does not exist"),
        ("0000", "'0000' is not a date: year 0000 does not exist"),
        (
            "2026-3-1",
            "'2026-3-1' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2026-04-08)",
        ),
    ],
)
def test_a_bad_partial_date_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_partial(text)
    assert str(caught.value) == message


_WINDOW_FORMS = (
    "write 2026-04-08, 2026-04, 2026, 'by 2026-04-08', 'after 2026-04-08', "
    "'between 2026-01 and 2026-04' or 'unknown'"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", f"'soon' is not a date; {_WINDOW_FORMS}"),
        ("2026-02-30", f"'2026-02-30' is not a date; {_WINDOW_FORMS}"),
        ("after 9999-12", "'after 9999-12' is not a date: there is no day after 9999-12-31"),
        (
            "between 2026 and",
            "'between 2026 and' is not a date window; write 'between 2024-04 and 2025-06-23'",
        ),
        (
            "between 2026 and 2027 and 2028",
            "'between 2026 and 2027 and 2028' is not a date window; "
            "write 'between 2024-04 and 2025-06-23'",
        ),
        (
            "between 2026-05 and 2026-04",
            "'between 2026-05 and 2026-04': the second date is before the first",
        ),
        ("by 2026-13", "'2026-13' is not a date: month 13 does not exist"),
    ],
)
def test_a_bad_window_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_window(text)
    assert str(caught.value) == message


def test_a_window_may_end_on_the_last_day_there_is() -> None:
    window = parse_window("between 9999-12 and 9999-12-31")
    assert (window.start_iso(), window.end_iso()) == ("9999-12-01", "9999-12-31")
    assert parse_window("9999").end_iso() == "9999-12-31"
    assert parse_window("after 9999-12-30").start_iso() == "9999-12-31"


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "display", "short"),
    [
        ("2026-04-08", WindowKind.EXACT, "2026-04-08", "2026-04-08", None, None),
        ("2026-04", WindowKind.EXACT, "2026-04-01", "2026-04-30", "Apr 2026", None),
        ("2024", WindowKind.EXACT, "2024-01-01", "2024-12-31", None, None),
        ("by 2025-06", WindowKind.BY, None, "2025-06-30", "by Jun 2025", None),
        ("after 2026-03", WindowKind.AFTER, "2026-04-01", None, "after Mar 2026", None),
        ("unknown", WindowKind.UNKNOWN, None, None, "date unknown", None),
        (
            "between 2026-03-03 and 2026-03-10",
            WindowKind.BETWEEN,
            "2026-03-03",
            "2026-03-10",
            None,
            "2026-03-03…10",
        ),
        (
            "between 2026-03-03 and 2026-04-10",
            WindowKind.BETWEEN,
            "2026-03-03",
            "2026-04-10",
            None,
            "2026-03-03…04-10",
        ),
        (
            "between 2025-12-30 and 2026-01-02",
            WindowKind.BETWEEN,
            "2025-12-30",
            "2026-01-02",
            None,
            "2025-12-30…2026-01-02",
        ),
        (
            "between 2026-03 and 2026-05",
            WindowKind.BETWEEN,
            "2026-03-01",
            "2026-05-31",
            "between Mar 2026 and May 2026",
            "2026-03…05",
        ),
        (
            "between 2026-03 and 2026-05-10",
            WindowKind.BETWEEN,
            "2026-03-01",
            "2026-05-10",
            "between Mar 2026 and 2026-05-10",
            "2026-03…05-10",
        ),
        (
            "between 2026-03-03 and 2026-05",
            WindowKind.BETWEEN,
            "2026-03-03",
            "2026-05-31",
            "between 2026-03-03 and May 2026",
            "2026-03-03…05",
        ),
        (
            "between 2025 and 2026",
            WindowKind.BETWEEN,
            "2025-01-01",
            "2026-12-31",
            None,
            "2025…2026",
        ),
        (
            "between 2026 and 2026-05",
            WindowKind.BETWEEN,
            "2026-01-01",
            "2026-05-31",
            "between 2026 and May 2026",
            "2026…05",
        ),
        (
            "between 2025-03 and 2026",
            WindowKind.BETWEEN,
            "2025-03-01",
            "2026-12-31",
            "between Mar 2025 and 2026",
            "2025-03…2026",
        ),
        (
            "between 2026-01 and 2026",
            WindowKind.BETWEEN,
            "2026-01-01",
            "2026-12-31",
            "between Jan 2026 and 2026",
            "2026-01…2026",
        ),
    ],
)
def test_every_form_of_window(
    text: str,
    kind: WindowKind,
    start: str | None,
    end: str | None,
    display: str | None,
    short: str | None,
) -> None:
    """Each form of window: its kind, first and last day, and how it is written back, for
    people and for a table cell (``display`` and ``short`` are the text as given when None;
    ``short`` is ``display`` except between two dates)."""
    window = parse_window(text)
    assert window.kind is kind
    assert (window.start_iso(), window.end_iso()) == (start, end)
    assert window.is_exact_day is (start is not None and start == end)
    assert window.text() == text
    assert window.display() == (display or text)
    assert window.short() == (short or display or text)
    assert window.sort_day == (window.lo if start is not None else window.hi)


_QUERY_FORMS = "2026-04-08, 2026-04, 2026, 'April 8, 2026', '8 Apr 2026' or 'today'"


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("today", "2026-03-31", "2026-03-31", Precision.DAY),
        (" Today ", "2026-03-31", "2026-03-31", Precision.DAY),
        ("2026-04-08", "2026-04-08", "2026-04-08", Precision.DAY),
        ("2026-04", "2026-04-01", "2026-04-30", Precision.MONTH),
        ("2026", "2026-01-01", "2026-12-31", Precision.YEAR),
        ("April 8, 2026", "2026-04-08", "2026-04-08", Precision.DAY),
        ("Apr. 8, 2026", "2026-04-08", "2026-04-08", Precision.DAY),
        ("8 April, 2026", "2026-04-08", "2026-04-08", Precision.DAY),
        ("Sept 2026", "2026-09-01", "2026-09-30", Precision.MONTH),
        ("Feb 2024", "2024-02-01", "2024-02-29", Precision.MONTH),
    ],
)
def test_a_query_date_keeps_its_text_period_and_precision(
    text: str, first: str, last: str, precision: Precision
) -> None:
    query = parse_query_date(text, dt.date(2026, 3, 31))
    assert (iso(query.start), iso(query.day), query.precision) == (first, last, precision)
    assert query.text == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "2026-4-8",
            "'2026-4-8' is not in YYYY-MM-DD form; write the month and day with two digits "
            "(e.g. 2026-04-08)",
        ),
        ("03/04/2026", "'03/04/2026' is ambiguous (day and month order); write it as YYYY-MM-DD"),
        ("2026-02-30", "'2026-02-30' is not a date: Feb 2026 has days 01 to 28"),
        ("next tuesday", f"'next tuesday' is not a date; use {_QUERY_FORMS}"),
        ("Monday 8, 2026", f"'Monday 8, 2026' is not a date; use {_QUERY_FORMS}"),
        ("April 31, 2026", f"'April 31, 2026' is not a date; use {_QUERY_FORMS}"),
        ("Apr 0030", f"'Apr 0030' has no year; use {_QUERY_FORMS}"),
    ],
)
def test_a_bad_query_date_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_query_date(text)
    assert str(caught.value) == message


def test_the_first_year_there_is() -> None:
    date = parse_partial("0001")
    assert (date.first_day(), iso(date.last_day()), date.display()) == (1, "0001-12-31", "0001")


def test_without_reorg_today_today_is_the_system_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one place the clock is read; the answer is checked against the clock itself, so
    the test passes the same way on any day (even across midnight)."""
    monkeypatch.delenv("REORG_TODAY")
    before = dt.date.today()
    found = today_date()
    assert before <= found <= dt.date.today()


def test_days_in_month_are_the_calendars() -> None:
    for year in (*range(1, 30), *range(1890, 2110), 2400, 9999):
        for month in range(1, 13):
            assert days_in_month(year, month) == calendar.monthrange(year, month)[1]
