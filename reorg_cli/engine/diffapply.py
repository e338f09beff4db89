"""Apply a diff to a state: ``apply_diff(state_at(a), diff(a, b)) == state_at(b)``.

A diff is a complete description of how two states differ, so replaying it on the first state
must give the second. This is what lets tests (and tools that keep a state and read diffs)
trust ``reorg diff``: nothing that differs is left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from reorg_cli.engine.results import (
    Entry,
    OrgState,
    ReportingLineState,
    RoleState,
    UnitState,
    VacancyState,
)
from reorg_cli.engine.results_over_time import OrgDiff


class DiffMismatchError(ValueError):
    """The diff does not start from the given state (a change's ``before`` is not there)."""


def entry_key(entry: Entry) -> tuple[str, ...]:
    """The key a diff uses for a state entry, e.g. ``("role", person, unit, title)``."""
    if isinstance(entry, UnitState):
        return ("unit", entry.id)
    if isinstance(entry, RoleState):
        return ("role", entry.person, entry.unit, entry.title)
    if isinstance(entry, VacancyState):
        return ("vacancy", entry.unit, entry.title)
    return ("reporting_line", entry.person)


def state_entries(state: OrgState) -> dict[tuple[str, ...], Entry]:
    """Every entry of a state by its diff key; raises if two entries share a key."""
    entries: dict[tuple[str, ...], Entry] = {}
    everything: list[Entry] = [
        *state.units.values(),
        *state.roles,
        *state.vacancies,
        *state.reporting_lines,
    ]
    for entry in everything:
        key = entry_key(entry)
        if key in entries:
            raise DiffMismatchError(f"the state has two entries for {key!r}")
        entries[key] = entry
    return entries


def build_state(day: int, entries: Mapping[tuple[str, ...], Entry]) -> OrgState:
    """An :class:`OrgState` from keyed entries, in the order ``Timeline.state_at`` uses."""
    units = {e.id: e for e in entries.values() if isinstance(e, UnitState)}
    roles = sorted(
        (e for e in entries.values() if isinstance(e, RoleState)),
        key=lambda r: (r.unit, r.title, r.person),
    )
    vacancies = sorted(
        (e for e in entries.values() if isinstance(e, VacancyState)),
        key=lambda v: (v.unit, v.title),
    )
    lines = sorted(
        (e for e in entries.values() if isinstance(e, ReportingLineState)),
        key=lambda r: (r.person, r.reports_to),
    )
    return OrgState(day, units, tuple(roles), tuple(vacancies), tuple(lines))


def apply_diff(state: OrgState, diff: OrgDiff) -> OrgState:
    """The state ``diff`` leads to from ``state`` (which must be the state at its first date).

    Raises :class:`DiffMismatchError` when a change's ``before`` is not what ``state`` holds.
    """
    if state.day != diff.day_from:
        raise DiffMismatchError(
            f"the diff starts on day {diff.day_from}, the state is of day {state.day}"
        )
    entries = state_entries(state)
    for change in diff.changes:
        key = change.key
        current = entries.get(key)
        if current != change.before:
            raise DiffMismatchError(
                f"change {change.type} {key!r} expects {change.before!r}, the state has {current!r}"
            )
        if change.after is None:
            entries.pop(key, None)
        else:
            if entry_key(change.after) != key:
                raise DiffMismatchError(f"change {change.type} {key!r} has a mismatched entry")
            entries[key] = change.after
    return build_state(diff.day_to, entries)
