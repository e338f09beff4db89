"""``reorg check``: data-quality findings about a compiled history.

``validate`` asks whether the files are well-formed and the history logical; these checks ask
whether what it says can be trusted as of the data's coverage end: facts nobody has confirmed
for a long time, facts resting on one reported source, two holders of a single-holder post,
units without a head, reporting lines that outlive the role they rested on, people with no
role for years, and event dates more precise than (or later than) their sources. Every finding
names the place to edit and what would resolve it.
"""

from __future__ import annotations

from collections.abc import Iterable

from reorg_cli.engine.facts import Fact, FactKind, Presence, confirmation_day
from reorg_cli.engine.reports import CHECKS as CHECKS
from reorg_cli.engine.reports import CheckReport as CheckReport
from reorg_cli.engine.reports import Finding as Finding
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import NEG_INF, POS_INF, Precision, ordinal_iso, parse_partial
from reorg_cli.events.model import Confidence
from reorg_cli.events.records import Event

#: A person with no role for at least this many days before the coverage end is reported.
NO_ROLE_DAYS = 730


def _end_key(fact: Fact) -> tuple[int, int]:
    return (fact.end.hi, fact.end.order) if fact.end is not None else (POS_INF, POS_INF)


def _day(day: int) -> str:
    if day in (NEG_INF, POS_INF):
        return "an unknown date"
    return ordinal_iso(day)


