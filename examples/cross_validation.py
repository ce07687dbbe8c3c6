"""Backtest the GRU forecaster against a seasonal naive baseline with sktime.

One train/test split (``weather_au.py``) can be lucky. Here sktime's
``evaluate`` refits each forecaster on an expanding window of the weatherAUS
panel (monthly mean temperature of 44 Australian stations, 2009-01 to 2016-12)
and scores the 18 months after each cutoff:

- ``GRUEncoderDecoderForecaster(random_state=0)``: one global model for all
  stations (its backbone plus as much of the network as the backtest inside
  ``fit`` keeps: none on this panel), library defaults except ``n_epochs``
  (``--epochs``);
- ``NaiveForecaster(strategy="last", sp=12)``: each station repeats its last
  observed year, the usual baseline for monthly seasonal data.

The folds are derived from the data length ``n`` (96 months), the horizon
``h`` (18), the number of folds ``k`` (3) and the step between cutoffs ``s``.
The last fold must forecast the final 18 months, so its training window holds
``n - h`` = 78 months; each earlier fold holds ``s`` months less, hence
``initial_window = n - h - (k - 1) * s``. With ``s = 12`` the initial window is
54 months and the cutoffs are 2013-06, 2014-06 and 2015-06: every fold starts
its forecast in July, so the folds differ in the year and the amount of history
only, not in the season they start in. The last fold is the split of
``weather_au.py``. (``s = 6`` would give 66 months and alternate the season.)

Scores: MAE (degrees Celsius) and MASE with ``sp=12``. ``evaluate`` passes each
fold's ``y_train`` to the metric, and sktime's metric classes compute panels per
station, so MASE is scaled by each station's own in-sample seasonal naive error;
both scores are then the mean over the 44 stations (for MAE that equals the MAE
pooled over all stations and steps, as every station has 18 test months).

Data: daily observations of the Australian Bureau of Meteorology (Copyright
Commonwealth of Australia, Bureau of Meteorology,
http://www.bom.gov.au/climate/data), collected by Graham Williams for the R
package ``rattle`` (data set ``weatherAUS``) and republished on Kaggle as "Rain
in Australia". Attribute the Bureau of Meteorology when you use the data.

Run it with ``python examples/cross_validation.py`` (three full GRU fits; the
first, in a fresh process, includes TensorFlow's start-up and graph tracing).
Measured 2026-12-04 on a shared 2-core CPU machine: 102 s wall while other jobs
kept it loaded (load average 10: GRU fits 43, 7 and 14 s); 17 s in an earlier,
quieter run (issue 22). Add ``--quick`` for a two-epoch smoke run.
"""

from __future__ import annotations

import argparse
import contextlib
import warnings

import pandas as pd
from sktime.forecasting.base import ForecastingHorizon
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import (
    MeanAbsoluteError,
    MeanAbsoluteScaledError,
)
from sktime.split import ExpandingWindowSplitter

from sktime_gru import GRUEncoderDecoderForecaster
from sktime_gru.datasets import load_weather_au

HORIZON = 18
N_FOLDS = 3
STEP_LENGTH = 12
SEASONAL_PERIOD = 12
QUICK_EPOCHS = 2
COLUMNS = [
    "cutoff",
    "len_train_window",
    "fit_time",
    "pred_time",
    "test_MeanAbsoluteError",
    "test_MeanAbsoluteScaledError",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description=(
            "Expanding-window backtest of the GRU encoder-decoder and a seasonal "
            "naive forecaster on the weatherAUS monthly panel."
        )
    )
    epochs = parser.add_mutually_exclusive_group()
    epochs.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="GRU training epochs (default: the forecaster's default)",
    )
    epochs.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run with n_epochs={QUICK_EPOCHS}",
    )
    return parser.parse_args(argv)


def make_splitter(n_timepoints: int) -> ExpandingWindowSplitter:
    """Expanding window with ``N_FOLDS`` folds, the last one ending the data."""
    initial_window = n_timepoints - HORIZON - (N_FOLDS - 1) * STEP_LENGTH
    return ExpandingWindowSplitter(
        fh=ForecastingHorizon(range(1, HORIZON + 1)),
        initial_window=initial_window,
        step_length=STEP_LENGTH,
    )


@contextlib.contextmanager
def without_remember_data_notice():
    """Drop sktime 1.2's ``remember_data`` notice; re-emit any other warning.

    sktime 1.2 warns about the coming default of the ``remember_data`` config
    whenever it constructs a forecaster that keeps the old default: here
    NaiveForecaster and its 44 per-location clones in every fold. A message
    filter does not silence it, because sktime's ForecastingHorizon code inserts
    a ``"default"`` filter for every FutureWarning in front of the existing
    filters, so the warnings are recorded and sorted here instead.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        if "``remember_data``" not in str(w.message):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def main(argv: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Backtest both forecasters; return their per-fold result tables.

    Returns
    -------
    dict of str to pd.DataFrame
        ``"GRU"`` and ``"Naive"``: the frames returned by ``sktime``'s
        ``evaluate``, one row per fold.
    """
    args = parse_args(argv)

    y = load_weather_au()
    n_timepoints = y.index.get_level_values("Date").nunique()
    cv = make_splitter(n_timepoints)
    print(
        f"weatherAUS panel: {y.index.get_level_values('Location').nunique()} "
        f"locations x {n_timepoints} months; ExpandingWindowSplitter("
        f"initial_window={cv.initial_window}, step_length={cv.step_length}, "
        f"fh=1..{HORIZON}): {cv.get_n_splits(y)} folds"
    )

    gru_params = {"random_state": 0}
    if args.quick:
        gru_params["n_epochs"] = QUICK_EPOCHS
    elif args.epochs is not None:
        gru_params["n_epochs"] = args.epochs
    # both metrics score each location on its own and average the locations
    # (multilevel="uniform_average"); evaluate hands MASE each fold's y_train
    scoring = [MeanAbsoluteError(), MeanAbsoluteScaledError(sp=SEASONAL_PERIOD)]

    results = {}
    with without_remember_data_notice():
        forecasters = {
            "GRU": GRUEncoderDecoderForecaster(**gru_params),
            "Naive": NaiveForecaster(strategy="last", sp=SEASONAL_PERIOD),
        }
        for name, forecaster in forecasters.items():
            # error_score="raise": a failing fold should stop the backtest, not
            # silently turn into a NaN score
            results[name] = evaluate(
                forecaster=forecaster,
                cv=cv,
                y=y,
                strategy="refit",
                scoring=scoring,
                error_score="raise",
            )
            print(f"\n{name}: {forecaster}")
            print(results[name][COLUMNS].to_string(float_format="{:.3f}".format))

    print_summary(results)
    return results


def print_summary(results: dict[str, pd.DataFrame]) -> None:
    """Print mean scores, total fit time and folds won per forecaster."""
    mae = pd.DataFrame(
        {name: res["test_MeanAbsoluteError"] for name, res in results.items()}
    )
    summary = pd.DataFrame(
        {
            "mean MAE (°C)": mae.mean(),
            "mean MASE": pd.Series(
                {
                    name: res["test_MeanAbsoluteScaledError"].mean()
                    for name, res in results.items()
                }
            ),
            "total fit time (s)": pd.Series(
                {name: res["fit_time"].sum() for name, res in results.items()}
            ),
            "folds with lowest MAE": mae.eq(mae.min(axis=1), axis=0).sum(),
        }
    )
    print(
        "\nSummary (each fold's scores are means over the 44 locations; here "
        "averaged over the folds):"
    )
    print(summary.to_string(float_format="{:.3f}".format))


if __name__ == "__main__":
    main()
