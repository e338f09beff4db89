"""The cache entry under damage SQLite does not notice, odd directories, races and full disks:
never an internal error, never an answer from another run's store."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import reorg_cli.engine.build as build
import reorg_cli.engine.cache as cache
from reorg_cli.cli.app import app
from reorg_cli.engine.cache import load_timeline_cached
from reorg_cli.engine.store import StoreDamaged
from reorg_cli.engine.storeerrors import StorageError, storage_error
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.dates import parse_query_date
from tests.conftest import CLI_ENV, MINI

SHOW = ["show", "--at", "2025-06", "--format", "json", "--events", str(MINI)]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("REORG_CACHE_DIR", str(directory))
    monkeypatch.delenv("REORG_NO_CACHE", raising=False)
    return directory


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sqlite")) if directory.exists() else []


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, env=CLI_ENV)
    return result.exit_code, result.stdout, result.stderr


def edit_entry(directory: Path, old: bytes, new: bytes) -> None:
    [entry] = entries(directory)
    data = entry.read_bytes()
    assert old in data
    entry.write_bytes(data.replace(old, new))


# -- 1. damage SQLite reads without complaint ----------------------------------------------------


EVENT = ["event", "committee", "--format", "json", "--events", str(MINI)]


@pytest.mark.parametrize(
    ("args", "old", "new"),
    [
        (SHOW, b"2025-06-01", b"20x5-06-01"),  # a date that no longer parses
        (EVENT, b'"head"', b'"hexd"'),  # a change with a field no change has
    ],
)
def test_an_entry_damaged_where_sqlite_cannot_see_is_removed_and_the_answer_right(
    cache_dir: Path, args: list[str], old: bytes, new: bytes
) -> None:
    expected = run(["--no-cache", *args])
    assert expected[0] == 0
    assert run(args) == expected
    edit_entry(cache_dir, old, new)
    assert run(args) == expected  # the same stdout once, nothing on stderr
    assert entries(cache_dir) == []  # removed: never read again
    assert run(args) == expected
    assert len(entries(cache_dir)) == 1  # rebuilt


def test_a_store_whose_dates_do_not_parse_fails_in_the_engine(cache_dir: Path) -> None:
    """What the CLI test above guards against: the engine itself does fail on such a store."""
    load_timeline_cached(MINI)
    edit_entry(cache_dir, b"2025-06-01", b"20x5-06-01")
    with pytest.raises(Exception) as caught:
        load_timeline_cached(MINI).state_at(800_000)
    assert not isinstance(caught.value, StoreDamaged)


def test_a_real_bug_is_reported_once_after_one_retry(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(SHOW)
    calls = []

    def broken(*args: object, **kwargs: object) -> None:
        calls.append(1)
        raise TypeError("a bug")

    monkeypatch.setattr("reorg_cli.engine.timeline.Timeline.state_at", broken)
    code, out, err = run(SHOW)
    assert (code, out) == (1, "")
    assert err.startswith("reorg: error: internal error: TypeError: a bug")
    assert len(err.splitlines()) == 1
    assert len(calls) == 2  # from the cache entry, then compiled without it
    assert entries(cache_dir) == []


def test_a_bug_in_a_run_that_read_no_entry_is_not_retried(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def broken(*args: object, **kwargs: object) -> None:
        calls.append(1)
        raise TypeError("a bug")

    monkeypatch.setattr("reorg_cli.engine.timeline.Timeline.state_at", broken)
    assert run(SHOW)[0] == 1  # built the entry in this run: nothing to blame on it
    assert len(calls) == 1
    assert len(entries(cache_dir)) == 1
    assert run(["--no-cache", *SHOW])[0] == 1
    assert len(calls) == 2


def test_expected_errors_do_not_remove_the_entry(cache_dir: Path) -> None:
    run(SHOW)
    code, _, err = run(["history", "Nobody At All", "--events", str(MINI)])
    assert code == 1 and "internal error" not in err
    assert len(entries(cache_dir)) == 1


# -- 2. a cache directory whose name is not UTF-8 -----------------------------------------------


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
def test_a_cache_directory_named_in_other_bytes_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = os.fsdecode(os.fsencode(tmp_path) + b"/cache\xff")
    monkeypatch.setenv("REORG_CACHE_DIR", directory)
    monkeypatch.delenv("REORG_NO_CACHE", raising=False)
    expected = run(["--no-cache", *SHOW])
    assert run(SHOW) == expected
    assert run(SHOW) == expected
    assert not load_timeline_cached(MINI).store.built  # read from the entry


# -- 3. a full disk ------------------------------------------------------------------------------


def test_a_full_disk_while_compiling_in_memory_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    real = build.StoreBuilder.__init__

    def tiny(self: build.StoreBuilder, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA max_page_count = 20")  # as if the disk filled up
        real(self, conn)

    monkeypatch.setattr(build.StoreBuilder, "__init__", tiny)
    code, out, err = run(["--no-cache", *SHOW])
    assert (code, out) == (1, "")
    assert err.startswith(f"reorg: error: {tmp_path}: no space left for the compiled history")
    assert "database or disk is full" in err and "set TMPDIR" in err
    assert "internal error" not in err


def test_a_full_cache_directory_falls_back_to_memory(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = build.StoreBuilder.__init__

    def tiny_files(self: build.StoreBuilder, conn: sqlite3.Connection) -> None:
        if conn.execute("PRAGMA database_list").fetchone()[2]:  # a file: the cache entry
            conn.execute("PRAGMA max_page_count = 20")
        real(self, conn)

    monkeypatch.setattr(build.StoreBuilder, "__init__", tiny_files)
    assert run(SHOW) == run(["--no-cache", *SHOW])
    assert entries(cache_dir) == [] and list(cache_dir.iterdir()) == []


def test_only_full_disks_and_unopenable_files_are_storage_errors() -> None:
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as syntax:
        conn.execute("SELEC 1")
    assert storage_error(syntax.value, conn) is None
    with pytest.raises(sqlite3.OperationalError) as cannot_open:
        sqlite3.connect("file:/nonexistent/dir/x.sqlite?mode=ro", uri=True)
    found = storage_error(cannot_open.value)
    assert isinstance(found, StorageError)
    assert "cannot create a file" in str(found)


# -- 6. a race with a slower run ----------------------------------------------------------------


def test_a_run_answers_from_the_store_it_built_even_if_another_replaces_it(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A slower run's entry, built from older files: a complete, current-looking store.
    older = tmp_path / "older"
    shutil.copytree(MINI, older)
    (older / "2025-03-upgrade.yaml").unlink()
    load_timeline_cached(older)
    [other] = entries(cache_dir)
    stale = tmp_path / "stale.sqlite"
    other.rename(stale)
    real_replace = os.replace

    def replace_then_lose_the_race(source: str, target: str) -> None:
        real_replace(source, target)
        if str(target).endswith(".sqlite"):
            real_replace(stale, target)  # the slower run renames its entry over ours

    monkeypatch.setattr(os, "replace", replace_then_lose_the_race)
    timeline = load_timeline_cached(MINI)
    day = parse_query_date("2025-06-30").day
    assert timeline.state_at(day) == load_timeline(MINI).state_at(day)
    assert timeline.state_at(day) != load_timeline(older).state_at(day)


# -- 7. stale temporary files --------------------------------------------------------------------


def test_only_reorgs_own_stale_temporaries_are_removed(tmp_path: Path) -> None:
    ours = tmp_path / "0123456789abcdef012.sqlite.ab_cd3z9.tmp"
    fresh = tmp_path / "fedcba9876543210fed.sqlite.zzzzzzzz.tmp"
    foreign = tmp_path / "notes.sqlite.backup.tmp"
    link = tmp_path / "1123456789abcdef012.sqlite.abcdefgh.tmp"
    directory = tmp_path / "2123456789abcdef012.sqlite.abcdefgh.tmp"
    for path in (ours, fresh, foreign):
        path.write_bytes(b"x")
    link.symlink_to(foreign)
    directory.mkdir()
    for path in (ours, foreign, directory):
        os.utime(path, (0, 0))
    os.utime(link, (0, 0), follow_symlinks=False)
    cache._remove_stale_temporaries(tmp_path)
    assert not ours.exists()
    assert fresh.exists() and foreign.exists() and link.is_symlink() and directory.is_dir()


# -- 8. an entry that cannot be put in place ----------------------------------------------------


def count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = build.compile_files

    def counted(*args: object, **kwargs: object) -> None:
        calls.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build, "compile_files", counted)
    return calls


def test_a_failed_rename_uses_the_store_built_and_compiles_once(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_compiles(monkeypatch)

    def cannot(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", cannot)
    timeline = load_timeline_cached(MINI)
    assert len(calls) == 1
    assert timeline.state_at(800_000) == load_timeline(MINI).state_at(800_000)
    assert list(cache_dir.iterdir()) == []  # no temporary file left


def test_a_directory_at_the_entry_path_means_no_entry_is_built(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_timeline_cached(MINI)
    [entry] = entries(cache_dir)
    entry.unlink()
    entry.mkdir()
    calls = count_compiles(monkeypatch)
    timeline = load_timeline_cached(MINI)
    assert len(calls) == 1 and timeline.store.file is None
    assert sorted(cache_dir.iterdir()) == [entry]


def test_an_export_of_a_damaged_entry_is_rebuilt_not_copied(
    cache_dir: Path, tmp_path: Path
) -> None:
    """A review found ``export --format sqlite`` copying a cache entry with a damaged page
    (the backup API copies pages without reading them): the export passed, and the file it
    wrote failed ``PRAGMA integrity_check``."""
    out = tmp_path / "x.sqlite"
    assert run(["export", "--format", "sqlite", "--out", str(out), "--events", str(MINI)])[0] == 0
    out.unlink()
    [entry] = entries(cache_dir)
    with sqlite3.connect(entry) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'facts'").fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with entry.open("r+b") as handle:  # the facts table's first page: its header garbled
        handle.seek((root - 1) * size)
        handle.write(b"\xff" * 8)
    code, stdout, err = run(
        ["export", "--format", "sqlite", "--out", str(out), "--events", str(MINI)]
    )
    assert (code, stdout, err) == (0, "", "")
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] > 0
    conn.close()
    assert entries(cache_dir) == []  # removed; the export was made without the cache
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["x.sqlite"]


def test_a_retry_without_the_cache_prints_its_notes_once(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review found the coverage note printed twice: once by the run that met the damaged
    entry (damage found after the note, as a garbled page of facts is), once by the run
    again without it."""
    late = ["show", "--at", "2031-06-01", "--format", "json", "--events", str(MINI)]
    expected = run(["--no-cache", *late])
    assert expected[0] == 0 and expected[2].count("reorg: note: ") == 1
    assert run(late) == expected
    from reorg_cli.engine.timeline import Timeline

    real = Timeline.state_at
    calls: list[int] = []

    def damaged_once(self: Timeline, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:  # what a damaged page gives: an unexpected error, once
            raise TypeError("'NoneType' object is not subscriptable")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Timeline, "state_at", damaged_once)
    assert run(late) == expected
    assert len(calls) == 2 and entries(cache_dir) == []
