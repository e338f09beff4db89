"""The compiled-timeline cache: a second run on unchanged event files skips YAML entirely.

Where: ``$REORG_CACHE_DIR``, else ``$XDG_CACHE_HOME/reorg``, else ``~/.cache/reorg``; one file
per events path. ``REORG_NO_CACHE=1`` (or ``reorg --no-cache``) turns it off.

**Never stale.** An entry is used only if its key matches the current run exactly:

- the cache format, reorg's version, the Python version and the size and modification time of
  every module of reorg itself (so a changed compiler never reads an old cache), and
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

**Safe.** An entry is written to a temporary file in the cache directory and renamed over the
old one (``os.replace``), so concurrent runs only ever see complete entries; a reader keeps the
file it opened even if another process replaces it. A corrupt, truncated or incompatible entry
is ignored and rebuilt, never an error, and so is a cache directory that cannot be written.
Only histories that compiled without errors are cached.

**Fast.** Loading a million-event timeline object by object takes seconds, so an entry is not
a pickle: it is a memory-mapped file of sections, most of them one marshal record per event,
person or fact with an offset table, decoded only when a query touches it (see
:class:`CachedTimeline`). Queries find what they need through indexes stored with the entry:
the facts alive on any day (an interval index with checkpoints), facts by person, and the name
lookups.
"""

from __future__ import annotations

import array
import bisect
import contextlib
import dataclasses
import enum
import gc
import importlib
import itertools
import marshal
import mmap
import os
import stat
import sys
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, cast

from reorg_cli import __version__
from reorg_cli.engine.facts import Edge, Fact, FactKind
from reorg_cli.engine.timeline import Timeline
from reorg_cli.events.dates import POS_INF, DateWindow, PartialDate, WindowKind
from reorg_cli.events.errors import Location, ReorgError, Severity
from reorg_cli.events.model import Confidence, Dataset, Source

if TYPE_CHECKING:
    from reorg_cli.events.model import Event, Person

#: Bumped whenever the layout of an entry changes.
CACHE_FORMAT = 2
#: Files changed less than this long before they were fingerprinted are also hashed.
RACY_SECONDS = 3.0
_MAGIC = b"REORGC01"
_TRAILER = b"REORGEND"
_SUFFIX = ".timeline"

_IntCode = Literal["I", "i", "B", "Q"]
#: A progress callback: (stage, done, total); stages are "read", "compile" and "cache".
Progress = Callable[[str, int, int], None]


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


