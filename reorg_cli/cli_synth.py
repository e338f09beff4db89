"""The ``synth`` command: write a synthetic history, for benchmarks and for trying reorg at scale.

Imported at the end of :mod:`reorg_cli.cli` to register the command; module-level imports stay
light (the generator is imported only when the command runs).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from reorg_cli.cli import command


@command()
def synth(
    target: Annotated[
        Path, typer.Argument(help="Directory to write; it must not exist yet or be empty.")
    ],
    events: Annotated[
        int, typer.Option("--events", "-n", min=10, help="How many events to write.")
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", help="The same seed and size give the same files.")
    ] = 1,
) -> None:
    """Write a synthetic organization history as event files (deterministic, seeded).

    Decades of a company: units in a deep hierarchy created, renamed, reclassified, moved,
    merged and dissolved; people hired, appointed, moved and leaving; committees, reporting
    lines, partial dates, several sources, corrections and retractions.

    Example: reorg synth /tmp/history --events 100000
    """
    from reorg_cli.errors import ReorgError
    from reorg_cli.synth import generate

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ReorgError(f"{target} already exists and is not empty", "choose a new directory")
    summary = generate(target, events, seed)
    sys.stdout.write(
        f"wrote {summary.events} events in {summary.files} files ({summary.people} people, "
        f"{summary.units} units, {summary.bytes / 1e6:.1f} MB) to {target}\n"
    )
