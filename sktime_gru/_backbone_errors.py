"""A candidate backbone's forecasts from a set of origins, and their errors.

Pure numpy. The one routine by which :mod:`sktime_gru._backbone_choice`
scores every candidate, for the panel's choice (held-back points) and each
series' own (in-sample origins): the deseasonalised input windows before
every origin (:func:`origin_inputs`), what was observed after it
(:func:`observed`), the candidate's forecasts' absolute errors scaled by each
series' seasonal-naive error (:func:`scaled_errors`, :func:`snaive_scale`:
MASE).

Dimension legend: ``R`` rows of the flat panel, ``S`` series, ``P``
seasonal period, ``W`` window, ``H`` steps ahead, ``N`` origins.
"""

from __future__ import annotations

import numpy as np

from sktime_gru._backbone import _mean_by

__all__ = [
    "deseasonalised",
    "modelled",
    "observed",
    "origin_inputs",
    "scaled_errors",
    "snaive_scale",
]


def modelled(target, logged) -> np.ndarray:
    """``target`` (R,) on the candidate's scale: logarithms where ``logged``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(logged, np.log(target), target)


def deseasonalised(z, profile, row_series, phase) -> np.ndarray:
    """``z`` (R,) less the candidate's ``profile`` (S, P) at every row, (R,)."""
    return z - profile[row_series, 0 if phase is None else phase]


def origin_inputs(anomaly, profile, phase, offsets, origins, series, window, horizon):
    """Return a candidate's deseasonalised windows (N, W), future profile (N, H).

    ``anomaly`` (R,) from :func:`deseasonalised`, ``profile`` (S, P) the fitted
    profile; ``origins`` (N,) the rows forecast first, of ``series`` (N,).
    """
    first = offsets[:-1][series]
    rows = origins[:, None] + np.arange(-window, 0)  # -> (N, W)
    # before a series' start the window repeats its first row
    inputs = anomaly[np.maximum(rows, first[:, None])]
    return inputs, _future_season(profile, origins, offsets, series, horizon, phase)


def observed(target, offsets, origins, series, horizon) -> np.ndarray:
    """Observed values at the ``horizon`` steps from every origin, (N, H).

    NaN past a series' end.
    """
    rows = origins[:, None] + np.arange(horizon)
    past_end = rows >= offsets[1:][series][:, None]
    return np.where(past_end, np.nan, target[np.minimum(rows, len(target) - 1)])


def scaled_errors(inputs, future, matrix, logged, actual, scale) -> np.ndarray:
    """Absolute errors of the backbone's forecasts / each series' scale, (N, H).

    ``matrix`` (H, W) the anchor; ``logged`` (N,) whether each origin's
    series is on the log scale; ``scale`` (N,) its seasonal-naive error.
    NaN where nothing was observed.
    """
    forecast = inputs @ matrix.astype(np.float64).T + future  # -> (N, H)
    log_rows = logged[:, None]
    forecast = np.where(log_rows, np.exp(np.where(log_rows, forecast, 0)), forecast)
    err = np.abs(actual - forecast) / scale[:, None]
    return np.where(np.isfinite(err), err, np.nan)


def _future_season(profile, origins, offsets, series, horizon, phase):
    """Profile at the ``horizon`` steps from every origin, (N, H)."""
    period = profile.shape[1]
    if phase is None or period == 1:
        return np.repeat(profile[series, 0][:, None], horizon, axis=1)
    start = phase[offsets[:-1][series]]  # phase of each series' first row
    local = origins - offsets[:-1][series]
    steps = (start + local)[:, None] + np.arange(horizon)
    return profile[series[:, None], steps % period]


def snaive_scale(values, offsets, lag):
    """Mean absolute seasonal-naive error of every series on its known values.

    A series too short for it falls back to the naive (lag 1) error, then to
    its mean absolute value, then to 1: every series gets a positive scale.
    """
    n_series = len(offsets) - 1
    series = np.repeat(np.arange(n_series), np.diff(offsets))
    rows = np.arange(len(values))
    scale = np.full(n_series, np.nan)
    for k in dict.fromkeys((lag, 1)):
        lagged = rows - k
        same = (lagged >= 0) & (series[np.maximum(lagged, 0)] == series)
        diff = np.where(same, np.abs(values - values[np.maximum(lagged, 0)]), np.nan)
        mean = _mean_by(diff, series, n_series)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, mean)
    level = _mean_by(np.abs(values), series, n_series)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, level)
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
