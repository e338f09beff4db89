"""Generated event histories for the property, stateful and fuzz tests.

:class:`NaiveOrg` is a deliberately simple reference replay: plain dicts and sets, no dates, no
facts. It knows which changes are valid next, so generators only build histories the compiler
accepts (ids come from small pools so that operations collide: the same unit is renamed,
moved, merged; the same post is held twice). Histories are written as YAML files and read back
through the real loader.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import strategies as st

from reorg_cli.events.dates import NEG_INF, POS_INF, parse_window

T = TypeVar("T")
Change = dict[str, Any]
Pick = Callable[[Sequence[Any]], Any]

UNITS = ("u1", "u2", "u3", "u4")
PEOPLE = ("ann", "bo", "cy", "dee")
TITLES = ("Head", "CEO", "Member")
KINDS = ("lab", "team", "company", "business_unit")
#: Display names, some of them hostile to terminals and renderers (markup, CJK, combining).
UNIT_NAMES = ("Alpha", "Beta Lab", "[bold red]Evil[/]", "研究所", "Cafe\u0301", "R&D [Legacy]")
PERSON_NAMES = {
    "ann": "Ann Lee",
    "bo": "[red]Bo[/red] Chen",
    "cy": "周靖人",
    "dee": "Dee \\ O'Neil",
}
#: Dates from a small range, at every precision and window shape, in no particular order.
DATES = (
    "2024-01-10",
    "2024-01-15",
    "2024-01",
    "2024-02",
    "2024-02-29",
    "2024",
    "by 2024-03-01",
    "after 2024-03-15",
    "between 2024-02 and 2024-04-10",
    "2024-04-01",
    "2024-04-01",
    "2025",
    "unknown",
)
#: Exact days only (for the model-based test, whose reference knows no windows).
EXACT_DATES = ("2024-01-10", "2024-01-15", "2024-02-01", "2024-02-29", "2024-04-01", "2025-01-01")


def sort_day(date: str) -> int:
    """The replay-order day of a date as written."""
    return parse_window(date).sort_day


@dataclass
class NaiveOrg:
    """The organization after some changes, kept the obvious way."""

    units: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    roles: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    vacancies: dict[tuple[str, str], str] = field(default_factory=dict)
    reports: dict[str, str] = field(default_factory=dict)

    def copy(self) -> NaiveOrg:
        """An independent copy."""
        return NaiveOrg(
            dict(self.units),
            set(self.created),
            dict(self.roles),
            dict(self.vacancies),
            dict(self.reports),
        )

    # -- queries ---------------------------------------------------------------------------
    def parent(self, unit: str) -> str | None:
        """The unit's parent."""
        return self.units[unit][2]

    def inside(self, unit: str, ancestor: str) -> bool:
        """True when ``ancestor`` is ``unit`` or above it."""
        cursor: str | None = unit
        while cursor is not None:
            if cursor == ancestor:
                return True
            cursor = self.parent(cursor)
        return False

    def children(self, unit: str) -> list[str]:
        """Units directly under ``unit``."""
        return sorted(u for u, (_, _, p) in self.units.items() if p == unit)

    def reports_up_to(self, person: str, boss: str) -> bool:
        """True when ``person`` is ``boss`` or in ``boss``'s chain of managers."""
        cursor: str | None = boss
        while cursor is not None:
            if cursor == person:
                return True
            cursor = self.reports.get(cursor)
        return False

    def options(self) -> list[Change]:
        """Every valid next change, without its free-text fields (see :meth:`complete`)."""
        alive = sorted(self.units)
        found: list[Change] = []
        for unit in UNITS:
            if unit not in self.created:
                for parent in (None, *alive):
                    found.append({"type": "unit_created", "unit": unit, "parent": parent})
        for unit in alive:
            found.append({"type": "unit_renamed", "unit": unit})
            found.append({"type": "unit_reclassified", "unit": unit})
            for parent in (None, *alive):
                if parent is None or not self.inside(parent, unit):
                    found.append({"type": "unit_moved", "unit": unit, "parent": parent})
            for into in alive:
                if not self.inside(into, unit):
                    found.append({"type": "unit_merged", "unit": unit, "into": into})
            if not self.children(unit):
                found.append({"type": "unit_dissolved", "unit": unit})
            for person in PEOPLE:
                for title in TITLES:
                    if (person, unit, title) not in self.roles:
                        found.append(
                            {
                                "type": "role_assigned",
                                "person": person,
                                "unit": unit,
                                "title": title,
                            }
                        )
        for person, unit, title in sorted(self.roles):
            found.append({"type": "role_ended", "person": person, "unit": unit, "title": title})
            found.append({"type": "role_confirmed", "person": person, "unit": unit, "title": title})
        for unit in alive:
            found.append({"type": "unit_confirmed", "unit": unit})
        for person, boss in sorted(self.reports.items()):
            found.append({"type": "reporting_line_confirmed", "person": person, "reports_to": boss})
        for person in PEOPLE:
            found.append({"type": "person_left", "person": person})
            for boss in PEOPLE:
                if not self.reports_up_to(person, boss):
                    found.append(
                        {"type": "reporting_line_set", "person": person, "reports_to": boss}
                    )
            if person in self.reports:
                found.append({"type": "reporting_line_cleared", "person": person})
        return found

    @staticmethod
    def all_changes() -> list[Change]:
        """Every change over the id pools, valid or not (the same shapes as :meth:`options`)."""
        found: list[Change] = []
        for unit in UNITS:
            for parent in (None, *UNITS):
                found.append({"type": "unit_created", "unit": unit, "parent": parent})
                found.append({"type": "unit_moved", "unit": unit, "parent": parent})
            found.append({"type": "unit_renamed", "unit": unit})
            found.append({"type": "unit_reclassified", "unit": unit})
            found.append({"type": "unit_dissolved", "unit": unit})
            for into in UNITS:
                found.append({"type": "unit_merged", "unit": unit, "into": into})
            for person in PEOPLE:
                for title in TITLES:
                    key = {"person": person, "unit": unit, "title": title}
                    found.append({"type": "role_assigned", **key})
                    found.append({"type": "role_ended", **key})
                    found.append({"type": "role_confirmed", **key})
            found.append({"type": "unit_confirmed", "unit": unit})
        for person in PEOPLE:
            found.append({"type": "person_left", "person": person})
            found.append({"type": "reporting_line_cleared", "person": person})
            for boss in PEOPLE:
                found.append({"type": "reporting_line_set", "person": person, "reports_to": boss})
                found.append(
                    {"type": "reporting_line_confirmed", "person": person, "reports_to": boss}
                )
        return found

    def invalid_options(self) -> list[Change]:
        """Every change over the id pools that is not valid next."""
        valid = self.options()
        return [change for change in self.all_changes() if change not in valid]

    @staticmethod
    def complete(change: Change, pick: Pick, org: NaiveOrg | None = None) -> Change:
        """Fill in names, kinds and flags; ``pick`` chooses one of a sequence.

        With ``org``, a role end gets a ``vacancy`` only if nobody else holds the post.
        """
        result = dict(change)
        kind = change["type"]
        if kind == "unit_created":
            result["name"] = pick(UNIT_NAMES)
            result["kind"] = pick(KINDS)
        elif kind == "unit_renamed":
            result["name"] = pick(UNIT_NAMES)
        elif kind == "unit_reclassified":
            result["kind"] = pick(KINDS)
            name = pick((None, *UNIT_NAMES))
            if name is not None:
                result["name"] = name
        elif kind == "role_assigned":
            result["head"] = pick((False, True))
            if change["title"] == "Member":
                result["shared"] = True
        elif kind == "role_ended":
            vacancy = pick((None, None, "vacant", "unknown"))
            others = (
                org is not None
                and change["title"] != "Member"
                and any(
                    key[1:] == (change["unit"], change["title"]) and key[0] != change["person"]
                    for key in org.roles
                )
            )
            if vacancy is not None and not others:
                result["vacancy"] = vacancy
        return result

    # -- the replay ----------------------------------------------------------------------------
    def apply(self, change: Change) -> None:
        """Apply one valid change."""
        kind = change["type"]
        if kind == "unit_created":
            unit = change["unit"]
            self.created.add(unit)
            self.units[unit] = (nfc(change["name"]), change["kind"], change["parent"])
        elif kind == "unit_renamed":
            _, unit_kind, parent = self.units[change["unit"]]
            self.units[change["unit"]] = (nfc(change["name"]), unit_kind, parent)
        elif kind == "unit_reclassified":
            name, _, parent = self.units[change["unit"]]
            name = nfc(change.get("name") or name)
            self.units[change["unit"]] = (name, change["kind"], parent)
        elif kind == "unit_moved":
            name, unit_kind, _ = self.units[change["unit"]]
            self.units[change["unit"]] = (name, unit_kind, change["parent"])
        elif kind == "unit_merged":
            for child in self.children(change["unit"]):
                name, unit_kind, _ = self.units[child]
                self.units[child] = (name, unit_kind, change["into"])
            self.end_unit(change["unit"])
        elif kind == "unit_dissolved":
            self.end_unit(change["unit"])
        elif kind == "role_assigned":
            key = (change["person"], change["unit"], change["title"])
            self.roles[key] = bool(change.get("head", False))
            self.vacancies.pop((change["unit"], change["title"]), None)
        elif kind == "role_ended":
            del self.roles[(change["person"], change["unit"], change["title"])]
            if change.get("vacancy"):
                self.vacancies[(change["unit"], change["title"])] = change["vacancy"]
        elif kind == "person_left":
            for key in [k for k in self.roles if k[0] == change["person"]]:
                del self.roles[key]
            self.reports.pop(change["person"], None)
        elif kind == "reporting_line_set":
            self.reports[change["person"]] = change["reports_to"]
        elif kind == "reporting_line_cleared":
            del self.reports[change["person"]]
        elif kind in ("role_confirmed", "unit_confirmed", "reporting_line_confirmed"):
            pass  # confirmations change nothing but how recently a fact was confirmed
        else:  # pragma: no cover
            raise ValueError(kind)

    def end_unit(self, unit: str) -> None:
        """A unit ends: its roles and vacancies go with it."""
        del self.units[unit]
        for key in [k for k in self.roles if k[1] == unit]:
            del self.roles[key]
        for post in [p for p in self.vacancies if p[0] == unit]:
            del self.vacancies[post]