def _code_key() -> tuple[Any, ...]:
    """The version of everything that shapes a compiled timeline."""
    here = Path(__file__).resolve().parent
    modules = []
    with contextlib.suppress(OSError):
        for entry in sorted(os.scandir(here), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                info = entry.stat()
                modules.append((entry.name, info.st_size, info.st_mtime_ns))
    return (CACHE_FORMAT, __version__, sys.version, sys.hexversion, tuple(modules))


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
        return [(str(path), str(path))]
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
    return [(display, display) for _, display in found]


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
    """Compiling allocates millions of long-lived, acyclic objects; the cycle collector would
    rescan all of them again and again (three quarters of the time at 100k events). So it is
    paused while compiling, and what survives is then frozen (``gc.freeze``): otherwise all of
    it would still be in the youngest generation, and the first collection afterwards would
    walk every object of the timeline (half a minute at a million events)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def load_timeline_cached(
    path: Path, *, use_cache: bool = True, progress: Progress | None = None
) -> Timeline:
    """Like :func:`reorg_cli.engine.timeline.load_timeline`, through the cache when possible."""
    from reorg_cli.engine.timeline import load_timeline

    directory = cache_dir() if use_cache else None
    files = scan_event_files(path) if directory is not None else None
    if directory is None or not files:
        with _gc_paused():
            return load_timeline(path, progress=progress)
    entry = _entry_path(directory, path)
    cached = open_entry(entry, files)
    if cached is not None:
        return cached
    prints = fingerprint(files)  # before reading: a later change must not match it
    with _gc_paused():
        timeline = load_timeline(path, progress=progress)
        if prints is not None and tuple(d for d, _ in files) == tuple(timeline.dataset.files):
            with contextlib.suppress(Exception):
                write_entry(entry, prints, timeline, progress)
    return timeline


# -- writing ---------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """A value the codec cannot store; the timeline is then simply not cached."""


# Tags of encoded values. Primitives and tuples of primitives are stored as themselves; a list
# always starts with one of these tags.
_T_OBJ, _T_ENUM, _T_TUPLE, _T_DICT, _T_WINDOW, _T_LOC, _T_SOURCE = range(7)

_FACT_FIELDS = (
    "kind",
    "slot",
    "value",
    "start",
    "start_confidence",
    "end",
    "end_confidence",
    "end_reason",
    "successor",
    "last_confirmed",
    "confirmed_by",
)
_EDGE_FIELDS = ("window", "event", "order", "implied_by")
_WINDOW_FIELDS = ("kind", "lo", "hi", "first", "second")
_PARTIAL_FIELDS = ("year", "month", "day")
_LOCATION_FIELDS = ("path", "line", "column")


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


class _Encoder:
    """Turns the dataclasses of a timeline into marshal-able values, sharing what repeats."""

    def __init__(self) -> None:
        self.classes: list[tuple[str, str, tuple[str, ...]]] = []
        self.class_index: dict[type, int] = {}
        self.windows: list[tuple[Any, ...]] = []
        self.window_index: dict[DateWindow, int] = {}
        self.paths: list[str] = []
        self.path_index: dict[str, int] = {}
        self.sources: list[Any] = []
        self.source_index: dict[int, int] = {}
        self.source_keep: list[Any] = []
        if _field_names(DateWindow) != _WINDOW_FIELDS or _field_names(PartialDate) != (
            _PARTIAL_FIELDS
        ):
            raise _Unsupported("dates changed")
        if _field_names(Location) != _LOCATION_FIELDS:
            raise _Unsupported("locations changed")

    def cls(self, cls: type) -> int:
        index = self.class_index.get(cls)
        if index is None:
            if "<locals>" in cls.__qualname__:
                raise _Unsupported(cls.__qualname__)
            names = _field_names(cls) if dataclasses.is_dataclass(cls) else ()
            index = len(self.classes)
            self.classes.append((cls.__module__, cls.__qualname__, names))
            self.class_index[cls] = index
        return index

    def window(self, window: DateWindow) -> int:
        index = self.window_index.get(window)
        if index is None:
            index = len(self.windows)
            self.windows.append(
                (
                    window.kind.value,
                    window.lo,
                    window.hi,
                    _partial(window.first),
                    _partial(window.second),
                )
            )
            self.window_index[window] = index
        return index

    def path(self, text: str) -> int:
        index = self.path_index.get(text)
        if index is None:
            index = len(self.paths)
            self.paths.append(text)
            self.path_index[text] = index
        return index

    def value(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is str or kind is int or kind is bool:
            return value
        if kind is tuple:
            items = [self.value(item) for item in value]
            if all(type(item) is not list for item in items):
                return tuple(items)
            return [_T_TUPLE, *items]
        if kind is DateWindow:
            return [_T_WINDOW, self.window(value)]
        if kind is Location:
            return [_T_LOC, self.path(value.path), value.line, value.column]
        if isinstance(value, enum.Enum):
            return [_T_ENUM, self.cls(kind), value.value]
        if kind is dict:
            keys = list(value)
            return [_T_DICT, len(keys), *map(self.value, keys), *map(self.value, value.values())]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if kind is Source:
                return [_T_SOURCE, self.source(value)]
            return self.object(value)
        raise _Unsupported(f"cannot cache a {kind.__name__}")

    def object(self, value: Any) -> list[Any]:
        kind = type(value)
        index = self.cls(kind)
        names = self.classes[index][2]
        return [_T_OBJ, index, *(self.value(getattr(value, name)) for name in names)]

    def source(self, value: Any) -> int:
        index = self.source_index.get(id(value))
        if index is None:
            index = len(self.sources)
            self.sources.append(self.object(value))
            self.source_index[id(value)] = index
            self.source_keep.append(value)  # keep it alive so its id stays unique
        return index


def _partial(date: PartialDate | None) -> tuple[int, int | None, int | None] | None:
    return None if date is None else (date.year, date.month, date.day)


class _Writer:
    """Writes sections to a file, remembering where each one is."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.offset = 0
        self.sections: dict[str, tuple[int, int, int]] = {}  # start, length, CRC-32 or -1

    def raw(self, name: str, data: bytes | bytearray | memoryview) -> None:
        self.align()
        self.handle.write(data)
        self.sections[name] = (self.offset, len(data), zlib.crc32(data))
        self.offset += len(data)

    def value(self, name: str, value: Any) -> None:
        self.raw(name, marshal.dumps(value))

    def ints(self, name: str, values: Iterable[int], code: _IntCode = "I") -> None:
        self.raw(name, array.array(code, values).tobytes())

    def records(self, name: str, values: Iterable[Any], step: Callable[[], None] | None) -> None:
        """One marshal record per value, then tables of their offsets (``name#``) and CRC-32s
        (``name~``, checked as each record is decoded)."""
        self.align()
        start = self.offset
        offsets = array.array("Q", [0])
        crcs = array.array("I")
        chunks: list[bytes] = []
        pending = total = 0
        for count, value in enumerate(values, 1):
            blob = marshal.dumps(value)
            crcs.append(zlib.crc32(blob))
            chunks.append(blob)
            total += len(blob)
            pending += len(blob)
            offsets.append(total)
            if pending > 1 << 22:
                self.handle.write(b"".join(chunks))
                chunks.clear()
                pending = 0
            if step is not None and count % 4096 == 0:
                step()
        self.handle.write(b"".join(chunks))
        self.offset = start + total
        self.sections[name] = (start, total, -1)
        self.raw(name + "#", offsets.tobytes())
        self.raw(name + "~", crcs.tobytes())

    def align(self) -> None:
        pad = (-self.offset) % 8  # so that arrays can be cast in place
        if pad:
            self.handle.write(b"\0" * pad)
            self.offset += pad


def _interval(fact: Fact) -> tuple[int, int]:
    """Days on which a fact is not absent: ``lo <= day < hi`` (see :meth:`Fact.presence`)."""
    return fact.start.window.lo, (fact.end.window.hi if fact.end is not None else POS_INF)


_CHECKPOINTS = 64


def _interval_index(
    lo: Sequence[int], hi: Sequence[int], by_lo: Sequence[int]
) -> tuple[list[int], list[array.array[int]]]:
    """Checkpoint days, and the facts alive (``lo <= day < hi``) on each, by id."""
    import heapq

    count = len(lo)
    if not count:
        return [], []
    days = sorted({lo[by_lo[(count - 1) * j // _CHECKPOINTS]] for j in range(1, _CHECKPOINTS)})
    alive: set[int] = set()
    ends: list[tuple[int, int]] = []
    snapshots: list[array.array[int]] = []
    position = 0
    for day in days:
        while position < count and lo[by_lo[position]] <= day:
            fact = by_lo[position]
            alive.add(fact)
            heapq.heappush(ends, (hi[fact], fact))
            position += 1
        while ends and ends[0][0] <= day:
            alive.discard(heapq.heappop(ends)[1])
        snapshots.append(array.array("I", sorted(alive)))
    return days, snapshots


def write_entry(
    entry: Path, prints: tuple[Any, ...], timeline: Timeline, progress: Progress | None = None
) -> None:
    """Store a compiled timeline under ``entry`` (atomically)."""
    if any(p.severity is Severity.ERROR for p in timeline.problems):
        return
    if _field_names(Fact) != _FACT_FIELDS or _field_names(Edge) != _EDGE_FIELDS:
        return
    import tempfile

    entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _remove_stale_temporaries(entry.parent)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
        dir=entry.parent, prefix=entry.name + ".", suffix=".tmp", delete=False
    )
    try:
        with handle:
            _write_body(handle, prints, timeline, progress)
        os.replace(handle.name, entry)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _remove_stale_temporaries(directory: Path) -> None:
    """Temporary files left by runs that were killed while writing."""
    limit = time.time() - 3600
    with contextlib.suppress(OSError):
        for item in os.scandir(directory):
            if item.name.endswith(".tmp") and _SUFFIX in item.name:
                with contextlib.suppress(OSError):
                    if item.stat().st_mtime < limit:
                        os.unlink(item.path)


def _write_body(
    handle: Any, prints: tuple[Any, ...], timeline: Timeline, progress: Progress | None
) -> None:
    encoder = _Encoder()
    dataset = timeline.dataset
    facts = timeline.facts
    events = dataset.events
    total_steps = (len(events) + len(facts) + len(dataset.people)) // 4096 + 1
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress("cache", done[0], total_steps)

    handle.write(b"\0" * 16)  # magic and header offset, filled in at the end
    out = _Writer(handle)
    out.offset = 16

    # Events, in dataset order, and the replay order as dataset positions.
    position = {id(event): index for index, event in enumerate(events)}
    order = array.array("I", (position[id(e)] for e in timeline.order))
    del position
    out.raw("order", order.tobytes())
    out.records("events", (encoder.object(e) for e in events), step)
    out.value("event_ids", [e.id for e in events])
    statuses = timeline.statuses
    out.records("statuses", (encoder.value(statuses[e.id]) for e in events), None)

    # People, in registry order.
    people = list(dataset.people.values())
    out.records("people", (encoder.object(p) for p in people), step)
    out.value("people_ids", {p.id: index for index, p in enumerate(people)})
    del people

    # Facts. Their edges: edge ``i`` is the edge of replay step ``i`` (shared by the facts its
    # event started or ended); variants (an end moved to its start, an implied end) follow.
    replayed = timeline.order
    variants: dict[int, int] = {}
    variant_records: list[tuple[Any, ...]] = []

    def edge(value: Edge | None) -> int:
        if value is None:
            return -1
        step_event = replayed[value.order]
        if (
            value.implied_by is None
            and value.event == step_event.id
            and value.window == step_event.date
        ):
            return value.order
        index = variants.get(id(value))
        if index is None:
            index = len(replayed) + len(variant_records)
            variant_records.append(
                (encoder.window(value.window), value.event, value.order, value.implied_by)
            )
            variants[id(value)] = index
        return index

    kinds = {kind: index for index, kind in enumerate(FactKind)}

    def fact_record(fact: Fact) -> tuple[Any, ...]:
        return (
            kinds[fact.kind],
            fact.slot,
            fact.value,
            edge(fact.start),
            int(fact.start_confidence),
            edge(fact.end),
            -1 if fact.end_confidence is None else int(fact.end_confidence),
            fact.end_reason,
            fact.successor,
            -1 if fact.last_confirmed is None else encoder.window(fact.last_confirmed),
            fact.confirmed_by,
        )

    out.records("facts", (fact_record(f) for f in facts), step)
    plain_edges = (
        (encoder.window(event.date), event.id, index, None) for index, event in enumerate(replayed)
    )
    out.records("edges", itertools.chain(plain_edges, variant_records), None)
    variants.clear()
    variant_records.clear()
    lows = array.array("i")
    highs = array.array("i")
    for fact in facts:
        lo, hi = _interval(fact)
        lows.append(lo)
        highs.append(hi)
    out.raw("lo", lows.tobytes())
    out.raw("hi", highs.tobytes())
    by_lo = array.array("I", sorted(range(len(facts)), key=lows.__getitem__))
    out.raw("by_lo", by_lo.tobytes())
    out.ints("by_lo_day", (lows[i] for i in by_lo), "i")
    days, snapshots = _interval_index(lows, highs, by_lo)
    del by_lo, lows, highs
    out.ints("checkpoint_days", days, "i")
    out.ints("checkpoint_offsets", itertools.accumulate((len(s) for s in snapshots), initial=0))
    out.raw("checkpoint_facts", b"".join(snapshot.tobytes() for snapshot in snapshots))
    del snapshots
    out.ints("kind_of", (kinds[f.kind] for f in facts), "B")
    unit_ids = {
        id(fact): index
        for index, fact in enumerate(facts)
        if fact.kind not in (FactKind.ROLE, FactKind.VACANCY, FactKind.REPORTING_LINE)
    }
    out.value(
        "unit_facts",
        [
            (unit, [(kinds[kind], [unit_ids[id(f)] for f in group]) for kind, group in by.items()])
            for unit, by in timeline.unit_facts.items()
        ],
    )
    del unit_ids
    about: dict[int, dict[str, array.array[int]]] = {
        kinds[kind]: {} for kind in (FactKind.ROLE, FactKind.VACANCY, FactKind.REPORTING_LINE)
    }
    for index, fact in enumerate(facts):
        table = about.get(kinds[fact.kind])
        if table is not None:
            key = str(fact.slot[0])
            ids = table.get(key)
            if ids is None:
                ids = table[key] = array.array("I")
            ids.append(index)
    out.value(
        "about",
        {code: {k: v.tobytes() for k, v in table.items()} for code, table in about.items()},
    )
    del about

    # Name lookups, exactly as the timeline computes them.
    for which, lookup in enumerate(timeline._build_indexes()):
        names = list(lookup)
        out.value(f"names{which}", names)
        out.ints(f"names{which}_sorted", sorted(range(len(names)), key=names.__getitem__))
        out.records(f"names{which}_owners", (tuple(sorted(lookup[k])) for k in names), None)
    out.value("labels", (timeline._person_labels(), timeline._unit_labels()))

    meta = {
        "files": tuple(dataset.files),
        "units": encoder.value(dataset.units),
        "sources": encoder.value(dataset.sources),
        "problems": encoder.value(tuple(timeline.problems)),
        "settings": encoder.value(dataset.settings),
        "counts": (len(events), len(dataset.people), len(facts)),
    }
    # Shared tables last: every record above may have added to them.
    out.value("meta", meta)
    out.value("windows", encoder.windows)
    out.value("paths", encoder.paths)
    out.value("sources", encoder.sources)
    out.value("classes", encoder.classes)
    header = marshal.dumps({"key": _code_key(), "fingerprint": prints, "sections": out.sections})
    out.align()
    header_at = out.offset
    out.raw("header", header)
    handle.write(_TRAILER)
    handle.seek(0)
    handle.write(_MAGIC + header_at.to_bytes(8, "little"))
    handle.flush()


# -- reading ---------------------------------------------------------------------------------------


class _Corrupt(Exception):
    """The entry cannot be used."""


class CacheDamaged(ReorgError):
    """A cache entry turned out to be damaged while a query was reading it. The entry has been
    removed; the CLI then runs the command again without the cache (``retry_without_cache``)."""

    retry_without_cache = True


def open_entry(entry: Path, files: list[tuple[str, str]]) -> CachedTimeline | None:
    """The cached timeline of ``entry`` if it is valid for ``files``, else None."""
    try:
        # Kept open: records are read with pread (see _Records), tables through the map.
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        if size < 32:
            os.close(fd)
            return None
        data = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        os.close(fd)
        return None
    try:
        store = _Store(data, size, entry)
        store.fd = fd
        if store.header["key"] != _code_key():
            raise _Corrupt("another version")
        if not _still_matches(store.header["fingerprint"], files):
            raise _Corrupt("stale")
        store.prepare()
        timeline = CachedTimeline(store)
    except Exception:
        # Views into the map may still exist; the map is closed when they are collected.
        with contextlib.suppress(BufferError):
            data.close()
        os.close(fd)
        return None
    weakref.finalize(store, os.close, fd)
    return timeline


class _Store:
    """Sections of a memory-mapped entry, decoded on demand."""

    def __init__(self, data: mmap.mmap, size: int, path: Path | None = None) -> None:
        self.data = data
        self.path = path
        self.view = memoryview(data)
        self.fd: int | None = None
        self.checked: set[str] = set()
        if bytes(self.view[:8]) != _MAGIC or bytes(self.view[size - 8 : size]) != _TRAILER:
            raise _Corrupt("not an entry")
        header_at = int.from_bytes(self.view[8:16], "little")
        if not 16 <= header_at < size:
            raise _Corrupt("bad header")
        self.header: dict[str, Any] = marshal.loads(self.view[header_at : size - 8])
        self.sections: dict[str, tuple[int, int, int]] = self.header["sections"]
        for start, length, _ in self.sections.values():
            if start < 0 or start + length > size:
                raise _Corrupt("bad section")

    def raw(self, name: str, verify: bool = True) -> memoryview:
        """A section's bytes, checked against its CRC the first time (unless ``verify`` is
        false: tables whose damage the record checks catch anyway)."""
        start, length, crc = self.sections[name]
        data = self.view[start : start + length]
        if verify and crc >= 0 and name not in self.checked:
            if zlib.crc32(data) != crc:
                self.damaged(name)
            self.checked.add(name)
        return data

    def value(self, name: str) -> Any:
        try:
            return marshal.loads(self.raw(name))
        except (ValueError, EOFError, TypeError):
            self.damaged(name)

    def ints(self, name: str, code: _IntCode = "I", verify: bool = True) -> memoryview[int]:
        return self.raw(name, verify).cast(code)

    def damaged(self, where: str) -> NoReturn:
        """Stop: remove the entry (the next run rebuilds it) and say so."""
        if self.path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        raise CacheDamaged(f"the compiled-timeline cache entry {self.path} is damaged ({where})")

    def prepare(self) -> None:
        self.paths: list[str] = self.value("paths")
        self.window_records: list[Any] = self.value("windows")
        self.windows: list[DateWindow | None] = [None] * len(self.window_records)
        # (class, setters) for dataclasses, (class, {value: member}) for enums
        self.classes = [_load_class(*entry) for entry in self.value("classes")]
        self.source_records: list[Any] = self.value("sources")
        self.source_objects: list[Any] = [None] * len(self.source_records)
        self.meta: dict[str, Any] = self.value("meta")
        self.kinds = list(FactKind)
        self.confidences = list(Confidence)
        self.events = _Records(self, "events", self.object_record)
        self.people = _Records(self, "people", self.object_record)
        self.statuses = _Records(self, "statuses", self.decode)
        self.facts = _Records(self, "facts", self.fact)
        self.edges = _Records(self, "edges", self.edge)
        self.order = self.ints("order")
        self.hi = self.ints("hi", "i")
        self.kind_of = self.ints("kind_of", "B")
        self.event_hints: dict[str, int] = {}
        self.make_handlers()

    # -- decoding --------------------------------------------------------------------------------
    def window(self, index: int) -> DateWindow:
        found = self.windows[index]
        if found is None:
            kind, lo, hi, first, second = self.window_records[index]
            found = DateWindow(
                WindowKind(kind),
                lo,
                hi,
                PartialDate(*first) if first is not None else None,
                PartialDate(*second) if second is not None else None,
            )
            self.windows[index] = found
        return found

    def edge(self, record: Any) -> Edge:
        window, event, order, implied_by = record
        self.event_hints[event] = self.order[order]
        return Edge(self.window(window), event, order, implied_by)

    def fact(self, record: Any) -> Fact:
        (
            kind,
            slot,
            value,
            start,
            start_conf,
            end,
            end_conf,
            end_reason,
            successor,
            last_confirmed,
            confirmed_by,
        ) = record
        confidences = self.confidences
        return Fact(
            self.kinds[kind],
            slot,
            value,
            self.edges[start],
            confidences[start_conf],
            self.edges[end] if end >= 0 else None,
            confidences[end_conf] if end_conf >= 0 else None,
            end_reason,
            successor,
            self.window(last_confirmed) if last_confirmed >= 0 else None,
            confirmed_by,
        )

    def object_record(self, record: Any) -> Any:
        return self.decode(record)

    def decode(self, value: Any) -> Any:
        """An encoded value back to objects (lists are encoded objects; the rest is itself)."""
        if value.__class__ is not list:
            return value
        return self.handlers[value[0]](value)

    def make_handlers(self) -> None:
        """One decoding function per tag, and one generated per stored class."""
        paths, windows, sources = self.paths, self.window, self.source
        enums = {i: extra for i, (_, extra) in enumerate(self.classes) if isinstance(extra, dict)}
        objects: list[Callable[[Any], Any]] = []
        handlers: list[Callable[[Any], Any]] = [lambda v: v] * 7

        def tuple_of(v: Any) -> tuple[Any, ...]:
            return tuple(x if x.__class__ is not list else handlers[x[0]](x) for x in v[1:])

        def dict_of(v: Any) -> dict[Any, Any]:
            count = v[1]
            keys = [self.decode(k) for k in v[2 : 2 + count]]
            return dict(zip(keys, map(self.decode, v[2 + count :]), strict=True))

        handlers[_T_OBJ] = lambda v: objects[v[1]](v)
        handlers[_T_ENUM] = lambda v: enums[v[1]][v[2]]
        handlers[_T_TUPLE] = tuple_of
        handlers[_T_DICT] = dict_of
        handlers[_T_WINDOW] = lambda v: windows(v[1])
        handlers[_T_LOC] = lambda v: Location(paths[v[1]], v[2], v[3])
        handlers[_T_SOURCE] = lambda v: sources(v[1])
        for cls, extra in self.classes:
            if not isinstance(extra, dict):
                objects.append(_object_decoder(cls, extra, handlers))
            else:
                objects.append(_not_an_object)
        self.handlers = handlers

    def source(self, index: int) -> Any:
        found = self.source_objects[index]
        if found is None:
            found = self.decode(self.source_records[index])
            self.source_objects[index] = found
        return found

    # -- indexes ---------------------------------------------------------------------------------
    def alive(self, day: int) -> list[int]:
        """Ids of the facts not absent on ``day``, in creation order."""
        hi = self.hi
        by_lo_day = self.ints("by_lo_day", "i")
        by_lo = self.ints("by_lo")
        days = self.ints("checkpoint_days", "i")
        checkpoint = bisect.bisect_right(days, day) - 1
        end = bisect.bisect_right(by_lo_day, day)
        if checkpoint < 0:
            found = [f for f in by_lo[:end] if hi[f] > day]
        else:
            offsets = self.ints("checkpoint_offsets")
            members = self.ints("checkpoint_facts")[offsets[checkpoint] : offsets[checkpoint + 1]]
            found = [f for f in members if hi[f] > day]
            start = bisect.bisect_right(by_lo_day, days[checkpoint])
            found.extend(f for f in by_lo[start:end] if hi[f] > day)
            found.sort()
        return found


def _load_class(module: str, qualname: str, names: tuple[str, ...]) -> tuple[Any, Any]:
    target: Any = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise _Corrupt(qualname)
    if issubclass(target, enum.Enum):
        return target, {member.value: member for member in target}
    if _field_names(target) != names:
        raise _Corrupt(f"{qualname} changed")
    setters: list[Any] = []
    for name in names:
        descriptor = target.__dict__.get(name) if "__slots__" in target.__dict__ else None
        if descriptor is None:
            for base in target.__mro__:
                if "__slots__" in base.__dict__ and name in base.__dict__:
                    descriptor = base.__dict__[name]
                    break
        if descriptor is not None and hasattr(descriptor, "__set__"):
            setters.append(descriptor.__set__)
        else:
            setters.append(_dict_setter(name))
    return target, tuple(setters)


def _dict_setter(name: str) -> Callable[[Any, Any], None]:
    def set_item(obj: Any, value: Any) -> None:
        object.__setattr__(obj, name, value)

    return set_item


def _object_decoder(
    cls: type, setters: tuple[Callable[[Any, Any], None], ...], handlers: list[Any]
) -> Callable[[Any], Any]:
    """A decoder for one class's records, generated with its fields unrolled."""
    lines = ["def decode(v):", "    o = new(cls)"]
    for index in range(len(setters)):
        lines.append(f"    x = v[{index + 2}]")
        lines.append("    if x.__class__ is list: x = H[x[0]](x)")
        lines.append(f"    s{index}(o, x)")
    lines.append("    return o")
    namespace: dict[str, Any] = {"new": cls.__new__, "cls": cls, "H": handlers}
    namespace.update({f"s{index}": setter for index, setter in enumerate(setters)})
    exec("\n".join(lines), namespace)  # our own generated code, from field counts only
    return cast(Callable[[Any], Any], namespace["decode"])


def _not_an_object(value: Any) -> Any:
    raise _Corrupt("an enum stored as an object")


class _Records(Sequence[Any]):
    """One marshal record per item, decoded the first time it is asked for."""

    def __init__(self, store: _Store, name: str, decode: Callable[[Any], Any]) -> None:
        self.store = store
        self.name = name
        self.data = store.raw(name, verify=False)
        self.base = store.sections[name][0]
        # Reading a record through the map would also map its neighbouring pages (the
        # kernel's fault-around), hundreds of megabytes of resident memory for a large query;
        # pread copies just the record.
        self.fd = store.fd if hasattr(os, "pread") else None
        self.offsets = store.ints(name + "#", "Q", verify=False)
        self.crcs = store.ints(name + "~", "I", verify=False)
        self.decode = decode
        self.memo: list[Any] = [None] * (len(self.offsets) - 1)

    def __len__(self) -> int:
        return len(self.memo)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.memo)))]
        found = self.memo[index]
        if found is None:
            if index < 0:
                index += len(self.memo)
            start, end = self.offsets[index], self.offsets[index + 1]
            if self.fd is not None:
                blob: Any = os.pread(self.fd, end - start, self.base + start)
            else:
                blob = self.data[start:end]
            if zlib.crc32(blob) != self.crcs[index]:
                self.store.damaged(f"{self.name} {index}")
            found = self.decode(marshal.loads(blob))
            self.memo[index] = found
        return found

    def __iter__(self) -> Iterator[Any]:
        for index in range(len(self.memo)):
            yield self[index]


