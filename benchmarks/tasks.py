"""Small programs the benchmark runs as separate processes, so that each has its own clock and
its own peak memory: ``python benchmarks/tasks.py TASK ARGS...``.

- ``parse DIR``: parse every event file under DIR with ``yaml.load(..., yaml.CSafeLoader)``
  (the floor of a cold load: what merely reading the YAML costs).
- ``compile DIR``: read, check and compile DIR without the cache, as ``reorg`` does.
- ``database DIR DB``: build the peer's table from the history in DIR.
- ``sqlite DB DAY``: the peer of a warm ``reorg show --at DAY --format json``: the same rows
  from an indexed, effective-dated SQLite table, printed as JSON.
- ``explore-paint DIR DAY``: ``reorg explore --at DAY`` on DIR (``-``: the bundled data) up to
  its first full screen, headless at 100x30, then exit (the process's wall time is the figure).
- ``explore-steps DIR DAY STEPS``: in one warm app, press → STEPS times; prints the median
  seconds of one step (the key's action: the new state, the diff, the tree and the Changes
  list rebuilt), of one press until the screen is updated, and of a press of an unbound key
  (the pilot's own cost).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

#: The rows of ``reorg show`` as one query: facts that may hold on the day (index on hi, lo),
#: one per slot (a present fact before an uncertain one, else the earliest), like reorg's
#: ``_pick``; then units that exist and their roles, vacancies and reporting lines.
PEER_QUERY = """
WITH alive AS (
    SELECT id, kind, s0, s1, s2, v0,
           CASE WHEN :day >= start_hi AND (end_lo IS NULL OR :day < end_lo)
                THEN 'present' ELSE 'uncertain' END AS presence
    FROM facts WHERE hi > :day AND lo <= :day
), held AS MATERIALIZED (
    SELECT * FROM (
        SELECT *, ROW_NUMBER() OVER (
            PARTITION BY kind, s0, s1, s2 ORDER BY presence = 'present' DESC, id
        ) AS rank
        FROM alive
    ) WHERE rank = 1
), units AS MATERIALIZED (
    SELECT s0 AS unit,
           MAX(CASE WHEN kind = 'unit' THEN presence END) AS presence,
           MAX(CASE WHEN kind = 'name' THEN v0 END) AS name,
           MAX(CASE WHEN kind = 'kind' THEN v0 END) AS unit_kind,
           MAX(CASE WHEN kind = 'parent' THEN v0 END) AS parent
    FROM held WHERE kind IN ('unit', 'name', 'kind', 'parent')
    GROUP BY s0 HAVING MAX(kind = 'unit')
)
SELECT 'unit', unit, name, unit_kind, parent, presence FROM units
UNION ALL
SELECT 'role', h.s1, h.s2, h.s0, h.v0, h.presence
    FROM held h JOIN units u ON u.unit = h.s1 WHERE h.kind = 'role'
UNION ALL
SELECT 'vacancy', h.s0, h.s1, h.v0, NULL, h.presence
    FROM held h JOIN units u ON u.unit = h.s0 WHERE h.kind = 'vacancy'
UNION ALL
SELECT 'reporting_line', h.s0, h.v0, NULL, NULL, h.presence
    FROM held h WHERE h.kind = 'reporting_line'
"""


def parse(directory: str) -> None:
    import yaml

    from reorg_cli.engine.cache import scan_event_files

    for _, real in scan_event_files(Path(directory)) or []:
        with open(real, "rb") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)


def compile_only(directory: str) -> None:
    from reorg_cli.engine.cache import load_timeline_cached

    timeline = load_timeline_cached(Path(directory), use_cache=False)
    print(timeline.store.one("SELECT count(*) FROM facts")[0])


def database(directory: str, target: str) -> None:
    """The peer's effective-dated table: one row per fact, indexed by its end and start."""
    from reorg_cli.engine.cache import load_timeline_cached
    from reorg_cli.events.dates import POS_INF

    timeline = load_timeline_cached(Path(directory))
    Path(target).unlink(missing_ok=True)
    with sqlite3.connect(target) as connection:
        connection.execute(
            "CREATE TABLE facts (id INTEGER PRIMARY KEY, kind TEXT, s0 TEXT, s1 TEXT, s2 TEXT, "
            "v0, lo INTEGER, hi INTEGER, start_hi INTEGER, end_lo INTEGER)"
        )
        rows = (
            (
                index,
                fact.kind.value,
                *(*(str(s) for s in fact.slot), None, None, None)[:3],
                fact.value[0] if fact.value else None,
                fact.start.window.lo,
                fact.end.window.hi if fact.end is not None else POS_INF,
                fact.start.window.hi,
                fact.end.window.lo if fact.end is not None else None,
            )
            for index, fact in enumerate(timeline.facts)
        )
        connection.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        connection.execute("CREATE INDEX facts_by_end ON facts (hi, lo)")
        connection.execute("ANALYZE")


def sqlite(database: str, day: str) -> None:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(PEER_QUERY, {"day": int(day)}).fetchall()
    sys.stdout.write(json.dumps(rows))


def _explorer(directory: str, day: str) -> object:
    import gc

    from reorg_cli.cli.common import load
    from reorg_cli.events.dates import parse_query_date
    from reorg_cli.explore.controller import Explorer

    timeline = load(None if directory == "-" else Path(directory), quiet=True)
    today = parse_query_date("today").day
    explorer = Explorer(timeline, at=parse_query_date(day), today=today)
    gc.freeze()  # as `reorg explore` does
    return explorer


def explore_paint(directory: str, day: str) -> None:
    from reorg_cli.explore.app import ExploreApp

    explorer = _explorer(directory, day)
    app = ExploreApp(explorer)  # type: ignore[arg-type]

    async def first_paint(pilot: object) -> None:
        await pilot.pause()  # type: ignore[attr-defined]
        app.exit()

    app.run(headless=True, size=(100, 30), auto_pilot=first_paint)


def explore_steps(directory: str, day: str, steps: str) -> None:
    import asyncio
    import statistics
    import time

    from reorg_cli.explore.app import ExploreApp

    explorer = _explorer(directory, day)
    app = ExploreApp(explorer)  # type: ignore[arg-type]
    actions: list[float] = []
    presses: list[float] = []
    idle: list[float] = []

    async def run() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.main
            for _ in range(int(steps)):
                start = time.perf_counter()
                screen.action_next_event()
                actions.append(time.perf_counter() - start)
                await pilot.pause()
            for _ in range(int(steps)):
                start = time.perf_counter()
                await pilot.press("right")
                await pilot.pause()
                presses.append(time.perf_counter() - start)
                start = time.perf_counter()
                await pilot.press("z")  # bound to nothing: what a press costs the pilot
                await pilot.pause()
                idle.append(time.perf_counter() - start)

    asyncio.run(run())
    sys.stdout.write(
        json.dumps(
            {
                "action": statistics.median(actions),
                "press": statistics.median(presses),
                "idle_press": statistics.median(idle),
                "units": len(explorer.state.units),  # type: ignore[attr-defined]
            }
        )
    )


if __name__ == "__main__":
    task, *args = sys.argv[1:]
    tasks = {
        "parse": parse,
        "compile": compile_only,
        "sqlite": sqlite,
        "database": database,
        "explore-paint": explore_paint,
        "explore-steps": explore_steps,
    }
    tasks[task](*args)
