"""Export the events as a TimelineJS3 JSON timeline (https://timeline.knightlab.com/).

One slide per event in replay order; partial dates become TimelineJS date objects at their
precision (a year-only date has no month), windows keep their wording in ``display_date``
(``by 2025-06-23``); slides are grouped by the unit (or person) the event is mostly about, and
each slide lists the changes and links its sources.
"""

from __future__ import annotations

import html
from typing import Any

from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.changes import (
    Change,
    PersonLeft,
    ReportingLineCleared,
    ReportingLineSet,
    RoleAssigned,
    RoleEnded,
    UnitCreated,
    UnitDissolved,
    UnitMerged,
    UnitMoved,
    UnitReclassified,
    UnitRenamed,
)
from reorg_cli.events.dates import PartialDate, WindowKind
from reorg_cli.events.model import kind_label
from reorg_cli.events.records import Event


def _date_object(date: PartialDate) -> dict[str, Any]:
    result: dict[str, Any] = {"year": date.year}
    if date.month is not None:
        result["month"] = date.month
    if date.day is not None:
        result["day"] = date.day
    result["display_date"] = date.display()
    return result


def describe_change(timeline: Timeline, change: Change, order: int) -> str:
    """One change in words, naming units as they were named at replay step ``order``."""

    def unit(unit_id: str | None, step: int = order) -> str:
        return "the top level" if unit_id is None else timeline.unit_name_at_order(unit_id, step)

    def person(person_id: str) -> str:
        return timeline.person_name(person_id)

    match change:
        case UnitCreated():
            text = f"{change.name} ({kind_label(change.kind)}) created"
            return text + (f" under {unit(change.parent)}" if change.parent else "")
        case UnitRenamed():
            return f"{unit(change.unit, order - 1)} renamed {change.name}"
        case UnitReclassified():
            text = f"{unit(change.unit, order - 1)} becomes a {kind_label(change.kind)}"
            return text + (f", named {change.name}" if change.name else "")
        case UnitMoved():
            return f"{unit(change.unit)} moved to {unit(change.parent)}"
        case UnitMerged():
            return f"{unit(change.unit, order - 1)} merged into {unit(change.into)}"
        case UnitDissolved():
            return f"{unit(change.unit, order - 1)} dissolved"
        case RoleAssigned():
            return f"{person(change.person)} becomes {change.title}, {unit(change.unit)}"
        case RoleEnded():
            text = f"{person(change.person)} is no longer {change.title}, {unit(change.unit)}"
            if change.vacancy == "vacant":
                text += " (post left vacant)"
            elif change.vacancy == "unknown":
                text += " (successor not known)"
            return text
        case PersonLeft():
            return f"{person(change.person)} leaves the organization"
        case ReportingLineSet():
            return f"{person(change.person)} reports to {person(change.reports_to)}"
        case ReportingLineCleared():
            return f"{person(change.person)} no longer has a reporting line"
    return type(change).__name__  # pragma: no cover - every change type is handled above


def _group(timeline: Timeline, event: Event, by: str) -> str | None:
    for change in event.changes:
        if by == "person":
            person = getattr(change, "person", None)
            if person is not None:
                return timeline.person_name(person)
        else:
            unit = getattr(change, "unit", None)
            if unit is not None:
                return timeline.unit_name_now(unit)
    return None


def _link(url: str, label: str) -> str:
    if url.startswith(("https://", "http://")):
        return (
            f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">'
            f"{html.escape(label)}</a>"
        )
    return html.escape(label if label == url else f"{label} ({url})")


def _text(timeline: Timeline, event: Event, order: int) -> str:
    parts = []
    if event.summary:
        parts.append(f"<p>{html.escape(event.summary)}</p>")
    if event.changes:
        items = "".join(
            f"<li>{html.escape(describe_change(timeline, c, order))}</li>" for c in event.changes
        )
        parts.append(f"<ul>{items}</ul>")
    parts.append(f"<p>Confidence: {event.confidence.label}</p>")
    if event.sources:
        cited = "; ".join(_link(s.url, s.title or s.publisher or s.url) for s in event.sources)
        parts.append(f"<p>Sources: {cited}</p>")
    return "".join(parts)


def timelinejs_document(
    timeline: Timeline, *, group_by: str = "unit", until: int | None = None
) -> dict[str, Any]:
    """The TimelineJS3 JSON of the replayed events (those dated up to ``until``, if given).
    ``group_by`` is ``unit`` or ``person``. Events with an unknown date have no slide."""
    slides = []
    undated = 0
    for order, event in enumerate(timeline.order):
        if until is not None and event.date.sort_day > until:
            continue
        window = event.date
        if window.kind is WindowKind.UNKNOWN or window.first is None:
            undated += 1
            continue
        slide: dict[str, Any] = {"start_date": _date_object(window.first)}
        if window.kind is WindowKind.BETWEEN and window.second is not None:
            slide["end_date"] = _date_object(window.second)
        slide["display_date"] = window.display()
        slide["text"] = {
            "headline": html.escape(event.title),
            "text": _text(timeline, event, order),
        }
        group = _group(timeline, event, group_by)
        if group is not None:
            slide["group"] = html.escape(group)
        slide["unique_id"] = event.id
        slides.append(slide)
    intro = f"{len(slides)} events"
    if slides:
        intro += f", {slides[0]['display_date']} to {slides[-1]['display_date']}"
    if undated:
        intro += f"; {undated} events with an unknown date are not shown"
    return {
        "title": {
            "text": {
                "headline": "Organization history",
                "text": f"<p>{html.escape(intro)}. Exported by reorg.</p>",
            }
        },
        "events": slides,
    }
