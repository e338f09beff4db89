"""Hostile input, round two (issue 11): what writes files, what the format's logic allows, and
rendering at the edges. Each test failed before its fix.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from reorg_cli.cli import app
from reorg_cli.errors import ReorgError
from reorg_cli.interop.files import check_new_directory, write_atomic
from tests.conftest import CLI_ENV, MINI


def invoke(*args: str, env: dict[str, str | None] | None = None, **kwargs: Any) -> Result:
    result = CliRunner().invoke(app, list(args), env={**CLI_ENV, **(env or {})}, **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def one_error_line(result: Result) -> str:
    """The single stderr line of a failed command (exit 1), checked to be clean."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


# -- item 1: --out --force replaces only a regular file ------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_out_refuses_a_device(force: bool) -> None:
    args = ["export", "--format", "csv", "--events", str(MINI), "--out", "/dev/null"]
    line = one_error_line(invoke(*args, *(["--force"] if force else [])))
    assert line.startswith("reorg: error: /dev/null: is a device; --out replaces only regular")


def test_out_refuses_a_fifo_a_socket_a_directory_and_a_symlink(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    target = tmp_path / "target.csv"
    target.write_text("keep me\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    expected = {
        fifo: "is a FIFO",
        sock_path: "is a socket",
        tmp_path: "is a directory",
        link: "is a symbolic link",
    }
    try:
        for path, what in expected.items():
            args = ["export", "--format", "csv", "--events", str(MINI), "--out", str(path)]
            line = one_error_line(invoke(*args, "--force"))
            assert line.startswith(f"reorg: error: {path}: {what}"), line
    finally:
        sock.close()
    assert fifo.is_fifo() and link.is_symlink() and target.read_text() == "keep me\n"
    assert "give the path of the file it points to: " + str(target) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fifo",
        "link.csv",
        "sock",
        "target.csv",
    ]


def test_out_force_still_replaces_a_regular_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    write_atomic(target, "new\n", force=True)
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_into_a_symlink_to_an_empty_directory_says_so(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ReorgError) as caught:
        check_new_directory(link)
    assert str(caught.value) == (
        f"{link}: is a symbolic link; --into must be a new or empty directory itself "
        f"(give the directory it points to: {real})"
    )
