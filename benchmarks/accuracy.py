"""Accuracy of the GRU forecaster against classical baselines on weatherAUS.

One command backtests every model with sktime's ``evaluate`` on the weatherAUS
panel (monthly mean temperature ``MedTemp`` of 44 Australian stations,
2009-01..2016-12) and writes, into ``--output-dir``:

- ``accuracy.csv``: one row per model x seed x fold x metric (long format);
- ``accuracy_summary.csv``: one row per model (the table below, unformatted);
- ``accuracy.md``: the Markdown table, the per-fold MASE and the definitions;
- ``accuracy.png``: bar chart of MAE and MASE per model.

Protocol
--------
``ExpandingWindowSplitter(fh=1..18, initial_window=96 - 18 - (folds - 1) * step,
step_length=step)``: with the defaults (6 rolling origins, step 6) the cutoffs
are 2012-12, 2013-06, 2013-12, 2014-06, 2014-12 and 2015-06, so the last fold
trains on 2009-01..2015-06 and forecasts 2015-07..2016-12 (the "reference
split"). Every fold refits every model. Reported: the mean over the 6 origins,
the mean over the last 3 (2014-06, 2014-12, 2015-06: the 3 folds this
benchmark had before) and the final fold alone.

Models (``--models``, comma separated; default all):

- ``gru``: ``GRUEncoderDecoderForecaster()`` with its defaults, ``random_state``
  set from ``--seeds`` (run once per seed), plus ``--gru-params``; one global
  network for all stations;
- ``gru_backbone``: the same with ``n_epochs=0``: the backbone alone, the
  untrained network;
- ``naive_last``: ``NaiveForecaster(strategy="last", sp=12)``, seasonal naive;
- ``naive_mean``: ``NaiveForecaster(strategy="mean", sp=12)``, per-month mean;
- ``autoarima``: ``StatsForecastAutoARIMA(sp=12)``;
- ``autoets``: ``StatsForecastAutoETS(season_length=12)``;
- ``autotheta``: ``StatsForecastAutoTheta(season_length=12,
  decomposition_type="additive")``;
- ``theta``: ``ThetaForecaster(sp=12, deseasonalize_model="additive")`` (sktime's
  classical Theta; needs statsmodels). Multiplicative deseasonalisation, the
  default of both Theta implementations, fails on sub-zero temperatures;
- ``harmonic``: harmonic regression per station, sktime's
  ``ForecastingPipeline([FourierFeatures(sp_list=[12],
  fourier_terms_list=[2]), YfromX(LinearRegression())])`` fed the time index
  (``sktime_gru.benchmarking._harmonic.HarmonicRegressionForecaster``).

Peer GRUs, only when named in ``--models`` (they need torch: the ``peers``
extra, ``make bench-peers``), one global network for all stations each, 18
months in like the tutorial and their libraries' defaults otherwise, seeded
from ``--seeds``:

- ``darts_gru``: darts ``RNNModel(model="GRU", input_chunk_length=18,
  training_length=36)``, autoregressive (one step, fed back);
- ``darts_block_gru``: darts ``BlockRNNModel(model="GRU", input_chunk_length=18,
  output_chunk_length=18)``;
- ``nf_gru``: sktime's ``NeuralForecastGRU(input_size=18)`` (neuralforecast).

darts has no sktime adapter for its networks: ``sktime_gru.benchmarking.
_darts.DartsRNNForecaster`` is a minimal one (per-series min-max scaling with
darts' ``Scaler`` on the training data, one model for the panel).

The classical models are per-station (sktime vectorises them over the panel).
A model whose soft dependency is missing (statsforecast, statsmodels) is skipped
with a printed note; a model that fails is reported (its own row, "failed")
and the others go on.

``--models`` with a subset of the default models (and otherwise the standard
protocol) re-runs those models only and merges them with the saved rows of
the others in ``benchmarks/results/accuracy.csv`` (saved rows of another
protocol, i.e. other cutoffs, are dropped with a note): the baselines are run
once, ``--models gru,gru_backbone`` re-runs the GRU rows.

Metrics (see ``sktime_gru.benchmarking.scoring``): sktime's metric classes on
each fold compute every score per station and average the 44 stations with equal
weight: MAE, RMSE (per-station RMSE, then averaged), MASE (per-station MAE over
the in-sample MAE of the station's seasonal naive forecast, lag 12, on the
fold's training data) and sMAPE (percent). The table averages the folds with
equal weight; for the GRU, the mean and standard deviation over seeds of those
fold averages. "final" columns: the last fold only. Fit and predict seconds are
``evaluate``'s ``fit_time`` / ``pred_time`` per fold (all stations), averaged
over folds.

Run ``python benchmarks/accuracy.py`` (10 to 20 minutes on 2 CPU cores, most of
it the GRU: 6 folds x 3 seeds), or ``--quick`` for a smoke run (GRU with 2
epochs, last fold only, one seed). Needs the benchmark extra for the
statsforecast models: ``pip install -e ".[benchmark]"``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

from sktime_gru.benchmarking import (  # noqa: E402
    DEFAULT_MODELS,
    MODELS,
    evaluate_long,
    expanding_splitter,
    fill_output_paths,
    fold_cutoffs,
    gru_params,
    machine_line,
    make_model,
    markdown_table,
    missing_dependencies,
    summarise,
    update_markdown_section,
)
from sktime_gru.benchmarking._holdout import (  # noqa: E402
    format_mean_std,
    resolve_run_args,
)
from sktime_gru.datasets import load_weather_au  # noqa: E402

HERE = Path(__file__).resolve().parent
HORIZON = 18
SEASONAL_PERIOD = 12
QUICK_EPOCHS = 2
DEFAULT_SEEDS = (0, 1, 2)
MARKDOWN_KEY = "accuracy"
DEFAULT_FOLDS = 6
#: the folds this benchmark had before it had 6 origins: reported on their own
LAST_FOLDS = 3
GRU_MODELS = ("gru", "gru_backbone")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Backtest the GRU and classical baselines on weatherAUS.",
    )
    parser.add_argument(
        "--models",
        default=",".join(DEFAULT_MODELS),
        help="comma-separated, default: %(default)s; also the peer GRUs "
        + ", ".join(m for m in MODELS if m not in DEFAULT_MODELS)
        + " (the 'peers' extra)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: GRU n_epochs={QUICK_EPOCHS}, last fold only, one seed",
    )
    parser.add_argument(
        "--folds", type=int, default=DEFAULT_FOLDS, help="default: %(default)s"
    )
    parser.add_argument(
        "--step", type=int, default=6, help="months between cutoffs (%(default)s)"
    )
    parser.add_argument(
        "--seeds",
        default=None,
        help="comma-separated GRU random_state values (default: 0,1,2; --quick: 0)",
    )
    parser.add_argument(
        "--gru-params",
        default="{}",
        help='JSON dict of GRU parameters, e.g. \'{"scaling": "per_series"}\'',
    )
    parser.add_argument(
        "--series",
        type=int,
        default=None,
        help="use only the first N stations (alphabetical; for smoke tests)",
    )
    parser.add_argument(
        "--output-dir",
        default=None,
        help="where the CSV/Markdown/PNG go (default: benchmarks/results for the "
        "standard run, benchmarks/results/quick or .../custom otherwise)",
    )
    parser.add_argument(
        "--benchmarks-md",
        default=None,
        help="Markdown file whose accuracy section is replaced (default: "
        "BENCHMARKS.md for the standard run only; '' disables)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar"
    )
    args = parser.parse_args(argv)

    resolve_run_args(parser, args, MODELS, DEFAULT_SEEDS)
    if "random_state" in args.gru_param_dict:
        parser.error("set the GRU's random_state with --seeds, not --gru-params")
    if args.quick:
        args.folds = 1
        args.gru_param_dict["n_epochs"] = QUICK_EPOCHS

    # a subset of the default models is standard too: it merges with the
    # saved rows of the others
    args.standard = (
        not args.quick
        and args.seeds is None
        and args.series is None
        and args.folds == DEFAULT_FOLDS
        and args.step == 6
        and not args.gru_param_dict
        and set(args.model_list) <= set(DEFAULT_MODELS)
    )
    args.merge = args.standard and args.model_list != DEFAULT_MODELS
    fill_output_paths(args, args.standard, HERE)
    return args


def _progress(total: int, disable: bool):
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is in the benchmark extra; run without a bar

        class _Quiet:
            def update(self, n=1):
                pass

            def set_description(self, text):
                print(text, flush=True)

            def close(self):
                pass

        return _Quiet()
    return tqdm(total=total, unit="fit", disable=disable, file=sys.stdout)


def gru_run_params(name: str, gru_params: dict) -> dict:
    """``--gru-params`` for ``gru``; the same without ``epochs`` for the backbone."""
    if name == "gru":
        return dict(gru_params)
    if name == "gru_backbone":
        return {k: v for k, v in gru_params.items() if k != "n_epochs"}
    return {}


def load_panel(n_series: int | None) -> pd.DataFrame:
    """Return the weatherAUS panel, optionally only its first ``n_series``."""
    y = load_weather_au()
    if n_series is not None:
        keep = y.index.get_level_values(0).unique().sort_values()[:n_series]
        y = y[y.index.get_level_values(0).isin(keep)]
    return y


def run(args: argparse.Namespace):
    """Backtest the selected models; return (long results, failures, context)."""
    y = load_panel(args.series)
    times = y.index.get_level_values(-1).unique().sort_values()
    cv = expanding_splitter(len(times), HORIZON, args.folds, args.step)
    cutoffs = [str(c) for c in fold_cutoffs(cv, times)]
    n_series = y.index.get_level_values(0).nunique()
    print(
        f"weatherAUS panel: {n_series} stations x {len(times)} months "
        f"({times[0]}..{times[-1]}); ExpandingWindowSplitter(initial_window="
        f"{cv.initial_window}, step_length={cv.step_length}, fh=1..{HORIZON}): "
        f"cutoffs {', '.join(cutoffs)}"
    )

    runnable, skipped = [], {}
    for name in args.model_list:
        missing = missing_dependencies(name)
        if missing:
            skipped[name] = f"missing dependency {', '.join(missing)}"
            extra = MODELS[name].extra
            print(
                f"note: skipping {name}: {skipped[name]} (pip install the "
                f"{extra} extra: pip install -e '.[{extra}]')"
            )
        else:
            runnable.append(name)

    units = [
        (name, seed)
        for name in runnable
        for seed in (args.seed_list if MODELS[name].seeded else [None])
    ]
    bar = _progress(len(units) * args.folds, disable=args.no_progress)
    frames, failures = [], dict(skipped)
    for name, seed in units:
        params = gru_run_params(name, args.gru_param_dict)
        label = name if seed is None else f"{name} seed={seed}"
        bar.set_description(f"{label} ({args.folds} folds)")
        done = []

        def tick(fold, done=done):
            done.append(fold)
            bar.update(1)

        try:
            forecaster = make_model(name, seed=seed, params=params)
            frames.append(
                evaluate_long(forecaster, y, cv, model=name, seed=seed, on_fold=tick)
            )
        except Exception as err:  # noqa: BLE001 - report and go on with the rest
            failures[name] = f"failed: {type(err).__name__}: {err}"
            print(f"\nnote: {label} {failures[name]}")
            bar.update(args.folds - len(done))
    bar.close()
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    context = {
        "n_series": int(n_series),
        "n_months": len(times),
        "first_month": str(times[0]),
        "last_month": str(times[-1]),
        "initial_window": int(cv.initial_window),
        "step_length": int(cv.step_length),
        "horizon": HORIZON,
        "cutoffs": cutoffs,
        "seeds": args.seed_list,
        "gru_params": args.gru_param_dict,
        "gru_effective": gru_params(args.gru_param_dict),
        "failures": failures,
    }
    return long, context


FULL_COLUMNS = {
    "MAE": ("MAE (°C)", 3),
    "RMSE": ("RMSE (°C)", 3),
    "MASE": ("MASE", 3),
    "sMAPE": ("sMAPE (%)", 2),
    "final_MAE": ("final-fold MAE", 3),
    "final_MASE": ("final-fold MASE", 3),
    "fit_s": ("fit s/fold", 2),
    "predict_s": ("predict s/fold", 3),
}
SHORT_COLUMNS = {
    "MAE": ("MAE (°C)", 3),
    "RMSE": ("RMSE (°C)", 3),
    "MASE": ("MASE", 3),
    "sMAPE": ("sMAPE (%)", 2),
}


def format_summary(
    summary: pd.DataFrame, failures: dict | None = None, columns: dict | None = None
) -> pd.DataFrame:
    """The summary as strings: ``mean ± std`` where a model ran several seeds.

    Models in ``failures`` (name -> why) that have no scores get a row of
    ``-`` with the reason in ``status``, so that every table shows them.
    """
    columns = columns or FULL_COLUMNS
    failures = {k: v for k, v in (failures or {}).items() if k not in summary.index}
    out = pd.DataFrame(index=summary.index)
    for key, (title, digits) in columns.items():
        out[title] = [
            format_mean_std(m, s, digits)
            for m, s in zip(summary[key], summary[f"{key}_std"])
        ]
    out["seeds"] = (
        summary["n_seeds"]
        .astype(int)
        .where([MODELS[m].seeded for m in summary.index], 0)
        .map(lambda n: str(n) if n else "-")
    )
    out["status"] = "ok"
    for name, why in failures.items():
        out.loc[name] = ["-"] * (len(out.columns) - 1) + [why.replace("|", "/")[:160]]
    out.index.name = "model"
    return out


def last_folds(long: pd.DataFrame, n: int = LAST_FOLDS) -> pd.DataFrame:
    """Rows of the last ``n`` folds of each model (``fold`` renumbered from 0)."""
    last = long.groupby("model")["fold"].transform("max")
    keep = long["fold"] > last - n
    out = long[keep].copy()
    out["fold"] = out["fold"] - (last[keep] - n + 1)
    return out


def merge_saved_runs(long: pd.DataFrame, failures: dict, out: Path, cutoffs: list):
    """Merge a ``--models`` subset with the saved rows of the other models.

    Saved rows with other cutoffs (another protocol) are dropped with a note.
    Returns the merged long frame and failures (those of re-run models are
    replaced by this run's).
    """
    from sktime_gru.benchmarking._holdout import merge_saved

    saved_path, context_path = out / "accuracy.csv", out / "accuracy_context.json"
    saved = pd.read_csv(saved_path) if saved_path.exists() else None
    saved_failures = (
        json.loads(context_path.read_text()).get("failures", {})
        if context_path.exists()
        else {}
    )
    rerun = set(long["model"]) if len(long) else set()
    rerun |= set(failures)
    if saved is not None:
        saved = saved[~saved["model"].isin(rerun)]
        same = saved.groupby("model")["cutoff"].agg(
            lambda c: list(dict.fromkeys(map(str, c))) == cutoffs
        )
        other = [m for m, ok in same.items() if not ok]
        if other:
            print(f"note: dropping saved rows of {other}: other cutoffs than {cutoffs}")
        saved = saved[saved["model"].isin([m for m, ok in same.items() if ok])]
        saved["seed"] = saved["seed"].astype("Int64")
    merged = merge_saved(saved, long) if len(long) else saved
    kept = {k: v for k, v in saved_failures.items() if k not in rerun}
    return merged, {**kept, **failures}


def _ordered(frame: pd.DataFrame, names: list) -> pd.DataFrame:
    order = [m for m in names if m in frame.index]
    return frame.loc[order + [m for m in frame.index if m not in order]]


def per_fold_table(long: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Model x cutoff table of ``metric`` (mean over seeds), as strings."""
    sub = long[long["metric"] == metric]
    table = sub.pivot_table(
        index="model", columns="cutoff", values="value", aggfunc="mean", sort=False
    )
    return table.map(lambda v: f"{v:.3f}")


def plot_summary(summary: pd.DataFrame, path: Path) -> Path:
    """Bar chart of MAE and MASE per model (error bars: std over seeds)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2)
    names = list(summary.index)
    x = np.arange(len(names))
    width = 0.4
    for ax, metric, unit in zip(axes, ("MAE", "MASE"), (" (°C)", "")):
        for shift, key, label, color in (
            (-width / 2, metric, "mean over folds", "C0"),
            (width / 2, f"final_{metric}", "final fold", "C1"),
        ):
            std = summary[f"{key}_std"].to_numpy(dtype=float)
            bars = ax.bar(
                x + shift,
                summary[key],
                width,
                color=color,
                label=label,
            )
            seeded = ~np.isnan(std)
            if seeded.any():
                ax.errorbar(
                    (x + shift)[seeded],
                    summary[key].to_numpy(dtype=float)[seeded],
                    yerr=std[seeded],
                    fmt="none",
                    ecolor="black",
                    elinewidth=1,
                    capsize=3,
                )
            ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
        ax.set_xticks(x, names, rotation=40, ha="right")
        ax.set_title(metric + unit, loc="left")
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    for ax in axes:
        ax.set_ylim(0, ax.get_ylim()[1] * 1.12)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
    fig.suptitle(
        "weatherAUS, 18-month horizon (lower is better); error bars: std over GRU seeds"
    )
    fig.savefig(path, dpi=110)
    return path


def render_markdown(
    long: pd.DataFrame,
    summary: pd.DataFrame,
    context: dict,
    command: str,
    wall_s: float,
) -> str:
    """The Markdown report: summary tables, per-fold MASE, definitions."""
    failures = context["failures"]
    n_folds = len(context["cutoffs"])
    table = markdown_table(format_summary(summary, failures))
    recent = summarise(last_folds(long))
    recent = _ordered(recent, list(summary.index))
    recent_table = markdown_table(format_summary(recent, failures, SHORT_COLUMNS))
    folds = markdown_table(per_fold_table(long, "MASE"))
    gru = {"random_state": "seed", **context["gru_params"]}
    lines = [
        "## Accuracy on the weatherAUS panel (`benchmarks/accuracy.py`)",
        "",
        f"Data: {context['n_series']} stations x {context['n_months']} months "
        f"({context['first_month']}..{context['last_month']}), column `MedTemp` "
        "(°C). sktime `evaluate` (refit per fold) with `ExpandingWindowSplitter("
        f"initial_window={context['initial_window']}, "
        f"step_length={context['step_length']}, fh=1..{context['horizon']})`: "
        f"cutoffs {', '.join(context['cutoffs'])}; the last fold forecasts the "
        "final 18 months from the history up to its cutoff (the reference split).",
        f"GRU: `GRUEncoderDecoderForecaster({_kwargs(gru)})`, seeds "
        f"{', '.join(map(str, context['seeds']))}; effective parameters: "
        + ", ".join(f"{k}={v!r}" for k, v in context["gru_effective"].items())
        + ".",
        "",
        f"Mean over all {n_folds} origins (final-fold columns: the last cutoff only):",
        "",
        table,
        "",
        f"Mean over the last {LAST_FOLDS} origins "
        f"({', '.join(context['cutoffs'][-LAST_FOLDS:])}; the folds this benchmark "
        "reported before it had 6 origins):",
        "",
        recent_table,
        "",
        "MASE per fold (columns: cutoff; GRU: mean over seeds):",
        "",
        folds,
        "",
        "How the numbers are obtained: sktime's metric classes score each fold "
        "per station and average the stations with equal weight: MAE; RMSE "
        "(each station's RMSE, then averaged, not pooled); MASE (station MAE "
        "divided by the in-sample MAE of that station's seasonal naive forecast, "
        "lag 12, on the fold's training data); sMAPE in percent "
        '(mean of 2|y-ŷ|/(|y|+|ŷ|)). Columns without "final" average the folds '
        'with equal weight; "final-fold" columns are the last fold only. '
        "`a ± b`: mean and standard deviation (ddof=1) over the GRU seeds of "
        "the per-seed values. fit / predict seconds: `evaluate`'s `fit_time` / "
        "`pred_time` per fold for the whole panel (classical models: one fit "
        "per station, sequential), averaged over folds.",
    ]
    if failures:
        lines += [
            "",
            "Not run or failed: " + "; ".join(f"{k}: {v}" for k, v in failures.items()),
        ]
    merged = context.get("merged_from_saved")
    lines += [
        "",
        f"Command: `{command}`; wall time {wall_s / 60:.1f} min ({context['machine']})"
        + (
            f"; rows of {', '.join(merged)} are saved rows of an earlier run of "
            "the same protocol (`benchmarks/results/accuracy.csv`)."
            if merged
            else "."
        ),
    ]
    return "\n".join(lines)


def _kwargs(params: dict) -> str:
    return ", ".join(
        f"{k}={v}" if k == "random_state" else f"{k}={v!r}" for k, v in params.items()
    )


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; return the long results, summary and written files."""
    args = parse_args(argv)
    command = "python benchmarks/accuracy.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    machine = machine_line(  # at the start: the source revision that runs
        ["sktime", "tensorflow", "keras", "pandas", "statsforecast"],
        memory=True,
    )
    start = time.perf_counter()
    long, context = run(args)
    wall_s = time.perf_counter() - start
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if args.merge:
        saved_context = out / "accuracy_context.json"
        saved_context = (
            json.loads(saved_context.read_text()) if saved_context.exists() else {}
        )
        new_models = set(long["model"]) if len(long) else set()
        long, context["failures"] = merge_saved_runs(
            long, context["failures"], out, context["cutoffs"]
        )
        context["merged_from_saved"] = [
            m for m in dict.fromkeys(long["model"]) if m not in new_models
        ]
        if "gru" not in args.model_list and "gru_effective" in saved_context:
            # the GRU rows are saved ones: describe the GRU they ran
            context["gru_params"] = saved_context["gru_params"]
            context["gru_effective"] = saved_context["gru_effective"]
    if long is None or not len(long):
        raise SystemExit("no model ran; see the notes above")
    if args.standard:
        # every table shows every default model
        for name in DEFAULT_MODELS:
            if name not in set(long["model"]) and name not in context["failures"]:
                context["failures"][name] = "not run yet"
    summary = _ordered(summarise(long), list(MODELS))

    files = {
        "csv": out / "accuracy.csv",
        "summary_csv": out / "accuracy_summary.csv",
        "context": out / "accuracy_context.json",
        "markdown": out / "accuracy.md",
        "png": out / "accuracy.png",
    }
    long.to_csv(files["csv"], index=False)
    summary.to_csv(files["summary_csv"])
    files["context"].write_text(json.dumps(context, indent=1, default=str) + "\n")
    context["machine"] = machine
    report = render_markdown(long, summary, context, command.strip(), wall_s)
    files["markdown"].write_text(report + "\n")
    plot_summary(summary, files["png"])
    if args.benchmarks_md:
        update_markdown_section(args.benchmarks_md, MARKDOWN_KEY, report)
        files["benchmarks_md"] = Path(args.benchmarks_md)

    print()
    print(format_summary(summary, context["failures"]).to_string())
    print(f"\nwall time {wall_s:.0f} s; wrote " + ", ".join(map(str, files.values())))
    return {"long": long, "summary": summary, "files": files, "context": context}


if __name__ == "__main__":
    main()
