"""A store that cannot get the disk space or files it needs: one clear error, not a traceback."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator

from reorg_cli.events.errors import ReorgError


class StorageError(ReorgError):
    """SQLite could not get the disk space, or open the file, that a store needed."""


#: SQLite's primary result codes for a full disk and a file it cannot open.
_SQLITE_FULL, _SQLITE_CANTOPEN = 13, 14


def temp_directory() -> str:
    """The directory SQLite puts its temporary files in (a store in memory that outgrows its
    page cache spills there): the first of ``$SQLITE_TMPDIR``, ``$TMPDIR``, ``/var/tmp``,
    ``/usr/tmp`` and ``/tmp`` that is a directory this process may write, as SQLite picks it."""
    for candidate in (
        os.environ.get("SQLITE_TMPDIR"),
        os.environ.get("TMPDIR"),
        "/var/tmp",
        "/usr/tmp",
        "/tmp",
    ):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK):
            return candidate
    return "."


def storage_error(
    err: sqlite3.Error, conn: sqlite3.Connection | None = None
) -> StorageError | None:
    """``err`` as one clear error naming the directory, if it says the disk is full or a file
    could not be opened (else None): the directory of ``conn``'s file, or SQLite's temporary
    directory for a store in memory."""
    code = getattr(err, "sqlite_errorcode", None)
    if not isinstance(code, int) or code & 0xFF not in (_SQLITE_FULL, _SQLITE_CANTOPEN):
        return None
    directory = temp_directory()
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            for _, name, file in conn.execute("PRAGMA database_list").fetchall():
                if name == "main" and file:
                    directory = os.path.dirname(file) or "."
    what = "no space left" if code & 0xFF == _SQLITE_FULL else "cannot create a file"
    return StorageError(
        f"{directory}: {what} for the compiled history's store ({err})",
        "free some space there, or set TMPDIR to a directory with room",
    )


@contextlib.contextmanager
def storage_errors(conn: sqlite3.Connection) -> Iterator[None]:
    """Turn a full disk or a file SQLite cannot open, while writing ``conn``'s store, into
    :class:`StorageError`; other errors pass through."""
    try:
        yield
    except sqlite3.OperationalError as err:
        found = storage_error(err, conn)
        if found is None:
            raise
        raise found from None
