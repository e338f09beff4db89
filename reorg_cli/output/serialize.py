"""Query results as JSON-ready data (docs/json-output.md) and the one JSON writer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import (
    Cited,
    Coverage,
    OrgState,
    ReportingLineState,
    RoleState,
    UnitState,
    VacancyState,
)
from reorg_cli.events.dates import DateWindow, ordinal_iso
from reorg_cli.events.errors import Problem, Severity
from reorg_cli.events.model import Confidence, Source
from reorg_cli.output.fastjson import dumps_sorted_indented, dumps_sorted_indented_utf8

if TYPE_CHECKING:
    from reorg_cli.engine.reports import CheckReport
    from reorg_cli.engine.results_over_time import (
        Chronicle,
        DiffChange,
        EventRecord,
        FactSummary,
        OrgDiff,
        PersonHistory,
        RoleSpan,
        SourceUse,
        UnitHistory,
    )

#: Bumped whenever a key is removed or changes meaning; adding keys does not bump it.
SCHEMA_VERSION = 1


#: Characters a terminal would act on, written as ``\\uXXXX`` even in UTF-8 JSON: C1 controls,
#: bidi overrides and isolates, and the line and paragraph separators.
_TERMINAL_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(data: dict[str, Any]) -> str:
    """The JSON text for stdout: UTF-8 (names readable), sorted keys, stable, one trailing
    newline; characters a terminal would act on are escaped."""
    # Same text as json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2), faster;
    # C0 controls are escaped by it, the few other unsafe characters here.
    text = dumps_sorted_indented(data, 2) + "\n"
    if _TERMINAL_UNSAFE.search(text) is None:
        return text
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: :data:`_TERMINAL_UNSAFE` in UTF-8: U+007F, U+0080..U+009F, U+061C, U+200E, U+200F,
#: U+2028..U+202E, U+2066..U+2069 (each pattern starts at a lead byte, so in valid UTF-8 it
#: matches exactly where the text's pattern matches).
_TERMINAL_UNSAFE_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)

#: The lead byte of every match of :data:`_TERMINAL_UNSAFE_UTF8`: a single byte is found by
#: ``memchr``, a hundred times faster than the pattern searches megabytes of text.
_UNSAFE_LEADS = (b"\x7f", b"\xc2", b"\xd8", b"\xe2")


def dumps_utf8(data: dict[str, Any]) -> tuple[bytes, ...]:
    """:func:`dumps` encoded as UTF-8 (lone surrogates as ``surrogateescape`` writes them),
    in pieces to write one after the other: the same bytes, without decoding, searching and
    re-encoding the tens of megabytes of a large state as text."""
    raw = dumps_sorted_indented_utf8(data)
    if raw is None:
        return (dumps(data).encode("utf-8", "surrogateescape"),)
    if any(lead in raw for lead in _UNSAFE_LEADS):
        raw = _TERMINAL_UNSAFE_UTF8.sub(lambda m: b"\\u%04x" % ord(m.group().decode()), raw)
    return (raw, b"\n")


def _window(window: DateWindow | None) -> str | None:
    return window.text() if window is not None else None


class _Texts:
    """Each date window's text, worked out once per document: a state of a million events
    writes 140,000 dates of 15,000 windows (the store shares equal windows). Windows are
    kept by their id, with the window itself, for the life of one document."""

    __slots__ = ("known",)

    def __init__(self) -> None:
        self.known: dict[int, tuple[DateWindow, str]] = {}

    def __call__(self, window: DateWindow | None) -> str | None:
        if window is None:
            return None
        found = self.known.get(id(window))
        if found is None:
            found = self.known[id(window)] = (window, window.text())
        return found[1]


#: Labels by rank (``Confidence`` and ``Presence`` are integers).
_CONFIDENCE_LABELS = tuple(c.label for c in Confidence)
_PRESENCE_LABELS = tuple(p.name.lower() for p in Presence)


def _staleness(
    last_confirmed: DateWindow | None,
    stale: bool,
    confirmed_by: tuple[str, ...],
    text: Callable[[DateWindow | None], str | None] = _window,
) -> dict[str, Any]:
    """``last_confirmed``, ``stale`` and ``confirmed_by`` of a fact (docs/json-output.md)."""
    return {
        "last_confirmed": text(last_confirmed),
        "stale": stale,
        "confirmed_by": list(confirmed_by),
    }


_STALENESS_KEYS = ("last_confirmed", "stale", "confirmed_by")


def coverage_dict(coverage: Coverage | None) -> dict[str, Any]:
    """``coverage_end`` (the date the data's knowledge reaches) and the staleness threshold
    a result used."""
    if coverage is None:
        raise ValueError("this result was built without its coverage")
    end = coverage.end
    return {
        "coverage_end": end.iso() if end is not None else None,
        "stale_after_days": coverage.stale_after_days,
    }


def event_refs(
    cited: Cited, ids: Iterable[str], text: Callable[[DateWindow | None], str | None] = _window
) -> dict[str, Any]:
    """The events of ``ids`` (each cited by the result), with their sources, keyed by id."""
    result: dict[str, Any] = {}
    labels = _CONFIDENCE_LABELS
    # A source is cited by many events: its entry is made once (and shared in the document).
    source_dicts: dict[int, tuple[Source, dict[str, str | None]]] = {}
    # Unsorted: the document's keys are sorted when it is written.
    for event_id in set(ids):
        event = cited[event_id]
        sources = []
        for source in event.sources:
            known = source_dicts.get(id(source))
            if known is None:
                known = source_dicts[id(source)] = (source, source.as_dict())
            sources.append(known[1])
        result[event_id] = {
            "date": text(event.date),
            "title": event.title,
            "confidence": labels[event.confidence],
            "sources": sources,
            "path": event.path,
            "line": event.line or None,
        }
    return result


def unit_state_dict(
    unit: UnitState, text: Callable[[DateWindow | None], str | None] = _window
) -> dict[str, Any]:
    """One unit of a state."""
    return {
        "id": unit.id,
        "name": unit.name,
        "names": dict(unit.names),
        "kind": unit.kind,
        "parent": unit.parent,
        "since": text(unit.since),
        "presence": _PRESENCE_LABELS[unit.presence],
        "uncertain_fields": list(unit.uncertain_fields),
        "confidence": _CONFIDENCE_LABELS[unit.confidence],
        "events": list(unit.events),
        **_staleness(unit.last_confirmed, unit.stale, unit.confirmed_by, text),
    }


def role_state_dict(
    role: RoleState, text: Callable[[DateWindow | None], str | None] = _window
) -> dict[str, Any]:
    """One role of a state."""
    return {
        "person": role.person,
        "person_name": role.person_name,
        "title": role.title,
        "head": role.head,
        "since": text(role.since),
        "presence": _PRESENCE_LABELS[role.presence],
        "confidence": _CONFIDENCE_LABELS[role.confidence],
        "events": list(role.events),
        **_staleness(role.last_confirmed, role.stale, role.confirmed_by, text),
    }


def vacancy_state_dict(
    vacancy: VacancyState, text: Callable[[DateWindow | None], str | None] = _window
) -> dict[str, Any]:
    """One vacant or unknown post."""
    return {
        "unit": vacancy.unit,
        "title": vacancy.title,
        "holder": vacancy.vacancy,
        "since": text(vacancy.since),
        "presence": _PRESENCE_LABELS[vacancy.presence],
        "confidence": _CONFIDENCE_LABELS[vacancy.confidence],
        "events": list(vacancy.events),
    }


def reporting_line_dict(
    line: ReportingLineState, text: Callable[[DateWindow | None], str | None] = _window
) -> dict[str, Any]:
    """One reporting line."""
    return {
        "person": line.person,
        "person_name": line.person_name,
        "reports_to": line.reports_to,
        "reports_to_name": line.reports_to_name,
        "since": text(line.since),
        "presence": _PRESENCE_LABELS[line.presence],
        "confidence": _CONFIDENCE_LABELS[line.confidence],
        "events": list(line.events),
        **_staleness(line.last_confirmed, line.stale, line.confirmed_by, text),
    }


def state_dict(
    state: OrgState,
    *,
    at_input: str,
    min_confidence: Confidence,
    units: Iterable[str] | None = None,
) -> dict[str, Any]:
    """``reorg show --format json``."""
    text = _Texts()
    keep = set(units) if units is not None else set(state.units)
    unit_list = []
    ids: set[str] = set()
    for unit_id in sorted(keep):
        unit = state.units[unit_id]
        entry = unit_state_dict(unit, text)
        ids.update(unit.events, unit.confirmed_by)
        roles = state.roles_in(unit_id)
        entry["roles"] = [role_state_dict(r, text) for r in roles]
        for role in roles:
            ids.update(role.events, role.confirmed_by)
        vacancies = state.vacancies_in(unit_id)
        entry["vacancies"] = [vacancy_state_dict(v, text) for v in vacancies]
        for vacancy in vacancies:
            ids.update(vacancy.events)
        unit_list.append(entry)
    lines = [reporting_line_dict(r, text) for r in state.reporting_lines]
    for line in state.reporting_lines:
        ids.update(line.events, line.confirmed_by)
    return {
        "schema_version": SCHEMA_VERSION,
        "at": ordinal_iso(state.day),
        "at_input": at_input,
        "min_confidence": min_confidence.label,
        "units": unit_list,
        "reporting_lines": lines,
        "events": event_refs(state.cited, ids, text),
        **coverage_dict(state.coverage),
    }


def _entry_dict(entry: object) -> dict[str, Any] | None:
    if entry is None:
        return None
    if isinstance(entry, UnitState):
        result = unit_state_dict(entry)
    elif isinstance(entry, RoleState):
        result = role_state_dict(entry)
        result["unit"] = entry.unit
    elif isinstance(entry, VacancyState):
        return vacancy_state_dict(entry)
    else:
        assert isinstance(entry, ReportingLineState)
        result = reporting_line_dict(entry)
    for key in _STALENESS_KEYS:  # a diff compares facts, not how recently they were confirmed
        del result[key]
    return result


def diff_change_dict(change: DiffChange) -> dict[str, Any]:
    """One change of a diff."""
    return {
        "type": change.type,
        "summary": change.summary,
        "events": list(change.events),
        "key": list(change.key),
        "before": _entry_dict(change.before),
        "after": _entry_dict(change.after),
        "confidence": (
            _CONFIDENCE_LABELS[change.confidence] if change.confidence is not None else None
        ),
    }


def diff_dict(diff: OrgDiff, *, min_confidence: Confidence) -> dict[str, Any]:
    """``reorg diff --format json``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "from": ordinal_iso(diff.day_from),
        "to": ordinal_iso(diff.day_to),
        "min_confidence": min_confidence.label,
        "changes": [diff_change_dict(c) for c in diff.changes],
        "events": event_refs(diff.cited, diff.cited_ids()),
    }


