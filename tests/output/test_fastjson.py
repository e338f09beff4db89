"""The fast JSON writer writes exactly what ``json.dumps(..., indent=2)`` writes, for every
document without floats (reorg writes none)."""

from __future__ import annotations

import json
from enum import IntEnum, StrEnum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reorg_cli.output.fastjson import dumps_sorted_indented
from tests.conftest import examples

scalars = st.none() | st.booleans() | st.integers() | st.text()
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=30,
)


def reference(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2)


@settings(max_examples=examples(300))
@given(documents)
def test_same_text_as_the_standard_library(data: Any) -> None:
    assert dumps_sorted_indented(data) == reference(data)


@given(st.dictionaries(keys, st.integers(), max_size=3))
def test_non_text_keys_are_written_as_the_standard_library_does(data: dict[Any, int]) -> None:
    try:
        expected = reference(data)
    except TypeError:  # keys that cannot be sorted together
        return
    assert dumps_sorted_indented(data) == expected


class Level(IntEnum):
    LOW = 1


class Colour(StrEnum):
    RED = "red"


def test_subclasses_cycles_and_deep_nesting() -> None:
    data: dict[str, Any] = {"e": Level.LOW, "s": Colour.RED, "t": ("a", 1), "u": "é\u2028\x00"}
    assert dumps_sorted_indented(data) == reference(data)
    deep: list[Any] = []
    for _ in range(500):
        deep = [deep]
    assert dumps_sorted_indented(deep) == reference(deep)
    loop: list[Any] = []
    loop.append(loop)
    try:
        reference(loop)
    except ValueError as expected:
        try:
            dumps_sorted_indented(loop)
        except ValueError as got:
            assert str(got) == str(expected)
        else:  # pragma: no cover
            raise AssertionError("a cycle must fail as in the standard library")
    for odd in (object(), {1.5: "x"}, {"x": {1, 2}}, {"big": 2**70}, {"s": "\ud800"}):
        try:
            expected_text = reference(odd)
        except TypeError:
            continue
        assert dumps_sorted_indented(odd) == expected_text


#: Text rich in what the terminal-safety escaping acts on, and its neighbours in UTF-8.
unsafe_text = st.text(
    st.sampled_from(
        "a\x00\x1f\x7f\x80\x9f\xa0\u061b\u061c\u061d\u200d\u200e\u200f\u2010\u2027\u2028"
        "\u2029\u202a\u202e\u202f\u2065\u2066\u2069\u206a\u00e9\u4e2d\U0001f600"
    )
    | st.characters(),
    max_size=12,
)


@settings(max_examples=examples(300))
@given(st.dictionaries(st.text(max_size=3), unsafe_text | st.lists(unsafe_text), max_size=4))
def test_utf8_output_is_the_text_output_encoded(data: dict[str, Any]) -> None:
    same_bytes_or_error(data)


def same_bytes_or_error(data: dict[str, Any]) -> None:
    """``dumps_utf8`` gives what ``write_json`` wrote before it: the text encoded, or the
    same error (a lone surrogate ``surrogateescape`` cannot write)."""
    from reorg_cli.output.serialize import dumps, dumps_utf8

    try:
        expected = dumps(data).encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as error:
        try:
            b"".join(dumps_utf8(data))
        except UnicodeEncodeError as got:
            assert str(got) == str(error)
        else:  # pragma: no cover
            raise AssertionError("dumps_utf8 must fail where the encoding did") from None
        return
    assert b"".join(dumps_utf8(data)) == expected


def test_utf8_output_of_what_orjson_refuses() -> None:
    for odd in ({"s": "\udc80\u2028"}, {"big": 2**70, "t": "\x85"}, {"s": "\ud800"}):
        same_bytes_or_error(odd)
