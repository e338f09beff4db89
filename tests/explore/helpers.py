"""Building explorers and apps for tests: a fixed today, the mini fixture or bundled data."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.events.model import Confidence
from reorg_cli.events.paths import default_events_path
from reorg_cli.explore.app import Details, ExploreApp, MainScreen, OrgTree
from reorg_cli.explore.controller import Explorer

MINI = Path(__file__).parent.parent / "fixtures" / "mini"
TODAY = dt.date(2026, 6, 1).toordinal()


@cache
def mini_timeline() -> Timeline:
    return load_timeline(MINI)


@cache
def bundled_timeline() -> Timeline:
    return load_timeline(default_events_path())


def explorer(
    at: str, *, bundled: bool = False, min_confidence: Confidence = Confidence.UNCERTAIN
) -> Explorer:
    """An explorer at ``at`` (a CLI date) with today fixed to 2026-06-01."""
    timeline = bundled_timeline() if bundled else mini_timeline()
    query = parse_query_date(at, dt.date.fromordinal(TODAY))
    return Explorer(timeline, at=query, today=TODAY, min_confidence=min_confidence)


def app(at: str, *, bundled: bool = False) -> ExploreApp:
    """The app on a fresh explorer."""
    return ExploreApp(explorer(at, bundled=bundled))


def drive(
    explore: ExploreApp,
    check: Callable[[ExploreApp, Pilot[None]], Awaitable[None]],
    size: tuple[int, int] = (100, 30),
) -> None:
    """Run the app headless at ``size`` and hand it to ``check``."""

    async def go() -> None:
        async with explore.run_test(size=size) as pilot:
            await pilot.pause()
            await check(explore, pilot)

    asyncio.run(go())


def text_of(widget: Static) -> str:
    """The plain text a Static shows."""
    content = widget.content
    if hasattr(content, "plain"):
        return str(content.plain)
    if isinstance(content, str):
        return content
    from rich.console import Console

    console = Console(width=200, no_color=True, file=io.StringIO())
    with console.capture() as captured:
        console.print(content)
    return "\n".join(line.rstrip() for line in captured.get().splitlines())


def main(explore: ExploreApp) -> MainScreen:
    return explore.main


def header(explore: ExploreApp) -> str:
    return text_of(main(explore).query_one("#header", Static))


def details(explore: ExploreApp) -> str:
    return text_of(main(explore).query_one(Details))


def changes_title(explore: ExploreApp) -> str:
    return text_of(main(explore).query_one("#changes-title", Static))


def changes(explore: ExploreApp) -> list[str]:
    options = main(explore).query_one("#changes", OptionList)
    found = []
    for index in range(options.option_count):
        prompt = options.get_option_at_index(index).prompt
        found.append(prompt.plain if hasattr(prompt, "plain") else str(prompt))
    return found


def tree_lines(explore: ExploreApp) -> list[str]:
    """Every node label the tree holds, indented by depth (open branches only)."""
    tree = main(explore).query_one(OrgTree)
    lines: list[str] = []

    def walk(node: object, depth: int) -> None:
        for child in node.children:  # type: ignore[attr-defined]
            lines.append("  " * depth + str(child.label.plain))
            if child.is_expanded:
                walk(child, depth + 1)

    walk(tree.root, 0)
    return lines
