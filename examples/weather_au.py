"""Forecast 18 months of temperature at 44 Australian stations with one GRU.

The reference tutorial workflow, through the plain sktime API:

1. load the shipped panel: monthly mean temperature (``MedTemp``, degrees
   Celsius) of 44 Australian weather stations, 2009-01 to 2016-12, as an sktime
   ``pd-multiindex`` frame with index levels ``Location`` and ``Date``;
2. split it in time: every station's history up to 2015-06 (inclusive) is the
   training set, the last 18 months (2015-07 to 2016-12) are the test set;
3. fit ONE global ``GRUEncoderDecoderForecaster`` on all 44 training series with
   ``fh=ForecastingHorizon(range(1, 19))``, so that the decoder forecasts the 18
   months at once, and time the fit;
4. forecast the 18 test months of every station and score them with sktime's
   metrics: MAE, RMSE and MASE (scaled by the in-sample MAE of the seasonal
   naive forecast, ``sp=12``), per station and overall;
5. forecast 80% and 95% prediction intervals and report how many test months
   they cover (calibrated by a backtest inside ``fit``);
6. plot actual vs forecast, with the intervals, for five climatically
   different stations.

All forecaster parameters except ``n_epochs`` (``--epochs``) and
``random_state`` are the library defaults; nothing is tuned.

Run it with ``python examples/weather_au.py`` (about a minute on a laptop CPU),
or ``python examples/weather_au.py --quick`` for a two-epoch smoke run.

Data: daily observations of the Australian Bureau of Meteorology (Copyright
Commonwealth of Australia, Bureau of Meteorology,
http://www.bom.gov.au/climate/data), collected by Graham Williams for the R
package ``rattle`` (data set ``weatherAUS``) and republished on Kaggle as "Rain
in Australia"; aggregated to monthly means by
``sktime_gru.datasets.build_weather_au_panel``. No open-data license is stated
for the compilation: attribute the Bureau of Meteorology, and use the data for
research and evaluation.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sktime.forecasting.base import ForecastingHorizon
from sktime.performance_metrics.forecasting import (
    mean_absolute_error,
    mean_absolute_scaled_error,
    mean_squared_error,
)

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.datasets import load_weather_au

LAST_TRAIN_MONTH = pd.Period("2015-06", freq="M")
HORIZON = 18
SEASONAL_PERIOD = 12
PLOT_LOCATIONS = ("Cairns", "Canberra", "Darwin", "GoldCoast", "MountGinini")
#: Months of training history shown before the forecast in each subplot.
PLOT_HISTORY = 30
QUICK_EPOCHS = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=(
            "Fit a global GRU encoder-decoder on the weatherAUS monthly panel and "
            "forecast the last 18 months of every station."
        )
    )
    epochs = parser.add_mutually_exclusive_group()
    epochs.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="training epochs (default: the forecaster's default)",
    )
    epochs.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run with n_epochs={QUICK_EPOCHS}",
    )
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--output",
        default="weather_au_forecast.png",
        help="path of the PNG with actual vs forecast (default: %(default)s)",
    )
    return parser.parse_args(argv)


def temporal_split(y: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split every station at ``LAST_TRAIN_MONTH``: history and test months."""
    in_train = y.index.get_level_values("Date") <= LAST_TRAIN_MONTH
    return y[in_train], y[~in_train]


def score(
    y_train: pd.DataFrame, y_test: pd.DataFrame, y_pred: pd.DataFrame
) -> tuple[dict, pd.DataFrame]:
    """Score the forecasts per station and overall.

    MASE divides by the in-sample error of each station's own seasonal naive
    forecast, so it is only defined per station; the overall MASE is the mean of
    the per-station values. MAE and RMSE are in degrees Celsius and comparable
    across stations, so the overall values pool all stations and steps.
    """
    # the metric functions compare arrays row by row, so align them explicitly
    y_pred = y_pred.loc[y_test.index]
    rows = {}
    for location in y_test.index.unique("Location"):
        true = y_test.loc[location, "MedTemp"]
        pred = y_pred.loc[location, "MedTemp"]
        rows[location] = {
            "MAE": mean_absolute_error(true, pred),
            "RMSE": mean_squared_error(true, pred, square_root=True),
            "MASE": mean_absolute_scaled_error(
                true,
                pred,
                sp=SEASONAL_PERIOD,
                y_train=y_train.loc[location, "MedTemp"],
            ),
        }
    per_location = pd.DataFrame.from_dict(rows, orient="index")
    per_location.index.name = "Location"

    true_all = y_test["MedTemp"].to_numpy()
    pred_all = y_pred["MedTemp"].to_numpy()
    overall = {
        "mae": float(mean_absolute_error(true_all, pred_all)),
        "rmse": float(mean_squared_error(true_all, pred_all, square_root=True)),
        "mase": float(per_location["MASE"].mean()),
    }
    return overall, per_location


def interval_coverage(y_test: pd.DataFrame, intervals: pd.DataFrame) -> dict:
    """Share of test months inside each interval, over all stations and steps."""
    actual = y_test["MedTemp"].loc[intervals.index].to_numpy()
    out = {}
    for coverage in intervals.columns.get_level_values(1).unique():
        lower = intervals[("MedTemp", coverage, "lower")].to_numpy()
        upper = intervals[("MedTemp", coverage, "upper")].to_numpy()
        out[float(coverage)] = float(((lower <= actual) & (actual <= upper)).mean())
    return out


