"""``wrap``'s quick paths (pieces cut in one pass, a line that fits built whole) give exactly the
lines of the plain word-by-word algorithm: the same text, base style and spans, so that the
terminal shows the same characters in the same colours at every width."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Span, Text

from reorg_cli.output.layout import KEEP, wrap

_WORD_RE = re.compile(r"[^ ]+ *| +")


def _unkeep(text: Text, width: int) -> Text:
    plain = text.plain
    if KEEP not in plain:
        return text
    loosened = re.sub(
        r"[^ \n]+",
        lambda m: m.group().replace(KEEP, " ") if cell_len(m.group()) > width else m.group(),
        plain,
    )
    return text if loosened == plain else Text(loosened, style=text.style, spans=text.spans)


def reference_wrap(text: Text, width: int, *, indent: int = 0, first: int = 0) -> list[Text]:
    """The wrapping algorithm as first written: every word sliced out and appended alone."""
    lines: list[Text] = []
    for number, paragraph in enumerate(text.split("\n", allow_blank=True)):
        paragraph = _unkeep(paragraph, width - indent)
        current = Text() if number == 0 else Text(" " * indent)
        used = first if number == 0 else indent
        empty = True
        for found in _WORD_RE.finditer(paragraph.plain):
            piece = paragraph[found.start() : found.end()]
            word = found.group().rstrip(" ")
            size = cell_len(word)
            if not word:
                current.append_text(piece)
                used += cell_len(found.group())
                continue
            if not empty and used + size > width:
                current.rstrip()
                lines.append(current)
                margin = indent if indent + size <= width else 0
                current = Text(" " * margin)
                used = margin
            current.append_text(piece)
            used += cell_len(found.group())
            empty = False
        current.rstrip()
        lines.append(current)
    for number, line in enumerate(lines):
        plain = line.plain
        if cell_len(plain) + (first if number == 0 else 0) > width:
            bare = plain.lstrip(" ")
            if bare and cell_len(bare) <= width and number:
                lines[number] = line[len(plain) - len(bare) :]
    return lines


def shape(lines: list[Text]) -> list[tuple[str, str, list[Span]]]:
    return [(line.plain, str(line.style), list(line.spans)) for line in lines]


CHARACTERS = st.sampled_from(["a", "b", "c", "d", " ", " ", "\n", KEEP, "通", "义", "é", "-"])


@st.composite
def texts(draw: st.DrawFn) -> Text:
    plain = "".join(draw(st.lists(CHARACTERS, max_size=40)))
    text = Text(plain, style=draw(st.sampled_from(["", "bold", "dim"])))
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(plain)))
        end = draw(st.integers(start, len(plain)))  # empty spans too
        text.spans.append(Span(start, end, draw(st.sampled_from(["red", "bold", "dim"]))))
    return text


@given(texts(), st.integers(1, 60), st.integers(0, 6), st.integers(0, 5))
def test_wrap_gives_the_lines_of_the_word_by_word_algorithm(
    text: Text, width: int, indent: int, first: int
) -> None:
    expected = shape(reference_wrap(text.copy(), width, indent=indent, first=first))
    assert shape(wrap(text.copy(), width, indent=indent, first=first)) == expected


def test_a_line_that_fits_keeps_a_span_per_word_as_appended_words_have() -> None:
    text = Text("  Title: Head", style="dim")
    (line,) = wrap(text, 80, indent=4)
    assert line.plain == "  Title: Head"
    assert line.spans == [Span(0, 2, "dim"), Span(2, 9, "dim"), Span(9, 13, "dim")]
    assert shape(wrap(text, 80, indent=4)) == shape(reference_wrap(text, 80, indent=4))
