"""Writing output safely: atomic files that never replace an existing one unless asked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reorg_cli.events.errors import ReorgError
from reorg_cli.events.files import check_new_directory, write_atomic, write_tree


def test_write_atomic_creates_a_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, "héllo\n")
    assert target.read_bytes() == "héllo\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def test_write_atomic_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    with pytest.raises(ReorgError) as caught:
        write_atomic(target, "new")
    assert str(caught.value) == f"{target}: file exists (pass --force to overwrite it)"
    assert target.read_text() == "old"
    write_atomic(target, b"new", force=True)
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_atomic_errors(tmp_path: Path) -> None:
    with pytest.raises(ReorgError, match="does not exist"):
        write_atomic(tmp_path / "missing" / "out.txt", "x")
    with pytest.raises(ReorgError, match="is a directory"):
        write_atomic(tmp_path, "x", force=True)


def test_write_tree_moves_a_whole_directory_into_place(tmp_path: Path) -> None:
    target = tmp_path / "events"
    write_tree(target, {"a.yaml": "a\n", "sub/b.yaml": "b\n"})
    assert (target / "a.yaml").read_text() == "a\n"
    assert (target / "sub" / "b.yaml").read_text() == "b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events"]
    assert target.stat().st_mode & 0o777 == 0o777 & ~_umask()


def test_write_tree_into_an_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "events"
    target.mkdir()
    write_tree(target, {"a.yaml": "a\n"})
    assert [p.name for p in target.iterdir()] == ["a.yaml"]


def test_write_tree_fills_an_existing_directory_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An audit found an existing empty directory replaced by a new one (mode 0700 became
    0755, the owner's choice lost) and ``--into .`` failing with "Device or resource busy"."""
    target = tmp_path / "events"
    target.mkdir(mode=0o700)
    target.chmod(0o700)
    inode = target.stat().st_ino
    write_tree(target, {"a.yaml": "a\n", "sub/b.yaml": "b\n"})
    assert target.stat().st_ino == inode and target.stat().st_mode & 0o777 == 0o700
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == [
        "a.yaml",
        "sub",
        "sub/b.yaml",
    ]
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    write_tree(Path("."), {"c.yaml": "c\n"})
    assert [p.name for p in here.iterdir()] == ["c.yaml"]


def test_write_tree_into_a_directory_that_fills_meanwhile_leaves_it_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that appears while the files are moved up is never overwritten, and what was
    moved before it is taken back."""
    import reorg_cli.events.files as files

    target = tmp_path / "events"
    target.mkdir()
    real = files._link_no_clobber

    def someone_else_first(temp: Path, path: Path) -> None:
        if path.name == "b.yaml":
            path.write_text("theirs")
        real(temp, path)

    monkeypatch.setattr(files, "_link_no_clobber", someone_else_first)
    with pytest.raises(ReorgError, match="directory is not empty"):
        write_tree(target, {"a.yaml": "a\n", "b.yaml": "b\n"})
    assert [(p.name, p.read_text()) for p in target.iterdir()] == [("b.yaml", "theirs")]


@pytest.mark.parametrize("existing", [False, True])
def test_write_tree_interrupted_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    """A review found Ctrl-C leaving the temporary directory (and what was moved up)."""
    import reorg_cli.events.files as files

    target = tmp_path / "events"
    if existing:
        target.mkdir()
    real = files._link_no_clobber

    def interrupted(temp: Path, path: Path) -> None:
        if path.name == "b.yaml":
            raise KeyboardInterrupt
        real(temp, path)

    monkeypatch.setattr(files, "_link_no_clobber", interrupted)
    real_replace = os.replace

    def replace(source: str | Path, destination: str | Path) -> None:
        if Path(destination) == target:
            raise KeyboardInterrupt
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_tree(target, {"a.yaml": "a\n", "b.yaml": "b\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == (["events"] if existing else [])
    if existing:
        assert list(target.iterdir()) == []


def test_write_tree_refuses_anything_in_the_way(tmp_path: Path) -> None:
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep").write_text("mine")
    with pytest.raises(ReorgError, match="directory is not empty"):
        write_tree(full, {"a.yaml": "a\n"})
    assert [p.name for p in full.iterdir()] == ["keep"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ReorgError, match="not a directory"):
        check_new_directory(a_file)
    with pytest.raises(ReorgError, match="does not exist"):
        check_new_directory(tmp_path / "no" / "events")
    with pytest.raises(ReorgError, match=r"'.*file' is not a directory"):
        check_new_directory(a_file / "events")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "full"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
