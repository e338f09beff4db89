"""What importers produce: event files, checked by reorg's own loader before anything is
written."""

from __future__ import annotations

import bisect
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reorg_cli.events.errors import EventFileError, Location, Problem, Severity

#: Largest file ``reorg import`` reads (docs/interop.md). Event files are limited to 16 MiB
#: each; an imported document may be larger, since its events are split over several files.
MAX_IMPORT_BYTES = 64 * 1024 * 1024


def read_import_file(path: Path) -> bytes:
    """The bytes of the file to import, with the event loader's rules: a regular file only,
    opened without blocking, at most :data:`MAX_IMPORT_BYTES`. Raises
    :class:`EventFileError` with one problem otherwise."""
    from reorg_cli.events.loader import read_regular_file

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


#: Where in the generated files each record came from in the user's input: file name ->
#: [(path in that file, such as ("events", 3, "changes", 1), origin)]. An origin is opaque
#: text that the importer's ``place`` function turns into a location in the input.
Origins = dict[str, list[tuple[tuple[str | int, ...], str]]]
#: origins -> {origin: (location in the input, text to put before the message, or "")}
Place = Callable[[list[str]], dict[str, tuple[Location, str]]]


@dataclass(slots=True)
class Imported:
    """What an importer made: event files, and where their records came from."""

    files: dict[str, str]
    origins: Origins = field(default_factory=dict)
    place: Place | None = None


def split_events(
    stem: str, records: list[dict[str, Any]], header: str
) -> list[tuple[str, str, range]]:
    """The events file(s) holding ``records`` in order: ``STEM.yaml``, or, when that would be
    over the event loader's size limit, ``STEM-part-01.yaml``, ``STEM-part-02.yaml``... (which
    the loader reads in this order). Returns (file name, text, indexes of the records in it).

    Raises :class:`ValueError` with the index of a record too large for any file.
    """
    from reorg_cli.events import yamlfile
    from reorg_cli.events.writer import dump_yaml

    limit = yamlfile.MAX_FILE_BYTES
    lead = "events:\n"
    if not records:
        return [(f"{stem}.yaml", dump_yaml({"events": []}, header), range(0))]
    # Each record is written once, alone: a block sequence's items are written the same
    # whatever surrounds them, so the pieces joined are the file dump_yaml would write.
    pieces = [dump_yaml({"events": [record]})[len(lead) :] for record in records]
    text = header + lead + "".join(pieces)
    if len(text.encode("utf-8")) <= limit:
        return [(f"{stem}.yaml", text, range(len(records)))]
    budget = limit - len((header + lead).encode("utf-8"))
    chunks: list[range] = []
    first, size = 0, 0
    for index, piece in enumerate(pieces):
        length = len(piece.encode("utf-8"))
        if length > budget:
            raise ValueError(index)
        if size + length > budget:
            chunks.append(range(first, index))
            first, size = index, 0
        size += length
    chunks.append(range(first, len(pieces)))
    width = max(2, len(str(len(chunks))))
    return [
        (
            f"{stem}-part-{number:0{width}d}.yaml",
            header + lead + "".join(pieces[i] for i in chunk),
            chunk,
        )
        for number, chunk in enumerate(chunks, 1)
    ]


def check_imported(imported: Imported, label: str) -> None:
    """:func:`check_files` for an importer's result, naming problems by their origin."""
    check_files(imported.files, label, imported.origins, imported.place)


