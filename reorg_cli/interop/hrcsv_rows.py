"""Reading an HR export (CSV) into checked rows, for :mod:`reorg_cli.interop.hrcsv`.

Every problem is placed at its line and column (``hr.csv:4:12``): the column is where the
field concerned starts in its line, counted in characters.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from reorg_cli.events.chars import CONTROL
from reorg_cli.events.dates import DateSyntaxError, parse_partial
from reorg_cli.events.errors import Location, Problem, shortened
from reorg_cli.events.loader import ID_RE, closest

COLUMNS = (
    "effective_date",
    "action",
    "person_id",
    "person_name",
    "title",
    "unit_id",
    "unit_name",
    "parent_unit_id",
    "manager_id",
)
REQUIRED_COLUMNS = ("effective_date", "action")

#: action -> columns that must be filled
ACTIONS: dict[str, tuple[str, ...]] = {
    "hire": ("person_id", "title", "unit_id"),
    "transfer": ("person_id", "unit_id"),
    "promote": ("person_id", "title"),
    "leave": ("person_id",),
    "unit_create": ("unit_id", "unit_name"),
    "unit_rename": ("unit_id", "unit_name"),
    "unit_move": ("unit_id",),
    "unit_dissolve": ("unit_id",),
}
ID_COLUMNS = ("person_id", "unit_id", "parent_unit_id", "manager_id")

#: A cell may hold no control character, tab or line feed.
CONTROL_RE = re.compile(f"[\t\n{CONTROL}]")
#: Longest value shown in a message (a 5,000-character id is cut).
_SHOWN = 60
_SEPARATOR_RE = re.compile('[",]')
_DAY_RE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOM = b"\xef\xbb\xbf"
_FIELDS_HINT = "give every row one field per column; an empty field is written ,,"
_QUOTING_HINT = 'a field holding a comma or a quote must be in "...", with each " in it written ""'


def _shown(value: str) -> str:
    """``repr`` of ``value``, cut to :data:`_SHOWN` characters."""
    return repr(shortened(value, _SHOWN))


def _field_starts(line: str) -> list[int]:
    """The 1-based column where each field of the CSV line ``line`` starts."""
    starts, quoted = [1], False
    for match in _SEPARATOR_RE.finditer(line):  # only quotes and commas: fast on long lines
        if match.group() == '"':
            quoted = not quoted
        elif not quoted:
            starts.append(match.start() + 2)
    return starts


class Bad(Exception):
    """The row has a problem; it has been reported."""


@dataclass(slots=True)
class Row:
    line: int
    date: str
    day: int
    action: str
    cells: dict[str, str]
    columns: dict[str, int]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def col(self, column: str) -> int:
        """The column (in characters) where the field ``column`` starts in the row's line."""
        return self.columns.get(column, 1)