def nfc(text: str) -> str:
    """Names are stored normalized to NFC."""
    return unicodedata.normalize("NFC", text)


# -- histories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEvent:
    """One generated event."""

    id: str
    date: str
    seq: int
    confidence: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class History:
    """A generated, valid history, in replay order."""

    events: tuple[HistoryEvent, ...]

    def windows(self) -> list[tuple[int, int]]:
        """Each event's (first, last) possible day."""
        return [(w.lo, w.hi) for w in (parse_window(e.date) for e in self.events)]

    def interesting_days(self) -> list[int]:
        """Days around every window edge (where states change), plus one before it all."""
        days: set[int] = {738_000, 740_000}  # 2021-07-28 and 2026-07-31
        for lo, hi in self.windows():
            for day in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1):
                if NEG_INF < day < POS_INF - 1 and day > 1:
                    days.add(day)
        return sorted(days)


def pick_change(org: NaiveOrg, pick: Pick) -> Change:
    """A valid next change: first its type (see ``_WEIGHTS``), then which one."""
    by_type: dict[str, list[Change]] = {}
    for option in org.options():
        by_type.setdefault(option["type"], []).append(option)
    weighted = [kind for kind in sorted(by_type) for _ in range(_WEIGHTS.get(kind, 1))]
    return dict(pick(by_type[pick(weighted)]))


