"""The order of the role changes the Popolo importer rebuilds inside one event (part of
:mod:`reorg_cli.interop.popolo_import`).

A Popolo document holds which event starts and ends each fact, not the order of the changes
inside an event, so the importer must rebuild one that compiles to the same facts
(docs/interop.md, "Changes inside one event"). Posts are independent of each other, so each
post's changes are ordered on their own and then merged: a role's start keeps its place among
the event's starts (the order the memberships are listed in), and the changes of a post that
come between two of its starts stay between them.

Most posts need no search: ends of roles held before the event, then the starts in order, each
followed by its own end when the same person takes the post again later in the event, then the
remaining ends. A post whose vacancy starts, ends or stays open across the event is searched
(:func:`_search`): the order must open each vacancy with an end whose confidence it has, with
nobody else holding a single-holder post then, and close it the way the document says (filled
by the person it names, replaced by the next vacancy, or ended with its unit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reorg_cli.interop.popolo_records import _Dated, _Edge, _History

#: (kind, role index, vacancy holder for an end that opens a vacancy): kind is "start" or "end"
Step = tuple[str, int, str | None]
#: (phase, step): phase 2 before the event's starts, 3 among them, 4 after them
Placed = tuple[int, Step]

_SEARCH_BUDGET = 20_000  # states tried per post before falling back to the plain order
_SEARCH_STEPS = 200  # a post with more changes in one event is not searched (recursion depth)


@dataclass(slots=True)
class _Vacancy:
    holder: str
    start_confidence: str | None  # None: opened before the event
    ends_here: bool
    end_confidence: str | None
    end_reason: str | None


def plan_roles(history: _History, confidence: Callable[[_Edge], str]) -> dict[str, list[Placed]]:
    """For each event, its role starts and ends in an order that compiles, each with its phase
    and the vacancy an end opens; ``confidence`` gives an edge's effective confidence."""
    roles = history.roles
    position = {e.id: i for i, e in enumerate(history.events)}
    touched: dict[str, dict[tuple[str, str], list[int]]] = {}
    for index, role in enumerate(roles):
        post = (role.value[1], role.value[2])
        touched.setdefault(role.start.event, {}).setdefault(post, []).append(index)
        if role.end is not None and role.end.event != role.start.event:
            touched.setdefault(role.end.event, {}).setdefault(post, []).append(index)
    by_post: dict[tuple[str, str], list[int]] = {}
    for index, role in enumerate(roles):
        by_post.setdefault((role.value[1], role.value[2]), []).append(index)
    vacancies: dict[tuple[str, str], list[_Dated]] = {}
    for vacancy in history.vacancies:
        vacancies.setdefault((vacancy.value[0], vacancy.value[1]), []).append(vacancy)
    plan: dict[str, list[Placed]] = {}
    for event_id, posts in touched.items():
        here = position.get(event_id, -1)
        sequences = {
            post: _post_order(
                roles,
                by_post[post],
                sorted(indexes),
                event_id,
                here,
                position,
                vacancies.get(post, []),
                confidence,
            )
            for post, indexes in posts.items()
        }
        plan[event_id] = _merge(sequences)
    return plan


def _merge(sequences: dict[tuple[str, str], list[Step]]) -> list[Placed]:
    """One event's steps: each post's steps before its first start (phase 2), the starts in
    role order each followed by its post's steps up to the post's next start (phase 3), and
    the steps after each post's last start (phase 4)."""
    before: list[Placed] = []
    among: list[Placed] = []
    after: list[Placed] = []
    follows: dict[int, list[Step]] = {}
    for sequence in sequences.values():
        starts = [i for i, step in enumerate(sequence) if step[0] == "start"]
        if not starts:
            before += [(2, step) for step in sequence]
            continue
        before += [(2, step) for step in sequence[: starts[0]]]
        for j, at in enumerate(starts):
            upto = starts[j + 1] if j + 1 < len(starts) else len(sequence)
            follows[sequence[at][1]] = sequence[at + 1 : upto] if j + 1 < len(starts) else []
        after += [(4, step) for step in sequence[starts[-1] + 1 :]]
    for index in sorted(follows):
        among.append((3, ("start", index, None)))
        among += [(3, step) for step in follows[index]]
    return before + among + after


