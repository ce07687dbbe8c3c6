"""Overhead of many small fits: a 2 x 2 grid search on 3 weatherAUS stations.

sktime's ``ForecastingGridSearchCV`` over ``units`` in {8, 16} (changes the
network's structure: its own traced train step and predictor) x
``learning_rate`` in {1e-3, 1e-2} (does not change the network), 3 folds of
an ``ExpandingWindowSplitter`` (initial window 60 months, step 6, fh 1..6) on
the first 3 stations of the shipped weatherAUS panel up to 2015-06 (78
months), ``n_epochs=1``, ``window_length=12`` and the other defaults
(``ensemble_size=3``, backtest calibration); then sktime's two refits of the
best candidate on all 78 months (``best_forecaster_`` and
``n_best_forecasters_``): 4 candidates x 3 folds + 2 = 14 fits.

What is timed, inside the one process (``time.perf_counter``), by wrapping
the forecaster's steps in this process only:

- ``fit``: each ``GRUEncoderDecoderForecaster.fit`` call (sktime's checks
  included);
- ``prologue``: assembling, backbone selection and encoding;
- ``backtest``: the backtest network (build, train, forecast its residuals);
- ``members``: building and training the ensemble members and averaging;
- ``predict``: each ``predict`` call of the grid's scoring.

A fit is the first of its network structure when it made a new cached trainer
(``sktime_gru._graph_cache``): it traces the train step and the predictor,
which the later fits of that structure reuse. Tracing/compile cost is
estimated as the median first fit minus the median later fit. TensorFlow's
"triggered tf.function retracing" warnings of the run are counted.

Results: ``grid_overhead.json`` and ``grid_overhead.md`` in ``--output-dir``;
``--label`` names the run (``before`` / ``after`` a change): the JSON keeps one
entry per label, and the Markdown shows them all. A standard run (no
``--quick``) also updates a section of ``BENCHMARKS.md``. ``--quick``: 1 fold,
2 candidates, no refit (a smoke run; numbers not comparable).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

HERE = Path(__file__).resolve().parent
MARKDOWN_KEY = "grid_overhead"
LAST_TRAIN = pd.Period("2015-06", freq="M")
PHASES = ("prologue", "backtest", "members")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description="Overhead of a small grid search.")
    p.add_argument("--quick", action="store_true", help="short smoke run")
    p.add_argument("--label", default="current", help="name of this run")
    p.add_argument("--output-dir", default=None)
    p.add_argument("--benchmarks-md", default=None)
    p.add_argument(
        "--from-json",
        action="store_true",
        help="only render the existing grid_overhead.json (no measurements)",
    )
    args = p.parse_args(argv)
    from sktime_gru.benchmarking import fill_output_paths

    fill_output_paths(args, not args.quick, HERE)
    return args


def small_panel(n_series: int = 3) -> pd.DataFrame:
    """The first ``n_series`` stations of weatherAUS up to 2015-06."""
    from sktime_gru.datasets import load_weather_au

    y = load_weather_au()
    keep = y.index.get_level_values(0).unique()[:n_series]
    y = y[y.index.get_level_values(0).isin(keep)]
    return y[y.index.get_level_values(-1) <= LAST_TRAIN]


@contextlib.contextmanager
def instrumented(record: dict):
    """Time the forecaster's steps and count new trainers while inside."""
    from sktime_gru import _graph_cache
    from sktime_gru import forecaster as module

    cls = module.GRUEncoderDecoderForecaster
    saved = {
        "fit": cls.fit,
        "predict": cls.predict,
        "prologue": module.prologue,
        "backtest_residuals": module.backtest_residuals,
        "train_ensemble": module.train_ensemble,
        "_new_trainer": _graph_cache._new_trainer,
        "_new_predictor": _graph_cache._new_predictor,
    }
    current: dict = {}

    def timed(name, func):
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                current[name] = current.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    def counted(name, func):
        def wrapper(*a, **k):
            current[name] = current.get(name, 0) + 1
            return func(*a, **k)

        return wrapper

    def fit(self, y, X=None, fh=None):
        current.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = saved["fit"](self, y, X=X, fh=fh)
        row = {
            "units": self.units,
            "learning_rate": self.learning_rate,
            "n_rows": len(y),
            "fit_s": time.perf_counter() - start,
            "fit_cpu_s": time.process_time() - start_cpu,
            "departure_weight": float(self.departure_weight_),
            **{k: v for k, v in current.items()},
        }
        record["fits"].append(row)
        return result

    def predict(self, fh=None, X=None):
        start = time.perf_counter()
        result = saved["predict"](self, fh=fh, X=X)
        record["predicts"].append(time.perf_counter() - start)
        return result

    cls.fit = fit
    cls.predict = predict
    module.prologue = timed("prologue", saved["prologue"])
    module.backtest_residuals = timed("backtest", saved["backtest_residuals"])
    module.train_ensemble = timed("members", saved["train_ensemble"])
    _graph_cache._new_trainer = counted("new_trainers", saved["_new_trainer"])
    _graph_cache._new_predictor = counted("new_predictors", saved["_new_predictor"])
    try:
        yield
    finally:
        cls.fit, cls.predict = saved["fit"], saved["predict"]
        module.prologue = saved["prologue"]
        module.backtest_residuals = saved["backtest_residuals"]
        module.train_ensemble = saved["train_ensemble"]
        _graph_cache._new_trainer = saved["_new_trainer"]
        _graph_cache._new_predictor = saved["_new_predictor"]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def run_grid(quick: bool) -> dict:
    """Run the grid search once; return the timings."""
    from sktime.forecasting.model_selection import ForecastingGridSearchCV
    from sktime.split import ExpandingWindowSplitter

    from sktime_gru import GRUEncoderDecoderForecaster

    y = small_panel()
    fh = list(range(1, 7))
    n_folds = 1 if quick else 3
    n_months = y.index.get_level_values(-1).nunique()
    cv = ExpandingWindowSplitter(
        fh=fh, initial_window=n_months - 6 * n_folds, step_length=6
    )
    grid = {"units": [8, 16], "learning_rate": [1e-3, 1e-2]}
    if quick:
        grid = {"units": [8], "learning_rate": [1e-3, 1e-2]}
    forecaster = GRUEncoderDecoderForecaster(
        window_length=12, n_epochs=1, random_state=0
    )
    search = ForecastingGridSearchCV(
        forecaster,
        cv=cv,
        param_grid=grid,
        refit=not quick,
        error_score="raise",
        backend=None,  # in this process: what is measured is reuse within it
    )
    record: dict = {"fits": [], "predicts": []}
    collect = _Collect()
    tf_logger = logging.getLogger("tensorflow")
    tf_logger.addHandler(collect)
    start = time.perf_counter()
    try:
        with instrumented(record), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search.fit(y, fh=fh)
    finally:
        tf_logger.removeHandler(collect)
    record["total_s"] = time.perf_counter() - start
    texts = collect.messages + [str(w.message) for w in caught]
    record["retracing_warnings"] = sum("retracing" in t for t in texts)
    record["n_candidates"] = len(grid["units"]) * len(grid["learning_rate"])
    record["n_folds"] = n_folds
    record["best_params"] = {k: float(v) for k, v in search.best_params_.items()}
    return record


