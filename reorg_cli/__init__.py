"""reorg: replay, diff and explain an organization's history from YAML event files.

The library API (no Typer or Rich needed)::

    from reorg_cli import load_timeline, parse_query_date
    timeline = load_timeline(Path("events"))
    state = timeline.state_at(parse_query_date("2026-04-08").day)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Timeline",
    "__version__",
    "default_events_path",
    "load_dataset",
    "load_timeline",
    "parse_query_date",
]

if TYPE_CHECKING:
    from reorg_cli.engine.timeline import Timeline, load_timeline
    from reorg_cli.events.dates import parse_query_date
    from reorg_cli.events.loader import load_dataset
    from reorg_cli.events.paths import default_events_path

_LAZY = {
    "Timeline": "reorg_cli.engine.timeline",
    "load_timeline": "reorg_cli.engine.timeline",
    "load_dataset": "reorg_cli.events.loader",
    "default_events_path": "reorg_cli.events.paths",
    "parse_query_date": "reorg_cli.events.dates",
}


def __getattr__(name: str) -> Any:
    # Imports stay lazy so that `reorg --help` does not pay for YAML and the engine.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
