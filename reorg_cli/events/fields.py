"""The keys each record of an event file may have, and the readers of single fields that report
every problem at its ``path:line:col`` (part of :mod:`reorg_cli.events.loader`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from reorg_cli.events.dates import DateSyntaxError, DateWindow, parse_partial, parse_window
from reorg_cli.events.errors import Location, Problem, Severity
from reorg_cli.events.model import Confidence, DatasetSettings, Source
from reorg_cli.events.paths import default_events_path as default_events_path  # re-exported
from reorg_cli.events.records import Event, Person, UnitInfo
from reorg_cli.events.yamlfile import (
    YamlList,
    YamlMap,
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


def closest(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint, or an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


class _Skip(Exception):
    """The record being read has a problem; it has been reported."""


class _FieldReader:
    """The state of a dataset being read, problem reporting and the readers of single fields."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.people: dict[str, Person] = {}
        self.units: dict[str, UnitInfo] = {}
        self.sources: dict[str, Source] = {}
        self.events: list[Event] = []
        # Every event id read, and where: a packed number (see `place`), as a Location per
        # event would be most of what a streaming load keeps.
        self.event_ids: dict[str, int] = {}
        self.paths: dict[str, int] = {}
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