def summarise(record: dict) -> dict:
    """Medians of the fits: all, first of a structure, later ones; phases."""
    fits = record["fits"]
    first = [f for f in fits if f.get("new_trainers", 0)]
    later = [f for f in fits if not f.get("new_trainers", 0)]

    def median(rows, key):
        values = [r.get(key, 0.0) for r in rows]
        return statistics.median(values) if values else None

    out = {
        "n_fits": len(fits),
        "n_first_fits": len(first),
        "fit_s_median": median(fits, "fit_s"),
        "fit_s_mean": statistics.mean(f["fit_s"] for f in fits) if fits else None,
        "predicts_total_s": sum(record["predicts"]),
        "first_fit_s_median": median(first, "fit_s"),
        "later_fit_s_median": median(later, "fit_s"),
        "later_fit_cpu_s_median": median(later, "fit_cpu_s")
        if all("fit_cpu_s" in f for f in later)
        else None,
        "predict_s_median": statistics.median(record["predicts"])
        if record["predicts"]
        else None,
        "predict_s_max": max(record["predicts"], default=None),
        "total_s": record["total_s"],
        "retracing_warnings": record["retracing_warnings"],
        "new_trainers": sum(f.get("new_trainers", 0) for f in fits),
        "new_predictors": sum(f.get("new_predictors", 0) for f in fits),
    }
    for phase in PHASES:
        out[f"later_{phase}_s_median"] = median(later, phase)
    if first and later:
        tracing = out["first_fit_s_median"] - out["later_fit_s_median"]
        out["tracing_s_estimate"] = tracing
    if later:
        accounted = sum(out[f"later_{p}_s_median"] for p in PHASES)
        out["later_other_s_median"] = out["later_fit_s_median"] - accounted
    return out


