# SpeechLens: `make run` opens the dashboard, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test unit app e2e bench chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/python scripts/serve.py --server.port $(PORT) --server.address 127.0.0.1

test: $(VENV)/.installed chromium
	$(BIN)/python -m pytest

unit app e2e: $(VENV)/.installed
	$(BIN)/python -m pytest tests/$@

bench: $(VENV)/.installed chromium
	$(BIN)/python bench/dashboard_speed.py

chromium:
	@bash scripts/ensure-chromium

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