def check_files(
    files: Mapping[str, str],
    label: str,
    origins: Origins | None = None,
    place: Place | None = None,
) -> None:
    """Load and compile ``files`` (relative path -> text) as reorg would; raise
    :class:`EventFileError` naming ``label`` if they do not make a valid history.

    With ``origins`` and ``place``, each problem is named by the place in the input that
    produced the record it is in (and so are the places its message mentions), never by the
    generated files, which the user has not seen yet."""
    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.loader import load_dataset

    if not files:
        raise EventFileError(
            [
                Problem(
                    Location(label),
                    "nothing to import",
                    "it holds no people, units or events that reorg can read",
                )
            ]
        )
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
    errors = [_unprefixed(p, prefix) for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise EventFileError(_placed(errors, files, label, origins or {}, place))


def _unprefixed(problem: Problem, prefix: str) -> Problem:
    location = problem.location
    return Problem(
        Location(location.path.replace(prefix, ""), location.line, location.column),
        problem.message.replace(prefix, ""),
        problem.hint.replace(prefix, ""),
    )


def _placed(
    errors: list[Problem],
    files: Mapping[str, str],
    label: str,
    origins: Origins,
    place: Place | None,
) -> list[Problem]:
    """``errors`` in generated files, named by their places in the input where known."""
    names = sorted(files, key=len, reverse=True)
    reference = re.compile(
        "(" + "|".join(re.escape(name) for name in names) + r"):(\d+):(\d+)" if names else "(?!)"
    )
    lines: dict[str, tuple[list[int], list[str]]] = {}

    def origin_of(name: str, line: int) -> str | None:
        if name not in lines:
            lines[name] = _origin_lines(files.get(name, ""), origins.get(name, []))
        starts, found = lines[name]
        index = bisect.bisect_right(starts, line) - 1
        return found[index] if index >= 0 else None

    wanted: list[str] = []
    for problem in errors:
        origin = origin_of(problem.location.path, problem.location.line)
        if origin is not None:
            wanted.append(origin)
        for match in reference.finditer(problem.message + problem.hint):
            origin = origin_of(match.group(1), int(match.group(2)))
            if origin is not None:
                wanted.append(origin)
    places = place(list(dict.fromkeys(wanted))) if place is not None and wanted else {}

    def mention(match: re.Match[str]) -> str:
        origin = origin_of(match.group(1), int(match.group(2)))
        if origin in places:
            location, shown = places[origin]
            if not shown:
                return str(location)
            return f"{shown}, line {location.line}" if location.line else shown
        return f"the imported {match.group(1)}"

    result = []
    for problem in errors:
        message = reference.sub(mention, problem.message)
        hint = reference.sub(mention, problem.hint)
        origin = origin_of(problem.location.path, problem.location.line)
        if origin in places:
            location, shown = places[origin]
            result.append(Problem(location, f"{shown}: {message}" if shown else message, hint))
        else:
            result.append(
                Problem(
                    Location(label),
                    f"the imported history is not valid: in the imported "
                    f"{problem.location.path}: {message}",
                    hint,
                )
            )
    return result


def _origin_lines(
    text: str, records: list[tuple[tuple[str | int, ...], str]]
) -> tuple[list[int], list[str]]:
    """The first line of each record of ``records`` in the generated file ``text`` (sorted),
    with its origin; a record's lines run up to the next record's first line.

    The importers write block YAML, so the records are found by their indentation alone: a
    list item at column 1 is ``(top-level key, index)``, one at column 3 is ``(..., key at
    column 3 above it, index)``. This also works for a file the loader refuses."""
    wanted = dict(records)
    if not wanted:
        return [], []
    starts: list[tuple[int, int, str]] = []
    top: str | None = None
    inner: str | None = None
    index, inner_index = -1, -1
    for number, line in enumerate(text.splitlines(), 1):
        path: tuple[str | int, ...] | None = None
        if line.startswith("- "):
            index, inner, inner_index = index + 1, None, -1
            path = (top, index) if top is not None else None
        elif line.startswith("  - "):
            inner_index += 1
            if top is not None and inner is not None:
                path = (top, index, inner, inner_index)
        elif line[:1] not in (" ", "#", "") and line.rstrip().endswith(":"):
            top, index = line.rstrip()[:-1], -1
        elif line[:2] == "  " and line[2:3] not in (" ", "-") and ":" in line:
            inner, inner_index = line[2:].split(":", 1)[0], -1
        if path is not None and path in wanted:
            starts.append((number, len(path), wanted[path]))
    starts.sort()
    return [line for line, _, _ in starts], [origin for _, _, origin in starts]
