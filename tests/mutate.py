"""``make mutate``: mutation testing of the engine with mutmut, then its kill rate.

Usage: ``python tests/mutate.py MODULE.py ...`` (the Makefile passes ``MUTATE_MODULES``).

mutmut changes the code one small mutation at a time (``<`` to ``<=``, ``and`` to ``or``, a
string to another) and runs the tests that cover the mutated function; a mutant the tests do
not notice "survives". It works in a copy of the project under ``build/mutate/`` so the work
tree is never touched. The copy's tests run with fewer property examples
(``MUTATE_EXAMPLES``, default 25; still derandomized) so that a run fits on a small machine,
and without the compiled-timeline cache (every mutant shares one source file, so the cache
would hand a mutant the facts compiled by another). Environment:

- ``MUTATE_TESTS``: the test files to run (default: the engine and property tests);
- ``MUTATE_WORK``: the folder of the copy (default ``build/mutate``; one per concurrent run);
- ``MUTATE_CHILDREN``: parallel workers (default: the number of CPUs);
- ``MUTATE_ONLY``: mutmut names or name patterns, separated by spaces, to run a subset
  (``reorg_cli.events.dates*``).

Documented in docs/reliability.md, "Mutation testing".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("MUTATE_WORK", ROOT / "build" / "mutate")).resolve()
DEFAULT_TESTS = (
    "tests/engine/test_engine.py tests/events/test_dates.py tests/engine/test_wrong_answers.py "
    "tests/engine/test_properties.py tests/engine/test_stateful.py tests/engine/test_oracle.py "
    "tests/engine/test_staleness.py tests/engine/test_provenance.py tests/engine/test_dataset.py "
    "tests/engine/test_compile_errors.py tests/engine/test_queries.py "
    "tests/interop/test_interop_roundtrip.py"
)
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")


def toml_list(values: list[str]) -> str:
    """A TOML array of strings."""
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def prepare(modules: list[str], tests: list[str]) -> None:
    """A fresh copy of the project with the mutmut configuration."""
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    for name in ("reorg_cli", "tests", "events"):
        shutil.copytree(ROOT / name, WORK / name, ignore=_SKIP)
    config = (ROOT / "pyproject.toml").read_text("utf-8")
    config += (
        "\n[tool.mutmut]\n"
        'source_paths = ["reorg_cli"]\n'
        'also_copy = ["events"]\n'  # tests that read the bundled dataset
        f"only_mutate = {toml_list(modules)}\n"
        f"pytest_add_cli_args_test_selection = {toml_list(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]\n'
    )
    (WORK / "pyproject.toml").write_text(config, "utf-8")


#: mutmut's exit codes (mutmut.stats) grouped the way the kill rate counts them.
_KILLED = {1, 3, 36, 24, -24, 152, 255, -11, -9}  # a test failed, pytest broke, timeout, crash
_SURVIVED = {0}


def per_module() -> dict[str, tuple[int, int, int, int]]:
    """Mutants by module: (all, killed, survived, not run or not covered)."""
    counts: dict[str, tuple[int, int, int, int]] = {}
    for meta in sorted((WORK / "mutants").rglob("*.py.meta")):
        module = meta.relative_to(WORK / "mutants").as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"].values()
        killed = sum(code in _KILLED for code in codes)
        survived = sum(code in _SURVIVED for code in codes)
        counts[module] = (len(codes), killed, survived, len(codes) - killed - survived)
    return counts


def main(modules: list[str]) -> int:
    """Run mutmut over ``modules`` and print the kill rate; 1 if mutmut itself failed."""
    for module in modules:
        if not (ROOT / module).is_file():
            print(f"mutate: no such module: {module} (set MUTATE_MODULES)", file=sys.stderr)
            return 2
    tests = os.environ.get("MUTATE_TESTS", DEFAULT_TESTS).split()
    prepare(modules, tests)
    env = {
        **os.environ,
        "REORG_PROPERTY_EXAMPLES": os.environ.get("MUTATE_EXAMPLES", "25"),
        "REORG_STATEFUL_EXAMPLES": os.environ.get("MUTATE_EXAMPLES", "25"),
        "REORG_MUTATING": "1",
        "REORG_NO_CACHE": "1",
    }
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    command = [mutmut, "run"]
    if os.environ.get("MUTATE_CHILDREN"):
        command += ["--max-children", os.environ["MUTATE_CHILDREN"]]
    if os.environ.get("MUTATE_ONLY"):
        command += os.environ["MUTATE_ONLY"].split()
    print("mutate:", " ".join(modules), "| tests:", " ".join(tests), flush=True)
    run = subprocess.run(command, cwd=WORK, env=env, check=False)
    if run.returncode != 0:
        print(f"mutate: mutmut run exited with {run.returncode}", file=sys.stderr)
        return 1
    subprocess.run([mutmut, "export-cicd-stats"], cwd=WORK, env=env, check=True)
    stats = json.loads((WORK / "mutants" / "mutmut-cicd-stats.json").read_text("utf-8"))
    results = subprocess.run(
        [mutmut, "results"], cwd=WORK, env=env, capture_output=True, text=True, check=False
    )
    survivors = [line.strip() for line in results.stdout.splitlines() if "survived" in line]
    (WORK / "survivors.txt").write_text("\n".join(survivors) + "\n", "utf-8")
    killed = stats["killed"] + stats["timeout"] + stats["segfault"]
    judged = killed + stats["survived"]
    print(f"\nmutants: {stats['total']} in all")
    for key in ("killed", "survived", "no_tests", "timeout", "suspicious", "skipped"):
        print(f"  {key:<10} {stats[key]}")
    rate = 100.0 * killed / judged if judged else 0.0
    print(f"kill rate: {killed}/{judged} = {rate:.1f}% of the mutants that some test runs")
    for module, (total, dead, alive, other) in per_module().items():
        share = f"{100.0 * dead / (dead + alive):.1f}%" if dead + alive else "-"
        print(f"  {module}: {total} mutants, {dead} killed, {alive} survived, {other} other", share)
    print(f"survivors: {WORK / 'survivors.txt'} (see one with: cd {WORK} && mutmut show NAME)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
