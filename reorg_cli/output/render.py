"""Rich renderables built from query results. Nothing here prints.

All user data goes through :func:`safe_text`, which builds a ``rich.text.Text`` (never markup)
and shows control characters visibly, so names cannot restyle or take over the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text
from rich.tree import Tree

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import (
    DiffChange,
    Evidence,
    FactSummary,
    OrgDiff,
    OrgState,
    PersonHistory,
    ReportingLineState,
    RoleSpan,
    RoleState,
    SourceUse,
    TimelineEntry,
    UnitHistory,
    UnitState,
    VacancyState,
)
from reorg_cli.events.dates import DateWindow, ordinal_iso
from reorg_cli.events.errors import Problem, Severity
from reorg_cli.events.model import Confidence, Event, kind_label
from reorg_cli.output.layout import KEEP, Records, Wrapped, keep

if TYPE_CHECKING:
    from reorg_cli.engine.checks import CheckReport

_UNSAFE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ue000]"
)

MARK_UNCERTAIN_DATE = "[~]"
MARK_REPORTED = "[R]"
MARK_UNCERTAIN = "[U]"
MARK_STALE = "[?]"
LEGEND = {
    MARK_UNCERTAIN_DATE: "may or may not hold on this date (the change's date is imprecise)",
    MARK_REPORTED: "reported: a single outlet or unconfirmed",
    MARK_UNCERTAIN: "uncertain: sources conflict or are weak",
    MARK_STALE: "stale: no source confirms it within the staleness threshold (--stale-after) "
    "of this date or of the data's coverage end; it may no longer hold",
}


def sanitize(value: str) -> str:
    """Replace control and bidi-override characters with visible ``\\uXXXX`` text."""
    return _UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def safe_text(value: str, style: str = "") -> Text:
    """User data as Rich text: never parsed as markup, control characters made visible."""
    return Text(sanitize(value), style=style)


def _marks(presence: Presence, confidence: Confidence, used: set[str]) -> Text:
    marks = Text()
    if presence is Presence.UNCERTAIN:
        marks.append(" " + MARK_UNCERTAIN_DATE, style="yellow")
        used.add(MARK_UNCERTAIN_DATE)
    if confidence is Confidence.REPORTED:
        marks.append(" " + MARK_REPORTED, style="cyan")
        used.add(MARK_REPORTED)
    elif confidence is Confidence.UNCERTAIN:
        marks.append(" " + MARK_UNCERTAIN, style="magenta")
        used.add(MARK_UNCERTAIN)
    return marks


def _stale(
    last_confirmed: DateWindow | None,
    used: set[str],
    prefix: str = ", ",
    since: DateWindow | None = None,
) -> Text:
    """``, last confirmed 2024-02 [?]`` for a stale fact (``, not confirmed since [?]`` when
    its last confirmation is its start, given as ``since``)."""
    used.add(MARK_STALE)
    if last_confirmed is None or last_confirmed == since:
        words = "not confirmed since"
    else:
        words = f"last confirmed {last_confirmed.display()}"
    text = Text(prefix + words, style="yellow")
    text.append(" " + MARK_STALE, style="yellow bold")
    return text


def _date(window: DateWindow) -> Text:
    """A date for a table cell: the short form, never broken inside ("by 2025-06-25")."""
    return Text(window.short().replace(" ", KEEP))


def _confirming(since: DateWindow, last: DateWindow | None, by: tuple[str, ...]) -> list[str]:
    """For --why: the event that last confirmed a fact, when later than its start."""
    return list(by[-1:]) if last is not None and last != since else []


def legend(used: set[str]) -> Text | None:
    """The legend for the marks that were used, or None."""
    if not used:
        return None
    text = Text()
    for mark, meaning in LEGEND.items():
        if mark in used:
            if text:
                text.append("\n")
            text.append(mark, style="bold")
            text.append(f" {meaning}", style="dim")
    return text


class Footnotes:
    """Numbered references from facts to the events behind them (``--why``)."""

    def __init__(self, lookup: Callable[[str], Evidence]) -> None:
        self.lookup = lookup
        self.numbers: dict[str, int] = {}

    def ref(self, events: Iterable[str]) -> Text:
        """`` [1,2]`` for the given event ids, numbering new ones in order of use."""
        numbers = []
        for event in events:
            if event not in self.numbers:
                self.numbers[event] = len(self.numbers) + 1
            numbers.append(str(self.numbers[event]))
        return Text(f" [{','.join(numbers)}]", style="blue") if numbers else Text()

    def render(self) -> RenderableType:
        """The evidence list: each numbered event with its date, confidence and sources."""
        # Wrapped at spaces: ids and URLs stay whole, so they can be clicked and copied.
        text = Text("Evidence", style="bold")
        for event_id, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            evidence = self.lookup(event_id)
            text.append(f"\n[{number}] ", style="blue")
            _append_evidence(text, evidence, indent="    ")
        return Wrapped(text, indent=4)


def _append_evidence(text: Text, evidence: Evidence, indent: str) -> None:
    text.append(evidence.date.display(), style="bold")
    text.append("  ")
    text.append_text(safe_text(evidence.title))
    text.append(f"  ({evidence.confidence.label}; ", style="dim")
    text.append_text(safe_text(evidence.id, "dim"))
    if evidence.status != "applied":
        text.append(f"; {sanitize(evidence.status)}", style="dim")
    text.append(")", style="dim")
    if not evidence.sources:
        text.append(f"\n{indent}no sources cited", style="italic")
    for source in evidence.sources:
        text.append(f"\n{indent}")
        if source.publisher:
            text.append_text(safe_text(source.publisher))
            text.append(": ")
        text.append_text(safe_text(source.url, "underline"))
    if evidence.corrects is not None:
        text.append(f"\n{indent}corrects, and replaces in the replay: ", style="yellow")
        _append_evidence(text, evidence.corrects, indent + "    ")


def _unit_label(unit: UnitState, used: set[str]) -> Text:
    label = Text.assemble(safe_text(unit.name, "bold"), (f" ({kind_label(unit.kind)})", "dim"))
    presence = Presence.UNCERTAIN if unit.uncertain_fields else unit.presence
    label.append_text(_marks(presence, unit.confidence, used))
    if unit.stale:
        label.append_text(_stale(unit.last_confirmed, used, " "))
    return label


def _since(window: DateWindow) -> Text:
    return Text(f" since {window.display()}", style="dim")


def _add_unit(
    node: Tree,
    state: OrgState,
    unit: UnitState,
    depth: int | None,
    used: set[str],
    hidden: list[int],
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
        branch, children = _add_one_unit(parent, state, current, levels, room, used, hidden, why)
        stack.extend((branch, child, level + 1) for child in reversed(children))
    return deepest


def _add_one_unit(
    node: Tree,
    state: OrgState,
    unit: UnitState,
    depth: int | None,
    room: int | None,
    used: set[str],
    hidden: list[int],
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
    children = state.children(unit.id)
    by_depth = depth is not None and depth <= 1
    by_width = room is not None and room <= 1
    if by_depth or by_width:
        if children:
            hidden[0] += _count(state, children)
            noun = "sub-unit" if len(children) == 1 else "sub-units"
            why_not = (
                "raise --depth"
                if by_depth
                else f"too deep for this width; --unit {unit.id} shows them"
            )
            branch.add(Text(f"… {len(children)} {noun} not shown ({why_not})", "dim"))
        return branch, []
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


def _count(state: OrgState, units: list[UnitState]) -> int:
    total = 0
    stack = list(units)
    while stack:
        unit = stack.pop()
        total += 1
        stack.extend(state.children(unit.id))
    return total


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
        hidden = [0]
        tree = Tree(Text(f"Organization on {ordinal_iso(state.day)}", style="bold"))
        if not tops:
            tree.add(Text("no units exist on this date", style="italic"))
        levels = 0
        for unit in tops:
            levels = max(levels, _add_unit(tree, state, unit, depth, used, hidden, why, fit))
        return tree, levels

    tree, levels = build(None)
    parts: list[RenderableType] = [_FittedTree(tree, levels, lambda fit: build(fit)[0])]
    if state.reporting_lines and root is None:
        parts.append(_reporting_lines_table(state, used, why))
    return _finish(parts, used, why)


def _finish(parts: list[RenderableType], used: set[str], why: Footnotes | None) -> Group:
    note = legend(used)
    if note is not None:
        parts.append(note)
    if why is not None and why.numbers:
        parts.append(why.render())
    return Group(*parts)


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


def render_diff(
    diff: OrgDiff, event_dates: dict[str, str], why: Footnotes | None = None
) -> RenderableType:
    """Added, removed and changed facts between two dates, each with its events."""
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
                summary.append_text(_marks(presence, entry.confidence, used))
            cell = Text()
            for i, event in enumerate(events):
                if i:
                    cell.append("\n")
                cell.append(event_dates.get(event, ""), style="dim")
                cell.append(KEEP)  # the date stays beside its event while the line allows
                cell.append_text(safe_text(event))
                if why is not None:
                    cell.append_text(why.ref([event]))
            table.add_row(summary, cell)
        parts.append(table)
    return _finish(parts, used, why)


def _span_row(span: RoleSpan, used: set[str], why: Footnotes | None = None) -> list[Text | str]:
    unit = keep(safe_text(span.unit_name))
    if span.unit_name_at_end:
        unit.append(" (now " if span.end is None else " (later ")
        unit.append_text(keep(safe_text(span.unit_name_at_end)))
        unit.append(")")
    if span.status == "planned":
        end = Text("planned" if span.end is None else f"{span.end.short()} (planned)", "yellow")
    elif span.end is None and span.stale:
        end = _stale(span.last_confirmed, used, "")
    elif span.end is None:
        end = Text(span.status if span.status != "current" else "current", "green")
    elif span.status == "ended (date unknown)":
        end = Text(f"ended (date unknown; {span.end.short()})", "yellow")
    else:
        end = Text(span.end.short().replace(" ", KEEP))
    if span.end_reason:
        end.append(f" — {sanitize(span.end_reason)}", style="dim")
    if span.end is not None and span.end_confidence is not None:
        end.append_text(_marks(Presence.PRESENT, span.end_confidence, used))
    title = safe_text(span.title)
    title.append_text(_marks(Presence.PRESENT, span.confidence, used))
    if why is not None:
        confirming = _confirming(span.start, span.last_confirmed, span.confirmed_by)
        title.append_text(why.ref([*span.events, *confirming]))
    return [unit, title, span.start.short(), end]


def render_person_history(history: PersonHistory, why: Footnotes | None = None) -> RenderableType:
    """A person's roles over time."""
    used: set[str] = set()
    header = safe_text(history.name, "bold")
    others = [n for _, n in history.names] + list(history.aliases)
    if others:
        header.append(" (" + sanitize(", ".join(others)) + ")", style="dim")
    parts: list[RenderableType] = [header]
    if history.description:
        parts.append(safe_text(history.description, "dim"))
    table = Records(title="Roles")
    table.add_column("Unit (as named then)")
    table.add_column("Title")
    table.add_column("From", whole=True)
    table.add_column("Until")
    for span in history.roles:
        table.add_row(*_span_row(span, used, why))
    if not history.roles:
        parts.append(Text("no roles recorded", style="italic"))
    else:
        parts.append(table)
    if history.reporting_lines:
        lines = Records(title="Reporting lines")
        lines.add_column("Reports to")
        lines.add_column("From", whole=True)
        lines.add_column("Until")
        confirmations = history.reporting_line_confirmations
        for index, (_, name, start, end, events, confidence) in enumerate(history.reporting_lines):
            last, stale, by = (
                confirmations[index] if index < len(confirmations) else (None, False, ())
            )
            cell = keep(safe_text(name))
            cell.append_text(_marks(Presence.PRESENT, confidence, used))
            if why is not None:
                cell.append_text(why.ref([*events, *_confirming(start, last, by)]))
            planned = history.today is not None and start.lo > history.today
            until: Text | str = _date(end) if end else ("planned" if planned else "current")
            if end is None and stale and not planned:
                until = _stale(last, used, "")
            lines.add_row(cell, start.short(), until)
        parts.append(lines)
    return _finish(parts, used, why)


