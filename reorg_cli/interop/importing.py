"""What importers produce: event files, checked by reorg's own loader before anything is
written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from reorg_cli.errors import EventFileError, Location, Problem, Severity

#: Largest file ``reorg import`` reads (docs/interop.md). Event files are limited to 16 MiB
#: each; an imported document may be larger, since its events are split over several files.
MAX_IMPORT_BYTES = 64 * 1024 * 1024


def read_import_file(path: Path) -> bytes:
    """The bytes of the file to import, with the event loader's rules: a regular file only,
    opened without blocking, at most :data:`MAX_IMPORT_BYTES`. Raises
    :class:`EventFileError` with one problem otherwise."""
    from reorg_cli.loader import read_regular_file

    if not os.path.lexists(path):
        raise EventFileError([Problem(Location(str(path)), "no such file")])
    return read_regular_file(
        path,
        str(path),
        MAX_IMPORT_BYTES,
        what="imported files",
        hint="split the input and import the parts into separate directories",
        not_regular_hint="import a regular file",
    )


def check_files(files: Mapping[str, str], label: str) -> None:
    """Load and compile ``files`` (relative path -> text) as reorg would; raise
    :class:`EventFileError` naming ``label`` if they do not make a valid history."""
    from reorg_cli.compiler import compile_dataset
    from reorg_cli.loader import load_dataset

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