class RowReader:
    """Reads the rows of an HR export, collecting every problem in ``problems``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []

    def fail(self, line: int, message: str, hint: str = "", column: int = 1) -> Bad:
        self.problems.append(Problem(Location(self.label, line, column), message, hint))
        return Bad()

    # -- reading -------------------------------------------------------------------------------
    def read(self, data: bytes) -> list[Row]:
        # The BOM is taken off first: "utf-8-sig" counts an error's offset after it, which
        # put a bad byte three bytes early (on the line before, at the start of a line).
        body = data[len(_BOM) :] if data.startswith(_BOM) else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as err:
            before = body[: err.start]
            line = before.count(b"\n") + 1
            start = before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")
            self.fail(line, "the file is not UTF-8 text", "save the CSV as UTF-8", len(start) + 1)
            return []
        physical = io.StringIO(text, newline="").readlines()
        reader = csv.reader(physical, strict=True)
        header: list[str] | None = None
        rows: list[Row] = []
        previous_end = 0
        try:
            for record in reader:
                line = previous_end + 1
                previous_end = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                starts = _field_starts(physical[line - 1])
                if header is None:
                    header = self.header(record, line, starts)
                    if header is None:
                        return []
                    continue
                try:
                    rows.append(self.row(header, record, line, starts))
                except Bad:
                    continue
        except csv.Error as err:
            if "field limit" in str(err):
                message = f"a field is longer than {csv.field_size_limit():,} characters"
                hint = 'no name, title or id is that long: check for a " that is never closed'
            else:
                message, hint = f"not valid CSV: {err}", _QUOTING_HINT
            self.fail(previous_end + 1, message, hint)
            return []
        if header is None:
            self.fail(1, "the file is empty", "the first line must name the columns")
        return rows

    def header(self, record: list[str], line: int, starts: list[int]) -> list[str] | None:
        names = [cell.strip().lstrip("\ufeff").casefold() for cell in record]
        columns = starts + [1] * (len(names) - len(starts))
        if names[:2] == ["person_id", "person_name"] and {"start", "end", "status"} <= set(names):
            self.fail(
                line,
                "this is a table of roles, as 'reorg export --format csv' writes, not an HR "
                "export of dated actions",
                "to copy a history, use 'reorg export --format popolo' and 'reorg import popolo'",
            )
            return None
        if len(names) == 1 and (found := [d for d in (";", "\t", "|") if d in names[0]]):
            shown = {"\t": "tabs"}.get(found[0], f"'{found[0]}'")
            self.fail(
                line,
                f"the columns are separated by {shown}, not commas",
                "save it as comma-separated CSV: in a spreadsheet, CSV UTF-8 (comma delimited)",
            )
            return None
        ok = True
        for name, column in zip(names, columns, strict=False):
            if name not in COLUMNS:
                hint = closest(name, COLUMNS) or "columns: " + ", ".join(COLUMNS)
                self.fail(line, f"unknown column {_shown(name)}", hint, column)
                ok = False
        for index, name in enumerate(names):
            if name in names[:index] and name in COLUMNS:
                column = columns[index]
                self.fail(line, f"column {name!r} appears twice", "keep one of them", column)
                ok = False
        for name in REQUIRED_COLUMNS:
            if name not in names:
                hint = "the first line names the columns: " + ", ".join(COLUMNS)
                self.fail(line, f"the required column {name!r} is missing", hint)
                ok = False
        return names if ok else None

    def row(self, header: list[str], record: list[str], line: int, starts: list[int]) -> Row:
        columns = dict(zip(header, starts, strict=False))
        if len(record) != len(header):
            extra = len(record) > len(header) and len(starts) > len(header)
            raise self.fail(
                line,
                f"this row has {len(record)} fields but the header has {len(header)}",
                _QUOTING_HINT if extra else _FIELDS_HINT,
                starts[len(header)] if extra else 1,
            )
        cells: dict[str, str] = {}
        for name, raw in zip(header, record, strict=True):
            value = raw.strip()
            bad = CONTROL_RE.search(value)
            if bad is not None:
                raise self.fail(
                    line,
                    f"{name} contains the control character U+{ord(bad.group()):04X}",
                    "remove line breaks and control characters",
                    columns.get(name, 1),
                )
            value = unicodedata.normalize("NFC", value)
            if value and name in ID_COLUMNS and not ID_RE.fullmatch(value):
                raise self.fail(
                    line,
                    f"{name} {_shown(value)} is not a valid id",
                    "use letters, digits, '.', '_' and '-', starting with a letter or digit",
                    columns.get(name, 1),
                )
            cells[name] = value
        raw_date = cells.get("effective_date", "")
        at_date = columns.get("effective_date", 1)
        if not raw_date:
            raise self.fail(line, "effective_date is empty", "write YYYY-MM-DD", at_date)
        if _DAY_RE.fullmatch(raw_date) is None:
            # parse_partial's own message offers YYYY and YYYY-MM, which are not days.
            raise self.fail(
                line,
                f"effective_date {_shown(raw_date)} is not a day written YYYY-MM-DD",
                "write it as 2024-01-31; 01/02/2024 could be 1 February or 2 January, so it is "
                "not guessed",
                at_date,
            )
        try:
            date = parse_partial(raw_date)
        except DateSyntaxError as err:
            raise self.fail(line, f"effective_date: {err}", "", at_date) from None
        action = re.sub(r"[\s-]+", "_", cells.get("action", "").casefold())
        if action not in ACTIONS:
            raise self.fail(
                line,
                f"unknown action {_shown(cells.get('action', ''))}",
                closest(action, ACTIONS) or "actions: " + ", ".join(ACTIONS),
                columns.get("action", 1),
            )
        missing = [c for c in ACTIONS[action] if not cells.get(c)]
        if missing:
            absent = [c for c in missing if c not in columns]
            hint = (
                f"add the column {', '.join(absent)} to the first line"
                if absent
                else f"fill in {', '.join(missing)}"
            )
            raise self.fail(
                line, f"{action} needs {', '.join(missing)}", hint, columns.get(missing[0], 1)
            )
        return Row(line, date.iso(), date.first_day(), action, cells, columns)