def render_unit_history(history: UnitHistory, why: Footnotes | None = None) -> RenderableType:
    """A unit's life: changes, then heads and roles."""
    used: set[str] = set()
    header = safe_text(history.name, "bold")
    if history.former_names:
        header.append(" (formerly " + sanitize(", ".join(history.former_names)) + ")", style="dim")
    parts: list[RenderableType] = [header]
    if history.description:
        parts.append(safe_text(history.description, "dim"))
    changes = Records(title="Changes")
    changes.add_column("Date", whole=True)
    changes.add_column("Change")
    changes.add_column("Event")
    for change in history.changes:
        summary = safe_text(change.summary)
        summary.append_text(_marks(Presence.PRESENT, change.confidence, used))
        event_cell = safe_text(", ".join(change.events))
        if why is not None:
            event_cell.append_text(why.ref(change.events))
        changes.add_row(change.date.short(), summary, event_cell)
    parts.append(changes)
    if history.roles:
        roles = Records(title="Roles")
        roles.add_column("Person")
        roles.add_column("Title")
        roles.add_column("From", whole=True)
        roles.add_column("Until")
        for span in history.roles:
            row = _span_row(span, used, why)
            roles.add_row(keep(safe_text(span.person_name)), *row[1:])
        parts.append(roles)
    return _finish(parts, used, why)


