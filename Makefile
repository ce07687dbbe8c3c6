# Two entry points that work on a fresh machine with Python 3.10+ and pip:
#   make demo   - the weatherAUS workflow on the shipped panel (metrics + PNG)
#   make test   - the whole test suite (unit, workflows, sktime conformance) on
#                 TensorFlow, then the non-slow tests on JAX (KERAS_BACKEND=jax)
#   make test-torch - the non-slow tests on PyTorch, in its own venv (.venv-torch)
# Each creates .venv and installs the package with what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# pytest-xdist workers; 2 matches the CI machine
WORKERS ?= 2

BENCH_VENV := .venv-bench
BENCH_BIN  := $(BENCH_VENV)/bin

# darts' and neuralforecast's GRUs need torch: their own venv. TORCH_SPEC is
# installed first so that pip does not pull a CUDA build of several GB; the
# default is the CPU wheel on our machines' disk (also for `make test-torch`;
# on PyPI the CPU build is torch==2.13.0+cpu), elsewhere use e.g.
#   make bench-peers TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cpu"
PEERS_VENV := .venv-peers
PEERS_BIN  := $(PEERS_VENV)/bin
TORCH_SPEC ?= torch==2.13.0
PEER_MODELS := gru,darts_gru,darts_block_gru,nf_gru,naive_mean,autoets

# M1 is not shipped (see benchmarks/m1.py): where our machines keep it
M1_PATH ?= ../shared/data/m1_monthly.csv.gz
# extra arguments for bench-m1 / bench-airline, e.g. ARGS="--models gru,gru_backbone"
ARGS ?=

# PyTorch backend: its own venv, the CPU wheel installed first (TORCH_SPEC)
TORCH_VENV := .venv-torch
TORCH_BIN  := $(TORCH_VENV)/bin


.PHONY: bench-budget demo test test-jax test-fast test-torch lint bench bench-m1 bench-airline bench-peers clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -e ".[test,jax]"
	touch $@

demo: $(VENV)/.installed-test
	$(BIN)/python examples/weather_au.py --output weather_au_forecast.png

# the whole suite on TensorFlow (the default backend), then every non-slow
# test on JAX (the sktime conformance suite too): each backend's run says in
# its skip reasons what it leaves out (31 min for the JAX part on 2 cores
# with another job running, 2026-12-04)
test: $(VENV)/.installed-test
	KERAS_BACKEND=tensorflow $(BIN)/python -m pytest -n $(WORKERS)
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n $(WORKERS) -m "not slow"

test-jax: $(VENV)/.installed-test
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n $(WORKERS) -m "not slow"

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(WORKERS) -m "not slow"

$(TORCH_VENV)/.installed-torch: pyproject.toml
	$(PYTHON) -m venv $(TORCH_VENV)
	$(TORCH_BIN)/python -m pip install --upgrade pip
	$(TORCH_BIN)/python -m pip install $(TORCH_SPEC)
	$(TORCH_BIN)/python -m pip install -e ".[test,torch]"
	touch $@

# the non-slow tests with KERAS_BACKEND=torch (CPU)
test-torch: $(TORCH_VENV)/.installed-torch
	KERAS_BACKEND=torch $(TORCH_BIN)/python -m pytest -n $(WORKERS) -m "not slow"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check sktime_gru tests examples benchmarks
	$(BIN)/ruff format --check sktime_gru tests examples benchmarks

# statsforecast needs pandas < 3: the benchmarks get their own venv
$(BENCH_VENV)/.installed-bench: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_BIN)/python -m pip install --upgrade pip
	$(BENCH_BIN)/python -m pip install -e ".[benchmark]"
	touch $@

# ~30 min on 2 cores; writes benchmarks/results/ and the sections of BENCHMARKS.md
bench: $(BENCH_VENV)/.installed-bench
	nice -n 10 $(BENCH_BIN)/python benchmarks/accuracy.py
	nice -n 10 $(BENCH_BIN)/python benchmarks/interval_coverage.py --origins
	nice -n 10 $(BENCH_BIN)/python benchmarks/tutorial_recipe.py
	nice -n 10 $(BENCH_BIN)/python benchmarks/speed.py

# M1's 617 monthly series, official and selection splits (baselines ~5 min
# each on 2 cores, plus AutoARIMA); GRU rows only: make bench-m1 ARGS="--models gru,gru_backbone"
bench-m1: $(BENCH_VENV)/.installed-bench
	nice -n 10 $(BENCH_BIN)/python benchmarks/m1.py --split official --m1-path $(M1_PATH) $(ARGS)
	nice -n 10 $(BENCH_BIN)/python benchmarks/m1.py --split selection --m1-path $(M1_PATH) $(ARGS)

# the training budget curve on M1's selection split (issue 20): budgets 0, 1, 4, 16
# (~15 min on 2 cores); x64 on request: make bench-budget ARGS="--budgets 64" (~1 h)
bench-budget: $(BENCH_VENV)/.installed-bench
	nice -n 10 $(BENCH_BIN)/python benchmarks/budget_curve.py --m1-path $(M1_PATH) $(ARGS)

# the airline data, official and selection splits (~2 min with the GRU)
bench-airline: $(BENCH_VENV)/.installed-bench
	nice -n 10 $(BENCH_BIN)/python benchmarks/airline.py --split official $(ARGS)
	nice -n 10 $(BENCH_BIN)/python benchmarks/airline.py --split selection $(ARGS)

$(PEERS_VENV)/.installed-peers: pyproject.toml
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_BIN)/python -m pip install --upgrade pip
	$(PEERS_BIN)/python -m pip install $(TORCH_SPEC)
	$(PEERS_BIN)/python -m pip install -e ".[peers]"
	touch $@

# ~25 min on 2 cores; writes benchmarks/results/peers/ (BENCHMARKS.md by hand)
bench-peers: $(PEERS_VENV)/.installed-peers
	nice -n 10 $(PEERS_BIN)/python benchmarks/accuracy.py --models $(PEER_MODELS) \
		--folds 3 --no-progress --output-dir benchmarks/results/peers

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(PEERS_VENV) $(TORCH_VENV) .pytest_cache build *.egg-info
