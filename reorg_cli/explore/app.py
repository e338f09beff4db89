"""``reorg explore``: the Textual app.

The app draws what :class:`~reorg_cli.explore.controller.Explorer` computes, through the Rich
renderers of :mod:`reorg_cli.output`. Every action has a plain-key binding (arrows and shifted
arrows often do not survive tmux or SSH) and a command in the palette (ctrl+p or ``:``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from reorg_cli.engine.results import UnitState
from reorg_cli.engine.results_over_time import DiffChange
from reorg_cli.events.dates import ordinal_iso
from reorg_cli.events.model import Confidence
from reorg_cli.explore.actions import ACTIONS, bindings
from reorg_cli.explore.controller import (
    CHANGE_LEGEND,
    MARK_ADDED,
    MARK_CHANGED,
    MARK_INSIDE,
    Explorer,
    Hit,
    Page,
    change_mark,
)
from reorg_cli.explore.modals import DatePrompt, HelpScreen, SearchScreen
from reorg_cli.output.render import (
    Footnotes,
    legend,
    render_event,
    render_person_at,
    render_person_roles,
    render_unit_at,
    render_unit_changes,
    role_label,
    safe_text,
    unit_label,
    vacancy_label,
)

#: Tree node data: ("unit", id), ("role", person, unit, title) or ("vacancy", unit, title).
NodeKey = tuple[str, ...]


class Details(Static):
    """The details pane's content."""


class OrgTree(Tree[NodeKey]):
    """The org tree at the slider's date."""