class _Subset(Sequence[Any]):
    """Some records, by id (e.g. the role facts among all facts)."""

    def __init__(self, records: _Records, ids: Sequence[int]) -> None:
        self.records = records
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.records[i] for i in self.ids[index]]
        return self.records[self.ids[index]]

    def __iter__(self) -> Iterator[Any]:
        records = self.records
        for index in self.ids:
            yield records[index]


class _EventsById(Mapping[str, Any]):
    """``Timeline.events``: events by id, decoded on demand."""

    def __init__(self, store: _Store) -> None:
        self.store = store
        self._ids: dict[str, int] | None = None

    def _index(self, event_id: str) -> int:
        found = self.store.event_hints.get(event_id)
        if found is not None:
            return found
        if self._ids is None:
            ids: list[str] = self.store.value("event_ids")
            self._ids = dict(zip(ids, range(len(ids)), strict=True))
        return self._ids[event_id]

    def __getitem__(self, event_id: str) -> Any:
        if not isinstance(event_id, str):
            raise KeyError(event_id)
        return self.store.events[self._index(event_id)]

    def __contains__(self, event_id: object) -> bool:
        try:
            self._index(cast(str, event_id))
        except (KeyError, TypeError):
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self.store.value("event_ids"))

    def __len__(self) -> int:
        return len(self.store.events)


