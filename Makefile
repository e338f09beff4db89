# Two commands on a fresh machine with only python3:  make demo  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CONSTRAINTS := constraints-dev.txt
#: The engine modules `make mutate` mutates (one place to change when modules move).
MUTATE_MODULES ?= reorg_cli/engine/timeline.py reorg_cli/engine/compiler.py reorg_cli/engine/compiler_roles.py reorg_cli/engine/compiler_state.py reorg_cli/engine/facts.py reorg_cli/engine/state.py reorg_cli/engine/diff.py reorg_cli/engine/results.py reorg_cli/engine/results_over_time.py reorg_cli/engine/diffapply.py reorg_cli/events/dates.py

.PHONY: help demo test lint typecheck unit-tests fmt bench bench-publish fuzz explore mutate clean install synth

help:
	@echo "make demo       set up .venv and show the org on 2026-04-08 and the April 8 diff"
	@echo "make test       set up .venv, run ruff, mypy --strict and the whole test suite"
	@echo "make bench      run the benchmarks and write docs/performance.md"
	@echo "make bench-publish  measure only the published page (its section of docs/performance.md)"
	@echo "make fuzz       fuzz the event-file loader (FUZZ_SECONDS=600)"
	@echo "make synth      SIZE=N OUT=DIR: write a synthetic history of N events"
	@echo "make explore    property tests with random seeds for EXPLORE_MINUTES (default 10)"
	@echo "make mutate     mutation testing of the engine (MUTATE_MODULES), prints the kill rate"
	@echo "make fmt        format the code"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The dev toolchain is pinned in $(CONSTRAINTS); runtime dependencies keep their ranges.
$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/reorg show --at 2026-04-08
	$(BIN)/reorg diff 2026-04-07 2026-04-08

lint: $(STAMP)
	$(BIN)/ruff check reorg_cli tests tools benchmarks
	$(BIN)/ruff format --check reorg_cli tests tools benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/lint-imports

unit-tests: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit-tests

fmt: $(STAMP)
	$(BIN)/ruff format reorg_cli tests tools benchmarks
	$(BIN)/ruff check --fix reorg_cli tests tools benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-publish: $(STAMP)
	$(BIN)/python benchmarks/run.py --publish-only

# A deterministic synthetic history (not shipped): make synth SIZE=100000 OUT=/tmp/history
synth: $(STAMP)
	$(BIN)/python -m tools.synth "$(OUT)" "$(SIZE)" $(if $(SEED),--seed $(SEED))

fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet atheris
	$(BIN)/python tests/fuzz/fuzz_loader.py -max_total_time=$${FUZZ_SECONDS:-600} -rss_limit_mb=2048 tests/fuzz/corpus

explore: $(STAMP)
	$(BIN)/python tests/explore.py

mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) mutmut
	$(BIN)/python tests/mutate.py $(MUTATE_MODULES)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build/mutate
