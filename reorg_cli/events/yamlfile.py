"""Strict YAML reading: plain data with a file position for every value.

PyYAML implements YAML 1.1, where ``NO`` is false, ``010`` is eight and ``2026-04-08`` is a
``date``. Event files are read with a loader that resolves only ``true``/``false``, plain
decimal integers and null; everything else stays the string that was written. The event stream is
converted by hand so that duplicate keys, non-string keys, tags, anchors and deep nesting are
reported with their position instead of being silently accepted. Values are built from the
parser's event stream, never from a node tree, and the items of the top-level lists can be
handed on one at a time, so a large file costs little more memory than its largest item.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

import yaml

from reorg_cli.events.chars import CONTROL_RE
from reorg_cli.events.errors import Location, Problem

#: Largest event file reorg reads.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Deepest nesting of mappings and lists an event file may use.
MAX_DEPTH = 32
#: Most keys one mapping may have (a record has a dozen; a flood of keys is refused early).
MAX_MAPPING_KEYS = 1000
#: Longest plain integer (more digits than Python converts by default is an error, not a crash).
MAX_INT_DIGITS = 18
#: Byte-order marks of encodings other than UTF-8 (which YAML parsers would accept).
_OTHER_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# C0 and C1 controls except tab and line feed, DEL, and the bidirectional formatting marks.
_FORBIDDEN_RE = CONTROL_RE
_INT_RE = re.compile(r"-?(?:0|[1-9][0-9]*)")


class StrictLoader(_Base):  # type: ignore[misc]
    """A safe loader that resolves only booleans, decimal integers and null."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """``BaseResolver.resolve`` for a loader without path resolvers, which the C parser
        calls for every node: the same tags, without the generic detours (about a fifth of
        the time of parsing a large history)."""
        if self.yaml_path_resolvers or None in self.yaml_implicit_resolvers:
            return super().resolve(kind, value, implicit)
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


StrictLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|false)$"), list("tf"))
StrictLoader.add_implicit_resolver(_INT, re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789"))
StrictLoader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|)$"), ["~", "n", ""])


class YamlMap(dict[str, Any]):
    """A mapping read from YAML, with the position of the mapping, its keys and values."""

    __slots__ = ("key_locations", "location", "value_locations")

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        self.key_locations: dict[str, Location] = {}
        self.value_locations: dict[str, Location] = {}

    def where(self, key: str) -> Location:
        """Position of the value under ``key``, else of the mapping."""
        return self.value_locations.get(key, self.location)


class YamlList(list[Any]):
    """A list read from YAML, with the position of the list and of each item."""

    __slots__ = ("item_locations", "location", "streamed")

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        self.item_locations: list[Location] = []
        self.streamed = False  # True: the items went to a sink instead


class YamlProblem(Exception):
    """Raised inside the converter; carries one problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def describe_char(char: str) -> str:
    """Name a character visibly, e.g. ``U+001B``."""
    return f"U+{ord(char):04X}"


#: Called with (top-level key, position, item, item's location) for each item of a streamed
#: top-level list, as soon as the item has been read.
ItemSink = Callable[[str, int, Any, Location], None]


