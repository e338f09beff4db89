"""``reorg schema``: the JSON Schema of event files."""

from __future__ import annotations

import sys

from reorg_cli.cli.common import EventsOption


def schema(events: EventsOption = None) -> None:
    """Print the JSON Schema of event files (for editors and CI).

    --events is accepted, as by every command, and changes nothing: the schema is the same
    for every history.
    """
    del events  # the same schema whatever the history
    from importlib import resources

    sys.stdout.write(
        resources.files("reorg_cli.events").joinpath("event-file.schema.json").read_text("utf-8")
    )
