"""Hostile input to the importers (``reorg import csv``, ``reorg import popolo``): the same
guarantees as the event loader. Every case ends in one clean line naming the place in the
user's input, exit 1, no traceback, no hang, and nothing written (issue 11, items 4-7).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from reorg_cli.interop import importing
from tests.test_hostile import Run, run_reorg

KINDS = ("csv", "popolo")


def assert_one_clean_line(run: Run, start: str, into: Path | None = None) -> str:
    """Exit 1, nothing on stdout, one line on stderr starting with ``start``, no traceback,
    and (if given) nothing created at ``into``."""
    stderr = run.stderr.decode("utf-8")
    assert run.code == 1, stderr
    assert run.stdout == b""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(start), stderr
    if into is not None:
        assert not into.exists()
    return stderr


# -- item 4: regular files only, with a size limit ---------------------------------------------


def _fifo(path: Path) -> Path:
    import os

    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


SPECIAL: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, "not a regular file (a FIFO)"),
    "socket": (_socket, "not a regular file (a socket)"),
    "directory": (_directory, "not a regular file (a directory)"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("special", sorted(SPECIAL))
def test_import_refuses_special_files_without_hanging(
    kind: str, special: str, tmp_path: Path
) -> None:
    make, message = SPECIAL[special]
    path = make(tmp_path / f"input.{kind}")
    into = tmp_path / "out"
    run = run_reorg("import", kind, str(path), "--into", str(into))
    assert message in assert_one_clean_line(run, f"{path}: error: ", into)


@pytest.mark.parametrize("kind", KINDS)
def test_import_refuses_dev_zero(kind: str, tmp_path: Path) -> None:
    into = tmp_path / "out"
    run = run_reorg("import", kind, "/dev/zero", "--into", str(into))
    stderr = assert_one_clean_line(run, "/dev/zero: error: ", into)
    assert "not a regular file (a character device)" in stderr


@pytest.mark.parametrize("kind", KINDS)
def test_import_refuses_a_file_over_its_limit_unread(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"big.{kind}"
    with path.open("wb") as handle:  # sparse: nothing is read, so its content does not matter
        handle.truncate(importing.MAX_IMPORT_BYTES + 1)
    into = tmp_path / "out"
    run = run_reorg("import", kind, str(path), "--into", str(into))
    stderr = assert_one_clean_line(run, f"{path}: error: ", into)
    assert f"file is {importing.MAX_IMPORT_BYTES + 1} bytes; imported files are limited to" in (
        stderr
    )


def test_the_import_limit_admits_a_40_mb_document() -> None:
    assert importing.MAX_IMPORT_BYTES >= 64 * 1024 * 1024
