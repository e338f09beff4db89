"""Renderers, drawn at a fixed width and compared as exact text."""

from __future__ import annotations

from io import StringIO

from rich.console import Console, RenderableType

from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.output.render import (
    render_diff,
    render_person_history,
    render_state_table,
    render_state_tree,
    sanitize,
)
from tests.conftest import WriteEvents


def draw(renderable: RenderableType, width: int = 80) -> str:
    console = Console(
        file=StringIO(),
        width=width,
        color_system=None,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"


def day(text: str) -> int:
    return parse_query_date(text).day


def test_tree_marks_uncertain_and_reported_facts_with_a_legend(mini: Timeline) -> None:
    assert (
        draw(render_state_tree(mini.state_at(day("2025-03-10"))))
        == """\
Organization on 2025-03-10
└── Example Corp (company)
    ├── CEO: Ann Lee since 2024-01-15
    └── Research Lab (lab) [~] [R]
        ├── Head: Bo Chen since 2024-01-15
        └── CTO: Cy Wu since Mar 2025 [~] [R]
Reporting lines
Person   Reports to  Since
───────  ──────────  ──────────
Bo Chen  Ann Lee     2024-01-15
[~] may or may not hold on this date (the change's date is imprecise)
[R] reported: a single outlet or unconfirmed
"""
    )


def test_tree_depth_and_root(mini: Timeline) -> None:
    state = mini.state_at(day("2025-06"))
    assert (
        draw(render_state_tree(state, depth=1))
        == """\
Organization on 2025-06-30
└── Example Corp (company)
    ├── CEO: Ann Lee since 2024-01-15
    └── … 2 sub-units not shown (raise --depth)
Reporting lines
Person   Reports to  Since
───────  ──────────  ──────────
Bo Chen  Ann Lee     2024-01-15
"""
    )
    assert (
        draw(render_state_tree(state, root="comm"))
        == """\
Organization on 2025-06-30
└── Tech Committee (committee)
    ├── Chair: Ann Lee since 2025-06-01
    └── Member: Bo Chen since 2025-06-01
"""
    )


def test_history_table(mini: Timeline) -> None:
    assert (
        draw(render_person_history(mini.person_history("bo")))
        == """\
Bo Chen
Roles
Unit (as named then)                   Title   From        Until
─────────────────────────────────────  ──────  ──────────  ──────────
Research Lab (later AI Business Unit)  Head    2024-01-15  2025-06-01
Tech Committee                         Member  2025-06-01  current
Reporting lines
Reports to  From        Until
──────────  ──────────  ───────
Ann Lee     2024-01-15  current
"""
    )


def test_diff_groups_changes_with_their_events(mini: Timeline) -> None:
    assert (
        draw(render_diff(mini.diff(day("2025-05"), day("2025-06"))))
        == """\
Changes from 2025-05-31 to 2025-06-30
Added (4)
Change                                                 Event
─────────────────────────────────────────────────────  ────────────────────
Tech Committee (committee) created under Example Corp  2025-06-01 committee
Ann Lee — Chair, Tech Committee                        2025-06-01 committee
Bo Chen — Member, Tech Committee                       2025-06-01 committee
Head, AI Business Unit: holder unknown                 2025-06-01 committee
Removed (1)
Change                            Event
────────────────────────────────  ────────────────────
Bo Chen — Head, AI Business Unit  2025-06-01 committee
"""
    )


def test_table_keeps_ids_visible_when_narrow(mini: Timeline) -> None:
    text = draw(render_state_table(mini.state_at(day("2025-06"))), width=40)
    assert "Example" in text and "Ann Lee" in text


def test_sanitize_makes_control_characters_visible() -> None:
    assert sanitize("A\x1b[2J\u202eB\x07") == "A\\u001b[2J\\u202eB\\u0007"
    assert sanitize("[bold red]Evil[/] 通义 👩‍💻") == "[bold red]Evil[/] 通义 👩‍💻"


STALE_HISTORY = """\
events:
  - id: founding
    date: 2024-01-01
    title: Founding
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: role_assigned, person: bo, unit: corp, title: CTO}
      - {type: reporting_line_set, person: bo, reports_to: ann}
  - id: ann-confirmed
    date: 2024-02
    title: Ann still CEO
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: CEO}
"""


def test_tree_shows_stale_facts_with_their_last_confirmation(write_events: WriteEvents) -> None:
    from reorg_cli.engine.timeline import load_timeline

    timeline = load_timeline(write_events({"history.yaml": STALE_HISTORY}))
    # The coverage end is the latest event (Feb 2024); a year on, the data knows no more.
    assert draw(render_state_tree(timeline.state_at(day("2025-01-01")))) == (
        "Organization on 2025-01-01\n"
        "└── Corp (company)\n"
        "    ├── CEO: Ann Lee since 2024-01-01\n"
        "    └── CTO: Bo Chen since 2024-01-01\n"
        "Reporting lines\n"
        "Person   Reports to  Since\n"
        "───────  ──────────  ──────────\n"
        "Bo Chen  Ann Lee     2024-01-01\n"
    )
    late = timeline.state_at(day("2025-01-01"), stale_after=20)
    assert draw(render_state_tree(late)) == (
        "Organization on 2025-01-01\n"
        "└── Corp (company) last confirmed Feb 2024 [?]\n"
        "    ├── CEO: Ann Lee since 2024-01-01, last confirmed Feb 2024 [?]\n"
        "    └── CTO: Bo Chen since 2024-01-01, not confirmed since [?]\n"
        "Reporting lines\n"
        "Person   Reports to  Since\n"
        "───────  ──────────  " + "─" * len("2024-01-01, not confirmed since [?]") + "\n"
        "Bo Chen  Ann Lee     2024-01-01, not confirmed since [?]\n"
        "[?] stale: no source confirms it within the staleness threshold (--stale-after)\n"
        "of this date or of the data's coverage end; it may no longer hold\n"
    )


def test_history_reads_last_confirmed_in_place_of_current(write_events: WriteEvents) -> None:
    from reorg_cli.engine.timeline import load_timeline

    timeline = load_timeline(write_events({"history.yaml": STALE_HISTORY}))
    assert "current" in draw(render_person_history(timeline.person_history("ann")))
    drawn = draw(render_person_history(timeline.person_history("ann", stale_after=20)), 100)
    assert "current" not in drawn
    assert "Corp                  CEO    2024-01-01  last confirmed Feb 2024 [?]\n" in drawn
