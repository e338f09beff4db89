"""Chart labels against the grammars that read them: any text, once escaped, is read back as
itself by Graphviz's lexer (a DOT double-quoted string, then a label's escapes) and by
Mermaid's (a quoted label with entity codes), and never ends the string early."""

from __future__ import annotations

import html
import re

from hypothesis import example, given
from hypothesis import strategies as st

from reorg_cli.interop.graph import dot_string, mermaid_text

#: Text as names may hold it: anything but control characters, which the loader refuses.
NAMES = st.text(
    st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from('"\\%#&<>`;|[]{}-'),
    max_size=40,
)


def read_dot_string(source: str) -> tuple[str, str]:
    """One DOT double-quoted string at the start of ``source``, as Graphviz's scanner reads it
    (scan.l: ``\\"`` is a quote, ``\\\\`` stays two characters, a backslash before a line
    break joins lines): (the string's text, what follows it)."""
    assert source.startswith('"')
    out: list[str] = []
    index = 1
    while True:
        char = source[index]
        if char == '"':
            return "".join(out), source[index + 1 :]
        if char == "\\" and source[index + 1] in '"\\\n':
            following = source[index + 1]
            out.append({'"': '"', "\\": "\\\\", "\n": ""}[following])
            index += 2
            continue
        out.append(char)
        index += 1


def label_text(escaped: str) -> str:
    """A label's escString as drawn: ``\\n`` a line break, ``\\\\`` one backslash."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), escaped)


@given(NAMES)
@example('a "b" \\" c \\\\ d \\n \\l')
@example("ends with \\")
def test_a_dot_string_reads_back_as_the_text(text: str) -> None:
    string, rest = read_dot_string(dot_string(text) + " ;")
    assert rest == " ;"
    assert label_text(string) == text


def read_mermaid_label(label: str) -> str:
    """A quoted Mermaid label's text as drawn: Mermaid turns ``#name;`` and ``#123;`` into
    ``&name;`` and ``&#123;`` and the browser decodes those."""
    return html.unescape(
        re.sub(r"#(\w+);", lambda m: f"&{'#' if m.group(1).isdigit() else ''}{m.group(1)};", label)
    )


@given(NAMES)
@example('%%{init: {"theme": "dark"}}%% "x" <b>#35;</b> &amp; `md`')
@example('Lifestyle "A:B"')
def test_a_mermaid_label_reads_back_as_the_text(text: str) -> None:
    label = mermaid_text(text)
    # Nothing in it ends the quoted string, starts a comment or directive, or is HTML.
    assert not set(label) & set('"%<>`\n')
    # Mermaid drops a ';' from /style.*:\S*#.*;/ before reading entity codes: no ':' may be
    # followed by anything but a space.
    assert re.search(":(?! )", label) is None
    assert read_mermaid_label(label) == text