def span_dict(span: RoleSpan) -> dict[str, Any]:
    """One role in a history."""
    return {
        "unit": span.unit,
        "unit_name": span.unit_name,
        "unit_name_at_end": span.unit_name_at_end,
        "title": span.title,
        "head": span.head,
        "start": span.start.text(),
        "end": _window(span.end),
        "end_reason": span.end_reason,
        "end_confidence": span.end_confidence.label if span.end_confidence is not None else None,
        "status": span.status,
        "person": span.person,
        "person_name": span.person_name,
        "confidence": span.confidence.label,
        "events": list(span.events),
        **_staleness(span.last_confirmed, span.stale, span.confirmed_by),
    }


def history_dict(history: PersonHistory) -> dict[str, Any]:
    """``reorg history --format json``."""
    confirmations = history.reporting_line_confirmations
    return {
        "schema_version": SCHEMA_VERSION,
        "person": {
            "id": history.person_id,
            "name": history.name,
            "names": dict(history.names),
            "aliases": list(history.aliases),
            "description": history.description,
        },
        "roles": [span_dict(s) for s in history.roles],
        "reporting_lines": [
            {
                "reports_to": boss,
                "reports_to_name": name,
                "start": start.text(),
                "end": _window(end),
                "events": list(events),
                "confidence": confidence.label,
                **(
                    _staleness(*confirmations[index])
                    if index < len(confirmations)
                    else _staleness(None, False, ())
                ),
            }
            for index, (boss, name, start, end, events, confidence) in enumerate(
                history.reporting_lines
            )
        ],
        "events": event_refs(history.cited, history.cited_ids()),
        **coverage_dict(history.coverage),
    }


