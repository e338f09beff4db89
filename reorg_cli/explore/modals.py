"""The explorer's modal screens: the date prompt, search and help."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reorg_cli.events.dates import DateSyntaxError
from reorg_cli.explore.actions import ACTIONS, OTHER_KEYS
from reorg_cli.explore.controller import CHANGE_MEANING, Explorer, Hit, parse_prompt_date
from reorg_cli.output.render import safe_text, sanitize


class DatePrompt(ModalScreen[str | None]):
    """Asks for a date, as ``--at`` takes it; a bad one is explained and asked again."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, today: int) -> None:
        super().__init__()
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Go to date (2026-04-08, 2026-04, 2026, April 8, 2026, today)"))
            yield Input(placeholder="YYYY-MM-DD", id="date")
            yield Static(id="error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            parse_prompt_date(event.value, self.today)
        except DateSyntaxError as err:
            self.query_one("#error", Static).update(
                Text(f"invalid date: {sanitize(str(err))}", style="bold red")
            )
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without moving."""
        self.dismiss(None)


class SearchScreen(ModalScreen[Hit | None]):
    """Finds people, units and events as you type; enter opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("down", "move(1)", "next", show=False, priority=True),
        Binding("up", "move(-1)", "previous", show=False, priority=True),
    ]

    def __init__(self, explorer: Explorer) -> None:
        super().__init__()
        self.explorer = explorer
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Find a person, unit or event (any script, any case)"))
            yield Input(placeholder="name", id="query")
            yield OptionList(id="hits")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.hits = self.explorer.search(event.value)
        options = self.query_one("#hits", OptionList)
        options.clear_options()
        for index, hit in enumerate(self.hits):
            text = Text(f"{hit.kind:<7}", style="dim")
            text.append_text(safe_text(hit.label, "bold"))
            if hit.detail:
                text.append_text(safe_text(f"  {hit.detail}", "dim"))
            options.add_option(Option(text, id=str(index)))
        if self.hits:
            options.highlighted = 0
        elif event.value.strip():
            options.add_option(Option(Text("no match", style="italic"), disabled=True))

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        options = self.query_one("#hits", OptionList)
        if not self.hits:
            return
        index = options.highlighted if options.highlighted is not None else 0
        self.dismiss(self.hits[index])

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(self.hits[int(event.option.id)])

    def action_move(self, step: int) -> None:
        """Move the highlight in the results."""
        options = self.query_one("#hits", OptionList)
        if not self.hits:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    def action_cancel(self) -> None:
        """Close without opening anything."""
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close"),
        Binding("question_mark", "close", "close"),
        Binding("q", "close", "close"),
    ]

    def compose(self) -> ComposeResult:
        text = Text("Keys", style="bold")
        for action in ACTIONS:
            text.append(f"\n  {action.shown:<12}", style="bold")
            text.append(action.description)
        for keys, description in OTHER_KEYS:
            text.append(f"\n  {keys:<12}", style="bold")
            text.append(description)
        text.append("\n\nMarks in the tree", style="bold")
        for mark, meaning in CHANGE_MEANING.items():
            text.append(f"\n  {mark:<12}", style="bold")
            text.append(meaning)
        text.append("\n\nesc closes this help", style="dim")
        with VerticalScroll(id="dialog"):
            yield Static(text)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
