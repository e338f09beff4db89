"""The compiled-timeline cache: a second run on unchanged event files skips YAML entirely.

A cache entry is a compiled store (:mod:`reorg_cli.engine.store`, an SQLite file; docs/sqlite.md).
Where: ``$REORG_CACHE_DIR``, else ``$XDG_CACHE_HOME/reorg``, else ``~/.cache/reorg``; one file
per events path. ``REORG_NO_CACHE=1`` (or ``reorg --no-cache``) turns it off: the history is
then compiled into a store in memory, and queried the same way.

**Never stale.** An entry is used only if its key matches the current run exactly:

- the store's schema version, reorg's version, the Python and SQLite versions and the size and
  modification time of every module of the engine and the event format (so a changed compiler
  never reads an old entry), and
- a fingerprint of the event files: the list of event files in replay order, found by the
  documented discovery rules (so any added, deleted or renamed file changes it), and for each
  file its size, ``mtime_ns``, ``ctime_ns``, inode and device.

Any write to a file updates its ``ctime``, which no program can set back, so an edited file
always looks different, even if it keeps its size and its ``mtime`` is restored (``touch -d``,
``cp -p``, ``git checkout``). The one gap of stat-based fingerprints is a file changed twice
within one tick of the file system's clock, once before and once after reorg looked at it (the
"racy git" problem): stats alone cannot see the second write. So a file whose ``ctime`` or
``mtime`` is less than :data:`RACY_SECONDS` old when it is fingerprinted also has its content
hashed (SHA-256), and the hash is checked again on every later run. Content hashes of every
file would close the gap too but cost a full read of the history (hundreds of megabytes at a
million events) on every run; stats cost one ``stat`` per file.

**Safe.** An entry is built in a temporary file in the cache directory and renamed over the
old one (``os.replace``), so concurrent runs only ever see complete entries; a reader keeps the
file it opened even if another process replaces it. An entry is opened only if it is a regular
file (a FIFO or device at its path is never opened, so it cannot hang a run), read-only and as
immutable. A corrupt, truncated, foreign or old-schema entry is ignored and rebuilt, never an
error, and so is a cache directory that cannot be written (the store is then kept in memory).
Only histories that compiled without errors are cached.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import sqlite3
import stat
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from reorg_cli import __version__
from reorg_cli.engine.schema import SCHEMA_VERSION
from reorg_cli.engine.store import APPLICATION_ID, PRIVATE, Store, StoreDamaged, connect
from reorg_cli.engine.storeerrors import StorageError
from reorg_cli.engine.timeline import Timeline

#: Files changed less than this long before they were fingerprinted are also hashed.
RACY_SECONDS = 3.0
_SUFFIX = ".sqlite"

#: A progress callback: (stage, done, total); stages are "read", "compile" and "cache".
Progress = Callable[[str, int, int], None]

#: Kept for callers of the old name.
CacheDamaged = StoreDamaged


# -- where, and whether ---------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """The cache directory, or None when the cache is turned off (``REORG_NO_CACHE``)."""
    if os.environ.get("REORG_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("REORG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "reorg"
    return Path.home() / ".cache" / "reorg"


def _entry_path(directory: Path, events: Path) -> Path:
    try:
        resolved = str(events.resolve())
    except (OSError, RuntimeError):
        resolved = os.path.abspath(events)
    # The name only spreads entries; what an entry holds is checked against its fingerprint.
    key = f"{events}\0{resolved}".encode("utf-8", "surrogatepass")
    name = f"{zlib.crc32(key):08x}{zlib.adler32(key[::-1]):08x}{len(key) % 4096:03x}"
    return directory / (name + _SUFFIX)


def _code_key() -> str:
    """The version of everything that shapes a compiled store."""
    engine = Path(__file__).resolve().parent
    modules = []
    for here in (engine, engine.parent / "events"):
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(here), key=lambda e: e.name):
                if entry.name.endswith((".py", ".json")):
                    info = entry.stat()
                    modules.append((here.name, entry.name, info.st_size, info.st_mtime_ns))
    key = (SCHEMA_VERSION, __version__, sys.version, sqlite3.sqlite_version, modules)
    return orjson.dumps(key).decode()


# -- fingerprints ----------------------------------------------------------------------------------

_EVENT_SUFFIXES = (".yaml", ".yml")


def scan_event_files(path: Path) -> list[tuple[str, str]] | None:
    """The event files under ``path`` as (display path, real path), in the loader's order.

    The same documented rules as :func:`reorg_cli.events.loader.discover_event_files`, without
    importing the loader (and YAML). None when ``path`` cannot be read; the loader then
    reports why.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return [(str(path), str(path))] if _is_utf8(str(path)) else None
    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # Per directory, what the loader computes per file with pathlib (same strings).
        base = str(Path(dirpath))
        relative = Path(dirpath).relative_to(path).as_posix()
        prefix = "" if relative == "." else relative + "/"
        joiner = "" if base.endswith("/") else "/"
        for name in filenames:
            if name.startswith(".") or not name.endswith(_EVENT_SUFFIXES):
                continue
            found.append((prefix + name, base + joiner + name))
    found.sort(key=lambda item: item[0])
    if not all(_is_utf8(display) for _, display in found):
        return None  # the loader says which name
    return [(display, display) for _, display in found]


