"""Finding the event files under a path and reading one safely (part of
:mod:`reorg_cli.events.loader`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from reorg_cli.events.errors import EventFileError, Location, Problem, ReorgError
from reorg_cli.events.fields import EVENT_FILE_SUFFIXES
from reorg_cli.events.paths import default_events_path as default_events_path  # re-exported
from reorg_cli.events.yamlfile import (
    MAX_FILE_BYTES,
    ItemSink,
    YamlProblem,
    read_yaml_bytes,
)


def discover_event_files(path: Path) -> list[tuple[str, Path]]:
    """The event files under ``path``, as (display path, real path), in documented order."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReorgError(f"{path}: no such file or directory", "pass --events PATH") from None
    except OSError as err:
        raise ReorgError(f"{path}: cannot read ({err.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        _check_name(str(path))
        return [(str(path), path)]
    found: list[tuple[str, str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        for name in filenames:
            if name.startswith(".") or not name.endswith(EVENT_FILE_SUFFIXES):
                continue
            real = base / name
            relative = real.relative_to(path).as_posix()
            found.append((relative, str(real), real))
    if not found:
        raise ReorgError(
            f"{path}: no event files (*.yaml, *.yml) in this directory",
            "point --events at a directory of event files",
        )
    found.sort(key=lambda item: item[0])
    for _, display, _ in found:
        _check_name(display)
    return [(display, real) for _, display, real in found]


def _check_name(display: str) -> None:
    """Refuse a path that is not valid UTF-8: a store, a message and every export write paths
    as UTF-8 text."""
    try:
        display.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(display).decode("utf-8", "backslashreplace")
        raise ReorgError(
            f"{shown}: the file name is not valid UTF-8",
            "rename it: reorg reads the names of event files as UTF-8",
        ) from None


_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind_of(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "a special file")


def read_regular_file(
    path: Path,
    display: str,
    limit: int,
    *,
    what: str = "event files",
    hint: str = "split it into several files",
    not_regular_hint: str = "remove it",
) -> bytes:
    """The bytes of the regular file ``path`` (named ``display`` in messages), at most
    ``limit`` of them.

    Anything else - a directory, FIFO, socket or device, a file over ``limit`` bytes, a file
    that cannot be opened - raises :class:`EventFileError` with one problem. The file is opened
    without blocking and checked with ``fstat`` on the open descriptor, so a FIFO put in its
    place between the checks cannot make the program wait for a writer.
    """

    def problem(message: str, problem_hint: str = "") -> EventFileError:
        return EventFileError([Problem(Location(display), message, problem_hint)])

    def check(info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise problem(f"not a regular file ({_kind_of(info.st_mode)})", not_regular_hint)
        if info.st_size > limit:
            raise problem(
                f"file is {info.st_size} bytes; {what} are limited to {limit} bytes", hint
            )

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        check(os.stat(path))  # before opening: opening a device may itself have effects
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        with open(descriptor, "rb", closefd=True) as handle:
            info = os.fstat(descriptor)
            check(info)
            # Read what fstat promises (a read of `limit` bytes would allocate all of them
            # for every file), then anything it grew by since, up to the limit.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(limit + 1 - len(data))
    except OSError as err:
        reason = err.strerror or str(err)
        raise problem(f"cannot read file: {reason}") from None
    if len(data) > limit:  # it grew after fstat
        raise problem(f"file is over {limit} bytes; {what} are limited to {limit} bytes", hint)
    return data


def read_event_file(
    path: Path,
    display: str,
    sink: ItemSink | None = None,
    streamed: frozenset[str] = frozenset(),
) -> Any:
    """Read and parse one event file (items of ``streamed`` lists to ``sink``, see
    :func:`read_yaml_bytes`); raises :class:`YamlProblem`."""
    try:
        data = read_regular_file(path, display, MAX_FILE_BYTES)
    except EventFileError as err:
        raise YamlProblem(err.problems[0]) from None
    return read_yaml_bytes(data, display, sink, streamed)