class _ById(Mapping[str, Any]):
    """Records by id, with the id-to-position table loaded the first time."""

    def __init__(self, records: _Records, load_ids: Callable[[], dict[str, int]]) -> None:
        self.records = records
        self.load_ids = load_ids
        self._ids: dict[str, int] | None = None

    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = self.load_ids()
        return self._ids

    def __getitem__(self, key: str) -> Any:
        return self.records[self.ids()[key]]

    def __contains__(self, key: object) -> bool:
        return key in self.ids()

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __len__(self) -> int:
        return len(self.records)


class _UnitFacts(Mapping[str, dict[FactKind, list[Fact]]]):
    """``Timeline.unit_facts``, decoded unit by unit."""

    def __init__(self, store: _Store) -> None:
        self.store = store
        table: list[tuple[str, list[tuple[int, list[int]]]]] = store.value("unit_facts")
        self.groups = dict(table)
        self.memo: dict[str, dict[FactKind, list[Fact]]] = {}

    def __getitem__(self, unit: str) -> dict[FactKind, list[Fact]]:
        found = self.memo.get(unit)
        if found is None:
            facts = self.store.facts
            kinds = self.store.kinds
            found = {kinds[k]: [facts[i] for i in ids] for k, ids in self.groups[unit]}
            self.memo[unit] = found
        return found

    def __contains__(self, unit: object) -> bool:
        return unit in self.groups

    def __iter__(self) -> Iterator[str]:
        return iter(self.groups)

    def __len__(self) -> int:
        return len(self.groups)


