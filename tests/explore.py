"""``make explore``: run every property test with random seeds and many more examples, round
after round, until EXPLORE_MINUTES (default 10) have passed; then print how many examples each
property ran. ``make test`` stays derandomized (tests/conftest.py); this is where new random
cases are looked for. A failure prints its seed and Hypothesis's reproduce blob: fix it and pin
the case as an ``@example`` of the property (docs/reliability.md, "Exploring").
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TEST_LINE = re.compile(r"^(tests/\S+::\S+):$")
_SUMMARY = re.compile(r"\d+ (passed|failed|error)")
_COUNT_LINE = re.compile(r"^\s+- (\d+) passing, (\d+) failing, and (\d+) invalid")


def statistics(output: str) -> Counter[str]:
    """Examples run (passing + failing) per test, from ``--hypothesis-show-statistics``."""
    counts: Counter[str] = Counter()
    current: str | None = None
    for line in output.splitlines():
        test = _TEST_LINE.match(line)
        if test:
            current = test.group(1)
            counts[current] += 0
            continue
        found = _COUNT_LINE.match(line)
        if found and current is not None:
            counts[current] += int(found.group(1)) + int(found.group(2))
    return counts


def main() -> int:
    """Run rounds until the time is up; exit 1 if any round failed."""
    minutes = float(os.environ.get("EXPLORE_MINUTES", "10"))
    per_round = os.environ.get("REORG_EXPLORE_EXAMPLES", "500")
    deadline = time.monotonic() + minutes * 60
    started = time.monotonic()
    totals: Counter[str] = Counter()
    failures: list[int] = []
    rounds = 0
    print(
        f"explore: property tests, random seeds, >= {per_round} examples each per round, "
        f"for {minutes:g} minutes",
        flush=True,
    )
    while time.monotonic() < deadline:
        seed = random.SystemRandom().randrange(2**32)
        env = {
            **os.environ,
            "REORG_HYPOTHESIS_PROFILE": "explore",
            "REORG_EXPLORE": "1",
            "REORG_EXPLORE_EXAMPLES": per_round,
        }
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            f"--hypothesis-seed={seed}",
            *sys.argv[1:],
        ]
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        rounds += 1
        counts = statistics(result.stdout)
        totals.update(counts)
        totals_lines = [
            line.strip("= ") for line in result.stdout.splitlines() if _SUMMARY.search(line)
        ]
        summary = totals_lines[-1] if totals_lines else f"pytest exited {result.returncode}"
        elapsed = (time.monotonic() - started) / 60
        print(f"round {rounds} (seed {seed}, {elapsed:.1f} min): {summary}", flush=True)
        if result.returncode != 0:
            failures.append(seed)
            print(result.stdout[-20000:], result.stderr[-5000:], sep="\n", flush=True)
    print(
        f"\nexamples run per property over {rounds} rounds "
        f"({(time.monotonic() - started) / 60:.1f} min):"
    )
    for test, count in sorted(totals.items()):
        print(f"  {count:>9,}  {test}")
    print(f"  {sum(totals.values()):>9,}  in all")
    if failures:
        print(
            f"FAILED in the rounds with seeds {failures}; rerun one with "
            f"REORG_HYPOTHESIS_PROFILE=explore REORG_EXPLORE=1 pytest --hypothesis-seed=SEED"
        )
        return 1
    print("no failures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
