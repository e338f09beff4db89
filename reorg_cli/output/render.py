"""Rich renderables built from query results. Nothing here prints.

All user data goes through :func:`safe_text`, which builds a ``rich.text.Text`` (never markup)
and shows control characters visibly, so names cannot restyle or take over the terminal.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text
from rich.tree import Tree

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import OrgState, UnitState
from reorg_cli.events.dates import ordinal_iso
from reorg_cli.events.model import kind_label
from reorg_cli.output.layout import KEEP, Records, keep
from reorg_cli.output.render_text import LEGEND as LEGEND
from reorg_cli.output.render_text import MARK_REPORTED as MARK_REPORTED
from reorg_cli.output.render_text import MARK_STALE as MARK_STALE
from reorg_cli.output.render_text import MARK_UNCERTAIN as MARK_UNCERTAIN
from reorg_cli.output.render_text import MARK_UNCERTAIN_DATE as MARK_UNCERTAIN_DATE
from reorg_cli.output.render_text import Footnotes as Footnotes
from reorg_cli.output.render_text import _confirming, _date, _finish, _marks, _stale, _unit_label
from reorg_cli.output.render_text import legend as legend
from reorg_cli.output.render_text import one_line as one_line
from reorg_cli.output.render_text import role_label as role_label
from reorg_cli.output.render_text import safe_text as safe_text
from reorg_cli.output.render_text import sanitize as sanitize
from reorg_cli.output.render_text import unit_label as unit_label
from reorg_cli.output.render_text import vacancy_label as vacancy_label

if TYPE_CHECKING:
    from reorg_cli.engine.results_over_time import DiffChange, OrgDiff
    from reorg_cli.output.render_details import render_person_at as render_person_at
    from reorg_cli.output.render_details import render_person_roles as render_person_roles
    from reorg_cli.output.render_details import render_unit_at as render_unit_at
    from reorg_cli.output.render_details import render_unit_changes as render_unit_changes
    from reorg_cli.output.render_history import render_check as render_check
    from reorg_cli.output.render_history import render_event as render_event
    from reorg_cli.output.render_history import render_fact_summaries as render_fact_summaries
    from reorg_cli.output.render_history import render_person_history as render_person_history
    from reorg_cli.output.render_history import render_problems as render_problems
    from reorg_cli.output.render_history import render_sources as render_sources
    from reorg_cli.output.render_history import render_timeline as render_timeline
    from reorg_cli.output.render_history import render_unit_history as render_unit_history

#: The renderers of the other views, re-exported from their modules, which are imported only
#: when one of them is first used (``reorg show`` needs neither).
_ELSEWHERE = {
    "render_person_at": "reorg_cli.output.render_details",
    "render_person_roles": "reorg_cli.output.render_details",
    "render_unit_at": "reorg_cli.output.render_details",
    "render_unit_changes": "reorg_cli.output.render_details",
    "render_check": "reorg_cli.output.render_history",
    "render_event": "reorg_cli.output.render_history",
    "render_fact_summaries": "reorg_cli.output.render_history",
    "render_person_history": "reorg_cli.output.render_history",
    "render_problems": "reorg_cli.output.render_history",
    "render_sources": "reorg_cli.output.render_history",
    "render_timeline": "reorg_cli.output.render_history",
    "render_unit_history": "reorg_cli.output.render_history",
}


def __getattr__(name: str) -> Any:
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def _add_unit(
    node: Tree,
    state: OrgState,
    unit: UnitState,
    depth: int | None,
    used: set[str],
    why: Footnotes | None,
    fit: int | None = None,
) -> int:
    """Add ``unit`` and, up to ``depth`` levels, the units under it; return the number of
    levels added. ``fit`` is how many levels the width leaves room for: deeper units are
    replaced by a note. Iterative, with an explicit stack, so that a chain of thousands of
    units cannot overflow Python's stack."""
    deepest = 0
    stack: list[tuple[Tree, UnitState, int]] = [(node, unit, 1)]
    while stack:
        parent, current, level = stack.pop()
        deepest = max(deepest, level)
        levels = None if depth is None else depth - level + 1
        room = None if fit is None else fit - level + 1
        branch, children = _add_one_unit(parent, state, current, levels, room, used, why)
        stack.extend((branch, child, level + 1) for child in reversed(children))
    return deepest


