"""Accuracy on sktime's airline data (Box-Jenkins monthly passengers, 1949-1960).

``y = load_airline()``; split (``--split``):

- ``official`` (default): ``temporal_train_test_split(y, test_size=36)``: fit on
  1949-01..1957-12, forecast fh = 1..36 (1958-01..1960-12);
- ``selection``: the official test part is dropped and the last 36 months of
  the training part are held out instead (fit on 1949-01..1954-12, forecast
  1955-01..1957-12): what designs are chosen on.

Metrics: MAPE in percent (sktime's ``mean_absolute_percentage_error`` times
100), MASE (sktime's ``mean_absolute_scaled_error(y_test, y_pred,
y_train=y_train, sp=12)``: MAE over the in-sample MAE of the seasonal naive
forecast, lag 12) and sMAPE (percent); for models with intervals, the share of
the 36 test months inside the central 80% / 95% intervals of
``predict_interval(coverage=[0.8, 0.95])``. One series: no averaging over
series; the GRU's ``a ± b`` is mean and std (ddof=1) over seeds.

Models (``--models``, comma separated; default all):

- ``naive_seasonal``: ``NaiveForecaster(strategy="last", sp=12)``;
- ``theta``: ``ThetaForecaster(sp=12)`` (sktime, its default multiplicative
  deseasonalisation);
- ``autoets``: ``StatsForecastAutoETS(season_length=12)``;
- ``autoarima``: ``StatsForecastAutoARIMA(sp=12)``;
- ``gru``: ``GRUEncoderDecoderForecaster(random_state=seed)`` (defaults, plus
  ``--gru-params``), seeds ``--seeds`` (default 0, 1, 2);
- ``gru_backbone``: the same with ``n_epochs=0`` (the untrained network).

A model that fails is reported as failed, and the others go on. Results go to
``benchmarks/results/airline/`` (``airline_<split>_runs.csv``,
``airline_<split>.md``) and the ``airline_<split>`` section of BENCHMARKS.md;
``--models`` re-runs only those models and keeps the saved rows of the others
(``--models gru,gru_backbone`` re-runs the GRU rows).

    python benchmarks/airline.py [--split selection] [--models gru,gru_backbone]
    python benchmarks/airline.py --quick     # GRU with 2 epochs, one seed

Needs the benchmark extra (statsforecast, statsmodels).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sktime_gru.benchmarking import (  # noqa: E402
    ModelSpec,
    fill_output_paths,
    machine_line,
    markdown_table,
)
from sktime_gru.benchmarking._holdout import (  # noqa: E402
    command_line,
    format_holdout_table,
    resolve_run_args,
    run_models,
    runs_provenance,
    save_and_report,
    smape,
)

HERE = Path(__file__).resolve().parent
HORIZON = 36
SP = 12
LEVELS = (0.8, 0.95)
DEFAULT_SEEDS = (0, 1, 2)
QUICK_EPOCHS = 2
_GRU = "sktime_gru.forecaster:GRUEncoderDecoderForecaster"

MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in [
        ModelSpec(
            "naive_seasonal",
            "sktime.forecasting.naive:NaiveForecaster",
            {"strategy": "last", "sp": SP},
            label="seasonal naive",
        ),
        ModelSpec(
            "theta",
            "sktime.forecasting.theta:ThetaForecaster",
            {"sp": SP},
            label="Theta (sktime)",
        ),
        ModelSpec(
            "autoets",
            "sktime.forecasting.statsforecast:StatsForecastAutoETS",
            {"season_length": SP},
            label="AutoETS (statsforecast)",
        ),
        ModelSpec(
            "autoarima",
            "sktime.forecasting.statsforecast:StatsForecastAutoARIMA",
            {"sp": SP},
            label="AutoARIMA (statsforecast)",
        ),
        ModelSpec("gru", _GRU, {}, seeded=True, label="GRU (defaults)"),
        ModelSpec(
            "gru_backbone",
            _GRU,
            {"n_epochs": 0},
            seeded=True,
            label="GRU backbone (n_epochs=0, untrained)",
        ),
    ]
}
GRUS = {"gru", "gru_backbone"}
COLUMNS = {
    "MAPE": ("MAPE (%)", 2),
    "MASE": ("MASE", 3),
    "sMAPE": ("sMAPE (%)", 2),
    "cov80_series": ("80% coverage (%)", 1),
    "cov95_series": ("95% coverage (%)", 1),
    "fit_s": ("fit s", 2),
    "predict_s": ("predict s", 3),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description="Baselines and the GRU on airline.")
    parser.add_argument(
        "--split", choices=("official", "selection"), default="official"
    )
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--seeds", default=None, help="GRU seeds (default 0,1,2)")
    parser.add_argument("--gru-params", default="{}", help="JSON dict for the GRU")
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--output-dir", default=None)
    parser.add_argument("--benchmarks-md", default=None)
    args = parser.parse_args(argv)
    resolve_run_args(parser, args, MODELS, DEFAULT_SEEDS)
    if args.quick:
        args.gru_param_dict.setdefault("n_epochs", QUICK_EPOCHS)
    args.standard = not args.quick and args.seeds is None and not args.gru_param_dict
    fill_output_paths(args, args.standard, HERE, name="airline")
    return args


def split_airline(split: str = "official") -> tuple[pd.Series, pd.Series]:
    """Training and test parts of the airline data for ``split``."""
    from sktime.datasets import load_airline
    from sktime.split import temporal_train_test_split

    y = load_airline()
    y_train, y_test = temporal_train_test_split(y, test_size=HORIZON)
    if split == "selection":
        y_train, y_test = temporal_train_test_split(y_train, test_size=HORIZON)
    elif split != "official":
        raise ValueError(f"split must be 'official' or 'selection', got {split!r}")
    return y_train, y_test


def score(y_train, y_test, y_pred, intervals=None) -> dict:
    """MAPE (%), MASE, sMAPE (%) and interval coverage (%) of one forecast."""
    from sktime.performance_metrics.forecasting import (
        mean_absolute_percentage_error,
        mean_absolute_scaled_error,
    )

    y_pred = pd.Series(np.asarray(y_pred, float).ravel(), index=y_test.index)
    row = {
        "MAPE": 100.0 * mean_absolute_percentage_error(y_test, y_pred),
        "MASE": float(
            mean_absolute_scaled_error(y_test, y_pred, y_train=y_train, sp=SP)
        ),
        "sMAPE": smape(y_test.to_numpy(), y_pred.to_numpy()),
    }
    if intervals is not None:
        actual = y_test.to_numpy()
        for level in LEVELS:
            lo = intervals.xs((level, "lower"), axis=1, level=(1, 2)).to_numpy().ravel()
            hi = intervals.xs((level, "upper"), axis=1, level=(1, 2)).to_numpy().ravel()
            inside = (actual >= lo) & (actual <= hi)
            # one series: per-series and pooled coverage are the same number
            row[f"cov{round(level * 100)}_series"] = 100.0 * float(inside.mean())
    return row


def run_model(name: str, seed, y_train, y_test, gru_params: dict) -> dict:
    """Fit one model, forecast fh=1..36; its scores and timings."""
    spec = MODELS[name]
    params = dict(spec.params)
    if name == "gru":
        params.update(gru_params)
    elif name == "gru_backbone":
        params.update({k: v for k, v in gru_params.items() if k != "n_epochs"})
    if spec.seeded:
        params[spec.seed_param] = seed
    forecaster = spec.load_class()(**params)
    fh = np.arange(1, HORIZON + 1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The default of config")
        start = time.perf_counter()
        forecaster.fit(y_train, fh=fh)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        y_pred = forecaster.predict()
        predict_s = time.perf_counter() - start
        intervals = None
        if forecaster.get_tag("capability:pred_int", False):
            intervals = forecaster.predict_interval(coverage=list(LEVELS))
    return {
        **score(y_train, y_test, y_pred, intervals),
        "fit_s": fit_s,
        "predict_s": predict_s,
        # how much of the network the backtest kept (0: the backbone alone)
        "departure_weight": float(getattr(forecaster, "departure_weight_", np.nan)),
    }


def run(args) -> tuple[pd.DataFrame, dict]:
    """Run the selected models; one row per model x seed."""
    y_train, y_test = split_airline(args.split)
    print(
        f"airline, split={args.split}: train {y_train.index[0]}..{y_train.index[-1]}"
        f" ({len(y_train)}), test {y_test.index[0]}..{y_test.index[-1]}",
        flush=True,
    )

    def run_one(name, seed, row):
        row.update(run_model(name, seed, y_train, y_test, args.gru_param_dict))

    runs, _ = run_models(args.model_list, args.seed_list, GRUS, run_one)
    context = {
        "split": args.split,
        "train": f"{y_train.index[0]}..{y_train.index[-1]}",
        "test": f"{y_test.index[0]}..{y_test.index[-1]}",
        "seeds": args.seed_list,
        "gru_params": args.gru_param_dict,
    }
    return runs, context


def format_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as strings (``mean ± std`` over seeds)."""
    labels = {name: spec.label for name, spec in MODELS.items()}
    return format_holdout_table(summary, labels, GRUS, COLUMNS, pooled=False)


