"""``wrap``'s quick paths (pieces cut in one pass, a line that fits built whole) give exactly the
lines of the plain word-by-word algorithm: the same text, base style and spans, so that the
terminal shows the same characters in the same colours at every width."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Span, Text

from reorg_cli.output.layout import KEEP, Column, Records, wrap

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


def reference_join(cells: list[list[Text]], sizes: list[int], justify: list[str]) -> list[Text]:
    """Table lines as first written: every cell padded as a copy (``_pad``), then appended."""

    def pad(line: Text, width: int, how: str) -> Text:
        gap = width - cell_len(line.plain)
        if gap <= 0:
            return line
        return Text(" " * gap) + line if how == "right" else line + Text(" " * gap)

    lines = []
    for number in range(max((len(c) for c in cells), default=0)):
        line = Text()
        for i, (cell, size) in enumerate(zip(cells, sizes, strict=True)):
            if i:
                line.append("  ")
            line.append_text(pad(cell[number] if number < len(cell) else Text(), size, justify[i]))
        line.rstrip()
        lines.append(line)
    return lines


@given(
    st.lists(
        st.tuples(
            st.lists(
                texts().map(lambda t: Text(t.plain.replace("\n", " "), style=t.style)), max_size=3
            ),
            st.integers(0, 30),
            st.sampled_from(["left", "right"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_table_lines_are_those_of_padded_copies(columns: list[tuple[list[Text], int, str]]) -> None:
    cells = [cell for cell, _, _ in columns]
    sizes = [size for _, size, _ in columns]
    justify = [how for _, _, how in columns]
    cols = [Column("", justify=how) for how in justify]  # type: ignore[arg-type]
    copies = [[part.copy() for part in cell] for cell in cells]
    expected = shape(reference_join(copies, sizes, justify))
    assert shape(Records._join(cells, sizes, cols)) == expected


def test_an_empty_styled_cell_adds_no_span_to_its_line() -> None:
    cells = [[Text("", style="bold")], [Text("ab", style="dim")], [Text("", style="red")]]
    cols = [Column("", justify="right"), Column(""), Column("")]
    expected = shape(reference_join(cells, [3, 4, 2], ["right", "left", "left"]))
    assert shape(Records._join(cells, [3, 4, 2], cols)) == expected
    assert expected == [("     ab", "", [Span(5, 7, "dim")])]
