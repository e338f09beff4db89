"""The receiver of a streaming load (see :func:`reorg_cli.events.loader.load_dataset`)."""

from __future__ import annotations

from collections.abc import Collection

from reorg_cli.events.model import Link, Naming
from reorg_cli.events.records import Event


class EventReader:
    """Receives a streaming load's events as
    :func:`~reorg_cli.events.loader.load_dataset` reads them."""

    def event(self, event: Event) -> None:
        """One event, as soon as it is read (its sources not yet resolved)."""
        raise NotImplementedError

    def finish(
        self,
        ids: Collection[str],
        links: list[Link],
        namings: list[Naming],
    ) -> None:
        """Once every file is read: every event id, the events that correct or retract
        (id, corrects, retracts, where), and the names given to units, in the order read."""
