"""The organization on a date as a picture: a Mermaid flowchart or a Graphviz DOT digraph.

Units are nodes labelled with their name, kind and the people holding roles in them; edges run
from a unit to the units under it. Committees, boards and task forces are drawn as hexagons
(and a ``committee`` class in Mermaid), and units or roles that may or may not hold on the date
are marked ``[~]``, stale ones ``last confirmed … [?]``, as in ``reorg show``. Past the data's
coverage end, the title says how far the data reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reorg_cli.engine.facts import Presence
from reorg_cli.engine.results import OrgState, UnitState
from reorg_cli.events.dates import DateWindow, ordinal_iso
from reorg_cli.events.model import Confidence, kind_label

#: Unit kinds drawn as committees: bodies of people rather than parts of the org.
COMMITTEE_KINDS = frozenset({"committee", "board", "task_force"})

LEGEND = (
    ("[~]", "may or may not hold on this date (the change's date is imprecise)"),
    ("[R]", "reported: a single outlet or unconfirmed"),
    ("[U]", "uncertain: sources conflict or are weak"),
    (
        "[?]",
        "stale: no source confirms it within the staleness threshold (--stale-after) "
        "of this date or of the data's coverage end; it may no longer hold",
    ),
)


def _stale(stale: bool, last_confirmed: DateWindow | None) -> str:
    """``, last confirmed 2024-02 [?]`` for a stale unit or role, else nothing."""
    if not stale:
        return ""
    if last_confirmed is None:  # not for a compiled fact; kept for a state built by hand
        return ", not confirmed [?]"
    return f", last confirmed {last_confirmed.display()} [?]"


def _title(state: OrgState) -> str:
    """``Organization on DAY``, and how far the data reaches when ``DAY`` is past it."""
    title = f"Organization on {ordinal_iso(state.day)}"
    end = state.coverage.end if state.coverage is not None else None
    if end is not None and state.day > end.last_day():
        title += f" (events known up to {end.iso()})"
    return title


def _marks(presence: Presence, confidence: Confidence) -> str:
    marks = ""
    if presence is Presence.UNCERTAIN:
        marks += " [~]"
    if confidence is Confidence.REPORTED:
        marks += " [R]"
    elif confidence is Confidence.UNCERTAIN:
        marks += " [U]"
    return marks


@dataclass(frozen=True, slots=True)
class _Node:
    unit: UnitState
    lines: tuple[str, ...]
    committee: bool
    uncertain: bool


def _walk(state: OrgState) -> tuple[list[_Node], list[tuple[str, str]]]:
    """Units in tree order (parents first, siblings by name) and parent -> child edges."""
    nodes: list[_Node] = []
    edges: list[tuple[str, str]] = []
    stack = list(reversed(state.children(None)))
    while stack:
        unit = stack.pop()
        presence = Presence.UNCERTAIN if unit.uncertain_fields else unit.presence
        lines = [
            unit.name,
            kind_label(unit.kind)
            + _marks(presence, unit.confidence)
            + _stale(unit.stale, unit.last_confirmed),
        ]
        for role in state.roles_in(unit.id):
            lines.append(
                f"{role.title}: {role.person_name}"
                + _stale(role.stale, role.last_confirmed)
                + _marks(role.presence, role.confidence)
            )
        for vacancy in state.vacancies_in(unit.id):
            holder = "holder unknown" if vacancy.vacancy == "unknown" else "vacant"
            lines.append(
                f"{vacancy.title}: {holder}" + _marks(vacancy.presence, vacancy.confidence)
            )
        nodes.append(
            _Node(unit, tuple(lines), unit.kind in COMMITTEE_KINDS, presence is Presence.UNCERTAIN)
        )
        children = state.children(unit.id)
        edges.extend((unit.id, child.id) for child in children)
        stack.extend(reversed(children))
    return nodes, edges


_MERMAID_ID_RE = re.compile(r"[^A-Za-z0-9_]")
_COLON_RE = re.compile(":(?! )")


def _mermaid_ids(nodes: list[_Node]) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = set()
    for node in nodes:
        base = "u_" + _MERMAID_ID_RE.sub("_", node.unit.id)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        ids[node.unit.id] = candidate
    return ids


def mermaid_text(text: str) -> str:
    """Text for inside a quoted Mermaid label: characters Mermaid or HTML would read as syntax
    become Mermaid entity codes (``"`` is ``#quot;``), and so does a ``:`` not followed by a
    space (``#58;``). ``%`` becomes ``#37;``, so that no ``%%`` reaches the chart: Mermaid
    reads ``%%`` as a comment and ``%%{init: ...}%%`` as a directive that changes the chart's
    configuration, even inside a quoted label."""
    text = text.replace("#", "#35;").replace("%", "#37;")
    for char, code in (('"', "#quot;"), ("&", "#amp;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, code)
    text = text.replace("`", "#96;").replace("\n", " ")
    # Before its entity codes, Mermaid drops the last ';' of any stretch of a line matching
    # /style.*:\S*#.*;/ (or classDef...): a name such as 'Lifestyle "A:B"' lost the ';' of an
    # entity and showed '#quot'. A ':' followed by a space (as in 'CEO: Ann') cannot start
    # such a match; any other becomes #58;.
    return _COLON_RE.sub("#58;", text)


#: Mermaid's defaults (``maxTextSize``, ``maxEdges``): past them it draws an error instead of
#: the chart (GitHub uses the defaults).
MERMAID_MAX_TEXT = 50_000
MERMAID_MAX_EDGES = 500


def mermaid_limit_note(chart: str) -> str | None:
    """A note when ``chart`` (from :func:`mermaid_chart`) is past what Mermaid draws by
    default, else None."""
    edges = sum(1 for line in chart.splitlines() if line.startswith("    u_") and "->" in line)
    over = []
    if len(chart) > MERMAID_MAX_TEXT:
        over.append(f"{len(chart):,} characters (Mermaid's maxTextSize is {MERMAID_MAX_TEXT:,})")
    if edges > MERMAID_MAX_EDGES:
        over.append(f"{edges:,} edges (Mermaid's maxEdges is {MERMAID_MAX_EDGES})")
    if not over:
        return None
    return (
        f"the chart has {' and '.join(over)}: Mermaid (and GitHub) will show an error instead "
        "unless those settings are raised; --format dot has no such limit"
    )


def mermaid_chart(state: OrgState) -> str:
    """A Mermaid ``flowchart TD`` of the organization in ``state`` (renders on GitHub)."""
    nodes, edges = _walk(state)
    ids = _mermaid_ids(nodes)
    out = [
        "---",
        f"title: {_title(state)}",
        "---",
        "flowchart TD",
    ]
    for node in nodes:
        label = "<br/>".join(mermaid_text(line) for line in node.lines)
        shape = ('{{"', '"}}') if node.committee else ('["', '"]')
        out.append(f"    {ids[node.unit.id]}{shape[0]}{label}{shape[1]}")
    for parent, child in edges:
        arrow = "-.->" if any(n.unit.id == child and n.committee for n in nodes) else "-->"
        out.append(f"    {ids[parent]} {arrow} {ids[child]}")
    committees = [ids[n.unit.id] for n in nodes if n.committee]
    uncertain = [ids[n.unit.id] for n in nodes if n.uncertain]
    out.append("    classDef committee fill:#fff4d6,stroke:#b7791f")
    out.append("    classDef uncertain stroke-dasharray:5 4")
    if committees:
        out.append(f"    class {','.join(committees)} committee")
    if uncertain:
        out.append(f"    class {','.join(uncertain)} uncertain")
    if not nodes:
        out.append('    empty["no units exist on this date"]')
    out.extend(f"    %% {mark} {meaning}" for mark, meaning in LEGEND)
    return "\n".join(out) + "\n"


def dot_string(text: str) -> str:
    """A DOT double-quoted string; backslashes are doubled so they stay literal in labels."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def dot_graph(state: OrgState) -> str:
    """A Graphviz ``digraph`` of the organization in ``state`` (``dot -Tsvg`` draws it)."""
    nodes, edges = _walk(state)
    title = _title(state)
    out = [
        "digraph organization {",
        f"    graph [label={dot_string(title)}, labelloc=t, rankdir=TB, fontname=Helvetica];",
        '    node [shape=box, style="rounded", fontname=Helvetica];',
        "    edge [arrowhead=none];",
    ]
    for node in nodes:
        label = "\\n".join(dot_string(line)[1:-1] for line in node.lines)
        attributes = [f'label="{label}"']
        styles = ["filled"] if node.committee else ["rounded"]
        if node.uncertain:
            styles.append("dashed")
        if node.committee:
            attributes += ["shape=hexagon", 'fillcolor="#fff4d6"']
        if styles != ["rounded"]:
            attributes.append(f'style="{",".join(styles)}"')
        out.append(f"    {dot_string(node.unit.id)} [{', '.join(attributes)}];")
    for parent, child in edges:
        out.append(f"    {dot_string(parent)} -> {dot_string(child)};")
    if not nodes:
        out.append('    empty [label="no units exist on this date", shape=plaintext];')
    out.extend(f"    // {mark} {meaning}" for mark, meaning in LEGEND)
    out.append("}")
    return "\n".join(out) + "\n"
