"""The compiled-timeline cache: same answers as compiling, never stale, safe, never an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import reorg_cli.engine.cache as cache
from reorg_cli.cli.app import app
from reorg_cli.engine.cache import load_timeline_cached
from reorg_cli.engine.timeline import Timeline, load_timeline
from reorg_cli.events.dates import parse_query_date
from reorg_cli.events.errors import EventFileError
from reorg_cli.events.model import Confidence
from reorg_cli.events.paths import default_events_path
from reorg_cli.output.serialize import (
    diff_dict,
    dumps,
    history_dict,
    state_dict,
    timeline_dict,
    unit_history_dict,
)
from tests.conftest import CLI_ENV, MINI, WriteEvents
from tools.synth import generate

DAYS = ["1995-06-30", "2008-06", "2024-01-15", "2025-03-15", "2025-06", "2026-04-08"]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("REORG_CACHE_DIR", str(directory))
    monkeypatch.delenv("REORG_NO_CACHE", raising=False)
    return directory


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("synth") / "history"
    generate(target, 800, seed=7)
    return target


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sqlite")) if directory.exists() else []


def cached(timeline: Timeline) -> bool:
    """Whether a timeline was read from a cache entry (rather than compiled in this run)."""
    return not timeline.store.built


def answers(timeline: Timeline) -> list[str]:
    """Every query's JSON, for comparing two timelines."""
    out = []
    for text in DAYS:
        day = parse_query_date(text).day
        for level in Confidence:
            state = timeline.state_at(day, level)
            out.append(dumps(state_dict(state, at_input=text, min_confidence=level)))
    for person in timeline.dataset.people.values():
        found = timeline.find_person(person.name)
        out.append(dumps(history_dict(timeline.person_history(found.id))))
    for unit in timeline.unit_ids():
        out.append(dumps(unit_history_dict(timeline.unit_history(unit))))
        out.append(timeline.find_unit(unit))
    first, last = parse_query_date("2000").day, parse_query_date("2026").day
    out.append(dumps(diff_dict(timeline.diff(first, last), min_confidence=Confidence.UNCERTAIN)))
    out.append(dumps(timeline_dict(timeline.chronicle())))
    out.append(repr([str(p) for p in timeline.problems]))
    return out


@pytest.mark.parametrize("where", ["mini", "bundled", "synthetic"])
def test_a_cached_timeline_answers_exactly_like_a_compiled_one(
    where: str, cache_dir: Path, synthetic: Path
) -> None:
    path = {"mini": MINI, "bundled": default_events_path(), "synthetic": synthetic}[where]
    fresh = load_timeline(path)
    load_timeline_cached(path)
    assert len(entries(cache_dir)) == 1
    warm = load_timeline_cached(path)
    assert cached(warm) and not cached(fresh)
    assert answers(warm) == answers(fresh)
    # The indexed queries answered without decoding the whole history.
    assert "facts" not in warm.__dict__ and "unit_facts" not in warm.__dict__


def test_the_store_gives_back_exactly_what_was_compiled(cache_dir: Path, synthetic: Path) -> None:
    from reorg_cli.engine.compiler import compile_dataset
    from reorg_cli.events.loader import load_dataset

    for path in (MINI, default_events_path(), synthetic):
        dataset, _ = load_dataset(path)
        compiled = compile_dataset(dataset)
        load_timeline_cached(path)
        warm = load_timeline_cached(path)
        assert cached(warm)
        assert warm.facts == compiled.facts
        # Confirmations and settings too (the fact comparison covers them; say so plainly).
        assert [(f.last_confirmed, f.confirmed_by) for f in warm.facts] == [
            (f.last_confirmed, f.confirmed_by) for f in compiled.facts
        ]
        assert warm.settings == dataset.settings
        assert warm.settings.location == dataset.settings.location
        assert warm.order == compiled.order
        assert warm.statuses == compiled.statuses
        assert warm.dataset == dataset
        assert [e.location for e in warm.dataset.events] == [e.location for e in dataset.events]
        assert [c.location for e in warm.order for c in e.changes] == [
            c.location for e in compiled.order for c in e.changes
        ]
        assert dict(warm.events) == {e.id: e for e in dataset.events}
        assert [str(p) for p in warm.problems] == [str(p) for p in compiled.problems]
    # The histories above hold confirmations, so the comparison cannot pass vacuously.
    assert any(f.confirmed_by for f in warm.facts)
    assert warm.settings.first_event is not None


