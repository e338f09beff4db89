"""``reorg schema``: the JSON Schema of event files."""

from __future__ import annotations

import sys


def schema() -> None:
    """Print the JSON Schema of event files (for editors and CI)."""
    from importlib import resources

    sys.stdout.write(
        resources.files("reorg_cli.events").joinpath("event-file.schema.json").read_text("utf-8")
    )
