"""The explorer's state and the engine queries behind it; no Textual here.

:class:`Explorer` holds the date the slider is on, the confidence filter, the state at that
date and what changed since the previous stop. The Textual app (:mod:`reorg_cli.explore.app`)
only draws what this module computes, so every action can be tested without a terminal.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from reorg_cli.engine.names import Named
from reorg_cli.engine.results import OrgState, UnitState
from reorg_cli.engine.results_over_time import DiffChange, OrgDiff
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import (
    NEG_INF,
    POS_INF,
    DateSyntaxError,
    PartialDate,
    Precision,
    QueryDate,
    ordinal_iso,
    parse_query_date,
)
from reorg_cli.events.model import Confidence

#: Marks drawn in the tree for what changed since the previous stop (text, so they survive
#: NO_COLOR and copy-paste; ``[~]`` is taken by "may or may not hold").
MARK_ADDED = "[+]"
MARK_CHANGED = "[*]"
MARK_REMOVED = "[-]"
MARK_INSIDE = "[>]"
CHANGE_LEGEND = {
    MARK_ADDED: "new",
    MARK_CHANGED: "changed",
    MARK_INSIDE: "inside",
    MARK_REMOVED: "gone",
}
#: The same marks, explained in full (the help screen).
CHANGE_MEANING = {
    MARK_ADDED: "new since the last stop",
    MARK_CHANGED: "changed (renamed, moved, reclassified, or its roles changed)",
    MARK_INSIDE: "something under this unit changed",
    MARK_REMOVED: "gone since the last stop (listed in Changes only)",
}

FIRST_DAY = dt.date(1, 1, 1).toordinal()
LAST_DAY = dt.date(9999, 12, 31).toordinal()


def change_mark(change: DiffChange) -> str:
    """The tree mark of one change: added, removed or changed."""
    if change.type.endswith("_added"):
        return MARK_ADDED
    if change.type.endswith("_removed"):
        return MARK_REMOVED
    return MARK_CHANGED


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a person, a unit or an event."""

    kind: str  # person | unit | event
    id: str
    label: str
    detail: str
    rank: int


@dataclass(frozen=True, slots=True)
class Page:
    """What the details pane shows: a unit or person at the date, a person's or unit's
    history, or the events behind a change."""

    kind: str  # unit | person | history | unit_history | events
    ids: tuple[str, ...]


def shift_months(day: int, months: int) -> int:
    """``day`` moved by ``months`` calendar months (the day of month clamped to the month)."""
    date = dt.date.fromordinal(day)
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    if year < 1:
        return FIRST_DAY
    if year > 9999:
        return LAST_DAY
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(date.day, last)).toordinal()


def display_date(day: int, precision: Precision) -> str:
    """A slider date at its precision: ``2026-04-08``; ``2026-04 (to 2026-04-30)``."""
    date = dt.date.fromordinal(day)
    if precision is Precision.DAY:
        return ordinal_iso(day)
    partial = PartialDate(date.year, date.month if precision is Precision.MONTH else None)
    return f"{partial.iso()} (to {ordinal_iso(day)})"


