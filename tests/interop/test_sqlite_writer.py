"""``export --format sqlite`` writes through the safe writer, and docs/sqlite.md names every
column of every view the store has."""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reorg_cli.cli.app import app
from reorg_cli.engine.build import compile_files
from reorg_cli.engine.store import PRIVATE, connect
from reorg_cli.engine.timeline import load_timeline
from reorg_cli.events.errors import ReorgError
from reorg_cli.events.files import write_atomic
from reorg_cli.interop.sqliteexport import write_store
from tests.conftest import CLI_ENV, MINI
from tools.synth import generate

DOC = Path(__file__).parents[2] / "docs" / "sqlite.md"
BASE = ["export", "--format", "sqlite", "--events", str(MINI)]


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args, env=CLI_ENV)
    return result.exit_code, result.stdout, result.stderr


# -- 4. the writer -------------------------------------------------------------------------------


def test_export_sqlite_refuses_what_the_other_exports_refuse(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    target = tmp_path / "target.sqlite"
    target.write_text("keep me")
    link = tmp_path / "link.sqlite"
    link.symlink_to(target)
    for out, message in [
        (directory, "is a directory"),
        (link, "is a symbolic link"),
        (tmp_path / "missing" / "x.sqlite", "does not exist"),
    ]:
        code, stdout, err = run([*BASE, "--out", str(out), "--force"])
        assert (code, stdout) == (1, ""), out
        assert err.startswith("reorg: error: ") and message in err, err
    assert target.read_text() == "keep me" and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a-directory",
        "link.sqlite",
        "target.sqlite",
    ]


def test_export_sqlite_writes_next_to_out_not_in_tmpdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    real = tempfile.mkstemp

    def watched(*args: object, **kwargs: object) -> tuple[int, str]:
        found = real(*args, **kwargs)  # type: ignore[call-overload]
        made.append(found[1])
        return found  # type: ignore[no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", watched)
    monkeypatch.setattr("tempfile.TemporaryDirectory", None)  # nothing else may be used
    out = tmp_path / "out" / "x.sqlite"
    out.parent.mkdir()
    assert run([*BASE, "--out", str(out)]) == (0, "", "")
    assert [Path(name).parent for name in made] == [out.parent]
    assert os.listdir(out.parent) == ["x.sqlite"]
    with sqlite3.connect(out) as db:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        assert list(meta) == ["reorg_version"]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_export_sqlite_does_not_hold_the_store_in_memory(tmp_path: Path) -> None:
    generate(tmp_path / "history", 1500, seed=3)
    timeline = load_timeline(tmp_path / "history")
    out = tmp_path / "x.sqlite"
    tracemalloc.start()
    try:
        write_store(timeline, out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = out.stat().st_size
    assert size > 1_000_000
    assert peak < size // 4  # the copy is made by SQLite, a page at a time, not as bytes


def test_a_failing_copy_is_one_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    conn = connect(PRIVATE)
    compile_files(conn, MINI)
    timeline = load_timeline(MINI)

    class Broken:
        def backup(self, target: sqlite3.Connection) -> None:
            raise sqlite3.OperationalError("database or disk is full")

    timeline.store.conn = Broken()  # type: ignore[assignment]
    out = tmp_path / "x.sqlite"
    with pytest.raises(ReorgError, match=r"x\.sqlite: cannot write \(database or disk is full\)"):
        write_store(timeline, out)
    assert list(tmp_path.iterdir()) == []


# -- 5. Ctrl-C while writing ---------------------------------------------------------------------


def test_an_interrupt_while_writing_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(handle: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.json", "{}")
    assert list(tmp_path.iterdir()) == []


# -- 9. the documented views are the store's ---------------------------------------------------

_SHARED = {
    "the dates": [
        "start", "start_first_day", "start_last_day", "start_lo", "start_hi",
        "end", "end_first_day", "end_last_day", "end_lo", "end_hi",
    ],
    "the confirmation columns": ["last_confirmed", "last_confirmed_lo", "confirmed_by"],
}  # fmt: skip


def documented_views() -> dict[str, list[str]]:
    """Each view in docs/sqlite.md's table with the columns it names, in order."""
    found = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \| [^|]* \| (.*) \|$", line)
        if not match:
            continue
        columns: list[str] = []
        # Each item: a `column` (with words after it), or a shared group of columns.
        text = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", match.group(2))
        for item in re.split(r",| and ", text):
            item = item.strip()
            if item in _SHARED:
                columns += _SHARED[item]
            else:
                columns.append(re.match(r"`(\w+)`", item).group(1))  # type: ignore[union-attr]
        found[match.group(1)] = columns
    return found


def test_the_documented_views_are_exactly_the_stores() -> None:
    conn = connect(PRIVATE)
    compile_files(conn, MINI)
    views = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
    documented = documented_views()
    assert sorted(documented) == sorted(views)
    for view in views:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({view})")]
        assert documented[view] == columns, view