# -- the timeline ----------------------------------------------------------------------------------


def _full_dataset(store: _Store) -> Dataset:
    people_ids: dict[str, int] = store.value("people_ids")
    return Dataset(
        {pid: store.people[index] for pid, index in people_ids.items()},
        store.decode(store.meta["units"]),
        store.decode(store.meta["sources"]),
        tuple(store.events),
        tuple(store.meta["files"]),
        store.decode(store.meta["settings"]),
    )


def _lazy_dataset(store: _Store) -> Dataset:
    people = _ById(store.people, lambda: store.value("people_ids"))
    return Dataset(
        cast("dict[str, Person]", people),
        store.decode(store.meta["units"]),
        store.decode(store.meta["sources"]),
        cast("tuple[Event, ...]", _Sequence(store.events)),
        tuple(store.meta["files"]),
        store.decode(store.meta["settings"]),
    )


class _Sequence(Sequence[Any]):
    """A read-only sequence of records."""

    def __init__(self, records: Sequence[Any]) -> None:
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: Any) -> Any:
        return self.records[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.records)


def _positions(ids: list[str]) -> dict[str, int]:
    return dict(zip(ids, range(len(ids)), strict=True))


_ROLE_LIKE = (FactKind.ROLE, FactKind.VACANCY, FactKind.REPORTING_LINE)


