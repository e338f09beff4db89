"""Partial dates and date windows, kept at the precision they were recorded with.

Dates are handled as ordinal day numbers (``datetime.date.toordinal``). A date written in an
event file is a *window* of days: ``2026-03`` is every day from March 1 to March 31, and
``by 2025-06-23`` has no first day. Nothing here ever fills a missing part from today.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import Enum

#: Ordinal standing for "no first day" (before every real date).
NEG_INF = 0
#: Ordinal standing for "no last day" (after every real date).
POS_INF = 4_000_000

_MONTH_ABBR = (
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_PARTIAL_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


class DateSyntaxError(ValueError):
    """A date that is not valid reorg date syntax; the message says why."""


class Precision(Enum):
    """How much of a date was recorded."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A reduced-precision ISO date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        """The precision the date was recorded with."""
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def first_day(self) -> int:
        """Ordinal of the first day of the period."""
        return dt.date(self.year, self.month or 1, self.day or 1).toordinal()

    def last_day(self) -> int:
        """Ordinal of the last day of the period."""
        if self.day is not None:
            return self.first_day()
        month = self.month or 12
        last = days_in_month(self.year, month)
        return dt.date(self.year, month, last).toordinal()

    def iso(self) -> str:
        """The date as written: ``2026``, ``2026-04`` or ``2026-04-08``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display(self) -> str:
        """Human form at the recorded precision: ``2026-04-08``, ``Apr 2026``, ``2026``."""
        if self.day is not None:
            return self.iso()
        if self.month is not None:
            return f"{_MONTH_ABBR[self.month]} {self.year:04d}"
        return f"{self.year:04d}"


def days_in_month(year: int, month: int) -> int:
    """The number of days of a month (1-12), as ``datetime`` counts them (the day before the
    next month's first; ``calendar``, which says the same, costs an import at startup)."""
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


