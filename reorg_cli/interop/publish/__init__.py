"""``reorg publish``: one self-contained HTML page to share a reorganization (docs/publish.md).

The page is built from the compiled timeline: :func:`publish_data` turns its facts, events,
sources and names into a compact JSON document that the page's script replays in the browser
(the same rules as :meth:`Timeline.state_at`), and :func:`render_page` pours that document, the
style sheet and the script into one HTML file with Jinja2 (autoescaped). Nothing on the page is
loaded from the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
from importlib import resources
from typing import Any

from reorg_cli.engine.facts import Fact, FactKind, confirmation_day
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import NEG_INF, POS_INF, DateWindow, Precision, WindowKind
from reorg_cli.events.model import Confidence, Source
from reorg_cli.events.records import Event
from reorg_cli.interop.timelinejs import describe_change

#: Version of the data document embedded in the page (``window.REORG`` reads it).
SCHEMA_VERSION = 1

_KIND_CODES = {
    FactKind.UNIT: "u",
    FactKind.NAME: "n",
    FactKind.KIND: "k",
    FactKind.PARENT: "p",
    FactKind.ROLE: "r",
    FactKind.VACANCY: "v",
    FactKind.REPORTING_LINE: "l",
}


def stop_day(window: DateWindow) -> int | None:
    """The day the slider shows an event at: the last day of its window (a partial date means
    the end of its period, as on the command line), or its first day when the window is open
    at the end; ``None`` for an unknown date."""
    if window.kind is WindowKind.UNKNOWN:
        return None
    if window.hi != POS_INF:
        return window.hi
    return window.lo if window.lo != NEG_INF else None


def stop_precision(window: DateWindow) -> Precision:
    """How precisely the date behind :func:`stop_day` was written (the explorer's rule): the
    precision of the window's last date, or of its first when it is open at the end."""
    if window.hi != POS_INF:
        written = window.second if window.second is not None else window.first
    else:
        written = window.first
    return written.precision if written is not None else Precision.DAY


def _source_row(source: Source) -> list[str | None]:
    return [source.url, source.title, source.publisher, source.published, source.id]


def _fact_row(fact: Fact, event_index: dict[str, int], stale_after: int) -> list[Any]:
    """``[kind, slot..., value, start lo, start hi, start event, start confidence,
    end lo, end hi, end event, end confidence, stale from, last confirmed by]`` (the end
    fields null while the fact holds). The fact is stale on the days from ``stale from``
    (judged on the coverage end past it, as :meth:`Timeline.staleness_day` does; null when
    it never is while it holds), the rule of :meth:`Fact.stale_on`: nothing, neither a
    confirmation nor an end a source states, shows it holding within ``stale_after`` days.
    ``last confirmed by`` is the confirming event later than its start, if any."""
    start = fact.start
    row: list[Any] = [_KIND_CODES[fact.kind], *fact.slot]
    if fact.kind is FactKind.NAME:
        row.append(list(fact.value))
    elif fact.kind is FactKind.ROLE:
        row.append(1 if fact.value[0] else 0)
    else:
        row.append(fact.value[0] if fact.value else None)
    row += [start.lo, start.hi, event_index[start.event], int(fact.start_confidence)]
    end = fact.end
    shown_until = POS_INF
    vouched = confirmation_day(fact.confirmed_window)
    if end is None:
        row += [None, None, None, None]
    else:
        row += [
            end.lo,
            end.hi,
            event_index[end.event],
            None if fact.end_confidence is None else int(fact.end_confidence),
        ]
        shown_until = end.hi
        if fact.end_confidence is not Confidence.UNCERTAIN:  # a stated end vouches until it
            vouched = max(vouched, end.window.lo)
    stale_from = vouched + stale_after + 1
    if stale_from >= shown_until:
        row += [None, None]
    else:
        confirmed = fact.latest_confirmation
        row += [stale_from, event_index[confirmed] if confirmed is not None else None]
    return row


def _status(timeline: Timeline, event: Event) -> tuple[str, str | None]:
    status = timeline.statuses[event.id]
    if status.corrected_by:
        return "corrected", status.corrected_by
    if status.retracted_by:
        return "retracted", status.retracted_by
    if status.corrects:
        return "correction", status.corrects
    if status.retracts:
        return "retraction", status.retracts
    return "applied", None


def _keys_by_owner(index: dict[str, set[str]]) -> dict[str, set[str]]:
    """A lookup index (key -> ids) turned around: id -> keys."""
    keys: dict[str, set[str]] = {}
    for key, owners in index.items():
        for owner in owners:
            keys.setdefault(owner, set()).add(key)
    return keys


def publish_data(
    timeline: Timeline,
    *,
    day_from: int | None = None,
    day_to: int | None = None,
    range_precision: tuple[str | None, str | None] = (None, None),
    title: str,
) -> dict[str, Any]:
    """The data document of the page: every fact (so the page can replay any date), every
    event with its changes and sources, the names search uses, and the slider's stops (the
    dates of events from ``day_from`` to ``day_to``, given to ``range_precision``: ``year``,
    ``month`` or ``day`` each, so that ``--from 2023`` reads "2023", not its first day)."""
    applied = list(timeline.order)
    applied_ids = {e.id for e in applied}
    rest = sorted(
        (e for e in timeline.dataset.events if e.id not in applied_ids), key=Event.sort_key
    )
    events = applied + rest
    event_index = {e.id: i for i, e in enumerate(events)}
    replay = {e.id: i for i, e in enumerate(applied)}

    sources: list[list[str | None]] = []
    source_index: dict[tuple[str | None, ...], int] = {}

    def source_ref(source: Source) -> int:
        row = _source_row(source)
        key = tuple(row)
        found = source_index.get(key)
        if found is None:
            found = source_index[key] = len(sources)
            sources.append(row)
        return found

    event_rows = []
    for event in events:
        status, related = _status(timeline, event)
        order = replay.get(event.id, len(applied) - 1)
        event_rows.append(
            {
                "id": event.id,
                "title": event.title,
                "date": event.date.display(),
                "lo": event.date.lo,
                "hi": event.date.hi,
                "stop": stop_day(event.date),
                "confidence": int(event.confidence),
                "summary": event.summary,
                "notes": event.notes,
                "status": status,
                "related": related,
                "changes": [describe_change(timeline, c, order) for c in event.changes],
                "sources": [source_ref(s) for s in event.sources],
            }
        )

    facts: list[list[Any]] = []
    stale_after = timeline.stale_after_days()
    coverage = timeline.coverage_end
    for by_kind in timeline.unit_facts.values():
        for kind in (FactKind.UNIT, FactKind.NAME, FactKind.KIND, FactKind.PARENT):
            facts.extend(_fact_row(f, event_index, stale_after) for f in by_kind.get(kind, []))
    for group in (timeline.role_facts, timeline.vacancy_facts, timeline.reporting_facts):
        facts.extend(_fact_row(f, event_index, stale_after) for f in group)

    # The keys of the command line's name lookup, so the page finds what `reorg history` finds.
    person_keys, unit_keys = (_keys_by_owner(i) for i in timeline._build_indexes())
    people = {}
    for person in timeline.dataset.people.values():
        people[person.id] = {
            "name": person.name,
            "names": [list(n) for n in person.names],
            "aliases": list(person.aliases),
            "description": person.description,
            "keys": sorted(person_keys.get(person.id, ())),
        }
    units = {}
    for unit in timeline.unit_facts:
        info = timeline.dataset.units.get(unit)
        units[unit] = {
            "name": timeline.unit_name_now(unit),
            "aliases": list(info.aliases) if info is not None else [],
            "description": info.description if info is not None else None,
            "keys": sorted(unit_keys.get(unit, ())),
        }

    # Each stop's date keeps the finest precision an event at it was written with, so a stop
    # of an event dated 2024 reads "2024 (to 2024-12-31)", never a day nobody wrote.
    rank = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}
    days: dict[int, Precision] = {}
    for event in events:
        day = stop_day(event.date)
        if day is None or _status(timeline, event)[0] in ("corrected", "retracted"):
            continue
        if (day_from is None or day >= day_from) and (day_to is None or day <= day_to):
            precision, held = stop_precision(event.date), days.get(day)
            if held is None or rank[precision] > rank[held]:
                days[day] = precision
    start = timeline.coverage_start
    return {
        "schema_version": SCHEMA_VERSION,
        "title": title,
        "range": [day_from, day_to],
        "range_precision": list(range_precision),
        "coverage": coverage.iso() if coverage is not None else None,
        "coverage_end": coverage.last_day() if coverage is not None else None,
        "coverage_start": start.iso() if start is not None else None,
        "coverage_start_day": start.first_day() if start is not None else None,
        "stale_after_days": stale_after,
        "stops": sorted(days),
        "stop_precision": [days[day].value for day in sorted(days)],
        "events": event_rows,
        "sources": sources,
        "facts": facts,
        "people": people,
        "units": units,
    }