def _add_one_unit(
    node: Tree,
    state: OrgState,
    unit: UnitState,
    depth: int | None,
    room: int | None,
    used: set[str],
    why: Footnotes | None,
) -> tuple[Tree, list[UnitState]]:
    """Add ``unit``'s own branch; return it with the children still to add."""
    label = _unit_label(unit, used)
    if why is not None:
        confirming = _confirming(unit.since, unit.last_confirmed, unit.confirmed_by)
        label.append_text(why.ref([*unit.events, *confirming]))
    branch = node.add(label)
    for role in state.roles_in(unit.id):
        line = role_label(role, used)
        if why is not None:
            confirming = _confirming(role.since, role.last_confirmed, role.confirmed_by)
            line.append_text(why.ref([*role.events, *confirming]))
        branch.add(line)
    for vacancy in state.vacancies_in(unit.id):
        line = vacancy_label(vacancy, used)
        if why is not None:
            line.append_text(why.ref(vacancy.events))
        branch.add(line)
    by_depth = depth is not None and depth <= 1
    by_width = room is not None and room <= 1
    children = [] if by_depth or by_width else state.children(unit.id)
    if by_depth or by_width or (not children and state.outline is not None):
        # Counted in the day's whole tree: a state of its top levels lacks what is below them
        # (and drawn deeper than it holds, it says so rather than end the branch).
        direct = len(state.whole_tree().children(unit.id))
        if direct:
            noun = "sub-unit" if direct == 1 else "sub-units"
            why_not = (
                f"too deep for this width; --unit {unit.id} shows them"
                if by_width and not by_depth
                else "raise --depth"
            )
            branch.add(Text(f"… {direct} {noun} not shown ({why_not})", "dim"))
    return branch, children


#: Columns a tree level takes (Rich's guides), and the least room left for a label.
_LEVEL_COLUMNS = 4
_LABEL_COLUMNS = 20