def render_timeline(entries: list[TimelineEntry], why: Footnotes | None = None) -> RenderableType:
    """The chronicle: one row per event."""
    used: set[str] = set()
    table = Records(title="Timeline")
    table.add_column("Date", whole=True)
    table.add_column("Event")  # the title, and under it the id (whole, for copying)
    for entry in entries:
        title = safe_text(entry.title)
        title.append_text(_marks(Presence.PRESENT, entry.confidence, used))
        if entry.planned:
            title.append(" (planned)", style="yellow")
        if entry.status == "corrected":
            title.append(f" (corrected by {sanitize(entry.related or '')})", style="dim")
        elif entry.status == "retracted":
            title.append(f" (retracted by {sanitize(entry.related or '')})", style="dim")
        elif entry.status in ("correction", "retraction"):
            verb = "corrects" if entry.status == "correction" else "retracts"
            title.append(f" ({verb} {sanitize(entry.related or '')})", style="dim")
        if why is not None:
            title.append_text(why.ref([entry.id]))
        title.append("\n")
        title.append_text(safe_text(entry.id, "dim"))
        table.add_row(entry.date.short(), title)
    if not entries:
        return Text("no events in this range", style="italic")
    return _finish([table], used, why)


def render_check(report: CheckReport) -> Text:
    """``reorg check``: one line per finding (``path:line: check: message``) with its fix,
    then a count per check."""
    text = Text()
    for finding in report.findings:
        text.append(sanitize(finding.where), style="bold")
        text.append(": ")
        text.append(finding.check, style="yellow")
        text.append(": ")
        text.append(sanitize(finding.message))
        text.append(f"\n    fix: {sanitize(finding.fix)}", style="dim")
        text.append("\n")
    counts = report.counts()
    summary = ", ".join(f"{n} {check}" for check, n in counts.items() if n) or "no findings"
    text.append(
        f"{len(report.findings)} findings as of {ordinal_iso(report.reference_day)} "
        f"(coverage end {report.coverage_end or 'none'}, stale after "
        f"{report.stale_after_days} days): {summary}",
        style="green" if not report.findings else "yellow",
    )
    return text