def _is_utf8(text: str) -> bool:
    """Whether a path decoded from the file system is valid UTF-8 (not surrogate-escaped)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _hash_file(path: str) -> str | None:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def fingerprint(files: list[tuple[str, str]]) -> tuple[Any, ...] | None:
    """Stats (and, for recently changed files, content hashes) of the event files."""
    racy_after = time.time_ns() - int(RACY_SECONDS * 1e9)
    entries: list[tuple[Any, ...]] = []
    for display, real in files:
        try:
            info = os.stat(real)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        entry: tuple[Any, ...] = (
            display,
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_ino,
            info.st_dev,
        )
        if max(info.st_mtime_ns, info.st_ctime_ns) >= racy_after:
            content = _hash_file(real)
            if content is None:
                return None
            entry += (content,)
        entries.append(entry)
    return tuple(entries)


def _still_matches(stored: tuple[Any, ...], files: list[tuple[str, str]]) -> bool:
    """Whether the event files are exactly those fingerprinted in ``stored``."""
    if len(stored) != len(files):
        return False
    for entry, (display, real) in zip(stored, files, strict=True):
        try:
            info = os.stat(real)
        except OSError:
            return False
        if entry[:6] != (
            display,
            info.st_size,
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_ino,
            info.st_dev,
        ):
            return False
        if len(entry) > 6 and _hash_file(real) != entry[6]:
            return False
    return True


# -- the entry point -------------------------------------------------------------------------------


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Compiling allocates millions of acyclic objects (the replay's state lives as long as the
    replay); the cycle collector would rescan them again and again. So it is paused while
    compiling."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_timeline_cached(
    path: Path, *, use_cache: bool = True, progress: Progress | None = None
) -> Timeline:
    """The timeline of the event files under ``path``, from its cache entry when that is
    current, else compiled into a new entry (or into memory, when the cache is off or cannot be
    written). Raises :class:`EventFileError` when the files have errors."""
    directory = cache_dir() if use_cache else None
    files = scan_event_files(path) if directory is not None else None
    entry = _entry_path(directory, path) if directory is not None and files else None
    if entry is not None and files:
        cached = open_entry(entry, files)
        if cached is not None:
            return cached
        if not _replaceable(entry):
            entry = None  # a directory there: compile into memory, not into a file

    prints = fingerprint(files) if entry is not None and files else None  # before reading
    # Only a run that compiles needs the builder (a warm run imports neither it nor YAML).
    from reorg_cli.engine.build import FilesChanged, compile_files

    with _gc_paused():
        if entry is not None and files is not None and prints is not None:
            meta = {"code": _code_key(), "fingerprint": orjson.dumps(prints).decode()}
            scanned = tuple(display for display, _ in files)
            with contextlib.suppress(OSError, sqlite3.Error, FilesChanged, StorageError):
                built = _build_entry(
                    entry, lambda conn: compile_files(conn, path, progress, meta, scanned)
                )
                store = Store(built, file=str(entry))
                store.built = True
                return Timeline(store)
        conn = connect(PRIVATE)
        compile_files(conn, path, progress)
    return Timeline(Store(conn))


def _replaceable(entry: Path) -> bool:
    """Whether a new entry can be renamed to ``entry``: not when a directory is there (a file
    is never renamed over one); anything else in the cache's own directory (a FIFO, a
    damaged file) is replaced."""
    try:
        return not stat.S_ISDIR(os.lstat(entry).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _build_entry(entry: Path, fill: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """Build a store in a temporary file next to ``entry``, rename it over ``entry`` and return
    a read-only connection to the file built.

    The connection is opened before the rename, so it reads this run's store even if another
    run renames its own entry over ``entry`` a moment later; if the rename fails, the store
    built is still used (and its file removed), rather than compiling the history again."""
    import tempfile

    entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_stale_temporaries(entry.parent)
    handle, name = tempfile.mkstemp(dir=entry.parent, prefix=entry.name + ".", suffix=".tmp")
    os.close(handle)
    try:
        conn = sqlite3.connect(os.fsencode(name), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = OFF")  # a half-built file is never renamed
            conn.execute("PRAGMA synchronous = OFF")
            fill(conn)
        finally:
            conn.close()
        reader = _open_regular(Path(name))
        if reader is None:
            raise OSError(f"cannot open {name}")
        try:
            os.replace(name, entry)
        except OSError:
            os.unlink(name)  # the reader keeps the file it opened
        return reader
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


#: The names :func:`_build_entry`'s temporary files have: an entry's name, then ``mkstemp``'s
#: eight random characters.
_TEMPORARY = re.compile(r"[0-9a-f]{19}\.sqlite\.[a-z0-9_]{8}\.tmp")


def _remove_stale_temporaries(directory: Path) -> None:
    """Temporary files left by runs that were killed while writing: only regular files with
    exactly the names reorg gives them, not changed for an hour."""
    limit = time.time() - 3600
    with contextlib.suppress(OSError):
        for item in os.scandir(directory):
            if not _TEMPORARY.fullmatch(item.name):
                continue
            with contextlib.suppress(OSError):
                info = item.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < limit:
                    os.unlink(item.path)


def _open_regular(entry: Path) -> sqlite3.Connection | None:
    """A read-only connection to ``entry`` if it is a regular file: checked with ``lstat`` and
    again on a non-blocking descriptor, so a FIFO, device or symlink there cannot hang or
    redirect the run."""
    try:
        info = os.lstat(entry)
        if not stat.S_ISREG(info.st_mode):
            return None
        fd = os.open(
            entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
    except OSError:
        return None
    try:
        held = os.fstat(fd)
        if not stat.S_ISREG(held.st_mode) or (held.st_dev, held.st_ino) != (
            info.st_dev,
            info.st_ino,
        ):
            return None
        # Quoted from the path's bytes: a name that is not UTF-8 works too.
        uri = "file:" + quote(os.fsencode(entry.absolute())) + "?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA cache_size = -65536")
        # The connection has the file open now: make sure it is the one that was checked.
        after = os.stat(entry)
        if (after.st_dev, after.st_ino) != (held.st_dev, held.st_ino):
            conn.close()
            return None
        return conn
    except (OSError, sqlite3.Error):
        return None
    finally:
        os.close(fd)


#: The stores read from cache entries (not built) in this process: see :func:`forget_opened`.
_opened: list[Store] = []


def open_entry(entry: Path, files: list[tuple[str, str]], *, check: bool = True) -> Timeline | None:
    """The timeline of the store at ``entry`` if it is a current store for ``files``, else
    None (a damaged, foreign, old or stale entry is simply not used)."""
    conn = _open_regular(entry)
    if conn is None:
        return None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID or version != SCHEMA_VERSION:
            raise ValueError("not a store of this version")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("code") != _code_key():
            raise ValueError("another version of reorg")
        stored = tuple(tuple(e) for e in orjson.loads(meta["fingerprint"]))
        if check and not _still_matches(stored, files):
            raise ValueError("stale")
        held = os.stat(entry)
    except (sqlite3.Error, ValueError, KeyError, TypeError, OSError):
        conn.close()
        return None

    def remove() -> None:
        # Only the file this run read: another run may have put a new entry there since.
        with contextlib.suppress(OSError):
            now = os.lstat(entry)
            if (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                os.unlink(entry)

    store = Store(conn, on_damage=remove, file=str(entry))
    _opened.append(store)
    return Timeline(store)


def forget_opened(*, remove: bool = True) -> bool:
    """Forget the cache entries this process read (not those it built), and with ``remove``
    delete them as damaged; whether there were any.

    A store trusts its pages like any SQLite database, so bytes damaged in a way SQLite does
    not notice can make the engine fail in unexpected ways while it reads them (a date that no
    longer parses, an id that is not there). The CLI's error boundary calls this when a command
    that read a cache entry fails with an unexpected error, and then runs the command once more
    without the cache: the entry is rebuilt on the next run, never read again.
    """
    found = bool(_opened)
    if remove:
        for store in _opened:
            if store.on_damage is not None:
                store.on_damage()
    _opened.clear()
    return found
