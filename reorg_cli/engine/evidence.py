"""Why a fact is believed: the :class:`Evidence` of the events a result cites (a result's
``cited``), read only when the answer shows them (JSON, ``--why``)."""

from __future__ import annotations

from dataclasses import dataclass

from reorg_cli.events.dates import DateWindow
from reorg_cli.events.model import Confidence, Source


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a fact is believed: one event with its sources, and what corrected it."""

    id: str
    date: DateWindow
    title: str
    confidence: Confidence
    sources: tuple[Source, ...]
    path: str
    line: int
    notes: str | None = None
    status: str = "applied"
    corrects: Evidence | None = None
