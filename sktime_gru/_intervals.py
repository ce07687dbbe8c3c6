"""Split-conformal prediction quantiles from held-out residuals.

Pure numpy. Residuals ``y - y_hat`` of windows the network was not trained on
(validation windows, or series never seen in pretraining) are kept per decoder
step and target, in the scaled space. A quantile at level ``a`` of the forecast
is ``y_hat + q_a(residuals of that step)``, with the finite-sample conformal
correction; steps beyond the decoder length reuse the last step's residual
quantiles widened by ``sqrt(step / H)`` (a random-walk growth assumption).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["residual_offsets", "residual_variance"]


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
        time and target.
    """
    n_res, horizon, _ = residuals.shape
    alphas = np.asarray(alphas, dtype=float)
    order = np.argsort(alphas)
    per_step = np.stack(
        [
            np.quantile(residuals, level, axis=0, method=method)
            for level, method in (_conformal_level(a, n_res) for a in alphas[order])
        ]
    )  # -> (A, H, T), alphas ascending
    # ties broken differently by "lower" / "higher" could cross: enforce order
    per_step = np.maximum.accumulate(per_step, axis=0)
    h = np.minimum(steps, horizon) - 1  # -> (n, K)
    widen = np.sqrt(np.maximum(steps / horizon, 1.0))[None, :, :, None]
    offsets = per_step[:, h, :] * widen  # -> (A, n, K, T)
    out = np.empty_like(offsets)
    out[order] = offsets  # back to the caller's alpha order
    return out


def residual_variance(residuals: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Mean squared held-out residual per step (scaled space), shape (n, K, T)."""
    horizon = residuals.shape[1]
    mse = np.mean(residuals**2, axis=0)  # -> (H, T)
    h = np.minimum(steps, horizon) - 1
    widen = np.maximum(steps / horizon, 1.0)[:, :, None]
    return mse[h, :] * widen
