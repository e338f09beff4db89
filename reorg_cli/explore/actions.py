"""The explorer's actions: names, keys (each with a plain key that survives tmux and SSH),
what the help screen and the footer say, and the Textual bindings made from them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Action:
    """One action of the explorer: its name, keys, and what it does."""

    name: str
    keys: tuple[str, ...]  # Textual key names; the first is the one the footer shows
    shown: str  # the keys as the help screen shows them
    description: str
    footer: str = ""  # short label for the footer ("" = not in the footer)
    priority: bool = False


ACTIONS: tuple[Action, ...] = (
    Action("previous_event", ("left", "p", "h"), "← p h", "previous event date", "event", True),
    Action("next_event", ("right", "n", "l"), "→ n l", "next event date", "", True),
    Action("month_back", ("shift+left", "comma"), "shift+← ,", "a month earlier", "", True),
    Action("month_forward", ("shift+right", "full_stop"), "shift+→ .", "a month later", "", True),
    Action("year_back", ("left_square_bracket",), "[", "a year earlier"),
    Action("year_forward", ("right_square_bracket",), "]", "a year later"),
    Action("today", ("t",), "t", "today", "today"),
    Action("go_to_date", ("g",), "g", "go to a date (2026-04-08, 2026-04, 2026)", "date"),
    Action("search", ("slash",), "/", "find a person, unit or event", "find"),
    Action("back", ("b", "backspace"), "b ⌫", "back to what you opened before", "back"),
    Action("forward", ("f",), "f", "forward again"),
    Action("cycle_confidence", ("c",), "c", "confidence filter: all → reported → confirmed"),
    Action("focus_changes", ("x",), "x", "go to the Changes list (tab cycles the panes)"),
    Action("focus_tree", ("o",), "o", "go to the tree"),
    Action("help", ("question_mark",), "?", "these keys", "help"),
    Action("palette", ("colon",), ": ctrl+p", "command palette: every action by name"),
    Action("quit", ("q",), "q", "quit", "quit"),
)

OTHER_KEYS = (
    ("↑ ↓", "move in the tree or a list"),
    ("space", "open or close a unit in the tree"),
    ("enter", "open: a person's history and Gantt, a unit's history, a change's events"),
    ("tab", "next pane"),
    ("esc", "close a prompt or this help"),
)


def bindings() -> list[BindingType]:
    """One Textual binding per key of every action."""
    bindings: list[BindingType] = []
    for action in ACTIONS:
        for index, key in enumerate(action.keys):
            bindings.append(
                Binding(
                    key,
                    action.name,
                    action.footer or action.description,
                    show=bool(action.footer) and index == 0,
                    key_display="←→" if action.name == "previous_event" else None,
                    priority=action.priority,
                )
            )
    return bindings