class Explorer:
    """The explorer's model: a date, a confidence filter, and what they show."""

    def __init__(
        self,
        timeline: Timeline,
        *,
        at: QueryDate,
        today: int,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        coverage_end: int | None = None,
    ) -> None:
        self.timeline = timeline
        self.today = today
        self.min_confidence = min_confidence
        self.stops, self.stop_precision = _event_stops(timeline)
        self.coverage_end = (
            coverage_end if coverage_end is not None else _coverage_end(timeline, self.stops)
        )
        self.day = at.day
        self.precision = at.precision
        self.baseline: int | None = None
        self.state: OrgState = timeline.state_at(self.day, min_confidence, cite=False)
        self.diff: OrgDiff | None = None
        self._set_baseline(self._startup_baseline())
        self.search_index: list[Named] | None = None

    # -- the slider --------------------------------------------------------------------------
    def go_to(self, day: int, precision: Precision = Precision.DAY) -> None:
        """Move to the end of ``day``; what changed is counted from the date left."""
        day = min(max(day, FIRST_DAY), LAST_DAY)
        previous, previous_state = self.day, self.state
        self.day, self.precision = day, precision
        if day != previous:
            self.state = self.timeline.state_at(day, self.min_confidence, cite=False)
        self.baseline = previous
        self.diff = self.timeline.diff_states(previous_state, self.state)

    def cited_state(self) -> OrgState:
        """The state at the slider's date with the evidence of what it cites, read once per
        state (the slider moves without it; the details pane draws from it)."""
        state = self.state
        ids = state.cited_ids()
        if ids and not state.cited:
            state = self.state = dataclasses.replace(state, cited=self.timeline.citations(ids))
        return state

    def next_event(self) -> bool:
        """To the next date on which an event happened (False when there is none)."""
        index = bisect.bisect_right(self.stops, self.day)
        if index >= len(self.stops):
            return False
        stop = self.stops[index]
        self.go_to(stop, self.stop_precision[stop])
        return True

    def previous_event(self) -> bool:
        """To the previous date on which an event happened (False when there is none)."""
        index = bisect.bisect_left(self.stops, self.day)
        if index == 0:
            return False
        stop = self.stops[index - 1]
        self.go_to(stop, self.stop_precision[stop])
        return True

    def move_months(self, months: int) -> None:
        """A month (or ``months``) later or, when negative, earlier."""
        self.go_to(shift_months(self.day, months))

    def move_years(self, years: int) -> None:
        """A year (or ``years``) later or, when negative, earlier."""
        self.go_to(shift_months(self.day, 12 * years))

    def go_today(self) -> None:
        """To today (``REORG_TODAY`` when set)."""
        self.go_to(self.today)

    def go_to_text(self, text: str) -> None:
        """To a date typed as on the command line; raises :class:`DateSyntaxError`."""
        query = parse_query_date(text, dt.date.fromordinal(self.today))
        self.go_to(query.day, query.precision)

    def set_min_confidence(self, confidence: Confidence) -> None:
        """Show only facts at or above ``confidence``; the changes are recounted."""
        self.min_confidence = confidence
        self.state = self.timeline.state_at(self.day, confidence, cite=False)
        baseline = self.baseline
        self._set_baseline(baseline)

    def cycle_min_confidence(self) -> Confidence:
        """uncertain → reported → confirmed → uncertain; returns the new filter."""
        order = [Confidence.UNCERTAIN, Confidence.REPORTED, Confidence.CONFIRMED]
        following = order[(order.index(self.min_confidence) + 1) % len(order)]
        self.set_min_confidence(following)
        return following

    def _startup_baseline(self) -> int | None:
        """At start, the changes shown are those of the latest stop up to the date."""
        index = bisect.bisect_right(self.stops, self.day)
        if index == 0:
            return None
        latest = self.stops[index - 1]
        return self.stops[index - 2] if index >= 2 else latest - 1

    def _set_baseline(self, baseline: int | None) -> None:
        self.baseline = baseline
        if baseline is None or baseline == self.day:
            self.diff = OrgDiff(self.day, self.day, ())
            return
        self.diff = self.timeline.diff(baseline, self.day, self.min_confidence)

    # -- what is shown -------------------------------------------------------------------------
    @property
    def date_label(self) -> str:
        """The slider's date at its precision."""
        return display_date(self.day, self.precision)

    @property
    def coverage_label(self) -> str:
        """The data's coverage end as written (``2026-06-17``, ``2026-06``), or ``none``."""
        coverage = self.timeline.coverage_end
        return coverage.iso() if coverage is not None else "none"

    @property
    def coverage_note(self) -> str | None:
        """The CLI's note when the date is past the coverage end or before the first event."""
        return self.timeline.coverage_note(self.day)

    @property
    def past_coverage(self) -> bool:
        """True when the date is later than anything the data knows about."""
        return self.day > self.coverage_end

    @property
    def before_first_event(self) -> bool:
        """True when the date is before the first event."""
        return bool(self.stops) and self.day < self.stops[0]

    def changes(self) -> tuple[DiffChange, ...]:
        """What changed from the baseline to the date, in the engine's order."""
        return self.diff.changes if self.diff is not None else ()

    def unit_marks(self) -> dict[str, str]:
        """Change marks of units shown in the tree, by unit id."""
        return {
            change.key[1]: change_mark(change)
            for change in self.changes()
            if change.key[0] == "unit" and change.key[1] in self.state.units
        }

    def entry_marks(self) -> dict[tuple[str, ...], str]:
        """Change marks of roles and vacancies, by diff key (``("role", person, unit, title)``);
        a unit that holds a changed role or vacancy is marked changed too, via
        :meth:`unit_marks_with_contents`."""
        return {
            change.key: change_mark(change)
            for change in self.changes()
            if change.key[0] in ("role", "vacancy")
        }

    def unit_marks_with_contents(self) -> dict[str, str]:
        """Unit marks, plus ``[*]`` on units whose roles or vacancies changed and ``[>]`` on
        units with a change somewhere under them (so a closed branch shows where to look)."""
        marks = self.unit_marks()
        units = self.state.units
        touched: list[str] = []
        for change in self.changes():
            if change.key[0] == "role":
                touched.append(change.key[2])
                if change.key[2] in units:
                    marks.setdefault(change.key[2], MARK_CHANGED)
            elif change.key[0] == "vacancy":
                touched.append(change.key[1])
                if change.key[1] in units:
                    marks.setdefault(change.key[1], MARK_CHANGED)
            elif change.key[0] == "unit":
                touched.append(change.key[1])
                before = change.before
                removed_from = before.parent if isinstance(before, UnitState) else None
                if change.after is None and removed_from is not None and removed_from in units:
                    marks.setdefault(removed_from, MARK_INSIDE)
                    touched.append(removed_from)
        for unit in touched:
            if unit not in units:
                continue
            parent = units[unit].parent
            seen: set[str] = set()
            while parent is not None and parent in units and parent not in seen:
                seen.add(parent)
                marks.setdefault(parent, MARK_INSIDE)
                parent = units[parent].parent
        return marks

    def event_dates(self) -> dict[str, str]:
        """The date, for people (``2026-04-08``, ``Mar 2026``), of each event behind a change."""
        cited = self.diff.cited if self.diff is not None else {}
        ids = {event_id for change in self.changes() for event_id in change.events}
        return {event_id: cited[event_id].date.display() for event_id in ids}

    # -- finding ---------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """People, units and events that ``query`` matches, best first, found as every command
        finds names (:mod:`reorg_cli.engine.names`: whole names, their starts, word starts, any
        part, in any script and case; close spellings when nothing else matches)."""
        from reorg_cli.engine.names import match, named

        if not query.strip():
            return []
        if self.search_index is None:
            self.search_index = named(self.timeline, ("person", "unit", "event"))
        hits = []
        for found in match(query, self.search_index)[:limit]:
            detail = found.matched if found.matched != found.name else ""
            if found.kind == "event":
                detail = self.timeline.events[found.id].date.display()
            hits.append(Hit(found.kind, found.id, found.name, detail, found.rank))
        return hits


def _event_stops(timeline: Timeline) -> tuple[list[int], dict[int, Precision]]:
    """The slider's stops: the last day of each event's date (a partial date means the end of
    its period, as on the command line), with the finest precision recorded for that day."""
    precision: dict[int, Precision] = {}
    rank = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}
    for _, window in timeline.event_windows():
        if window.hi not in (NEG_INF, POS_INF):
            day = window.hi
            first = window.second if window.second is not None else window.first
        elif window.lo not in (NEG_INF, POS_INF):
            day = window.lo
            first = window.first
        else:
            continue
        found = first.precision if first is not None else Precision.DAY
        held = precision.get(day)
        if held is None or rank[found] > rank[held]:
            precision[day] = found
    return sorted(precision), precision


def _coverage_end(timeline: Timeline, stops: list[int]) -> int:
    """The last day the data knows about: the dataset's ``coverage_end`` when it has one,
    else the latest event date."""
    coverage = timeline.coverage_end
    if coverage is not None:
        return coverage.last_day()
    return stops[-1] if stops else FIRST_DAY


def parse_prompt_date(text: str, today: int) -> QueryDate:
    """A date typed into the prompt; raises :class:`DateSyntaxError` with the CLI's message."""
    if not text.strip():
        raise DateSyntaxError("no date given; type e.g. 2026-04-08, 2026-04, 2026 or today")
    return parse_query_date(text, dt.date.fromordinal(today))


def unique(items: Iterable[str]) -> list[str]:
    """Items without repeats, in first-seen order."""
    return list(dict.fromkeys(items))
