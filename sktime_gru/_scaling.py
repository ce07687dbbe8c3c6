"""Min-max scaling fitted on training data only, per panel or per series.

Pure numpy. Statistics are kept per *group*: one group for ``"global"`` scaling
(every series shares one scaler per column, as in the reference tutorial) or one
group per series for ``"per_series"``. A column whose training range is zero is
mapped to the middle of the feature range instead of dividing by zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MinMaxStats", "fit_minmax"]


@dataclass(frozen=True)
class MinMaxStats:
    """Fitted min-max statistics.

    Attributes
    ----------
    data_min, data_max : np.ndarray, shape (G, F)
        Training minimum and maximum per group and column.
    feature_range : tuple of float
        Target range of the scaled values.
    """

    data_min: np.ndarray
    data_max: np.ndarray
    feature_range: tuple[float, float] = (-1.0, 1.0)

    @property
    def scale(self) -> np.ndarray:
        """Multiplier per group and column, 1 where the range is zero."""
        lo, hi = self.feature_range
        span = self.data_max - self.data_min
        safe = np.where(span > 0, span, 1.0)
        return np.where(span > 0, (hi - lo) / safe, 1.0)

    @property
    def shift(self) -> np.ndarray:
        """Value added after multiplying: constant columns land mid-range."""
        lo, hi = self.feature_range
        span = self.data_max - self.data_min
        mid = 0.5 * (lo + hi)
        return np.where(span > 0, lo - self.data_min * self.scale, mid - self.data_min)

    def transform(
        self, values: np.ndarray, groups: np.ndarray, columns=slice(None)
    ) -> np.ndarray:
        """Scale ``values`` (..., F') of the given ``columns``, rows in ``groups``."""
        return values * self.scale[:, columns][groups] + self.shift[:, columns][groups]

    def inverse_transform(
        self, values: np.ndarray, groups: np.ndarray, columns=slice(None)
    ) -> np.ndarray:
        """Undo :meth:`transform` for ``values`` holding the given ``columns``."""
        scale = self.scale[:, columns][groups]
        shift = self.shift[:, columns][groups]
        return (values - shift) / scale


def fit_minmax(
    values: np.ndarray,
    groups: np.ndarray,
    n_groups: int,
    feature_range: tuple[float, float] = (-1.0, 1.0),
) -> MinMaxStats:
    """Fit per-group, per-column minimum and maximum, ignoring NaN.

    Parameters
    ----------
    values : np.ndarray, shape (T_total, F)
    groups : np.ndarray of int, shape (T_total,)
        Group of each row, in ``range(n_groups)``.
    n_groups : int
    feature_range : tuple of float

    Returns
    -------
    MinMaxStats
        A group or column without any finite value gets min = max = 0.
    """
    n_features = values.shape[1]
    data_min = np.full((n_groups, n_features), np.inf)
    data_max = np.full((n_groups, n_features), -np.inf)
    finite = np.where(np.isfinite(values), values, np.nan)
    # ufunc.at is unbuffered: correct for repeated group indices
    np.fmin.at(data_min, groups, finite)
    np.fmax.at(data_max, groups, finite)
    empty = ~np.isfinite(data_min)
    data_min[empty] = 0.0
    data_max[empty] = 0.0
    return MinMaxStats(data_min, data_max, tuple(float(v) for v in feature_range))
