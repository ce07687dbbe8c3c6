# Two entry points that work on a fresh machine with Python 3.10+ and pip:
#   make demo   - the weatherAUS workflow on the shipped panel (metrics + PNG)
#   make test   - the whole test suite (unit, workflows, sktime conformance)
# Each creates .venv and installs the package with what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# pytest-xdist workers; 2 matches the CI machine
WORKERS ?= 2

BENCH_VENV := .venv-bench
BENCH_BIN  := $(BENCH_VENV)/bin

.PHONY: demo test test-fast lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -e ".[test]"
	touch $@

demo: $(VENV)/.installed-test
	$(BIN)/python examples/weather_au.py --output weather_au_forecast.png

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(WORKERS)

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(WORKERS) -m "not slow"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check sktime_gru tests examples benchmarks
	$(BIN)/ruff format --check sktime_gru tests examples benchmarks

# statsforecast needs pandas < 3: the benchmarks get their own venv
$(BENCH_VENV)/.installed-bench: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/python -m pip install --upgrade pip
	$(BENCH_BIN)/python -m pip install -e ".[benchmark]"
	touch $@

# ~20 min on 2 cores; writes benchmarks/results/ and the sections of BENCHMARKS.md
bench: $(BENCH_VENV)/.installed-bench
	nice -n 10 $(BENCH_BIN)/python benchmarks/accuracy.py
	nice -n 10 $(BENCH_BIN)/python benchmarks/tutorial_recipe.py
	nice -n 10 $(BENCH_BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache build *.egg-info
