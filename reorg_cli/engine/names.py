"""The one name matcher: finding people, units, events and sources by any of their names.

Every command that takes a name resolves it here (through :meth:`Timeline.find_person` and
:meth:`Timeline.find_unit`), and ``reorg search`` lists what it finds. A query matches a name,
an alias, a name in another script or an id, in one of these ways, best first:

0. exactly (ignoring case, width, spaces, ``-``, ``_`` and ``.``);
1. as the start of the name;
2. word by word: every word of the query starts a different word of the name ("Token Hub",
   "zhou j");
3. anywhere inside the name ("千问");
4. closely, by spelling (only when nothing matched in the ways above).

A query that matches exactly one thing in the best way that matches anything resolves to it;
several give a ranked "did you mean" with ids.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING

from reorg_cli.engine.facts import FactKind
from reorg_cli.engine.results_names import CLOSE, EXACT, INSIDE, PREFIX, WORDS
from reorg_cli.engine.results_names import HeldRole as HeldRole
from reorg_cli.engine.results_names import Match as Match
from reorg_cli.engine.results_names import Named as Named
from reorg_cli.engine.results_names import PersonEntry as PersonEntry
from reorg_cli.engine.results_names import UnitEntry as UnitEntry
from reorg_cli.events.errors import (
    AmbiguousNameError,
    UnknownNameError,
    UsageError,
    shortened,
)
from reorg_cli.events.model import name_key

if TYPE_CHECKING:
    from reorg_cli.engine.timeline import Timeline

KINDS = ("person", "unit", "event", "source")
PLURAL = {"person": "people", "unit": "units", "event": "events", "source": "sources"}


#: At most this many candidates in a "did you mean".
SUGGESTIONS = 8

_WORD_RE = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a name, normalized (NFKC, case-folded)."""
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def _rank(query_key: str, query_words: list[str], name: str) -> int | None:
    key = name_key(name)
    if not key or not query_key:
        return None
    if key == query_key:
        return EXACT
    if key.startswith(query_key):
        return PREFIX
    if query_words:
        free = words(name)
        for word in query_words:
            for index, candidate in enumerate(free):
                if candidate.startswith(word):
                    del free[index]
                    break
            else:
                break
        else:
            return WORDS
    if query_key in key:
        return INSIDE
    return None


def named(timeline: Timeline, kinds: Iterable[str] = KINDS) -> list[Named]:
    """Everything of ``kinds`` in the timeline with all its names, in a stable order."""
    found: list[Named] = []
    for kind in kinds:
        if kind == "person":
            for person in timeline.people.values():
                names = (person.name, *(n for _, n in person.names), *person.aliases, person.id)
                found.append(Named("person", person.id, person.name, names))
        elif kind == "unit":
            infos = timeline.unit_infos
            for unit, by_kind in timeline.unit_facts.items():
                unit_names: list[str] = []
                for fact in reversed(by_kind.get(FactKind.NAME, [])):
                    first, *others = fact.value
                    unit_names.append(str(first))
                    unit_names.extend(str(v) for v in others[1::2])
                info = infos.get(unit)
                if info is not None:
                    unit_names.extend(info.aliases)
                unit_names.append(unit)
                shown = timeline.unit_name_now(unit)
                found.append(Named("unit", unit, shown, tuple(dict.fromkeys(unit_names))))
        elif kind == "event":
            for event_id, title in timeline.store.rows(
                "SELECT id, title FROM event_records ORDER BY position"
            ):
                found.append(Named("event", event_id, title, (event_id, title)))
        elif kind == "source":
            for source_id, source in timeline.dataset.sources.items():
                label = source.title or source.publisher or source.url
                names = tuple(
                    n for n in (source_id, source.title, source.publisher, source.url) if n
                )
                found.append(Named("source", source_id, label, names))
        else:
            raise ValueError(f"unknown kind {kind!r}")
    return found


def match(query: str, candidates: Sequence[Named], *, close: bool = True) -> list[Match]:
    """The candidates that ``query`` matches, best first (see the module docstring).

    Close (misspelled) matches are given only when nothing matched otherwise, and only with
    ``close``.
    """
    query_key, query_words = name_key(query), words(query)
    ranked: list[tuple[int, int, int, str, str, Match]] = []
    kind_order = {kind: i for i, kind in enumerate(KINDS)}
    for candidate in candidates:
        best: tuple[int, int, str] | None = None
        for position, name in enumerate(candidate.names):
            rank = _rank(query_key, query_words, name)
            if rank is not None and (best is None or (rank, position) < best[:2]):
                best = (rank, position, name)
        if best is not None:
            rank, position, name = best
            ranked.append(
                (
                    rank,
                    kind_order.get(candidate.kind, 9),
                    len(candidate.name),
                    candidate.name.casefold(),
                    candidate.id,
                    Match(candidate.kind, candidate.id, candidate.name, name, rank),
                )
            )
    if not ranked and close and query_key:
        for candidate in candidates:
            score = max(
                difflib.SequenceMatcher(None, query_key, name_key(n)).ratio()
                for n in candidate.names
            )
            if score >= 0.6:
                ranked.append(
                    (
                        CLOSE,
                        -round(score * 1000),
                        len(candidate.name),
                        candidate.name.casefold(),
                        candidate.id,
                        Match(candidate.kind, candidate.id, candidate.name, candidate.name, CLOSE),
                    )
                )
    ranked.sort(key=lambda item: item[:5])
    return [item[-1] for item in ranked]


def search(timeline: Timeline, text: str, kinds: Iterable[str] = KINDS) -> list[Match]:
    """Everything of ``kinds`` whose name, alias, other-script name or id ``text`` matches,
    ranked best first (close spellings only when nothing else matches)."""
    return match(text, named(timeline, kinds))


