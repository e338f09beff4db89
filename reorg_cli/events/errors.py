"""The errors reorg raises. The CLI turns them into messages and exit codes in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    """How serious a problem in the event files is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an event file; ``line`` and ``column`` are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.column}"
        return self.path


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in the event files."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        text = f"{self.location}: {prefix}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "path": self.location.path,
            "line": self.location.line or None,
            "column": self.location.column or None,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint or None,
        }


class ReorgError(Exception):
    """Base class of every error reorg reports to users."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class EventFileError(ReorgError):
    """An event file cannot be read or is not valid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        first = errors[0] if errors else problems[0]
        super().__init__(str(first))
        self.problems = problems


#: A name, argument or path echoed in a message is cut to this many characters.
SHOWN = 80


def shortened(text: str, limit: int = SHOWN) -> str:
    """``text`` for echoing in a message: its first ``limit`` characters and ``…`` if longer
    (a 10,000-character argument is not echoed whole)."""
    return text if len(text) <= limit else text[:limit] + "…"


class UnknownNameError(ReorgError):
    """A person, unit or event name matched nothing."""

    def __init__(self, what: str, query: str, suggestions: list[str], otherwise: str = "") -> None:
        hint = ("did you mean " + ", ".join(suggestions) + "?") if suggestions else otherwise
        super().__init__(f"no {what} called {shortened(query)!r}", hint)
        self.suggestions = suggestions


class AmbiguousNameError(ReorgError):
    """A name matched more than one person or unit."""


class UsageError(ReorgError):
    """The command line asks for something that cannot be done as written (exit 2)."""


class QueryDateError(UsageError):
    """A date given on the command line is not valid."""


class CheckFailed(ReorgError):
    """A command's report (already written to stdout) found errors: exit 1 with no message."""

    def __init__(self) -> None:
        super().__init__("the check found errors")