def render_problems(problems: list[Problem]) -> Text:
    """Validation problems, one per line."""
    text = Text()
    for problem in problems:
        if text:
            text.append("\n")
        style = "yellow" if problem.severity is Severity.WARNING else "red"
        text.append(sanitize(str(problem.location)), style="bold")
        text.append(": ")
        text.append("warning: " if problem.severity is Severity.WARNING else "error: ", style=style)
        text.append(sanitize(problem.message))
        if problem.hint:
            text.append(f" ({sanitize(problem.hint)})", style="dim")
    return text


def render_sources(uses: list[SourceUse]) -> RenderableType:
    """Every source with the number of facts that rest on it."""
    table = Records(title="Sources")
    table.add_column("Id")
    table.add_column("Publisher")
    table.add_column("URL", url=True)
    table.add_column("Events", whole=True, justify="right")
    table.add_column("Facts", whole=True, justify="right")
    for use in uses:
        table.add_row(
            safe_text(use.source.id or ""),
            safe_text(use.source.publisher or ""),
            safe_text(use.source.url),
            str(len(use.events)),
            str(use.facts),
        )
    return table


def render_fact_summaries(facts: list[FactSummary], title: str) -> RenderableType:
    """Facts with what they rest on (e.g. those resting on one reported source)."""
    if not facts:
        return Text("no such facts", style="italic")
    table = Records(title=title)
    table.add_column("Fact")
    table.add_column("From", whole=True)
    table.add_column("Until", whole=True)
    table.add_column("Confidence")
    table.add_column("Source", url=True)
    for fact in facts:
        source = fact.sources[0] if fact.sources else None
        cell = Text()
        if source is not None:
            if source.publisher:
                cell.append_text(safe_text(source.publisher))
                cell.append(": ")
            cell.append_text(safe_text(source.url))
        table.add_row(
            safe_text(fact.description),
            fact.start.short(),
            fact.end.short() if fact.end else "",
            fact.confidence.label,
            cell,
        )
    return table