class MainScreen(Screen[None]):
    """The explorer: header, tree, details, changes, footer."""

    BINDINGS: ClassVar[list[BindingType]] = bindings()

    def __init__(self, explorer: Explorer) -> None:
        super().__init__()
        self.explorer = explorer
        self.expanded: set[str] = {u.id for u in explorer.state.children(None)}
        self.nodes: dict[NodeKey, TreeNode[NodeKey]] = {}
        self.pages: list[tuple[Page, bool]] = []  # (page, is a preview)
        self.page_index = -1
        self._rebuilding = False

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                tree = OrgTree("Organization", id="tree")
                tree.auto_expand = False
                tree.show_root = False
                yield tree
                yield Static(id="legend")
            with Vertical(id="right"):
                with VerticalScroll(id="details-scroll"):
                    yield Details(id="details")
                yield Static(id="changes-title")
                yield OptionList(id="changes")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_all(first=True)
        self.query_one(OrgTree).focus()

    # -- drawing ---------------------------------------------------------------------------------
    def refresh_all(self, *, first: bool = False) -> None:
        """Redraw everything after the date or the filter changed."""
        self.draw_header()
        self.draw_tree()
        self.draw_changes()
        if first:
            self.open_page(Page("intro", ()), preview=True)
            tree = self.query_one(OrgTree)
            if tree.cursor_node is None and self.nodes:
                tree.cursor_line = 0
        else:
            self.draw_details()

    def draw_header(self) -> None:
        explorer = self.explorer
        text = Text()
        text.append("reorg explore  ", style="bold")
        text.append(explorer.date_label, style="bold reverse")
        text.append(f"  data to {explorer.coverage_label}", style="dim")
        confidence = explorer.min_confidence
        shown = "all" if confidence is Confidence.UNCERTAIN else f"≥ {confidence.label}"
        text.append(f"  facts: {shown}")
        note = explorer.coverage_note
        if note is not None:
            text.append(f"\n! {note}", style="bold yellow")
        self.query_one("#header", Static).update(text)

    def draw_tree(self) -> None:
        explorer = self.explorer
        tree = self.query_one(OrgTree)
        keep = tree.cursor_node.data if tree.cursor_node is not None else None
        self._rebuilding = True
        tree.clear()
        self.nodes = {}
        self.unit_marks = explorer.unit_marks_with_contents()
        self.entry_marks = explorer.entry_marks()
        self.used_marks: set[str] = set()
        tree.root.set_label(Text(f"Organization on {ordinal_iso(explorer.state.day)}"))
        tops = explorer.state.children(None)
        if not tops:
            tree.root.add_leaf(Text("no units exist on this date", style="italic"))
        for unit in tops:
            self._add_unit(tree.root, unit)
        tree.root.expand()
        if keep is not None and keep in self.nodes:
            tree.move_cursor(self.nodes[keep])
        self._rebuilding = False
        first_changed = next(
            (self.nodes[("unit", u)] for u in self.unit_marks if ("unit", u) in self.nodes), None
        )
        if first_changed is not None:
            tree.scroll_to_node(first_changed, animate=False)
        self.draw_legend()

    def draw_legend(self) -> None:
        text = Text()
        if self.explorer.baseline is not None:
            for mark, meaning in CHANGE_LEGEND.items():
                if text:
                    text.append(" ")
                text.append(mark, style="bold")
                text.append(f" {meaning}", style="dim")
        marks = legend(self.used_marks)
        if marks is not None:
            if text:
                text.append("\n")
            text.append_text(marks)
        self.query_one("#legend", Static).update(text)

    def _unit_text(self, unit: UnitState) -> Text:
        label = Text()
        mark = self.unit_marks.get(unit.id)
        if mark is not None:
            style = {MARK_ADDED: "bold green", MARK_INSIDE: "dim"}.get(mark, "bold yellow")
            label.append(mark + " ", style=style)
        label.append_text(unit_label(unit, self.used_marks))
        return label

    def _add_unit(self, parent: TreeNode[NodeKey], unit: UnitState) -> None:
        state = self.explorer.state
        key: NodeKey = ("unit", unit.id)
        has_contents = bool(
            state.children(unit.id) or state.roles_in(unit.id) or state.vacancies_in(unit.id)
        )
        node = parent.add(self._unit_text(unit), data=key, allow_expand=has_contents)
        self.nodes[key] = node
        if unit.id in self.expanded and has_contents:
            self._fill(node, unit.id)
            node.expand()

    def _fill(self, node: TreeNode[NodeKey], unit_id: str) -> None:
        """Add a unit's roles, vacancies and sub-units under its node (once)."""
        if node.children:
            return
        state = self.explorer.state
        for role in state.roles_in(unit_id):
            key: NodeKey = ("role", role.person, role.unit, role.title)
            label = Text()
            mark = self.entry_marks.get(key)
            if mark is not None:
                label.append(mark + " ", style="bold")
            label.append_text(role_label(role, self.used_marks))
            self.nodes[key] = node.add_leaf(label, data=key)
        for vacancy in state.vacancies_in(unit_id):
            key = ("vacancy", vacancy.unit, vacancy.title)
            label = Text()
            mark = self.entry_marks.get(key)
            if mark is not None:
                label.append(mark + " ", style="bold")
            label.append_text(vacancy_label(vacancy, self.used_marks))
            self.nodes[key] = node.add_leaf(label, data=key)
        for child in state.children(unit_id):
            self._add_unit(node, child)

    def draw_changes(self) -> None:
        explorer = self.explorer
        changes = explorer.changes()
        title = Text("Changes", style="bold")
        if explorer.baseline is not None:
            title.append(
                f" {ordinal_iso(explorer.baseline)} → {ordinal_iso(explorer.day)}", style="dim"
            )
        title.append(f" ({len(changes)})", style="dim")
        self.query_one("#changes-title", Static).update(title)
        options = self.query_one("#changes", OptionList)
        options.clear_options()
        dates = explorer.event_dates()
        items = []
        for index, change in enumerate(changes):
            items.append(Option(_change_text(change, dates), id=str(index)))
        if not items:
            items.append(Option(Text("no changes", style="italic"), disabled=True))
        options.add_options(items)

    def draw_details(self) -> None:
        if self.page_index < 0:
            return
        page = self.pages[self.page_index][0]
        self.query_one(Details).update(self.render_page(page))
        self.query_one("#details-scroll", VerticalScroll).scroll_home(animate=False)

    def render_page(self, page: Page) -> RenderableType:
        """The details pane for ``page`` at the slider's date."""
        explorer = self.explorer
        timeline = explorer.timeline
        state, today = explorer.cited_state(), explorer.today
        if page.kind == "intro":
            return _intro()
        if page.kind == "unit":
            unit = page.ids[0]
            if unit in state.units:
                return render_unit_at(state, unit, Footnotes(state.cited))
            gone = Text(
                f"{timeline.unit_name_now(unit)} does not exist on {ordinal_iso(state.day)}",
                style="italic",
            )
            unit_history = timeline.unit_history(unit, explorer.min_confidence, today=today)
            return Group(gone, render_unit_changes(unit_history, Footnotes(unit_history.cited)))
        if page.kind == "person":
            person = page.ids[0]
            notes = Footnotes(state.cited)
            return render_person_at(state, person, timeline.person_name(person), notes)
        if page.kind == "history":
            from reorg_cli.output.gantt import Gantt

            history = timeline.person_history(page.ids[0], explorer.min_confidence, today=today)
            chart = Group(Text("Roles over time", style="bold"), Gantt(history, today=today))
            return render_person_roles(history, Footnotes(history.cited), chart)
        if page.kind == "unit_history":
            unit_history = timeline.unit_history(page.ids[0], explorer.min_confidence, today=today)
            return render_unit_changes(unit_history, Footnotes(unit_history.cited))
        parts: list[RenderableType] = []
        for event_id in page.ids:
            parts.append(render_event(timeline.event_record(event_id)))
            parts.append(Text(""))
        if not parts:
            parts.append(Text("no event recorded for this change", style="italic"))
        return Group(*parts)

    # -- pages and navigation --------------------------------------------------------------------
    def open_page(self, page: Page, *, preview: bool = False) -> None:
        """Show ``page`` in the details pane; an opened page can be gone back to, a preview
        (the tree's highlighted node) replaces the preview before it."""
        if preview and self.page_index >= 0 and self.pages[self.page_index][1]:
            del self.pages[self.page_index :]
            self.page_index -= 1
        else:
            del self.pages[self.page_index + 1 :]
        self.pages.append((page, preview))
        self.page_index = len(self.pages) - 1
        self.draw_details()

    @property
    def current_page(self) -> Page | None:
        """The page the details pane shows."""
        return self.pages[self.page_index][0] if self.page_index >= 0 else None

    def open_hit(self, hit: Hit) -> None:
        """Open a search result: a person's history, a unit, an event."""
        if hit.kind == "person":
            self.open_page(Page("history", (hit.id,)))
        elif hit.kind == "unit":
            self.open_page(Page("unit", (hit.id,)))
            node = self.reveal(("unit", hit.id))
            if node is not None:
                self.query_one(OrgTree).move_cursor(node)
        else:
            self.open_page(Page("events", (hit.id,)))

    def reveal(self, key: NodeKey) -> TreeNode[NodeKey] | None:
        """The tree node of a unit, its ancestors expanded (None if not shown on the date)."""
        state = self.explorer.state
        if key[0] != "unit" or key[1] not in state.units:
            return self.nodes.get(key)
        chain = []
        unit: str | None = key[1]
        while unit is not None and unit in state.units:
            chain.append(unit)
            unit = state.units[unit].parent
        for ancestor in reversed(chain[1:]):
            node = self.nodes.get(("unit", ancestor))
            if node is not None:
                self.expanded.add(ancestor)
                self._fill(node, ancestor)
                node.expand()
        return self.nodes.get(key)

    # -- events from widgets ---------------------------------------------------------------------
    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeKey]) -> None:
        if self._rebuilding or event.node.data is None:
            return
        page = _page_of(event.node.data)
        if page != self.current_page:
            self.open_page(page, preview=True)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[NodeKey]) -> None:
        data = event.node.data
        if data is None:
            return
        if data[0] == "unit":
            self.open_page(Page("unit_history", (data[1],)))
        elif data[0] == "role":
            self.open_page(Page("history", (data[1],)))
        else:
            self.open_page(Page("unit_history", (data[1],)))

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[NodeKey]) -> None:
        data = event.node.data
        if data is not None and data[0] == "unit":
            self.expanded.add(data[1])
            self._fill(event.node, data[1])

    @on(Tree.NodeCollapsed)
    def _collapsed(self, event: Tree.NodeCollapsed[NodeKey]) -> None:
        data = event.node.data
        if data is not None and data[0] == "unit" and not self._rebuilding:
            self.expanded.discard(data[1])

    @on(OptionList.OptionSelected, "#changes")
    def _change_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        change = self.explorer.changes()[int(event.option.id)]
        self.open_page(Page("events", change.events))

    # -- actions ---------------------------------------------------------------------------------
    def _moved(self, moved: bool = True, message: str = "") -> None:
        if not moved:
            self.notify(message, timeout=3)
            return
        self.refresh_all()

    def action_previous_event(self) -> None:
        """To the previous event date."""
        self._moved(self.explorer.previous_event(), "no earlier event")

    def action_next_event(self) -> None:
        """To the next event date."""
        self._moved(self.explorer.next_event(), "no later event")

    def action_month_back(self) -> None:
        """A month earlier."""
        self.explorer.move_months(-1)
        self._moved()

    def action_month_forward(self) -> None:
        """A month later."""
        self.explorer.move_months(1)
        self._moved()

    def action_year_back(self) -> None:
        """A year earlier."""
        self.explorer.move_years(-1)
        self._moved()

    def action_year_forward(self) -> None:
        """A year later."""
        self.explorer.move_years(1)
        self._moved()

    def action_today(self) -> None:
        """To today."""
        self.explorer.go_today()
        self._moved()

    def action_go_to_date(self) -> None:
        """Ask for a date and go there."""

        def done(text: str | None) -> None:
            if text is not None:
                self.explorer.go_to_text(text)
                self._moved()

        self.app.push_screen(DatePrompt(self.explorer.today), done)

    def action_search(self) -> None:
        """Find a person, unit or event and open it."""

        def done(hit: Hit | None) -> None:
            if hit is not None:
                self.open_hit(hit)

        self.app.push_screen(SearchScreen(self.explorer), done)

    def action_back(self) -> None:
        """Back to the page opened before."""
        if self.page_index <= 0:
            self.notify("nothing to go back to", timeout=3)
            return
        self.page_index -= 1
        self.draw_details()

    def action_forward(self) -> None:
        """Forward to the page gone back from."""
        if self.page_index >= len(self.pages) - 1:
            self.notify("nothing to go forward to", timeout=3)
            return
        self.page_index += 1
        self.draw_details()

    def action_cycle_confidence(self) -> None:
        """All facts → reported or better → confirmed only → all facts."""
        self.explorer.cycle_min_confidence()
        self.refresh_all()

    def action_focus_changes(self) -> None:
        """Focus the Changes list."""
        self.query_one("#changes", OptionList).focus()

    def action_focus_tree(self) -> None:
        """Focus the tree."""
        self.query_one(OrgTree).focus()

    def action_help(self) -> None:
        """Show the keys."""
        self.app.push_screen(HelpScreen())

    def action_palette(self) -> None:
        """Open the command palette."""
        self.app.action_command_palette()

    def action_quit(self) -> None:
        """Leave."""
        self.app.exit()


