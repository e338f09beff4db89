"""The replay of roles, reporting lines and departures, and the checks made after the replay
(people keys, sibling names, the source registry); part of :mod:`reorg_cli.engine.compiler`.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from reorg_cli.engine.compiler_state import _CompilerState, _on, closest
from reorg_cli.engine.facts import FactKind
from reorg_cli.events.changes import (
    Change,
    PersonLeft,
    ReportingLineCleared,
    ReportingLineConfirmed,
    ReportingLineSet,
    RoleAssigned,
    RoleConfirmed,
    RoleEnded,
)
from reorg_cli.events.dates import POS_INF
from reorg_cli.events.model import name_key
from reorg_cli.events.records import Person


class _RolesAndChecks(_CompilerState):
    """The replay of roles, reporting lines and departures, and the checks made once every
    event is applied."""

    # -- roles -------------------------------------------------------------------------------------
    def role_assigned(self, change: RoleAssigned) -> None:
        person_ok = self.person_exists(change.person, change.where("person"))
        if not (self.unit_alive(change.unit, change.where("unit")) and person_ok):
            return
        key = (change.person, change.unit, change.title)
        if key in self.roles:
            first = self.first_role.get(key, change.location)
            self.error(
                change.location,
                f"{change.person!r} already holds {change.title!r} in {change.unit!r} "
                f"(assigned at {first})",
                "end the role first, or remove this change",
            )
            return
        if not change.shared:
            holders = [
                k
                for k in self.roles_by_unit.get(change.unit, set())
                if k[2] == change.title and not self.roles[k].value[1]
            ]
            for other in holders:
                self.warn(
                    change.location,
                    f"{change.person!r} and {other[0]!r} both hold the single-holder post "
                    f"{change.title!r} in {change.unit!r} (the other since "
                    f"{self.roles[other].start.window.display()}, {self.first_role[other]})",
                    "end the earlier holder's role, or mark the post 'shared: true'",
                )
        vacancy = self.vacancies.pop((change.unit, change.title), None)
        if vacancy is not None:
            self.close_fact(vacancy, change, f"filled by {change.person}")
        self.roles[key] = self.open_fact(FactKind.ROLE, key, (change.head, change.shared), change)
        self.first_role[key] = change.location
        self.roles_by_person.setdefault(change.person, set()).add(key)
        self.roles_by_unit.setdefault(change.unit, set()).add(key)

    def roles_held_hint(self, person: str) -> str:
        """A hint naming the roles ``person`` holds now (for a role they do not hold)."""
        held = sorted(
            f"{title!r} in {unit}" for _, unit, title in self.roles_by_person.get(person, set())
        )
        return ("they hold " + ", ".join(held)) if held else "they hold no role then"

    def role_ended(self, change: RoleEnded) -> None:
        assert self.event is not None
        if not self.person_exists(change.person, change.where("person")):
            return
        key = (change.person, change.unit, change.title)
        fact = self.roles.get(key)
        if fact is None:
            hint = self.roles_held_hint(change.person)
            assert self.edge is not None
            later = [a for a in self.assignments.get(key, []) if a[0] >= self.edge.order]
            if key in self.first_role:
                hint = f"the role was assigned at {self.first_role[key]} and has already ended"
                if key in self.role_ended_at:
                    where, date = self.role_ended_at[key]
                    hint += f" {_on(date)} ({where})"
            elif later:
                _, where, start = later[0]
                end = self.event.date
                if start.lo <= end.hi:
                    # The start lies inside this end's window (a role from 2024-06-01 that
                    # ends in "2024"): the end replays first, from its window's first day.
                    first = dt.date.fromordinal(start.lo + 1).isoformat()
                    last = dt.date.fromordinal(end.hi).isoformat() if end.hi < POS_INF else ""
                    fix = (
                        f"'between {first} and {last}'"
                        if last and start.lo < end.hi
                        else f"'after {dt.date.fromordinal(start.lo).isoformat()}'"
                    )
                    self.error(
                        change.location,
                        f"this ends {change.person!r}'s role {change.title!r} in "
                        f"{change.unit!r} {_on(end)}, a window that begins before the role "
                        f"is assigned {_on(start)} ({where}); events replay from the "
                        "first day of their window, so this end would come before the start",
                        f"date the end after the start, e.g. {fix}",
                    )
                    return
                hint = (
                    f"the role is assigned only later, {_on(start)} ({where}); "
                    "a role must start before it ends"
                )
            self.error(
                change.location,
                f"{change.person!r} does not hold {change.title!r} in {change.unit!r} "
                f"{_on(self.event.date)}",
                hint,
            )
            return
        # The key the role was assigned with: one tuple per role, not one per change.
        key = cast(tuple[str, str, str], fact.slot)
        del self.roles[key]
        self.roles_by_person[change.person].discard(key)
        self.roles_by_unit[change.unit].discard(key)
        self.close_fact(fact, change, change.reason)
        self.role_ended_at[key] = (change.location, self.event.date)
        if change.vacancy is not None:
            # A single-holder post that someone else still holds is not vacant; a seat on a
            # shared post (a committee membership) can be.
            others = sorted(
                k
                for k in self.roles_by_unit[change.unit]
                if k[2] == change.title and not fact.value[1]
            )
            if others:
                other = others[0]
                self.error(
                    change.location,
                    f"the post {change.title!r} in {change.unit!r} cannot be "
                    f"{change.vacancy}: {other[0]!r} still holds it (assigned at "
                    f"{self.first_role[other]})",
                    "remove 'vacancy', or end the other holder's role first",
                )
                return
            earlier = self.vacancies.pop((change.unit, change.title), None)
            if earlier is not None:
                # One vacancy per post: a second holder leaving replaces the first record.
                self.close_fact(earlier, change)
            self.vacancies[(change.unit, change.title)] = self.open_fact(
                FactKind.VACANCY, (change.unit, change.title), (change.vacancy,), change
            )

    def role_confirmed(self, change: RoleConfirmed) -> None:
        assert self.event is not None
        if not self.person_exists(change.person, change.where("person")):
            return
        key = (change.person, change.unit, change.title)
        fact = self.roles.get(key)
        if fact is None:
            hint = self.roles_held_hint(change.person)
            if key in self.role_ended_at:
                where, date = self.role_ended_at[key]
                hint = f"the role ended {_on(date)} ({where})"
            elif key in self.assignments and key not in self.first_role:
                _, where, date = self.assignments[key][0]
                hint = f"the role is assigned only later, {_on(date)} ({where})"
            self.error(
                change.location,
                f"cannot confirm {change.person!r} as {change.title!r} in {change.unit!r} on "
                f"{self.event.date.display()}: they do not hold that role then",
                hint,
            )
            return
        self.confirm(fact)
        self.confirm_unit(change.unit)

    def reporting_line_confirmed(self, change: ReportingLineConfirmed) -> None:
        assert self.event is not None
        ok = self.person_exists(change.person, change.where("person"))
        if not (self.person_exists(change.reports_to, change.where("reports_to")) and ok):
            return
        line = self.reports.get(change.person)
        if line is None or line.value[0] != change.reports_to:
            hint = (
                f"they report to {line.value[0]!r} then (set at "
                f"{self.report_set_at[change.person]})"
                if line is not None
                else "they have no reporting line then"
            )
            self.error(
                change.location,
                f"cannot confirm that {change.person!r} reports to {change.reports_to!r} on "
                f"{self.event.date.display()}: the line does not hold then",
                hint,
            )
            return
        self.confirm(line)

    def person_left(self, change: PersonLeft) -> None:
        if not self.person_exists(change.person, change.where("person")):
            return
        reason = change.reason or "left the organization"
        for key in sorted(self.roles_by_person.get(change.person, set())):
            fact = self.roles.pop(key)
            self.roles_by_unit[key[1]].discard(key)
            self.close_fact(fact, change, reason, implied_by="person_left")
            assert self.event is not None
            self.role_ended_at[key] = (change.location, self.event.date)
        self.roles_by_person.pop(change.person, None)
        line = self.reports.pop(change.person, None)
        if line is not None:
            self.close_fact(line, change, reason, implied_by="person_left")

    def reporting_line_set(self, change: ReportingLineSet) -> None:
        ok = self.person_exists(change.person, change.where("person"))
        if not (self.person_exists(change.reports_to, change.where("reports_to")) and ok):
            return
        if change.person == change.reports_to:
            self.error(change.location, f"{change.person!r} cannot report to themselves")
            return
        chain = [change.reports_to]
        cursor = change.reports_to
        while cursor in self.reports:
            cursor = str(self.reports[cursor].value[0])
            chain.append(cursor)
            if cursor == change.person:
                other = self.report_set_at.get(chain[-2], change.location)
                self.error(
                    change.location,
                    "reporting cycle: "
                    + " → ".join([change.person, *chain])
                    + f" (the line {chain[-2]} → {change.person} is set at {other})",
                )
                return
        old = self.reports.pop(change.person, None)
        if old is not None:
            self.close_fact(old, change)
        self.reports[change.person] = self.open_fact(
            FactKind.REPORTING_LINE, (change.person,), (change.reports_to,), change
        )
        self.report_set_at[change.person] = change.location

    def reporting_line_cleared(self, change: ReportingLineCleared) -> None:
        assert self.event is not None
        if not self.person_exists(change.person, change.where("person")):
            return
        old = self.reports.pop(change.person, None)
        if old is None:
            self.error(
                change.location,
                f"{change.person!r} has no reporting line to clear {_on(self.event.date)}",
            )
            return
        self.close_fact(old, change)

    def check_people(self) -> None:
        """Two people may not share a lookup key (docs/event-format.md, "People").

        An id that matches another person's id, name or alias (ignoring case, spaces, '-',
        '_' and '.') is an error: that id would no longer find one person. A name or alias
        shared by two people is a warning: real people share names, and the id still tells
        them apart.
        """
        owners: dict[str, tuple[Person, str, str]] = {}
        reported: set[tuple[str, str, str]] = set()
        for person in self.dataset.people.values():
            keys = [("id", person.id), ("name", person.name)]
            keys += [("alias", alias) for alias in person.aliases]
            keys += [(f"{lang} name", other) for lang, other in person.names]
            for what, text in keys:
                key = name_key(text)
                if not key:
                    continue
                first = owners.get(key)
                if first is None:
                    owners[key] = (person, what, text)
                    continue
                other, other_what, other_text = first
                if other.id == person.id or (other.id, person.id, key) in reported:
                    continue
                reported.add((other.id, person.id, key))
                mine = f"{what} {text!r}"
                theirs = f"{other_what} {other_text!r}"
                if "id" in (what, other_what):
                    self.error(
                        person.location,
                        f"person {person.id!r}: {mine} is the same lookup key as the {theirs} "
                        f"of person {other.id!r} ({other.location})",
                        "two people may not share a lookup key (case, spaces, '-', '_' and "
                        "'.' are ignored); change the id or remove the alias",
                    )
                else:
                    self.warn(
                        person.location,
                        f"people {other.id!r} and {person.id!r} share the lookup key of "
                        f"{theirs} ({other.location}) and {mine}; looking it up finds both",
                        "add an alias that tells them apart, or look them up by id",
                    )

    def warn_sibling_name(self, unit: str, change: Change) -> None:
        """Warn when ``unit`` now has the same name as a unit beside it (same parent)."""
        name_fact = self.name.get(unit)
        if name_fact is None:
            return
        key = name_key(str(name_fact.value[0]))
        parent_fact = self.parent.get(unit)
        parent = parent_fact.value[0] if parent_fact is not None else None
        beside = (
            sorted(self.children.get(parent, set()))
            if isinstance(parent, str)
            else [u for u in self.unit if (f := self.parent.get(u)) is None or f.value[0] is None]
        )
        for other in beside:
            fact = self.name.get(other)
            if other == unit or other not in self.unit or fact is None:
                continue
            if name_key(str(fact.value[0])) != key:
                continue
            where = self.unit_created_at.get(other)
            self.warn(
                change.location,
                f"unit {unit!r} is now named {name_fact.value[0]!r}, like unit {other!r} beside "
                f"it{f' ({where[0]})' if where else ''}; looking the name up finds both",
                "give one of them a distinguishing name, or dissolve or rename the other first",
            )
            return

    def check_registry(self) -> None:
        for unit_id, info in self.dataset.units.items():
            if unit_id not in self.created_units:
                self.warn(
                    info.location,
                    f"unit {unit_id!r} is described but no event creates it",
                    closest(unit_id, self.created_units),
                )
