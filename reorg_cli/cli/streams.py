"""The standard streams of a run: a closed or full stdout is reported in one line, a stderr
that cannot be written drops what it cannot write, closed descriptors are held on the null
device, and an output encoding that cannot hold a character writes an escape instead.

:func:`guard_std_streams` sets them up once, first thing in ``main``; the error boundary asks
:func:`stdout_failure` whether an OSError was the failure to write stdout.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import RenderableType


class _ClosedOutput(io.TextIOBase):
    """Standard output when the program was started with it closed (``>&-``): writing to it
    fails as a full disk would, so a command that needs stdout reports it, and one that
    needs none (it wrote a file) is not disturbed."""

    failure: OSError | None = None

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not text:
            return 0
        self.failure = OSError(errno.EBADF, "it is closed")
        raise self.failure

    def flush(self) -> None:
        if self.failure is not None:
            raise OSError(errno.EBADF, "it is closed")


class _Wrapped(io.TextIOBase):
    """A standard stream passed through to ``inner``, whose writes a subclass watches."""

    def __init__(self, inner: TextIO) -> None:
        super().__init__()
        self._inner = inner

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._inner, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._inner.isatty()

    def fileno(self) -> int:
        return self._inner.fileno()


class _WatchedOutput(_Wrapped):
    """Standard output that remembers a failure to write it (a full disk, an I/O error), so
    the error boundary can tell it from any other OSError and say what happened."""

    failure: OSError | None = None

    @property
    def buffer(self) -> Any:
        """The binary stream below (JSON is written there as UTF-8)."""
        return self._inner.buffer

    def write(self, text: str) -> int:
        try:
            return self._inner.write(text)
        except OSError as err:
            note_stdout_failure(err)
            raise

    def flush(self) -> None:
        try:
            self._inner.flush()
        except OSError as err:
            note_stdout_failure(err)
            raise


def note_stdout_failure(err: OSError) -> None:
    """Remember that writing stdout failed with ``err`` (not for a reader that left)."""
    if not isinstance(err, BrokenPipeError) and isinstance(sys.stdout, _WatchedOutput):
        sys.stdout.failure = err


class _DroppingOutput(_Wrapped):
    """Standard error that never fails: a note or message that cannot be written (``2>&-``,
    ``2>/dev/full``) is dropped, and the command still gives its result and exit code."""

    def write(self, text: str) -> int:
        try:
            return self._inner.write(text)
        except OSError:
            _discard(self._inner)
            return len(text)

    def flush(self) -> None:
        try:
            self._inner.flush()
        except OSError:
            _discard(self._inner)


def _discard(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at the null device, so what it still buffers (and
    whatever comes later) goes nowhere instead of failing again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        pass


def guard_std_streams() -> None:
    """Make the standard streams safe for a run (called once, first thing in ``main``).

    A closed descriptor 0, 1 or 2 is opened on the null device, so no file reorg opens can
    take its number; a closed stdout then fails when written (see :class:`_ClosedOutput`),
    stderr drops what it cannot write (:class:`_DroppingOutput`), and text a strict
    non-UTF-8 encoding (``PYTHONIOENCODING=ascii``) cannot hold is written as ``\\uXXXX``
    instead of failing.
    """
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            opened = os.open(os.devnull, os.O_RDWR)
        except OSError:
            continue
        if opened != fd:
            os.dup2(opened, fd)
            os.close(opened)
        if name == "stdin":
            sys.stdin = open(fd, encoding="utf-8", closefd=False)  # noqa: SIM115
        elif name == "stdout":
            sys.stdout = _ClosedOutput()
        else:
            sys.stderr = open(fd, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="backslashreplace")
    if not isinstance(sys.stderr, _DroppingOutput):
        sys.stderr = _DroppingOutput(sys.stderr)
    if not isinstance(sys.stdout, _ClosedOutput | _WatchedOutput):
        sys.stdout = _WatchedOutput(sys.stdout)


def silence_stdout() -> None:
    """After stdout failed (or its reader left): send the rest of the output, and what is
    still buffered, nowhere, so the run ends with its own message and exit code."""
    if isinstance(sys.stdout, _ClosedOutput):
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        return
    _discard(sys.stdout)
    if isinstance(sys.stdout, _WatchedOutput):
        sys.stdout.failure = None


def stdout_failure(err: BaseException) -> str | None:
    """Why standard output cannot be written, when ``err`` is the failure to write it (the
    output is then silenced); None when ``err`` is something else."""
    if not isinstance(err, OSError) or isinstance(err, BrokenPipeError):
        return None
    failure = getattr(sys.stdout, "failure", None)
    if not isinstance(failure, OSError):
        return None
    silence_stdout()
    return failure.strerror or str(failure)


def print_success(renderable: RenderableType) -> None:
    """A line saying what a command did (``wrote ...``), on stdout once the work is done. A
    stdout that cannot take it (closed, full, its reader gone) is not a failure of the
    command: the line is dropped."""
    from reorg_cli.cli.common import console

    try:
        console().print(renderable, soft_wrap=True)
        sys.stdout.flush()
    except OSError:
        silence_stdout()
