"""``reorg people``, ``reorg units`` and ``reorg search``: renderables and JSON documents.

Every row shows the id, so that a name found here can be written in an event file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.text import Text

from reorg_cli.engine.reports import Match, PersonEntry, UnitEntry
from reorg_cli.events.model import kind_label
from reorg_cli.output.layout import Records, keep
from reorg_cli.output.render import legend, safe_text, sanitize
from reorg_cli.output.render_text import _stale
from reorg_cli.output.serialize import SCHEMA_VERSION, coverage_dict

if TYPE_CHECKING:
    from reorg_cli.engine.results import Coverage
    from reorg_cli.events.dates import DateWindow


def _with_legend(table: Records, used: set[str]) -> RenderableType:
    note = legend(used)
    return table if note is None else Group(table, note)


def render_people(people: list[PersonEntry], *, at: str | None = None) -> RenderableType:
    """People with their ids, other names and (with ``at``) roles that day."""
    if not people:
        return Text("no people" + (f" hold a role on {at}" if at else ""), style="italic")
    title = f"People on {at} ({len(people)})" if at else f"People ({len(people)})"
    table = Records(title=title)
    table.add_column("Name")
    table.add_column("Id")
    table.add_column("Roles on that day" if at else "Also known as")
    used: set[str] = set()
    for person in people:
        if at:
            held = []
            for role in person.roles:
                line = Text.assemble(safe_text(role.title), ", ", keep(safe_text(role.unit_name)))
                if role.stale:
                    line.append_text(_stale(role.last_confirmed, used))
                held.append(line)
            other = Text("; ").join(held)
        else:
            names = [n for _, n in person.names] + list(person.aliases)
            other = Text(", ").join(keep(safe_text(n)) for n in names)
        table.add_row(keep(safe_text(person.name)), safe_text(person.id, "dim"), other)
    return _with_legend(table, used)


def render_units(units: list[UnitEntry], *, at: str | None = None) -> RenderableType:
    """Units with their ids, kinds, parents and when they existed."""
    if not units:
        return Text("no units" + (f" exist on {at}" if at else ""), style="italic")
    title = f"Units on {at} ({len(units)})" if at else f"Units ({len(units)})"
    table = Records(title=title)
    table.add_column("Id")
    table.add_column("Unit")
    used: set[str] = set()
    for unit in units:
        name = keep(safe_text(unit.name, "bold"))
        name.append(f" ({kind_label(unit.kind)})", style="dim")
        if unit.parent_name:
            name.append(" in ", style="dim")
            name.append_text(keep(safe_text(unit.parent_name)))
        if unit.former_names:
            name.append("; formerly ", style="dim")
            name.append_text(Text(", ").join(keep(safe_text(n)) for n in unit.former_names))
        start = unit.since.short() if unit.since else "date unknown"
        if unit.until is not None:
            name.append(f"; {start} to {unit.until.short()}", style="dim")
        else:
            name.append(f"; since {start}", style="dim")
            if unit.stale:
                name.append_text(_stale(unit.last_confirmed, used, since=unit.since))
        table.add_row(safe_text(unit.id), name)
    return _with_legend(table, used)


def render_matches(query: str, matches: list[Match]) -> RenderableType:
    """Search results, best first: kind, name, id and the name that matched."""
    if not matches:
        return Text(f"nothing matches {sanitize(query)!r}", style="italic")
    close = matches[0].how == "close"
    title = (
        f"Nothing matches {sanitize(query)!r}; close spellings ({len(matches)})"
        if close
        else f"Matches for {sanitize(query)!r} ({len(matches)})"
    )
    table = Records(title=title)
    table.add_column("Id")
    table.add_column("Name")
    for found in matches:
        name = safe_text(found.name)
        if found.kind in ("person", "unit"):
            name = keep(name)
        name.append(f" ({found.kind}", style="dim")
        if found.kind in ("person", "unit") and found.matched not in (found.name, found.id):
            name.append(", as ", style="dim")
            name.append_text(keep(safe_text(found.matched)))
        name.append(")", style="dim")
        table.add_row(safe_text(found.id), name)
    return table


def _staleness(last_confirmed: DateWindow | None, stale: bool, by: tuple[str, ...]) -> Any:
    return {
        "last_confirmed": last_confirmed.text() if last_confirmed is not None else None,
        "stale": stale,
        "confirmed_by": list(by),
    }


def people_dict(
    people: list[PersonEntry], *, at: str | None, coverage: Coverage | None = None
) -> dict[str, Any]:
    """``reorg people --format json`` (with ``at``: each role's staleness, and the coverage
    the staleness was judged with)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "at": at,
        **(coverage_dict(coverage) if at else {}),
        "people": [
            {
                "id": p.id,
                "name": p.name,
                "names": [{"lang": lang, "name": name} for lang, name in p.names],
                "aliases": list(p.aliases),
                **(
                    {
                        "roles": [
                            {
                                "title": role.title,
                                "unit": role.unit,
                                "unit_name": role.unit_name,
                                **_staleness(role.last_confirmed, role.stale, role.confirmed_by),
                            }
                            for role in p.roles
                        ]
                    }
                    if at
                    else {}
                ),
            }
            for p in people
        ],
    }


def units_dict(
    units: list[UnitEntry], *, at: str | None, coverage: Coverage | None = None
) -> dict[str, Any]:
    """``reorg units --format json`` (with ``at``: each unit's staleness, and the coverage
    the staleness was judged with)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "at": at,
        **(coverage_dict(coverage) if at else {}),
        "units": [
            {
                "id": u.id,
                "name": u.name,
                "kind": u.kind,
                "parent": u.parent,
                "parent_name": u.parent_name,
                "since": u.since.text() if u.since else None,
                "until": u.until.text() if u.until else None,
                "former_names": list(u.former_names),
                **(_staleness(u.last_confirmed, u.stale, u.confirmed_by) if at else {}),
            }
            for u in units
        ],
    }


def matches_dict(query: str, matches: list[Match]) -> dict[str, Any]:
    """``reorg search --format json``."""
    return {
        "schema_version": SCHEMA_VERSION,
        "query": query,
        "matches": [
            {"kind": m.kind, "id": m.id, "name": m.name, "matched": m.matched, "how": m.how}
            for m in matches
        ],
    }
