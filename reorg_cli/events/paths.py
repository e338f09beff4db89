"""Where the bundled dataset is (kept apart from the loader so that finding it imports nothing)."""

from __future__ import annotations

from pathlib import Path


def default_events_path() -> Path:
    """The bundled dataset: inside the installed package, or ``events/`` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_bundled_events"
    return packaged if packaged.is_dir() else here.parent / "events"