def parse_partial(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, checking that the day exists."""
    match = _PARTIAL_RE.fullmatch(text)
    if match is None:
        raise DateSyntaxError(
            f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2026-04-08)"
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if year < 1:
        raise DateSyntaxError(f"{text!r} is not a date: year 0000 does not exist")
    if month is not None and not 1 <= month <= 12:
        raise DateSyntaxError(f"{text!r} is not a date: month {month:02d} does not exist")
    if day is not None:
        assert month is not None
        last = days_in_month(year, month)
        if not 1 <= day <= last:
            raise DateSyntaxError(
                f"{text!r} is not a date: {_MONTH_ABBR[month]} {year} has days 01 to {last}"
            )
    return PartialDate(year, month, day)


class WindowKind(Enum):
    """The shapes of date a file can record."""

    EXACT = "exact"
    BY = "by"
    AFTER = "after"
    BETWEEN = "between"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The window of days in which something happened, with how it was written.

    ``lo`` and ``hi`` are inclusive ordinals; ``lo`` may be :data:`NEG_INF` and ``hi`` may be
    :data:`POS_INF`.
    """

    kind: WindowKind
    lo: int
    hi: int
    first: PartialDate | None = None
    second: PartialDate | None = None

    @property
    def sort_day(self) -> int:
        """The day used to order events: the first day, else the last day, else last of all."""
        if self.lo != NEG_INF:
            return self.lo
        return self.hi

    @property
    def is_exact_day(self) -> bool:
        """True when the window is a single known day."""
        return self.lo == self.hi

    def text(self) -> str:
        """The window in file syntax, e.g. ``2026-04``, ``by 2025-06-23``."""
        if self.kind is WindowKind.UNKNOWN:
            return "unknown"
        assert self.first is not None
        if self.kind is WindowKind.EXACT:
            return self.first.iso()
        if self.kind is WindowKind.BETWEEN:
            assert self.second is not None
            return f"between {self.first.iso()} and {self.second.iso()}"
        return f"{self.kind.value} {self.first.iso()}"

    def display(self) -> str:
        """The window for people: ``2026-04-08``, ``Mar 2026``, ``by 2025-06-23``."""
        if self.kind is WindowKind.UNKNOWN:
            return "date unknown"
        assert self.first is not None
        if self.kind is WindowKind.EXACT:
            return self.first.display()
        if self.kind is WindowKind.BETWEEN:
            assert self.second is not None
            return f"between {self.first.display()} and {self.second.display()}"
        return f"{self.kind.value} {self.first.display()}"

    def short(self) -> str:
        """The window for a table cell: :meth:`display`, but a window between two dates is
        written ``2026-03-03…10`` (the second date without what it shares with the first)."""
        if self.kind is not WindowKind.BETWEEN:
            return self.display()
        assert self.first is not None and self.second is not None
        first, second = self.first, self.second
        if first.day is not None and second.day is not None:
            assert first.month is not None and second.month is not None
            if first.year == second.year and first.month == second.month:
                return f"{first.iso()}…{second.day:02d}"
            if first.year == second.year:
                return f"{first.iso()}…{second.month:02d}-{second.day:02d}"
        if first.year == second.year and second.month is not None:
            return f"{first.iso()}…{second.iso()[5:]}"
        return f"{first.iso()}…{second.iso()}"

    def start_iso(self) -> str | None:
        """The first day as ISO text, or None when unbounded."""
        return None if self.lo == NEG_INF else dt.date.fromordinal(self.lo).isoformat()

    def end_iso(self) -> str | None:
        """The last day as ISO text, or None when unbounded."""
        return None if self.hi == POS_INF else dt.date.fromordinal(self.hi).isoformat()


def exact_window(date: PartialDate) -> DateWindow:
    """The window of one partial date."""
    return DateWindow(WindowKind.EXACT, date.first_day(), date.last_day(), date)


@functools.lru_cache(maxsize=1 << 16)  # windows are immutable; a history shares few
def parse_window(text: str) -> DateWindow:
    """Parse a date as written in an event file (see docs/event-format.md, "Dates")."""
    if text == "unknown":
        return DateWindow(WindowKind.UNKNOWN, NEG_INF, POS_INF)
    if text.startswith("by "):
        date = parse_partial(text[3:])
        return DateWindow(WindowKind.BY, NEG_INF, date.last_day(), date)
    if text.startswith("after "):
        date = parse_partial(text[6:])
        if date.last_day() >= dt.date.max.toordinal():
            raise DateSyntaxError(f"{text!r} is not a date: there is no day after 9999-12-31")
        return DateWindow(WindowKind.AFTER, date.last_day() + 1, POS_INF, date)
    if text.startswith("between "):
        parts = text[8:].split(" and ")
        if len(parts) != 2:
            raise DateSyntaxError(
                f"{text!r} is not a date window; write 'between 2024-04 and 2025-06-23'"
            )
        first, second = parse_partial(parts[0]), parse_partial(parts[1])
        if second.last_day() < first.first_day():
            raise DateSyntaxError(f"{text!r}: the second date is before the first")
        return DateWindow(WindowKind.BETWEEN, first.first_day(), second.last_day(), first, second)
    try:
        return exact_window(parse_partial(text))
    except DateSyntaxError:
        raise DateSyntaxError(
            f"{text!r} is not a date; write 2026-04-08, 2026-04, 2026, 'by 2026-04-08', "
            "'after 2026-04-08', 'between 2026-01 and 2026-04' or 'unknown'"
        ) from None


def ordinal_iso(day: int) -> str:
    """ISO text of an ordinal day."""
    return dt.date.fromordinal(day).isoformat()


@dataclass(frozen=True, slots=True)
class QueryDate:
    """A date given on the command line, resolved to the last day of its period."""

    day: int
    text: str
    precision: Precision
    start: int = 0  # first day of the period given (``day`` is its last)

    def iso(self) -> str:
        """The resolved day as ISO text."""
        return ordinal_iso(self.day)


#: Dates written in words (compiled by ``re`` on first use: most runs never need it).
_NATURAL = (
    r"(?:[A-Za-z]{3,9}\.?\s+[0-9]{1,2}(?:st|nd|rd|th)?,?\s+[0-9]{4})"
    r"|(?:[0-9]{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+[0-9]{4})"
    r"|(?:[A-Za-z]{3,9}\.?,?\s+[0-9]{4})"
)


@functools.cache
def _month_names() -> frozenset[str]:
    import calendar

    return frozenset(
        name.lower()
        for i in range(1, 13)
        for name in (calendar.month_name[i], calendar.month_abbr[i])
    ) | {"sept"}


ACCEPTED_QUERY_FORMS = "2026-04-08, 2026-04, 2026, 'April 8, 2026', '8 Apr 2026' or 'today'"


#: The environment variable that fixes "today" (YYYY-MM-DD), for tests and reproducible output.
TODAY_VARIABLE = "REORG_TODAY"


def today_date() -> dt.date:
    """Today's date: ``REORG_TODAY`` (YYYY-MM-DD) when it is set, else the system clock.

    This is the only place reorg reads the clock for a date, so one variable fixes every
    "today" (``--at today``, what ``timeline`` marks as planned, the Gantt chart's now).
    A value that is not a real day in that form is a usage error, never ignored.
    """
    import os

    from reorg_cli.events.errors import QueryDateError

    text = os.environ.get(TODAY_VARIABLE, "")
    if not text:
        return dt.date.today()
    hint = f"set {TODAY_VARIABLE} to a day in YYYY-MM-DD form, e.g. 2026-04-08, or unset it"
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise QueryDateError(f"{TODAY_VARIABLE}={text!r} is not a date in YYYY-MM-DD form", hint)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryDateError(f"{TODAY_VARIABLE}={text!r} is not a real day", hint) from None


def today() -> dt.date:
    """Today's date (:func:`today_date`)."""
    return today_date()


def today_ordinal() -> int:
    """:func:`today_date` as a day ordinal, the unit the engine works in."""
    return today_date().toordinal()


def parse_query_date(text: str, today: dt.date | None = None) -> QueryDate:
    """Parse a date given to a query; a partial date means the end of its period.

    Accepts ISO forms, ``today``, and English forms such as ``April 8, 2026`` or
    ``8 Apr 2026``. Anything ambiguous or incomplete is an error, never a guess.
    """
    stripped = " ".join(text.split())
    if stripped.lower() == "today":
        day = (today or today_date()).toordinal()
        return QueryDate(day, text, Precision.DAY, day)
    if _PARTIAL_RE.fullmatch(stripped):
        date = parse_partial(stripped)
        return QueryDate(date.last_day(), text, date.precision, date.first_day())
    if re.fullmatch(r"[0-9]{4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,2}", stripped):
        raise DateSyntaxError(
            f"{text!r} is not in YYYY-MM-DD form; write the month and day with two digits "
            "(e.g. 2026-04-08)"
        )
    if re.fullmatch(r"[0-9]{1,4}[/.\-][0-9]{1,2}[/.\-][0-9]{1,4}", stripped):
        raise DateSyntaxError(
            f"{text!r} is ambiguous (day and month order); write it as YYYY-MM-DD"
        )
    if not re.fullmatch(_NATURAL, stripped) or not any(
        word.rstrip(".,").lower() in _month_names() for word in stripped.split()
    ):
        raise DateSyntaxError(f"{text!r} is not a date; use {ACCEPTED_QUERY_FORMS}")
    return _parse_natural(text, stripped)


def _parse_natural(text: str, stripped: str) -> QueryDate:
    # dateutil fills missing fields from its default; parsing against two different defaults
    # shows which fields the text really gave.
    from dateutil import parser as date_parser

    first_default = dt.datetime(2000, 1, 1)
    second_default = dt.datetime(2004, 2, 2)
    try:
        first = date_parser.parse(stripped, default=first_default)
        second = date_parser.parse(stripped, default=second_default)
    except (ValueError, OverflowError):
        raise DateSyntaxError(f"{text!r} is not a date; use {ACCEPTED_QUERY_FORMS}") from None
    if first.year != second.year:
        raise DateSyntaxError(f"{text!r} has no year; use {ACCEPTED_QUERY_FORMS}")
    if first.month != second.month:
        raise DateSyntaxError(f"{text!r} has no month; use {ACCEPTED_QUERY_FORMS}")
    if first.day != second.day:
        date = PartialDate(first.year, first.month)
        return QueryDate(date.last_day(), text, Precision.MONTH, date.first_day())
    day = first.date().toordinal()
    return QueryDate(day, text, Precision.DAY, day)