class _Checker:
    def __init__(self, timeline: Timeline, stale_after: int | None) -> None:
        self.timeline = timeline
        self.reference = timeline.staleness_day()
        self.threshold = timeline.stale_after_days(stale_after)
        self.findings: list[Finding] = []
        coverage = timeline.coverage_end
        self.coverage = coverage.iso() if coverage is not None else "the latest event"

    def event(self, event_id: str) -> Event:
        return self.timeline.events[event_id]

    def add(
        self,
        check: str,
        event_id: str,
        message: str,
        fix: str,
        subject: Iterable[str] = (),
        events: Iterable[str] = (),
    ) -> None:
        event = self.event(event_id)
        self.findings.append(
            Finding(
                check,
                event.path,
                event.location.line,
                message,
                fix,
                tuple(subject),
                tuple(events) or (event_id,),
            )
        )

    def describe(self, fact: Fact) -> str:
        return self.timeline.describe(fact)

    def unit_exists(self, unit: str) -> bool:
        """Whether ``unit`` exists (or may) on the reference day."""
        return any(
            f.presence(self.reference) is not Presence.ABSENT
            for f in self.timeline.unit_facts.get(unit, {}).get(FactKind.UNIT, [])
        )

    def open_at_reference(self, fact: Fact) -> bool:
        return fact.end is None and fact.presence(self.reference) is not Presence.ABSENT

    # -- the checks ------------------------------------------------------------------------------
    def stale(self) -> None:
        confirm = {
            FactKind.ROLE: "role_confirmed",
            FactKind.UNIT: "unit_confirmed",
            FactKind.REPORTING_LINE: "reporting_line_confirmed",
        }
        end = {
            FactKind.ROLE: "role_ended (or person_left)",
            FactKind.UNIT: "unit_dissolved or unit_merged",
            FactKind.REPORTING_LINE: "reporting_line_cleared or a new reporting_line_set",
        }
        for fact in self.timeline.facts:
            # A fact whose end is still to come on the reference day is judged too: an end
            # that no source states does not show it holding until then. A role whose unit
            # no longer exists then cannot hold (show does not draw it).
            if fact.kind not in confirm or fact.presence(self.reference) is Presence.ABSENT:
                continue
            if fact.kind is FactKind.ROLE and not self.unit_exists(fact.slot[1]):
                continue
            if not fact.stale_on(self.reference, self.threshold):
                continue
            last = fact.confirmed_window
            latest = fact.latest_confirmation or fact.start.event
            self.add(
                "stale",
                latest,
                f"{self.describe(fact)}: last confirmed {last.display()}, more than "
                f"{self.threshold} days before {ordinal_iso(self.reference)}",
                f"add a {confirm[fact.kind]} change in an event dated after "
                f"{_day(self.reference - self.threshold - 1)} citing a source that shows it "
                f"still holds, or end it with {end[fact.kind]} if a source says it ended",
                fact.slot,
                (fact.start.event, *fact.confirmed_by),
            )

    def single_source(self) -> None:
        for fact in self.timeline.facts:
            if fact.kind not in (FactKind.ROLE, FactKind.UNIT, FactKind.REPORTING_LINE):
                continue
            if fact.confidence is Confidence.CONFIRMED:
                continue
            events = (*fact.events, *fact.confirmed_by)
            urls = {s.url for e in events for s in self.event(e).sources}
            if len(urls) != 1:
                continue
            self.add(
                "single_source",
                fact.start.event,
                f"{self.describe(fact)} rests on one {fact.confidence.label} source",
                "cite a second, independent source in its event (or in a confirming event); "
                "if none exists, keep the confidence as it is and say so in the event's notes",
                fact.slot,
                events,
            )

    def overlapping_holders(self) -> None:
        posts: dict[tuple[str, str], list[Fact]] = {}
        for fact in self.timeline.role_facts:
            if not fact.value[1]:  # not shared
                posts.setdefault((fact.slot[1], fact.slot[2]), []).append(fact)
        for (unit, title), facts in sorted(posts.items()):
            for index, first in enumerate(facts):
                for second in facts[index + 1 :]:
                    if first.slot[0] == second.slot[0]:
                        continue
                    # Both surely held on some day: after both surely started, before either
                    # may have ended.
                    lo = max(first.start.hi, second.start.hi)
                    hi = min(
                        first.end.lo if first.end else POS_INF,
                        second.end.lo if second.end else POS_INF,
                    )
                    if lo >= hi:
                        continue
                    name = self.timeline.unit_name_now(unit)
                    self.add(
                        "overlapping_holders",
                        second.start.event,
                        f"{self.timeline.person_name(first.slot[0])} and "
                        f"{self.timeline.person_name(second.slot[0])} both hold {title!r} in "
                        f"{name} from {_day(lo)}",
                        "end the earlier holder's role where a source says they left the post, "
                        "or mark the post 'shared: true' if it has several holders",
                        (unit, title, first.slot[0], second.slot[0]),
                        (first.start.event, second.start.event),
                    )

    def no_head(self) -> None:
        heads: set[str] = set()
        for fact in self.timeline.role_facts:
            if fact.value[0] and self.open_at_reference(fact):
                heads.add(fact.slot[1])
        vacant: set[str] = set()
        for fact in self.timeline.vacancy_facts:
            if self.open_at_reference(fact):
                vacant.add(fact.slot[0])
        for unit, by_kind in self.timeline.unit_facts.items():
            exists = by_kind[FactKind.UNIT][-1]
            if not self.open_at_reference(exists) or unit in heads or unit in vacant:
                continue
            self.add(
                "no_head",
                exists.start.event,
                f"{self.timeline.unit_name_now(unit)} has no head on {ordinal_iso(self.reference)}",
                "assign its head (role_assigned with 'head: true') from a source, or record "
                "the post as unknown (role_ended with 'vacancy: unknown') if the sources name "
                "nobody",
                (unit,),
            )

    def orphaned_reporting_lines(self) -> None:
        roles_of: dict[str, list[Fact]] = {}
        for fact in self.timeline.role_facts:
            roles_of.setdefault(str(fact.slot[0]), []).append(fact)
        for line in self.timeline.reporting_facts:
            if not self.open_at_reference(line):
                continue
            person, boss = str(line.slot[0]), str(line.value[0])
            confirmed = confirmation_day(line.confirmed_window)
            for who in (boss, person):
                for role in roles_of.get(who, []):
                    if role.end is None or role.start.order > line.start.order:
                        continue
                    if role.end.order <= line.start.order:
                        continue  # ended before the line was set
                    if confirmed >= role.end.lo:
                        continue  # the line was confirmed after the role ended
                    self.add(
                        "orphaned_reporting_line",
                        line.start.event,
                        f"{self.describe(line)}, set while {self.describe(role)}; that role "
                        f"ended {role.end.window.display()} and the line was not confirmed "
                        "since",
                        "confirm the line (reporting_line_confirmed) with a source dated after "
                        "the role ended, or clear it (reporting_line_cleared) in the event that "
                        "ended the role",
                        (person, boss),
                        (line.start.event, role.end.event),
                    )

    def no_role(self) -> None:
        roles_of: dict[str, list[Fact]] = {}
        for fact in self.timeline.role_facts:
            roles_of.setdefault(str(fact.slot[0]), []).append(fact)
        for person_id, person in self.timeline.people.items():
            roles = roles_of.get(person_id, [])
            if not roles:
                self.findings.append(
                    Finding(
                        "no_role",
                        person.location.path,
                        person.location.line,
                        f"{person.name} holds no role at any date",
                        "record the role that makes them part of this history, or remove them "
                        "from 'people:'",
                        (person_id,),
                    )
                )
                continue
            if any(r.end is None for r in roles):
                continue
            last = max(roles, key=_end_key)
            assert last.end is not None
            if last.end.implied_by == "person_left":
                continue
            ended = last.end.hi if last.end.hi != POS_INF else last.end.lo
            if self.reference - ended < NO_ROLE_DAYS:
                continue
            self.add(
                "no_role",
                last.end.event,
                f"{person.name} has held no role since {last.end.window.display()}, more than "
                f"{NO_ROLE_DAYS // 365} years before {ordinal_iso(self.reference)}",
                "record what they did next from a source, or a person_left change if they "
                "left the organization",
                (person_id,),
                (last.end.event,),
            )

    def date_precision(self) -> None:
        for event_id, status in self.timeline.statuses.items():
            if not status.applied:
                continue
            event = self.event(event_id)
            window = event.date
            if window.first is None:
                continue
            dates = [parse_partial(s.published) for s in event.sources if s.published]
            if not dates:
                continue
            earliest = min(dates, key=lambda d: d.last_day())
            announced = event.announced
            if announced is not None and confirmation_day(announced) <= earliest.last_day():
                pass  # announced ahead: a source may report it before it took effect
            elif window.lo != NEG_INF and window.lo > earliest.last_day():
                # No source can report what happened after it was published.
                self.add(
                    "date_precision",
                    event_id,
                    f"event {event_id} is dated {window.display()}, after its earliest source "
                    f"was published ({earliest.iso()})",
                    f"date it 'by {earliest.iso()}' or to what the source says, or cite the "
                    "source that reports the later date",
                    (event_id,),
                )
                continue
            if (
                window.first.precision is Precision.DAY
                and len(dates) == len(event.sources)
                and all(d.precision is not Precision.DAY for d in dates)
            ):
                self.add(
                    "date_precision",
                    event_id,
                    f"event {event_id} is dated to the day ({window.display()}) but its "
                    "sources give only months or years",
                    "cite the source that gives the day, or write the date at the precision the "
                    "sources give",
                    (event_id,),
                )

    def run(self) -> CheckReport:
        self.stale()
        self.single_source()
        self.overlapping_holders()
        self.no_head()
        self.orphaned_reporting_lines()
        self.no_role()
        self.date_precision()
        order = list(CHECKS)
        findings = sorted(
            self.findings, key=lambda f: (order.index(f.check), f.path, f.line, f.message)
        )
        coverage = self.timeline.coverage_end
        return CheckReport(
            tuple(findings),
            coverage.iso() if coverage is not None else None,
            self.reference,
            self.threshold,
        )


def check_timeline(timeline: Timeline, stale_after: int | None = None) -> CheckReport:
    """Every data-quality finding about ``timeline``, judged as of its coverage end."""
    return _Checker(timeline, stale_after).run()
