"""Renderers of histories, timelines, checks, problems, sources and single events (part of
:mod:`reorg_cli.output.render`). Nothing here prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from reorg_cli.engine.facts import Presence
from reorg_cli.events.dates import ordinal_iso
from reorg_cli.events.errors import Problem, Severity
from reorg_cli.events.model import Confidence
from reorg_cli.output.layout import KEEP, Records, Wrapped, keep
from reorg_cli.output.render_text import (
    Footnotes,
    _append_evidence,
    _confirming,
    _date,
    _finish,
    _marks,
    _stale,
    one_line,
    safe_text,
    sanitize,
)

if TYPE_CHECKING:
    from reorg_cli.engine.reports import CheckReport
    from reorg_cli.engine.results_over_time import (
        Chronicle,
        EventRecord,
        FactSummary,
        PersonHistory,
        RoleSpan,
        SourceUse,
        UnitHistory,
    )


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
    elif span.status in ("current", "stale"):  # held today, with an end that has not come yet
        end = Text(f"{span.end.short()} (planned)", "yellow")
    else:
        end = Text(span.end.short().replace(" ", KEEP))
    if span.end_reason:
        end.append(f" — {sanitize(span.end_reason)}", style="dim")
    if span.end is not None and span.end_confidence is not None:
        end.append_text(_marks(Presence.PRESENT, span.end_confidence, used))
    if span.end is not None and span.status == "stale":  # an end no source states
        end.append_text(_stale(span.last_confirmed, used))
    title = safe_text(span.title)
    title.append_text(_marks(Presence.PRESENT, span.confidence, used))
    if why is not None:
        confirming = _confirming(span.start, span.last_confirmed, span.confirmed_by)
        title.append_text(why.ref([*span.events, *confirming]))
    return [unit, title, span.start.short(), end]


def person_header(history: PersonHistory) -> list[RenderableType]:
    """A person's name, their other names and aliases, and their description: the head of
    both layouts of a history (the table and the narrow pane)."""
    header = safe_text(history.name, "bold")
    others = [n for _, n in history.names] + list(history.aliases)
    if others:
        header.append(" (" + sanitize(", ".join(others)) + ")", style="dim")
    parts: list[RenderableType] = [header]
    if history.description:
        parts.append(safe_text(history.description, "dim"))
    return parts


def render_person_history(history: PersonHistory, why: Footnotes | None = None) -> RenderableType:
    """A person's roles over time."""
    used: set[str] = set()
    parts = person_header(history)
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
            if end is not None and history.today is not None and end.lo > history.today:
                until = _date(end).append(" (planned)")  # an end that has not come yet
                if stale:  # an end no source states
                    until.append_text(_stale(last, used))
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


def render_timeline(chronicle: Chronicle, why: Footnotes | None = None) -> RenderableType:
    """The chronicle: one row per event."""
    used: set[str] = set()
    table = Records(title="Timeline")
    table.add_column("Date", whole=True)
    table.add_column("Event")  # the title, and under it the id (whole, for copying)
    for entry in chronicle.entries:
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
    if not chronicle.entries:
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
        text.append(one_line(str(problem.location)), style="bold")
        text.append(": ")
        text.append("warning: " if problem.severity is Severity.WARNING else "error: ", style=style)
        text.append(one_line(problem.message))
        if problem.hint:
            text.append(f" ({one_line(problem.hint)})", style="dim")
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


def render_event(record: EventRecord) -> RenderableType:
    """One event in full."""
    from reorg_cli.events.changes import CHANGE_TYPE_NAMES

    event = record.event
    text = Text()
    _append_evidence(text, record.evidence, indent="  ")
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
