"""``json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2)``, written by orjson.

With ``indent``, the standard library encodes in pure Python through nested generators (its C
encoder has no indentation), and a query result of a large history is megabytes of JSON.
orjson writes the same text from compiled code, ten times faster, for the documents reorg
writes: strings, integers, booleans, ``None``, lists, tuples and dictionaries with string keys.
Anything orjson refuses (keys that are not strings, integers beyond 64 bits, other types,
cycles, nesting deeper than 255) is handed to ``json.dumps`` itself, so it is written, or
rejected, exactly as the standard library does.

Floats are outside what reorg writes (no JSON shape in docs/json-output.md has one; a test
checks every command's output): orjson would spell some differently (``1e16`` for ``1e+16``,
``null`` for ``NaN``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def dumps_sorted_indented(data: Any, indent: int = 2) -> str:
    """Exactly ``json.dumps(data, sort_keys=True, ensure_ascii=False, indent=indent)`` for
    documents without floats."""
    if indent == 2:
        try:
            return orjson.dumps(data, option=_OPTIONS).decode("utf-8")
        except orjson.JSONEncodeError:
            pass
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=indent)


def dumps_sorted_indented_utf8(data: Any) -> bytes | None:
    """:func:`dumps_sorted_indented` (indent 2) as UTF-8 bytes, without the text in between
    (a state of a large history is tens of megabytes); None for a document orjson refuses."""
    try:
        return orjson.dumps(data, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return None
