"""A deterministic synthetic organization history, written as event files.

``generate(target, events=100_000, seed=1)`` simulates a company over several decades (1990 to
2026): units in a deep hierarchy that are created, renamed, reclassified, moved, merged and
dissolved; people who are hired, appointed, transferred, promoted and who leave; heads, vacant
posts, committees and reporting lines; partial dates (months, years, ``by``, ``between``,
``after``, ``unknown``), several sources per event, corrections and retractions. It exists for
benchmarks and tests (``make synth``); the same seed and size always give the same files.

The simulation's clock is the replay order itself: an event is generated on the day its date
window sorts on (a month-precision event on the 1st of its month), and each day's events go to
that week's file in the order they were generated. So the simulation's state is exactly the
compiler's state when it reaches the event, and every generated history compiles without a
single error or warning.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Format of the generated files (bumped if the generator's output changes).
GENERATOR_VERSION = 2

START = dt.date(1990, 1, 1)
END = dt.date(2026, 4, 8)
PEOPLE_PER_FILE = 1000
MAX_DEPTH = 8

_GIVEN = [
    "Ada",
    "Alan",
    "Alba",
    "Amir",
    "Ana",
    "Anil",
    "Anja",
    "Arne",
    "Asha",
    "Ayla",
    "Bao",
    "Bea",
    "Bela",
    "Ben",
    "Bo",
    "Cai",
    "Cara",
    "Chen",
    "Cleo",
    "Cy",
    "Dana",
    "Dara",
    "Dev",
    "Dina",
    "Eli",
    "Ema",
    "Emil",
    "Ena",
    "Eva",
    "Ezra",
    "Fay",
    "Femi",
    "Finn",
    "Gao",
    "Gia",
    "Hana",
    "Hao",
    "Ida",
    "Ilan",
    "Ines",
    "Iris",
    "Ivan",
    "Jae",
    "Jana",
    "Jin",
    "Joel",
    "Juno",
    "Kai",
    "Kamal",
    "Kara",
    "Ken",
    "Kian",
    "Kim",
    "Lana",
    "Lei",
    "Leo",
    "Lin",
    "Liv",
    "Luca",
    "Mai",
    "Mara",
    "Mei",
    "Milo",
    "Mina",
    "Nadia",
    "Nia",
    "Nils",
    "Noa",
    "Omar",
    "Ona",
    "Otto",
    "Pia",
    "Qi",
    "Rafa",
    "Rana",
    "Ravi",
    "Rei",
    "Rosa",
    "Ruth",
    "Sami",
    "Sana",
    "Sara",
    "Sean",
    "Shu",
    "Sol",
    "Tara",
    "Teo",
    "Tian",
    "Uma",
    "Vera",
    "Wen",
    "Xia",
    "Yan",
    "Yara",
    "Yuki",
    "Zane",
    "Zhi",
    "Zoe",
]
_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "ca",
    "ce",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "ga",
    "go",
    "ha",
    "he",
    "hi",
    "ka",
    "ke",
    "ki",
    "ko",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "wa",
    "wi",
    "ya",
    "yo",
    "za",
    "zu",
]
_FAMILY_ENDINGS = ("n", "r", "s", "l", "k", "m", "rt", "nd", "sk", "ng", "x", "th")
_HAN = (
    "安白陈程邓丁方冯高郭韩何洪胡黄江金孔李林刘卢罗马孟潘钱秦"
    "任沈石宋苏孙唐田王魏吴谢徐许杨叶于张赵郑周朱"
)
_UNIT_WORDS = [
    "Cloud",
    "Platform",
    "Data",
    "Search",
    "Payments",
    "Logistics",
    "Retail",
    "Media",
    "Security",
    "Mobile",
    "Devices",
    "Maps",
    "Health",
    "Travel",
    "Finance",
    "Growth",
    "Ads",
    "Commerce",
    "Content",
    "Voice",
    "Vision",
    "Robotics",
    "Storage",
    "Network",
    "Identity",
    "Trust",
    "Risk",
    "Supply",
    "Partner",
    "Developer",
    "Design",
    "Research",
    "Quality",
    "Systems",
    "Analytics",
]
_KIND_BY_DEPTH = (
    ("group",),
    ("business_group", "company", "subsidiary"),
    ("business_unit", "division", "business_line"),
    ("department", "lab", "division"),
    ("department", "team", "product"),
    ("team", "office", "product"),
)
_KIND_NOUN = {
    "group": "Group",
    "business_group": "Business Group",
    "company": "Company",
    "subsidiary": "Co.",
    "business_unit": "Business Unit",
    "division": "Division",
    "business_line": "Line",
    "department": "Department",
    "lab": "Lab",
    "team": "Team",
    "product": "Product",
    "office": "Office",
    "committee": "Committee",
    "board": "Board",
    "task_force": "Task Force",
}
_STAFF_TITLES = (
    "Engineer",
    "Senior Engineer",
    "Staff Engineer",
    "Analyst",
    "Designer",
    "Product Manager",
    "Program Manager",
    "Researcher",
    "Account Manager",
    "Operations Specialist",
    "Data Scientist",
    "Director",
)
_PUBLISHERS = (
    "HR system export",
    "All-staff memo",
    "Internal newsletter",
    "Annual report",
    "Company press release",
    "Business Daily",
    "Tech Observer",
    "Market Wire",
)
_LEAVE_REASONS = ("resigned", "retired", "left for a competitor", "contract ended")


@dataclass(slots=True)
class _Unit:
    id: str
    name: str
    kind: str
    parent: str | None
    committee: bool = False
    alive: bool = True
    head: str | None = None
    members: set[str] = field(default_factory=set)  # holders of staff or Member roles
    children: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Person:
    id: str
    name: str
    unit: str | None = None  # primary role's unit (None: left)
    title: str = ""
    committees: dict[str, str] = field(default_factory=dict)  # committee -> title held


@dataclass(slots=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    events: int
    files: int
    people: int
    units: int
    bytes: int


class _Generator:
    def __init__(self, events: int, seed: int) -> None:
        self.total = events
        self.rng = random.Random(seed)
        self.units: dict[str, _Unit] = {}
        self.alive_units: list[str] = []  # non-committee units alive, for random picks
        self.alive_index: dict[str, int] = {}
        self.committees: list[str] = []
        self.people: dict[str, _Person] = {}
        self.active: list[str] = []
        self.active_index: dict[str, int] = {}
        self.reports: dict[str, str] = {}
        self.person_keys: set[str] = set()
        self.registry_people: list[str] = []
        self.unit_names: set[str] = set()
        self.n_units = 0
        self.n_sources = max(20, events // 400)
        self.root = ""
        # Rare features are forced once if chance has not produced them by a third of the way,
        # so that even a small history has every kind of date and event.
        # (Histories under 100 events are left to chance, so that their size is exact.)
        self.forcing = events >= 100
        self.missing = (
            {"by", "after", "between", "retraction", "correction", "seq"} if self.forcing else set()
        )
        self.ops_done: set[str] = set()
        self.written = 0
        self.debt = 0  # events written beyond a day's quota, taken off later days

    # -- random helpers --------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick_unit(self) -> _Unit:
        return self.units[self.alive_units[self.rng.randrange(len(self.alive_units))]]

    def pick_person(self) -> _Person | None:
        if not self.active:
            return None
        return self.people[self.active[self.rng.randrange(len(self.active))]]

    def depth(self, unit: _Unit) -> int:
        depth = 0
        while unit.parent is not None:
            unit = self.units[unit.parent]
            depth += 1
        return depth

    # -- registries ------------------------------------------------------------------------------
    def new_person(self) -> _Person:
        index = len(self.people)
        while True:
            given = _GIVEN[self.rng.randrange(len(_GIVEN))]
            count = 2 + self.rng.randrange(2)
            family = "".join(_SYLLABLES[self.rng.randrange(len(_SYLLABLES))] for _ in range(count))
            family = (family + _FAMILY_ENDINGS[self.rng.randrange(len(_FAMILY_ENDINGS))]).title()
            name = f"{given} {family}"
            key = name.casefold().replace(" ", "")
            if key not in self.person_keys:
                self.person_keys.add(key)
                break
        person = _Person(f"p{index:06d}", name)
        self.people[person.id] = person
        self.registry_people.append(person.id)
        return person

    def unit_name(self, kind: str) -> str:
        noun = _KIND_NOUN[kind]
        while True:
            first = _UNIT_WORDS[self.rng.randrange(len(_UNIT_WORDS))]
            second = _UNIT_WORDS[self.rng.randrange(len(_UNIT_WORDS))]
            name = f"{first} {noun}" if first == second else f"{first} {second} {noun}"
            if name not in self.unit_names:
                break
            name = f"{name} {self.rng.randrange(2, 1000)}"
            if name not in self.unit_names:
                break
        self.unit_names.add(name)
        return name

    def activate(self, person: _Person, unit: _Unit, title: str) -> None:
        person.unit, person.title = unit.id, title
        if title != "Head":
            unit.members.add(person.id)
        if person.id not in self.active_index:
            self.active_index[person.id] = len(self.active)
            self.active.append(person.id)

    def deactivate(self, person: _Person) -> None:
        index = self.active_index.pop(person.id)
        last = self.active.pop()
        if last != person.id:
            self.active[index] = last
            self.active_index[last] = index
        person.unit = None

    def add_alive(self, unit: _Unit) -> None:
        if unit.committee:
            self.committees.append(unit.id)
            return
        self.alive_index[unit.id] = len(self.alive_units)
        self.alive_units.append(unit.id)

    def remove_alive(self, unit: _Unit) -> None:
        unit.alive = False
        if unit.committee:
            self.committees.remove(unit.id)
            return
        index = self.alive_index.pop(unit.id)
        last = self.alive_units.pop()
        if last != unit.id:
            self.alive_units[index] = last
            self.alive_index[last] = index

    # -- change builders (each mirrors the compiler's effect on the state) ------------------------
    def leave_role(self, person: _Person, changes: list[str], vacancy: str | None = None) -> None:
        """End the person's primary role."""
        assert person.unit is not None
        unit = self.units[person.unit]
        extra = f", vacancy: {vacancy}" if vacancy else ""
        changes.append(
            f"{{type: role_ended, person: {person.id}, unit: {unit.id}, title: {person.title}"
            f"{extra}}}"
        )
        if person.title == "Head":
            unit.head = None
        else:
            unit.members.discard(person.id)

    def take_role(self, person: _Person, unit: _Unit, changes: list[str], head: bool) -> None:
        if head:
            assert unit.head is None
            changes.append(
                f"{{type: role_assigned, person: {person.id}, unit: {unit.id}, title: Head, "
                "head: true}"
            )
            unit.head = person.id
            self.activate(person, unit, "Head")
        else:
            title = _STAFF_TITLES[self.rng.randrange(len(_STAFF_TITLES))]
            changes.append(
                f"{{type: role_assigned, person: {person.id}, unit: {unit.id}, title: {title}, "
                "shared: true}"
            )
            self.activate(person, unit, title)

    def boss_for(self, person: _Person) -> str | None:
        """The head of the person's unit, or of the nearest unit above it with a head."""
        assert person.unit is not None
        unit: _Unit | None = self.units[person.unit]
        if person.title == "Head":
            assert unit is not None
            unit = self.units[unit.parent] if unit.parent else None
        while unit is not None:
            if unit.head is not None and unit.head != person.id:
                return unit.head
            unit = self.units[unit.parent] if unit.parent else None
        return None

    def set_line(self, person: _Person, boss: str | None, changes: list[str]) -> None:
        if boss is None or boss == person.id or self.reports.get(person.id) == boss:
            return
        cursor = boss
        while cursor in self.reports:  # the compiler's cycle check
            cursor = self.reports[cursor]
            if cursor == person.id:
                return
        changes.append(f"{{type: reporting_line_set, person: {person.id}, reports_to: {boss}}}")
        self.reports[person.id] = boss

    def rehome(self, members: list[str], unit: _Unit, changes: list[str]) -> None:
        """People whose roles just ended implicitly get a staff role in ``unit``."""
        for pid in sorted(members):
            person = self.people[pid]
            person.unit = None
            self.take_role(person, unit, changes, head=False)
            self.set_line(person, self.boss_for(person), changes)

    # -- operations: each returns (title, changes) or None when not possible now -------------------
    def op_create_unit(self) -> tuple[str, list[str]] | None:
        for _ in range(5):
            parent = self.pick_unit()
            depth = self.depth(parent) + 1
            if depth <= MAX_DEPTH:
                break
        else:
            return None
        kinds = _KIND_BY_DEPTH[min(depth, len(_KIND_BY_DEPTH) - 1)]
        kind = kinds[self.rng.randrange(len(kinds))]
        return self.create_unit(parent, kind)

    def create_unit(self, parent: _Unit | None, kind: str) -> tuple[str, list[str]]:
        self.n_units += 1
        unit = _Unit(
            f"u{self.n_units:05d}",
            self.unit_name(kind),
            kind,
            parent.id if parent else None,
            committee=kind in ("committee", "board", "task_force"),
        )
        self.units[unit.id] = unit
        extra = ""
        if self.chance(0.1):
            extra = f", names: {{zh: {self.han_name(3)}部}}"
        where = f", parent: {parent.id}" if parent else ""
        changes = [
            f"{{type: unit_created, unit: {unit.id}, name: {unit.name}, kind: {kind}"
            f"{where}{extra}}}"
        ]
        if parent:
            parent.children.add(unit.id)
        self.add_alive(unit)
        if parent is not None and not unit.committee and self.chance(0.7):
            head = self.pick_person()
            if head is not None and head.unit is not None and head.title != "Head":
                self.leave_role(head, changes)
                self.take_role(head, unit, changes, head=True)
                self.set_line(head, self.boss_for(head), changes)
        return f"{unit.name} created", changes

    def han_name(self, length: int) -> str:
        return "".join(_HAN[self.rng.randrange(len(_HAN))] for _ in range(length))

    def op_hire(self) -> tuple[str, list[str]]:
        unit = self.pick_unit()
        person = self.new_person()
        changes: list[str] = []
        head = unit.head is None and self.chance(0.3)
        self.take_role(person, unit, changes, head=head)
        self.set_line(person, self.boss_for(person), changes)
        return f"{person.name} joins {unit.name}", changes

    def op_leave(self) -> tuple[str, list[str]] | None:
        person = self.pick_person()
        if person is None or len(self.active) < 20:
            return None
        assert person.unit is not None
        unit = self.units[person.unit]
        if person.title == "Head":
            unit.head = None
        else:
            unit.members.discard(person.id)
        for committee in person.committees:
            self.units[committee].members.discard(person.id)
            if self.units[committee].head == person.id:
                self.units[committee].head = None
        person.committees.clear()
        self.reports.pop(person.id, None)
        self.deactivate(person)
        reason = ""
        if self.chance(0.5):
            reason = f", reason: {_LEAVE_REASONS[self.rng.randrange(len(_LEAVE_REASONS))]}"
        return f"{person.name} leaves", [f"{{type: person_left, person: {person.id}{reason}}}"]

    def op_move(self) -> tuple[str, list[str]] | None:
        person = self.pick_person()
        if person is None:
            return None
        assert person.unit is not None
        changes: list[str] = []
        if self.chance(0.25):  # a new title in the same unit
            unit = self.units[person.unit]
            if person.title == "Head":
                return None
            self.leave_role(person, changes)
            self.take_role(person, unit, changes, head=False)
            return f"{person.name} becomes {person.title}", changes
        target = self.pick_unit()
        if target.id == person.unit:
            return None
        vacancy = None
        if person.title == "Head" and self.chance(0.3):
            vacancy = "vacant" if self.chance(0.6) else "unknown"
        self.leave_role(person, changes, vacancy)
        head = target.head is None and self.chance(0.5)
        self.take_role(person, target, changes, head=head)
        self.set_line(person, self.boss_for(person), changes)
        if head:
            for pid in sorted(target.members)[:8]:
                self.set_line(self.people[pid], person.id, changes)
            return f"{person.name} appointed head of {target.name}", changes
        return f"{person.name} moves to {target.name}", changes

    def op_report(self) -> tuple[str, list[str]] | None:
        person = self.pick_person()
        if person is None:
            return None
        changes: list[str] = []
        if person.id in self.reports and self.chance(0.1):
            del self.reports[person.id]
            changes.append(f"{{type: reporting_line_cleared, person: {person.id}}}")
            return f"{person.name} no longer has a manager", changes
        other = self.pick_person()
        other_id = self.boss_for(person) if other is None or other.title != "Head" else other.id
        self.set_line(person, other_id, changes)
        if not changes:
            return None
        return f"{person.name} reports to a new manager", changes

    def op_confirm(self) -> tuple[str, list[str]] | None:
        """A later source that shows a person still in their post (and their unit and line)."""
        person = self.pick_person()
        if person is None or person.unit is None:
            return None
        unit = self.units[person.unit]
        changes = [
            f"{{type: role_confirmed, person: {person.id}, unit: {unit.id}, "
            f"title: {person.title}}}",
            f"{{type: unit_confirmed, unit: {unit.id}}}",
        ]
        boss = self.reports.get(person.id)
        if boss is not None:
            changes.append(
                f"{{type: reporting_line_confirmed, person: {person.id}, reports_to: {boss}}}"
            )
        return f"{person.name} confirmed as {person.title} of {unit.name}", changes

    def op_committee(self) -> tuple[str, list[str]] | None:
        wanted = 1 + self.n_units // 40
        if not self.committees or (len(self.committees) < wanted and self.chance(0.2)):
            kind = ("committee", "board", "task_force")[self.rng.randrange(3)]
            title, changes = self.create_unit(self.units[self.root], kind)
            committee = self.units[f"u{self.n_units:05d}"]
            chair = self.pick_person()
            if chair is not None:
                changes.append(
                    f"{{type: role_assigned, person: {chair.id}, unit: {committee.id}, "
                    "title: Chair, head: true}"
                )
                committee.head = chair.id
                chair.committees[committee.id] = "Chair"
            return title, changes
        committee = self.units[self.committees[self.rng.randrange(len(self.committees))]]
        roll = self.rng.random()
        if committee.members and roll < 0.4:
            members = sorted(committee.members)
            pid = members[self.rng.randrange(len(members))]
            committee.members.discard(pid)
            del self.people[pid].committees[committee.id]
            changes = [f"{{type: role_ended, person: {pid}, unit: {committee.id}, title: Member}}"]
            return f"{self.people[pid].name} leaves {committee.name}", changes
        if roll > 0.99 and len(self.committees) > 1:
            changes = [f"{{type: unit_dissolved, unit: {committee.id}, reason: mandate ended}}"]
            for pid in committee.members:
                del self.people[pid].committees[committee.id]
            if committee.head:
                del self.people[committee.head].committees[committee.id]
            self.units[self.root].children.discard(committee.id)
            self.remove_alive(committee)
            return f"{committee.name} dissolved", changes
        person = self.pick_person()
        if person is None or committee.id in person.committees:
            return None
        person.committees[committee.id] = "Member"
        committee.members.add(person.id)
        changes = [
            f"{{type: role_assigned, person: {person.id}, unit: {committee.id}, title: Member, "
            "shared: true}"
        ]
        return f"{person.name} joins {committee.name}", changes

    def op_rename(self) -> tuple[str, list[str]] | None:
        unit = self.pick_unit()
        if unit.parent is None:
            return None
        old = unit.name
        unit.name = self.unit_name(unit.kind)
        if self.chance(0.3):
            kinds = _KIND_BY_DEPTH[min(self.depth(unit), len(_KIND_BY_DEPTH) - 1)]
            kind = kinds[self.rng.randrange(len(kinds))]
            if kind != unit.kind:
                unit.kind = kind
                unit.name = self.unit_name(kind)
                return f"{old} becomes {unit.name}", [
                    f"{{type: unit_reclassified, unit: {unit.id}, kind: {kind}, name: {unit.name}}}"
                ]
        return f"{old} renamed {unit.name}", [
            f"{{type: unit_renamed, unit: {unit.id}, name: {unit.name}}}"
        ]

    def descendants(self, unit: _Unit) -> set[str]:
        found: set[str] = set()
        stack = [unit.id]
        while stack:
            current = self.units[stack.pop()]
            found.add(current.id)
            stack.extend(current.children)
        return found

    def op_move_unit(self) -> tuple[str, list[str]] | None:
        unit = self.pick_unit()
        if unit.parent is None:
            return None
        target = self.pick_unit()
        if target.id == unit.parent or target.id in self.descendants(unit):
            return None
        if self.depth(target) >= self.depth(self.units[unit.parent]):
            return None  # moves go sideways or up, so the tree does not deepen forever
        self.units[unit.parent].children.discard(unit.id)
        unit.parent = target.id
        target.children.add(unit.id)
        return f"{unit.name} moves under {target.name}", [
            f"{{type: unit_moved, unit: {unit.id}, parent: {target.id}}}"
        ]

    def op_merge(self) -> tuple[str, list[str]] | None:
        unit = self.pick_unit()
        if unit.parent is None or len(unit.members) > 15:
            return None
        parent = self.units[unit.parent]
        siblings = sorted(
            c for c in parent.children if c != unit.id and not self.units[c].committee
        )
        into = self.units[siblings[self.rng.randrange(len(siblings))]] if siblings else parent
        changes = [f"{{type: unit_merged, unit: {unit.id}, into: {into.id}}}"]
        members = sorted(unit.members)
        if unit.head is not None:
            members.append(unit.head)
        for child in unit.children:
            self.units[child].parent = into.id
            into.children.add(child)
        parent.children.discard(unit.id)
        self.remove_alive(unit)
        self.rehome(members, into, changes)
        return f"{unit.name} merged into {into.name}", changes

    def op_dissolve(self) -> tuple[str, list[str]] | None:
        unit = self.pick_unit()
        if unit.parent is None or unit.children or len(unit.members) > 15:
            return None
        parent = self.units[unit.parent]
        reason = ", reason: restructuring" if self.chance(0.5) else ""
        changes = [f"{{type: unit_dissolved, unit: {unit.id}{reason}}}"]
        members = sorted(unit.members)
        if unit.head is not None:
            members.append(unit.head)
        parent.children.discard(unit.id)
        self.remove_alive(unit)
        self.rehome(members, parent, changes)
        return f"{unit.name} dissolved", changes

    # -- the simulation ----------------------------------------------------------------------------
    def operations(self) -> list[tuple[float, Callable[[], tuple[str, list[str]] | None]]]:
        return [
            (0.045, self.op_hire),
            (0.036, self.op_leave),
            (0.60, self.op_move),
            (0.16, self.op_report),
            (0.05, self.op_committee),
            (0.0115, self.op_create_unit),
            (0.006, self.op_rename),
            (0.005, self.op_move_unit),
            (0.001, self.op_merge),
            (0.0006, self.op_dissolve),
            (0.02, self.op_confirm),
        ]

    def next_change(self) -> tuple[str, list[str]]:
        ops = self.operations()
        functions = [op for _, op in ops]
        weights = list(itertools.accumulate(w for w, _ in ops))
        if self.forcing and self.written * 3 > self.total:
            # Operations chance has not picked yet (a small history still gets every kind).
            for op in functions:
                if op.__name__ not in self.ops_done:
                    made = op()
                    if made is not None and made[1]:
                        self.ops_done.add(op.__name__)
                        return made
        for _ in range(20):
            op = self.rng.choices(functions, cum_weights=weights)[0]
            made = op()
            if made is not None and made[1]:
                self.ops_done.add(op.__name__)
                return made
        return self.op_hire()

    def plan(self, budget: int) -> list[tuple[dt.date, int, str]]:
        """Per day, in replay order: how many events, written with which date precision.

        About 6% of events are known only to the month (they replay on the 1st of it), 1% only
        to the year (January 1); the rest are days, a few of them bounded (by, after, between).
        """
        day0, days = START.toordinal(), (END - START).days + 1
        per_day = [(d + 1) * budget // days - d * budget // days for d in range(days)]
        partial = [0] * days
        first_of: list[int] = []
        for index in range(days):
            date = dt.date.fromordinal(day0 + index)
            if date.day == 1:
                first_of.append(index)
            moved = sum(1 for _ in range(per_day[index]) if self.rng.random() < 0.07)
            per_day[index] -= moved
            partial[first_of[-1]] += moved
        plan: list[tuple[dt.date, int, str]] = []
        for index in range(days):
            date = dt.date.fromordinal(day0 + index)
            if per_day[index]:
                plan.append((date, per_day[index], "day"))
            if partial[index]:
                if date.month == 1:
                    years = partial[index] // 7 + (self.rng.random() * 7 < partial[index] % 7)
                    if years:
                        plan.append((date, years, "year"))
                    plan.append((date, partial[index] - years, "month"))
                else:
                    plan.append((date, partial[index], "month"))
        return plan

    def date_text(self, date: dt.date, precision: str) -> str:
        if precision == "month":
            return f"{date.year:04d}-{date.month:02d}"
        if precision == "year":
            return f"{date.year:04d}"
        roll = self.rng.random()
        if self.written * 3 > self.total and self.missing & {"by", "after", "between"}:
            roll = {"by": 0.0, "after": 0.0035, "between": 0.01}[
                min(self.missing & {"by", "after", "between"})
            ]
        if roll < 0.003:
            self.missing.discard("by")
            return f"by {date.isoformat()}"
        if roll < 0.004:
            self.missing.discard("after")
            return f"after {(date - dt.timedelta(days=1)).isoformat()}"
        if roll < 0.014:
            self.missing.discard("between")
            later = date + dt.timedelta(days=self.rng.randrange(20, 400))
            second = (
                later.isoformat() if self.chance(0.5) else f"{later.year:04d}-{later.month:02d}"
            )
            return f"between {date.isoformat()} and {second}"
        return date.isoformat()

    def sources_text(self) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            n = self.rng.randrange(1_000_000)
            publisher = _PUBLISHERS[self.rng.randrange(len(_PUBLISHERS))]
            return f"sources: [{{url: 'https://news.example.com/a/{n}', publisher: {publisher}}}]"
        count = 1 if roll < 0.6 else (2 if roll < 0.9 else 3)
        picked = sorted({self.rng.randrange(self.n_sources) + 1 for _ in range(count)})
        return "sources: [" + ", ".join(f"S{i}" for i in picked) + "]"

    def confidence(self) -> str:
        roll = self.rng.random()
        return "confirmed" if roll < 0.85 else ("reported" if roll < 0.97 else "uncertain")

    def extra_fields(self, date: dt.date) -> list[str]:
        roll = self.rng.random()
        if roll < 0.02:
            return [
                "    summary: |",
                "      Announced in an all-staff memo; the change takes effect immediately.",
                "      Details were confirmed by the HR system export.",
            ]
        if roll < 0.03:
            return [f"    notes: Backdated in the HR system; announced {date.isoformat()}."]
        if roll < 0.04:
            later = date + dt.timedelta(days=self.rng.randrange(1, 30))
            return [f"    announced: {later.isoformat()}"]
        return []

    def event_text(
        self,
        event_id: str,
        date: str,
        title: str,
        changes: list[str],
        *,
        extra: list[str] | None = None,
        seq: int | None = None,
        link: str = "",
    ) -> str:
        lines = [f"  - id: {event_id}", f"    date: {date}"]
        if seq is not None:
            lines.append(f"    seq: {seq}")
            self.missing.discard("seq")
        lines.append(f"    title: {title}")
        if link:
            lines.append(link)
        lines.append(f"    confidence: {self.confidence()}")
        lines.extend(extra or ())
        lines.append(f"    {self.sources_text()}")
        if changes:
            lines.append("    changes:")
            lines.extend(f"      - {change}" for change in changes)
        elif not link.startswith("    retracts:"):
            lines.append("    changes: []")
        return "\n".join(lines) + "\n"

    def run(self, out: _Writer) -> None:
        # The founding (a baseline: "by" the first day): the group and its first business groups.
        _, changes = self.create_unit(None, "group")
        self.root = f"u{self.n_units:05d}"
        founder = self.new_person()
        self.take_role(founder, self.units[self.root], changes, head=True)
        for _ in range(3):
            kind = _KIND_BY_DEPTH[1][self.rng.randrange(3)]
            changes.extend(self.create_unit(self.units[self.root], kind)[1])
        out.event(
            START, self.event_text("founding", f"by {START.isoformat()}", "Founding", changes)
        )
        undated = max(1, self.total // 100_000)
        budget = self.total - 1 - undated
        for date, count, precision in self.plan(budget):
            if self.debt and count:
                paid = min(self.debt, count)
                count -= paid
                self.debt -= paid
            planned = count
            late = out.events * 3 > self.total
            if late and "seq" in self.missing and precision == "day" and date.day != 1:
                count = max(count, 2)
            # Same-day order by `seq` (only where no other precision shares the day).
            seq = None
            if count > 1 and date.day != 1 and (self.chance(0.01) or "seq" in self.missing):
                seq = 1
            made = 0
            while made < count:
                made += self.one_event(out, date, precision, seq, count - made)
                if seq is not None:
                    seq += 1
            self.debt += made - planned
        undated = max(1, undated - self.debt)
        for _ in range(undated):
            self.undated_event(out)

    def undated_event(self, out: _Writer) -> None:
        """A role that ended on an unknown date (replayed after everything else)."""
        person = self.pick_person()
        if person is None or person.unit is None:
            return
        changes: list[str] = []
        self.leave_role(person, changes)
        self.deactivate(person)
        for committee, title in sorted(person.committees.items()):
            unit = self.units[committee]
            unit.members.discard(person.id)
            if unit.head == person.id:
                unit.head = None
            changes.append(
                f"{{type: role_ended, person: {person.id}, unit: {committee}, title: {title}}}"
            )
        person.committees.clear()
        out.undated(
            self.event_text(
                f"undated-e{out.events + 1:07d}",
                "unknown",
                f"{person.name} no longer in post (date unknown)",
                changes,
            )
        )

    def one_event(
        self, out: _Writer, date: dt.date, precision: str, seq: int | None, room: int
    ) -> int:
        """Write one event (or two: a rumour and its retraction, an event and its correction)."""
        iso = date.isoformat()
        event_id = f"{iso}-e{out.events + 1:07d}"
        roll = self.rng.random()
        self.written = out.events
        late = self.written * 3 > self.total
        if late and "retraction" in self.missing:
            roll = 0.0
        elif late and "correction" in self.missing:
            roll = 1.0
        if roll < 0.0005 and (room >= 2 or late) and precision == "day":
            person, unit = self.pick_person(), self.pick_unit()
            if person is not None:
                rumour = [
                    f"{{type: role_assigned, person: {person.id}, unit: {unit.id}, "
                    "title: Chief Rumour Officer}"
                ]
                out.event(date, self.event_text(event_id, iso, "Rumoured appointment", rumour))
                retraction = self.event_text(
                    f"{event_id}-retracted",
                    iso,
                    "Rumoured appointment retracted",
                    [],
                    link=f"    retracts: {event_id}",
                )
                out.event(date, retraction)
                self.missing.discard("retraction")
                return 2
        title, changes = self.next_change()
        text = self.event_text(
            event_id,
            self.date_text(date, precision),
            title,
            changes,
            extra=self.extra_fields(date),
            seq=seq,
        )
        out.event(date, text)
        if roll > 0.9995 and (room >= 2 or late):
            # A correction replaces the event just written, at the same place in the replay.
            fixed = text.replace(f"  - id: {event_id}\n", f"  - id: {event_id}-fix\n", 1)
            fixed = fixed.replace(
                f"    title: {title}\n",
                f"    title: {title} (corrected)\n    corrects: {event_id}\n",
                1,
            )
            out.event(date, fixed)
            self.missing.discard("correction")
            return 2
        return 1


class _Writer:
    """Collects the week's events and writes one file per week."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.week: tuple[int, int] | None = None
        self.buffer: list[str] = []
        self.undated_buffer: list[str] = []
        self.files = 0
        self.bytes = 0
        self.events = 0

    def event(self, date: dt.date, text: str) -> None:
        week = (date.year, (date.timetuple().tm_yday - 1) // 7)
        if week != self.week:
            self.flush()
            self.week = week
        self.buffer.append(text)
        self.events += 1

    def undated(self, text: str) -> None:
        self.undated_buffer.append(text)
        self.events += 1

    def write(self, relative: str, text: str) -> None:
        path = self.target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def flush(self) -> None:
        if self.week is None or not self.buffer:
            return
        year, week = self.week
        self.write(f"{year:04d}/{year:04d}-w{week:02d}.yaml", "events:\n" + "".join(self.buffer))
        self.buffer = []

    def close(self) -> None:
        self.flush()
        if self.undated_buffer:
            self.write("undated.yaml", "events:\n" + "".join(self.undated_buffer))


def _people_files(gen: _Generator) -> Iterator[tuple[str, str]]:
    ids = gen.registry_people
    for start in range(0, len(ids), PEOPLE_PER_FILE):
        lines = ["people:"]
        for pid in ids[start : start + PEOPLE_PER_FILE]:
            person = gen.people[pid]
            lines.append(f"  - id: {pid}")
            lines.append(f"    name: {person.name}")
            number = int(pid[1:])
            if number % 7 == 0:
                lines.append(
                    f"    names: {{zh: {_HAN[number % len(_HAN)]}{_HAN[number // 7 % len(_HAN)]}"
                    f"{number}}}"
                )
            if number % 11 == 0:
                lines.append(f"    aliases: [{person.name.split()[0]} {pid}]")
        yield f"people/people-{start // PEOPLE_PER_FILE:04d}.yaml", "\n".join(lines) + "\n"


def _sources_file(gen: _Generator) -> str:
    lines = ["sources:"]
    for index in range(1, gen.n_sources + 1):
        publisher = _PUBLISHERS[index % len(_PUBLISHERS)]
        lines.append(f"  - id: S{index}")
        lines.append(f"    url: 'https://sources.example.com/doc/{index}'")
        lines.append(f"    publisher: {publisher}")
        if index % 3 == 0:
            year = START.year + index % (END.year - START.year)
            lines.append(f"    published: {year:04d}-{index % 12 + 1:02d}")
    return "\n".join(lines) + "\n"


def _units_file(gen: _Generator) -> str:
    lines = ["units:"]
    for unit_id in sorted(gen.units)[::20]:
        unit = gen.units[unit_id]
        lines.append(f"  - id: {unit_id}")
        lines.append(
            f"    description: Synthetic {_KIND_NOUN[unit.kind].lower()} first named {unit.name}."
        )
    return "\n".join(lines) + "\n"


README = """\
# Synthetic organization history

Generated by `make synth` (generator version {version}): {events} events, seed {seed}.
Every `*.yaml` file here is an event file; this README is not. Regenerate rather than edit.
"""


def generate(target: Path, events: int = 10_000, seed: int = 1) -> SynthSummary:
    """Write a synthetic history of about ``events`` events under ``target`` (created).

    Deterministic: the same ``events`` and ``seed`` give byte-identical files.
    """
    if events < 10:
        raise ValueError("a synthetic history needs at least 10 events")
    target.mkdir(parents=True, exist_ok=True)
    gen = _Generator(events, seed)
    writer = _Writer(target)
    gen.run(writer)
    writer.close()
    for relative, text in _people_files(gen):
        writer.write(relative, text)
    writer.write("sources.yaml", _sources_file(gen))
    writer.write("units.yaml", _units_file(gen))
    (target / "README.md").write_text(
        README.format(version=GENERATOR_VERSION, events=events, seed=seed), encoding="utf-8"
    )
    return SynthSummary(
        events=writer.events,
        files=writer.files,
        people=len(gen.people),
        units=gen.n_units,
        bytes=writer.bytes,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.synth OUT SIZE [--seed N]`` (what ``make synth SIZE=N OUT=DIR`` runs)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tools.synth",
        description="Write a deterministic synthetic organization history as event files.",
    )
    parser.add_argument("out", type=Path, help="directory to write; must not exist or be empty")
    parser.add_argument("size", type=int, help="how many events to write (at least 10)")
    parser.add_argument(
        "--seed", type=int, default=1, help="the same seed and size give the same files"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        parser.error(f"{out} already exists and is not empty; choose a new directory")
    if args.size < 10:
        parser.error("SIZE must be at least 10")
    summary = generate(out, args.size, args.seed)
    print(
        f"wrote {summary.events} events in {summary.files} files ({summary.people} people, "
        f"{summary.units} units, {summary.bytes / 1e6:.1f} MB) to {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