def resolve(
    timeline: Timeline,
    query: str,
    kind: str,
    *,
    is_id: Callable[[str], bool],
    named: Callable[[str], Collection[str]],
) -> str:
    """The id of the one ``kind`` that ``query`` names.

    ``is_id`` says whether a text is an id of that kind; ``named`` gives the ids whose
    normalized name (:func:`name_key`) is the key it is given. Both are tried first (indexed
    lookups, cheap where the full search is not). Raises :class:`UnknownNameError` (nothing
    matches; close spellings suggested) or :class:`AmbiguousNameError` (several match equally
    well; a ranked "did you mean" with ids).
    """
    stripped = query.strip()
    if not stripped:  # as an empty option is (``--person ''``): a usage error, not "no one"
        raise UsageError(f"the {kind} to look up is empty", f"give a {kind}'s name or id")
    if is_id(stripped):
        return stripped
    owners = named(name_key(stripped))
    if len(owners) == 1:
        return next(iter(owners))
    # A query longer than any name is looked up exactly (above) but not searched: no name
    # starts with it, contains it or is spelled close to it, and the comparison grows with it.
    searched = bool(stripped) and len(stripped) <= MAX_SEARCHED
    found = search(timeline, stripped, [kind]) if searched else []
    shown_query = shortened(query)
    if not found:
        raise UnknownNameError(
            kind,
            shown_query,
            [],
            f"'reorg {PLURAL[kind]}' lists them; 'reorg search NAME' finds any name or part of one",
        )
    best = found[0].rank
    if best == CLOSE:
        raise UnknownNameError(kind, shown_query, [m.label() for m in found[:SUGGESTIONS]])
    tier = [m for m in found if m.rank == best]
    if len(tier) == 1:
        return tier[0].id
    shown = found if best != EXACT else tier
    listed = ", ".join(m.label() for m in shown[:SUGGESTIONS])
    more = len(shown) - SUGGESTIONS
    if more > 0:
        listed += f" and {more} more"
    what = f"{len(shown)} {PLURAL[kind]}"
    if best == EXACT:
        raise AmbiguousNameError(
            f"{shown_query!r} matches more than one {kind}: {listed}", "use the id"
        )
    import shlex

    raise AmbiguousNameError(
        f"{shown_query!r} matches {what}: did you mean {listed}?",
        f"give a fuller name or the id; reorg search {shlex.quote(shown_query)} lists them",
    )


#: A query longer than this is only looked up exactly (as an id or a whole name).
MAX_SEARCHED = 1000

# -- listings (``reorg people``, ``reorg units``) ----------------------------------------------


def people_list(
    timeline: Timeline, day: int | None = None, stale_after: int | None = None
) -> list[PersonEntry]:
    """Every person (with ``day``: those holding a role that day, each role marked stale as
    ``show`` marks it, with ``stale_after`` days or the dataset's threshold), sorted by name
    then id."""
    held: dict[str, list[HeldRole]] = {}
    if day is not None:
        state = timeline.state_at(day, stale_after=stale_after, cite=False)
        for role in state.roles:
            name = state.units[role.unit].name if role.unit in state.units else role.unit
            held.setdefault(role.person, []).append(
                HeldRole(
                    role.title,
                    role.unit,
                    name,
                    role.last_confirmed,
                    role.stale,
                    role.confirmed_by,
                )
            )
    found = [
        PersonEntry(
            person.id,
            person.name,
            person.names,
            person.aliases,
            tuple(sorted(held.get(person.id, []), key=lambda r: (r.title, r.unit, r.unit_name))),
        )
        for person in timeline.people.values()
        if day is None or person.id in held
    ]
    found.sort(key=lambda p: (p.name.casefold(), p.id))
    return found


def units_list(
    timeline: Timeline, day: int | None = None, stale_after: int | None = None
) -> list[UnitEntry]:
    """Every unit that ever existed (with ``day``: those existing that day, named as then and
    marked stale as ``show`` marks them), sorted by name then id."""
    found: list[UnitEntry] = []
    if day is not None:
        state = timeline.state_at(day, stale_after=stale_after, cite=False)
        for unit in state.units.values():
            parent = state.units.get(unit.parent) if unit.parent else None
            found.append(
                UnitEntry(
                    unit.id,
                    unit.name,
                    unit.kind,
                    unit.parent,
                    parent.name if parent else None,
                    unit.since,
                    None,
                    (),
                    unit.last_confirmed,
                    unit.stale,
                    unit.confirmed_by,
                )
            )
    else:
        for unit_id, by_kind in timeline.unit_facts.items():
            lives = by_kind.get(FactKind.UNIT, [])
            kinds = by_kind.get(FactKind.KIND, [])
            parents = by_kind.get(FactKind.PARENT, [])
            names = [str(f.value[0]) for f in by_kind.get(FactKind.NAME, [])]
            current = parents[-1] if parents and parents[-1].end is None else None
            parent_id = str(current.value[0]) if current is not None and current.value[0] else None
            last = lives[-1] if lives else None
            found.append(
                UnitEntry(
                    unit_id,
                    timeline.unit_name_now(unit_id),
                    str(kinds[-1].value[0]) if kinds else "",
                    parent_id,
                    timeline.unit_name_now(parent_id) if parent_id else None,
                    lives[0].start.window if lives else None,
                    last.end.window if last is not None and last.end is not None else None,
                    tuple(dict.fromkeys(n for n in names[:-1] if n != names[-1])),
                )
            )
    found.sort(key=lambda u: (u.name.casefold(), u.id))
    return found
