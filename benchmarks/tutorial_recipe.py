"""The reference tutorial's own recipe, reproduced through our parameters.

The tutorial trains its network once on the first 60 months (2009-01..2013-12)
of the weatherAUS panel, 18 months in -> 18 months out, with one global MinMax
scaler, 50 epochs and batch size 32; to forecast the final 18 months
(2015-07..2016-12) it feeds the network the 18 months up to 2015-06 without
training again. With ``GRUEncoderDecoderForecaster`` that is (the options the
tutorial does not have switched off; see
``sktime_gru.benchmarking.tutorial_params``)::

    f = GRUEncoderDecoderForecaster(window_length=18, output_length=18,
                                    scaling="global", n_epochs=50, batch_size=32,
                                    seasonal_period=None, deseasonalize=False,
                                    random_state=seed)
    f.fit(y_2009_01_to_2013_12)
    f.update(y_up_to_2015_06, update_params=False)  # move the window, no training
    f.predict(fh=range(1, 19))

Scores on the final 18 months, per station then averaged over the 44 stations
(as in ``accuracy.py``): MAE, RMSE, sMAPE (%), and MASE scaled by each station's
in-sample seasonal naive MAE (lag 12) on its history up to 2015-06, the data the
forecaster has seen when it forecasts, i.e. the same scale as the last fold of
``accuracy.py``. ``MASE_scale_fit`` uses the 60 fitting months as the scale
instead, for comparison. Mean and std over ``--seeds``.

Writes ``tutorial_recipe.csv`` and ``tutorial_recipe.md`` into ``--output-dir``
and prints the table. About 30 s per seed on 2 CPU cores.
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

from sktime_gru import GRUEncoderDecoderForecaster  # noqa: E402
from sktime_gru.benchmarking import (  # noqa: E402
    fill_output_paths,
    machine_info,
    markdown_table,
    scoring,
    tutorial_params,
    update_markdown_section,
)
from sktime_gru.datasets import load_weather_au  # noqa: E402

HERE = Path(__file__).resolve().parent
FIT_END = pd.Period("2013-12", freq="M")
FORECAST_FROM = pd.Period("2015-06", freq="M")
HORIZON = 18
SEASONAL_PERIOD = 12
MARKDOWN_KEY = "tutorial_recipe"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2", help="default: %(default)s")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--quick", action="store_true", help="2 epochs, first seed only"
    )
    parser.add_argument("--output-dir", default=None)
    parser.add_argument(
        "--benchmarks-md",
        default=None,
        help="Markdown file whose tutorial-recipe section is replaced (default: "
        "BENCHMARKS.md for the standard run only; '' disables)",
    )
    args = parser.parse_args(argv)
    args.seed_list = [int(s) for s in args.seeds.split(",") if s.strip()]
    standard = (
        not args.quick
        and args.epochs == 50
        and args.batch_size == 32
        and args.seeds == "0,1,2"
    )
    if args.quick:
        args.epochs, args.seed_list = 2, args.seed_list[:1]
    fill_output_paths(args, standard, HERE)
    return args


def run_one(y: pd.DataFrame, seed: int, epochs: int, batch_size: int) -> dict:
    """Fit on the first 60 months, move the window to 2015-06, score 18 months."""
    dates = y.index.get_level_values("Date")
    y_fit = y[dates <= FIT_END]
    y_history = y[dates <= FORECAST_FROM]
    y_test = y[dates > FORECAST_FROM]

    forecaster = GRUEncoderDecoderForecaster(
        **tutorial_params(n_epochs=epochs, batch_size=batch_size), random_state=seed
    )
    start = time.perf_counter()
    forecaster.fit(y_fit)
    fit_s = time.perf_counter() - start
    forecaster.update(y_history, update_params=False)
    start = time.perf_counter()
    y_pred = forecaster.predict(fh=np.arange(1, HORIZON + 1))
    predict_s = time.perf_counter() - start
    y_pred = y_pred.loc[y_test.index]

    metrics = scoring(SEASONAL_PERIOD)
    row = {"seed": seed, "n_windows": forecaster.n_windows_}
    for name, metric in metrics.items():
        value = float(metric(y_test, y_pred, y_train=y_history))
        row[name] = value * 100.0 if name == "sMAPE" else value
    row["MASE_scale_fit"] = float(metrics["MASE"](y_test, y_pred, y_train=y_fit))
    row["fit_s"] = fit_s
    row["predict_s"] = predict_s
    return row


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Mean and std over seeds of every column, as ``mean ± std`` strings."""
    cols = ["MAE", "RMSE", "MASE", "sMAPE", "MASE_scale_fit", "fit_s", "predict_s"]
    mean, std = results[cols].mean(), results[cols].std(ddof=1)
    text = {
        c: f"{mean[c]:.3f}" + ("" if pd.isna(std[c]) else f" ± {std[c]:.3f}")
        for c in cols
    }
    return pd.DataFrame([text], index=pd.Index(["tutorial recipe"], name="model"))


def render_markdown(results, table, args, command, wall_s) -> str:
    """Markdown section for the report."""
    return "\n".join(
        [
            "## The tutorial's recipe (`benchmarks/tutorial_recipe.py`)",
            "",
            "`GRUEncoderDecoderForecaster("
            + ", ".join(
                f"{k}={v!r}"
                for k, v in tutorial_params(
                    n_epochs=args.epochs, batch_size=args.batch_size
                ).items()
            )
            + ", random_state=seed)` fitted on "
            "2009-01..2013-12 only (44 stations x 25 windows = "
            f"{int(results['n_windows'].iloc[0])} windows), then "
            "`update(y up to 2015-06, update_params=False)` (no training) and "
            "`predict(fh=1..18)`: scores on 2015-07..2016-12, per station then "
            "averaged. MASE: scale = each station's in-sample seasonal naive "
            "MAE (lag 12) on its history up to 2015-06 (as the final fold of "
            "`accuracy.py`); MASE_scale_fit: scale from the 60 fitting months. "
            f"Mean ± std over seeds {', '.join(map(str, args.seed_list))}; "
            "fit_s: seconds of `fit`.",
            "",
            markdown_table(table),
            "",
            f"Command: `{command}`; wall time {wall_s:.0f} s; source "
            f"{machine_info()['git']}.",
        ]
    )


def main(argv: list[str] | None = None) -> pd.DataFrame:
    """Run the recipe for every seed; return one row per seed."""
    args = parse_args(argv)
    command = "python benchmarks/tutorial_recipe.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    y = load_weather_au()
    start = time.perf_counter()
    rows = []
    for seed in args.seed_list:
        rows.append(run_one(y, seed, args.epochs, args.batch_size))
        print(
            f"seed {seed}: MAE {rows[-1]['MAE']:.3f} MASE {rows[-1]['MASE']:.3f} "
            f"(fit {rows[-1]['fit_s']:.1f} s)",
            flush=True,
        )
    wall_s = time.perf_counter() - start
    results = pd.DataFrame(rows)
    table = summarise(results)

    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    results.to_csv(out / "tutorial_recipe.csv", index=False)
    report = render_markdown(results, table, args, command.strip(), wall_s)
    (out / "tutorial_recipe.md").write_text(report + "\n")
    if args.benchmarks_md:
        update_markdown_section(args.benchmarks_md, MARKDOWN_KEY, report)
    print()
    print(table.to_string())
    print(f"\nwall time {wall_s:.0f} s; wrote {out / 'tutorial_recipe.csv'}")
    return results


if __name__ == "__main__":
    main()