#: How much likelier than the others a change type is, when it is possible at all.
_WEIGHTS = {"role_assigned": 4, "role_ended": 4, "unit_created": 2, "reporting_line_set": 2}


def build_history(
    pick: Pick,
    *,
    dates: Sequence[str] = DATES,
    max_events: int = 8,
    count: int | None = None,
) -> History:
    """A valid history whose choices are made by ``pick``.

    Events come in replay order: each event's date sorts no earlier than the one before, and
    ``seq`` breaks ties, so the replay order never depends on file names or positions.
    """
    org = NaiveOrg()
    events: list[HistoryEvent] = []
    ordered = sorted(dates, key=sort_day)
    position = pick(range(len(ordered) // 2))
    last_day = NEG_INF
    same_day = 0
    total = count if count is not None else pick(range(1, max_events + 1))
    for index in range(total):
        date = ordered[min(position, len(ordered) - 1)]
        position += pick((0, 1, 1, 1, 2))
        day = sort_day(date)
        same_day = same_day + 1 if day == last_day else 0
        last_day = day
        changes: list[Change] = []
        for _ in range(pick((0, 1, 1, 2, 2, 3))):
            change = NaiveOrg.complete(pick_change(org, pick), pick, org)
            org.apply(change)
            changes.append(change)
        events.append(
            HistoryEvent(
                id=f"ev-{index + 1}",
                date=date,
                seq=same_day,
                confidence=pick(("confirmed", "confirmed", "reported", "uncertain")),
                changes=tuple(changes),
            )
        )
    return History(tuple(events))


@st.composite
def histories(draw: st.DrawFn, dates: Sequence[str] = DATES, max_events: int = 12) -> History:
    """Hypothesis strategy: valid histories over small pools of ids and dates."""

    def pick(options: Sequence[T]) -> T:
        return draw(st.sampled_from(list(options)))

    return build_history(pick, dates=dates, max_events=max_events)


# -- writing files ---------------------------------------------------------------------------


def scalar(value: Any) -> str:
    """A YAML flow scalar that the strict loader reads back as ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def flow(mapping: dict[str, Any]) -> str:
    """A one-line YAML flow mapping."""
    return "{" + ", ".join(f"{key}: {scalar(value)}" for key, value in mapping.items()) + "}"


def registry_yaml() -> str:
    """The people and sources every generated history uses."""
    lines = ["people:"]
    lines += [f"  - {flow({'id': pid, 'name': name})}" for pid, name in PERSON_NAMES.items()]
    lines += ["sources:", "  - {id: s1, url: 'https://example.com/1', publisher: Example}"]
    return "\n".join(lines) + "\n"


def event_yaml(event: HistoryEvent) -> str:
    """One event as a YAML list item."""
    lines = [
        f"  - id: {event.id}",
        f"    date: {event.date}",
        f"    seq: {event.seq}",
        f"    title: {scalar('Event ' + event.id)}",
        f"    confidence: {event.confidence}",
        "    sources: [s1]",
    ]
    if event.changes:
        lines.append("    changes:")
        lines += [f"      - {flow(change)}" for change in event.changes]
    else:
        lines.append("    changes: []")
    return "\n".join(lines) + "\n"


def history_files(
    history: History,
    assignment: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
    registry_file: int = 0,
) -> dict[str, str]:
    """The history as files: event ``i`` goes to file ``assignment[i]`` (default: one file),
    files are named ``names`` (their read order), and the registry goes to ``registry_file``."""
    count = max([*(assignment or [0]), registry_file]) + 1
    names = list(names or [f"f{i:02d}.yaml" for i in range(count)])
    texts: dict[int, list[str]] = {i: [] for i in range(count)}
    texts[registry_file].append(registry_yaml())
    grouped: dict[int, list[str]] = {i: [] for i in range(count)}
    for index, event in enumerate(history.events):
        grouped[assignment[index] if assignment else 0].append(event_yaml(event))
    for i in range(count):
        if grouped[i]:
            texts[i].append("events:\n" + "".join(grouped[i]))
        if not texts[i]:
            texts[i].append("events: []\n")
    return {names[i]: "".join(texts[i]) for i in range(count)}


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write files into ``root`` (created), returning it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