def test_the_cli_gives_the_same_output_with_and_without_the_cache(
    cache_dir: Path, synthetic: Path
) -> None:
    commands = [
        ["show", "--at", "2026-04-08"],
        ["show", "--at", "2010", "--format", "json"],
        ["show", "--at", "2026-04-08", "--format", "table"],
        ["diff", "2020-01-01", "2026-04-08"],
        ["history", "p000003"],
        ["timeline", "--from", "2025"],
    ]
    for index, command in enumerate(commands):
        args = [*command, "--events", str(synthetic)]
        plain = CliRunner().invoke(app, ["--no-cache", *args], env=CLI_ENV)
        assert plain.exit_code == 0, plain.output
        assert len(entries(cache_dir)) == min(index, 1)  # --no-cache writes nothing
        for _ in range(2):  # the first run writes the cache, the second reads it
            cached = CliRunner().invoke(app, args, env=CLI_ENV)
            assert (cached.exit_code, cached.stdout, cached.stderr) == (0, plain.stdout, "")
        assert len(entries(cache_dir)) == 1


def edit(path: Path, old: str, new: str, *, keep_mtime: bool = True) -> None:
    """Rewrite a file in place; by default with its size and modification time kept."""
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old) == len(new)
    path.write_text(text.replace(old, new), encoding="utf-8")
    if keep_mtime:
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


def head_of_lab(path: Path) -> str:
    timeline = load_timeline_cached(path)
    state = timeline.state_at(parse_query_date("2024-06").day)
    return next(r.person_name for r in state.roles if r.unit == "lab" and r.head)


FOUNDING = """\
events:
  - id: founding
    date: 2024-01-15
    title: Founded
    confidence: confirmed
    sources: [s1]
    changes:
      - {type: unit_created, unit: corp, name: Corp, kind: company}
      - {type: unit_created, unit: lab, name: Lab, kind: lab, parent: corp}
      - {type: role_assigned, person: bo, unit: lab, title: Head, head: true}
"""


def test_an_edit_that_keeps_size_and_mtime_is_seen(
    cache_dir: Path, write_events: WriteEvents
) -> None:
    root = write_events({"a.yaml": FOUNDING})
    assert head_of_lab(root) == "Bo Chen"
    assert cached(load_timeline_cached(root))
    # Same size, same second, mtime restored: only ctime (and the content) tell.
    edit(root / "a.yaml", "person: bo,", "person: cy,")
    assert head_of_lab(root) == "Cy Wu"
    assert head_of_lab(root) == "Cy Wu"