def read_yaml_bytes(
    data: bytes,
    path: str,
    sink: ItemSink | None = None,
    streamed: frozenset[str] = frozenset(),
) -> Any:
    """Parse one event file's bytes into :class:`YamlMap`/:class:`YamlList`/scalars.

    With a ``sink``, each item of the top-level lists named in ``streamed`` is handed to it as
    soon as it is read and not kept (the list is returned empty, marked ``streamed``), so a
    large file costs the memory of one item, not of the whole tree.
    Raises :class:`YamlProblem` with a positioned message for anything unacceptable; items
    read before the problem have already been handed to the sink.
    """
    if len(data) > MAX_FILE_BYTES:
        raise YamlProblem(
            Problem(
                Location(path),
                f"file is {len(data)} bytes; event files are limited to {MAX_FILE_BYTES} bytes",
                "split it into several files",
            )
        )
    for bom, encoding in _OTHER_BOMS:
        if data.startswith(bom):
            raise YamlProblem(
                Problem(
                    Location(path),
                    f"file is {encoding} text (it starts with a {encoding} byte-order mark)",
                    "event files must be UTF-8; save it as UTF-8",
                )
            )
    loader = None
    try:
        # The pure-Python reader already decodes (and may fail) while it is being built.
        loader = StrictLoader(data)
        document = _EventConverter(path, loader, sink, streamed).document()
    except yaml.MarkedYAMLError as err:
        raise YamlProblem(_marked_problem(path, err)) from None
    except yaml.reader.ReaderError as err:
        raise YamlProblem(_reader_problem(path, data, err)) from None
    except yaml.YAMLError as err:
        raise YamlProblem(Problem(Location(path), f"not valid YAML: {err}")) from None
    except (RecursionError, MemoryError):
        raise YamlProblem(
            Problem(Location(path), "YAML nesting is too deep", f"at most {MAX_DEPTH} levels")
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if document is _EMPTY:
        raise YamlProblem(
            Problem(Location(path), "file has no content", "add 'events:', 'people:' or remove it")
        )
    return document


def _marked_problem(path: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    location = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
    problem = (err.problem or "not valid YAML").strip()
    if "maximum nesting depth" in problem or "exceeded" in problem:
        return Problem(location, "YAML nesting is too deep", f"at most {MAX_DEPTH} levels")
    if "but found another document" in problem or "expected a single document" in problem:
        return Problem(location, "a file may hold only one YAML document", "remove the '---'")
    context = f"{err.context} " if err.context else ""
    if err.context_mark is not None and err.problem_mark is not None:
        context += f"at line {err.context_mark.line + 1}, "
    return Problem(location, f"YAML syntax error: {context}{problem}")


def _offset_location(path: str, data: bytes, position: int, *, chars: bool) -> Location:
    """The line and column of a reader error's offset, in bytes or (``chars``) characters."""
    if chars:
        before = data.decode("utf-8", errors="replace")[:position]
    else:
        before = data[:position].decode("utf-8", errors="replace")
    before = before.lstrip("\ufeff")
    line = before.count("\n") + 1
    return Location(path, line, len(before) - (before.rfind("\n") + 1) + 1)


def _reader_problem(path: str, data: bytes, err: yaml.reader.ReaderError) -> Problem:
    position = err.position if isinstance(err.position, int) and err.position >= 0 else None
    # libyaml reports byte offsets; PyYAML's own reader counts characters for characters it
    # refuses ("unicode") and bytes for bytes it cannot decode.
    chars = err.encoding == "unicode"
    location = (
        _offset_location(path, data, position, chars=chars)
        if position is not None
        else Location(path)
    )
    reason = str(err.reason or "")
    if "control" in reason or "special characters" in reason:
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        return Problem(
            location,
            f"contains the control character {describe_char(char)}",
            "remove it; event files are text",
        )
    return Problem(
        location,
        f"not UTF-8 text ({reason or 'undecodable bytes'})",
        "event files must be UTF-8",
    )


_EMPTY = object()


class _EventConverter:
    """Builds plain values from the parser's event stream (no node tree is ever held)."""

    __slots__ = ("loader", "path", "sink", "streamed")

    def __init__(
        self,
        path: str,
        loader: Any,
        sink: ItemSink | None = None,
        streamed: frozenset[str] = frozenset(),
    ) -> None:
        self.path = path
        self.loader = loader
        self.sink = sink
        self.streamed = streamed

    def location(self, event: yaml.Event) -> Location:
        mark = event.start_mark
        if mark is None:  # pragma: no cover - both parsers mark every event
            return Location(self.path)
        return Location(self.path, mark.line + 1, mark.column + 1)

    def fail(self, event: yaml.Event, message: str, hint: str = "") -> YamlProblem:
        return YamlProblem(Problem(self.location(event), message, hint))

    def document(self) -> Any:
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return _EMPTY
        loader.get_event()  # DocumentStart
        value = self.value(0, top=True)
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.peek_event()
            raise self.fail(event, "a file may hold only one YAML document", "remove the '---'")
        return value

    def value(self, depth: int, *, top: bool = False, key: str | None = None) -> Any:
        event = self.loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            raise self.fail(
                event, "YAML anchors and aliases are not allowed", "write the value out"
            )
        if depth > MAX_DEPTH:
            raise self.fail(event, "YAML nesting is too deep", f"at most {MAX_DEPTH} levels")
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        if isinstance(event, yaml.MappingStartEvent):
            if event.tag not in (None, "!", _MAP):
                raise self.tag_problem(event, event.tag)
            return self.mapping(event, depth, top=top)
        if isinstance(event, yaml.SequenceStartEvent):
            if event.tag not in (None, "!", _SEQ):
                raise self.tag_problem(event, event.tag)
            return self.sequence(event, depth, key)
        raise self.fail(event, "unsupported YAML content")  # pragma: no cover

    def tag_problem(self, event: yaml.Event, tag: str) -> YamlProblem:
        return self.fail(
            event, f"YAML tag {tag!r} is not allowed", "event files hold plain text and lists"
        )

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, value, event.implicit)
        if tag == _STR:
            return self.text(event, value)
        if tag == _NULL:
            return None
        if tag == _BOOL and value in ("true", "false"):
            return value == "true"
        if tag == _INT and _INT_RE.fullmatch(value):
            if len(value.lstrip("-")) > MAX_INT_DIGITS:
                raise self.fail(event, f"number {value[:12]}... is too large", "quote it as text")
            return int(value)
        raise self.tag_problem(event, tag)

    def text(self, event: yaml.Event, value: str) -> str:
        bad = _FORBIDDEN_RE.search(value)
        if bad is not None:
            raise self.fail(
                event,
                f"text contains the control character {describe_char(bad.group())}",
                "remove it; control and bidirectional-override characters are not allowed",
            )
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        return value

    def sequence(self, start: yaml.Event, depth: int, key: str | None) -> YamlList:
        loader = self.loader
        result = YamlList(self.location(start))
        sink = self.sink if key is not None and key in self.streamed else None
        result.streamed = sink is not None
        position = 0
        while not loader.check_event(yaml.SequenceEndEvent):
            where = self.location(loader.peek_event())
            item = self.value(depth + 1)
            if sink is not None:
                assert key is not None
                sink(key, position, item, where)
            else:
                result.append(item)
                result.item_locations.append(where)
            position += 1
        loader.get_event()
        return result

    def mapping(self, start: yaml.Event, depth: int, *, top: bool = False) -> YamlMap:
        loader = self.loader
        result = YamlMap(self.location(start))
        while not loader.check_event(yaml.MappingEndEvent):
            key_event = loader.get_event()
            if isinstance(key_event, yaml.AliasEvent):
                raise self.fail(
                    key_event, "YAML anchors and aliases are not allowed", "write the value out"
                )
            if not isinstance(key_event, yaml.ScalarEvent):
                raise self.fail(
                    key_event,
                    "mapping keys must be text, not 'a collection'",
                    "quote the key or rename it",
                )
            tag = key_event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, key_event.value, key_event.implicit)
            if tag != _STR:
                raise self.fail(
                    key_event,
                    f"mapping keys must be text, not {key_event.value!r}",
                    "quote the key or rename it",
                )
            key = self.text(key_event, key_event.value)
            if key == "<<":
                raise self.fail(key_event, "YAML merge keys ('<<') are not allowed")
            if len(result) >= MAX_MAPPING_KEYS:
                raise self.fail(
                    key_event,
                    f"more than {MAX_MAPPING_KEYS} keys in one mapping",
                    "records need only a few keys; check how the file was written",
                )
            if key in result:
                first = result.key_locations[key]
                raise self.fail(
                    key_event,
                    f"duplicate key {key!r} (first defined on line {first.line})",
                    "remove one of them",
                )
            result.key_locations[key] = self.location(key_event)
            result.value_locations[key] = self.location(loader.peek_event())
            result[key] = self.value(depth + 1, key=key if top else None)
        loader.get_event()
        return result
