"""Expanding-window backtests with sktime's ``evaluate``, as tidy long tables."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = [
    "METRICS",
    "evaluate_long",
    "expanding_splitter",
    "fold_cutoffs",
    "scoring",
    "summarise",
]

#: Scores reported per fold; sMAPE in percent, the others in the unit of y.
METRICS: tuple[str, ...] = ("MAE", "RMSE", "MASE", "sMAPE")
#: Timings reported per fold, in seconds (``evaluate``'s fit_time / pred_time).
TIMINGS: tuple[str, ...] = ("fit_s", "predict_s")

# sktime 1.2 warns once per constructed forecaster that keeps remember_data=True
# (every per-series clone of a vectorised classical model): a notice, no finding
_REMEMBER_DATA = "The default of config ``remember_data``"


def scoring(sp: int = 12) -> dict:
    """Return sktime metric objects by short name.

    Every metric is computed per series and averaged over the series of a panel
    (sktime's default ``multilevel="uniform_average"``):

    - ``MAE``: mean absolute error;
    - ``RMSE``: root mean squared error of each series, then averaged (not the
      RMSE pooled over all series);
    - ``MASE``: MAE of the series divided by the in-sample MAE of its seasonal
      naive forecast (lag ``sp``) on the fold's training data, which
      ``evaluate`` passes as ``y_train``;
    - ``sMAPE``: mean of ``2 |y - y_pred| / (|y| + |y_pred|)``, as a fraction
      here (``evaluate_long`` reports it in percent).

    Parameters
    ----------
    sp : int, default=12
        Seasonal period of the MASE scale.
    """
    from sktime.performance_metrics.forecasting import (
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanAbsoluteScaledError,
        MeanSquaredError,
    )

    return {
        "MAE": MeanAbsoluteError(),
        "RMSE": MeanSquaredError(square_root=True),
        "MASE": MeanAbsoluteScaledError(sp=sp),
        "sMAPE": MeanAbsolutePercentageError(symmetric=True),
    }


def expanding_splitter(
    n_timepoints: int, horizon: int = 18, n_folds: int = 3, step_length: int = 6
):
    """Return an expanding window with ``n_folds`` folds, the last ending the data.

    The last fold trains on the first ``n_timepoints - horizon`` time points
    and forecasts the final ``horizon``; each earlier fold has ``step_length``
    time points less history, so ``initial_window = n_timepoints - horizon -
    (n_folds - 1) * step_length``.

    Returns
    -------
    sktime.split.ExpandingWindowSplitter
        With ``fh = 1..horizon``.
    """
    from sktime.forecasting.base import ForecastingHorizon
    from sktime.split import ExpandingWindowSplitter

    if n_folds < 1 or step_length < 1 or horizon < 1:
        raise ValueError("n_folds, step_length and horizon must all be >= 1")
    initial = n_timepoints - horizon - (n_folds - 1) * step_length
    if initial < 1:
        raise ValueError(
            f"{n_folds} folds of step {step_length} with horizon {horizon} need "
            f"more than {n_timepoints} time points"
        )
    return ExpandingWindowSplitter(
        fh=ForecastingHorizon(np.arange(1, horizon + 1)),
        initial_window=initial,
        step_length=step_length,
    )


def fold_cutoffs(cv, times: pd.Index) -> list:
    """Cutoff time of every fold of ``cv`` on the (common) time index ``times``."""
    dummy = pd.Series(np.zeros(len(times)), index=times)
    return [times[i] for i in cv.get_cutoffs(dummy)]


def evaluate_long(
    forecaster,
    y: pd.DataFrame,
    cv,
    *,
    model: str,
    seed: int | None = None,
    sp: int = 12,
    on_fold=None,
) -> pd.DataFrame:
    """Backtest ``forecaster`` with ``sktime``'s ``evaluate``; one row per score.

    ``evaluate`` refits a clone per fold (``strategy="refit"``); a failing fold
    raises (``error_score="raise"``) instead of turning into NaN.

    Parameters
    ----------
    forecaster : sktime forecaster
    y : pd.DataFrame
        Panel (``pd-multiindex``) or single series.
    cv : sktime splitter
    model : str
        Name written to the ``model`` column.
    seed : int or None
        Written to the ``seed`` column.
    sp : int, default=12
        Seasonal period of MASE.
    on_fold : callable or None
        Called with the fold number after each fold. With an
        ``ExpandingWindowSplitter``, ``evaluate`` is then called once per fold,
        on ``y`` cut after that fold's test window and the splitter's
        ``initial_window`` moved to that fold's cutoff: the same training and
        test data, so the same scores as one call with ``cv`` (a test checks
        this), only with a chance to report progress in between.

    Returns
    -------
    pd.DataFrame
        Columns ``model, seed, fold, cutoff, n_train, metric, value``; ``metric``
        is one of :data:`METRICS` (sMAPE in percent) or ``fit_s`` /
        ``predict_s`` (seconds of ``fit`` and ``predict`` in that fold).
    """
    metrics = scoring(sp)
    records = []
    for fold, (y_fold, cv_fold) in enumerate(_per_fold(y, cv, on_fold is not None)):
        records += _evaluate(forecaster, y_fold, cv_fold, metrics)
        if on_fold is not None:
            on_fold(fold)
    rows = []
    for fold, rec in enumerate(records):
        base = {
            "model": model,
            "seed": seed,
            "fold": fold,
            "cutoff": str(rec["cutoff"]),
            "n_train": int(rec["len_train_window"]),
        }
        for name, metric in metrics.items():
            value = float(rec[f"test_{metric.name}"])
            if name == "sMAPE":
                value *= 100.0
            rows.append({**base, "metric": name, "value": value})
        rows.append({**base, "metric": "fit_s", "value": float(rec["fit_time"])})
        rows.append({**base, "metric": "predict_s", "value": float(rec["pred_time"])})
    frame = pd.DataFrame(rows)
    frame["seed"] = frame["seed"].astype("Int64")
    return frame


def _evaluate(forecaster, y, cv, metrics: dict) -> list[dict]:
    from sktime.forecasting.model_evaluation import evaluate

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_REMEMBER_DATA)
        result = evaluate(
            forecaster=forecaster,
            cv=cv,
            y=y,
            strategy="refit",
            scoring=list(metrics.values()),
            error_score="raise",
        )
    return result.to_dict("records")


def _per_fold(y: pd.DataFrame, cv, split: bool):
    """Yield ``(y, cv)`` once, or per fold of an ``ExpandingWindowSplitter``."""
    from sktime.split import ExpandingWindowSplitter

    if not split or type(cv) is not ExpandingWindowSplitter:
        yield y, cv
        return
    times = _time_index(y)
    horizon = int(np.max(cv.fh.to_numpy()))
    for cutoff in fold_cutoffs(cv, times):
        position = times.get_loc(cutoff)
        keep = times[: position + horizon + 1]
        y_fold = y[_time_values(y).isin(keep)]
        yield (
            y_fold,
            ExpandingWindowSplitter(
                fh=cv.fh, initial_window=position + 1, step_length=cv.step_length
            ),
        )


def _time_values(y: pd.DataFrame) -> pd.Index:
    return (
        y.index.get_level_values(-1) if isinstance(y.index, pd.MultiIndex) else y.index
    )


def _time_index(y: pd.DataFrame) -> pd.Index:
    return _time_values(y).unique().sort_values()


def summarise(long: pd.DataFrame) -> pd.DataFrame:
    """One row per model: scores averaged over folds, then mean / std over seeds.

    Parameters
    ----------
    long : pd.DataFrame
        Rows of :func:`evaluate_long`, possibly for several models and seeds.

    Returns
    -------
    pd.DataFrame
        Index ``model`` (in order of first appearance). For each metric ``m`` of
        :data:`METRICS` and the timings: ``m`` (mean over folds, then over
        seeds) and ``m_std`` (standard deviation over seeds, ddof=1; NaN for a
        single seed). ``final_MAE`` / ``final_MASE`` (and ``_std``): the last
        fold only (the reference split). ``n_seeds``, ``n_folds``, ``cutoffs``.
    """
    order = list(dict.fromkeys(long["model"]))
    long = long.assign(seed=long["seed"].astype("Int64").fillna(-1))
    last_fold = long.groupby("model")["fold"].transform("max")

    def by_seed(frame):
        # mean over folds per (model, seed, metric) -> wide (model, seed) x metric
        return frame.groupby(["model", "seed", "metric"])["value"].mean().unstack()

    all_folds = by_seed(long)
    final = by_seed(long[long["fold"] == last_fold])[["MAE", "MASE"]]
    final.columns = [f"final_{c}" for c in final.columns]
    per_seed = all_folds.join(final)
    mean = per_seed.groupby(level="model").mean()
    std = per_seed.groupby(level="model").std(ddof=1).add_suffix("_std")
    out = mean.join(std)
    out["n_seeds"] = per_seed.groupby(level="model").size()
    out["n_folds"] = long.groupby("model")["fold"].nunique()
    out["cutoffs"] = long.groupby("model")["cutoff"].agg(
        lambda c: ", ".join(dict.fromkeys(c))
    )
    return out.loc[order]
