"""log, blame and when as exact text at fixed widths."""

from __future__ import annotations

from io import StringIO

import pytest
from rich.console import Console, RenderableType

from reorg_cli.engine.history_log import blame, log_entries
from reorg_cli.engine.reports import KnowledgeEntry, KnowledgeReport
from reorg_cli.engine.timeline import Timeline
from reorg_cli.engine.when import parse_condition, when
from reorg_cli.events.model import Confidence
from reorg_cli.output.gitlike import render_blame, render_knowledge, render_log, render_when
from tests.conftest import WriteEvents


def draw(renderable: RenderableType, width: int) -> str:
    console = Console(
        file=StringIO(), width=width, color_system=None, highlight=False, markup=False
    )
    console.print(renderable, crop=False)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def _log(mini: Timeline, **kwargs: bool) -> RenderableType:
    entries = log_entries(
        mini,
        day_from=None,
        day_to=None,
        person=None,
        unit=None,
        grep=None,
        today=None,
        min_confidence=Confidence.UNCERTAIN,
        newest_first=True,
        limit=2,
        patch=kwargs.get("patch", False),
    )
    return render_log(entries, oneline=kwargs.get("oneline", False))


def test_log_blocks_at_50_columns(mini: Timeline) -> None:
    assert draw(_log(mini, patch=True), 50) == (
        "event committee\n"
        "Date:        2025-06-01\n"
        "Confidence:  confirmed\n"
        "Sources:\n"
        "    memo Example Corp (2024-01-15)\n"
        "    https://example.com/memo\n"
        "\n"
        "    Committee formed\n"
        "\n"
        "    + Tech Committee (committee) created under\n"
        "    Example Corp\n"
        "    + Ann Lee — Chair, Tech Committee\n"
        "    + Bo Chen — Member, Tech Committee\n"
        "    - Bo Chen — Head, AI Business Unit\n"
        "    + Head, AI Business Unit: holder unknown\n"
        "\n"
        "event lab-upgrade\n"
        "Date:        Mar 2025\n"
        "Confidence:  reported\n"
        "Sources:\n"
        "    Example News\n"
        "    https://example.com/news\n"
        "\n"
        "    Research Lab becomes the AI business unit\n"
        "\n"
        "    ~ Research Lab renamed to AI Business Unit;\n"
        "    reclassified from lab to business unit\n"
        "    + Cy Wu — CTO, AI Business Unit\n"
    )


def test_log_oneline(mini: Timeline) -> None:
    assert draw(_log(mini, oneline=True), 80) == (
        "2025-06-01  committee  Committee formed\n"
        "Mar 2025  lab-upgrade  Research Lab becomes the AI business unit (reported)\n"
    )


def test_a_url_longer_than_the_width_stands_whole_on_its_line(mini: Timeline) -> None:
    long_url = "https://example.com/" + "x" * 80
    entries = log_entries(
        mini,
        day_from=None,
        day_to=None,
        person=None,
        unit=None,
        grep=None,
        today=None,
        min_confidence=Confidence.UNCERTAIN,
        newest_first=True,
        limit=1,
        patch=False,
    )
    from dataclasses import replace

    from reorg_cli.events.model import Source

    entries = [replace(entries[0], sources=(Source(url=long_url),))]
    lines = draw(render_log(entries), 50).splitlines()
    assert "    " + long_url in lines
    assert all(len(line) <= 50 for line in lines if long_url not in line)


@pytest.mark.parametrize("width", [50, 80])
def test_when_text(mini: Timeline, width: int) -> None:
    result = when(mini, parse_condition(mini, "Bo Chen holds Head in AI Business Unit"))
    assert draw(render_when(result), width) == (
        "Bo Chen holds Head in AI Business Unit\n"
        "from 2024-01-15  (founding; confirmed)\n"
        "  to 2025-06-01  (committee; confirmed)\n"
    )
    never = when(mini, parse_condition(mini, "Ann Lee reports to Bo Chen"))
    assert draw(render_when(never), width) == "Ann Lee reports to Bo Chen\nnever\n"


def test_blame_text(mini: Timeline) -> None:
    text = draw(render_blame(blame(mini, unit="comm")), 80)
    assert text.startswith("Unit Tech Committee (comm)\n\n")
    assert "Ann Lee — Chair, Tech Committee\n  since 2025-06-01; confirmed\n" in text
    assert "  established 2025-06-01  committee (confirmed)\n" in text
    assert "              https://example.com/memo\n" in text


def test_what_known_as_of_left_out_wraps_under_its_own_entry() -> None:
    """A wrapped detail goes on under its entry (it went back to column 0), with no trailing
    spaces; one event is "1 event"."""
    entry = KnowledgeEntry(
        "2026-06-14-zhou-jingren-departure-denied",
        "2026-06-14",
        "Departure denied",
        "not yet published",
        "2026-06-15",
    )
    report = KnowledgeReport(day=0, iso="2026-04-07", left_out=(entry,), undated=(entry,) * 18)
    assert draw(render_knowledge(report), 50) == (
        "As known on 2026-04-07: 1 event left out\n"
        "  2026-06-14-zhou-jingren-departure-denied\n"
        "    dated 2026-06-14; not yet published (first\n"
        "    source 2026-06-15)\n"
        "  kept, though no source of theirs is dated: 18\n"
        "  events (see --format json)\n"
    )


def test_log_patch_lists_what_an_event_confirms(write_events: WriteEvents) -> None:
    """``=`` lines for the confirmations, after the event's changes."""
    from reorg_cli.engine.timeline import load_timeline
    from tests.engine.test_gitlike import CONFIRMED, log_patch_on

    entries = log_patch_on(load_timeline(write_events({"h.yaml": CONFIRMED})), "2024-06-01")
    assert draw(render_log(entries, oneline=False), 50).split("\n\n")[-1] == (
        "    ~ Lab renamed to Research Lab\n"
        "    = Bo Chen — Head, Research Lab (confirmed)\n"
        "    = Research Lab exists (confirmed)\n"
        "    = Bo Chen reports to Ann Lee (confirmed)\n"
    )
