"""``export --format sqlite``: the compiled store, for questions the CLI does not ask
(schema and examples: docs/sqlite.md)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from reorg_cli import __version__
from reorg_cli.engine.timeline import Timeline

#: Cache bookkeeping that means nothing outside this machine (file stats, code versions).
_PRIVATE_META = ("code", "fingerprint")


def store_bytes(timeline: Timeline) -> bytes:
    """The timeline's store as the bytes of a standalone SQLite database file.

    Copied with SQLite's backup API into a temporary file (so the copy is consistent), with
    the cache's private bookkeeping removed, then read back for the caller's atomic writer.
    """
    with tempfile.TemporaryDirectory(prefix="reorg-export-") as directory:
        path = Path(directory) / "store.sqlite"
        target = sqlite3.connect(path, isolation_level=None)
        try:
            timeline.store.conn.backup(target)
            marks = ", ".join("?" * len(_PRIVATE_META))
            target.execute(f"DELETE FROM meta WHERE key IN ({marks})", _PRIVATE_META)
            target.execute(
                "INSERT OR REPLACE INTO meta VALUES ('reorg_version', ?)", (__version__,)
            )
            target.execute("VACUUM")
        finally:
            target.close()
        return path.read_bytes()