class CachedTimeline(Timeline):
    """A :class:`~reorg_cli.engine.timeline.Timeline` backed by a cache entry.

    It never runs the constructor. Each attribute the constructor would set is decoded the
    first time it is used (:meth:`__getattr__`), and the queries that matter at scale (the state
    on a day, a person's history, name lookups) reach only the facts they need through the
    entry's indexes, by overriding the timeline's index hooks with the same results. Any other
    attribute decodes the whole timeline once and runs the real constructor, after which the
    object is exactly a freshly compiled timeline.
    """

    def __init__(self, store: _Store) -> None:  # deliberately not calling Timeline.__init__
        self.__dict__["_store"] = store

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes that are not set yet.
        if name.startswith("__"):
            raise AttributeError(name)
        make = _MAKERS.get(name)
        if make is None:
            self._materialize()
            return object.__getattribute__(self, name)
        value = make(self.__dict__["_store"])
        self.__dict__[name] = value
        return value

    def _materialize(self) -> None:
        """Decode everything and run the real constructor."""
        from reorg_cli.engine.compiler import Compiled

        if self.__dict__.get("_materialized"):
            raise AttributeError("no such attribute")
        self.__dict__["_materialized"] = True
        store: _Store = self.__dict__["_store"]
        dataset = _full_dataset(store)
        events = dataset.events
        order = [events[i] for i in store.order]
        statuses = {event.id: store.statuses[i] for i, event in enumerate(events)}
        problems = list(store.decode(store.meta["problems"]))
        Timeline.__init__(self, dataset, Compiled(list(store.facts), order, statuses, problems))

    # -- indexed queries (same answers as Timeline's hooks) --------------------------------------
    def _alive(self, day: int) -> list[int]:
        memo: dict[int, list[int]] = self.__dict__.setdefault("_alive_memo", {})
        found = memo.get(day)
        if found is None:
            found = self.__dict__["_store"].alive(day)
            memo.clear()
            memo[day] = found
        return found

    def _live_facts(self, kind: FactKind, day: int) -> Sequence[Fact]:
        store: _Store = self.__dict__["_store"]
        code = store.kinds.index(kind)
        kind_of, facts = store.kind_of, store.facts
        return [facts[i] for i in self._alive(day) if kind_of[i] == code]

    def _live_unit_facts(self, day: int) -> Iterable[tuple[str, dict[FactKind, list[Fact]]]]:
        store: _Store = self.__dict__["_store"]
        skip = {store.kinds.index(k) for k in _ROLE_LIKE}
        unit_kinds = [k for k in store.kinds if k not in _ROLE_LIKE]
        kind_of, facts = store.kind_of, store.facts
        groups: dict[str, dict[FactKind, list[Fact]]] = {}
        for index in self._alive(day):
            if kind_of[index] in skip:
                continue
            fact = facts[index]
            unit = str(fact.slot[0])
            by_kind = groups.get(unit)
            if by_kind is None:
                by_kind = groups[unit] = {k: [] for k in unit_kinds}
            by_kind[fact.kind].append(fact)
        rank = self._unit_rank()
        return sorted(groups.items(), key=lambda item: rank[item[0]])

    def _unit_rank(self) -> dict[str, int]:
        rank: dict[str, int] | None = self.__dict__.get("_rank")
        if rank is None:
            groups: list[Any] = self.__dict__["_store"].value("unit_facts")
            rank = {unit: index for index, (unit, _) in enumerate(groups)}
            self.__dict__["_rank"] = rank
        return rank

    def event_windows(self) -> list[tuple[str, DateWindow]]:
        # The first edges stored are the replayed events' own (window, id), in replay order:
        # no event needs decoding.
        store: _Store = self.__dict__["_store"]
        edges = store.edges
        return [(edge.event, edge.window) for edge in (edges[i] for i in range(len(store.order)))]

    def _facts_about(self, kind: FactKind, key: str) -> list[Fact]:
        store: _Store = self.__dict__["_store"]
        about: dict[int, dict[str, bytes]] | None = self.__dict__.get("_about")
        if about is None:
            about = store.value("about")
            self.__dict__["_about"] = about
        facts = store.facts
        ids = about.get(store.kinds.index(kind), {}).get(key)
        if ids is None:
            return []
        return [facts[i] for i in memoryview(ids).cast("I")]

    def person_name(self, person_id: str) -> str:
        # Timeline.person_name without decoding the person: the stored id -> name table.
        return self._labels()[0].get(person_id, person_id)

    def _person_labels(self) -> dict[str, str]:
        return self._labels()[0]

    def _unit_labels(self) -> dict[str, str]:
        return self._labels()[1]

    def _labels(self) -> tuple[dict[str, str], dict[str, str]]:
        labels: tuple[dict[str, str], dict[str, str]] | None = self.__dict__.get("_label_tables")
        if labels is None:
            labels = self.__dict__["_store"].value("labels")
            self.__dict__["_label_tables"] = labels
        return labels


