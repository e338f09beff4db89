"""``reorg history --format gantt``: a person's roles as bars across the years."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.results_over_time import PersonHistory
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.output.gantt import Gantt, gantt_lines
from tests.conftest import CLI_ENV, MINI, WriteEvents, day

EVENTS = """\
events:
  - id: founding
    date: 2020-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
  - id: adviser
    date: 2020-07-01
    title: Adviser
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: corp, title: Adviser}
  - id: chair
    date: 2021
    title: Chair some time in 2021
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: corp, title: Chair}
  - id: adviser-end
    date: after 2021-03
    title: Adviser no more
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: corp, title: Adviser}
  - id: board
    date: 2022-03-15
    title: Board
    confidence: reported
    sources: [s1]
    changes:
      - {type: role_assigned, person: ann, unit: corp, title: Board member}
  - id: chair-end
    date: 2022-06
    title: Chair ends in June
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: corp, title: Chair}
"""


def draw(renderable: object, width: int) -> str:
    console = Console(file=StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"


def test_bars_with_fuzzy_ends_current_roles_and_unknown_ends(write_events: WriteEvents) -> None:
    """The CEO role was never confirmed after 2020 and the data ends in 2022: stale, so it is
    not drawn as held up to today (no ``▶``): ``┄`` after its last confirmation, and ``[?]``.
    The board seat, from 2022-03-15, is recent enough to be drawn as held today."""
    timeline = load_timeline(write_events({"e.yaml": EVENTS}))
    chart = Gantt(timeline.person_history("ann"), today=day("2023-06-30"))
    assert (
        draw(chart, 72)
        == """\
Ann Lee (李安, Annie)
                       2020        2021        2022        2023
CEO, Corp [?]          █┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄
Adviser, Corp                █████████?
Chair, Corp                        ░░░░░░░░░░░░░████░░
Board member, Corp [R]                           ████████████████▶
█ held  ░ imprecise date  ▶ held today  ? ended, date unknown
┄ not confirmed since
[R] reported: a single outlet or unconfirmed
[?] stale: no source confirms it within the staleness threshold
(--stale-after) of this date or of the data's coverage end; it may no
longer hold
"""
    )


CONFIRMED = """\
events:
  - id: founding
    date: 2020-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
  - id: still-ceo
    date: 2021-06
    title: Still CEO in June 2021
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: CEO}
  - id: later
    date: 2022-12-31
    title: Something else, later
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: lab, name: Lab, kind: lab}
"""


def test_a_stale_role_is_held_up_to_its_last_confirmation(write_events: WriteEvents) -> None:
    """Held (``█``) from its start through its last confirmation, imprecise (``░``) over that
    confirmation's month, then ``┄`` up to today: never ``▶`` ("held today")."""
    timeline = load_timeline(write_events({"e.yaml": CONFIRMED}))
    lines = gantt_lines(timeline.person_history("ann"), width=60, today=day("2023-06-30"))
    assert [line.plain for line in lines[1:3]] == [
        "              2020       2021        2022       2023        ",
        "CEO, Corp [?] █████████████████░┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄     ",
    ]
    assert lines[3].plain.endswith("┄ not confirmed since")


def test_lines_fit_the_width(write_events: WriteEvents) -> None:
    timeline = load_timeline(write_events({"e.yaml": EVENTS}))
    history = timeline.person_history("ann")
    for width in (40, 60, 100, 200):
        lines = gantt_lines(history, width=width, today=day("2023-06-30"))
        assert all(line.cell_len <= width for line in lines[1:-2]), width


def test_history_command_draws_a_gantt_chart() -> None:
    result = CliRunner().invoke(
        app, ["history", "bo", "--format", "gantt", "--events", str(MINI)], env=CLI_ENV
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Bo Chen"
    assert lines[2].startswith("Head, Research Lab ") and "█" in lines[2]
    assert lines[3].startswith("Member, Tech Committee ") and lines[3].rstrip().endswith("▶")
    assert lines[4].startswith("█ held")


def test_no_roles() -> None:
    history = PersonHistory("x", "Xi", (), (), None, (), ())
    lines = gantt_lines(history, width=60, today=day("2025-12-31"))
    assert [line.plain for line in lines] == ["Xi", "no roles recorded"]


FUZZY_CONFIRMATIONS = """\
events:
  - id: founding
    date: 2020-01-01
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: role_assigned, person: ann, unit: corp, title: CEO, head: true}
      - {type: role_assigned, person: ann, unit: corp, title: Adviser}
      - {type: role_assigned, person: ann, unit: corp, title: Chair}
  - id: ceo-by
    date: by 2021-01-01
    title: CEO by the new year
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: CEO}
  - id: adviser-after
    date: after 2021-01
    title: Adviser some time after January
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: role_confirmed, person: ann, unit: corp, title: Adviser}
  - id: chair-end
    date: 2023-12
    title: Chair to end, some say
    confidence: uncertain
    sources: [s1]
    changes:
      - {type: role_ended, person: ann, unit: corp, title: Chair}
"""


def test_a_stale_role_is_read_from_its_confirmation_as_the_engine_reads_it(
    write_events: WriteEvents,
) -> None:
    """``by 2021-01-01`` shows the CEO role held up to that day (``█``, not ``░`` from the
    start); ``after 2021-01`` shows the adviser role held from February 1 (``┄`` after it, not
    ``░`` up to the chart's edge); the chair role, stale, with an end in December 2023 that no
    source states, is not drawn as held past its start either: ``┄`` up to the end's month,
    and ``[?]``."""
    timeline = load_timeline(write_events({"e.yaml": FUZZY_CONFIRMATIONS}))
    today = day("2023-06-30")
    history = timeline.person_history("ann", today=today)
    lines = gantt_lines(history, width=64, today=today)
    assert [line.plain for line in lines[1:5]] == [
        "                  2020       2021        2022       2023        ",
        "CEO, Corp [?]     ████████████┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄     ",
        "Adviser, Corp [?] █████████████┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄     ",
        "Chair, Corp [?]   █┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄░",
    ]