def _fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"


def render_markdown(results: dict) -> str:
    """One table row per labelled run."""
    from sktime_gru.benchmarking import markdown_table

    rows = []
    for label, run in results["runs"].items():
        s = summarise(run["record"])
        rows.append(
            {
                "run": label + (f" ({run['git']})" if run["git"] else ""),
                "fits": s["n_fits"],
                "s/fit median": _fmt(s["fit_s_median"]),
                "s/fit mean": _fmt(s["fit_s_mean"]),
                "first fit of a structure s": _fmt(s["first_fit_s_median"]),
                "later fits s": _fmt(s["later_fit_s_median"]),
                "later fits CPU s": _fmt(s.get("later_fit_cpu_s_median")),
                "of which backtest s": _fmt(s.get("later_backtest_s_median")),
                "members s": _fmt(s.get("later_members_s_median")),
                "prologue s": _fmt(s.get("later_prologue_s_median")),
                "other s": _fmt(s.get("later_other_s_median")),
                "predict s": _fmt(s["predict_s_median"], 3),
                "slowest predict s": _fmt(s["predict_s_max"]),
                "tracing s (est.)": _fmt(s.get("tracing_s_estimate")),
                "all predicts s": _fmt(s["predicts_total_s"], 1),
                "grid total s": _fmt(s["total_s"], 1),
                "retracing warnings": s["retracing_warnings"],
            }
        )
    table = markdown_table(pd.DataFrame(rows), index=False)
    return "\n".join(
        [
            "## Overhead of many small fits (`benchmarks/grid_overhead.py`)",
            "",
            table,
            "",
            "sktime `ForecastingGridSearchCV` over `units` {8, 16} (changes the "
            "network structure) x `learning_rate` {1e-3, 1e-2} (does not), 3 "
            "folds (`ExpandingWindowSplitter`, initial window 60 months, step 6, "
            "fh 1..6) on 3 weatherAUS stations (2009-01..2015-06), "
            "`window_length=12, n_epochs=1`, other parameters default "
            "(`ensemble_size=3`, backtest calibration), then sktime's two "
            "refits of the best candidate: 14 fits in one fresh process (`backend="
            "None`). Medians over the fits; "
            "first fit of a structure: a fit that made a new cached trainer "
            "(traces train step and predictor); later fits: the others, split "
            "into backtest network, ensemble members, prologue (backbone "
            "selection, encoding) and other (sktime's checks, residuals, "
            "bookkeeping). predict: one `predict` of the grid's scoring (slowest: "
            "one that traced a new predictor). "
            "Tracing: median first fit - median later fit. CPU: process CPU "
            "time, all threads. Timings on a shared 2-core machine with other "
            "jobs running: noisy, medians only; runs that are compared ran "
            "alternately, the source of each in its label.",
            "",
            "; ".join(
                f"{label}: {run['machine']}" for label, run in results["runs"].items()
            ),
        ]
    )


def main(argv: list[str] | None = None) -> dict:
    """Run the grid, record it under ``--label``, write JSON and Markdown."""
    args = parse_args(argv)
    from sktime_gru.benchmarking import machine_info, update_markdown_section
    from sktime_gru.benchmarking._report import machine_line

    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "grid_overhead.json"
    results = json.loads(path.read_text()) if path.exists() else {"runs": {}}
    if not args.from_json:
        record = run_grid(args.quick)
        command = "python benchmarks/grid_overhead.py " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        results["runs"][args.label] = {
            "command": command.strip(),
            "git": machine_info()["git"],
            "machine": machine_line(["sktime", "keras", "tensorflow"]),
            "summary": summarise(record),
            "record": record,
        }
        path.write_text(json.dumps(results, indent=2) + "\n")
    report = render_markdown(results)
    (out / "grid_overhead.md").write_text(report + "\n")
    if args.benchmarks_md:
        update_markdown_section(args.benchmarks_md, MARKDOWN_KEY, report)
    print(report)
    return results


if __name__ == "__main__":
    main()
