# 就业助手 jiuye — `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

export JIUYE_DATABASE_URL ?= sqlite:///./var/jiuye.db

.PHONY: run test lint typecheck pytest venv clean bench

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: venv
	mkdir -p var
	JIUYE_DEMO=1 JIUYE_CONFIG=deploy/jiuye.demo.toml $(BIN)/jiuye migrate
	JIUYE_DEMO=1 JIUYE_CONFIG=deploy/jiuye.demo.toml $(BIN)/jiuye demo --once
	JIUYE_DEMO=1 JIUYE_CONFIG=deploy/jiuye.demo.toml $(BIN)/jiuye serve --host $(HOST) --port $(PORT) --with-worker

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) var/*.db .pytest_cache .mypy_cache .ruff_cache
