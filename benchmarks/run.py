"""``make bench``: reorg's speed, each figure beside a floor or a peer measured in the same run.

This machine is shared and noisy, so no figure stands alone: every measurement is the median
of repeated runs, interleaved with its floor or peer (A, B, A, B, ...), and the table shows the
ratio. Prints the table and writes it to docs/performance.md with the machine and the date.

Synthetic histories (10k, 100k and 1M events; ``reorg synth``) are generated once into
``$REORG_BENCH_DIR`` (default /tmp/reorg-bench) and reused; they are never committed.

Environment: ``REORG_BENCH_SIZES`` (default ``10000,100000,1000000``), ``REORG_BENCH_REPEAT``
(default 7; startup runs use three times as many), ``REORG_BENCH_COLD_REPEAT`` (default 3; 1 at
a million events, where one cold compile takes minutes), ``REORG_BENCH_OUT`` (default
docs/performance.md; ``-`` to only print).

``--startup`` measures only the startup figures (bundled data, warm cache) and prints them;
``--explore``, ``--hostile`` and ``--publish-only`` measure and write only their sections.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REORG = str(Path(sys.executable).with_name("reorg"))
TASKS = str(Path(__file__).with_name("tasks.py"))
DAY = "2026-04-08"
MID_DAY = "2008-06-30"
SEED = 1
MIB = 1024 * 1024


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


BENCH_DIR = Path(os.environ.get("REORG_BENCH_DIR") or "/tmp/reorg-bench")
SIZES = [int(s) for s in os.environ.get("REORG_BENCH_SIZES", "10000,100000,1000000").split(",")]
REPEAT = env_int("REORG_BENCH_REPEAT", 7)
COLD_REPEAT = env_int("REORG_BENCH_COLD_REPEAT", 3)
OUT = os.environ.get("REORG_BENCH_OUT", str(ROOT / "docs" / "performance.md"))


# -- measuring -------------------------------------------------------------------------------------


@dataclass
class Runs:
    """Wall-clock seconds and peak RSS (bytes) of repeated runs of one command."""

    seconds: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> int:
        return max(self.rss)


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command with output to /dev/null; its wall time and its own peak RSS."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{message}")
    return elapsed, usage.ru_maxrss * 1024


def measure(commands: dict[str, list[str]], env: dict[str, str], repeat: int) -> dict[str, Runs]:
    """Interleaved runs of several commands, after one warm-up run of each."""
    runs = {name: Runs() for name in commands}
    for command in commands.values():
        run_once(command, env)
    for _ in range(repeat):
        for name, command in commands.items():
            seconds, rss = run_once(command, env)
            runs[name].seconds.append(seconds)
            runs[name].rss.append(rss)
    return runs


def capture(command: list[str], env: dict[str, str]) -> str:
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


#: A copy of reorg_cli (and the bundled events) that every measured process imports, so that a
#: long run measures one version of the code even if the working tree changes meanwhile.
SNAPSHOT = BENCH_DIR / "code"


def snapshot_code() -> None:
    import compileall

    shutil.rmtree(SNAPSHOT, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "reorg_cli", SNAPSHOT / "reorg_cli", ignore=skip)
    shutil.copytree(ROOT / "events", SNAPSHOT / "events", ignore=skip)
    # Compiled as an installed package is (pip compiles it): otherwise, with
    # PYTHONDONTWRITEBYTECODE set, every run would compile reorg's modules again.
    compileall.compile_dir(str(SNAPSHOT / "reorg_cli"), quiet=1)


def base_env(cache: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("REORG_") and k not in ("FORCE_COLOR", "NO_COLOR")
    }
    env.update(
        {
            "REORG_CACHE_DIR": str(cache),
            "COLUMNS": "100",
            "TERM": "dumb",
            "PYTHONPATH": str(SNAPSHOT),
        }
    )
    return env


# -- the report ------------------------------------------------------------------------------------


@dataclass
class Row:
    group: str
    what: str
    value: str
    against: str
    against_value: str
    ratio: str
    target: str
    verdict: str
    runs: str


ROWS: list[Row] = []
NOTES: list[str] = []


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def mib(value: int) -> str:
    return f"{value / MIB:.0f} MiB"


def add(
    group: str,
    what: str,
    value: str,
    against: str = "",
    against_value: str = "",
    *,
    ratio: float | None = None,
    target: str = "",
    met: bool | None = None,
    runs: int | str = "",
) -> None:
    verdict = "" if met is None else ("met" if met else "**missed**")
    ratio_text = f"{ratio:.2f}×" if ratio is not None else ""
    ROWS.append(
        Row(group, what, value, against, against_value, ratio_text, target, verdict, str(runs))
    )
    print(f"  {what}: {value}  {against} {against_value}  {ratio_text}  {target} {verdict}")


def versus(
    group: str,
    what: str,
    subject: Runs,
    floor_name: str,
    floor: Runs,
    target_ratio: float | None = None,
) -> None:
    ratio = subject.median / floor.median
    add(
        group,
        what,
        seconds(subject.median),
        floor_name,
        seconds(floor.median),
        ratio=ratio,
        target=f"≤ {target_ratio}×" if target_ratio else "",
        met=ratio <= target_ratio if target_ratio else None,
        runs=len(subject.seconds),
    )


def machine() -> str:
    model = platform.processor() or platform.machine()
    with_model = Path("/proc/cpuinfo")
    if with_model.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", with_model.read_text(), re.M)
        if found:
            model = found.group(1).strip()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        if found:
            memory = f", {int(found.group(1)) / MIB:.0f} GiB RAM"
    return (
        f"{model}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def table(rows: list[Row] | None = None) -> str:
    lines = [
        "| | measurement | reorg | floor or peer | its time | ratio | target | | runs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    group = ""
    for row in ROWS if rows is None else rows:
        shown = row.group if row.group != group else ""
        group = row.group
        lines.append(
            f"| {shown} | {row.what} | {row.value} | {row.against} | {row.against_value} | "
            f"{row.ratio} | {row.target} | {row.verdict} | {row.runs} |"
        )
    return "\n".join(lines)


# -- data ------------------------------------------------------------------------------------------


def history(size: int) -> Path:
    """The synthetic history of ``size`` events, generated once and reused."""
    from tools.synth import GENERATOR_VERSION, generate

    target = BENCH_DIR / f"synth-{size}"
    marker = target / ".generated"
    expected = f"{GENERATOR_VERSION} {size} {SEED}"
    if marker.exists() and marker.read_text() == expected:
        return target
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    summary = generate(target, size, SEED)
    marker.write_text(expected)
    print(
        f"  generated {summary.events} events, {summary.files} files, "
        f"{summary.bytes / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s"
    )
    # Files changed in the last few seconds are also hashed by the cache (see
    # reorg_cli.engine.cache.RACY_SECONDS); let them age so that warm runs measure the usual case.
    time.sleep(4)
    return target


def build_peer_database(events: Path, database: Path, cache: Path) -> None:
    """The effective-dated table of the peer, built from the same history (tasks.py)."""
    subprocess.run(
        [PYTHON, TASKS, "database", str(events), str(database)], env=base_env(cache), check=True
    )


def reorg_rows(output: str) -> set[tuple[object, ...]]:
    data = json.loads(output)
    rows: set[tuple[object, ...]] = set()
    for unit in data["units"]:
        rows.add(("unit", unit["id"], unit["name"], unit["kind"], unit["parent"], unit["presence"]))
        for role in unit["roles"]:
            rows.add(
                ("role", unit["id"], role["title"], role["person"], role["head"], role["presence"])
            )
        for vacancy in unit["vacancies"]:
            rows.add(
                (
                    "vacancy",
                    vacancy["unit"],
                    vacancy["title"],
                    vacancy["holder"],
                    None,
                    vacancy["presence"],
                )
            )
    for line in data["reporting_lines"]:
        rows.add(
            ("reporting_line", line["person"], line["reports_to"], None, None, line["presence"])
        )
    return rows


def peer_rows(output: str) -> set[tuple[object, ...]]:
    rows: set[tuple[object, ...]] = set()
    for kind, *rest, presence in json.loads(output):
        if kind == "role":
            rest[3] = bool(rest[3])
        rows.add((kind, *rest, presence))
    return rows


def famous_person(database: Path) -> str:
    """The name of someone with a long history (the most roles), to ask for by name."""
    with sqlite3.connect(database) as connection:
        (person,) = connection.execute(
            "SELECT s0 FROM facts WHERE kind = 'role' GROUP BY s0 ORDER BY COUNT(*) DESC, s0 "
            "LIMIT 1"
        ).fetchone()
    return str(person)


def person_name(events: Path, person: str) -> str:
    for path in sorted((events / "people").glob("*.yaml")):
        found = re.search(rf"- id: {re.escape(person)}\n    name: (.+)\n", path.read_text())
        if found:
            return found.group(1)
    return person


# -- the benchmarks --------------------------------------------------------------------------------


#: The cache hashes the content of event files changed less than this many seconds before it
#: fingerprinted them, and checks those hashes on every later run (reorg_cli.engine.cache,
#: RACY_SECONDS); with a margin.
RACY_SECONDS = 3.5


def settle_snapshot() -> None:
    """Wait until the snapshot's event files are no longer "racy" to the cache. They were
    copied a moment ago; a warm cache built now would hash their content on every run, which
    no installed copy of the bundled data (written long before it is queried) ever does."""
    newest = max(path.stat().st_ctime for path in (SNAPSHOT / "events").rglob("*"))
    time.sleep(max(0.0, newest + RACY_SECONDS - time.time()))


def startup(*, explorer: bool = True) -> None:
    print("startup (bundled dataset, warm cache)")
    cache = BENCH_DIR / "cache-startup"
    env = base_env(cache)
    settle_snapshot()
    floor = [PYTHON, "-c", "import typer, rich.console, rich.tree, yaml"]
    commands = {
        "floor": floor,
        "show": [REORG, "show", "--at", DAY],
        "help": [REORG, "--help"],
        "history": [REORG, "history", "Zhou Jingren"],
    }
    runs = measure(commands, env, REPEAT * 3)
    group = "Startup (bundled data)"
    for name, label in (
        ("show", f"`reorg show --at {DAY}`"),
        ("help", "`reorg --help`"),
        ("history", '`reorg history "Zhou Jingren"`'),
    ):
        versus(group, label, runs[name], "import typer, rich, yaml", runs["floor"], 1.3)
    if explorer:
        explore_paint(env)


#: Slider targets by history size (issue 16): one → step, warm.
EXPLORE_STEP_TARGETS = {10_000: 0.05, 100_000: 0.2}
EXPLORE_STEPS = 15


def explore_paint(env: dict[str, str]) -> None:
    """`reorg explore` on the bundled data up to its first full screen (headless, 100x30)."""
    floor = [PYTHON, "-c", "import typer, rich.console, yaml, textual.app, textual.widgets"]
    paint = [PYTHON, TASKS, "explore-paint", "-", "2026-04-07"]
    runs = measure({"floor": floor, "paint": paint}, env, REPEAT)
    versus(
        "Explorer (bundled data)",
        "`reorg explore --at 2026-04-07`: process start to first paint",
        runs["paint"],
        "import typer, rich, yaml, textual",
        runs["floor"],
    )
    add(
        "Explorer (bundled data)",
        "first paint: time",
        seconds(runs["paint"].median),
        target="< 1 s",
        met=runs["paint"].median < 1.0,
        runs=len(runs["paint"].seconds),
    )


def explore_steps(group: str, size: int, events: Path, env: dict[str, str]) -> None:
    """The explorer's slider on a synthetic history, warm: medians of single → steps."""
    target = EXPLORE_STEP_TARGETS.get(size)
    if target is None:
        return
    found = json.loads(
        capture(
            [PYTHON, TASKS, "explore-steps", str(events), "2020-01-01", str(EXPLORE_STEPS)], env
        )
    )
    add(
        group,
        f"explore: one → step ({found['units']} units shown; state, diff, tree, changes)",
        seconds(found["action"]),
        target=f"< {seconds(target)}",
        met=found["action"] < target,
        runs=EXPLORE_STEPS,
    )
    add(
        group,
        "explore: → pressed to screen redrawn (pilot, headless)",
        seconds(found["press"]),
        "an unbound key pressed",
        seconds(found["idle_press"]),
        runs=EXPLORE_STEPS,
    )


