"""A person's roles as bars across the years, drawn in the terminal.

``█`` marks the days a role certainly held, ``░`` the window in which an imprecise start or end
fell (a role started in ``2023-11`` is fuzzy through November), ``▶`` a role still held today,
``?`` a role that ended on a date nobody knows, and ``┄`` the days after a stale role was last
confirmed: no source says it still held, nor that it ended (it is never drawn as held today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from reorg_cli.engine.facts import confirmation_day
from reorg_cli.engine.results_person import PersonHistory, RoleSpan
from reorg_cli.events.dates import NEG_INF, POS_INF
from reorg_cli.events.model import Confidence
from reorg_cli.output.render import MARK_STALE, legend, safe_text, sanitize

CERTAIN, FUZZY, CURRENT, UNKNOWN_END, UNCONFIRMED = "█", "░", "▶", "?", "┄"
KEY = (
    f"{CERTAIN} held  {FUZZY} imprecise date  {CURRENT} held today  "
    f"{UNKNOWN_END} ended, date unknown"
)
#: Added to the key when a stale role is drawn.
KEY_UNCONFIRMED = f"  {UNCONFIRMED} not confirmed since"
MIN_BAR = 10


def _label(span: RoleSpan) -> tuple[str, str]:
    """The label of a bar and its marks (kept when the label is shortened)."""
    marks = ""
    if span.confidence is Confidence.REPORTED:
        marks = " [R]"
    elif span.confidence is Confidence.UNCERTAIN:
        marks = " [U]"
    if _unconfirmed(span):
        marks += f" {MARK_STALE}"
    return sanitize(f"{span.title}, {span.unit_name}"), marks


def _unconfirmed(span: RoleSpan) -> bool:
    """Whether the role is stale: held today as far as the data goes (with no end, or an end
    still to come that no source states), but not confirmed lately enough to be drawn as held
    up to today."""
    return span.stale and span.status != "planned"


def _fit(label: str, marks: str, width: int) -> str:
    """``label`` and its marks in ``width`` cells: the label is shortened, never the marks."""
    if cell_len(label + marks) <= width:
        return label + marks
    room = max(1, width - cell_len(marks) - 1)
    return set_cell_size(label, room) + "…" + marks


def _range(history: PersonHistory, today: int) -> tuple[int, int]:
    days = [today]
    for span in history.roles:
        for window in (span.start, span.end):
            if window is None:
                continue
            days += [d for d in (window.lo, window.hi) if d not in (NEG_INF, POS_INF)]
    # Whole years, clamped to the calendar: a date in year 9999 must not ask for year 10000.
    last_day = dt.date.max.toordinal()
    first = dt.date.fromordinal(min(max(min(days), 1), last_day))
    last = dt.date.fromordinal(min(max(days), last_day))
    return dt.date(first.year, 1, 1).toordinal(), dt.date(last.year, 12, 31).toordinal()


class _Scale:
    def __init__(self, lo: int, hi: int, width: int) -> None:
        self.lo, self.hi, self.width = lo, hi, width

    def col(self, day: int) -> int:
        day = min(max(day, self.lo), self.hi)
        return min(self.width - 1, (day - self.lo) * self.width // (self.hi - self.lo + 1))


def _bar(
    span: RoleSpan, scale: _Scale, today: int, life: tuple[int, int] = (NEG_INF, POS_INF)
) -> Text:
    """The bar of one role; nothing is drawn outside ``life``, the days its unit may have
    existed."""
    cells = [" "] * scale.width
    styles = [""] * scale.width
    born, gone = life

    def paint(first: int, last_excl: int, char: str, style: str) -> None:
        first = max(first, born)
        if gone != POS_INF:
            last_excl = min(last_excl, gone + 1)
        if last_excl <= first:
            return
        for c in range(scale.col(first), scale.col(last_excl - 1) + 1):
            cells[c], styles[c] = char, style

    start_lo = scale.lo if span.start.lo == NEG_INF else span.start.lo
    start_lo = max(start_lo, born)
    start_hi = span.start.hi if span.start.hi != POS_INF else start_lo
    planned = span.status == "planned"  # not started by today: no "held today" marker
    unconfirmed = _unconfirmed(span)
    # A stale role is held up to its last confirmation, then unknown up to today. The
    # confirmation is read on the day the engine reads it (``by X``: X; ``after X``: the day
    # after X), and is imprecise only over a window with a last day.
    confirmed = span.last_confirmed
    confirmed_lo = start_hi if confirmed is None else max(confirmation_day(confirmed), start_hi)
    confirmed_hi = (
        confirmed_lo
        if confirmed is None or confirmed.hi == POS_INF
        else max(confirmed.hi, confirmed_lo)
    )
    if unconfirmed:
        certain_end = confirmed_lo + 1
    elif span.end is not None:
        certain_end = span.end.lo
    else:
        certain_end = (start_hi if planned else max(today, start_hi)) + 1
    style = "green" if span.end is None else "blue"
    if unconfirmed:  # first: a column it shares with held or imprecise days shows those
        # Unknown up to today, or up to a recorded end still to come.
        unknown_until = today if span.end is None else span.end.lo - 1
        paint(confirmed_hi + 1, max(unknown_until, confirmed_hi) + 1, UNCONFIRMED, "dim")
        paint(certain_end, confirmed_hi + 1, FUZZY, "yellow")
    if span.start.hi == POS_INF:
        # A start dated 'after X' never becomes certain: the whole bar is imprecise.
        paint(start_lo, certain_end, FUZZY, "yellow")
    else:
        paint(start_hi, certain_end, CERTAIN, style)
        paint(start_lo, start_hi, FUZZY, "yellow")
    if span.end is not None and span.end.hi != POS_INF:
        paint(span.end.lo, span.end.hi, FUZZY, "yellow")
    if span.end is None:
        if not planned and not unconfirmed:
            marker = scale.col(min(max(today, start_hi), gone))
            cells[marker], styles[marker] = CURRENT, "bold green"
    elif span.end.hi == POS_INF:
        marker = scale.col(max(span.end.lo, start_hi))
        cells[marker], styles[marker] = UNKNOWN_END, "bold yellow"
    text = Text()
    for char, cell_style in zip(cells, styles, strict=True):
        text.append(char, style=cell_style)
    return text


def _axis(scale: _Scale) -> str:
    line = [" "] * scale.width
    year = dt.date.fromordinal(scale.lo).year
    last_end = -1
    while year <= dt.MAXYEAR and dt.date(year, 1, 1).toordinal() <= scale.hi:
        c = scale.col(dt.date(year, 1, 1).toordinal())
        label = str(year)
        if c > last_end and c + len(label) <= scale.width:
            line[c : c + len(label)] = list(label)
            last_end = c + len(label)
        year += 1
    return "".join(line)


def gantt_lines(
    history: PersonHistory,
    *,
    width: int,
    today: int,
    lives: Mapping[str, tuple[int, int]] | None = None,
) -> list[Text]:
    """The chart as lines of text at most ``width`` cells wide; ``today`` is an ordinal;
    ``lives`` the first and last day each unit may have existed (bars are cut to them)."""
    header = safe_text(history.name, "bold")
    others = [n for _, n in history.names] + list(history.aliases)
    if others:
        header.append(" (" + sanitize(", ".join(others)) + ")", style="dim")
    lines = [header]
    if not history.roles:
        lines.append(Text("no roles recorded", style="italic"))
        return lines
    labels = [_label(span) for span in history.roles]
    label_width = min(max(cell_len(label + marks) for label, marks in labels), max(12, width // 3))
    bar_width = max(MIN_BAR, width - label_width - 1)
    scale = _Scale(*_range(history, today), bar_width)
    lines.append(Text(" " * (label_width + 1) + _axis(scale), style="dim"))
    for span, (label, marks) in zip(history.roles, labels, strict=True):
        line = Text(set_cell_size(_fit(label, marks, label_width), label_width) + " ")
        life = (lives or {}).get(span.unit, (NEG_INF, POS_INF))
        line.append_text(_bar(span, scale, today, life))
        lines.append(line)
    stale = any(_unconfirmed(span) for span in history.roles)
    key = Text(KEY, style="dim")
    if stale:
        more = (
            KEY_UNCONFIRMED
            if cell_len(KEY + KEY_UNCONFIRMED) <= width
            else "\n" + KEY_UNCONFIRMED[2:]
        )
        key.append(more)
    lines.append(key)
    used = {"[R]" for span in history.roles if span.confidence is Confidence.REPORTED}
    used |= {"[U]" for span in history.roles if span.confidence is Confidence.UNCERTAIN}
    if stale:
        used.add(MARK_STALE)
    note = legend(used)
    if note is not None:
        lines.append(note)
    return lines


class Gantt:
    """A renderable Gantt chart of a person's roles that fits the console's width."""

    def __init__(
        self,
        history: PersonHistory,
        *,
        today: int,
        lives: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        self.history = history
        self.today = today
        self.lives = lives

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width)

    def _lines(self, width: int) -> Iterator[Text]:
        lines = gantt_lines(self.history, width=width, today=self.today, lives=self.lives)
        chart = len(lines) if len(lines) == 2 else len(self.history.roles) + 2
        for number, line in enumerate(lines):
            if number < chart:  # the chart is cropped; its key and legend wrap
                line.no_wrap = True
                line.overflow = "crop"
            yield line
