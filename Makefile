# lyrad developer commands. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
PYTEST_ARGS ?=
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv engine run test lint typecheck unit soak online bench lock sim clean

help: ## list every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# The environment: built from a bare python3, rebuilt only when the lock or pyproject changes.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -r $(LOCK)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## create or update .venv from the lock

# The sim engine compiled with mypyc (lyrad/sim/engine/native.py); a no-op when current, and
# the interpreted engine, with one line saying why, where nothing can be compiled.
engine: $(STAMP) ## compile the sim engine (mypyc) unless its build is current
	@$(BIN)/python -m lyrad.sim.build_engine

run: engine ## run the daemon (paper trading on the embedded sim); ARGS="--config FILE"
	$(BIN)/lyrad run $(ARGS)

test: engine ## the whole check: ruff, ruff format, mypy --strict, pytest
	@deploy/dev-deps.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check and ruff format --check only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy --strict over lyrad and tests
	$(BIN)/mypy

unit: engine ## unit tests only (fast)
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

soak: engine ## long soak and chaos runs (marker soak)
	$(BIN)/pytest -m soak $(PYTEST_ARGS)

online: engine ## opt-in tests against real exchanges (marker online; needs credentials)
	$(BIN)/pytest -m online $(PYTEST_ARGS)

bench: engine ## every benchmark, each printed beside its baseline
	$(BIN)/python -m bench $(ARGS)

sim: engine ## run a standalone simulated exchange; ARGS="--scenario flash_crash"
	$(BIN)/lyrad sim $(ARGS)

lock: ## re-resolve and pin every dependency into requirements.lock
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q --disable-pip-version-check 'setuptools>=75' -e '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude-editable --all | grep -v -E '^(pip|lyrad)==' > $(LOCK)
	rm -rf .venv-lock

clean: ## remove the environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis lyrad/sim/engine/_native*