@dataclass
class SizeResult:
    size: int
    cold: float = 0.0
    parse: float = 0.0
    warm_show: float = 0.0
    warm_history: float = 0.0


def scale(size: int, results: list[SizeResult]) -> None:
    label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}M"
    print(f"{label} events")
    events = history(size)
    result = SizeResult(size)
    results.append(result)
    group = f"{label} events"
    cold_repeat = 1 if size >= 1_000_000 else COLD_REPEAT
    cold_repeat = env_int("REORG_BENCH_COLD_REPEAT", cold_repeat)
    repeat = REPEAT if size < 1_000_000 else max(3, REPEAT - 2)

    # Cold: compile vs merely parsing the same files, interleaved.
    env = base_env(BENCH_DIR / "cache-unused")
    env["REORG_NO_CACHE"] = "1"
    cold: dict[str, Runs] = {"parse": Runs(), "compile": Runs()}
    for _ in range(cold_repeat):
        for name in ("parse", "compile"):
            took, rss = run_once([PYTHON, TASKS, name, str(events)], env)
            cold[name].seconds.append(took)
            cold[name].rss.append(rss)
    result.cold, result.parse = cold["compile"].median, cold["parse"].median
    versus(
        group,
        "cold load: compile (no cache)",
        cold["compile"],
        "yaml.CSafeLoader parse only",
        cold["parse"],
        1.5 if size == 100_000 else None,
    )
    add(
        group,
        "cold load: peak memory",
        mib(cold["compile"].peak),
        "parse only",
        mib(cold["parse"].peak),
        target="< 1 GiB" if size >= 1_000_000 else "< 150 MiB" if size == 100_000 else "",
        met=(
            cold["compile"].peak < 1024 * MIB
            if size >= 1_000_000
            else cold["compile"].peak < 150 * MIB
            if size == 100_000
            else None
        ),
        runs=cold_repeat,
    )

    # First run: compile and write the cache.
    cache = BENCH_DIR / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    env = base_env(cache)
    show_json = [REORG, "show", "--at", DAY, "--format", "json", "--events", str(events)]
    took, _ = run_once(show_json, env)
    add(group, "first `show` (compile + write cache)", seconds(took), runs=1)
    entry = next(cache.glob("*.sqlite"), None)
    if entry is not None:
        NOTES.append(f"{label}: cache entry {entry.stat().st_size / 1e6:.0f} MB")

    # The peer: an indexed, effective-dated SQLite table holding the same facts.
    database = BENCH_DIR / f"synth-{size}.sqlite"
    build_peer_database(events, database, cache)
    ordinal = str(dt.date.fromisoformat(DAY).toordinal())
    peer = [PYTHON, TASKS, "sqlite", str(database), ordinal]
    ours, theirs = reorg_rows(capture(show_json, env)), peer_rows(capture(peer, env))
    if ours != theirs:
        raise SystemExit(
            f"reorg and the SQLite peer disagree at {size} events: "
            f"{len(ours - theirs)} rows only in reorg, {len(theirs - ours)} only in SQLite"
        )
    NOTES.append(f"{label}: reorg and SQLite return the same {len(ours)} rows for {DAY}")
    person = famous_person(database)
    name = person_name(events, person)

    # Warm queries, interleaved with the peer.
    commands = {
        "show_json": show_json,
        "peer": peer,
        "history": [REORG, "history", name, "--events", str(events)],
        "show_mid": [REORG, "show", "--at", MID_DAY, "--format", "json", "--events", str(events)],
        "tree": [REORG, "show", "--at", DAY, "--events", str(events)],
        # reorg's own startup, the floor of every command (issue 12's 100k and history goals).
        "version": [REORG, "--version"],
    }
    runs = measure(commands, env, repeat)
    big = size >= 1_000_000
    result.warm_show, result.warm_history = runs["show_json"].median, runs["history"].median
    versus(
        group,
        f"warm `show --at {DAY} --format json`",
        runs["show_json"],
        "indexed SQLite query, same rows",
        runs["peer"],
        2.0 if big else None,
    )
    versus(
        group,
        f"warm `show --at {DAY} --format json`",
        runs["show_json"],
        "`reorg --version`",
        runs["version"],
        2.0 if size == 100_000 else None,
    )
    if big:
        add(
            group,
            "warm `show --format json`: time",
            seconds(runs["show_json"].median),
            target="< 0.7 s",
            met=runs["show_json"].median < 0.7,
            runs=repeat,
        )
    add(
        group,
        "warm `show --format json`: peak memory",
        mib(runs["show_json"].peak),
        target="< 1 GiB" if big else "",
        met=runs["show_json"].peak < 1024 * MIB if big else None,
        runs=repeat,
    )
    add(
        group,
        f"warm `show --at {MID_DAY} --format json`",
        seconds(runs["show_mid"].median),
        runs=repeat,
    )
    over_startup = runs["history"].median - runs["version"].median
    add(
        group,
        f"warm `history` ({name}, most roles)",
        seconds(runs["history"].median),
        "`reorg --version`",
        seconds(runs["version"].median),
        target="≤ startup + 50 ms" if big else "",
        met=over_startup <= 0.05 if big else None,
        runs=repeat,
    )
    explore_steps(group, size, events, env)
    units = sum(1 for row in ours if row[0] == "unit")
    add(
        group,
        f"warm `show` tree, default depth ({units} units)",
        seconds(runs["tree"].median),
        target="< 0.5 s" if big else "",
        met=runs["tree"].median < 0.5 if big else None,
        runs=repeat,
    )
    if big:
        extra = {
            "depth": [REORG, "show", "--at", DAY, "--depth", "3", "--events", str(events)],
            "full": [REORG, "show", "--at", DAY, "--depth", "99", "--events", str(events)],
        }
        more = measure(extra, env, max(3, repeat // 2))
        add(
            group,
            "warm `show --depth 3`",
            seconds(more["depth"].median),
            runs=len(more["depth"].seconds),
        )
        add(
            group,
            "warm `show --depth 99` (full tree)",
            seconds(more["full"].median),
            runs=len(more["full"].seconds),
        )


PAGE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def page_timings(page: Path, day: str, other_day: str, repeat: int) -> tuple[Runs, Runs] | None:
    """Load ``page`` in headless Chromium ``repeat`` times: seconds from navigation to the end
    of the load event (the page's script has replayed the facts and drawn the tree by then),
    and seconds to redraw for another date (a slider move). None without chromium."""
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        print("  (chromium or chromedriver missing: page timings skipped)")
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in PAGE_FLAGS:
        options.add_argument(flag)
    loads, moves = Runs(), Runs()
    with tempfile.TemporaryDirectory(prefix="reorg-bench-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service(driver_path))
        try:
            for _ in range(repeat):
                driver.get("about:blank")
                driver.get(f"{page.as_uri()}#date={day}")
                loaded = driver.execute_script(
                    "return performance.getEntriesByType('navigation')[0].loadEventEnd"
                )
                loads.seconds.append(loaded / 1000)
                moved = driver.execute_async_script(
                    "var done = arguments[1], start = performance.now();"
                    "window.addEventListener('hashchange', function () {"
                    "  done(performance.now() - start); }, {once: true});"
                    "location.hash = '#date=' + arguments[0];",
                    other_day,
                )
                moves.seconds.append(moved / 1000)
        finally:
            driver.quit()
    return loads, moves


PAGE_GROUP = "Published page"
PAGE_HEADING = "## The published page (`reorg publish`)"


def page_section(started: dt.datetime, load: float) -> str:
    """The report's section on the published page (its rows leave the main table)."""
    rows = [row for row in ROWS if row.group == PAGE_GROUP]
    ROWS[:] = [row for row in ROWS if row.group != PAGE_GROUP]
    return "\n".join(
        [
            PAGE_HEADING,
            "",
            f"Measured {started:%Y-%m-%d %H:%M %Z}, load average {load:.1f} when it began "
            "(`make bench-publish` measures and rewrites only this section). "
            "The page's time is from navigation to the end of the load event in headless "
            "Chromium, by which time its script has replayed the facts and drawn the tree; a "
            "slider move is the redraw after the address changes to another date.",
            "",
            table(rows),
            "",
        ]
    )


def publish_only() -> None:
    """Measure only the published page and replace its section of the report."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    snapshot_code()
    started = dt.datetime.now().astimezone()
    load = os.getloadavg()[0]
    published_page(BENCH_DIR)
    section = page_section(started, load)
    print()
    print(section)
    if OUT == "-":
        return
    report = Path(OUT).read_text(encoding="utf-8")
    if PAGE_HEADING in report:
        before, rest = report.split(PAGE_HEADING, 1)
        after = rest[rest.index("\n## ") + 1 :] if "\n## " in rest else ""
    else:
        before, after = report.split("## Scaling", 1)
        after = "## Scaling" + after
    Path(OUT).write_text(before + section + "\n" + after, encoding="utf-8")
    print(f"\nwrote {OUT}")


def published_page(results_dir: Path) -> None:
    """`reorg publish`: the bundled page's size and a 10k-event history's page in Chromium."""
    group = PAGE_GROUP
    print(group)
    cache = BENCH_DIR / "cache-publish"
    env = base_env(cache)
    bundled = results_dir / "alibaba.html"
    bundled.unlink(missing_ok=True)
    subprocess.run([REORG, "publish", "--out", str(bundled)], env=env, check=True)
    size = bundled.stat().st_size
    add(
        group,
        "bundled data: page size",
        f"{size / 1024:.0f} KiB",
        target="< 1 MB",
        met=size < 1_000_000,
    )
    events = history(10_000)
    page = results_dir / "synth-10000.html"
    command = [REORG, "publish", "--events", str(events), "--out", str(page), "--force"]
    subprocess.run(command, env=env, check=True)  # fills the cache
    runs = measure({"publish": command}, env, max(3, REPEAT // 2))
    add(
        group,
        "10k events: warm `reorg publish`",
        seconds(runs["publish"].median),
        runs=len(runs["publish"].seconds),
    )
    add(group, "10k events: page size", f"{page.stat().st_size / MIB:.1f} MiB")
    timings = page_timings(page, DAY, MID_DAY, max(3, REPEAT // 2))
    if timings is None:
        return
    loads, moves = timings
    add(
        group,
        "10k events: page interactive in headless Chromium (load event end)",
        seconds(loads.median),
        target="< 2 s",
        met=loads.median < 2,
        runs=len(loads.seconds),
    )
    add(
        group,
        f"10k events: slider move ({DAY} to {MID_DAY}), redraw",
        seconds(moves.median),
        runs=len(moves.seconds),
    )


def scaling(results: list[SizeResult]) -> str:
    if len(results) < 2:
        return ""
    lines = [
        "| events | cold compile | × per 10× events | warm `show` json | warm `history` |",
        "|---|---|---|---|---|",
    ]
    previous: SizeResult | None = None
    for result in results:
        growth = f"{result.cold / previous.cold:.1f}×" if previous else ""
        lines.append(
            f"| {result.size:,} | {seconds(result.cold)} | {growth} | "
            f"{seconds(result.warm_show)} | {seconds(result.warm_history)} |"
        )
        previous = result
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:] == ["--publish-only"]:
        publish_only()
        return
    if sys.argv[1:] == ["--report-only"]:
        saved = json.loads((BENCH_DIR / "results.json").read_text())
        ROWS.extend(Row(**row) for row in saved["rows"])
        NOTES.extend(saved["notes"])
        results = [SizeResult(**r) for r in saved["results"]]
        write_report(
            dt.datetime.fromisoformat(saved["started"]), saved["took"], saved["load"], results
        )
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    snapshot_code()
    if sys.argv[1:] == ["--explore"]:
        explore_only()
        return
    if sys.argv[1:] == ["--hostile"]:
        hostile_only()
        return
    if sys.argv[1:] == ["--startup"]:  # only print the startup rows (the report is left alone)
        startup(explorer=False)
        return
    started = dt.datetime.now().astimezone()
    load = os.getloadavg()[0]
    print(f"benchmarks in {BENCH_DIR}: sizes {SIZES}, {REPEAT} runs each")
    startup()
    published_page(BENCH_DIR)
    results: list[SizeResult] = []
    for size in SIZES:
        scale(size, results)
    took = (dt.datetime.now().astimezone() - started).total_seconds()
    (BENCH_DIR / "results.json").write_text(
        json.dumps(
            {
                "rows": [row.__dict__ for row in ROWS],
                "notes": NOTES,
                "results": [r.__dict__ for r in results],
                "started": started.isoformat(),
                "took": took,
                "load": load,
            }
        )
    )
    write_report(started, took, load, results)
    hostile_only()


HOSTILE_BEGIN, HOSTILE_END = "<!-- hostile: begin -->", "<!-- hostile: end -->"
#: The single event file's size: just under the loader's 16 MiB limit.
ONE_FILE_BYTES = int(15.9 * 1024 * 1024)


_PEAK_SCRIPT = """
import os, subprocess, sys, time
start = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status))
"""


def write_section(section: str, begin: str, end: str) -> None:
    """Print a report section and put it, between its markers, into the report (replacing
    the section of the last run; the rest of the report is left as it was)."""
    print(section)
    if OUT == "-":
        return
    path = Path(OUT)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def _peak(command: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (bytes) and exit code of one run (any exit code). A small
    Python process starts it, so the child's peak does not include this process's memory
    (a forked child's maximum resident set counts the parent's pages before ``exec``)."""
    out = subprocess.run(
        [PYTHON, "-c", _PEAK_SCRIPT, *command], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def hostile_files() -> tuple[Path, Path, Path]:
    """The same events as one 15.9 MiB file and as 100 files (from the 100k history), and a
    1.1 MB file of 100,000 keys."""
    root = BENCH_DIR / "hostile"
    one, split, keys = root / "one", root / "split", root / "keys"
    if not (one / "events.yaml").exists():
        source = history(100_000)
        for folder in (one, split, keys):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        bodies: list[str] = []
        size = len("events:\n")
        for path in sorted(source.glob("[0-9]*/*.yaml")):
            body = path.read_text(encoding="utf-8").removeprefix("events:\n")
            if size + len(body.encode()) > ONE_FILE_BYTES:
                break
            bodies.append(body)
            size += len(body.encode())
        for extra in ("sources.yaml", "units.yaml", "people"):
            for folder in (one, split):
                if (source / extra).is_dir():
                    shutil.copytree(source / extra, folder / extra)
                else:
                    shutil.copy(source / extra, folder / extra)
        (one / "events.yaml").write_text("events:\n" + "".join(bodies), encoding="utf-8")
        per = -(-len(bodies) // 100)
        for index in range(100):
            part = bodies[index * per : (index + 1) * per]
            if part:
                text = "events:\n" + "".join(part)
                (split / f"e{index:03d}.yaml").write_text(text, encoding="utf-8")
        lines = "".join(f"k{i:06d}: 1\n" for i in range(100_000))
        (keys / "keys.yaml").write_text(lines, encoding="utf-8")
    return one, split, keys


def hostile_only() -> None:
    """`benchmarks/run.py --hostile`: memory and time on large and hostile files (issue 11,
    item 14), written into their own section of the report."""
    started = dt.datetime.now().astimezone()
    load = os.getloadavg()[0]
    one, split, keys = hostile_files()
    env = {**base_env(BENCH_DIR / "cache-hostile"), "REORG_NO_CACHE": "1"}
    rows = [
        ("`reorg --version` (the interpreter's own)", [REORG, "--version"]),
        ("cold `show`, one 15.9 MiB file", [REORG, "show", "--at", "2000", "--events", str(one)]),
        (
            "cold `show`, the same events in 100 files",
            [REORG, "show", "--at", "2000", "--events", str(split)],
        ),
        ("`validate`, 100,000 keys (1.1 MB)", [REORG, "validate", str(keys)]),
    ]
    lines = ["| run | wall | peak RSS | exit |", "|---|---|---|---|"]
    for label, command in rows:
        seconds_taken, rss, code = _peak(command, env)
        lines.append(f"| {label} | {seconds(seconds_taken)} | {mib(rss)} | {code} |")
    size = (one / "events.yaml").stat().st_size
    section = "\n".join(
        [
            HOSTILE_BEGIN,
            "## Large and hostile files (issue 11, item 14)",
            "",
            f"Measured by `python benchmarks/run.py --hostile` on {started:%Y-%m-%d %H:%M %Z}, "
            f"load average {load:.1f} on {machine()}; the single file is {size:,} bytes. Peak "
            "memory above `reorg --version` must stay within 20x the input's bytes and never "
            "above the split-file case; the keys file is refused at its 1,001st key.",
            "",
            *lines,
            HOSTILE_END,
        ]
    )
    write_section(section, HOSTILE_BEGIN, HOSTILE_END)


EXPLORE_BEGIN, EXPLORE_END = "<!-- explore: begin -->", "<!-- explore: end -->"


def explore_only() -> None:
    """`benchmarks/run.py --explore`: only the explorer's figures, written into their own
    section of the report (the rest of it is left as the last full run wrote it)."""
    started = dt.datetime.now().astimezone()
    load = os.getloadavg()[0]
    print("explorer benchmarks")
    explore_paint(base_env(BENCH_DIR / "cache-startup"))
    for size in sorted(EXPLORE_STEP_TARGETS):
        events = history(size)
        env = base_env(BENCH_DIR / f"cache-{size}")
        capture([REORG, "show", "--at", DAY, "--format", "json", "--events", str(events)], env)
        explore_steps(f"{size // 1000}k events", size, events, env)
    section = "\n".join(
        [
            EXPLORE_BEGIN,
            "## The explorer (`reorg explore`)",
            "",
            f"Measured by `python benchmarks/run.py --explore` on {started:%Y-%m-%d %H:%M %Z}, "
            f"load average {load:.1f} on {machine()}.",
            "",
            table(),
            "",
            EXPLORE_NOTES,
            EXPLORE_END,
        ]
    )
    write_section(section, EXPLORE_BEGIN, EXPLORE_END)
    print(f"\nwrote {OUT}")


EXPLORE_NOTES = """\
First paint is a whole process: Python starts, imports reorg and Textual, opens the warm cache,
computes the state and the changes at the date, and draws the screen headless at 100x30 (then
exits). A step is the → key's action in a running app (`benchmarks/tasks.py explore-steps`,
from 2020-01-01 on, warm): the new state, the diff against the date left, the tree and the
Changes list rebuilt; the second row is the same press through Textual's pilot until the screen
is drawn again, beside the pilot's cost for a key bound to nothing. Opening the app on a large
history also reads every event's date once (for the slider's stops) from the cache's indexes."""


def write_report(started: dt.datetime, took: float, load: float, results: list[SizeResult]) -> None:
    section = page_section(started, load) if any(r.group == PAGE_GROUP for r in ROWS) else ""
    report = "\n".join(
        [
            "# Performance",
            "",
            "Written by `make bench` (benchmarks/run.py); do not edit by hand.",
            "",
            f"- Date: {started:%Y-%m-%d %H:%M %Z} (the run took {took / 60:.0f} min)",
            f"- Machine: {machine()}",
            f"- Load average when the run began: {load:.1f}",
            "- Each figure is the median of the runs shown, interleaved with its floor or peer.",
            "",
            table(),
            "",
            section,
            "## Scaling",
            "",
            scaling(results),
            "",
            "## Notes",
            "",
            *[f"- {note}" for note in NOTES],
            "",
            NOTES_TEXT,
        ]
    )
    print()
    print(report)
    if OUT != "-":
        Path(OUT).write_text(report + "\n", encoding="utf-8")
        print(f"\nwrote {OUT}")


NOTES_TEXT = """\
How to read it: the *floor* is what no `reorg` command can beat (starting Python with reorg's
libraries; parsing the YAML with the C parser), the *peer* is another tool answering the same
question. Every run is a separate process with its output to /dev/null; peak memory is each
process's own maximum resident set (`wait4`). The histories come from `make synth` (seed 1):
a company from 1990 to 2026, units in a hierarchy up to 8 deep that are created, renamed,
reclassified, moved, merged and dissolved; hires, transfers, promotions, departures, heads and
vacant posts, committees, reporting lines; day, month and year dates, `by`, `after`, `between`
and `unknown`; one to three sources per event; corrections and retractions; one file per week
(about 2,000 files), people in files of 1,000. At a million events: 56,000 people, 15,000
units, and on 2026-04-08 an organization of 12,678 units, 13,757 roles and 10,945 reporting
lines, whose `show --format json` is 56 MB citing 62,946 events.

The SQLite peer holds the same compiled facts in an effective-dated table (one row per fact
with its start and end windows, indexed by end and start); its query keeps, as reorg does, one
fact per slot on the day (a present one before an uncertain one, with a window function) and
pivots units' names, kinds and parents with one `GROUP BY`. The benchmark checks that reorg and
SQLite return exactly the same rows (units, roles, vacancies, reporting lines, with presence).

Scaling: cold compiles grow with the history (about linearly up to 100k events; from 100k to
a million the YAML parse alone grows 9×, and the compile holds 3.2 GiB). Warm queries do
not read the history: `history` stays almost flat (the cost is the person's own roles), and a
warm `show` grows with its answer, not with the history (412, 4,094 and 39,746 rows on
2026-04-08 at the three sizes), because it touches only the facts that hold on the day.

## What makes it fast

- **The compiled store** (`reorg_cli/engine/store.py`, schema in docs/sqlite.md). Every
  command runs on an SQLite store of the compiled history; a second run on unchanged files
  opens it from the cache (`$REORG_CACHE_DIR`, `$XDG_CACHE_HOME/reorg` or `~/.cache/reorg`;
  `REORG_NO_CACHE=1` or `reorg --no-cache` build it in a private temporary database instead)
  and reads no YAML. The key is the schema version, reorg's, Python's and SQLite's versions,
  the size and mtime of each engine and format module, and a fingerprint of every event file
  (its path in replay order, size, `mtime_ns`, `ctime_ns`, inode, device); files changed less
  than 3 s before they were fingerprinted are also hashed: *never stale* without reading every
  file on every run. Stores are built in a temporary file and renamed; a damaged, foreign or
  old-schema store is rebuilt, never an error; only histories without errors are cached.
- **Indexed SQL.** The facts that may hold on a day come from an R*Tree (`fact_days`);
  histories, lookups and events between dates from indexes; only the rows a query needs are
  decoded, each once per run (the explorer's steps and a diff's two states share them); the
  events a result cites are read in a few batched queries, and only when the answer shows
  them (JSON, `--why`).
- **Citations grow with the answer.** A change to a unit or a role in it confirms the unit in
  passing; only the latest such confirmation is cited (every explicit `unit_confirmed` is).
  Citing them all made the root unit of the 100k history cite most of its events: `show
  --format json` was 51 MB citing 76,527 events, and is 4.3 MB citing 4,287.
- **Cold compiles stream into the store** (docs/sqlite.md, "How a store is built"): each
  event's rows are written as it is read, one SQL statement numbers the replay, the replay
  reads the events back a batch at a time and writes each fact as it closes, so memory grows
  with the ids and the open facts, not with the history's objects (at 100k events the peak
  went from 343 to 120 MiB, at a million from 3.2 GiB to 756 MiB). The cycle collector is
  paused while compiling; ids, titles and file paths are interned, date windows shared. The
  store is written in batches of 5,000 rows with its indexes made afterwards, and SQLite's
  page cache held to 16 MiB meanwhile. A file is read with one allocation of its own size
  (a read up to the 16 MiB limit allocated the limit for every file).
- **Startup**: a warm run imports neither YAML, pydantic nor the store's writer (Typer
  coerces every option through pydantic, 80 ms per run; `reorg_cli/cli/speedups.py` coerces
  plain values with Typer's own helpers, for the Typer version it was written for only, and
  leaves everything else, including every error, to Typer); a command imports only its own
  module and renderers (a test checks what a warm `show` imports); the CLI runs without the
  cycle collector.
- **The default tree of a big organization** computes only what it draws. `show` on a tree of
  more than 300 units draws its top levels; the levels are chosen from an *outline* of the
  day's tree (each unit's parent and name, picked per slot from five columns of the facts
  that may hold, with their presence decided in SQL), and only the units of those levels get
  a full state, with their roles, vacancies and their people's reporting lines
  (`reorg_cli/engine/state.py`, `unit_outline`). What the note and the cut branches count is
  counted in the outline. At a million events this went from 1.35 s to about 0.45 s.
- **Output**: JSON is written by orjson (`reorg_cli/output/fastjson.py`), byte for byte what
  `json.dumps(sort_keys=True, indent=2, ensure_ascii=False)` writes for reorg's documents, ten
  times faster; per-unit groupings of a state are built once (they were quadratic: 39 s for a
  14,000-unit state); `show` on a tree of more than 300 units shows its top levels (each cut
  branch says how many sub-units it hides, and a line says how to see more; `--depth 99`
  shows everything).

## Where the remaining time goes, and what would close the gaps

- **Startup** (target 1.3×): a command imports only its own module and renderers; the warm
  path imports neither YAML, the loader nor the compiler, nor the change records
  (`events/changes.py`) and the other commands' results (`engine/results_over_time.py`)
  (a test checks). What is left over the floor is mostly creating the ~20 frozen, slotted
  dataclasses a `show` does use (`dataclasses` generates and compiles six methods for each,
  then rebuilds the class for its slots), our own imports and Rich laying out the tree. A
  replacement decorator that compiled those methods lazily was measured at 1.24-1.30×, and
  not taken: it is a hand-written copy of what `dataclasses` generates, with `exec`. Closing
  the gap cleanly needs the core compiled ahead of time (mypyc) or records from a compiled
  library.
- **Cold compile** (target 1.5× the YAML parse at 100k): reorg reads the parser's event
  stream (never a node tree, so a huge file cannot exhaust memory) and converts each event in
  Python to values that remember their `path:line:col` and checks every field (about 1.8× the
  parse on its own), then replays the history from the store, reading each event back (the
  price of not holding the history in memory), and writes the facts. Closing the gap needs a
  C-level converter or files parsed in parallel processes.
- **Memory of the cold compile** (targets < 150 MiB at 100k, < 1 GiB at a million): the store
  is written as the files are read, and the replay reads the events back in batches and
  writes facts as they close (docs/sqlite.md, "How a store is built"). What grows with the
  history is each event's id (kept to find duplicates and the targets of corrections) and,
  for every role ever held, where it was last assigned and ended (kept for the hints of
  errors), plus the allocator's fragmentation around them; SQLite's page cache is held to
  16 MiB while building.
- **Warm `show --format json`** (targets ≤ 2× `reorg --version` at 100k; ≤ 2× the SQLite peer
  and < 0.7 s at a million): the cited events are read as rows (two joins, no event objects)
  and the JSON goes to stdout as bytes straight from orjson, but the cost is still building
  the state in Python. Per stage at a million events (CPU): reading the ~78k facts that may
  hold on the day, ~120 ms in SQLite, ~240 ms converting their columns and 300-400 ms making
  fact objects; putting the state together ~300 ms; the ~63k cited events ~200 ms of lookups
  by text id and ~300 ms of objects; the dictionaries ~370 ms; orjson ~90 ms. Closing it
  needs the pick of one fact per slot and the units' pivot in SQL (as the peer does), and
  events keyed by integer or with their evidence precomputed as JSON (SQLite's `json_object`
  alone measured ~400 ms of CPU for the evidence).
"""


if __name__ == "__main__":
    main()