def unit_history_dict(history: UnitHistory) -> dict[str, Any]:
    """``reorg unit --format json``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "unit": {
            "id": history.unit_id,
            "name": history.name,
            "former_names": list(history.former_names),
            "description": history.description,
            "successor": history.successor,
        },
        "changes": [
            {
                "date": c.date.text(),
                "type": c.type,
                "summary": c.summary,
                "events": list(c.events),
                "confidence": c.confidence.label,
            }
            for c in history.changes
        ],
        "heads": [span_dict(s) for s in history.heads],
        "roles": [span_dict(s) for s in history.roles],
        "events": event_refs(history.cited, history.cited_ids()),
        **coverage_dict(history.coverage),
    }


def timeline_dict(chronicle: Chronicle) -> dict[str, Any]:
    """``reorg timeline --format json``."""
    events = []
    cited, day_from, day_to = chronicle.cited, chronicle.day_from, chronicle.day_to
    for entry in chronicle.entries:
        event = cited[entry.id]
        events.append(
            {
                "id": entry.id,
                "date": entry.date.text(),
                "date_display": entry.date.display(),
                "start": entry.date.start_iso(),
                "end": entry.date.end_iso(),
                "title": entry.title,
                "summary": entry.summary,
                "notes": event.notes,
                "confidence": entry.confidence.label,
                "status": entry.status,
                "related": entry.related,
                "planned": entry.planned,
                "sources": [s.as_dict() for s in event.sources],
                "path": event.path,
                "line": event.line or None,
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "from": ordinal_iso(day_from) if day_from is not None else None,
        "to": ordinal_iso(day_to) if day_to is not None else None,
        "events": events,
    }


def check_dict(report: CheckReport) -> dict[str, Any]:
    """``reorg check --format json``."""
    from reorg_cli.engine.reports import CHECKS

    return {
        "schema_version": SCHEMA_VERSION,
        "coverage_end": report.coverage_end,
        "as_of": ordinal_iso(report.reference_day),
        "stale_after_days": report.stale_after_days,
        "checks": dict(CHECKS),
        "counts": report.counts(),
        "findings": [
            {
                "check": f.check,
                "path": f.path,
                "line": f.line or None,
                "message": f.message,
                "fix": f.fix,
                "subject": list(f.subject),
                "events": list(f.events),
            }
            for f in report.findings
        ],
    }


def problems_dict(problems: list[Problem], files: int, events: int) -> dict[str, Any]:
    """``reorg validate --format json``."""
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    return {
        "schema_version": SCHEMA_VERSION,
        "files": files,
        "events": events,
        "errors": errors,
        "warnings": len(problems) - errors,
        "problems": [p.as_dict() for p in problems],
    }


def sources_dict(uses: list[SourceUse]) -> dict[str, Any]:
    """``reorg sources --format json``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "sources": [
            {**use.source.as_dict(), "events": list(use.events), "facts": use.facts} for use in uses
        ],
    }