class _NameIndex(Mapping[str, set[str]]):
    """A name lookup table of the timeline (``Timeline._build_indexes``): a sorted key table,
    searched without building the whole dictionary; owners decoded per key."""

    def __init__(self, store: _Store, which: int) -> None:
        self.names: list[str] = store.value(f"names{which}")
        self.sorted = store.ints(f"names{which}_sorted")
        self.owners = _Records(store, f"names{which}_owners", lambda record: record)

    def _position(self, key: str) -> int | None:
        keys, order = self.names, self.sorted
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            if keys[order[middle]] < key:
                low = middle + 1
            else:
                high = middle
        if low < len(order) and keys[order[low]] == key:
            return order[low]
        return None

    def __getitem__(self, key: str) -> set[str]:
        position = self._position(key) if isinstance(key, str) else None
        if position is None:
            raise KeyError(key)
        return set(self.owners[position])

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._position(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _kind_subset(store: _Store, kind: FactKind) -> _Subset:
    code = store.kinds.index(kind)
    kind_of = store.kind_of
    return _Subset(store.facts, [i for i in range(len(kind_of)) if kind_of[i] == code])


#: How each attribute set by ``Timeline.__init__`` is made from a store, lazily.
def _first_order(store: _Store) -> dict[str, int]:
    """Each replayed event's position in the replay, by id (no event decoded)."""
    ids: list[str] = store.value("event_ids")
    return {ids[index]: position for position, index in enumerate(store.order)}


_MAKERS: dict[str, Callable[[_Store], Any]] = {
    "dataset": _lazy_dataset,
    "facts": lambda store: _Sequence(store.facts),
    "order": lambda store: _Subset(store.events, store.order),
    "statuses": lambda store: _ById(store.statuses, lambda: _positions(store.value("event_ids"))),
    "problems": lambda store: list(store.decode(store.meta["problems"])),
    "events": _EventsById,
    "unit_facts": _UnitFacts,
    "role_facts": lambda store: _kind_subset(store, FactKind.ROLE),
    "vacancy_facts": lambda store: _kind_subset(store, FactKind.VACANCY),
    "reporting_facts": lambda store: _kind_subset(store, FactKind.REPORTING_LINE),
    "_first_order": _first_order,
    "_person_index": lambda store: _NameIndex(store, 0),
    "_unit_index": lambda store: _NameIndex(store, 1),
}
