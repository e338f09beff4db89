"""Layouts that fit the width they are given: tables that never break an id, a URL or a word,
stacked one block per row below 80 columns, and text that wraps with a hanging indent.

Renderers build these like Rich tables (``add_column``, ``add_row``) and never choose a width:
the layout is chosen when the console renders it, from the width it has.

The rules (docs/architecture.md, "Layouts"):

- A :class:`Records` is a table when it fits. Each column is at least as wide as its longest
  word (or its longest cell, for columns of dates and numbers), so words, ids, names (kept
  whole with :func:`keep`) and header words are never split; columns share what is left.
  Every view is designed to stay a table at :data:`WIDE` (80) columns.
- A URL column that does not fit beside the others moves under its row, on a line of its own.
- When even that does not fit, each row becomes a block: its first cell, then one
  ``Header: value`` line per other cell.
- Nothing is cropped. A word longer than the width (only a URL, in practice) stands alone on
  its line and is the only thing allowed past the width.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text

#: Views are designed for this many columns first: their tables stay tables at this width.
WIDE = 80
#: Spaces between table columns.
GAP = 2
#: Indent of a field in a stacked block, and of the continuation of a wrapped line.
INDENT = 2

#: Stands for a space that must not break a line (inside a name); printed as a space.
KEEP = "\ue000"

_WORD_RE = re.compile(r"[^ ]+ *| +")


def as_text(value: Text | str) -> Text:
    """A cell as Rich text (plain strings are never markup)."""
    return value if isinstance(value, Text) else Text(value)


#: Names up to this many cells are kept whole; longer ones may break between words.
KEEP_AT_MOST = 40


def keep(value: Text | str) -> Text:
    """``value`` as text that is never broken between its words (a name), when it is at most
    :data:`KEEP_AT_MOST` cells wide (a longer one breaks between words, like any text)."""
    text = as_text(value)
    if cell_len(text.plain) > KEEP_AT_MOST:
        return text
    return Text(text.plain.replace(" ", KEEP), style=text.style, spans=list(text.spans))


_BREAKS_RE = re.compile(r"[ \n]+")


def longest_word(text: Text | str) -> int:
    """Cells of the longest run of characters without a breaking space."""
    return max(map(cell_len, _BREAKS_RE.split(str(text))))  # split gives at least one


def longest_line(text: Text | str) -> int:
    """Cells of the longest line."""
    return max(map(cell_len, str(text).split("\n")))  # split gives at least one


def wrap(text: Text, width: int, *, indent: int = 0, first: int = 0) -> list[Text]:
    """``text`` wrapped at spaces to ``width`` cells.

    The first line starts ``first`` cells in (the caller has put something there), and the
    following lines are indented by ``indent`` spaces, unless a word fits only without the
    indent. A word wider than the width (a URL) goes alone on its own line, whole. Line breaks
    in ``text`` are kept. Trailing spaces are removed.
    """
    if "\n" not in text.plain:
        paragraph = _unkeep_wider_than(text, width - indent)
        if not paragraph.spans:
            runs = _WORD_RE.findall(paragraph.plain)
            if _fits(runs, width - first):
                return [_whole(paragraph, runs)]
    lines: list[Text] = []
    # Without a line break the text is its only paragraph (split would copy it; it is only read).
    paragraphs = text.split("\n", allow_blank=True) if "\n" in text.plain else [text]
    for number, paragraph in enumerate(paragraphs):
        paragraph = _unkeep_wider_than(paragraph, width - indent)
        runs = _WORD_RE.findall(paragraph.plain)
        current = Text() if number == 0 else Text(" " * indent)
        used = first if number == 0 else indent
        empty = True
        # Every piece cut in one pass, each as ``paragraph[start:end]`` would cut it (that
        # slice is the middle of ``divide([start, end])``).
        pieces = paragraph.divide([0, *itertools.accumulate(map(len, runs))])[1:] if runs else []
        for run, piece in zip(runs, pieces[: len(runs)], strict=True):
            word = run.rstrip(" ")
            if not word:  # leading spaces are kept
                current.append_text(piece)
                used += cell_len(run)
                continue
            size = cell_len(word)
            if not empty and used + size > width:
                current.rstrip()
                lines.append(current)
                margin = indent if indent + size <= width else 0
                current = Text(" " * margin)
                used = margin
            current.append_text(piece)
            used += cell_len(run)
            empty = False
        current.rstrip()
        lines.append(current)
    # A line that fits only without its indent (a long id) loses the indent.
    for number, line in enumerate(lines):
        plain = line.plain
        if cell_len(plain) + (first if number == 0 else 0) > width:
            bare = plain.lstrip(" ")
            if bare and cell_len(bare) <= width and number:
                lines[number] = line[len(plain) - len(bare) :]
    return lines


def _fits(runs: list[str], width: int) -> bool:
    """Whether :func:`wrap` keeps these runs (words with their spaces) on one line."""
    used = 0
    empty = True
    for run in runs:
        word = run.rstrip(" ")
        if word:
            if not empty and used + cell_len(word) > width:
                return False
            empty = False
        used += cell_len(run)
    return True


def _whole(paragraph: Text, runs: list[str]) -> Text:
    """The one line :func:`wrap` makes of an unbroken ``paragraph`` without spans: the same
    text and spans as its runs appended one by one (each carries the paragraph's style)."""
    line = Text(paragraph.plain)
    if paragraph.style:
        start = 0
        for run in runs:
            line.stylize(paragraph.style, start, start + len(run))
            start += len(run)
    line.rstrip()
    return line


def _unkeep_wider_than(text: Text, width: int) -> Text:
    """``text`` with the kept spaces of any kept phrase wider than ``width`` made breakable
    (a name that fits no line may break between its words, never inside one)."""
    plain = text.plain
    if KEEP not in plain:
        return text

    def loosen(found: re.Match[str]) -> str:
        run = found.group()
        return run.replace(KEEP, " ") if cell_len(run) > width else run

    loosened = re.sub(r"[^ \n]+", loosen, plain)
    if loosened == plain:
        return text
    return Text(loosened, style=text.style, spans=list(text.spans))


def _pad(line: Text, width: int, justify: str) -> Text:
    gap = width - cell_len(line.plain)
    if gap <= 0:
        return line
    if justify == "right":
        return Text(" " * gap) + line
    return line + Text(" " * gap)


def _emit(console: Console, lines: Iterable[Text]) -> RenderResult:
    for line in lines:
        line.rstrip()
        if KEEP in line.plain:
            line.plain = line.plain.replace(KEEP, " ")
        yield from line.render(console)
        yield Segment.line()


@dataclass
class Column:
    """A column: its header, and whether its cells may be broken between words."""

    header: str
    whole: bool = False
    url: bool = False
    justify: Literal["left", "right"] = "left"
    style: str = ""


@dataclass
class Records:
    """A table that fits its width (see the module docstring); build it like a Rich table."""

    title: Text | str | None = None
    stack_below: int = 0
    columns: list[Column] = field(default_factory=list)
    rows: list[list[Text]] = field(default_factory=list)
    #: Lines across the table before a row (by the row's index): group headings.
    sections: dict[int, list[Text]] = field(default_factory=dict)

    def add_column(
        self,
        header: str,
        *,
        whole: bool = False,
        url: bool = False,
        justify: Literal["left", "right"] = "left",
        style: str = "",
    ) -> None:
        """A column. ``whole``: never broken (ids, dates, numbers); ``url``: URLs, whole, and
        moved under the row when they do not fit beside the other columns (a URL is one word,
        so it is never broken; a label before it may go on the line above)."""
        self.columns.append(Column(header, whole, url, justify, style))

    def add_row(self, *cells: Text | str) -> None:
        """A row of cells (missing trailing cells are empty)."""
        row = [as_text(cell) for cell in cells]
        row.extend(Text() for _ in range(len(self.columns) - len(row)))
        self.rows.append(row)

    def add_section(self, heading: Text | str) -> None:
        """A heading across the table above the rows added after it."""
        self.sections.setdefault(len(self.rows), []).append(as_text(heading))

    # -- measuring -------------------------------------------------------------------------
    def _least(self, index: int) -> int:
        column = self.columns[index]
        cells = [row[index] for row in self.rows]
        measure = longest_line if column.whole else longest_word
        return max([longest_word(column.header), *(measure(cell) for cell in cells)])

    def _most(self, index: int) -> int:
        column = self.columns[index]
        return max([cell_len(column.header), *(longest_line(row[index]) for row in self.rows)])

    def widths(self, width: int, inline: Sequence[int]) -> list[int] | None:
        """Widths of the ``inline`` columns in a table ``width`` wide, or None if they cannot
        fit without breaking a word."""
        least = [self._least(i) for i in inline]
        most = [max(a, self._most(i)) for a, i in zip(least, inline, strict=True)]
        room = width - GAP * (len(inline) - 1)
        if sum(least) > room:
            return None
        if sum(most) <= room:
            return most
        sizes = list(least)
        spare = room - sum(least)
        wants = [m - s for m, s in zip(most, least, strict=True)]
        total = sum(wants)
        for i, want in enumerate(wants):
            sizes[i] += spare * want // total
        left = room - sum(sizes)
        order = sorted(range(len(sizes)), key=lambda i: (sizes[i] - most[i], i))
        for i in order:
            if left <= 0:
                break
            if sizes[i] < most[i]:
                sizes[i] += 1
                left -= 1
        return sizes

    # -- rendering -------------------------------------------------------------------------
    def lines(self, width: int) -> list[Text]:
        """The layout at ``width`` as lines of text."""
        out: list[Text] = []
        if self.title:
            out.extend(wrap(Text.assemble(as_text(self.title), style="bold"), width))
        if not self.columns:
            return out
        if width >= self.stack_below and self.rows:
            everything = list(range(len(self.columns)))
            sizes = self.widths(width, everything)
            if sizes is not None:
                return out + self._table(everything, sizes, [], width)
            urls = [i for i in everything if self.columns[i].url]
            inline = [i for i in everything if not self.columns[i].url]
            if urls and inline:
                sizes = self.widths(width, inline)
                if sizes is not None:
                    return out + self._table(inline, sizes, urls, width)
        return out + self._stacked(width)

    def _heading(self, number: int, width: int) -> list[Text]:
        out: list[Text] = []
        for count, heading in enumerate(self.sections.get(number, [])):
            if number or count:
                out.append(Text())
            out.extend(wrap(heading, width, indent=INDENT))
        return out

    def _table(
        self, inline: list[int], sizes: list[int], below: list[int], width: int
    ) -> list[Text]:
        out: list[Text] = []
        cols = [self.columns[i] for i in inline]
        headers = [
            wrap(Text(c.header, style="bold"), size) for c, size in zip(cols, sizes, strict=True)
        ]
        out.extend(self._join(headers, sizes, cols))
        out.append(Text((" " * GAP).join("─" * size for size in sizes), style="dim"))
        wrapped_rows = []
        for row in self.rows:
            cells = []
            for index, size in zip(inline, sizes, strict=True):
                cell = row[index]
                column = self.columns[index]
                if column.style:
                    cell = Text.assemble(cell, style=column.style)
                cells.append(list(cell.split("\n")) if column.whole else wrap(cell, size))
            extra = [row[i] for i in below if row[i].plain]
            wrapped_rows.append((cells, extra))
        # Rows are told apart by their first cell; blank lines between them only when a
        # row of several lines has none.
        spaced = not self.sections and any(
            (max(len(c) for c in cells) > 1 or extra) and not cells[0][0].plain.strip()
            for cells, extra in wrapped_rows
        )
        for number, (cells, extra) in enumerate(wrapped_rows):
            out.extend(self._heading(number, width))
            if spaced and number:
                out.append(Text())
            out.extend(self._join(cells, sizes, cols))
            for url in extra:
                out.extend(wrap(Text(" " * INDENT) + url, width, indent=INDENT))
        out.extend(self._heading(len(self.rows), width))
        return out

    @staticmethod
    def _join(cells: list[list[Text]], sizes: list[int], cols: list[Column]) -> list[Text]:
        height = max((len(c) for c in cells), default=0)
        lines = []
        for number in range(height):
            line = Text()
            for i, (cell, size) in enumerate(zip(cells, sizes, strict=True)):
                if i:
                    line.append(" " * GAP)
                part = cell[number] if number < len(cell) else Text()
                gap = size - cell_len(part.plain)
                # As ``_pad``, without copying the cell when the padding carries no style.
                if gap > 0 and cols[i].justify == "right":
                    line.append(" " * gap)
                    line.append(part)
                elif gap > 0 and not part.style:
                    line.append_text(part)
                    line.append(" " * gap)
                else:
                    line.append_text(_pad(part, size, cols[i].justify))
            line.rstrip()
            lines.append(line)
        return lines

    def _stacked(self, width: int) -> list[Text]:
        out: list[Text] = []
        for number, row in enumerate(self.rows):
            heading = self._heading(number, width)
            out.extend(heading)
            if number and not heading:
                out.append(Text())
            out.extend(wrap(Text.assemble(row[0], style="bold"), width, indent=INDENT))
            for column, cell in zip(self.columns[1:], row[1:], strict=True):
                if cell.plain:
                    out.extend(self._field(column, cell, width))
        out.extend(self._heading(len(self.rows), width))
        return out

    @staticmethod
    def _field(column: Column, cell: Text, width: int) -> list[Text]:
        label = Text(f"{' ' * INDENT}{column.header}: ", style="dim")
        if column.style:
            cell = Text.assemble(cell, style=column.style)
        if not column.whole:
            return wrap(label + cell, width, indent=2 * INDENT)
        values = cell.split("\n")
        if len(values) == 1 and cell_len(label.plain) + cell_len(cell.plain) <= width:
            return [label + cell]
        label.rstrip()
        out = [label]
        for value in values:
            margin = 2 * INDENT if 2 * INDENT + cell_len(value.plain) <= width else 0
            out.append(Text(" " * margin) + value)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from _emit(console, self.lines(options.max_width))


@dataclass
class Wrapped:
    """Text wrapped to the width at spaces, each line after the first indented; a word
    wider than the width (a URL) stands alone on its line, whole."""

    text: Text
    indent: int = 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines: list[Text] = []
        for paragraph in self.text.split("\n", allow_blank=True):
            # A wrapped line continues under its own indent, plus ours.
            leading = len(paragraph.plain) - len(paragraph.plain.lstrip(" "))
            lines.extend(wrap(paragraph, width, indent=min(leading + self.indent, width // 2)))
        yield from _emit(console, lines)

    def __str__(self) -> str:
        return self.text.plain