def render_event(event: Event, evidence: Evidence) -> RenderableType:
    """One event in full."""
    from reorg_cli.events.model import CHANGE_TYPE_NAMES

    text = Text()
    _append_evidence(text, evidence, indent="  ")
    parts: list[RenderableType] = [Wrapped(text, indent=2)]
    for label, value in (("Summary", event.summary), ("Notes", event.notes)):
        if value:
            parts.append(Wrapped(Text.assemble((f"{label}: ", "bold"), safe_text(value))))
    if event.announced is not None:
        parts.append(Text(f"Announced: {event.announced.display()}"))
    folder, _, name = event.path.rpartition("/")
    recorded = f"Recorded at {sanitize(name)}:{event.location.line}"
    if folder:
        recorded += f" in {sanitize(folder)}"
    parts.append(Wrapped(Text(recorded, style="dim")))
    table = Records(title="Changes")
    table.add_column("Type")
    table.add_column("Details")
    for change in event.changes:
        details = []
        for name in change.__dataclass_fields__:
            if name in ("location", "refs"):
                continue
            value = getattr(change, name)
            if value in (None, (), False):
                continue
            if isinstance(value, Confidence):
                value = value.label
            elif isinstance(value, tuple):
                value = ", ".join(f"{k}: {v}" for k, v in value)
            details.append(f"{name}: {value}")
        table.add_row(CHANGE_TYPE_NAMES[type(change)], safe_text("; ".join(details)))
    if event.changes:
        parts.append(table)
    return Group(*parts)


# -- one unit or person at a date (the explorer's details pane) -----------------------------------


def unit_label(unit: UnitState, used: set[str]) -> Text:
    """A unit as the tree draws it: name, kind and marks (adding the marks used to ``used``)."""
    return _unit_label(unit, used)


def role_label(role: RoleState, used: set[str]) -> Text:
    """A role as the tree draws it: ``Title: Person since …`` with its marks."""
    line = Text.assemble(safe_text(role.title), ": ", safe_text(role.person_name, "green"))
    line.append_text(_since(role.since))
    if role.stale:
        line.append_text(_stale(role.last_confirmed, used, since=role.since))
    line.append_text(_marks(role.presence, role.confidence, used))
    return line


def vacancy_label(vacancy: VacancyState, used: set[str]) -> Text:
    """A vacant post (or one whose holder is unknown) as the tree draws it."""
    holder = "holder unknown" if vacancy.vacancy == "unknown" else "vacant"
    line = Text.assemble(safe_text(vacancy.title), ": ", (holder, "italic"))
    line.append_text(_since(vacancy.since))
    line.append_text(_marks(vacancy.presence, vacancy.confidence, used))
    return line


def _fact_line(label: str, value: Text) -> Text:
    return Text.assemble((f"{label}: ", "bold"), value)