class _FittedTree:
    """The unit tree, cut where the width leaves no room for deeper levels.

    Rich drops what does not fit without a word; this tree says where it stopped and how to
    see the rest. The full tree is built once; a narrower one only when it does not fit.
    """

    def __init__(self, tree: Tree, levels: int, build: Callable[[int], Tree]) -> None:
        self.tree, self.levels, self.build = tree, levels, build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        fit = max(1, (options.max_width - _LABEL_COLUMNS) // _LEVEL_COLUMNS)
        yield self.tree if self.levels <= fit else self.build(fit)


def render_state_tree(
    state: OrgState,
    *,
    root: str | None = None,
    depth: int | None = None,
    why: Footnotes | None = None,
) -> RenderableType:
    """The organization as a tree of units with the people holding roles in them."""
    used: set[str] = set()
    tops = [state.units[root]] if root is not None else state.children(None)

    def build(fit: int | None) -> tuple[Tree, int]:
        tree = Tree(Text(f"Organization on {ordinal_iso(state.day)}", style="bold"))
        if not tops:
            tree.add(Text("no units exist on this date", style="italic"))
        levels = 0
        for unit in tops:
            levels = max(levels, _add_unit(tree, state, unit, depth, used, why, fit))
        return tree, levels

    tree, levels = build(None)
    parts: list[RenderableType] = [_FittedTree(tree, levels, lambda fit: build(fit)[0])]
    if state.reporting_lines and root is None:
        parts.append(_reporting_lines_table(state, used, why))
    return _finish(parts, used, why)


def _reporting_lines_table(
    state: OrgState, used: set[str], why: Footnotes | None = None
) -> Records:
    table = Records(title="Reporting lines")
    table.add_column("Person")
    table.add_column("Reports to")
    table.add_column("Since")
    for line in state.reporting_lines:
        since = _date(line.since)
        if line.stale:
            since.append_text(_stale(line.last_confirmed, used, since=line.since))
        confirming = _confirming(line.since, line.last_confirmed, line.confirmed_by)
        table.add_row(
            keep(safe_text(line.person_name)),
            Text.assemble(
                keep(safe_text(line.reports_to_name)),
                _marks(line.presence, line.confidence, used),
                why.ref([*line.events, *confirming]) if why is not None else "",
            ),
            since,
        )
    return table


def render_state_table(
    state: OrgState, *, units: Iterable[str] | None = None, why: Footnotes | None = None
) -> RenderableType:
    """The organization as a table: a heading per unit (its kind and parent), then a row per
    role or vacancy in it."""
    used: set[str] = set()
    table = Records(title=f"Organization on {ordinal_iso(state.day)}")
    table.add_column("Title")
    table.add_column("Person")
    table.add_column("Since")
    keep_units = set(units) if units is not None else set(state.units)
    ordered = sorted((state.units[u] for u in keep_units), key=lambda u: (u.name.casefold(), u.id))
    for unit in ordered:
        parent = state.units.get(unit.parent) if unit.parent else None
        heading = Text.assemble(
            keep(safe_text(unit.name, "bold")),
            (f" ({kind_label(unit.kind)})", "dim"),
            _marks(
                Presence.UNCERTAIN if unit.uncertain_fields else unit.presence,
                unit.confidence,
                used,
            ),
            why.ref(unit.events) if why is not None else "",
        )
        if unit.stale:
            heading.append_text(_stale(unit.last_confirmed, used, " "))
        if parent is not None or unit.parent:
            heading.append(" in ", style="dim")
            heading.append_text(keep(safe_text(parent.name if parent else (unit.parent or ""))))
        table.add_section(heading)
        for role in state.roles_in(unit.id):
            since = _date(role.since)
            if role.stale:
                since.append_text(_stale(role.last_confirmed, used, since=role.since))
            confirming = _confirming(role.since, role.last_confirmed, role.confirmed_by)
            table.add_row(
                safe_text(role.title),
                Text.assemble(
                    keep(safe_text(role.person_name)),
                    _marks(role.presence, role.confidence, used),
                    why.ref([*role.events, *confirming]) if why is not None else "",
                ),
                since,
            )
        for vacancy in state.vacancies_in(unit.id):
            holder = "(holder unknown)" if vacancy.vacancy == "unknown" else "(vacant)"
            table.add_row(
                safe_text(vacancy.title),
                Text.assemble(
                    (holder, "italic"),
                    _marks(vacancy.presence, vacancy.confidence, used),
                    why.ref(vacancy.events) if why is not None else "",
                ),
                _date(vacancy.since),
            )
    parts: list[RenderableType] = [table]
    if state.reporting_lines and units is None:
        parts.append(_reporting_lines_table(state, used, why))
    return _finish(parts, used, why)


_DIFF_GROUPS = (
    ("Added", ("unit_added", "role_added", "vacancy_added", "reporting_line_added")),
    ("Removed", ("unit_removed", "role_removed", "vacancy_removed", "reporting_line_removed")),
)


def render_diff(diff: OrgDiff, why: Footnotes | None = None) -> RenderableType:
    """Added, removed and changed facts between two dates, each with its events (dated from
    what the diff cites)."""
    header = Text(
        f"Changes from {ordinal_iso(diff.day_from)} to {ordinal_iso(diff.day_to)}", style="bold"
    )
    if not diff.changes:
        return Group(header, Text("no changes", style="italic"))
    groups: dict[str, list[DiffChange]] = {"Added": [], "Removed": [], "Changed": []}
    for change in diff.changes:
        for name, types in _DIFF_GROUPS:
            if change.type in types:
                groups[name].append(change)
                break
        else:
            groups["Changed"].append(change)
    parts: list[RenderableType] = [header]
    used: set[str] = set()
    for name, changes in groups.items():
        if not changes:
            continue
        table = Records(title=f"{name} ({len(changes)})")
        table.add_column("Change")
        table.add_column("Event")
        for change in changes:
            summary, events = safe_text(change.summary), change.events
            entry = change.after if change.after is not None else change.before
            if entry is not None:
                presence = entry.presence
                if isinstance(entry, UnitState) and entry.uncertain_fields:
                    presence = Presence.UNCERTAIN
                confidence = entry.confidence
                if change.after is None and change.confidence is not None:
                    # A removal is no surer than what removed it (nor than what it removed).
                    confidence = min(confidence, change.confidence)
                summary.append_text(_marks(presence, confidence, used))
            cell = Text()
            for i, event in enumerate(events):
                if i:
                    cell.append("\n")
                cited = diff.cited.get(event)
                cell.append(cited.date.display() if cited is not None else "", style="dim")
                cell.append(KEEP)  # the date stays beside its event while the line allows
                cell.append_text(safe_text(event))
                if why is not None:
                    cell.append_text(why.ref([event]))
            table.add_row(summary, cell)
        parts.append(table)
    return _finish(parts, used, why)
