"""Renderers of one unit or person at a date: the explorer's details pane (part of
:mod:`reorg_cli.output.render`). Nothing here prints.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import OrgState, ReportingLineState
from reorg_cli.engine.results_over_time import PersonHistory, UnitHistory
from reorg_cli.events.dates import ordinal_iso
from reorg_cli.events.model import kind_label
from reorg_cli.output.render_history import _span_row, person_header
from reorg_cli.output.render_text import (
    Footnotes,
    _confirming,
    _marks,
    _since,
    _stale,
    _unit_label,
    legend,
    role_label,
    safe_text,
    sanitize,
    vacancy_label,
)

# -- one unit or person at a date (the explorer's details pane) -----------------------------------


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
    parts = person_header(history)
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
        confirmations = history.reporting_line_confirmations
        for index, line in enumerate(history.reporting_lines):
            _, name, start_window, end_window, events, confidence = line
            last, stale, _ = (
                confirmations[index] if index < len(confirmations) else (None, False, ())
            )
            planned = history.today is not None and start_window.lo > history.today
            lines.append("\n  reports to ")
            lines.append_text(safe_text(name))
            lines.append_text(_marks(Presence.PRESENT, confidence, used))
            lines.append_text(why.ref(events))
            lines.append(f"\n    {start_window.display()} → ", style="dim")
            if end_window is None and stale and not planned:  # as ``history`` words it
                lines.append_text(_stale(last, used, ""))
            else:
                until = "planned" if planned else "current"
                coming = (
                    end_window is not None
                    and history.today is not None
                    and end_window.lo > history.today
                )
                if end_window is not None:
                    until = end_window.display()
                    if coming:
                        until += " (planned)"  # an end that has not come yet
                lines.append(until, style="dim")
                if coming and stale:  # an end no source states
                    lines.append_text(_stale(last, used))
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
