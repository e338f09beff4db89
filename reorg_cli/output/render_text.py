"""Building blocks of the renderers: safe text, the marks and their legend, footnotes, dates and
the labels of units, roles and vacancies (part of :mod:`reorg_cli.output.render`). Nothing here
prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import RoleState, UnitState, VacancyState
from reorg_cli.events.chars import CONTROL, escaped, visible
from reorg_cli.events.dates import DateWindow
from reorg_cli.events.model import Confidence, kind_label
from reorg_cli.output.layout import KEEP, Wrapped

if TYPE_CHECKING:
    from reorg_cli.engine.evidence import Evidence

# And the private-use character layout.KEEP stands for, so that user text never contains it.
_UNSAFE_RE = re.compile(f"[{CONTROL}\ue000]")

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
    return _UNSAFE_RE.sub(escaped, value)


def one_line(value: str) -> str:
    """:func:`sanitize`, and tabs and line breaks as visible ``\\uXXXX`` too: for text that
    must stay on one line (an error message naming a path with a line break in it)."""
    return visible(sanitize(value))


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
    """Numbered references from facts to the events behind them (``--why``), drawn from what
    the result being rendered cites (its ``cited`` mapping)."""

    def __init__(self, cited: Mapping[str, Evidence]) -> None:
        self.cited = cited
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
            evidence = self.cited[event_id]
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


def _finish(parts: list[RenderableType], used: set[str], why: Footnotes | None) -> Group:
    note = legend(used)
    if note is not None:
        parts.append(note)
    if why is not None and why.numbers:
        parts.append(why.render())
    return Group(*parts)


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
