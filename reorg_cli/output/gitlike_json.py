"""JSON of ``log``, ``blame``, ``when`` and the ``known_as_of`` note (docs/json-output.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reorg_cli.engine.reports import Blame, KnowledgeEntry, KnowledgeReport, LogEntry, WhenResult
from reorg_cli.events.dates import DateWindow
from reorg_cli.events.gitinfo import FileCommit
from reorg_cli.output.serialize import SCHEMA_VERSION, diff_change_dict


def _window(window: DateWindow) -> dict[str, Any]:
    return {
        "date": window.text(),
        "display": window.display(),
        "start": window.start_iso(),
        "end": window.end_iso(),
    }


def log_dict(entries: list[LogEntry], *, patch: bool) -> dict[str, Any]:
    """``reorg log --format json``."""
    events = []
    for item in entries:
        entry = item.entry
        record: dict[str, Any] = {
            "id": entry.id,
            **{k: v for k, v in _window(entry.date).items() if k != "display"},
            "date_display": entry.date.display(),
            "title": entry.title,
            "summary": entry.summary,
            "notes": item.notes,
            "confidence": entry.confidence.label,
            "status": entry.status,
            "related": entry.related,
            "planned": entry.planned,
            "sources": [s.as_dict() for s in item.sources],
        }
        if patch:
            record["changes"] = [diff_change_dict(c) for c in item.patch or ()]
            record["confirms"] = list(item.confirms)
        events.append(record)
    return {"schema_version": SCHEMA_VERSION, "events": events}


def blame_dict(result: Blame, commits: Mapping[str, FileCommit] | None) -> dict[str, Any]:
    """``reorg blame --format json``."""
    facts = []
    for line in result.lines:
        events = []
        for event in line.events:
            commit = (commits or {}).get(event.path)
            events.append(
                {
                    "role": event.role,
                    "id": event.id,
                    "date": event.date,
                    "confidence": event.confidence.label,
                    "sources": [s.as_dict() for s in event.sources],
                    "path": event.path,
                    "line": event.line or None,
                    "commit": None
                    if commit is None
                    else {
                        "hash": commit.short_hash or None,
                        "date": commit.date or None,
                        "author": commit.author or None,
                        "uncommitted": commit.uncommitted,
                    },
                }
            )
        facts.append(
            {
                "kind": line.kind,
                "description": line.description,
                "start": line.start,
                "end": line.end,
                "confidence": line.confidence.label,
                "event": line.events[0].id if line.events else None,
                "events": events,
                "last_confirmed": line.last_confirmed.text()
                if line.last_confirmed is not None
                else None,
                "stale": line.stale,
                "confirmed_by": list(line.confirmed_by),
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "subject": {
            "kind": result.subject_kind,
            "id": result.subject_id,
            "name": result.subject_name,
        },
        "at": result.at,
        "coverage_end": result.coverage_end,
        "stale_after_days": result.stale_after_days,
        "facts": facts,
    }


def when_dict(result: WhenResult) -> dict[str, Any]:
    """``reorg when --format json``: ``windows`` is empty when the condition never held."""
    condition = result.condition
    windows = []
    for window in result.windows:
        windows.append(
            {
                "from": {
                    **_window(window.start.window),
                    "event": window.start.event,
                    "confidence": window.start_confidence.label,
                },
                "to": None
                if window.end is None
                else {
                    **_window(window.end.window),
                    "event": window.end.event,
                    "confidence": window.end_confidence.label
                    if window.end_confidence is not None
                    else None,
                },
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "condition": {
            "text": condition.text,
            "kind": condition.kind,
            "description": condition.describe(),
            "subject": condition.subject,
            "other": condition.other,
            "title": condition.title,
        },
        "never": not windows,
        "windows": windows,
    }


def _entry(entry: KnowledgeEntry) -> dict[str, Any]:
    return {
        "event": entry.event,
        "date": entry.date,
        "status": entry.status,
        "first_published": entry.first_published,
    }


def knowledge_dict(report: KnowledgeReport) -> dict[str, Any]:
    """The ``known_as_of`` member added to a command's JSON by ``--known-as-of``."""
    return {
        "date": report.iso,
        "left_out": [_entry(e) for e in report.left_out],
        "kept_without_dated_source": [_entry(e) for e in report.undated],
    }
