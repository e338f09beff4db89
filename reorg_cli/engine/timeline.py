"""The compiled timeline and its queries: state_at, diff, person_history, unit_history,
events_between, and name lookup.

Every query reads the compiled facts; none replays events.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reorg_cli.engine.facts import Fact, FactKind, Presence
from reorg_cli.engine.results import (
    DiffChange,
    Entry,
    Evidence,
    FactSummary,
    OrgDiff,
    OrgState,
    PersonHistory,
    ReportingLineState,
    RoleSpan,
    RoleState,
    SourceUse,
    TimelineEntry,
    UnitChange,
    UnitHistory,
    UnitState,
    VacancyState,
)
from reorg_cli.events.dates import NEG_INF, POS_INF, DateWindow, PartialDate, today_ordinal
from reorg_cli.events.errors import EventFileError, Severity
from reorg_cli.events.model import (
    DEFAULT_STALE_AFTER_DAYS,
    Confidence,
    Dataset,
    Event,
    Person,
    Source,
    event_date_bounds,
    kind_label,
)
from reorg_cli.events.model import name_key as name_key  # re-exported

if TYPE_CHECKING:  # the compiler is imported only to compile (not to read a cache)
    from reorg_cli.engine.compiler import Compiled, EventStatus


def _presence(fact: Fact, day: int, min_confidence: Confidence) -> Presence:
    if min_confidence is Confidence.UNCERTAIN:
        return fact.presence(day)
    if fact.start_confidence < min_confidence:
        return Presence.ABSENT
    return fact.presence_at(day, min_confidence)


def _pick(
    facts: Sequence[Fact], day: int, min_confidence: Confidence = Confidence.UNCERTAIN
) -> tuple[Fact | None, bool]:
    """The fact of a slot that holds on ``day``, and whether that is uncertain."""
    chosen: Fact | None = None
    chosen_presence = Presence.ABSENT
    uncertain = False
    for fact in facts:
        presence = _presence(fact, day, min_confidence)
        if presence is Presence.ABSENT:
            continue
        if presence is Presence.UNCERTAIN:
            uncertain = True
        if chosen is None or (
            presence is Presence.PRESENT and chosen_presence is not Presence.PRESENT
        ):
            chosen, chosen_presence = fact, presence
    return chosen, uncertain


def _holding(
    facts: Iterable[Fact], day: int, min_confidence: Confidence
) -> list[tuple[Fact, Presence]]:
    """The fact of each slot that holds on ``day``, with its presence.

    Two facts of one slot can both be possible inside an imprecise window (a role ended some
    day in March and given again on March 20): the slot is shown once, by its present fact if
    it has one, else by its earliest, as :func:`_pick` does for unit names.
    """
    chosen: dict[tuple[str, ...], tuple[Fact, Presence]] = {}
    for fact in facts:
        presence = _presence(fact, day, min_confidence)
        if presence is Presence.ABSENT:
            continue
        held = chosen.get(fact.slot)
        if held is None or (presence is Presence.PRESENT and held[1] is not Presence.PRESENT):
            chosen[fact.slot] = (fact, presence)
    return list(chosen.values())


def _at_order(facts: Sequence[Fact], order: int) -> Fact | None:
    """The fact of a slot that was current right after replay step ``order``."""
    found = None
    for fact in facts:
        if fact.start.order <= order:
            found = fact
        else:
            break
    return found


class Timeline:
    """A compiled history. Build one with :func:`load_timeline` or :meth:`from_dataset`."""

    def __init__(self, dataset: Dataset, compiled: Compiled) -> None:
        self.dataset = dataset
        self.facts = compiled.facts
        self.order = compiled.order
        self.statuses: dict[str, EventStatus] = compiled.statuses
        self.problems = compiled.problems
        self.events: dict[str, Event] = {e.id: e for e in dataset.events}
        self.unit_facts: dict[str, dict[FactKind, list[Fact]]] = {}
        self.role_facts: list[Fact] = []
        self.vacancy_facts: list[Fact] = []
        self.reporting_facts: list[Fact] = []
        for fact in self.facts:
            if fact.kind is FactKind.ROLE:
                self.role_facts.append(fact)
            elif fact.kind is FactKind.VACANCY:
                self.vacancy_facts.append(fact)
            elif fact.kind is FactKind.REPORTING_LINE:
                self.reporting_facts.append(fact)
            else:
                by_kind = self.unit_facts.setdefault(fact.slot[0], {})
                by_kind.setdefault(fact.kind, []).append(fact)
        for by_kind in self.unit_facts.values():
            for facts in by_kind.values():
                facts.sort(key=lambda f: f.start.order)
        self._first_order: dict[str, int] | None = None
        self._person_index: dict[str, set[str]] | None = None
        self._unit_index: dict[str, set[str]] | None = None

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Timeline:
        """Compile a dataset; raises :class:`EventFileError` if the history has errors."""
        from reorg_cli.engine.compiler import compile_dataset

        compiled = compile_dataset(dataset)
        if any(p.severity is Severity.ERROR for p in compiled.problems):
            raise EventFileError(compiled.problems)
        return cls(dataset, compiled)

    # -- index hooks (reorg_cli.engine.cache.CachedTimeline answers these from stored indexes) ---
    def _live_unit_facts(self, day: int) -> Iterable[tuple[str, dict[FactKind, list[Fact]]]]:
        """``unit_facts`` items, of which at least those whose facts may hold on ``day``."""
        return self.unit_facts.items()

    def _live_facts(self, kind: FactKind, day: int) -> Sequence[Fact]:
        """Role, vacancy or reporting-line facts in creation order: at least those that may
        hold on ``day``."""
        return self._facts_of_kind(kind)

    def _facts_of_kind(self, kind: FactKind) -> list[Fact]:
        if kind is FactKind.ROLE:
            return self.role_facts
        if kind is FactKind.VACANCY:
            return self.vacancy_facts
        return self.reporting_facts

    def _facts_about(self, kind: FactKind, key: str) -> list[Fact]:
        """Role, vacancy or reporting-line facts whose slot starts with ``key`` (a person, or
        a unit for vacancies), in creation order."""
        return [f for f in self._facts_of_kind(kind) if f.slot[0] == key]

    def _person_labels(self) -> dict[str, str]:
        return {pid: p.name for pid, p in self.dataset.people.items()}

    def _unit_labels(self) -> dict[str, str]:
        return {uid: self.unit_name_now(uid) for uid in self.unit_facts}

    # -- names -----------------------------------------------------------------------------------
    def person_name(self, person_id: str) -> str:
        """Display name of a person id."""
        person = self.dataset.people.get(person_id)
        return person.name if person else person_id

    def unit_name_at_order(self, unit: str, order: int) -> str:
        """A unit's name right after replay step ``order`` (its first name if earlier)."""
        names = self.unit_facts.get(unit, {}).get(FactKind.NAME, [])
        fact = _at_order(names, order) or (names[0] if names else None)
        return str(fact.value[0]) if fact else unit

    def unit_name_now(self, unit: str) -> str:
        """A unit's latest name."""
        names = self.unit_facts.get(unit, {}).get(FactKind.NAME, [])
        return str(names[-1].value[0]) if names else unit

    def _build_indexes(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        if self._person_index is None or self._unit_index is None:
            people: dict[str, set[str]] = {}
            for person in self.dataset.people.values():
                keys = [person.id, person.name, *person.aliases, *(n for _, n in person.names)]
                for key in keys:
                    people.setdefault(name_key(key), set()).add(person.id)
            units: dict[str, set[str]] = {}
            for unit, by_kind in self.unit_facts.items():
                keys = [unit]
                for fact in by_kind.get(FactKind.NAME, []):
                    name, *others = fact.value
                    keys.append(str(name))
                    keys.extend(str(v) for v in others[1::2])
                info = self.dataset.units.get(unit)
                if info is not None:
                    keys.extend(info.aliases)
                for key in keys:
                    units.setdefault(name_key(key), set()).add(unit)
            self._person_index, self._unit_index = people, units
        return self._person_index, self._unit_index

    def find_person(self, query: str) -> Person:
        """The person whose id, name or alias (in any script, any case) is ``query``, or the
        one person it matches (:func:`reorg_cli.engine.names.resolve`)."""
        from reorg_cli.engine.names import resolve

        people, _ = self._build_indexes()
        found = resolve(self, query, "person", ids=self._person_labels(), exact=people)
        return self.dataset.people[found]

    def find_unit(self, query: str) -> str:
        """The id of the unit whose id, current or former name, or alias is ``query``, or of
        the one unit it matches (:func:`reorg_cli.engine.names.resolve`)."""
        from reorg_cli.engine.names import resolve

        _, units = self._build_indexes()
        return resolve(self, query, "unit", ids=self._unit_labels(), exact=units)

    def unit_lifetime(self, unit: str) -> tuple[int, int]:
        """The first day a unit may have existed and the last (ordinals; ``POS_INF`` while it
        exists): from the earliest possible day of its creation to the latest possible day of
        its end. Charts use it so that no role is drawn where its unit was not."""
        lives = self.unit_facts.get(unit, {}).get(FactKind.UNIT, [])
        if not lives:
            return NEG_INF, POS_INF
        last = lives[-1]
        return lives[0].start.window.lo, POS_INF if last.end is None else last.end.window.hi

    # -- coverage and staleness --------------------------------------------------------------------
    @property
    def coverage_end(self) -> PartialDate | None:
        """The date the data's knowledge reaches: the dataset's ``coverage_end``, else the
        latest event date (None for a history without dated events)."""
        settings = self.dataset.settings
        return settings.coverage_end or self._event_bounds()[1]

    @property
    def coverage_start(self) -> PartialDate | None:
        """The earliest event date (None for a history without dated events)."""
        return self._event_bounds()[0]

    def _event_bounds(self) -> tuple[PartialDate | None, PartialDate | None]:
        """The earliest and latest event dates: as the loader recorded them, else (a dataset
        built in code) computed from the events."""
        settings = self.dataset.settings
        if settings.first_event is not None or settings.last_event is not None:
            return settings.first_event, settings.last_event
        bounds: tuple[PartialDate | None, PartialDate | None] | None = self.__dict__.get("_bounds")
        if bounds is None:
            bounds = event_date_bounds(self.dataset.events)
            self.__dict__["_bounds"] = bounds
        return bounds

    def stale_after_days(self, override: int | None = None) -> int:
        """The staleness threshold: ``override`` (``--stale-after``), else the dataset's, else
        :data:`DEFAULT_STALE_AFTER_DAYS`."""
        if override is not None:
            return override
        days = self.dataset.settings.stale_after_days
        return days if days is not None else DEFAULT_STALE_AFTER_DAYS

    def staleness_day(self, day: int | None = None) -> int:
        """The day staleness is judged on for a query of ``day`` (None: no query date): the
        query date, or the coverage end when the query is past it (or not given)."""
        coverage = self.coverage_end
        end = coverage.last_day() if coverage is not None else None
        if day is None:
            return end if end is not None else POS_INF
        return day if end is None else min(day, end)

    def coverage_note(self, day_from: int, day_to: int | None = None) -> str | None:
        """One line saying a query reaches past what the data knows, or before it; else None.
        ``day_from``..``day_to`` is the span of days the query asks about."""
        last = day_to if day_to is not None else day_from
        coverage, start = self.coverage_end, self.coverage_start
        if coverage is not None and last > coverage.last_day():
            return f"events known up to {coverage.iso()}; later changes are not in this data"
        if start is not None and day_from < start.first_day():
            return (
                f"events known from {start.iso()}; the organization before that is not in this data"
            )
        return None

    # -- state -----------------------------------------------------------------------------------
    def state_at(
        self,
        day: int,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        stale_after: int | None = None,
    ) -> OrgState:
        """The organization at the end of ``day`` (an ordinal), keeping facts at or above
        ``min_confidence``. Facts with no end whose last confirmation is more than the
        staleness threshold (``stale_after`` days, else the dataset's) before ``day`` — or
        before the coverage end, when ``day`` is past it — are marked ``stale``."""
        reference = self.staleness_day(day)
        threshold = self.stale_after_days(stale_after)
        recorded = self.events

        def confirming(fact: Fact) -> tuple[str, ...]:
            # Staleness counts every confirmation; the list cites only those sure enough.
            if not fact.confirmed_by or min_confidence is Confidence.UNCERTAIN:
                return fact.confirmed_by
            return tuple(e for e in fact.confirmed_by if recorded[e].confidence >= min_confidence)

        # Filtering ignores ends below the threshold, which the day indexes cannot know about.
        filtered = min_confidence is not Confidence.UNCERTAIN
        unit_items = self.unit_facts.items() if filtered else self._live_unit_facts(day)

        def live(kind: FactKind) -> Sequence[Fact]:
            return self._facts_of_kind(kind) if filtered else self._live_facts(kind, day)

        units: dict[str, UnitState] = {}
        for unit, by_kind in unit_items:
            exists, _exists_uncertain = _pick(by_kind[FactKind.UNIT], day, min_confidence)
            if exists is None:
                continue
            name, name_unsure = _pick(by_kind[FactKind.NAME], day, min_confidence)
            kind, kind_unsure = _pick(by_kind[FactKind.KIND], day, min_confidence)
            parent, parent_unsure = _pick(by_kind[FactKind.PARENT], day, min_confidence)
            if name is None:
                name, name_unsure = _pick(by_kind[FactKind.NAME], day)
            if kind is None:
                kind, kind_unsure = _pick(by_kind[FactKind.KIND], day)
            used = [f for f in (exists, name, kind, parent) if f is not None]
            confidence = min(f.confidence_on(day, min_confidence) for f in used)
            assert name is not None and kind is not None
            unsure = tuple(
                label
                for label, flag in (
                    ("name", name_unsure),
                    ("kind", kind_unsure),
                    ("parent", parent_unsure),
                )
                if flag
            )
            events: list[str] = []
            for fact in used:
                if fact.start.event not in events:
                    events.append(fact.start.event)
            other_names = name.value[1:]
            units[unit] = UnitState(
                id=unit,
                name=str(name.value[0]),
                kind=str(kind.value[0]),
                parent=parent.value[0] if parent is not None else None,  # type: ignore[arg-type]
                since=exists.start.window,
                presence=_presence(exists, day, min_confidence),
                confidence=confidence,
                events=tuple(events),
                names=tuple(
                    (str(other_names[i]), str(other_names[i + 1]))
                    for i in range(0, len(other_names), 2)
                ),
                uncertain_fields=unsure,
                last_confirmed=exists.confirmed_window,
                stale=exists.stale_on(reference, threshold),
                confirmed_by=confirming(exists),
            )
        roles = []
        for fact, presence in _holding(live(FactKind.ROLE), day, min_confidence):
            person, unit, title = fact.slot
            if unit not in units:
                continue
            roles.append(
                RoleState(
                    person=person,
                    person_name=self.person_name(person),
                    unit=unit,
                    title=title,
                    head=bool(fact.value[0]),
                    since=fact.start.window,
                    presence=presence,
                    confidence=fact.confidence_on(day, min_confidence),
                    events=fact.events_at(min_confidence),
                    last_confirmed=fact.confirmed_window,
                    stale=fact.stale_on(reference, threshold),
                    confirmed_by=confirming(fact),
                )
            )
        vacancies = []
        for fact, presence in _holding(live(FactKind.VACANCY), day, min_confidence):
            unit, title = fact.slot
            if unit not in units:
                continue
            vacancies.append(
                VacancyState(
                    unit=unit,
                    title=title,
                    vacancy=str(fact.value[0]),
                    since=fact.start.window,
                    presence=presence,
                    confidence=fact.confidence_on(day, min_confidence),
                    events=fact.events_at(min_confidence),
                )
            )
        lines = []
        for fact, presence in _holding(live(FactKind.REPORTING_LINE), day, min_confidence):
            boss = str(fact.value[0])
            lines.append(
                ReportingLineState(
                    person=fact.slot[0],
                    person_name=self.person_name(fact.slot[0]),
                    reports_to=boss,
                    reports_to_name=self.person_name(boss),
                    since=fact.start.window,
                    presence=presence,
                    confidence=fact.confidence_on(day, min_confidence),
                    events=fact.events_at(min_confidence),
                    last_confirmed=fact.confirmed_window,
                    stale=fact.stale_on(reference, threshold),
                    confirmed_by=confirming(fact),
                )
            )
        roles.sort(key=lambda r: (r.unit, r.title, r.person))
        vacancies.sort(key=lambda v: (v.unit, v.title))
        lines.sort(key=lambda r: (r.person, r.reports_to))
        return OrgState(day, units, tuple(roles), tuple(vacancies), tuple(lines))

    # -- diff ------------------------------------------------------------------------------------
    def _events_in(self, facts: Iterable[Fact], day_from: int, day_to: int) -> tuple[str, ...]:
        lo, hi = min(day_from, day_to), max(day_from, day_to)
        found: list[tuple[int, str]] = []
        for fact in facts:
            for edge in (fact.start, fact.end):
                if edge is not None and edge.lo <= hi and edge.hi > lo:
                    found.append((edge.order, edge.event))
        result: list[str] = []
        for _, event in sorted(found):
            if event not in result:
                result.append(event)
        return tuple(result)

    def diff(
        self, day_from: int, day_to: int, min_confidence: Confidence = Confidence.UNCERTAIN
    ) -> OrgDiff:
        """Everything that differs between the ends of ``day_from`` and ``day_to``."""
        before = self.state_at(day_from, min_confidence)
        after = self.state_at(day_to, min_confidence)
        return self.diff_states(before, after)

    def diff_states(self, before: OrgState, after: OrgState) -> OrgDiff:
        """What :meth:`diff` answers, from two states already computed (at the same
        confidence filter): the explorer's slider keeps the state it leaves."""
        day_from, day_to = before.day, after.day
        changes: list[DiffChange] = []
        unit_label = {
            **{u: s.name for u, s in before.units.items()},
            **{u: s.name for u, s in after.units.items()},
        }

        def label(unit: str | None) -> str:
            if unit is None:
                return "top level"
            return unit_label.get(unit) or self.unit_name_now(unit)

        for unit in sorted(set(before.units) | set(after.units)):
            old, new = before.units.get(unit), after.units.get(unit)
            if old == new:
                continue
            facts = [f for fs in self.unit_facts[unit].values() for f in fs]
            events = self._events_in(facts, day_from, day_to)
            if old is None and new is not None:
                summary = f"{new.name} ({kind_label(new.kind)}) created"
                if new.parent:
                    summary += f" under {label(new.parent)}"
                changes.append(DiffChange("unit_added", summary, events, ("unit", unit), None, new))
                continue
            if new is None and old is not None:
                end = self.unit_facts[unit][FactKind.UNIT][-1]
                if end.end is None or end.end.lo > max(day_from, day_to):
                    summary = f"{old.name} no longer shown (its facts are less sure)"
                elif end.successor:
                    summary = f"{old.name} merged into {label(end.successor)}"
                else:
                    summary = f"{old.name} dissolved"
                changes.append(
                    DiffChange("unit_removed", summary, events, ("unit", unit), old, None)
                )
                continue
            assert old is not None and new is not None
            if old == new:
                continue
            parts = []
            kinds = []
            if old.name != new.name:
                parts.append(f"renamed to {new.name}")
                kinds.append("renamed")
            elif old.names != new.names:
                shown = ", ".join(f"{lang}: {name}" for lang, name in new.names) or "none"
                parts.append(f"names in other languages now {shown}")
                kinds.append("renamed")
            if old.kind != new.kind:
                parts.append(f"reclassified from {kind_label(old.kind)} to {kind_label(new.kind)}")
                kinds.append("reclassified")
            if old.parent != new.parent:
                parts.append(f"moved from {label(old.parent)} to {label(new.parent)}")
                kinds.append("moved")
            if not parts:
                certain = new.presence is Presence.PRESENT and not new.uncertain_fields
                if (old.presence, old.uncertain_fields) != (new.presence, new.uncertain_fields):
                    parts.append("now certain" if certain else "now uncertain")
                elif old.confidence != new.confidence:
                    parts.append(f"now {new.confidence.label}")
                else:
                    parts.append("recorded again (same name, kind and parent)")
                kinds.append("certainty")
            change_type = "unit_" + kinds[0] if len(kinds) == 1 else "unit_changed"
            changes.append(
                DiffChange(
                    change_type, f"{old.name} " + "; ".join(parts), events, ("unit", unit), old, new
                )
            )
        self._diff_entries(
            changes,
            "role",
            {(r.person, r.unit, r.title): r for r in before.roles},
            {(r.person, r.unit, r.title): r for r in after.roles},
            lambda r: f"{r.person_name} — {r.title}, {label(r.unit)}",
            FactKind.ROLE,
            day_from,
            day_to,
        )
        self._diff_entries(
            changes,
            "vacancy",
            {(v.unit, v.title): v for v in before.vacancies},
            {(v.unit, v.title): v for v in after.vacancies},
            lambda v: (
                f"{v.title}, {label(v.unit)}: holder "
                + ("unknown" if v.vacancy == "unknown" else "vacant")
            ),
            FactKind.VACANCY,
            day_from,
            day_to,
        )
        self._diff_entries(
            changes,
            "reporting_line",
            {(r.person,): r for r in before.reporting_lines},
            {(r.person,): r for r in after.reporting_lines},
            lambda r: f"{r.person_name} reports to {r.reports_to_name}",
            FactKind.REPORTING_LINE,
            day_from,
            day_to,
        )
        if self._first_order is None:
            self._first_order = {e.id: i for i, e in enumerate(self.order)}
        first_order = self._first_order
        rank = {"unit": 0, "role": 1, "vacancy": 2, "reporting_line": 3}
        changes.sort(
            key=lambda c: (
                first_order.get(c.events[0], POS_INF) if c.events else POS_INF,
                rank[c.key[0]],
                c.type,
                c.key,
            )
        )
        return OrgDiff(day_from, day_to, tuple(changes))

    def _diff_entries(
        self,
        changes: list[DiffChange],
        noun: str,
        old: Mapping[tuple[str, ...], Entry],
        new: Mapping[tuple[str, ...], Entry],
        describe: Callable[[Any], str],
        kind: FactKind,
        day_from: int,
        day_to: int,
    ) -> None:
        keys = sorted(set(old) | set(new))
        for key in keys:
            a, b = old.get(key), new.get(key)
            if a == b:
                continue
            # The slot's facts, looked up by its first field (a person, or a vacancy's unit).
            slot_facts = [f for f in self._facts_about(kind, key[0]) if f.slot == key]
            events = self._events_in(slot_facts, day_from, day_to)
            if a is None:
                changes.append(
                    DiffChange(f"{noun}_added", describe(b), events, (noun, *key), None, b)
                )
            elif b is None:
                changes.append(
                    DiffChange(f"{noun}_removed", describe(a), events, (noun, *key), a, None)
                )
            else:
                summary = describe(b)
                if (
                    isinstance(a, ReportingLineState)
                    and isinstance(b, ReportingLineState)
                    and a.reports_to != b.reports_to
                ):
                    summary += f" (before: {a.reports_to_name})"
                if getattr(a, "presence", None) != getattr(b, "presence", None):
                    summary += (
                        " (now certain)"
                        if getattr(b, "presence", None) is Presence.PRESENT
                        else " (now uncertain)"
                    )
                changes.append(DiffChange(f"{noun}_changed", summary, events, (noun, *key), a, b))

    # -- histories -------------------------------------------------------------------------------
    def _span(self, fact: Fact, today: int, reference: int, threshold: int) -> RoleSpan:
        person, unit, title = fact.slot
        status = fact.status(today)
        stale = status == "current" and fact.stale_on(reference, threshold)
        if stale:
            status = "stale"
        name = self.unit_name_at_order(unit, fact.start.order)
        name_at_end = (
            self.unit_name_at_order(unit, fact.end.order - 1)
            if fact.end is not None
            else self.unit_name_now(unit)
        )
        return RoleSpan(
            unit=unit,
            unit_name=name,
            title=title,
            head=bool(fact.value[0]),
            start=fact.start.window,
            end=fact.end.window if fact.end else None,
            end_reason=fact.end_reason,
            status=status,
            confidence=fact.start_confidence,
            end_confidence=fact.end_confidence,
            events=fact.events,
            unit_name_at_end=name_at_end if name_at_end != name else None,
            person=person,
            person_name=self.person_name(person),
            last_confirmed=fact.confirmed_window,
            stale=stale,
            confirmed_by=fact.confirmed_by,
        )

    def person_history(
        self,
        person_id: str,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        stale_after: int | None = None,
        *,
        today: int | None = None,
    ) -> PersonHistory:
        """Every role ``person_id`` held, in replay order, with their reporting lines.

        ``today`` (an ordinal; default: the clock's) decides which roles are ``planned``,
        ``current`` or ``ended``; a role or line with no end is ``stale`` when no source
        confirms it within ``stale_after`` days (else the dataset's threshold) of today or,
        when today is past it, of the coverage end."""
        person = self.dataset.people[person_id]
        today = today_ordinal() if today is None else today
        reference, threshold = self.staleness_day(today), self.stale_after_days(stale_after)
        spans = [
            self._span(f, today, reference, threshold)
            for f in self._facts_about(FactKind.ROLE, person_id)
            if f.start_confidence >= min_confidence
        ]
        line_facts = [
            f
            for f in self._facts_about(FactKind.REPORTING_LINE, person_id)
            if f.start_confidence >= min_confidence
        ]
        lines = tuple(
            (
                str(f.value[0]),
                self.person_name(str(f.value[0])),
                f.start.window,
                f.end.window if f.end else None,
                f.events,
                f.confidence,
            )
            for f in line_facts
        )
        return PersonHistory(
            person_id=person.id,
            name=person.name,
            names=person.names,
            aliases=person.aliases,
            description=person.description,
            roles=tuple(spans),
            reporting_lines=lines,
            today=today,
            reporting_line_confirmations=tuple(
                (f.confirmed_window, f.stale_on(reference, threshold), f.confirmed_by)
                for f in line_facts
            ),
        )

    def unit_history(
        self,
        unit: str,
        min_confidence: Confidence = Confidence.UNCERTAIN,
        stale_after: int | None = None,
        *,
        today: int | None = None,
    ) -> UnitHistory:
        """A unit's creation, renames, reclassifications, moves, merges, end and heads; roles
        with no end are judged stale or not as in :meth:`person_history`."""
        today = today_ordinal() if today is None else today
        by_kind = self.unit_facts[unit]
        changes: list[UnitChange] = []
        exists = by_kind[FactKind.UNIT]
        names, kinds, parents = (
            by_kind[FactKind.NAME],
            by_kind[FactKind.KIND],
            by_kind[FactKind.PARENT],
        )

        def parent_label(fact: Fact, order: int) -> str:
            value = fact.value[0]
            return "top level" if value is None else self.unit_name_at_order(str(value), order)

        for fact in exists:
            order = fact.start.order
            first_name = _at_order(names, order)
            first_kind = _at_order(kinds, order)
            first_parent = _at_order(parents, order)
            summary = f"created as {first_name.value[0] if first_name else unit}"
            if first_kind:
                summary += f" ({kind_label(str(first_kind.value[0]))})"
            if first_parent and first_parent.value[0] is not None:
                summary += f" under {parent_label(first_parent, order)}"
            changes.append(
                UnitChange(
                    fact.start.window,
                    "created",
                    summary,
                    (fact.start.event,),
                    fact.start_confidence,
                    order,
                )
            )
        for previous, fact in itertools.pairwise(names):
            if fact.start.order == exists[0].start.order:
                continue
            if previous.value[0] != fact.value[0]:
                summary = f"renamed from {previous.value[0]} to {fact.value[0]}"
            else:
                rest = fact.value[1:]
                others = ", ".join(f"{rest[i]}: {rest[i + 1]}" for i in range(0, len(rest), 2))
                summary = f"names in other languages now {others or 'none'}"
            changes.append(
                UnitChange(
                    fact.start.window,
                    "renamed",
                    summary,
                    (fact.start.event,),
                    fact.start_confidence,
                    fact.start.order,
                )
            )
        for previous, fact in itertools.pairwise(kinds):
            changes.append(
                UnitChange(
                    fact.start.window,
                    "reclassified",
                    f"reclassified from {kind_label(str(previous.value[0]))} to "
                    f"{kind_label(str(fact.value[0]))}",
                    (fact.start.event,),
                    fact.start_confidence,
                    fact.start.order,
                )
            )
        for previous, fact in itertools.pairwise(parents):
            how = " (its parent was merged)" if fact.start.implied_by == "unit_merged" else ""
            changes.append(
                UnitChange(
                    fact.start.window,
                    "moved",
                    f"moved from {parent_label(previous, fact.start.order)} to "
                    f"{parent_label(fact, fact.start.order)}{how}",
                    (fact.start.event,),
                    fact.start_confidence,
                    fact.start.order,
                )
            )
        for other, other_facts in self.unit_facts.items():
            last = other_facts[FactKind.UNIT][-1]
            if last.successor == unit and last.end is not None:
                changes.append(
                    UnitChange(
                        last.end.window,
                        "absorbed",
                        f"absorbed {self.unit_name_at_order(other, last.end.order - 1)}",
                        (last.end.event,),
                        _end_confidence(last),
                        last.end.order,
                    )
                )
        successor = None
        last = exists[-1]
        if last.end is not None:
            successor = last.successor
            summary = (
                f"merged into {self.unit_name_at_order(successor, last.end.order)}"
                if successor
                else "dissolved"
            )
            changes.append(
                UnitChange(
                    last.end.window,
                    "merged" if successor else "dissolved",
                    summary,
                    (last.end.event,),
                    _end_confidence(last),
                    last.end.order,
                )
            )
        changes = [c for c in changes if c.confidence >= min_confidence]
        changes.sort(key=lambda c: c.order)
        reference, threshold = self.staleness_day(today), self.stale_after_days(stale_after)
        spans = [
            self._span(f, today, reference, threshold)
            for f in self.role_facts
            if f.slot[1] == unit and f.confidence >= min_confidence
        ]
        info = self.dataset.units.get(unit)
        current = self.unit_name_now(unit)
        former = tuple(n for n in dict.fromkeys(str(f.value[0]) for f in names) if n != current)
        return UnitHistory(
            unit_id=unit,
            name=current,
            former_names=former,
            description=info.description if info else None,
            changes=tuple(changes),
            heads=tuple(s for s in spans if s.head),
            roles=tuple(spans),
            successor=successor,
        )

    # -- events ------------------------------------------------------------------------------------
    def events_between(
        self,
        day_from: int | None = None,
        day_to: int | None = None,
        *,
        person: str | None = None,
        unit: str | None = None,
        today: int | None = None,
        min_confidence: Confidence = Confidence.UNCERTAIN,
    ) -> list[TimelineEntry]:
        """Events dated from ``day_from`` to ``day_to`` (inclusive), oldest first, optionally
        only those touching ``person`` or ``unit``; corrected and retracted events included."""
        entries = []
        wanted = self._events_touching(person, unit) if person or unit else None
        for event in sorted(self.dataset.events, key=Event.sort_key):
            day = event.date.sort_day
            if event.confidence < min_confidence:
                continue
            if day_from is not None and day < day_from:
                continue
            if day_to is not None and day > day_to:
                continue
            if wanted is not None and event.id not in wanted:
                continue
            status = self.statuses[event.id]
            if status.corrected_by:
                state, related = "corrected", status.corrected_by
            elif status.retracted_by:
                state, related = "retracted", status.retracted_by
            elif status.corrects:
                state, related = "correction", status.corrects
            elif status.retracts:
                state, related = "retraction", status.retracts
            else:
                state, related = "applied", None
            entries.append(
                TimelineEntry(
                    id=event.id,
                    date=event.date,
                    title=event.title,
                    confidence=event.confidence,
                    status=state,
                    related=related,
                    planned=today is not None and event.date.lo > today,
                    summary=event.summary,
                    sources=tuple(s.url for s in event.sources),
                )
            )
        return entries

    def _events_touching(self, person: str | None, unit: str | None) -> set[str]:
        """Ids of the events that changed a fact about ``person`` and ``unit`` (both, when both
        are given), including implied changes (a merge ending a role), what they wrote
        directly, and corrections or retractions of such events."""

        def about_person(fact: Fact) -> bool:
            if fact.kind is FactKind.ROLE:
                return fact.slot[0] == person
            if fact.kind is FactKind.REPORTING_LINE:
                return person in (fact.slot[0], fact.value[0])
            return False

        def about_unit(fact: Fact) -> bool:
            if fact.kind is FactKind.ROLE:
                return fact.slot[1] == unit
            if fact.kind is FactKind.REPORTING_LINE:
                return False
            if fact.kind is FactKind.PARENT and fact.value[0] == unit:
                return True
            return fact.slot[0] == unit or (fact.kind is FactKind.UNIT and fact.successor == unit)

        found: set[str] = set()
        for fact in self.facts:
            if (person is None or about_person(fact)) and (unit is None or about_unit(fact)):
                found.update(fact.events)
        for event in self.dataset.events:
            direct = (person is None or _touches(event, person, "person", "reports_to")) and (
                unit is None or _touches(event, unit, "unit", "parent", "into")
            )
            if direct:
                found.add(event.id)
        for event in self.dataset.events:
            target = event.corrects or event.retracts
            if target is not None and target in found:
                found.add(event.id)
        return found

    def event_windows(self) -> list[tuple[str, DateWindow]]:
        """The id and date of every event the replay applied, in replay order (corrected and
        retracted events are not applied; their corrections are)."""
        return [(event.id, event.date) for event in self.order]

    # -- provenance ------------------------------------------------------------------------------
    def evidence(self, event_id: str) -> Evidence:
        """An event with its sources, and the event it corrects, if any."""
        event = self.events[event_id]
        status = self.statuses[event_id]
        if status.corrected_by:
            state = f"corrected by {status.corrected_by}"
        elif status.retracted_by:
            state = f"retracted by {status.retracted_by}"
        else:
            state = "applied"
        corrected = self.evidence(event.corrects) if event.corrects in self.events else None
        return Evidence(
            id=event.id,
            date=event.date,
            title=event.title,
            confidence=event.confidence,
            sources=event.sources,
            path=event.path,
            line=event.location.line,
            notes=event.notes,
            status=state,
            corrects=corrected,
        )

    def describe(self, fact: Fact) -> str:
        """A fact in words, with names as they were when it started."""
        order = fact.start.order
        if fact.kind is FactKind.ROLE:
            person, unit, title = fact.slot
            name = self.unit_name_at_order(unit, order)
            return f"{self.person_name(person)} — {title}, {name}"
        if fact.kind is FactKind.REPORTING_LINE:
            return (
                f"{self.person_name(fact.slot[0])} reports to "
                f"{self.person_name(str(fact.value[0]))}"
            )
        if fact.kind is FactKind.VACANCY:
            unit, title = fact.slot
            return f"{title}, {self.unit_name_at_order(unit, order)}: holder {fact.value[0]}"
        unit = fact.slot[0]
        name = self.unit_name_at_order(unit, order)
        if fact.kind is FactKind.UNIT:
            return f"{name} exists"
        if fact.kind is FactKind.NAME:
            return f"unit {unit} is named {fact.value[0]}"
        if fact.kind is FactKind.KIND:
            return f"{name} is a {kind_label(str(fact.value[0]))}"
        parent = fact.value[0]
        where = "top level" if parent is None else self.unit_name_at_order(str(parent), order)
        return f"{name} is under {where}"

    def fact_sources(self, fact: Fact) -> tuple[Source, ...]:
        """The distinct sources of the events behind a fact (by URL)."""
        seen: dict[str, Source] = {}
        for event_id in fact.events:
            for source in self.events[event_id].sources:
                seen.setdefault(source.url, source)
        return tuple(seen.values())

    def sources_report(self) -> list[SourceUse]:
        """Every source cited by an applied event, with how many facts rest on it."""
        facts_per_event: dict[str, int] = {}
        for fact in self.facts:
            for event_id in fact.events:
                facts_per_event[event_id] = facts_per_event.get(event_id, 0) + 1
        uses: dict[str, tuple[Source, list[str], int]] = {}
        for event in self.dataset.events:
            for source in event.sources:
                found = uses.setdefault(source.url, (source, [], 0))
                uses[source.url] = (
                    found[0],
                    [*found[1], event.id],
                    found[2] + facts_per_event.get(event.id, 0),
                )
        for source in self.dataset.sources.values():
            uses.setdefault(source.url, (source, [], 0))
        result = [SourceUse(src, tuple(ev), n) for src, ev, n in uses.values()]
        result.sort(key=lambda u: (-u.facts, u.source.id or "", u.source.url))
        return result

    def single_reported_facts(self) -> list[FactSummary]:
        """Facts that rest on exactly one source and are not confirmed."""
        result = []
        for fact in self.facts:
            if fact.confidence is Confidence.CONFIRMED:
                continue
            sources = self.fact_sources(fact)
            if len(sources) != 1:
                continue
            result.append(
                FactSummary(
                    description=self.describe(fact),
                    start=fact.start.window,
                    end=fact.end.window if fact.end else None,
                    confidence=fact.confidence,
                    events=fact.events,
                    sources=sources,
                )
            )
        return result


def _end_confidence(fact: Fact) -> Confidence:
    return fact.end_confidence if fact.end_confidence is not None else fact.start_confidence


def _touches(event: Event, value: str, *fields: str) -> bool:
    return any(getattr(change, name, None) == value for change in event.changes for name in fields)


def window_display(window: DateWindow | None) -> str:
    """A window for people, or an empty string."""
    return window.display() if window is not None else ""


def load_timeline(
    path: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> Timeline:
    """Read, check and compile the event files under ``path``.

    Raises :class:`~reorg_cli.events.errors.EventFileError` listing every error found. ``progress``,
    if given, is called as ``progress("read", files_done, files_total)`` while files are read
    and ``progress("compile", 0, 0)`` before compiling.
    """
    from reorg_cli.events.loader import load_dataset

    dataset, problems = load_dataset(path, progress=progress)
    if any(p.severity is Severity.ERROR for p in problems):
        raise EventFileError(problems)
    if progress is not None:
        progress("compile", 0, 0)
    return Timeline.from_dataset(dataset)
