"""Strict JSON reading for the importers, with places in the user's document.

:func:`load_json` parses with the standard library's C decoder (fast on a 40 MB document) and
refuses what it would otherwise accept silently or crash on: duplicate keys, integers too long
to convert, numbers that overflow to infinity, ``NaN``, and nesting deeper than the decoder can
recurse. Places are JSON paths (``$.organizations[3].founding_date``); :func:`locate` finds the
line and column of such paths by walking the text once, without recursion, and is only run when
there is something to report.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from reorg_cli.events.errors import EventFileError, Location, Problem

#: Longest integer accepted (as in event files).
MAX_INT_DIGITS = 18
#: The depth at which a document that is too deep to decode is reported.
REPORTED_DEPTH = 64

Path = tuple[str | int, ...]

_WS_RE = re.compile(r"[ \t\n\r]*")
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WORD_RE = re.compile(r"true|false|null|NaN|-?Infinity")
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEP_RE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\[(\"(?:[^\"\\]|\\.)*\")\]")


class _Stop(Exception):
    """Ends a walk from inside it."""


class _Refused(Exception):
    """Raised by a decoder hook; the walk finds where."""


def format_path(path: Iterable[str | int]) -> str:
    """``$.organizations[3]["odd key"]`` for a path of keys and indexes."""
    parts = ["$"]
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif _IDENT_RE.fullmatch(step):
            parts.append(f".{step}")
        else:
            parts.append(f"[{json.dumps(step, ensure_ascii=False)}]")
    return "".join(parts)


def parse_path(text: str) -> Path:
    """The inverse of :func:`format_path` (the leading ``$`` is optional)."""
    steps: list[str | int] = []
    position = 1 if text.startswith("$") else 0
    if text[position : position + 1] not in ("", ".", "["):
        text = text[:position] + "." + text[position:]
    for match in _STEP_RE.finditer(text, position):
        key, index, quoted = match.groups()
        steps.append(
            key if key is not None else int(index) if index is not None else json.loads(quoted)
        )
    return tuple(steps)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


Visit = Callable[[str, list[str | int], int, str], bool]


def walk(text: str, visit: Visit) -> None:
    """Call ``visit(kind, path, offset, token)`` for each value (kind ``value``) and each key
    that repeats one before it in its object (kind ``duplicate``), in document order, until it
    returns True. Iterative, so any depth is fine; stops quietly at a syntax error."""
    path: list[str | int] = []
    stack: list[set[str]] = []  # the keys seen so far in each open object (empty for lists)
    is_object: list[bool] = []
    position, end = 0, len(text)
    need_value = True

    def key_at(start: int) -> tuple[str, int] | None:
        start = _WS_RE.match(text, start).end()  # type: ignore[union-attr]
        match = _STRING_RE.match(text, start)
        if match is None:
            return None
        after = _WS_RE.match(text, match.end()).end()  # type: ignore[union-attr]
        if text[after : after + 1] != ":":
            return None
        key: str = json.loads(match.group())
        if key in stack[-1] and visit("duplicate", [*path, key], start, match.group()):
            raise _Stop
        stack[-1].add(key)
        path.append(key)
        return key, after + 1

    try:
        while True:
            position = _WS_RE.match(text, position).end()  # type: ignore[union-attr]
            if position >= end:
                return
            char = text[position]
            if need_value:
                if visit("value", path, position, char):
                    return
                if char == "{":
                    after = _WS_RE.match(text, position + 1).end()  # type: ignore[union-attr]
                    if text[after : after + 1] == "}":
                        position, need_value = after + 1, False
                        continue
                    stack.append(set())
                    is_object.append(True)
                    found = key_at(position + 1)
                    if found is None:
                        return
                    position = found[1]
                    continue
                if char == "[":
                    after = _WS_RE.match(text, position + 1).end()  # type: ignore[union-attr]
                    if text[after : after + 1] == "]":
                        position, need_value = after + 1, False
                        continue
                    stack.append(set())
                    is_object.append(False)
                    path.append(0)
                    position += 1
                    continue
                match = (
                    _STRING_RE.match(text, position)
                    or _NUMBER_RE.match(text, position)
                    or _WORD_RE.match(text, position)
                )
                if match is None:
                    return
                if match.group()[0] != '"' and visit("scalar", path, position, match.group()):
                    return
                position, need_value = match.end(), False
                continue
            if not stack:
                return
            if char == ",":
                if is_object[-1]:
                    path.pop()
                    found = key_at(position + 1)
                    if found is None:
                        return
                    position = found[1]
                else:
                    index = path[-1]
                    assert isinstance(index, int)
                    path[-1] = index + 1
                    position += 1
                need_value = True
                continue
            if char in "}]":
                stack.pop()
                is_object.pop()
                path.pop()
                position += 1
                continue
            return
    except _Stop:
        return


def locate(text: str, paths: Iterable[Path]) -> dict[Path, tuple[int, int]]:
    """The line and column where each of ``paths`` starts in ``text`` (those found)."""
    wanted = set(paths)
    found: dict[Path, tuple[int, int]] = {}
    if not wanted:
        return found
    deepest = max(len(p) for p in wanted)

    def visit(kind: str, path: list[str | int], offset: int, token: str) -> bool:
        if kind != "value" or len(path) > deepest:
            return False
        key = tuple(path)
        if key in wanted:
            found[key] = line_column(text, offset)
            return len(found) == len(wanted)
        return False

    walk(text, visit)
    return found


def _first(text: str, test: Callable[[str, list[str | int], str], bool]) -> tuple[Path, int]:
    """The path and offset of the first place ``test(kind, path, token)`` accepts."""
    result: list[tuple[Path, int]] = []

    def visit(kind: str, path: list[str | int], offset: int, token: str) -> bool:
        if test(kind, path, token):
            result.append((tuple(path), offset))
            return True
        return False

    walk(text, visit)
    return result[0] if result else ((), 0)


def _too_long(token: str) -> bool:
    digits = token.lstrip("-")
    return digits.isdigit() and len(digits) > MAX_INT_DIGITS


def _not_finite(token: str) -> bool:
    if token in ("NaN", "Infinity", "-Infinity"):
        return True
    if token[:1] not in "-0123456789" or token.lstrip("-").isdigit():
        return False
    return not math.isfinite(float(token))


def _refuse(label: str, text: str, problem: str) -> EventFileError:
    """The error for a refused document, placed at the first offending spot."""
    if problem == "duplicate":
        path, offset = _first(text, lambda kind, _path, _token: kind == "duplicate")
        message = f"duplicate key {path[-1]!r}" if path else "duplicate key"
        hint = "each key may appear once in an object"
    elif problem == "integer":
        path, offset = _first(
            text, lambda kind, _path, token: kind == "scalar" and _too_long(token)
        )
        message = f"number is too long (more than {MAX_INT_DIGITS} digits)"
        hint = "write it as text"
    elif problem == "number":
        path, offset = _first(
            text, lambda kind, _path, token: kind == "scalar" and _not_finite(token)
        )
        message = "number is not finite (NaN, Infinity or too large)"
        hint = "write it as text"
    else:
        path, offset = _first(
            text, lambda kind, path, _token: kind == "value" and len(path) >= REPORTED_DEPTH
        )
        message = f"JSON nesting is too deep (more than {REPORTED_DEPTH} levels here)"
        hint = "a Popolo document nests a few levels deep"
    line, column = line_column(text, offset) if path or offset else (0, 0)
    where = format_path(path if problem != "depth" else ())
    shown = f"{where}: {message}" if problem != "depth" else message
    return EventFileError([Problem(Location(label, line, column), shown, hint)])


def load_json(text: str, label: str) -> Any:
    """Parse ``text`` (named ``label`` in messages) strictly; raises :class:`EventFileError`
    with one positioned problem for anything refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) != len(items):
            raise _Refused("duplicate")
        return result

    def integer(token: str) -> int:
        if len(token) > MAX_INT_DIGITS and _too_long(token):
            raise _Refused("integer")
        return int(token)

    def real(token: str) -> float:
        value = float(token)
        if not math.isfinite(value):
            raise _Refused("number")
        return value

    def constant(token: str) -> Any:
        raise _Refused("number")

    try:
        return json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=integer,
            parse_float=real,
            parse_constant=constant,
        )
    except json.JSONDecodeError as err:
        raise EventFileError(
            [
                Problem(
                    Location(label, err.lineno, err.colno),
                    f"not valid JSON: {err.msg}",
                    "the file must be one JSON document; a JSON validator or 'python3 -m "
                    "json.tool FILE' shows the same place",
                )
            ]
        ) from None
    except _Refused as err:
        raise _refuse(label, text, str(err)) from None
    except (RecursionError, MemoryError):
        raise _refuse(label, text, "depth") from None