def _page_of(key: NodeKey) -> Page:
    if key[0] == "unit":
        return Page("unit", (key[1],))
    if key[0] == "role":
        return Page("person", (key[1],))
    return Page("unit", (key[1],))


def _change_text(change: DiffChange, dates: dict[str, str]) -> Text:
    text = Text()
    text.append(change_mark(change) + " ", style="bold")
    text.append_text(safe_text(change.summary))
    if change.events:
        text.append("  " + ", ".join(sorted({dates.get(e, "") for e in change.events})), "dim")
    return text


def _evidence(notes: Footnotes) -> RenderableType:
    return notes.render() if notes.numbers else Text("")


def _intro() -> RenderableType:
    return Text.assemble(
        ("Details", "bold"),
        "\nMove in the tree to see a unit or person here, with the sources behind each fact.",
        "\nenter opens a person's history and Gantt, or a unit's history.",
        "\n← → step between event dates; / finds; ? lists every key.",
        f"\n{MARK_ADDED} and {MARK_CHANGED} in the tree mark what changed since the last stop.",
    )


class ExploreApp(App[None]):
    """The full-screen explorer."""

    TITLE = "reorg explore"
    ENABLE_COMMAND_PALETTE = True
    CSS = """
    #header { height: auto; padding: 0 1; background: $panel; }
    #body { height: 1fr; }
    #left { width: 1fr; }
    #right { width: 1fr; border-left: solid $primary; }
    #tree { height: 1fr; }
    #legend { height: auto; max-height: 25%; padding: 0 1; }
    #details-scroll { height: 3fr; padding: 0 1; }
    #changes-title { height: 1; padding: 0 1; background: $panel; }
    #changes { height: 2fr; border: none; }
    DatePrompt, SearchScreen, HelpScreen { align: center middle; }
    /* A dialog keeps room for its text on any terminal (clipped when the terminal is
       narrower): with no columns left, Rich cannot wrap a search hit and raises. */
    #dialog {
        width: 90%; max-width: 100; min-width: 24; height: auto; max-height: 90%;
        border: round $primary; padding: 0 1; background: $surface;
    }
    #hits { height: auto; max-height: 16; border: none; }
    #error { height: auto; }
    """

    def __init__(self, explorer: Explorer) -> None:
        super().__init__()
        self.explorer = explorer

    def get_default_screen(self) -> Screen[Any]:
        """The explorer is the app's first screen (no blank screen drawn before it)."""
        return MainScreen(self.explorer)

    @property
    def main(self) -> MainScreen:
        """The explorer's screen."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the explorer's screen is not open")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette: every action by name, then Textual's own (theme, keys, quit)."""
        for action in ACTIONS:
            if action.name == "palette":
                continue
            yield SystemCommand(
                action.description[:1].upper() + action.description[1:],
                f"keys: {action.shown}",
                _runner(self, action.name),
            )
        yield from super().get_system_commands(screen)


def _runner(app: ExploreApp, name: str) -> Callable[[], None]:
    def run() -> None:
        getattr(app.main, f"action_{name}")()

    return run
