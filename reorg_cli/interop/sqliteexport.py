"""``export --format sqlite``: the compiled store, for questions the CLI does not ask
(schema and examples: docs/sqlite.md)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from reorg_cli import __version__
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.errors import ReorgError
from reorg_cli.events.files import write_atomic_with

#: SQLite's codes for a file that is not a sound database (the temporary copy is new: these
#: come from the store copied).
_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)

#: Cache bookkeeping that means nothing outside this machine (file stats, code versions).
_PRIVATE_META = ("code", "fingerprint")


def write_store(timeline: Timeline, out: Path, *, force: bool = False) -> None:
    """Write the timeline's store to ``out`` as a standalone SQLite database file.

    The store is copied page by page with SQLite's backup API straight into a temporary file
    next to ``out`` (so the copy is consistent, and memory does not grow with the store), the
    cache's private bookkeeping is removed (its bytes overwritten, not only unlinked), and the
    file is put in place by :func:`~reorg_cli.events.files.write_atomic_with`: never over an
    existing file unless ``force``, never over anything but a regular file.
    """

    def fill(handle: int, temp: str) -> None:
        del handle
        try:
            target = sqlite3.connect(os.fsencode(temp), isolation_level=None)
            try:
                # A half-written temporary is never renamed into place: no journal needed.
                target.execute("PRAGMA journal_mode = OFF")
                try:
                    timeline.store.conn.backup(target)
                    # The backup copies pages without reading them: a cache entry damaged
                    # where SQLite has not looked yet would be copied as it is.
                    found = target.execute("PRAGMA quick_check").fetchall()
                except sqlite3.DatabaseError as err:
                    if getattr(err, "sqlite_errorcode", None) not in _DAMAGED:
                        raise
                    found = [(str(err),)]
                if found != [("ok",)]:
                    raise timeline.store.damaged(str(found[0][0]))
                target.execute("PRAGMA secure_delete = ON")  # no file stats left in free pages
                marks = ", ".join("?" * len(_PRIVATE_META))
                target.execute(f"DELETE FROM meta WHERE key IN ({marks})", _PRIVATE_META)
                target.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('reorg_version', ?)", (__version__,)
                )
            finally:
                target.close()
        except sqlite3.Error as err:
            raise ReorgError(f"{out}: cannot write ({err})") from None

    write_atomic_with(out, fill, force=force)
