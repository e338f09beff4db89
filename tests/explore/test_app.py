"""The explorer driven by Textual's pilot: every key pressed, its effect read off the panes."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from reorg_cli.explore.app import ExploreApp, OrgTree
from reorg_cli.explore.modals import HelpScreen, SearchScreen
from tests.explore.helpers import (
    app,
    changes,
    changes_title,
    details,
    drive,
    header,
    main,
    tree_lines,
)


def test_start_shows_the_date_coverage_filter_tree_and_last_changes() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        assert header(explore).startswith("reorg explore  2025-01-01  data to 2030-12-31")
        assert "facts: all" in header(explore)
        assert tree_lines(explore) == [
            "[+] Example Corp (company)",
            "  [+] CEO: Ann Lee since 2024-01-15",
            "  [+] Research Lab (lab)",
        ]
        assert changes_title(explore) == "Changes 2024-01-14 → 2025-01-01 (5)"
        assert changes(explore)[0] == "[+] Example Corp (company) created  2024-01-15"
        assert details(explore).startswith("Example Corp [1")  # the tree's first node

    drive(app("2025-01-01"), check)


def test_next_event_keys_step_to_the_next_event_date_and_mark_what_changed() -> None:
    for key in ("right", "n", "l"):

        async def check(explore: ExploreApp, pilot: Pilot[None], key: str = key) -> None:
            await pilot.press(key)
            assert "2025-03 (to 2025-03-31)" in header(explore)
            assert tree_lines(explore) == [
                "[>] Example Corp (company)",
                "  CEO: Ann Lee since 2024-01-15",
                "  [*] AI Business Unit (business unit) [R]",
            ]
            assert changes_title(explore) == "Changes 2025-01-01 → 2025-03-31 (2)"
            assert changes(explore) == [
                "[*] Research Lab renamed to AI Business Unit; reclassified from lab to "
                "business unit  Mar 2025",
                "[+] Cy Wu — CTO, AI Business Unit  Mar 2025",
            ]
            legend = main(explore).query_one("#legend", Static).content
            assert str(legend).startswith("[+] new [*] changed [>] inside [-] gone")

        drive(app("2025-01-01"), check)


def test_previous_event_keys_step_back() -> None:
    for key in ("left", "p", "h"):

        async def check(explore: ExploreApp, pilot: Pilot[None], key: str = key) -> None:
            await pilot.press(key)
            assert "  2025-03 (to 2025-03-31)  " in header(explore)
            await pilot.press(key)
            assert "  2024-01-15  " in header(explore)
            assert changes_title(explore) == "Changes 2025-03-31 → 2024-01-15 (2)"
            await pilot.press(key)  # no earlier event: the date stays
            assert "  2024-01-15  " in header(explore)

        drive(app("2025-06-01"), check)


def test_month_keys() -> None:
    for forward, back in (("shift+right", "shift+left"), ("full_stop", "comma")):

        async def check(
            explore: ExploreApp, pilot: Pilot[None], forward: str = forward, back: str = back
        ) -> None:
            await pilot.press(forward)
            assert "  2025-02-28  " in header(explore)  # Jan 31 + a month, clamped
            await pilot.press(back, back)
            assert "  2024-12-28  " in header(explore)

        drive(app("2025-01-31"), check)


def test_year_keys() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("right_square_bracket")
        assert "  2026-01-31  " in header(explore)
        assert "!" not in header(explore)
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        assert "  2023-01-31  " in header(explore)
        assert (
            "! events known from 2024-01-15; the organization before that is not in this data"
            in header(explore)
        )
        assert tree_lines(explore) == ["no units exist on this date"]

    drive(app("2025-01-31"), check)


def test_today_key_uses_the_injected_today() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("t")
        assert "  2026-06-01  " in header(explore)

    drive(app("2024-02-01"), check)


def test_date_prompt_takes_cli_dates_and_explains_bad_ones() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("g")
        await pilot.press(*"2025-13")
        await pilot.press("enter")
        error = explore.screen.query_one("#error", Static).content
        # the same words as `reorg show --at 2025-13`
        assert str(error) == "invalid date: '2025-13' is not a date: month 13 does not exist"
        explore.screen.query_one(Input).value = ""
        await pilot.press(*"2031", "enter")
        assert "! events known up to 2030-12-31; later changes are not in this data" in header(
            explore
        )
        await pilot.press("g", *"April 2025", "enter")
        assert "  2025-04 (to 2025-04-30)  " in header(explore)
        await pilot.press("g", "2", "escape")
        assert "  2025-04 (to 2025-04-30)  " in header(explore)

    drive(app("2024-02-01"), check)


def test_search_finds_people_in_any_script_and_opens_their_history() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        assert isinstance(explore.screen, SearchScreen)
        await pilot.press(*"李安", "enter")
        shown = details(explore)
        assert shown.startswith("Ann Lee (李安, Annie)")
        assert "CEO, Example Corp" in shown
        assert "Chair, Tech Committee" in shown
        assert "Roles over time" in shown  # the Gantt

    drive(app("2025-06-01"), check)


def test_search_lists_units_and_events_and_arrows_pick() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"comm")
        hits = explore.screen.query_one("#hits", OptionList)
        labels = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        assert labels[0] == "unit   Tech Committee  comm"  # its id, exactly
        assert labels[1] == "event  Committee formed  2025-06-01"
        await pilot.press("down", "enter")
        assert details(explore).startswith("2025-06-01  Committee formed")
        assert "https://example.com/memo" in details(explore)

    drive(app("2025-06-01"), check)


def test_tree_highlight_shows_a_unit_with_evidence_and_enter_opens_history() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("down")  # the company's CEO role
        assert details(explore).startswith("Ann Lee\non 2025-06-01\nRoles")
        await pilot.press("up")
        shown = details(explore)
        assert shown.startswith("Example Corp [1,2]\non 2025-06-01\nKind: company")
        assert "[1] 2024-01-15  Example Corp founded" in shown
        assert "Example Corp: https://example.com/memo" in shown
        await pilot.press("enter")
        assert details(explore).startswith("Example Corp\nChanges")
        await pilot.press("b")
        assert details(explore).startswith("Example Corp [1,2]")
        await pilot.press("f")
        assert details(explore).startswith("Example Corp\nChanges")
        await pilot.press("backspace")
        assert details(explore).startswith("Example Corp [1,2]")

    drive(app("2025-06-01"), check)


def test_space_opens_and_closes_a_unit() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        assert "  [+] CEO: Ann Lee since 2024-01-15" in tree_lines(explore)
        await pilot.press("space")
        assert tree_lines(explore) == ["[+] Example Corp (company)"]
        await pilot.press("space")
        assert len(tree_lines(explore)) == 3

    drive(app("2025-01-01"), check)


def test_enter_on_a_change_opens_its_event_with_sources() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("x")
        assert main(explore).query_one("#changes", OptionList).has_focus
        await pilot.press("down", "enter")
        shown = details(explore)
        assert shown.startswith("Mar 2025  Research Lab becomes the AI business unit")
        assert "Example News: https://example.com/news" in shown
        await pilot.press("o")
        assert main(explore).query_one(OrgTree).has_focus

    drive(app("2025-03"), check)


def test_confidence_filter_cycles_and_hides_less_sure_facts() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        assert "  [*] AI Business Unit (business unit) [R]" in tree_lines(explore)
        await pilot.press("c")
        assert "facts: ≥ reported" in header(explore)
        await pilot.press("c")
        assert "facts: ≥ confirmed" in header(explore)
        assert not any("AI Business Unit" in line for line in tree_lines(explore))
        assert any("Research Lab (lab)" in line for line in tree_lines(explore))
        await pilot.press("c")
        assert "facts: all" in header(explore)

    drive(app("2025-03"), check)


def test_help_and_palette_and_quit() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        assert isinstance(explore.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("colon")
        assert isinstance(explore.screen, CommandPalette)
        await pilot.press(*"next event", "enter")
        await pilot.pause()
        assert "  2025-06-01  " in header(explore)
        await pilot.press("ctrl+p")
        assert isinstance(explore.screen, CommandPalette)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert explore.return_code == 0
        assert not explore.is_running

    drive(app("2025-03"), check)


def test_acceptance_on_the_bundled_data() -> None:
    """The issue's acceptance, at 100x30: → from 2026-04-07, then / 周靖人 enter."""

    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("right")
        assert "  2026-04-08  " in header(explore)
        assert "├── ▶ [+] Group Technology Committee (committee)" in str(
            explore.export_screenshot()
        ) or any("Group Technology Committee" in line for line in tree_lines(explore))
        assert any(
            line.startswith("[+] Group Technology Committee (committee) created")
            for line in changes(explore)
        )
        await pilot.press("slash", *"周靖人", "enter")
        shown = details(explore)
        assert shown.startswith("Zhou Jingren (周靖人")
        assert "Chief AI Architect, Group Technology Committee" in shown

    drive(app("2026-04-07", bundled=True), check)


@pytest.mark.parametrize("size", [(7, 20), (5, 3), (1, 1), (3, 40)])
def test_dialogs_on_a_tiny_terminal(size: tuple[int, int]) -> None:
    """Search, the date prompt and help open on a terminal a few columns wide (clipped, not a
    crash: the search hits once left Rich no column to wrap in)."""

    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"zhou")
        await pilot.pause()
        assert isinstance(explore.screen, SearchScreen)
        assert explore.screen.hits
        await pilot.press("enter")
        await pilot.pause()
        assert details(explore).startswith("Zhou")
        await pilot.press("g", *"2025", "enter", "question_mark")
        await pilot.pause()
        assert isinstance(explore.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()

    drive(app("2025-06-01", bundled=True), check, size=size)


def test_search_survives_the_terminal_shrinking() -> None:
    async def check(explore: ExploreApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash")
        await pilot.resize_terminal(2, 2)
        await pilot.press(*"zhou")
        await pilot.pause()
        assert isinstance(explore.screen, SearchScreen)
        assert explore.screen.hits
        await pilot.resize_terminal(100, 30)
        await pilot.press("escape")
        await pilot.pause()

    drive(app("2025-06-01", bundled=True), check)
