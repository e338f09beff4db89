"""Characters that are not text: the one definition of what the loader refuses in a value and
what every output and generated file writes as visible ``\\uXXXX`` instead."""

from __future__ import annotations

import re

#: Control characters other than tab and line feed, and the bidirectional-override marks (a
#: regular-expression character class body).
CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
#: Tab and the line breaks: text, but not on a line that must stay one line.
LINE_BREAKS = "\t\n\u2028\u2029"

CONTROL_RE = re.compile(f"[{CONTROL}]")
_NOT_ON_ONE_LINE_RE = re.compile(f"[{CONTROL}{LINE_BREAKS}]")


def escaped(match: re.Match[str]) -> str:
    """The matched character as visible ``\\uXXXX`` (for ``pattern.sub``)."""
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """``text`` with control, bidi-override, tab and line-break characters written as
    ``\\uXXXX``: for text that must stay on one line (a file name in a generated YAML comment,
    a path in an error message)."""
    return _NOT_ON_ONE_LINE_RE.sub(escaped, text)
