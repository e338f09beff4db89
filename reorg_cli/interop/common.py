"""Helpers shared by the exporters and importers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reorg_cli.engine.facts import Fact, Presence
from reorg_cli.events.dates import DateWindow, WindowKind
from reorg_cli.events.model import Source

_SLUG_RE = re.compile(r"[^\w]+")


def slug(text: str) -> str:
    """A lower-case id fragment: letters and digits (any script) joined by ``-``."""
    return _SLUG_RE.sub("-", text.casefold()).strip("-_") or "x"


def unique(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``used`` (which is updated)."""
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate


def exact_date(window: DateWindow | None) -> str | None:
    """A window as one reduced-precision ISO date (``2026``, ``2026-04``, ``2026-04-08``) when
    it is exactly one such date, else None (``by``, ``after``, ``between``, ``unknown``)."""
    if window is None or window.kind is not WindowKind.EXACT or window.first is None:
        return None
    return window.first.iso()


def source_note(source: Source) -> str:
    """A one-line description of a source: publisher, date, title and note."""
    parts = [source.publisher, source.published, source.title, source.note]
    return "; ".join(p for p in parts if p)


def source_dict(source: Source) -> dict[str, str]:
    """A source as a mapping without empty fields (the event-file form)."""
    return {k: v for k, v in source.as_dict().items() if v is not None}


def distinct_sources(groups: Iterable[Iterable[Source]]) -> list[Source]:
    """Sources in order of first appearance, each URL once."""
    seen: set[str] = set()
    result = []
    for group in groups:
        for source in group:
            if source.url not in seen:
                seen.add(source.url)
                result.append(source)
    return result


def fact_near(facts: Sequence[Fact], day: int) -> Fact | None:
    """The fact of a slot holding on ``day`` (a certain one before an uncertain one); when none
    holds, the last one started by ``day``, else the first one."""
    chosen: Fact | None = None
    for fact in facts:
        presence = fact.presence(day)
        if presence is Presence.PRESENT:
            return fact
        if presence is Presence.UNCERTAIN and chosen is None:
            chosen = fact
    if chosen is not None:
        return chosen
    started = [f for f in facts if f.start.window.sort_day <= day]
    if started:
        return started[-1]
    return facts[0] if facts else None