def test_an_old_file_changed_in_place_is_seen_by_its_ctime(
    cache_dir: Path, write_events: WriteEvents, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_events({"a.yaml": FOUNDING})
    # Files look old (not hashed): the stats alone must notice the change.
    monkeypatch.setattr(cache, "RACY_SECONDS", -3600.0)
    assert head_of_lab(root) == "Bo Chen"
    entry = cache.fingerprint(cache.scan_event_files(root) or [])
    assert entry is not None and all(len(e) == 6 for e in entry)
    time.sleep(0.05)  # a later tick of the file system's clock
    edit(root / "a.yaml", "person: bo,", "person: cy,")
    assert head_of_lab(root) == "Cy Wu"


def test_recent_files_are_hashed(cache_dir: Path, write_events: WriteEvents) -> None:
    root = write_events({"a.yaml": FOUNDING})
    prints = cache.fingerprint(cache.scan_event_files(root) or [])
    assert prints is not None and all(len(e) == 7 for e in prints)  # content hash included
    files = cache.scan_event_files(root) or []
    assert cache._still_matches(prints, files)
    edit(root / "a.yaml", "person: bo,", "person: cy,")
    assert not cache._still_matches(prints, files)


def test_added_deleted_and_renamed_files_are_seen(
    cache_dir: Path, write_events: WriteEvents
) -> None:
    root = write_events({"a.yaml": FOUNDING})
    assert head_of_lab(root) == "Bo Chen"
    later = FOUNDING.replace("id: founding", "id: later").replace("2024-01-15", "2024-03-01")
    later = later.replace(
        "changes:\n", "changes:\n      - {type: role_ended, person: bo, unit: lab, title: Head}\n"
    )
    later = "\n".join(
        line
        for line in later.splitlines()
        if "unit_created" not in line and "person: bo," not in line
    )
    later += "\n      - {type: role_assigned, person: ann, unit: lab, title: Head, head: true}\n"
    (root / "b.yaml").write_text(later, encoding="utf-8")
    assert head_of_lab(root) == "Ann Lee"
    (root / "b.yaml").rename(root / ".b.yaml")  # hidden files are not event files
    assert head_of_lab(root) == "Bo Chen"
    (root / ".b.yaml").rename(root / "b.yml")
    assert head_of_lab(root) == "Ann Lee"
    (root / "b.yml").unlink()
    assert head_of_lab(root) == "Bo Chen"
    (root / "notes.txt").write_text("not an event file", encoding="utf-8")
    assert cached(load_timeline_cached(root))


def test_a_new_version_of_reorg_does_not_read_old_entries(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_timeline_cached(MINI)
    assert cached(load_timeline_cached(MINI))
    monkeypatch.setattr(cache, "_code_key", lambda: "another version")
    assert not cached(load_timeline_cached(MINI))
    assert cached(load_timeline_cached(MINI))


DAMAGE: list[Callable[[bytes], bytes]] = [
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"garbage" * 100,
    lambda data: data[:100] + b"\xff" * 64 + data[164:],  # inside the first records
    lambda data: data[:-200] + b"\x00" * 200,
    lambda data: data[:-3000] + bytes(b ^ 1 for b in data[-3000:-2000]) + data[-2000:],
]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_never_an_error_in_the_cli(
    cache_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    args = ["show", "--at", "2025-06", "--format", "json", "--events", str(MINI)]
    expected = CliRunner().invoke(app, ["--no-cache", *args], env=CLI_ENV).stdout
    assert CliRunner().invoke(app, args, env=CLI_ENV).stdout == expected
    [entry] = entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))
    result = CliRunner().invoke(app, args, env=CLI_ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert CliRunner().invoke(app, args, env=CLI_ENV).stdout == expected
    assert cached(load_timeline_cached(MINI))  # rebuilt


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_removed_and_rebuilt(
    cache_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    load_timeline_cached(MINI)
    [entry] = entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))
    try:
        result = answers(load_timeline_cached(MINI))
    except cache.CacheDamaged:  # noticed only while reading a record: the entry is gone
        assert entries(cache_dir) == []
        result = answers(load_timeline_cached(MINI))
    assert result == answers(load_timeline(MINI))
    assert cached(load_timeline_cached(MINI))


def test_a_foreign_or_old_schema_store_is_rebuilt(cache_dir: Path) -> None:
    import sqlite3

    load_timeline_cached(MINI)
    [entry] = entries(cache_dir)
    entry.unlink()
    with sqlite3.connect(entry) as other:  # some other program's database at the same path
        other.execute("CREATE TABLE facts (x)")
    other.close()
    assert not cached(load_timeline_cached(MINI))
    assert cached(load_timeline_cached(MINI))
    with sqlite3.connect(entry) as old:  # a store of an older schema
        old.execute("PRAGMA user_version = 0")
    old.close()
    assert not cached(load_timeline_cached(MINI))
    assert cached(load_timeline_cached(MINI))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_or_directory_at_the_entry_path_does_not_hang(cache_dir: Path) -> None:
    load_timeline_cached(MINI)
    [entry] = entries(cache_dir)
    expected = answers(load_timeline(MINI))
    entry.unlink()
    os.mkfifo(entry)  # opening it for reading would block forever
    assert answers(load_timeline_cached(MINI)) == expected
    assert entry.is_file()  # replaced by a store
    assert cached(load_timeline_cached(MINI))
    entry.unlink()
    entry.mkdir()
    assert answers(load_timeline_cached(MINI)) == expected
    assert entry.is_dir()  # not replaceable: answered from memory


def test_errors_are_never_cached(cache_dir: Path, write_events: WriteEvents) -> None:
    root = write_events({"a.yaml": FOUNDING.replace("person: bo", "person: nobody")})
    for _ in range(2):
        with pytest.raises(EventFileError):
            load_timeline_cached(root)
    assert entries(cache_dir) == []


def test_the_cache_can_be_turned_off_or_be_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REORG_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("REORG_NO_CACHE", "1")
    load_timeline_cached(MINI)
    assert not (tmp_path / "c").exists()
    monkeypatch.delenv("REORG_NO_CACHE")
    load_timeline_cached(MINI, use_cache=False)
    assert not (tmp_path / "c").exists()
    (tmp_path / "c").write_text("a file where the directory should be")
    assert answers(load_timeline_cached(MINI)) == answers(load_timeline(MINI))


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REORG_CACHE_DIR", raising=False)
    monkeypatch.delenv("REORG_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "reorg"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "reorg"
    monkeypatch.setenv("REORG_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache.cache_dir() == tmp_path / "explicit"
    monkeypatch.setenv("REORG_NO_CACHE", "1")
    assert cache.cache_dir() is None


def test_a_reader_keeps_its_entry_while_another_run_replaces_it(
    cache_dir: Path, write_events: WriteEvents
) -> None:
    root = write_events({"a.yaml": FOUNDING})
    load_timeline_cached(root)
    reader = load_timeline_cached(root)
    assert cached(reader)
    edit(root / "a.yaml", "person: bo,", "person: cy,")
    assert head_of_lab(root) == "Cy Wu"  # a new entry replaced the old one
    state = reader.state_at(parse_query_date("2024-06").day)
    assert [r.person_name for r in state.roles if r.head and r.unit == "lab"] == ["Bo Chen"]
    assert not list(cache_dir.glob("*.tmp"))


def test_concurrent_runs_all_succeed_and_agree(cache_dir: Path, synthetic: Path) -> None:
    command = [sys.executable, "-m", "reorg_cli", "show", "--format", "json", "--at", "2020"]
    env = {**os.environ, "REORG_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"}
    runs = [
        subprocess.Popen(
            [*command, "--events", str(synthetic)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(4)
    ]
    outputs = [run.communicate() for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    assert len({out for out, _ in outputs}) == 1 and all(err == b"" for _, err in outputs)
    assert json.loads(outputs[0][0])["units"]
    assert len(entries(cache_dir)) == 1 and not list(cache_dir.glob("*.tmp"))
    assert cached(load_timeline_cached(synthetic))


def test_a_warm_run_does_not_import_yaml_pydantic_or_the_store_writer(cache_dir: Path) -> None:
    code = (
        "import sys\n"
        "from reorg_cli.cli.app import main\n"
        "sys.argv = ['reorg', 'show', '--at', '2026-04-08', '--events', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(set(sys.modules) & {'yaml', 'pydantic', 'reorg_cli.engine.build',"
        " 'reorg_cli.engine.compiler'}), file=sys.stderr)\n"
    )
    env = {**os.environ, "REORG_CACHE_DIR": str(cache_dir)}
    first = "['reorg_cli.engine.build', 'reorg_cli.engine.compiler', 'yaml']"
    for expected in (first, "[]"):  # the first run compiles, the second reads the cache
        result = subprocess.run(
            [sys.executable, "-c", code, str(MINI)], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == expected


def test_progress_is_reported_while_compiling_and_caching(cache_dir: Path) -> None:
    stages: list[str] = []
    load_timeline_cached(MINI, progress=lambda stage, done, total: stages.append(stage))
    assert stages[0] == "read" and "compile" in stages
    assert stages.index("compile") > stages.index("read")


def test_discovery_matches_the_loader(write_events: WriteEvents) -> None:
    from reorg_cli.events.loader import discover_event_files

    root = write_events(
        {
            "b.yaml": FOUNDING,
            "a/z.yml": "people: []\n",
            "a/.hidden.yaml": "x",
            ".git/x.yaml": "x",
            "notes.md": "x",
            "a b/c.yaml": "people: []\n",
        }
    )
    for path in (root, root / "b.yaml", Path(str(root) + "/")):
        assert cache.scan_event_files(path) == [
            (display, str(real)) for display, real in discover_event_files(path)
        ]