def _post_order(
    roles: list[_Dated],
    of_post: list[int],
    indexes: list[int],
    event_id: str,
    here: int,
    position: dict[str, int],
    vacancies: list[_Dated],
    confidence: Callable[[_Edge], str],
) -> list[Step]:
    """The steps of one post in one event: ``of_post`` are all the post's roles, ``indexes``
    those that start or end in the event."""
    starts = [i for i in indexes if roles[i].start.event == event_id]
    ends = {i for i in indexes if (end := roles[i].end) is not None and end.event == event_id}
    plain = _plain_order(roles, starts, ends, [i for i in indexes if i not in starts])
    opened = [v for v in vacancies if v.start.event == event_id]
    open_before = [
        v
        for v in vacancies
        if position.get(v.start.event, -1) < here
        and (v.end is None or position.get(v.end.event, -1) >= here)
    ]
    if not opened and not open_before:
        return plain

    def record(v: _Dated, new: bool) -> _Vacancy:
        ends_here = v.end is not None and v.end.event == event_id
        return _Vacancy(
            holder=str(v.value[2]),
            start_confidence=confidence(v.start) if new else None,
            ends_here=ends_here,
            end_confidence=confidence(v.end) if v.end is not None and ends_here else None,
            end_reason=v.end.reason if v.end is not None and ends_here else None,
        )

    held = frozenset(
        i
        for i in of_post
        if position.get(roles[i].start.event, -1) < here
        and ((end := roles[i].end) is None or position.get(end.event, -1) >= here)
    )
    found = (
        None
        if len(starts) + len(ends) > _SEARCH_STEPS
        else _search(
            roles,
            starts,
            sorted(ends),
            held,
            [record(v, True) for v in opened],
            record(open_before[-1], False) if open_before else None,
            confidence,
        )
    )
    if found is not None:
        return found
    # No order was found (the document was not written by reorg or was edited, or the post
    # has too many changes to search): keep the plain order, and let each vacancy be opened by
    # the last free end of its confidence (else the last free end of the post).
    free = [k for k, step in enumerate(plain) if step[0] == "end"]
    for vacancy in reversed(opened):
        if not free:
            break
        wanted = confidence(vacancy.start)
        fits = [k for k in free if confidence(_end_of(roles[plain[k][1]])) == wanted]
        k = (fits or free)[-1]
        free.remove(k)
        plain[k] = ("end", plain[k][1], str(vacancy.value[2]))
    return plain


def _end_of(role: _Dated) -> _Edge:
    assert role.end is not None
    return role.end


def _plain_order(
    roles: list[_Dated], starts: list[int], ends: set[int], earlier: list[int]
) -> list[Step]:
    """Ends of roles held before the event, then the starts in order, each followed by its
    end when the same person takes the post again later in the event, then the other ends."""
    steps: list[Step] = [("end", i, None) for i in earlier]
    late: list[Step] = []
    for k, index in enumerate(starts):
        steps.append(("start", index, None))
        if index in ends:
            again = any(roles[j].value[0] == roles[index].value[0] for j in starts[k + 1 :])
            (steps if again else late).append(("end", index, None))
    return steps + late


def _search(
    roles: list[_Dated],
    starts: list[int],
    ends: list[int],
    held: frozenset[int],
    opened: list[_Vacancy],
    open_before: _Vacancy | None,
    confidence: Callable[[_Edge], str],
) -> list[Step] | None:
    """An order of one post's steps in one event that compiles to the document's roles and
    vacancies, found depth first (ends before starts where both fit), or None."""
    budget = [_SEARCH_BUDGET]
    failed: set[tuple[Any, ...]] = set()
    shared = {i: bool(roles[i].value[4]) for i in [*starts, *ends, *held]}

    def start_conf(i: int) -> str:
        return confidence(roles[i].start)

    def end_conf(i: int) -> str:
        end = roles[i].end
        assert end is not None
        return confidence(end)

    def closes(vacancy: _Vacancy | None, how: str, conf: str, person: str = "") -> bool:
        """Whether ``vacancy`` (the open one) may be closed now by a start or a new vacancy."""
        if vacancy is None:
            return True
        if not vacancy.ends_here or vacancy.end_confidence != conf:
            return False
        reason = vacancy.end_reason
        if how == "filled":
            return reason is None or reason == f"filled by {person}"
        return reason is None or not reason.startswith(("filled by ", "unit "))

    def walk(
        done: frozenset[int],
        next_start: int,
        next_vacancy: int,
        holders: frozenset[int],
        current: _Vacancy | None,
        current_id: int,
    ) -> list[Step] | None:
        key = (done, next_start, next_vacancy, holders, current_id)
        if key in failed or budget[0] <= 0:
            return None
        budget[0] -= 1
        if next_vacancy < len(opened):
            # The next vacancy needs an end of its confidence still to come.
            wanted = opened[next_vacancy].start_confidence
            if not any(i not in done and end_conf(i) == wanted for i in ends):
                failed.add(key)
                return None
        if next_start == len(starts) and len(done) == len(ends) and next_vacancy == len(opened):
            if current is None or not current.ends_here:
                return []
            if current.end_reason is not None and current.end_reason.startswith("unit "):
                return []
        for index in ends:
            if index in done or index not in holders:
                continue
            rest = holders - {index}
            found = walk(done | {index}, next_start, next_vacancy, rest, current, current_id)
            if found is not None:
                return [("end", index, None), *found]
            if next_vacancy < len(opened):
                vacancy = opened[next_vacancy]
                # Every holder in ``rest`` holds this post: a single-holder post is not
                # vacant while someone else holds it.
                blocked = not shared[index] and bool(rest)
                if (
                    not blocked
                    and vacancy.start_confidence == end_conf(index)
                    and closes(current, "replaced", end_conf(index))
                ):
                    found = walk(
                        done | {index}, next_start, next_vacancy + 1, rest, vacancy, next_vacancy
                    )
                    if found is not None:
                        return [("end", index, vacancy.holder), *found]
        if next_start < len(starts):
            index = starts[next_start]
            person = roles[index].value[0]
            if all(roles[other].value[0] != person for other in holders) and closes(
                current, "filled", start_conf(index), person
            ):
                found = walk(done, next_start + 1, next_vacancy, holders | {index}, None, -1)
                if found is not None:
                    return [("start", index, None), *found]
        failed.add(key)
        return None

    return walk(frozenset(), 0, 0, held, open_before, -2 if open_before else -1)
