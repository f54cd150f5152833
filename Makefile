# 反诈哨兵 — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Python 3.11 or newer is needed")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

run: setup
	$(BIN)/python -m bot.scripts.serve

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/ruff check bot tests wsgi.py $(wildcard bench)

lint: setup
	$(BIN)/ruff check bot tests wsgi.py $(wildcard bench)
	$(BIN)/python -m bot.scripts.lint_patterns

bench: setup
	$(BIN)/python -m bot.scripts.bench_webhook

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
