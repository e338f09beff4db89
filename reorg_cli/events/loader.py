"""Event files to a :class:`~reorg_cli.events.model.Dataset`: discovery, reading and schema checks.

Every problem is collected with its ``path:line:col`` so that ``reorg validate`` can report all
of them in one run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reorg_cli.events.dates import DateSyntaxError, DateWindow, parse_partial, parse_window
from reorg_cli.events.errors import EventFileError, Location, Problem, ReorgError, Severity
from reorg_cli.events.model import (
    CHANGE_TYPES,
    UNIT_KINDS,
    Change,
    Confidence,
    Dataset,
    DatasetSettings,
    Event,
    Person,
    PersonLeft,
    ReportingLineCleared,
    ReportingLineConfirmed,
    ReportingLineSet,
    RoleAssigned,
    RoleConfirmed,
    RoleEnded,
    Source,
    UnitConfirmed,
    UnitCreated,
    UnitDissolved,
    UnitInfo,
    UnitMerged,
    UnitMoved,
    UnitReclassified,
    UnitRenamed,
    event_date_bounds,
    name_key,
)
from reorg_cli.events.paths import default_events_path as default_events_path  # re-exported
from reorg_cli.events.yamlfile import (
    MAX_FILE_BYTES,
    ItemSink,
    YamlList,
    YamlMap,
    YamlProblem,
    read_yaml_bytes,
)

EVENT_FILE_SUFFIXES = (".yaml", ".yml")
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
LANG_RE = re.compile(r"[a-zA-Z]{2,3}(?:-[A-Za-z0-9]{1,8})*")

_LIST_KEYS = ("people", "units", "sources", "events")
_TOP_KEYS = (*_LIST_KEYS, "dataset")
_DATASET_KEYS = ("coverage_end", "stale_after_days")
#: The largest staleness threshold a dataset may set (about a century).
MAX_STALE_AFTER_DAYS = 36_500
#: Top-level lists whose items are read as soon as they are parsed (not held as a whole).
STREAMED_KEYS = frozenset(_LIST_KEYS)
#: Unknown keys of one mapping listed one by one; the rest are counted in one line.
MAX_UNKNOWN_KEYS_LISTED = 20
_PERSON_KEYS = ("id", "name", "names", "aliases", "description", "notes", "sources")
_UNIT_KEYS = ("id", "aliases", "description", "notes", "sources")


def is_source_url(url: str) -> bool:
    """Whether ``url`` may be a source's address: ``http(s)://host...`` with no white space, or
    a ``file:`` URL (``reorg import csv`` cites the HR export that way). Anything else, such as
    ``=WEBSERVICE(...)`` or ``javascript:``, is refused when the file is read."""
    if any(char.isspace() for char in url):
        return False
    lower = url.lower()
    if lower.startswith("file:"):
        return len(url) > len("file:")
    for scheme in ("http://", "https://"):
        if lower.startswith(scheme):
            host = url[len(scheme) :].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
            return bool(host)
    return False


_SOURCE_KEYS = ("id", "url", "publisher", "published", "title", "note")
_EVENT_KEYS = (
    "id",
    "date",
    "seq",
    "title",
    "summary",
    "notes",
    "confidence",
    "announced",
    "sources",
    "changes",
    "corrects",
    "retracts",
)
_CHANGE_COMMON = ("type", "note", "confidence")
#: Keys of a change that name a person or unit (their positions are kept for messages).
_REFERENCES = ("person", "unit", "parent", "into", "reports_to")
_CHANGE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required fields, optional fields)
    "unit_created": (("unit", "name", "kind"), ("names", "parent")),
    "unit_renamed": (("unit", "name"), ("names",)),
    "unit_reclassified": (("unit", "kind"), ("name", "names")),
    "unit_moved": (("unit", "parent"), ()),
    "unit_merged": (("unit", "into"), ()),
    "unit_dissolved": (("unit",), ("reason",)),
    "role_assigned": (("person", "unit", "title"), ("head", "shared")),
    "role_ended": (("person", "unit", "title"), ("reason", "vacancy")),
    "person_left": (("person",), ("reason",)),
    "reporting_line_set": (("person", "reports_to"), ()),
    "reporting_line_cleared": (("person",), ()),
    "role_confirmed": (("person", "unit", "title"), ()),
    "unit_confirmed": (("unit",), ()),
    "reporting_line_confirmed": (("person", "reports_to"), ()),
}


#: Every change type with its required and optional keys (for ``reorg new``).
CHANGE_KEYS = _CHANGE_KEYS


def discover_event_files(path: Path) -> list[tuple[str, Path]]:
    """The event files under ``path``, as (display path, real path), in documented order."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReorgError(f"{path}: no such file or directory", "pass --events PATH") from None
    except OSError as err:
        raise ReorgError(f"{path}: cannot read ({err.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        return [(str(path), path)]
    found: list[tuple[str, str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        for name in filenames:
            if name.startswith(".") or not name.endswith(EVENT_FILE_SUFFIXES):
                continue
            real = base / name
            relative = real.relative_to(path).as_posix()
            found.append((relative, str(real), real))
    if not found:
        raise ReorgError(
            f"{path}: no event files (*.yaml, *.yml) in this directory",
            "point --events at a directory of event files",
        )
    found.sort(key=lambda item: item[0])
    return [(display, real) for _, display, real in found]


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind_of(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "a special file")


def read_regular_file(
    path: Path,
    display: str,
    limit: int,
    *,
    what: str = "event files",
    hint: str = "split it into several files",
    not_regular_hint: str = "remove it",
) -> bytes:
    """The bytes of the regular file ``path`` (named ``display`` in messages), at most
    ``limit`` of them.

    Anything else - a directory, FIFO, socket or device, a file over ``limit`` bytes, a file
    that cannot be opened - raises :class:`EventFileError` with one problem. The file is opened
    without blocking and checked with ``fstat`` on the open descriptor, so a FIFO put in its
    place between the checks cannot make the program wait for a writer.
    """

    def problem(message: str, problem_hint: str = "") -> EventFileError:
        return EventFileError([Problem(Location(display), message, problem_hint)])

    def check(info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise problem(f"not a regular file ({_kind_of(info.st_mode)})", not_regular_hint)
        if info.st_size > limit:
            raise problem(
                f"file is {info.st_size} bytes; {what} are limited to {limit} bytes", hint
            )

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        check(os.stat(path))  # before opening: opening a device may itself have effects
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with open(descriptor, "rb", closefd=True) as handle:
            check(os.fstat(descriptor))
            data = handle.read(limit + 1)
    except OSError as err:
        reason = err.strerror or str(err)
        raise problem(f"cannot read file: {reason}") from None
    if len(data) > limit:  # it grew after fstat
        raise problem(f"file is over {limit} bytes; {what} are limited to {limit} bytes", hint)
    return data


def read_event_file(
    path: Path,
    display: str,
    sink: ItemSink | None = None,
    streamed: frozenset[str] = frozenset(),
) -> Any:
    """Read and parse one event file (items of ``streamed`` lists to ``sink``, see
    :func:`read_yaml_bytes`); raises :class:`YamlProblem`."""
    try:
        data = read_regular_file(path, display, MAX_FILE_BYTES)
    except EventFileError as err:
        raise YamlProblem(err.problems[0]) from None
    return read_yaml_bytes(data, display, sink, streamed)


def load_dataset(
    path: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> tuple[Dataset, list[Problem]]:
    """Read every event file under ``path`` into a dataset, collecting all problems.

    ``progress``, if given, is called as ``progress("read", files_done, files_total)``.
    """
    builder = _DatasetBuilder()
    files = discover_event_files(path)
    for done, (display, real) in enumerate(files):
        if progress is not None:
            progress("read", done, len(files))
        try:
            document = read_event_file(real, display, builder.add_item, STREAMED_KEYS)
        except YamlProblem as err:
            builder.problems.append(err.problem)
            continue
        builder.add_document(document, display)
    return builder.finish(tuple(display for display, _ in files))


def load_dataset_or_raise(path: Path) -> Dataset:
    """Like :func:`load_dataset`, raising :class:`EventFileError` on any error."""
    dataset, problems = load_dataset(path)
    if any(p.severity is Severity.ERROR for p in problems):
        raise EventFileError(problems)
    return dataset


def closest(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


class _Skip(Exception):
    """The record being read has a problem; it has been reported."""


class _DatasetBuilder:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.people: dict[str, Person] = {}
        self.units: dict[str, UnitInfo] = {}
        self.sources: dict[str, Source] = {}
        self.events: list[Event] = []
        self.event_ids: dict[str, Location] = {}
        self.source_locations: dict[str, Location] = {}
        # Source references are resolved at the end, so the registry may be in any file.
        self.pending_refs: list[tuple[str, Location]] = []
        self.settings: DatasetSettings | None = None
        #: References written as a name, not an id (``unit: Wukong Division``): the problem's
        #: index, the key and the value, given a "did you mean" id once every file is read.
        self.named_refs: list[tuple[int, str, str]] = []

    # -- reporting -------------------------------------------------------------------------
    def problem(self, location: Location, message: str, hint: str = "") -> _Skip:
        self.problems.append(Problem(location, message, hint))
        return _Skip()

    def warn(self, location: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, message, hint, Severity.WARNING))

    # -- structure ---------------------------------------------------------------------------
    def add_document(self, document: Any, path: str) -> None:
        if not isinstance(document, YamlMap):
            location = getattr(document, "location", Location(path))
            found = "a list" if isinstance(document, YamlList) else "a single value"
            self.problems.append(
                Problem(
                    location,
                    f"an event file must be a mapping with {', '.join(_LIST_KEYS)}; found {found}",
                    "start the file with 'events:' followed by a list",
                )
            )
            return
        unknown = [key for key in document if key not in _TOP_KEYS]
        for key in unknown[:MAX_UNKNOWN_KEYS_LISTED]:
            self.problems.append(
                Problem(
                    document.key_locations[key],
                    f"unknown top-level key {key!r}",
                    closest(key, _TOP_KEYS) or f"expected one of {', '.join(_TOP_KEYS)}",
                )
            )
        self.more_unknown_keys(document, unknown, "the file's top level")
        if "dataset" in document:
            with contextlib.suppress(_Skip):
                self.add_settings(document, document["dataset"])
        for key in self.readers():
            if key not in document:
                continue
            items = document[key]
            if items is None:
                continue
            if not isinstance(items, YamlList):
                self.problems.append(
                    Problem(
                        document.where(key),
                        f"'{key}' must be a list",
                        f"write '{key}:' followed by items starting with '- '",
                    )
                )
                continue
            if items.streamed:
                continue  # already read, item by item, through add_item
            for position, item in enumerate(items):
                self.add_item(key, position, item, items.item_locations[position])

    def readers(self) -> dict[str, Callable[[YamlMap, int], None]]:
        """The reader of each top-level list's items."""
        return {
            "sources": self.add_source,
            "people": self.add_person,
            "units": self.add_unit,
            "events": self.add_event,
        }

    def add_item(self, key: str, position: int, item: Any, where: Location) -> None:
        """Read one item of the top-level list ``key`` (called as soon as it is parsed)."""
        if not isinstance(item, YamlMap):
            self.problems.append(
                Problem(
                    where,
                    f"each item of '{key}' must be a mapping",
                    "write 'key: value' lines under '- '",
                )
            )
            return
        with contextlib.suppress(_Skip):
            self.readers()[key](item, position)

    # -- field readers -------------------------------------------------------------------------
    def check_keys(self, item: YamlMap, allowed: Iterable[str], what: str) -> None:
        allowed = tuple(allowed)
        unknown = [key for key in item if key not in allowed]
        for key in unknown[:MAX_UNKNOWN_KEYS_LISTED]:
            hint = closest(key, allowed) or "allowed: " + ", ".join(allowed)
            self.problems.append(
                Problem(item.key_locations[key], f"unknown key {key!r} in {what}", hint)
            )
        self.more_unknown_keys(item, unknown, what)
        if unknown:
            raise _Skip()

    def more_unknown_keys(self, item: YamlMap, unknown: list[str], what: str) -> None:
        """One line for the unknown keys past the first :data:`MAX_UNKNOWN_KEYS_LISTED`."""
        if len(unknown) <= MAX_UNKNOWN_KEYS_LISTED:
            return
        first = unknown[MAX_UNKNOWN_KEYS_LISTED]
        self.problems.append(
            Problem(
                item.key_locations[first],
                f"{len(unknown) - MAX_UNKNOWN_KEYS_LISTED:,} more unknown keys in {what} "
                f"(from {first!r} on)",
                "only the first "
                f"{MAX_UNKNOWN_KEYS_LISTED} are listed one by one; check how the file was written",
            )
        )

    def text(
        self,
        item: YamlMap,
        key: str,
        what: str,
        *,
        required: bool = False,
        multiline: bool = False,
    ) -> str | None:
        value = item.get(key)
        if value is None:
            if required:
                raise self.problem(item.location, f"{what} is missing '{key}'")
            return None
        if isinstance(value, bool | int):
            raise self.problem(
                item.where(key), f"'{key}' must be text, not {value!r}", f"quote it: '{value}'"
            )
        if not isinstance(value, str):
            raise self.problem(item.where(key), f"'{key}' must be text, not a list or mapping")
        value = value.strip()
        if not value:
            if required:
                raise self.problem(item.where(key), f"'{key}' is empty")
            return None
        if not multiline and ("\n" in value or "\t" in value):
            raise self.problem(
                item.where(key), f"'{key}' must be one line", "remove line breaks and tabs"
            )
        return value

    def ident(self, item: YamlMap, key: str, what: str, *, required: bool = True) -> str | None:
        value = self.text(item, key, what, required=required)
        if value is not None and not ID_RE.fullmatch(value):
            if key in _REFERENCES:
                self.named_refs.append((len(self.problems), key, value))
            raise self.problem(
                item.where(key),
                f"{value!r} is not a valid id",
                "use ASCII letters (A-Z, a-z), digits, '.', '_' and '-', starting with a letter "
                "or digit; names in other scripts go in 'names' or 'aliases'",
            )
        return value

    def boolean(self, item: YamlMap, key: str) -> bool:
        value = item.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.problem(item.where(key), f"'{key}' must be true or false, not {value!r}")
        return value

    def window(self, item: YamlMap, key: str, what: str, *, required: bool) -> DateWindow | None:
        raw = item.get(key)
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)  # `date: 2026` is read as an integer by the strict loader.
            item[key] = raw
        value = self.text(item, key, what, required=required)
        if value is None:
            return None
        try:
            return parse_window(value)
        except DateSyntaxError as err:
            raise self.problem(item.where(key), str(err)) from None

    def partial_text(self, item: YamlMap, key: str, what: str) -> str | None:
        raw = item.get(key)
        if isinstance(raw, int) and not isinstance(raw, bool):
            item[key] = str(raw)
        value = self.text(item, key, what)
        if value is None:
            return None
        try:
            return parse_partial(value).iso()
        except DateSyntaxError as err:
            raise self.problem(item.where(key), str(err)) from None

    def names(self, item: YamlMap, key: str) -> tuple[tuple[str, str], ...]:
        value = item.get(key)
        if value is None:
            return ()
        if not isinstance(value, YamlMap):
            raise self.problem(
                item.where(key), f"'{key}' must map language tags to names", "e.g. {zh: 通义实验室}"
            )
        result = []
        for lang in value:
            if not LANG_RE.fullmatch(lang):
                raise self.problem(
                    value.key_locations[lang], f"{lang!r} is not a language tag", "e.g. zh, en, ja"
                )
            name = self.text(value, lang, f"'{key}'", required=True)
            assert name is not None
            result.append((lang, name))
        return tuple(result)

    def text_list(self, item: YamlMap, key: str) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value_list = [value]
            locations = [item.where(key)]
        elif isinstance(value, YamlList):
            value_list = list(value)
            locations = value.item_locations
        else:
            raise self.problem(item.where(key), f"'{key}' must be a list of text")
        result = []
        for entry, location in zip(value_list, locations, strict=True):
            if not isinstance(entry, str) or not entry.strip():
                raise self.problem(location, f"each entry of '{key}' must be non-empty text")
            if "\n" in entry or "\t" in entry:
                raise self.problem(location, f"each entry of '{key}' must be one line")
            result.append(entry.strip())
        return tuple(result)

    def source_list(self, item: YamlMap, key: str) -> tuple[Source, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if not isinstance(value, YamlList):
            raise self.problem(item.where(key), f"'{key}' must be a list", "e.g. sources: [S1, S2]")
        result: list[Source] = []
        for entry, location in zip(value, value.item_locations, strict=True):
            if isinstance(entry, str):
                if not ID_RE.fullmatch(entry.strip()):
                    raise self.problem(location, f"{entry!r} is not a source id")
                self.pending_refs.append((entry.strip(), location))
                result.append(Source(url="", id=entry.strip()))
            elif isinstance(entry, YamlMap):
                result.append(self.read_source(entry, registry=False))
            else:
                raise self.problem(location, "a source is a registry id or a mapping with 'url'")
        return tuple(result)

    def read_source(self, item: YamlMap, *, registry: bool) -> Source:
        self.check_keys(item, _SOURCE_KEYS, "a source")
        source_id = self.ident(item, "id", "a source", required=registry)
        url = self.text(item, "url", "a source", required=True)
        assert url is not None
        if not is_source_url(url):
            # Reported, but the source is kept, so its citations are not reported as unknown.
            self.problem(
                item.where("url"),
                f"source url {url!r} is not an http(s) address",
                "write it as https://host/path; only http:// and https:// addresses, or file: "
                "for a local document, are accepted",
            )
        return Source(
            url=url,
            id=source_id,
            publisher=self.text(item, "publisher", "a source"),
            published=self.partial_text(item, "published", "a source"),
            title=self.text(item, "title", "a source"),
            note=self.text(item, "note", "a source"),
        )

    # -- records -----------------------------------------------------------------------------
    def add_settings(self, document: YamlMap, item: Any) -> None:
        where = document.where("dataset")
        if not isinstance(item, YamlMap):
            raise self.problem(
                where,
                "'dataset' must be a mapping",
                "e.g. 'dataset:' followed by '  coverage_end: 2026-06-17'",
            )
        if self.settings is not None:
            raise self.problem(
                where,
                f"dataset settings are given twice (also at {self.settings.location})",
                "keep one 'dataset:' mapping per events folder",
            )
        self.check_keys(item, _DATASET_KEYS, "the dataset settings")
        coverage = self.partial_text(item, "coverage_end", "the dataset settings")
        days = item.get("stale_after_days")
        if days is not None and (
            not isinstance(days, int)
            or isinstance(days, bool)
            or not 1 <= days <= MAX_STALE_AFTER_DAYS
        ):
            raise self.problem(
                item.where("stale_after_days"),
                f"'stale_after_days' must be a whole number of days from 1 to "
                f"{MAX_STALE_AFTER_DAYS}, not {days!r}",
                "e.g. stale_after_days: 180",
            )
        self.settings = DatasetSettings(
            coverage_end=parse_partial(coverage) if coverage is not None else None,
            stale_after_days=days,
            location=where,
        )

    def add_source(self, item: YamlMap, position: int) -> None:
        source = self.read_source(item, registry=True)
        assert source.id is not None
        if source.id in self.sources:
            first = self.source_locations[source.id]
            raise self.problem(
                item.location, f"source {source.id!r} is defined twice (also at {first})"
            )
        self.sources[source.id] = source
        self.source_locations[source.id] = item.location

    def add_person(self, item: YamlMap, position: int) -> None:
        self.check_keys(item, _PERSON_KEYS, "a person")
        person_id = self.ident(item, "id", "a person")
        assert person_id is not None
        name = self.text(item, "name", "a person", required=True)
        assert name is not None
        person = Person(
            id=person_id,
            name=name,
            names=self.names(item, "names"),
            aliases=self.text_list(item, "aliases"),
            description=self.text(item, "description", "a person", multiline=True),
            notes=self.text(item, "notes", "a person", multiline=True),
            sources=self.source_list(item, "sources"),
            location=item.location,
        )
        if person_id in self.people:
            first = self.people[person_id].location
            raise self.problem(
                item.where("id"),
                f"person {person_id!r} is defined twice (first at {first})",
                "give each person one entry",
            )
        self.people[person_id] = person

    def add_unit(self, item: YamlMap, position: int) -> None:
        self.check_keys(item, _UNIT_KEYS, "a unit description")
        unit_id = self.ident(item, "id", "a unit description")
        assert unit_id is not None
        info = UnitInfo(
            id=unit_id,
            aliases=self.text_list(item, "aliases"),
            description=self.text(item, "description", "a unit description", multiline=True),
            notes=self.text(item, "notes", "a unit description", multiline=True),
            sources=self.source_list(item, "sources"),
            location=item.location,
        )
        if unit_id in self.units:
            first = self.units[unit_id].location
            raise self.problem(
                item.where("id"), f"unit {unit_id!r} is described twice (first at {first})"
            )
        self.units[unit_id] = info

    def add_event(self, item: YamlMap, position: int) -> None:
        self.check_keys(item, _EVENT_KEYS, "an event")
        event_id = self.ident(item, "id", "an event")
        assert event_id is not None
        if event_id in self.event_ids:
            raise self.problem(
                item.where("id"),
                f"event id {event_id!r} is used twice (first at {self.event_ids[event_id]})",
                "event ids must be unique across all files",
            )
        self.event_ids[event_id] = item.where("id")
        date = self.window(item, "date", "an event", required=True)
        assert date is not None
        title = self.text(item, "title", "an event", required=True)
        assert title is not None
        confidence = self.confidence(item, required=True)
        assert confidence is not None
        seq = item.get("seq", 0)
        if seq is None:
            seq = 0
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise self.problem(item.where("seq"), f"'seq' must be a whole number, not {seq!r}")
        corrects = self.ident(item, "corrects", "an event", required=False)
        retracts = self.ident(item, "retracts", "an event", required=False)
        if corrects and retracts:
            raise self.problem(item.location, "an event may correct or retract, not both")
        changes: list[Change] = []
        raw_changes = item.get("changes")
        if raw_changes is None and "changes" not in item and not retracts:
            raise self.problem(
                item.location,
                "an event is missing 'changes'",
                "write 'changes: []' if the event changed nothing",
            )
        if raw_changes is not None:
            if not isinstance(raw_changes, YamlList):
                raise self.problem(item.where("changes"), "'changes' must be a list")
            failed = False
            for entry, location in zip(raw_changes, raw_changes.item_locations, strict=True):
                try:
                    changes.append(self.change(entry, location))
                except _Skip:
                    failed = True
            if failed:
                raise _Skip()
        if retracts and changes:
            raise self.problem(item.where("changes"), "a retraction cannot also make changes")
        sources = self.source_list(item, "sources")
        if not sources:
            self.warn(
                item.location,
                f"event {event_id!r} cites no sources",
                "add 'sources' so every fact can say where it came from",
            )
        self.events.append(
            Event(
                id=event_id,
                date=date,
                title=title,
                confidence=confidence,
                changes=tuple(changes),
                sources=sources,
                seq=seq,
                summary=self.text(item, "summary", "an event", multiline=True),
                notes=self.text(item, "notes", "an event", multiline=True),
                announced=self.window(item, "announced", "an event", required=False),
                corrects=corrects,
                retracts=retracts,
                location=item.location,
                path=item.location.path,
                position=position,
            )
        )

    def confidence(self, item: YamlMap, *, required: bool) -> Confidence | None:
        value = self.text(item, "confidence", "an event", required=required)
        if value is None:
            return None
        try:
            if value != value.lower():
                raise KeyError(value)
            return Confidence.parse(value)
        except KeyError:
            raise self.problem(
                item.where("confidence"),
                f"confidence {value!r} is not one of confirmed, reported, uncertain",
                closest(value, ("confirmed", "reported", "uncertain")),
            ) from None

    def change(self, entry: Any, location: Location) -> Change:
        if not isinstance(entry, YamlMap):
            raise self.problem(location, "a change must be a mapping with a 'type'")
        change_type = self.text(entry, "type", "a change", required=True)
        assert change_type is not None
        if change_type not in _CHANGE_KEYS:
            raise self.problem(
                entry.where("type"),
                f"unknown change type {change_type!r}",
                closest(change_type, _CHANGE_KEYS) or "see docs/event-format.md",
            )
        required, optional = _CHANGE_KEYS[change_type]
        self.check_keys(entry, _CHANGE_COMMON + required + optional, f"a {change_type} change")
        for key in required:
            if key not in entry:
                raise self.problem(entry.location, f"{change_type} is missing '{key}'")
        common: dict[str, Any] = {
            "location": entry.location,
            "note": self.text(entry, "note", "a change"),
            "confidence": self.confidence(entry, required=False),
            "refs": tuple((key, entry.where(key)) for key in _REFERENCES if key in entry),
        }
        what = f"a {change_type} change"

        def ref(key: str, required: bool = True) -> Any:
            value = self.ident(entry, key, what, required=required)
            # Ids repeat in every change about a person or unit: share one string (memory).
            return sys.intern(value) if value is not None else None

        cls = CHANGE_TYPES[change_type]
        if cls is UnitCreated or cls is UnitReclassified:
            kind = self.text(entry, "kind", what, required=True)
            if kind not in UNIT_KINDS:
                raise self.problem(
                    entry.where("kind"),
                    f"unknown unit kind {kind!r}",
                    closest(kind or "", UNIT_KINDS) or "kinds: " + ", ".join(UNIT_KINDS),
                )
            if cls is UnitCreated:
                return UnitCreated(
                    unit=ref("unit"),
                    name=self.text(entry, "name", what, required=True) or "",
                    names=self.names(entry, "names"),
                    kind=kind,
                    parent=ref("parent", False),
                    **common,
                )
            return UnitReclassified(
                unit=ref("unit"),
                kind=kind,
                name=self.text(entry, "name", what),
                names=self.names(entry, "names"),
                **common,
            )
        if cls is UnitRenamed:
            return UnitRenamed(
                unit=ref("unit"),
                name=self.text(entry, "name", what, required=True) or "",
                names=self.names(entry, "names"),
                **common,
            )
        if cls is UnitMoved:
            return UnitMoved(unit=ref("unit"), parent=ref("parent", False), **common)
        if cls is UnitMerged:
            return UnitMerged(unit=ref("unit"), into=ref("into"), **common)
        if cls is UnitDissolved:
            return UnitDissolved(
                unit=ref("unit"), reason=self.text(entry, "reason", what), **common
            )
        if cls is RoleAssigned:
            return RoleAssigned(
                person=ref("person"),
                unit=ref("unit"),
                title=sys.intern(self.text(entry, "title", what, required=True) or ""),
                head=self.boolean(entry, "head"),
                shared=self.boolean(entry, "shared"),
                **common,
            )
        if cls is RoleEnded:
            vacancy = self.text(entry, "vacancy", what)
            if vacancy not in (None, "vacant", "unknown"):
                raise self.problem(
                    entry.where("vacancy"),
                    f"vacancy must be 'vacant' or 'unknown', not {vacancy!r}",
                )
            return RoleEnded(
                person=ref("person"),
                unit=ref("unit"),
                title=sys.intern(self.text(entry, "title", what, required=True) or ""),
                reason=self.text(entry, "reason", what),
                vacancy=vacancy,
                **common,
            )
        if cls is PersonLeft:
            return PersonLeft(
                person=ref("person"), reason=self.text(entry, "reason", what), **common
            )
        if cls is ReportingLineSet:
            return ReportingLineSet(person=ref("person"), reports_to=ref("reports_to"), **common)
        if cls is RoleConfirmed:
            return RoleConfirmed(
                person=ref("person"),
                unit=ref("unit"),
                title=sys.intern(self.text(entry, "title", what, required=True) or ""),
                **common,
            )
        if cls is UnitConfirmed:
            return UnitConfirmed(unit=ref("unit"), **common)
        if cls is ReportingLineConfirmed:
            return ReportingLineConfirmed(
                person=ref("person"), reports_to=ref("reports_to"), **common
            )
        return ReportingLineCleared(person=ref("person"), **common)

    # -- finishing -----------------------------------------------------------------------------
    def suggest_ids(self) -> None:
        """Hints for references written as names: "did you mean wukong-division (Wukong
        Division)?" when the name is exactly a person's or unit's name or alias."""
        if not self.named_refs:
            return
        people = _named_ids(
            (p.id, name)
            for p in self.people.values()
            for name in (p.name, *(n for _, n in p.names), *p.aliases)
        )
        unit_pairs: list[tuple[str, str]] = []
        for event in self.events:
            for change in event.changes:
                if isinstance(change, UnitCreated | UnitRenamed):
                    unit_pairs.append((change.unit, change.name))
                    unit_pairs.extend((change.unit, n) for _, n in change.names)
        unit_pairs.extend((u.id, alias) for u in self.units.values() for alias in u.aliases)
        units = _named_ids(unit_pairs)
        for index, key, value in self.named_refs:
            table = people if key in ("person", "reports_to") else units
            owners = table.get(name_key(value), {})
            if not owners:
                continue
            listed = ", ".join(f"{i} ({n})" if i != n else i for i, n in sorted(owners.items()))
            problem = self.problems[index]
            self.problems[index] = Problem(
                problem.location,
                f"{value!r} is a name, not an id",
                f'did you mean {listed}? a {key} is written as its id; reorg search "{value}" '
                "lists ids",
                problem.severity,
            )

    def finish(self, files: tuple[str, ...]) -> tuple[Dataset, list[Problem]]:
        self.suggest_ids()
        for source_id, location in self.pending_refs:
            if source_id not in self.sources:
                self.problems.append(
                    Problem(
                        location,
                        f"unknown source {source_id!r}",
                        closest(source_id, self.sources) or "define it under 'sources:'",
                    )
                )
        events = tuple(
            event
            if not any(s.id and not s.url for s in event.sources)
            else _with_resolved_sources(event, self.sources)
            for event in self.events
        )
        people = {
            pid: p
            if not any(s.id and not s.url for s in p.sources)
            else _replace_sources(p, self.sources)
            for pid, p in self.people.items()
        }
        units = {
            uid: u
            if not any(s.id and not s.url for s in u.sources)
            else _replace_unit_sources(u, self.sources)
            for uid, u in self.units.items()
        }
        first, last = event_date_bounds(events)
        settings = dataclasses.replace(
            self.settings or DatasetSettings(), first_event=first, last_event=last
        )
        dataset = Dataset(people, units, self.sources, events, files, settings)
        return dataset, self.problems


def _resolve(sources: tuple[Source, ...], registry: dict[str, Source]) -> tuple[Source, ...]:
    return tuple(registry.get(s.id, s) if (s.id and not s.url) else s for s in sources)


def _named_ids(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Normalized name -> {id: display name} for every (id, name) pair."""
    found: dict[str, dict[str, str]] = {}
    for ident, name in pairs:
        found.setdefault(name_key(name), {}).setdefault(ident, name)
    return found


def _with_resolved_sources(event: Event, registry: dict[str, Source]) -> Event:
    from dataclasses import replace

    return replace(event, sources=_resolve(event.sources, registry))


def _replace_sources(person: Person, registry: dict[str, Source]) -> Person:
    from dataclasses import replace

    return replace(person, sources=_resolve(person.sources, registry))


def _replace_unit_sources(info: UnitInfo, registry: dict[str, Source]) -> UnitInfo:
    from dataclasses import replace

    return replace(info, sources=_resolve(info.sources, registry))
