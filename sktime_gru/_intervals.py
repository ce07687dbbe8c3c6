"""Split-conformal prediction quantiles from held-out residuals.

Pure numpy. Residuals ``y - y_hat`` of windows the network was not trained on
(a backtest, validation windows, or series never seen in pretraining) are kept
per decoder step and target, in the scaled space; NaN marks a step a window
has no target for, and a step without any residual reuses the last step that
has them. A quantile at level ``a`` of the forecast
is ``y_hat + q_a(residuals of that step) - median(residuals of that step)``,
with the finite-sample conformal correction: the residuals are centred on their
median, so that the 50% quantile is the point forecast (a bias the residuals
show is corrected in neither); steps beyond the decoder length reuse the last
step's residual quantiles widened by ``sqrt(step / H)`` (a random-walk growth
assumption).

:func:`quantile_forecasts` and :func:`variance_forecasts` are what
``predict_quantiles`` / ``predict_var`` compute from the scaled point
forecasts: the quantiles or variances above, decoded by the fitted encoding
(passed in, with the forecast's bounds) to the data's scale. In-sample points
(steps <= 0) are one step ahead: they get the first step's residuals.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

__all__ = [
    "quantile_forecasts",
    "residual_offsets",
    "residual_variance",
    "variance_forecasts",
]


def _conformal_level(alpha: float, n: int) -> tuple[float, str]:
    """Return the adjusted empirical level and quantile method for ``n`` residuals."""
    if alpha >= 0.5:
        return min(1.0, math.ceil((n + 1) * alpha) / n), "higher"
    return max(0.0, math.floor((n + 1) * alpha) / n), "lower"


def residual_offsets(residuals: np.ndarray, alphas, steps: np.ndarray) -> np.ndarray:
    """Quantile offsets to add to point forecasts (scaled space).

    Parameters
    ----------
    residuals : np.ndarray, shape (N, H, T)
        Held-out ``y - y_hat`` per decoder step and target.
    alphas : sequence of float in (0, 1)
    steps : np.ndarray of int >= 1, shape (n, K)
        Steps ahead of every series and forecast time.

    Returns
    -------
    np.ndarray, shape (len(alphas), n, K, T)
        In the caller's alpha order; non-decreasing in alpha for every series,
        time and target; exactly 0 for ``alpha == 0.5``.
    """
    decoder_length = residuals.shape[1]
    alphas = np.asarray(alphas, dtype=float)
    order = np.argsort(alphas)
    # centred on the median: the 50% quantile is the point forecast itself
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a step without any
        centre = np.nanmedian(residuals, axis=0)  # -> (H, T)
    per_step = _step_quantiles(residuals, alphas[order]) - centre
    per_step[alphas[order] == 0.5] = 0.0
    per_step = _carry_forward(per_step, axis=1)
    # ties broken differently by "lower" / "higher" could cross: enforce order
    per_step = np.maximum.accumulate(per_step, axis=0)  # -> (A, H, T)
    h = np.minimum(steps, decoder_length) - 1  # -> (n, K)
    widen = np.sqrt(np.maximum(steps / decoder_length, 1.0))[None, :, :, None]
    offsets = per_step[:, h, :] * widen  # -> (A, n, K, T)
    out = np.empty_like(offsets)
    out[order] = offsets  # back to the caller's alpha order
    return out


def _step_quantiles(residuals: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """Conformal quantiles per step and target over the non-NaN residuals.

    Returns shape (A, H, T); NaN where a step has no residual.
    """
    _, decoder_length, n_targets = residuals.shape
    out = np.full((len(alphas), decoder_length, n_targets), np.nan)
    if not np.isnan(residuals).any():  # the common case, vectorised
        levels = [_conformal_level(a, len(residuals)) for a in alphas]
        for i, (level, method) in enumerate(levels):
            out[i] = np.quantile(residuals, level, axis=0, method=method)
        return out
    for h in range(decoder_length):
        for t in range(n_targets):
            r = residuals[:, h, t]
            r = r[~np.isnan(r)]
            for i, a in enumerate(alphas):
                if r.size:
                    level, method = _conformal_level(a, r.size)
                    out[i, h, t] = np.quantile(r, level, method=method)
    return out


def _carry_forward(values: np.ndarray, axis: int) -> np.ndarray:
    """Replace NaN steps along ``axis`` by the last earlier step that has values."""
    values = np.moveaxis(values.copy(), axis, 0)
    for h in range(1, len(values)):
        missing = np.isnan(values[h])
        values[h][missing] = values[h - 1][missing]
    return np.moveaxis(values, 0, axis)


def residual_variance(residuals: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Mean squared held-out residual per step (scaled space), shape (n, K, T)."""
    decoder_length = residuals.shape[1]
    squared = residuals.astype(np.float64) ** 2
    counts = np.sum(~np.isnan(squared), axis=0)  # -> (H, T)
    sums = np.nansum(squared, axis=0)
    mse = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    mse = _carry_forward(mse, axis=0)  # steps without residuals: the last with
    h = np.minimum(steps, decoder_length) - 1
    widen = np.maximum(steps / decoder_length, 1.0)[:, :, None]
    return mse[h, :] * widen


def quantile_forecasts(encoding, series, point, residuals, alpha, steps, bounds):
    """Return the decoded quantile forecasts at ``steps`` (n, K) -> (n, K, T * A).

    ``point`` (n, K, T): the scaled point forecasts; ``series`` (n, 1) the
    series numbers; ``bounds``: the range no decoded value may leave. The
    last axis is in sktime's column order: variable-major, then alpha.
    """
    # in-sample points are one step ahead: the first step's residuals
    lead = np.maximum(steps, 1)
    offsets = residual_offsets(residuals, alpha, lead)  # (A, n, K, T)
    values = encoding.decode(point[None] + offsets, series, bounds)
    values = np.moveaxis(values, 0, -1)  # -> (n, K, T, A)
    n, k = steps.shape
    return values.reshape(n, k, -1)


def variance_forecasts(encoding, series, residuals, steps, point, bounds):
    """Return the decoded forecast variances at ``steps`` (n, K) -> (n, K, T).

    ``point``: the scaled point forecasts (n, K, T), which the delta method
    needs for logged series (else anything, e.g. 0.0); ``series`` (n, 1) and
    ``bounds`` as in :func:`quantile_forecasts`.
    """
    lead = np.maximum(steps, 1)  # in-sample points: one step ahead
    variance = residual_variance(residuals, lead)  # (n, K, T), scaled
    return encoding.decode_variance(variance, point, series, bounds)
