"""A person's history (``reorg history``): every role they held and their reporting lines.

Apart from :mod:`reorg_cli.engine.results_over_time` (which re-exports these classes) so that a
warm ``reorg history`` creates only the result classes it draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reorg_cli.engine.results import Cited, Coverage
from reorg_cli.events.dates import DateWindow
from reorg_cli.events.model import Confidence


def _no_citations() -> Cited:
    return {}


@dataclass(frozen=True, slots=True)
class RoleSpan:
    """One role in a person's history."""

    unit: str
    unit_name: str
    title: str
    head: bool
    start: DateWindow
    end: DateWindow | None
    end_reason: str | None
    status: str  # current | stale | ended | ended (date unknown) | planned
    confidence: Confidence
    events: tuple[str, ...]
    unit_name_at_end: str | None = None
    person: str = ""
    person_name: str = ""
    end_confidence: Confidence | None = None
    last_confirmed: DateWindow | None = None
    stale: bool = False
    confirmed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonHistory:
    """Every role a person held, in order, plus their reporting lines."""

    person_id: str
    name: str
    names: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]
    description: str | None
    roles: tuple[RoleSpan, ...]
    reporting_lines: tuple[
        tuple[str, str, DateWindow, DateWindow | None, tuple[str, ...], Confidence], ...
    ]
    #: The day (ordinal) the statuses are relative to; a line starting after it is planned.
    today: int | None = None
    # For each reporting line, in the same order: (last confirmed, stale, confirming events).
    reporting_line_confirmations: tuple[tuple[DateWindow, bool, tuple[str, ...]], ...] = ()
    #: The events behind every role and line, and those confirming them.
    cited: Cited = field(default_factory=_no_citations, compare=False, repr=False)
    coverage: Coverage | None = field(default=None, compare=False, repr=False)

    def cited_ids(self) -> list[str]:
        """What the history cites, roles first."""
        ids = [e for span in self.roles for e in (*span.events, *span.confirmed_by)]
        ids += [e for line in self.reporting_lines for e in line[4]]
        ids += [e for _, _, by in self.reporting_line_confirmations for e in by]
        return ids