def plot_forecasts(
    y_train: pd.DataFrame,
    y_test: pd.DataFrame,
    y_pred: pd.DataFrame,
    intervals: pd.DataFrame,
    path: str,
) -> None:
    """Save actual vs forecast of ``PLOT_LOCATIONS``, one subplot each, as PNG."""
    # an explicit Agg canvas instead of pyplot: no global backend state is
    # changed, so main() can be called from tests and notebooks alike
    fig = Figure(figsize=(10, 2.4 * len(PLOT_LOCATIONS)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(PLOT_LOCATIONS), 1, sharex=True)
    for ax, location in zip(axes, PLOT_LOCATIONS):
        history = y_train.loc[location, "MedTemp"].iloc[-PLOT_HISTORY:]
        actual = y_test.loc[location, "MedTemp"]
        forecast = y_pred.loc[location, "MedTemp"]
        band = intervals.loc[location]
        times = forecast.index.to_timestamp()
        for coverage, alpha in ((0.95, 0.15), (0.8, 0.3)):
            ax.fill_between(
                times,
                band[("MedTemp", coverage, "lower")],
                band[("MedTemp", coverage, "upper")],
                color="C1",
                alpha=alpha,
                linewidth=0,
                label=f"{coverage:.0%} interval",
            )
        # the last training month joins history and actual into one line
        actual = pd.concat([history.iloc[-1:], actual])
        ax.plot(history.index.to_timestamp(), history, color="0.5", label="history")
        ax.plot(actual.index.to_timestamp(), actual, color="C0", label="actual")
        ax.plot(
            forecast.index.to_timestamp(),
            forecast,
            color="C1",
            marker=".",
            label="forecast",
        )
        ax.axvline(
            LAST_TRAIN_MONTH.to_timestamp(how="end"), color="0.7", linestyle="--"
        )
        ax.set_title(location, loc="left")
        ax.set_ylabel("°C")
    axes[0].legend(loc="upper left", ncols=5, frameon=False)
    fig.suptitle(
        "Monthly mean temperature: GRU encoder-decoder forecast from 2015-06\n"
        "Data: Australian Bureau of Meteorology (weatherAUS)"
    )
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> dict:
    """Run the tutorial workflow; return the overall metrics and the fit time.

    Returns
    -------
    dict
        ``mae``, ``rmse`` (degrees Celsius, pooled over all stations and steps),
        ``mase`` (mean of the per-station MASE), ``fit_time_s``, ``epochs``,
        ``coverage`` (share of test months inside the 80% and 95% intervals),
        ``per_location`` (DataFrame of MAE, RMSE and MASE per station) and
        ``output`` (path of the PNG).
    """
    args = parse_args(argv)

    # 1. data
    y = load_weather_au()
    y_train, y_test = temporal_split(y)
    n_locations = y.index.get_level_values("Location").nunique()
    print(
        f"weatherAUS panel: {n_locations} locations, "
        f"train {y_train.index.get_level_values('Date').min()}.."
        f"{LAST_TRAIN_MONTH}, test {y_test.index.get_level_values('Date').min()}.."
        f"{y_test.index.get_level_values('Date').max()}"
    )

    # 2. one global forecaster for all stations; only n_epochs may be overridden
    params = {"random_state": args.random_state}
    if args.quick:
        params["n_epochs"] = QUICK_EPOCHS
    elif args.epochs is not None:
        params["n_epochs"] = args.epochs
    forecaster = GRUEncoderDecoderForecaster(**params)
    epochs = forecaster.get_params()["n_epochs"]

    # 3. fit with the full horizon, so the decoder outputs all 18 months at once
    fh = ForecastingHorizon(range(1, HORIZON + 1))
    start = time.perf_counter()
    forecaster.fit(y_train, fh=fh)
    fit_time = time.perf_counter() - start
    print(
        f"fit: {fit_time:.1f} s ({epochs} epochs, {forecaster.n_windows_} "
        f"training windows, random_state={args.random_state})"
    )

    # 4. forecast and score
    y_pred = forecaster.predict()
    overall, per_location = score(y_train, y_test, y_pred)
    print("\nPer location (18-month test period):")
    print(per_location.to_string(float_format="{:.3f}".format))
    print(
        "\nOverall: MAE and RMSE pooled over all locations and steps; "
        "MASE (sp=12) is the mean of the per-location MASE."
    )
    print(f"  MAE  = {overall['mae']:.3f} °C")
    print(f"  RMSE = {overall['rmse']:.3f} °C")
    print(f"  MASE = {overall['mase']:.3f}")

    # 5. prediction intervals
    intervals = forecaster.predict_interval(coverage=[0.8, 0.95])
    covered = interval_coverage(y_test, intervals)
    print(
        f"\nPrediction intervals (calibration: {forecaster.calibration_}): "
        + ", ".join(f"{c:.0%} interval covers {v:.1%}" for c, v in covered.items())
        + " of the test months"
    )

    # 6. plot
    plot_forecasts(y_train, y_test, y_pred, intervals, args.output)
    print(f"\nplot saved to {args.output}")

    return {
        **overall,
        "fit_time_s": fit_time,
        "n_epochs": epochs,
        "coverage": covered,
        "per_location": per_location,
        "output": args.output,
    }


if __name__ == "__main__":
    main()