def render_unit_at(state: OrgState, unit_id: str, why: Footnotes) -> RenderableType:
    """One unit on the state's date, every fact with its evidence numbers, then the evidence:
    kind, parent, since when, roles and vacancies, sub-units and the reporting lines of the
    people in it."""
    used: set[str] = set()
    unit = state.units[unit_id]
    header = safe_text(unit.name, "bold")
    if unit.names:
        header.append(" (" + sanitize(", ".join(n for _, n in unit.names)) + ")", style="dim")
    header.append_text(
        why.ref([*unit.events, *_confirming(unit.since, unit.last_confirmed, unit.confirmed_by)])
    )
    presence = Presence.UNCERTAIN if unit.uncertain_fields else unit.presence
    header.append_text(_marks(presence, unit.confidence, used))
    parts: list[RenderableType] = [header, Text(f"on {ordinal_iso(state.day)}", style="dim")]
    parent = state.units.get(unit.parent) if unit.parent else None
    facts = Text()
    facts.append_text(_fact_line("Kind", Text(kind_label(unit.kind))))
    facts.append("\n")
    facts.append_text(
        _fact_line("Part of", safe_text(parent.name) if parent else Text("top level", "dim"))
    )
    facts.append("\n")
    facts.append_text(_fact_line("Exists since", Text(unit.since.display())))
    if unit.stale:
        facts.append_text(_stale(unit.last_confirmed, used, " ", since=unit.since))
    if unit.uncertain_fields:
        facts.append("\n")
        facts.append(f"Not sure on this date: {', '.join(unit.uncertain_fields)}", style="yellow")
    parts.append(facts)
    roles = state.roles_in(unit_id)
    vacancies = state.vacancies_in(unit_id)
    people = Text("Roles", style="bold")
    for role in roles:
        people.append("\n  ")
        people.append_text(role_label(role, used))
        people.append_text(
            why.ref(
                [*role.events, *_confirming(role.since, role.last_confirmed, role.confirmed_by)]
            )
        )
    for vacancy in vacancies:
        people.append("\n  ")
        people.append_text(vacancy_label(vacancy, used))
        people.append_text(why.ref(vacancy.events))
    if not roles and not vacancies:
        people.append("\n  none recorded", style="italic")
    parts.append(people)
    children = state.children(unit_id)
    if children:
        sub = Text(f"Sub-units ({len(children)})", style="bold")
        for child in children:
            sub.append("\n  ")
            sub.append_text(_unit_label(child, used))
        parts.append(sub)
    here = {role.person for role in roles}
    lines = [line for line in state.reporting_lines if line.person in here]
    if lines:
        text = Text("Reporting lines", style="bold")
        for line in lines:
            text.append("\n  ")
            text.append_text(safe_text(line.person_name))
            text.append(" reports to ")
            text.append_text(safe_text(line.reports_to_name))
            text.append_text(_line_details(line, used, why))
        parts.append(text)
    return _finish_wrapped(parts, used, why)


def render_person_at(
    state: OrgState, person_id: str, person_name: str, why: Footnotes
) -> RenderableType:
    """One person on the state's date: the roles they hold, whom they report to and who
    reports to them, each with its evidence numbers, then the evidence."""
    used: set[str] = set()
    parts: list[RenderableType] = [
        safe_text(person_name, "bold"),
        Text(f"on {ordinal_iso(state.day)}", style="dim"),
    ]
    roles = [role for role in state.roles if role.person == person_id]
    text = Text("Roles", style="bold")
    for role in roles:
        unit = state.units.get(role.unit)
        text.append("\n  ")
        text.append_text(safe_text(role.title))
        text.append(", ")
        text.append_text(safe_text(unit.name if unit else role.unit))
        text.append_text(_since(role.since))
        if role.stale:
            text.append_text(_stale(role.last_confirmed, used, since=role.since))
        text.append_text(_marks(role.presence, role.confidence, used))
        text.append_text(
            why.ref(
                [*role.events, *_confirming(role.since, role.last_confirmed, role.confirmed_by)]
            )
        )
    if not roles:
        text.append("\n  none on this date", style="italic")
    parts.append(text)
    above = [line for line in state.reporting_lines if line.person == person_id]
    below = [line for line in state.reporting_lines if line.reports_to == person_id]
    if above or below:
        lines = Text("Reporting lines", style="bold")
        for line in above:
            lines.append("\n  reports to ")
            lines.append_text(safe_text(line.reports_to_name))
            lines.append_text(_line_details(line, used, why))
        for line in below:
            lines.append("\n  ")
            lines.append_text(safe_text(line.person_name))
            lines.append(" reports to them")
            lines.append_text(_line_details(line, used, why))
        parts.append(lines)
    return _finish_wrapped(parts, used, why)