def render_markdown(summary: pd.DataFrame, context: dict, runs: pd.DataFrame) -> str:
    """The Markdown section of one split."""
    split = context["split"]
    gru = ", ".join(
        f"{k}={v}" for k, v in {"random_state": "seed", **context["gru_params"]}.items()
    )
    what = (
        "`temporal_train_test_split(y, test_size=36)`"
        if split == "official"
        else "the official test part (1958-1960) dropped, the last 36 months of "
        "the training part held out"
    )
    return "\n".join(
        [
            f"## Airline passengers, {split} split (`benchmarks/airline.py "
            f"--split {split}`)",
            "",
            f"sktime `load_airline()`; {what}: fit on {context['train']}, forecast "
            f"fh = 1..36 ({context['test']}).",
            "",
            markdown_table(format_table(summary)),
            "",
            "How the numbers are obtained: MAPE = sktime's "
            "`mean_absolute_percentage_error` x 100; MASE = sktime's "
            "`mean_absolute_scaled_error(y_test, y_pred, y_train=y_train, sp=12)` "
            "(MAE over the in-sample MAE of the seasonal naive forecast, lag 12); "
            "sMAPE = mean of 200|y-ŷ|/(|y|+|ŷ|); coverage = share of the 36 test "
            "months inside the central 80% / 95% interval of "
            "`predict_interval(coverage=[0.8, 0.95])` (models without intervals: "
            "n/a). fit / predict s: wall time of `fit` / `predict`. GRU: "
            f"`GRUEncoderDecoderForecaster({gru})` (backbone: `n_epochs=0`); "
            "`a ± b`: mean and std (ddof=1) over seeds "
            f"{', '.join(map(str, context['seeds']))}. Rows may come from "
            "different runs (`--models` merges with saved rows): see "
            f"`benchmarks/results/airline/airline_{split}_runs.csv`.",
            "",
            runs_provenance(runs),
        ]
    )


def main(argv: list[str] | None = None) -> dict:
    """Run, merge with saved rows of other models, write CSV / Markdown."""
    args = parse_args(argv)
    command = command_line("benchmarks/airline.py", argv)
    machine = machine_line(  # at the start: the source revision that runs
        ["sktime", "statsforecast", "statsmodels", "tensorflow"]
    )
    runs, context = run(args)
    return save_and_report(
        args,
        f"airline_{args.split}",
        runs,
        command=command,
        machine=machine,
        order=list(MODELS),
        render=lambda summary, runs: render_markdown(summary, context, runs),
        format_table=format_table,
    )


if __name__ == "__main__":
    main()
