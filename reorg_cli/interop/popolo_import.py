"""Import a Popolo JSON document as event files: the reverse of ``reorg export --format popolo``.

A document written by reorg carries a ``reorg`` object on every record (the event behind each
start and end, windows, confidence); from it the history is rebuilt exactly, so exporting the
imported files gives the same document again. A plain Popolo document (from another tool) is
imported too, more roughly: one event per distinct date, organizations under their
``parent_id`` (docs/interop.md, "Import Popolo").
"""

from __future__ import annotations

from reorg_cli.events.errors import EventFileError, Location, Problem
from reorg_cli.interop.importing import Imported
from reorg_cli.interop.jsonread import load_json
from reorg_cli.interop.popolo_read import _CheckedReader, _Extended, _Plain
from reorg_cli.interop.popolo_read import lo_of as lo_of
from reorg_cli.interop.popolo_records import _Bad
from reorg_cli.interop.popolo_write import _Writer

#: The collections of a Popolo document that become records of a history.
RECORD_KEYS = ("events", "persons", "organizations", "posts", "memberships")
#: Most records (items of :data:`RECORD_KEYS`, together) one import takes (docs/interop.md):
#: each becomes an event change or registry entry that is written, then read back and
#: checked, which takes some 15 seconds for this many.
MAX_IMPORT_RECORDS = 100_000


def import_popolo(text: str, label: str) -> dict[str, str]:
    """Event files (relative path -> YAML text) rebuilding the history in a Popolo document.

    ``label`` names the input in messages. Raises :class:`EventFileError` listing every problem.
    """
    return convert_popolo(text, label).files


def convert_popolo(text: str, label: str) -> Imported:
    """:func:`import_popolo` with where each record of the files came from in the document,
    for :func:`~reorg_cli.interop.importing.check_imported`."""
    reader = _CheckedReader(label, text)
    document = load_json(text, label)
    if not isinstance(document, dict):
        raise EventFileError(
            [Problem(Location(label, 1, 1), "$: a Popolo document must be a JSON object")]
        )
    records = {
        key: len(value)
        for key in RECORD_KEYS
        if isinstance(value := document.get(key), list) and value
    }
    if sum(records.values()) > MAX_IMPORT_RECORDS:
        largest = max(records, key=lambda key: records[key])
        counts = ", ".join(f"{count:,} {key}" for key, count in records.items())
        raise EventFileError(
            reader.places_problems(
                largest,
                f"the document has {sum(records.values()):,} records ({counts}); "
                f"reorg imports at most {MAX_IMPORT_RECORDS:,}",
                "split the document and import the parts into separate directories",
            )
        )
    extension = document.get("reorg")
    if isinstance(extension, dict) and extension.get("format") == "popolo":
        version = extension.get("format_version")
        if version != 1:
            reader.fail(
                "reorg.format_version",
                f"{version!r} is not supported",
                "this reorg reads format_version 1",
            )
            raise EventFileError(reader.problems)
    try:
        if isinstance(extension, dict) and extension.get("format") == "popolo":
            history = _Extended(reader, document).read()
        else:
            history = _Plain(reader, document).read()
    except _Bad:  # a problem outside any one record; it has been reported
        raise EventFileError(reader.problems) from None
    if reader.failures:
        raise EventFileError(reader.problems)
    files = _Writer(history, reader).files(label)
    if reader.failures:
        raise EventFileError(reader.problems)
    return files
