"""Layouts that fit: tables and wrapped text drawn as exact text at 50, 80, 120 and 200 columns."""

from __future__ import annotations

from io import StringIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.text import Text

from reorg_cli.events.dates import parse_window
from reorg_cli.output.layout import KEEP_AT_MOST, Records, Wrapped, keep, wrap

LONG_URL = "https://example.com/a/very/long/path/that/goes/on/and/on/and/on/for/ever"


def draw(renderable: RenderableType, width: int) -> str:
    """What a terminal ``width`` wide shows (nothing cropped, as ``print_out`` prints)."""
    console = Console(
        file=StringIO(), width=width, color_system=None, markup=False, legacy_windows=False
    )
    console.print(renderable, crop=False)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def sources() -> Records:
    table = Records(title="Sources")
    table.add_column("Id")
    table.add_column("Publisher")
    table.add_column("URL", url=True)
    table.add_column("Facts", whole=True, justify="right")
    table.add_row("S1", keep("Star Market Daily"), LONG_URL, "12")
    table.add_row("S22", "Reuters", "https://reuters.com/x", "3")
    return table


URL_UNDER_ROWS = f"""\
Sources
Id   Publisher          Facts
───  ─────────────────  ─────
S1   Star Market Daily     12
  {LONG_URL}
S22  Reuters                3
  https://reuters.com/x
"""
URL_BESIDE = f"""\
Sources
Id   Publisher          URL{" " * 71}Facts
───  ─────────────────  {"─" * 72}  ─────
S1   Star Market Daily  {LONG_URL}     12
S22  Reuters            https://reuters.com/x{" " * 57}3
"""


@pytest.mark.parametrize(
    ("width", "expected"),
    [(50, URL_UNDER_ROWS), (80, URL_UNDER_ROWS), (120, URL_BESIDE), (200, URL_BESIDE)],
)
def test_a_url_column_moves_under_its_row_when_it_does_not_fit(width: int, expected: str) -> None:
    assert draw(sources(), width) == expected


def people() -> Records:
    table = Records(title="Roles")
    table.add_column("Unit (as named then)")
    table.add_column("Title")
    table.add_column("From", whole=True)
    table.add_row(keep("Infrastructure Committee"), "Member of the board", "2023-11…11-24")
    table.add_row(keep("Tongyi Lab"), "Head", "2022")
    return table


def test_a_table_shares_what_is_left_and_never_splits_a_name_or_header_word() -> None:
    assert draw(people(), 200) == (
        "Roles\n"
        "Unit (as named then)      Title                From\n"
        "────────────────────────  ───────────────────  ─────────────\n"
        "Infrastructure Committee  Member of the board  2023-11…11-24\n"
        "Tongyi Lab                Head                 2022\n"
    )
    assert draw(people(), 50) == (
        "Roles\n"
        "Unit (as named then)      Title      From\n"
        "────────────────────────  ─────────  ─────────────\n"
        "Infrastructure Committee  Member of  2023-11…11-24\n"
        "                          the board\n"
        "Tongyi Lab                Head       2022\n"
    )


def test_below_what_a_table_needs_each_row_is_a_block() -> None:
    assert draw(people(), 40) == (
        "Roles\n"
        "Infrastructure Committee\n"
        "  Title: Member of the board\n"
        "  From: 2023-11…11-24\n"
        "\n"
        "Tongyi Lab\n"
        "  Title: Head\n"
        "  From: 2022\n"
    )


def test_text_wraps_to_the_width_with_ids_and_urls_whole() -> None:
    text = Text(
        "2026-04-08  Group Technology Committee formed under Eddie Wu  "
        "(confirmed; 2026-04-08-technology-committee)\n"
        "  Wallstreetcn: https://allweatherfinance.com/alibaba-ai-restructures-again/"
    )
    assert draw(Wrapped(text, indent=2), 50) == (
        "2026-04-08  Group Technology Committee formed\n"
        "  under Eddie Wu  (confirmed;\n"
        "  2026-04-08-technology-committee)\n"
        "  Wallstreetcn:\n"
        "https://allweatherfinance.com/alibaba-ai-restructures-again/\n"
    )
    assert draw(Wrapped(text, indent=2), 120) == (
        "2026-04-08  Group Technology Committee formed under Eddie Wu  "
        "(confirmed; 2026-04-08-technology-committee)\n"
        "  Wallstreetcn: https://allweatherfinance.com/alibaba-ai-restructures-again/\n"
    )


def test_a_name_longer_than_a_line_may_break() -> None:
    long_name = "Intelligent Search and Recommendation Products Division"
    assert len(long_name) > KEEP_AT_MOST
    assert keep(long_name).plain == long_name
    assert keep("Tongyi Lab").plain != "Tongyi Lab"  # its space does not break


def test_long_date_windows_have_a_short_form() -> None:
    assert parse_window("between 2026-03-03 and 2026-03-10").short() == "2026-03-03…10"
    assert parse_window("between 2023-11 and 2023-11-24").short() == "2023-11…11-24"
    assert parse_window("between 2024-11-21 and 2025-01").short() == "2024-11-21…2025-01"
    assert parse_window("by 2022-12-28").short() == "by 2022-12-28"


words = st.text(st.sampled_from("abcdefghij通义"), min_size=1, max_size=30)


@given(st.lists(words, min_size=1, max_size=30), st.integers(10, 120))
def test_wrapped_lines_fit_unless_a_word_is_wider(parts: list[str], width: int) -> None:
    lines = wrap(Text(" ".join(parts)), width, indent=2)
    assert " ".join(line.plain.strip() for line in lines).split() == parts  # nothing lost
    for line in lines:
        if cell_len(line.plain) > width:
            assert len(line.plain.split()) == 1  # only a word wider than the line
