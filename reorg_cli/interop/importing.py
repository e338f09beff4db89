"""What importers produce: event files, checked by reorg's own loader before anything is
written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from reorg_cli.events.errors import EventFileError, Location, Problem, Severity


def check_files(files: Mapping[str, str], label: str) -> None:
    """Load and compile ``files`` (relative path -> text) as reorg would; raise
    :class:`EventFileError` naming ``label`` if they do not make a valid history."""
    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.loader import load_dataset

    with tempfile.TemporaryDirectory(prefix="reorg-import-") as scratch:
        root = Path(scratch)
        for name, text in files.items():
            path = root.joinpath(*PurePosixPath(name).parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        dataset, problems = load_dataset(root)
        if not any(p.severity is Severity.ERROR for p in problems):
            problems = problems + compile_dataset(dataset).problems
        prefix = str(root) + os.sep
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        # Name the generated files by their place in the output directory.
        raise EventFileError(
            [
                Problem(
                    Location(label),
                    "the imported history is not valid: "
                    + f"{p.location}: {p.message}".replace(prefix, ""),
                    p.hint.replace(prefix, ""),
                )
                for p in errors
            ]
        )