def default_title(timeline: Timeline) -> str:
    """A title named after the organization: the one top-level unit at the last event, if
    there is exactly one."""
    if timeline.order:
        day = max((d for e in timeline.order if (d := stop_day(e.date)) is not None), default=None)
        if day is not None:
            state = timeline.state_at(day, cite=False)
            tops = state.children(None)
            if len(tops) == 1:
                return f"{tops[0].name}: how the organization changed"
    return "How the organization changed"


def _asset(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def json_for_script(data: dict[str, Any]) -> str:
    """JSON that is safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&``
    are escaped as ``\\u003c``-style sequences, so no text in the data can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_page(data: dict[str, Any]) -> str:
    """The HTML page: the template rendered with autoescape, with the style sheet, the script
    and the data inlined."""
    import jinja2
    from markupsafe import Markup

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _asset(name)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    style, script = _asset("page.css"), _asset("page.js")
    for text, closer in ((style, "</style"), (script, "</script")):
        if closer in text.lower():  # pragma: no cover - the assets are ours
            raise ValueError(f"an asset contains {closer}")
    template = environment.get_template("page.html.j2")
    # The page's Content-Security-Policy lets only this script run: an injected one could not.
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return template.render(
        title=data["title"],
        script_hash=f"sha256-{digest}",
        style=Markup(style),
        script=Markup(script),
        data=Markup(json_for_script(data)),
    )