def fact_summaries_dict(facts: list[FactSummary]) -> dict[str, Any]:
    """``reorg sources --single-reported --format json``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "facts": [
            {
                "fact": fact.description,
                "start": fact.start.text(),
                "end": _window(fact.end),
                "confidence": fact.confidence.label,
                "events": list(fact.events),
                "sources": [s.as_dict() for s in fact.sources],
            }
            for fact in facts
        ],
    }


def event_dict(record: EventRecord) -> dict[str, Any]:
    """``reorg event ID --format json``: the event as recorded, and what became of it."""
    from reorg_cli.events.changes import CHANGE_TYPE_NAMES

    event = record.event
    changes = []
    for change in event.changes:
        entry: dict[str, Any] = {"type": CHANGE_TYPE_NAMES[type(change)]}
        for name in change.__dataclass_fields__:
            if name in ("location", "refs"):
                continue
            value = getattr(change, name)
            if isinstance(value, Confidence):
                value = value.label
            elif isinstance(value, tuple):
                value = dict(value)
            entry[name] = value
        changes.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "event": {
            "id": event.id,
            "date": event.date.text(),
            "date_display": event.date.display(),
            "seq": event.seq,
            "title": event.title,
            "summary": event.summary,
            "notes": event.notes,
            "confidence": event.confidence.label,
            "announced": _window(event.announced),
            "sources": [s.as_dict() for s in event.sources],
            "changes": changes,
            "corrects": event.corrects,
            "retracts": event.retracts,
            "corrected_by": record.corrected_by,
            "retracted_by": record.retracted_by,
            "applied": record.applied,
            "path": event.path,
            "line": event.location.line or None,
        },
    }