def _line_details(line: ReportingLineState, used: set[str], why: Footnotes) -> Text:
    """`` since …``, staleness, marks and evidence numbers of a reporting line."""
    text = _since(line.since)
    if line.stale:
        text.append_text(_stale(line.last_confirmed, used, since=line.since))
    text.append_text(_marks(line.presence, line.confidence, used))
    text.append_text(
        why.ref([*line.events, *_confirming(line.since, line.last_confirmed, line.confirmed_by)])
    )
    return text


def _finish_wrapped(parts: list[RenderableType], used: set[str], why: Footnotes) -> Group:
    note = legend(used)
    if note is not None:
        parts.append(note)
    if why.numbers:
        parts.append(why.render())
    return Group(*parts)


def render_person_roles(
    history: PersonHistory, why: Footnotes, chart: RenderableType | None = None
) -> RenderableType:
    """A person's history as a list that fits a narrow pane: each role on its own lines with
    its dates at their precision, marks and evidence numbers; then reporting lines and the
    evidence (what ``history --why`` gives, laid out for a pane). ``chart`` (a Gantt) goes
    after the roles."""
    used: set[str] = set()
    header = safe_text(history.name, "bold")
    others = [n for _, n in history.names] + list(history.aliases)
    if others:
        header.append(" (" + sanitize(", ".join(others)) + ")", style="dim")
    parts: list[RenderableType] = [header]
    if history.description:
        parts.append(safe_text(history.description, "dim"))
    roles = Text("Roles", style="bold")
    for span in history.roles:
        _, title, start, end = _span_row(span, used, why)
        unit = safe_text(span.unit_name)
        if span.unit_name_at_end:
            unit.append(" (now " if span.end is None else " (later ")
            unit.append_text(safe_text(span.unit_name_at_end))
            unit.append(")")
        roles.append("\n  ")
        roles.append_text(Text.assemble(title, ", ", unit))
        roles.append("\n    ")
        roles.append(str(start), style="dim")
        roles.append(" → ", style="dim")
        roles.append_text(end if isinstance(end, Text) else Text(end))
    if not history.roles:
        roles.append("\n  none recorded", style="italic")
    parts.append(roles)
    if chart is not None:
        parts.append(chart)
    if history.reporting_lines:
        lines = Text("Reporting lines", style="bold")
        for _, name, start_window, end_window, events, confidence in history.reporting_lines:
            lines.append("\n  reports to ")
            lines.append_text(safe_text(name))
            lines.append_text(_marks(Presence.PRESENT, confidence, used))
            lines.append_text(why.ref(events))
            lines.append(
                f"\n    {start_window.display()} → "
                + (end_window.display() if end_window else "current"),
                style="dim",
            )
        parts.append(lines)
    return _finish_wrapped(parts, used, why)


def render_unit_changes(history: UnitHistory, why: Footnotes) -> RenderableType:
    """A unit's history as a list that fits a narrow pane: its changes, then its roles, each
    with dates at their precision, marks and evidence numbers, then the evidence."""
    used: set[str] = set()
    header = safe_text(history.name, "bold")
    if history.former_names:
        header.append(" (formerly " + sanitize(", ".join(history.former_names)) + ")", style="dim")
    parts: list[RenderableType] = [header]
    if history.description:
        parts.append(safe_text(history.description, "dim"))
    changes = Text("Changes", style="bold")
    for change in history.changes:
        changes.append(f"\n  {change.date.display()}  ", style="dim")
        changes.append_text(safe_text(change.summary))
        changes.append_text(_marks(Presence.PRESENT, change.confidence, used))
        changes.append_text(why.ref(change.events))
    parts.append(changes)
    if history.roles:
        roles = Text("Roles", style="bold")
        for span in history.roles:
            _, title, start, end = _span_row(span, used, why)
            roles.append("\n  ")
            roles.append_text(Text.assemble(title, ": ", safe_text(span.person_name, "green")))
            roles.append(f"\n    {start} → ", style="dim")
            roles.append_text(end if isinstance(end, Text) else Text(end))
        parts.append(roles)
    return _finish_wrapped(parts, used, why)
